"""Two people deciding at the same moment, on PostgreSQL with real concurrent transactions.

The conditional updates in portal.services make the second decision see that the first one
already happened; SQLite serialises every write, so there the ordinary tests say enough.
"""

import threading

import pytest
from django.db import connection

from portal import services
from portal.models import Membership
from portal.services import MembershipError
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _committed(transactional_db):
    """Real commits, so other connections see the rows (conftest reloads the reference data after)."""


def _at_once(*actions) -> list[str]:
    """Run `actions` in parallel threads, each in its own connection; 'ok' or the error per action."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            action()
            outcomes[index] = "ok"
        except MembershipError:
            outcomes[index] = "refused"
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_admins_approving_at_once_approve_once():
    organisation = factories.OrganisationFactory()
    admins = [factories.member_of(organisation=organisation, role="admin") for _ in range(2)]
    requester = factories.member_of(organisation=organisation, status="pending")
    membership = Membership.objects.get(user=requester)

    outcomes = _at_once(
        *[
            lambda admin=admin: services.approve_membership(
                membership=Membership.objects.get(pk=membership.pk), by=admin
            )
            for admin in admins
        ]
    )
    assert sorted(outcomes) == ["ok", "refused"]
    assert Membership.objects.get(pk=membership.pk).status == "approved"


def test_approve_and_decline_at_once_end_in_one_decision():
    organisation = factories.OrganisationFactory()
    first, second = (factories.member_of(organisation=organisation, role="admin") for _ in range(2))
    membership = Membership.objects.get(user=factories.member_of(organisation=organisation, status="pending"))

    outcomes = _at_once(
        lambda: services.approve_membership(membership=Membership.objects.get(pk=membership.pk), by=first),
        lambda: services.decline_membership(membership=Membership.objects.get(pk=membership.pk), by=second),
    )
    assert sorted(outcomes) == ["ok", "refused"]
    status = Membership.objects.get(pk=membership.pk).status
    assert status == ("approved" if outcomes[0] == "ok" else "declined")


def test_two_admins_stepping_down_at_once_leave_one_admin():
    organisation = factories.OrganisationFactory()
    admins = [factories.member_of(organisation=organisation, role="admin") for _ in range(2)]

    outcomes = _at_once(
        *[
            lambda admin=admin: services.set_member_role(
                membership=Membership.objects.get(user=admin), role="member", by=admin
            )
            for admin in admins
        ]
    )
    assert sorted(outcomes) == ["ok", "refused"]
    assert Membership.objects.filter(organisation=organisation, role="admin", status="approved").count() == 1
