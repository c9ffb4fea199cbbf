"""The database itself refuses a bad CLB assignment, match request or collaboration."""

import datetime

import pytest

from bridge.models import (
    CLB,
    Barrier,
    BridgeFigure,
    CLBSchool,
    Collaboration,
    CollaborationCondition,
    CollaborationRole,
    LearningEntry,
    MatchRequest,
)
from tests import factories
from tests.portal.test_models import refused

pytestmark = pytest.mark.django_db


# --- CLBs and the schools they serve ---------------------------------------------------------------


def test_a_clb_belongs_to_a_known_network():
    for network in ("GO", "OVSG", "POV", "KOV"):
        CLB.objects.create(name=f"CLB {network}", network=network)
    with refused("clb_network_valid"):
        CLB.objects.create(name="CLB X", network="XYZ")


def test_a_school_is_served_by_one_clb_at_a_time(school):
    first, second = factories.CLBFactory(), factories.CLBFactory()
    CLBSchool.objects.create(clb=first, school=school)
    with refused("clbschool_one_clb_per_school", "bridge_clbschool.school_id"):
        CLBSchool.objects.create(clb=second, school=school)
    with refused("clbschool_one_clb_per_school", "bridge_clbschool.school_id"):
        CLBSchool.objects.create(clb=first, school=school)


def test_a_clb_serves_many_schools():
    clb = factories.CLBFactory()
    CLBSchool.objects.bulk_create([CLBSchool(clb=clb, school=factories.SchoolFactory()) for _ in range(3)])
    assert clb.schools.count() == 3


def test_a_user_is_at_most_one_bridge_figure(organisation):
    user = factories.UserFactory()
    BridgeFigure.objects.create(user=user, employer=organisation)
    with refused("user_id"):
        BridgeFigure.objects.create(user=user, employer=factories.OrganisationFactory())


# --- match requests ------------------------------------------------------------------------------


@pytest.fixture
def need():
    return factories.FamilyNeedFactory()


@pytest.fixture
def offer():
    return factories.OfferFactory()


LIVE = ["proposed", "sent", "accepted"]
OVER = [("declined", "no_capacity"), ("withdrawn", ""), ("expired", "")]


@pytest.mark.parametrize("first", LIVE)
@pytest.mark.parametrize("second", LIVE)
def test_a_need_is_offered_to_the_same_offer_once_while_the_request_is_live(need, offer, first, second):
    MatchRequest.objects.create(need=need, offer=offer, status=first)
    with refused("matchrequest_one_live_per_need_and_offer", "bridge_matchrequest.need_id"):
        MatchRequest.objects.create(need=need, offer=offer, status=second)


@pytest.mark.parametrize("status, reason", OVER)
def test_a_request_that_is_over_does_not_block_a_new_one(need, offer, status, reason):
    MatchRequest.objects.create(need=need, offer=offer, status=status, decline_reason=reason)
    MatchRequest.objects.create(need=need, offer=offer, status=status, decline_reason=reason)
    MatchRequest.objects.create(need=need, offer=offer, status="proposed")
    assert MatchRequest.objects.filter(need=need, offer=offer).count() == 3


def test_the_same_need_can_go_to_several_offers_at_once(need, offer):
    MatchRequest.objects.create(need=need, offer=offer)
    MatchRequest.objects.create(need=need, offer=factories.OfferFactory())
    MatchRequest.objects.create(need=factories.FamilyNeedFactory(), offer=offer)


def test_a_declined_request_cannot_be_reopened_next_to_a_live_one(need, offer):
    declined = MatchRequest.objects.create(need=need, offer=offer, status="declined", decline_reason="other")
    MatchRequest.objects.create(need=need, offer=offer, status="sent")
    with refused("matchrequest_one_live_per_need_and_offer", "bridge_matchrequest.need_id"):
        MatchRequest.objects.filter(pk=declined.pk).update(status="proposed", decline_reason="")


def test_a_match_request_has_a_known_status(need, offer):
    with refused("matchrequest_status_valid"):
        MatchRequest.objects.create(need=need, offer=offer, status="lost")


@pytest.mark.parametrize("reason", ["no_capacity", "outside_area", "not_target_group", "other"])
def test_a_declined_request_gives_a_reason(need, offer, reason):
    MatchRequest.objects.create(need=need, offer=offer, status="declined", decline_reason=reason)
    with refused("matchrequest_decline_reason_iff_declined"):
        MatchRequest.objects.create(need=need, offer=offer, status="declined", decline_reason="")


@pytest.mark.parametrize("status", ["proposed", "sent", "accepted", "withdrawn", "expired"])
def test_only_a_declined_request_has_a_decline_reason(need, offer, status):
    with refused("matchrequest_decline_reason_iff_declined"):
        MatchRequest.objects.create(need=need, offer=offer, status=status, decline_reason="no_capacity")


