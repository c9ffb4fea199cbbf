"""Every state transition of Brugwijzer, fired by several people (or one double click) at the same moment.

Each test releases real threads together through a `threading.Barrier`; every thread has its own
database connection and transaction and closes it at the end. The invariant is always the same:
exactly one change happens, everyone else gets the service's own error (a message a person can
read, never an IntegrityError or a deadlock), the audit log records that one change, and its
e-mail goes out once.

PostgreSQL only: SQLite serialises every write, and the in-memory test database fails at once on a
lock instead of waiting. The races tested elsewhere are only widened here (more threads, mixed
decisions), not repeated:
tests/bridge/test_concurrency.py (accept ×8, double-click accept, accept vs decline, accept vs
withdraw, four schools asking at once), tests/portal/test_membership_concurrency.py (two admins
approving, approve vs decline, two admins stepping down), tests/welfare/test_manage_concurrency.py
(deactivate ×2, apply vs dismiss, capacity) and tests/bridge/record/test_record.py (active vs ended).
"""

import datetime
import threading
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.utils import timezone

from bridge import record_services, services
from bridge.models import Collaboration, CollaborationCondition, MatchRequest
from bridge.record_services import RecordError
from bridge.services import MatchError
from families.models import FamilyNeed
from families.services import NeedError, set_need_status
from portal import data_uploads, privacy, tokens
from portal import services as portal_services
from portal.data_imports import DataChanged, hsds_fingerprint, import_hsds, import_school_list
from portal.models import ApiToken, AuditEvent, Membership, User
from portal.privacy import AccountDeletionError
from portal.services import MembershipError
from portal.tokens import TokenError
from schools.models import School
from tests import factories
from welfare import services as welfare_services
from welfare.models import CorrectionStatus, Offer, OfferCorrection, Organisation, OrganisationKind
from welfare.services import WelfareError

if connection.vendor != "postgresql":
    # At module level: a skipped transactional test would still make conftest's teardown reload the
    # reference data into a test database that was never created.
    pytest.skip("concurrent transactions need PostgreSQL", allow_module_level=True)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6
REFUSED = "refused"


def at_once(*actions: Callable[[], object], refusals: tuple[type[Exception], ...]) -> list[object]:
    """Run the actions in threads released together; per action its result, REFUSED when it raised
    one of `refusals` (the service's own error), or any other exception itself, for the assertion."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[index] = action()
        except refusals:
            outcomes[index] = REFUSED
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


def unexpected(outcomes: list[object]) -> list[Exception]:
    return [outcome for outcome in outcomes if isinstance(outcome, Exception)]


def events(obj, action: str | None = None, **changes) -> list[AuditEvent]:
    """The audit events about `obj` (of `action`, whose changes contain `changes`)."""
    found = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).order_by("pk")
    if action:
        found = found.filter(action=action)
    for name, value in changes.items():
        found = found.filter(**{f"changes__{name}": value})
    return list(found)


def recipients() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


@pytest.fixture(autouse=True)
def _empty_outbox():
    mail.outbox.clear()


# --- match requests ------------------------------------------------------------------------------


@pytest.fixture
def asked():
    """A school's need, an offer of a verified organisation with THREADS members, the school's
    coordinator; no request yet."""
    school = factories.SchoolFactory()
    organisation = factories.OrganisationFactory()
    return {
        "school": school,
        "organisation": organisation,
        "coordinator": factories.member_of(school=school, role="admin"),
        "workers": [factories.member_of(organisation=organisation) for _ in range(THREADS)],
        "need": factories.FamilyNeedFactory(school=school),
        "offer": factories.OfferFactory(organisation=organisation),
    }


def loaded(request: MatchRequest) -> MatchRequest:
    """The request as a view loads it, in the calling thread's own connection."""
    return MatchRequest.objects.select_related("need__school", "offer__organisation", "proposed_by").get(pk=request.pk)


def sent_request(asked, **dates) -> MatchRequest:
    request = services.propose_match(need=asked["need"], offer=asked["offer"], by=asked["coordinator"])
    if dates:
        MatchRequest.objects.filter(pk=request.pk).update(**dates)
    mail.outbox.clear()
    return request


