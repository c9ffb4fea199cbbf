"""Shared fixtures: reference data on every test database, factories and personas."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from portal.reference import load_reference_data
from tests import factories

TRANSACTIONAL = {"transactional_db", "live_server"}


_database_ready = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    global _database_ready
    with django_db_blocker.unblock():
        load_reference_data()
    _database_ready = True
    yield
    with django_db_blocker.unblock():
        _end_other_sessions()


def _end_other_sessions() -> None:
    """Before pytest-django drops the PostgreSQL test database: end the sessions still on it.

    The live server answers each browser connection in a daemon thread, and stopping the server
    does not wait for them: a request the last browser test left in flight (htmx, a redirect)
    still held its database connection, the drop failed ("being accessed by other users") and
    the test database stayed behind, one per xdist worker."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(TRANSACTIONAL & set(getattr(item, "fixturenames", ()))) or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test flushes every table; put the reference data back for the next test."""
    result = yield
    # Until a test has set the database up there is nothing to reload into: a transactional test
    # skipped first (a PostgreSQL-only file run alone on SQLite) must not try.
    if nextitem is not None and _is_transactional(item) and _database_ready:
        with item.config.stash[blocking_manager_key].unblock():
            load_reference_data()
    return result


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: a test's database is rolled back, and what an
    earlier test cached (rate limits, gap summaries under SQLite's counter) must not leak in."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language. Django's LocaleMiddleware activates a request's
    language in the thread that serves it and never deactivates it, so after a test-client request
    in English the test process stays English until its next request. Which test ran before in the
    same process varies from run to run with pytest-xdist; a language left behind must not leak in
    (an HSDS preview in English never matches the same import confirmed in Dutch by a thread)."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def school(db):
    return factories.SchoolFactory()


@pytest.fixture
def organisation(db):
    return factories.OrganisationFactory()


@pytest.fixture
def school_coordinator(db, school):
    return factories.member_of(school=school, role="admin", email="coordinator@school.test")


@pytest.fixture
def welfare_worker(db, organisation):
    return factories.member_of(organisation=organisation, role="admin", email="worker@welzijn.test")


@pytest.fixture
def clb_broker(db):
    return factories.member_of(clb=factories.CLBFactory(), role="member", email="broker@clb.test")


@pytest.fixture
def bridge_figure(db, school):
    figure = factories.BridgeFigureFactory(user__email="brugfiguur@gemeente.test")
    figure.schools.add(school)
    return figure.user


@pytest.fixture
def local_government(db):
    return factories.member_of(municipality=factories.municipality(), role="member", email="beleid@gemeente.test")


@pytest.fixture
def outsider(db):
    return factories.member_of(organisation=factories.OrganisationFactory(), role="admin", email="outsider@elders.test")


@pytest.fixture
def moderator(db):
    return factories.UserFactory(email="moderator@brugwijzer.test", is_moderator=True)


@pytest.fixture
def en_client(client):
    """A client that asks for the English interface: tests that read interface text use it."""
    client.cookies["django_language"] = "en"
    return client