def test_declining_a_request_and_giving_the_reason_happen_together(need, offer):
    request = MatchRequest.objects.create(need=need, offer=offer, status="sent")
    with refused("matchrequest_decline_reason_iff_declined"):
        MatchRequest.objects.filter(pk=request.pk).update(status="declined")
    MatchRequest.objects.filter(pk=request.pk).update(status="declined", decline_reason="outside_area")
    with refused("matchrequest_decline_reason_iff_declined"):
        MatchRequest.objects.filter(pk=request.pk).update(status="proposed")


# --- collaborations ------------------------------------------------------------------------------


def test_a_collaboration_ends_on_or_after_the_day_it_starts(school):
    start = datetime.date(2026, 9, 1)
    for end in (start, start + datetime.timedelta(days=300), None):
        Collaboration.objects.create(title="Huiswerkklas", school=school, start_date=start, end_date=end)
    Collaboration.objects.create(title="Nog niet gestart", school=school, end_date=start)
    with refused("collaboration_ends_after_start"):
        Collaboration.objects.create(
            title="Omgekeerd", school=school, start_date=start, end_date=start - datetime.timedelta(days=1)
        )
    collaboration = Collaboration.objects.create(title="Later", school=school, start_date=start)
    with refused("collaboration_ends_after_start"):
        Collaboration.objects.filter(pk=collaboration.pk).update(end_date=datetime.date(2026, 8, 31))


def test_a_collaboration_has_a_known_status(school):
    for status in ("proposed", "agreed", "active", "evaluated", "ended"):
        Collaboration.objects.create(title=status, school=school, status=status)
    with refused("collaboration_status_valid"):
        Collaboration.objects.create(title="?", school=school, status="paused")


def test_a_match_request_leads_to_at_most_one_collaboration(school):
    request = factories.MatchRequestFactory(status="accepted")
    Collaboration.objects.create(title="Eerste", school=school, match_request=request)
    with refused("match_request_id"):
        Collaboration.objects.create(title="Tweede", school=school, match_request=request)


def test_a_collaboration_has_a_known_form(school):
    for form in ("referral", "consultation_hours", "joint_activity", "structural", "case_consultation"):
        Collaboration.objects.create(title=form, school=school, form=form)
    with refused("collaboration_form_valid"):
        Collaboration.objects.create(title="?", school=school, form="festival")


# --- the collaboration record --------------------------------------------------------------------


@pytest.fixture
def collaboration(school):
    return Collaboration.objects.create(title="Huiswerkklas op school", school=school)


def test_each_condition_is_recorded_once_with_a_known_kind_and_state(collaboration):
    CollaborationCondition.objects.create(collaboration=collaboration, kind="trust", state="challenge")
    with refused("condition_once_per_collaboration", "bridge_collaborationcondition.collaboration_id"):
        CollaborationCondition.objects.create(collaboration=collaboration, kind="trust", state="in_place")
    with refused("condition_kind_valid"):
        CollaborationCondition.objects.create(collaboration=collaboration, kind="weather")
    with refused("condition_state_valid"):
        CollaborationCondition.objects.create(collaboration=collaboration, kind="time", state="maybe")


def test_each_partner_has_one_role_of_a_known_kind(collaboration):
    CollaborationRole.objects.create(
        collaboration=collaboration, actor="school", tasks="Signaleert", limits="Geen therapie"
    )
    with refused("role_once_per_collaboration", "bridge_collaborationrole.collaboration_id"):
        CollaborationRole.objects.create(collaboration=collaboration, actor="school")
    with refused("role_actor_valid"):
        CollaborationRole.objects.create(collaboration=collaboration, actor="neighbours")


def test_a_learning_log_entry_says_what_happened_and_what_was_learned(collaboration):
    LearningEntry.objects.create(
        collaboration=collaboration, author_side="welfare", what_happened="Overleg", learned="De school ziet veel."
    )
    with refused("learning_not_empty"):
        LearningEntry.objects.create(collaboration=collaboration, author_side="school", what_happened="", learned="x")
    with refused("learning_not_empty"):
        LearningEntry.objects.create(collaboration=collaboration, author_side="school", what_happened="x", learned="")
    with refused("learning_side_valid"):
        LearningEntry.objects.create(collaboration=collaboration, author_side="press", what_happened="x", learned="y")


def test_a_barrier_has_a_known_kind_and_a_note(school):
    municipality = school.municipality
    Barrier.objects.create(municipality=municipality, school=school, kind="transport", note="Geen bus na 17 u.")
    with refused("barrier_kind_valid"):
        Barrier.objects.create(municipality=municipality, kind="weather", note="Regen")
    with refused("barrier_note_not_empty"):
        Barrier.objects.create(municipality=municipality, kind="language", note="")


def test_a_collaboration_has_a_known_urgency(school):
    with refused("collaboration_urgency_valid"):
        Collaboration.objects.create(title="?", school=school, urgency="yesterday")
