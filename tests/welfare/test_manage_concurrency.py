"""Two welfare workers acting on the same offer or suggestion at the same moment, on PostgreSQL
with real concurrent transactions: the second one is told, nothing is done twice.

SQLite serialises every write, so there the stale-copy tests in test_services.py say enough.
"""

import threading

import pytest
from django.db import connection

from tests import factories
from welfare import services
from welfare.models import Offer, OfferCorrection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _committed(transactional_db):
    """Real commits, so other connections see the rows (conftest reloads the reference data after)."""


def _at_once(*actions) -> list[str]:
    """Run `actions` in parallel threads, each in its own connection; 'ok' or 'refused' per action."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            action()
            outcomes[index] = "ok"
        except services.WelfareError:
            outcomes[index] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_workers_deactivating_at_once_deactivate_once():
    organisation = factories.OrganisationFactory()
    workers = [factories.member_of(organisation=organisation) for _ in range(2)]
    offer = factories.OfferFactory(organisation=organisation)

    outcomes = _at_once(
        *[
            lambda worker=worker: services.deactivate_offer(offer=Offer.objects.get(pk=offer.pk), by=worker)
            for worker in workers
        ]
    )

    assert sorted(outcomes) == ["ok", "refused"]
    assert Offer.objects.get(pk=offer.pk).is_active is False


def test_apply_and_dismiss_at_once_end_in_one_decision():
    organisation = factories.OrganisationFactory()
    first, second = (factories.member_of(organisation=organisation, role="admin") for _ in range(2))
    correction = OfferCorrection.objects.create(offer=factories.OfferFactory(organisation=organisation), message="x")

    outcomes = _at_once(
        lambda: services.apply_correction(correction=OfferCorrection.objects.get(pk=correction.pk), by=first),
        lambda: services.dismiss_correction(correction=OfferCorrection.objects.get(pk=correction.pk), by=second),
    )

    assert sorted(outcomes) == ["ok", "refused"]
    correction.refresh_from_db()
    assert correction.status == ("applied" if outcomes[0] == "ok" else "dismissed")
    assert correction.decided_by == (first if outcomes[0] == "ok" else second)


def test_two_capacity_changes_at_once_leave_a_consistent_offer():
    organisation = factories.OrganisationFactory()
    first, second = (factories.member_of(organisation=organisation) for _ in range(2))
    offer = factories.OfferFactory(organisation=organisation)

    outcomes = _at_once(
        lambda: services.set_offer_capacity(
            offer=Offer.objects.get(pk=offer.pk), by=first, capacity="waiting_list", waiting_weeks=4
        ),
        lambda: services.set_offer_capacity(offer=Offer.objects.get(pk=offer.pk), by=second, capacity="full"),
    )

    assert outcomes == ["ok", "ok"]
    offer.refresh_from_db()
    assert (offer.capacity, offer.waiting_weeks) in {("waiting_list", 4), ("full", None)}