def test_a_draft_sent_by_several_clicks_at_once_is_sent_once(asked):
    draft = services.propose_match(need=asked["need"], offer=asked["offer"], by=asked["coordinator"], send=False)

    outcomes = at_once(
        *[lambda: services.send_match(request=loaded(draft), by=asked["coordinator"]) for _ in range(THREADS)],
        refusals=(MatchError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    assert MatchRequest.objects.get(pk=draft.pk).status == "sent"
    assert len(events(draft, "status", status=["proposed", "sent"])) == 1
    assert len(mail.outbox) == 1


def test_a_school_member_asking_twice_at_once_makes_one_request(asked):
    need, offer = asked["need"], asked["offer"]

    outcomes = at_once(
        *[
            lambda: services.propose_match(
                need=FamilyNeed.objects.get(pk=need.pk), offer=Offer.objects.get(pk=offer.pk), by=asked["coordinator"]
            )
            for _ in range(THREADS)
        ],
        refusals=(MatchError,),
    )

    assert not unexpected(outcomes), outcomes
    assert sum(isinstance(outcome, MatchRequest) for outcome in outcomes) == 1, outcomes
    assert MatchRequest.objects.filter(need=need, offer=offer).count() == 1
    assert AuditEvent.objects.filter(content_type__model="matchrequest", action="create").count() == 1
    assert len(mail.outbox) == 1


def test_members_declining_at_once_decline_once(asked):
    request = sent_request(asked)

    outcomes = at_once(
        *[
            lambda worker=worker: services.decline_match(request=loaded(request), by=worker, reason="no_capacity")
            for worker in asked["workers"]
        ],
        refusals=(MatchError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    declined = MatchRequest.objects.get(pk=request.pk)
    assert declined.status == "declined"
    winner = next(outcome for outcome in outcomes if isinstance(outcome, MatchRequest))
    assert declined.answered_by_id == winner.answered_by.pk
    assert len(events(request, "status")) == 1
    assert len(mail.outbox) == 1


def test_a_withdrawal_clicked_several_times_at_once_withdraws_once(asked):
    request = sent_request(asked)

    outcomes = at_once(
        *[lambda: services.withdraw_match(request=loaded(request), by=asked["coordinator"]) for _ in range(THREADS)],
        refusals=(MatchError,),
    )

    assert all(isinstance(outcome, MatchRequest) for outcome in outcomes), outcomes
    assert MatchRequest.objects.get(pk=request.pk).status == "withdrawn"
    assert len(events(request, "status", status=["sent", "withdrawn"])) == 1
    assert len(mail.outbox) == 1


def test_sending_a_draft_racing_its_withdrawal_ends_withdrawn_with_a_consistent_history(asked):
    draft = services.propose_match(need=asked["need"], offer=asked["offer"], by=asked["coordinator"], send=False)

    outcomes = at_once(
        lambda: services.send_match(request=loaded(draft), by=asked["coordinator"]),
        lambda: services.withdraw_match(request=loaded(draft), by=asked["coordinator"]),
        refusals=(MatchError,),
    )

    assert not unexpected(outcomes), outcomes
    assert isinstance(outcomes[1], MatchRequest), outcomes
    assert MatchRequest.objects.get(pk=draft.pk).status == "withdrawn"
    history = [event.changes["status"] for event in events(draft, "status")]
    if outcomes[0] == REFUSED:
        assert history == [["proposed", "withdrawn"]]
        assert mail.outbox == []
    else:
        assert history == [["proposed", "sent"], ["sent", "withdrawn"]]
        assert len(mail.outbox) == 2  # "new request", then "withdrawn", to the organisation


def test_overlapping_expiry_runs_expire_a_request_once(asked):
    now = timezone.now()
    request = sent_request(
        asked, sent_at=now - datetime.timedelta(days=20), reminded_at=now - datetime.timedelta(days=10)
    )

    outcomes = at_once(*[lambda: services.remind_and_expire(now=now) for _ in range(THREADS)], refusals=())

    assert not unexpected(outcomes), outcomes
    assert sum(outcome["expired"] for outcome in outcomes) == 1, outcomes
    assert MatchRequest.objects.get(pk=request.pk).status == "expired"
    assert len(events(request, "status", status=["sent", "expired"])) == 1
    assert len(mail.outbox) == 1


def test_overlapping_reminder_runs_remind_once(asked):
    now = timezone.now()
    request = sent_request(asked, sent_at=now - datetime.timedelta(days=8))

    outcomes = at_once(*[lambda: services.remind_and_expire(now=now) for _ in range(THREADS)], refusals=())

    assert not unexpected(outcomes), outcomes
    assert sum(outcome["reminded"] for outcome in outcomes) == 1, outcomes
    assert MatchRequest.objects.get(pk=request.pk).reminded_at == now
    assert len(events(request, "update")) == 1
    assert len(mail.outbox) == 1


def test_an_answer_racing_the_expiry_run_ends_in_one_outcome(asked):
    now = timezone.now()
    request = sent_request(
        asked, sent_at=now - datetime.timedelta(days=20), reminded_at=now - datetime.timedelta(days=10)
    )

    outcomes = at_once(
        lambda: services.accept_match(request=loaded(request), by=asked["workers"][0]),
        lambda: services.remind_and_expire(now=now),
        refusals=(MatchError,),
    )

    assert not unexpected(outcomes), outcomes
    status = MatchRequest.objects.get(pk=request.pk).status
    if isinstance(outcomes[0], Collaboration):
        assert (status, outcomes[1]["expired"]) == ("accepted", 0)
    else:
        assert (outcomes[0], status, outcomes[1]["expired"]) == (REFUSED, "expired", 1)
    assert Collaboration.objects.count() == (1 if status == "accepted" else 0)
    assert len(events(request, "status")) == 1
    assert len(mail.outbox) == 1


def test_closing_a_need_racing_an_accept_never_withdraws_an_accepted_request(asked):
    request = sent_request(asked)
    need = asked["need"]

    outcomes = at_once(
        lambda: services.accept_match(request=loaded(request), by=asked["workers"][0]),
        lambda: set_need_status(need=FamilyNeed.objects.get(pk=need.pk), by=asked["coordinator"], status="addressed"),
        refusals=(MatchError, NeedError),
    )

    assert not unexpected(outcomes), outcomes
    assert isinstance(outcomes[1], FamilyNeed), outcomes
    assert FamilyNeed.objects.get(pk=need.pk).status == "addressed"
    status = MatchRequest.objects.get(pk=request.pk).status
    if isinstance(outcomes[0], Collaboration):
        assert status == "accepted"
        assert Collaboration.objects.filter(match_request=request).count() == 1
    else:
        assert (outcomes[0], status) == (REFUSED, "withdrawn")
        assert Collaboration.objects.count() == 0
    assert len(events(request, "status")) == 1


# --- collaboration lifecycle ---------------------------------------------------------------------


@pytest.fixture
def partnership():
    school = factories.SchoolFactory()
    organisation = factories.OrganisationFactory()
    partners = [factories.member_of(school=school, role="admin") for _ in range(THREADS // 2)] + [
        factories.member_of(organisation=organisation, role="admin") for _ in range(THREADS - THREADS // 2)
    ]
    collaboration = factories.CollaborationFactory(school=school, organisations=[organisation])
    return collaboration, partners


def _step(collaboration: Collaboration, by, to: str, expected: str):
    """As the status form does: the step, and the status the person saw on the page."""
    return record_services.change_status(
        collaboration=Collaboration.objects.get(pk=collaboration.pk), by=by, to=to, expected=expected
    )


@pytest.mark.parametrize(
    ("start", "to"),
    [("proposed", "agreed"), ("agreed", "active"), ("active", "evaluated"), ("evaluated", "ended")],
)
def test_partners_taking_the_same_step_at_once_take_it_once(partnership, start, to):
    collaboration, partners = partnership
    Collaboration.objects.filter(pk=collaboration.pk).update(status=start)

    outcomes = at_once(*[lambda by=by: _step(collaboration, by, to, start) for by in partners], refusals=(RecordError,))

    # The same step asked again is no error ("a double click changes nothing and raises nothing").
    assert all(isinstance(outcome, Collaboration) for outcome in outcomes), outcomes
    assert Collaboration.objects.get(pk=collaboration.pk).status == to
    assert len(events(collaboration, "status")) == 1
    assert events(collaboration, "status")[0].changes["status"] == [start, to]


@pytest.mark.parametrize(("start", "steps"), [("agreed", ("active", "ended")), ("active", ("evaluated", "ended"))])
def test_two_different_steps_from_the_same_status_end_in_one(partnership, start, steps):
    collaboration, partners = partnership
    Collaboration.objects.filter(pk=collaboration.pk).update(status=start)

    outcomes = at_once(
        *[lambda by=by, i=i: _step(collaboration, by, steps[i % 2], start) for i, by in enumerate(partners)],
        refusals=(RecordError,),
    )

    assert not unexpected(outcomes), outcomes
    final = Collaboration.objects.get(pk=collaboration.pk).status
    assert final in steps
    # Those who asked for the step that won see it taken; those who asked for the other are told.
    assert outcomes.count(REFUSED) == sum(1 for i in range(len(partners)) if steps[i % 2] != final), outcomes
    history = [event.changes["status"] for event in events(collaboration, "status")]
    assert history == [[start, final]]


def test_ending_while_a_partner_moves_the_start_date_never_breaks_the_dates(partnership, monkeypatch):
    """Ending sets the end date to today unless the start lies in the future. A partner who moves
    the start date to next week while the collaboration is being ended must not make the end date
    fall before the start (a CheckConstraint, so an IntegrityError) nor be overwritten silently."""
    collaboration, partners = partnership
    Collaboration.objects.filter(pk=collaboration.pk).update(status="active")
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    editing = threading.Event()
    record = record_services.audit.record

    def record_while_the_ender_reads(**kwargs):
        """The editor holds its row lock (taken by update_why) while the other partner ends."""
        if kwargs.get("action") == "update":
            editing.set()
            ended.wait(timeout=0.5)  # the ender is blocked once it reached the row: go on after a moment
        return record(**kwargs)

    ended = threading.Event()
    monkeypatch.setattr(record_services.audit, "record", record_while_the_ender_reads)
    current = Collaboration.objects.get(pk=collaboration.pk)

    def edit():
        return record_services.update_why(
            collaboration=Collaboration.objects.get(pk=collaboration.pk),
            by=partners[0],
            title=current.title,
            form=current.form,
            urgency=current.urgency,
            goals=current.goals,
            needs=[],
            life_domains=[],
            start_date=next_week,
            end_date=None,
            review_date=None,
        )

    def end():
        editing.wait(timeout=10)
        try:
            return _step(collaboration, partners[-1], "ended", "active")
        finally:
            ended.set()

    outcomes = at_once(edit, end, refusals=(RecordError,))

    assert not unexpected(outcomes), outcomes
    final = Collaboration.objects.get(pk=collaboration.pk)
    assert final.status == "ended"
    assert final.start_date == next_week
    assert final.end_date is None  # the start lies in the future: no end date is made up


def test_overlapping_review_reminder_runs_remind_once(partnership):
    collaboration, _partners = partnership
    Collaboration.objects.filter(pk=collaboration.pk).update(review_date=timezone.localdate())

    outcomes = at_once(*[record_services.remind_reviews for _ in range(THREADS)], refusals=())

    assert not unexpected(outcomes), outcomes
    assert sum(outcomes) == 1, outcomes
    assert Collaboration.objects.get(pk=collaboration.pk).review_reminded_at is not None
    assert len(events(collaboration, "update")) == 1
    assert len(mail.outbox) == 1


def test_partners_saving_a_condition_at_once_make_one_row(partnership):
    collaboration, partners = partnership

    outcomes = at_once(
        *[
            lambda by=by: record_services.save_conditions(
                collaboration=Collaboration.objects.get(pk=collaboration.pk),
                by=by,
                conditions={"time": ("challenge", "Weinig uren vrij.")},
            )
            for by in partners
        ],
        refusals=(RecordError,),
    )

    assert not unexpected(outcomes), outcomes
    condition = CollaborationCondition.objects.get(collaboration=collaboration, kind="time")
    assert condition.state == "challenge"
    assert len(events(condition)) == 1


# --- family needs --------------------------------------------------------------------------------


@pytest.fixture
def need_and_members():
    school = factories.SchoolFactory()
    members = [factories.member_of(school=school) for _ in range(THREADS)]
    return factories.FamilyNeedFactory(school=school), members


@pytest.mark.parametrize(("start", "to"), [("open", "addressed"), ("open", "withdrawn"), ("addressed", "open")])
def test_members_changing_a_need_at_once_change_it_once(need_and_members, start, to):
    need, members = need_and_members
    FamilyNeed.objects.filter(pk=need.pk).update(status=start)

    outcomes = at_once(
        *[lambda by=by: set_need_status(need=FamilyNeed.objects.get(pk=need.pk), by=by, status=to) for by in members],
        refusals=(NeedError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    assert FamilyNeed.objects.get(pk=need.pk).status == to
    assert [event.changes["status"] for event in events(need, "status")] == [[start, to]]


def test_addressing_and_withdrawing_a_need_at_once_end_in_one(need_and_members):
    need, members = need_and_members

    outcomes = at_once(
        *[
            lambda by=by, i=i: set_need_status(
                need=FamilyNeed.objects.get(pk=need.pk), by=by, status=("addressed", "withdrawn")[i % 2]
            )
            for i, by in enumerate(members)
        ],
        refusals=(NeedError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    final = FamilyNeed.objects.get(pk=need.pk).status
    assert [event.changes["status"] for event in events(need, "status")] == [["open", final]]


# --- memberships and moderation ------------------------------------------------------------------


@pytest.fixture
def team():
    organisation = factories.OrganisationFactory()
    admins = [factories.member_of(organisation=organisation, role="admin") for _ in range(THREADS)]
    return organisation, admins


def _membership(user) -> Membership:
    return Membership.objects.select_related("user", "organisation", "school").get(user=user)


def test_admins_approving_at_once_approve_once(team):
    organisation, admins = team
    requester = factories.member_of(organisation=organisation, status="pending")

    outcomes = at_once(
        *[
            lambda admin=admin: portal_services.approve_membership(membership=_membership(requester), by=admin)
            for admin in admins
        ],
        refusals=(MembershipError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    membership = _membership(requester)
    assert membership.status == "approved"
    assert len(events(membership, "status")) == 1
    assert recipients() == [requester.email]


def test_withdrawing_a_request_racing_its_approval_ends_in_one_decision(team):
    organisation, admins = team
    requester = factories.member_of(organisation=organisation, status="pending")

    outcomes = at_once(
        lambda: portal_services.withdraw_membership(membership=_membership(requester), by=requester),
        lambda: portal_services.approve_membership(membership=_membership(requester), by=admins[0]),
        refusals=(MembershipError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == 1, outcomes
    membership = _membership(requester)
    assert membership.status == ("declined" if outcomes[1] == REFUSED else "approved")
    assert len(events(membership, "status")) == 1


def test_admins_removing_the_same_member_at_once_remove_once(team):
    organisation, admins = team
    member = factories.member_of(organisation=organisation)

    outcomes = at_once(
        *[
            lambda admin=admin: portal_services.remove_member(membership=_membership(member), by=admin)
            for admin in admins
        ],
        refusals=(MembershipError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    assert _membership(member).status == "declined"
    assert len(events(_membership(member), "status")) == 1
    assert recipients() == [member.email]


def test_asking_to_join_twice_at_once_makes_one_request():
    organisation = factories.OrganisationFactory()
    factories.member_of(organisation=organisation, role="admin")
    user = factories.UserFactory()

    outcomes = at_once(
        *[
            lambda: portal_services.request_membership(user=user, entity=Organisation.objects.get(pk=organisation.pk))
            for _ in range(THREADS)
        ],
        refusals=(MembershipError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    assert Membership.objects.filter(user=user).count() == 1
    assert len(events(Membership.objects.get(user=user), "create")) == 1
    assert len(mail.outbox) == 1


def test_admins_approving_and_declining_at_once_decide_once(team):
    organisation, admins = team
    requester = factories.member_of(organisation=organisation, status="pending")
    decide = (portal_services.approve_membership, portal_services.decline_membership)

    outcomes = at_once(
        *[
            lambda admin=admin, i=i: decide[i % 2](membership=_membership(requester), by=admin)
            for i, admin in enumerate(admins)
        ],
        refusals=(MembershipError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    winner = next(i for i, outcome in enumerate(outcomes) if outcome != REFUSED)
    membership = _membership(requester)
    assert membership.status == ("approved", "declined")[winner % 2]
    assert membership.decided_by_id == admins[winner].pk
    assert len(events(membership, "status")) == 1
    assert recipients() == [requester.email]


def test_admins_promoting_the_same_member_at_once_promote_once(team):
    organisation, admins = team
    member = factories.member_of(organisation=organisation)

    outcomes = at_once(
        *[
            lambda admin=admin: portal_services.set_member_role(membership=_membership(member), role="admin", by=admin)
            for admin in admins
        ],
        refusals=(MembershipError,),
    )

    # Asking for the role someone already has is no error: nothing happens.
    assert all(isinstance(outcome, Membership) for outcome in outcomes), outcomes
    assert _membership(member).role == "admin"
    assert [event.changes for event in events(_membership(member), "update")] == [{"role": ["member", "admin"]}]


def test_registering_an_organisation_twice_at_once_registers_one():
    """A double click on the registration form: one organisation waits for a moderator, not two."""
    user = factories.UserFactory()
    moderator = factories.UserFactory(is_moderator=True)

    def register():
        return portal_services.register_organisation(
            by=User.objects.get(pk=user.pk),
            name="Inloopteam De Brug",
            kind=OrganisationKind.objects.get(slug="caw"),
            street="Kerkstraat 1",
            postal_code="9100",
            municipality=factories.municipality(),
        )

    outcomes = at_once(*[register for _ in range(THREADS)], refusals=(MembershipError,))

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    assert Organisation.objects.filter(name="Inloopteam De Brug").count() == 1
    assert Membership.objects.filter(user=user).count() == 1
    assert recipients() == [moderator.email]


@pytest.fixture
def registration():
    """An organisation registered by a user (its pending admin), and THREADS moderators."""
    registrant = factories.UserFactory()
    organisation = factories.OrganisationFactory(verified_at=None, registered_by=registrant)
    Membership.objects.create(user=registrant, organisation=organisation, role="admin", status="pending")
    moderators = [factories.UserFactory(is_moderator=True) for _ in range(THREADS)]
    return organisation, registrant, moderators


def _fresh_organisation(organisation: Organisation) -> Organisation:
    return Organisation.objects.get(pk=organisation.pk)


def test_moderators_verifying_at_once_verify_once(registration):
    organisation, registrant, moderators = registration

    outcomes = at_once(
        *[
            lambda by=by: portal_services.verify_organisation(organisation=_fresh_organisation(organisation), by=by)
            for by in moderators
        ],
        refusals=(MembershipError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    assert _fresh_organisation(organisation).verified_at is not None
    assert len(events(organisation, "status")) == 1
    assert _membership(registrant).status == "approved"
    assert len(events(_membership(registrant), "status")) == 1
    assert recipients() == [registrant.email]


def test_verifying_racing_declining_ends_in_one_decision(registration):
    organisation, registrant, moderators = registration

    outcomes = at_once(
        *[
            lambda by=by, i=i: (
                portal_services.verify_organisation(organisation=_fresh_organisation(organisation), by=by)
                if i % 2 == 0
                else portal_services.decline_organisation(
                    organisation=_fresh_organisation(organisation), by=by, reason="Bestaat niet."
                )
            )
            for i, by in enumerate(moderators)
        ],
        refusals=(MembershipError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    decided = _fresh_organisation(organisation)
    assert (decided.verified_at is None) != (decided.declined_at is None)
    assert _membership(registrant).status == ("approved" if decided.verified_at else "declined")
    assert len(events(organisation, "status")) == 1
    assert len(events(_membership(registrant), "status")) == 1
    assert recipients() == [registrant.email]


@pytest.mark.parametrize("round_", range(3))
def test_verifying_racing_the_registrant_withdrawing_ends_in_one_decision(registration, round_):
    """Verifying locks the organisation, then the registrant's membership; withdrawing must take
    them in the same order, or the two deadlock (a 500). Repeated: the deadlock needs both first
    updates to land together, which one round does not always bring about."""
    organisation, registrant, moderators = registration

    outcomes = at_once(
        lambda: portal_services.verify_organisation(organisation=_fresh_organisation(organisation), by=moderators[0]),
        lambda: portal_services.withdraw_membership(membership=_membership(registrant), by=registrant),
        refusals=(MembershipError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == 1, outcomes
    decided = _fresh_organisation(organisation)
    membership = _membership(registrant)
    if outcomes[0] == REFUSED:
        assert (decided.verified_at, membership.status) == (None, "declined")
        assert decided.declined_at is not None
    else:
        assert decided.verified_at is not None
        assert (decided.declined_at, membership.status) == (None, "approved")
    assert len(events(membership, "status")) == 1


def test_declining_racing_the_registrant_withdrawing_ends_in_one_decision(registration):
    organisation, registrant, moderators = registration

    outcomes = at_once(
        lambda: portal_services.decline_organisation(
            organisation=_fresh_organisation(organisation), by=moderators[0], reason="Bestaat niet."
        ),
        lambda: portal_services.withdraw_membership(membership=_membership(registrant), by=registrant),
        refusals=(MembershipError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == 1, outcomes
    decided = _fresh_organisation(organisation)
    assert decided.declined_at is not None
    assert _membership(registrant).status == "declined"
    assert len(events(organisation, "status")) == 1
    assert len(events(_membership(registrant), "status")) == 1


# --- offers and suggested corrections ------------------------------------------------------------


@pytest.fixture
def offer_team():
    organisation = factories.OrganisationFactory()
    workers = [factories.member_of(organisation=organisation, role="admin") for _ in range(THREADS)]
    return factories.OfferFactory(organisation=organisation), workers


@pytest.mark.parametrize("active_before", [True, False])
def test_workers_switching_an_offer_at_once_switch_it_once(offer_team, active_before):
    offer, workers = offer_team
    Offer.objects.filter(pk=offer.pk).update(is_active=active_before)
    switch = welfare_services.deactivate_offer if active_before else welfare_services.reactivate_offer

    outcomes = at_once(
        *[lambda by=by: switch(offer=Offer.objects.get(pk=offer.pk), by=by) for by in workers],
        refusals=(WelfareError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    assert Offer.objects.get(pk=offer.pk).is_active is not active_before
    assert [event.changes for event in events(offer, "status")] == [{"is_active": [active_before, not active_before]}]


def test_workers_confirming_an_offer_at_once_confirm_it_once(offer_team):
    """'Still correct' pressed by several workers (or twice) on the same day: one audit entry."""
    offer, workers = offer_team
    Offer.objects.filter(pk=offer.pk).update(last_confirmed=timezone.localdate() - datetime.timedelta(days=100))

    outcomes = at_once(
        *[lambda by=by: welfare_services.confirm_offer(offer=Offer.objects.get(pk=offer.pk), by=by) for by in workers],
        refusals=(WelfareError,),
    )

    assert not unexpected(outcomes), outcomes
    assert all(isinstance(outcome, Offer) for outcome in outcomes), outcomes
    assert Offer.objects.get(pk=offer.pk).last_confirmed == timezone.localdate()
    assert len(events(offer, "update")) == 1


def test_workers_deciding_on_a_suggestion_at_once_decide_once(offer_team):
    offer, workers = offer_team
    suggester = factories.UserFactory()
    correction = OfferCorrection.objects.create(offer=offer, suggested_by=suggester, message="Het adres klopt niet.")
    decide = (welfare_services.apply_correction, welfare_services.dismiss_correction)

    outcomes = at_once(
        *[
            lambda by=by, i=i: decide[i % 2](correction=OfferCorrection.objects.get(pk=correction.pk), by=by)
            for i, by in enumerate(workers)
        ],
        refusals=(WelfareError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    decided = OfferCorrection.objects.get(pk=correction.pk)
    winner = next(outcome for outcome in outcomes if isinstance(outcome, OfferCorrection))
    assert (decided.status, decided.decided_by_id) == (winner.status, winner.decided_by.pk)
    assert decided.status in {CorrectionStatus.APPLIED, CorrectionStatus.DISMISSED}
    assert len(events(correction, "status")) == 1
    assert recipients() == [suggester.email]


# --- API tokens ----------------------------------------------------------------------------------


def test_revoking_a_token_at_once_revokes_it_once():
    user = factories.UserFactory()
    token, _raw = tokens.create_token(user=user, name="script")

    outcomes = at_once(
        *[lambda: tokens.revoke_token(token=ApiToken.objects.get(pk=token.pk), by=user) for _ in range(THREADS)],
        refusals=(TokenError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert len(events(token, "status")) == 1


def test_making_the_same_token_twice_at_once_makes_one():
    user = factories.UserFactory()

    outcomes = at_once(
        *[lambda: tokens.create_token(user=User.objects.get(pk=user.pk), name="script") for _ in range(THREADS)],
        refusals=(TokenError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    assert ApiToken.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(content_type__model="apitoken", action="create").count() == 1


# --- deleting an account -------------------------------------------------------------------------


def _deletions_of(user_pk: int) -> int:
    return AuditEvent.objects.filter(content_type__model="user", object_id=str(user_pk), action="delete").count()


def test_deleting_an_account_with_a_double_click_deletes_it_once():
    user = factories.member_of(organisation=factories.OrganisationFactory())
    pk = user.pk

    outcomes = at_once(
        *[lambda: privacy.delete_account(user=User.objects.get(pk=pk)) for _ in range(THREADS)],
        refusals=(AccountDeletionError,),
    )

    assert not unexpected(outcomes), outcomes
    assert not User.objects.filter(pk=pk).exists()
    assert _deletions_of(pk) == 1
    assert set(outcomes) == {privacy.pseudonym_for(user)}, outcomes  # every click is told the account went


def test_the_last_two_admins_deleting_their_accounts_at_once_leave_one_admin():
    organisation = factories.OrganisationFactory()
    admins = [factories.member_of(organisation=organisation, role="admin") for _ in range(2)]
    factories.member_of(organisation=organisation)

    outcomes = at_once(
        *[lambda pk=admin.pk: privacy.delete_account(user=User.objects.get(pk=pk)) for admin in admins],
        refusals=(AccountDeletionError,),
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(REFUSED) == 1, outcomes
    assert Membership.objects.filter(organisation=organisation, role="admin", status="approved").count() == 1
    assert sum(_deletions_of(admin.pk) for admin in admins) == 1


# --- data imports --------------------------------------------------------------------------------


def test_confirming_an_import_twice_at_once_takes_the_file_once(settings, tmp_path):
    """The confirmation claims the stored upload (a rename); only one import can run on it."""
    settings.BRUGWIJZER_IMPORT_DIR = str(tmp_path)
    moderator = factories.UserFactory(is_moderator=True)
    upload = data_uploads.store_upload(
        data=b"instellingsnummer;naam\n", kind="schools", name="scholen.csv", user=moderator
    )

    outcomes = at_once(
        *[lambda: data_uploads.claim_upload(upload) for _ in range(THREADS)], refusals=(data_uploads.UploadGone,)
    )

    assert not unexpected(outcomes), outcomes
    assert outcomes.count(b"instellingsnummer;naam\n") == 1, outcomes
    assert outcomes.count(REFUSED) == THREADS - 1, outcomes
    assert list(tmp_path.iterdir()) == []


SCHOOL_LIST = (
    "instellingsnummer,naam,straat,postcode,nis_code,lat,lon,net,niveau,clb\n"
    + "".join(f"{400000 + n},School {n},Straat {n},9100,46021,,,GO,lager,\n" for n in range(5))
).encode()


def test_two_moderators_confirming_the_same_school_list_at_once_import_it_once():
    """Two uploads of the same list, previewed and confirmed at the same moment by two moderators:
    the schools are made once, and the other confirmation is told (never a half import)."""
    moderators = [factories.UserFactory(is_moderator=True) for _ in range(2)]
    preview = import_school_list(SCHOOL_LIST, dry_run=True)

    outcomes = at_once(
        *[
            lambda by=by: import_school_list(SCHOOL_LIST, by=by, dry_run=False, expect_fingerprint=preview.fingerprint)
            for by in moderators
        ],
        refusals=(),
    )

    assert not unexpected(outcomes), outcomes
    assert [outcome.applied for outcome in outcomes].count(True) == 1, outcomes
    refused = next(outcome for outcome in outcomes if not outcome.applied)
    assert refused.data_changed or refused.problems
    assert School.objects.filter(institution_number__startswith="4000").count() == 5
    assert AuditEvent.objects.filter(content_type__model="school", action="create").count() == 5


HSDS = [
    {
        "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a201",
        "name": "Speelplein De Vlieger",
        "description": "Speelplein in de zomervakantie.",
        "status": "active",
        "organization": {
            "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a202",
            "name": "Jeugddienst Vlieger",
            "description": "De jeugddienst van de gemeente.",
        },
        "attributes": [
            {
                "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a203",
                "taxonomy_term": {
                    "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a204",
                    "code": "vrije-tijd",
                    "name": "vrije-tijd",
                    "description": "vrije-tijd",
                    "taxonomy": "brugwijzer-levensdomeinen",
                },
            }
        ],
        "service_areas": [{"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a205", "name": "Sint-Niklaas"}],
    }
]


def test_two_moderators_confirming_the_same_hsds_file_at_once_import_it_once():
    moderators = [factories.UserFactory(is_moderator=True) for _ in range(2)]
    expected = hsds_fingerprint(import_hsds(HSDS, by=moderators[0], dry_run=True))

    outcomes = at_once(
        *[lambda by=by: import_hsds(HSDS, by=by, dry_run=False, expect_fingerprint=expected) for by in moderators],
        refusals=(DataChanged,),
    )

    assert not unexpected(outcomes), outcomes
    assert [outcome != REFUSED and outcome.ok for outcome in outcomes].count(True) == 1, outcomes
    # The other is told: the data changed since its preview, or the database refused the import.
    assert all(outcome == REFUSED or outcome.ok or outcome.errors for outcome in outcomes), outcomes
    assert Organisation.objects.filter(external_id="5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a202").count() == 1
    assert Offer.objects.filter(external_id="5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a201").count() == 1
    assert AuditEvent.objects.filter(content_type__model="organisation", action="create").count() == 1
