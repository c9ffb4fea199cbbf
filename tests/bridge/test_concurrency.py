"""People answering the same match request at the same moment, with real threads and commits.

Each thread has its own database connection and transaction. The conditional updates in
bridge.services decide who wins: exactly one collaboration, one "accepted" audit event and one
e-mail, and everyone else is told (MatchError), or gets the same collaboration back when it was
their own second click.

On PostgreSQL the threads meet on row locks. On SQLite they meet on the database write lock:
the test runs against a SQLite *file* in WAL mode with the portal's busy timeout, as the
portal itself does. The in-memory database pytest-django gives SQLite tests is in shared-cache
mode, where a lock conflict fails at once ("database table is locked") instead of waiting, which
says nothing about the service; see `database`.
"""

import sqlite3
import threading
import time
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection

from bridge import services
from bridge.models import Collaboration, MatchRequest
from bridge.services import MatchError
from portal.models import AuditEvent
from tests import factories

THREADS = 8


@pytest.fixture
def database(transactional_db, tmp_path):
    """Real commits that other connections see; on SQLite, in a file instead of shared memory.

    The in-memory test database is copied into a file and the connection settings point to it
    for this test (every thread opens its connection from the same settings). A second handle
    keeps the in-memory database alive meanwhile; afterwards everything points back to it, and
    the flush after a transactional test empties it as usual.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory_name = connection.settings_dict["NAME"]
    keeper = sqlite3.connect(memory_name, uri=True)
    copy = sqlite3.connect(tmp_path / "concurrency.sqlite3")
    keeper.backup(copy)
    copy.close()
    connection.settings_dict["NAME"] = str(tmp_path / "concurrency.sqlite3")
    connection.close()  # closes the in-memory handle now that NAME names a file
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.ensure_connection()
        keeper.close()


@pytest.fixture(autouse=True)
def slow_winner(monkeypatch):
    """The winner holds its transaction open a moment while starting the collaboration, so the
    others surely reach their update while it is still uncommitted."""
    start = services._collaboration_for

    def slowly(request, *, by):
        time.sleep(0.2)
        return start(request, by=by)

    monkeypatch.setattr(services, "_collaboration_for", slowly)


def at_once(*actions: Callable[[], object]) -> list[object]:
    """Run the actions in parallel threads released together; per action its result, the
    string "refused" for a MatchError, or the unexpected exception itself."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[index] = action()
        except MatchError:
            outcomes[index] = "refused"
        except Exception as error:  # noqa: BLE001 - reported by the assertion, not swallowed
            outcomes[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def fresh(request: MatchRequest) -> MatchRequest:
    """The request as a view would load it, in the calling thread's own connection."""
    return MatchRequest.objects.select_related("need__school", "offer__organisation").get(pk=request.pk)


@pytest.fixture
def world(database):
    school = factories.SchoolFactory()
    organisation = factories.OrganisationFactory()
    coordinator = factories.member_of(school=school, role="admin")
    workers = [factories.member_of(organisation=organisation, role="member") for _ in range(THREADS)]
    need = factories.FamilyNeedFactory(school=school)
    offer = factories.OfferFactory(organisation=organisation)
    request = services.propose_match(need=need, offer=offer, by=coordinator)
    mail.outbox.clear()
    return {
        "school": school,
        "coordinator": coordinator,
        "workers": workers,
        "need": need,
        "offer": offer,
        "request": request,
    }


def accepted_events(request: MatchRequest) -> int:
    return AuditEvent.objects.filter(
        object_id=str(request.pk),
        action="status",
        content_type__model="matchrequest",
        changes__status=["sent", "accepted"],
    ).count()


def test_eight_members_accepting_at_once_start_exactly_one_collaboration(world):
    request = world["request"]

    outcomes = at_once(
        *[lambda worker=worker: services.accept_match(request=fresh(request), by=worker) for worker in world["workers"]]
    )

    winners = [outcome for outcome in outcomes if isinstance(outcome, Collaboration)]
    assert len(winners) == 1, outcomes
    assert outcomes.count("refused") == THREADS - 1, outcomes
    assert Collaboration.objects.filter(match_request=request).count() == 1
    assert Collaboration.objects.count() == 1
    assert accepted_events(request) == 1
    answered = MatchRequest.objects.get(pk=request.pk)
    assert answered.status == "accepted"
    assert world["workers"][outcomes.index(winners[0])].pk == answered.answered_by_id
    assert len(mail.outbox) == 1


def test_a_double_click_accepts_once_and_both_clicks_get_the_same_collaboration(world):
    request, worker = world["request"], world["workers"][0]

    outcomes = at_once(*[lambda: services.accept_match(request=fresh(request), by=worker) for _ in range(THREADS)])

    assert all(isinstance(outcome, Collaboration) for outcome in outcomes), outcomes
    assert len({outcome.pk for outcome in outcomes}) == 1
    assert Collaboration.objects.count() == 1
    assert accepted_events(request) == 1
    assert len(mail.outbox) == 1


def test_accept_racing_decline_ends_in_one_answer(world):
    request = world["request"]
    accepter, decliner = world["workers"][:2]

    outcomes = at_once(
        lambda: services.accept_match(request=fresh(request), by=accepter),
        lambda: services.decline_match(request=fresh(request), by=decliner, reason="no_capacity"),
    )

    assert outcomes.count("refused") == 1, outcomes
    answered = MatchRequest.objects.get(pk=request.pk)
    if isinstance(outcomes[0], Collaboration):
        assert answered.status == "accepted"
        assert Collaboration.objects.count() == 1
    else:
        assert isinstance(outcomes[1], MatchRequest), outcomes
        assert answered.status == "declined"
        assert answered.decline_reason == "no_capacity"
        assert Collaboration.objects.count() == 0
    assert AuditEvent.objects.filter(object_id=str(request.pk), action="status").count() == 1
    assert len(mail.outbox) == 1


def test_accept_racing_withdraw_ends_in_one_outcome(world):
    request = world["request"]

    outcomes = at_once(
        lambda: services.accept_match(request=fresh(request), by=world["workers"][0]),
        lambda: services.withdraw_match(request=fresh(request), by=world["coordinator"]),
    )

    assert outcomes.count("refused") == 1, outcomes
    status = MatchRequest.objects.get(pk=request.pk).status
    assert status == ("accepted" if isinstance(outcomes[0], Collaboration) else "withdrawn")
    assert Collaboration.objects.count() == (1 if status == "accepted" else 0)


def test_two_people_asking_the_same_offer_at_once_make_one_request(database):
    school = factories.SchoolFactory()
    need = factories.FamilyNeedFactory(school=school)
    offer = factories.OfferFactory()
    askers = [factories.member_of(school=school) for _ in range(4)]

    outcomes = at_once(
        *[
            lambda asker=asker: services.propose_match(
                need=type(need).objects.get(pk=need.pk), offer=type(offer).objects.get(pk=offer.pk), by=asker
            )
            for asker in askers
        ]
    )

    assert sum(isinstance(outcome, MatchRequest) for outcome in outcomes) == 1, outcomes
    assert outcomes.count("refused") == 3, outcomes
    assert MatchRequest.objects.filter(need=need, offer=offer).count() == 1
