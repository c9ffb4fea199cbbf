"""The dashboard's numbers are cached, and computed again as soon as the data behind them
changes: bridge.data_version, bumped by database triggers, whoever writes and however."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from bridge import data_version
from bridge.dashboard import municipality_dashboard, municipality_figures
from bridge.gaps import GapSummary, gap_report
from bridge.models import Barrier, MatchRequest
from bridge.services import accept_match
from families.models import FamilyNeed
from portal.models import Municipality
from tests import factories
from tests.bridge.dashboard import SINT_NIKLAAS, build_municipal, need_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_municipal()


def sint_niklaas() -> Municipality:
    return Municipality.objects.get(nis_code=SINT_NIKLAAS)


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE %s GROUP BY c.relname HAVING count(*) = 2",
                [f"{data_version.NAME}%"],
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{data_version.NAME}%"]
        )
        tables = [row[0] for row in cursor.fetchall()]
        return {table for table in tables if tables.count(table) == 3}


def test_every_table_behind_the_numbers_bumps_the_version():
    assert set(data_version.watched_tables(apps)) <= installed_triggers()


def _create_need(world):
    need_at(world.schools["b"], "wonen")


def _update_requests(world):
    MatchRequest.objects.filter(need=world.needs["n1"]).update(status="withdrawn")


def _add_offer_domain(world):
    FamilyNeed.objects.get(pk=world.needs["n3"].pk).life_domains.add(factories.life_domain("leren"))


def _delete_offer(world):
    MatchRequest.objects.all().delete()
    factories.OfferFactory().delete()


def _link_need_to_collaboration(world):
    world.collaborations["language"].needs.add(world.needs["n3"])


def _move_a_location(world):
    location = factories.LocationFactory()
    location.latitude, location.longitude = 51.0, 4.0
    location.save()


def _signal_a_barrier(world):
    Barrier.objects.create(municipality=sint_niklaas(), kind="transport", note="Geen bus.", reported_by=None)


@pytest.mark.parametrize(
    "change",
    [
        _create_need,
        _update_requests,
        _add_offer_domain,
        _delete_offer,
        _link_need_to_collaboration,
        _move_a_location,
        _signal_a_barrier,
    ],
)
def test_a_change_to_what_matching_reads_bumps_the_version(world, change):
    before = data_version.current()
    change(world)
    assert data_version.current() != before


def test_a_new_account_leaves_the_version_alone(world):
    before = data_version.current()
    factories.UserFactory()
    assert data_version.current() == before


def test_the_second_dashboard_reads_the_numbers_from_the_cache(world):
    moderator = world.users["moderator"]
    first = municipality_dashboard(municipality=sint_niklaas(), user=moderator)
    with CaptureQueriesContext(connection) as captured:
        second = municipality_dashboard(municipality=sint_niklaas(), user=moderator)
    assert second == first
    read = " ".join(query["sql"] for query in captured.captured_queries)
    assert "welfare_offer" not in read and "families_familyneed" not in read and "bridge_barrier" not in read


def test_an_accepted_request_shows_on_the_dashboard_at_once(world):
    moderator = world.users["moderator"]
    before = municipality_dashboard(municipality=sint_niklaas(), user=moderator).gaps
    offer = factories.OfferFactory(
        organisation=world.organisations["p1"], life_domains=[factories.life_domain("wonen")]
    )
    request = factories.MatchRequestFactory(need=world.needs["n3"], offer=offer, status="sent")
    municipality_dashboard(municipality=sint_niklaas(), user=moderator)  # cached between the two writes
    accept_match(request=request, by=world.users["worker_p1"])
    after = municipality_dashboard(municipality=sint_niklaas(), user=moderator).gaps
    assert (after.covered_count, after.gap_count) == (before.covered_count + 1, before.gap_count - 1)
    assert after == GapSummary.of(gap_report(needs=FamilyNeed.objects.filter(school__municipality=sint_niklaas())))


def test_the_numbers_are_computed_once_a_day_and_language_while_nothing_changes(world, monkeypatch):
    calls = []
    monkeypatch.setattr("bridge.dashboard.gap_report", lambda **kwargs: calls.append(kwargs) or gap_report(**kwargs))
    today = timezone.localdate()
    with translation.override("en"):
        municipality_figures(sint_niklaas(), today=today)
        english = municipality_figures(sint_niklaas(), today=today)
        assert len(calls) == 1
        municipality_figures(sint_niklaas(), today=today + timedelta(days=1))
        assert len(calls) == 2
    with translation.override("nl-be"):
        dutch = municipality_figures(sint_niklaas(), today=today)
    assert len(calls) == 3
    assert dict((value, label) for value, label, _n in english.by_status)["active"] == "active"
    assert dict((value, label) for value, label, _n in dutch.by_status)["active"] != "active"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the commit bump is PostgreSQL's sequence")
def test_postgresql_bumps_again_when_the_transaction_commits():
    """A summary computed from the old data while a writer's transaction is open is orphaned."""
    with transaction.atomic():
        before = data_version.current()
        factories.OfferFactory()
        during = data_version.current()
    after = data_version.current()
    assert before < during < after
