"""Who sees which match requests, and who may act on one (404 / 403)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from bridge import access, services
from bridge.models import CLBSchool
from portal.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clb_broker_of_school(clb_broker, school):
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    return clb_broker


@pytest.fixture
def other_clb_staff():
    """Staff of a CLB that does not guide the school."""
    return factories.member_of(clb=factories.CLBFactory())


@pytest.fixture
def pending_teacher(school):
    return factories.member_of(school=school, status="pending")


@pytest.fixture
def pending_worker(organisation):
    return factories.member_of(organisation=organisation, status="pending")


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def need(school):
    return factories.FamilyNeedFactory(school=school)


@pytest.fixture
def sent(need, organisation, school_coordinator):
    return services.propose_match(
        need=need, offer=factories.OfferFactory(organisation=organisation), by=school_coordinator
    )


@pytest.fixture
def draft(need, organisation, clb_broker_of_school):
    offer = factories.OfferFactory(organisation=organisation)
    return services.propose_match(need=need, offer=offer, by=clb_broker_of_school, school_agreed=True, send=False)


@pytest.fixture
def elsewhere(organisation):
    """A request of another school to the same organisation."""
    other = factories.SchoolFactory()
    asker = factories.member_of(school=other)
    need = factories.FamilyNeedFactory(school=other)
    return services.propose_match(need=need, offer=factories.OfferFactory(organisation=organisation), by=asker)


# --- brokers -----------------------------------------------------------------------------------


def test_clb_staff_broker_for_the_schools_their_clb_guides(clb_broker, school):
    assert list(access.brokered_schools(clb_broker)) == []
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    assert list(access.brokered_schools(clb_broker)) == [school]
    assert access.is_broker_for(clb_broker, school)


def test_pending_clb_staff_broker_for_nobody(school):
    clb = factories.CLBFactory()
    CLBSchool.objects.create(clb=clb, school=school)
    pending = factories.member_of(clb=clb, status="pending")
    assert list(access.brokered_schools(pending)) == []


def test_bridge_figures_broker_for_the_schools_they_serve(bridge_figure, school):
    other = factories.SchoolFactory()
    assert list(access.brokered_schools(bridge_figure)) == [school]
    assert not access.is_broker_for(bridge_figure, other)


@pytest.mark.parametrize("persona", ["school_coordinator", "welfare_worker", "moderator", "outsider", "anonymous"])
def test_others_broker_for_nobody(request, persona):
    assert list(access.brokered_schools(request.getfixturevalue(persona))) == []


@pytest.mark.parametrize(
    "persona, may",
    [
        ("school_coordinator", True),
        ("clb_broker_of_school", True),
        ("bridge_figure", True),
        ("moderator", True),
        ("clb_broker", False),
        ("pending_teacher", False),
        ("welfare_worker", False),
        ("outsider", False),
        ("local_government", False),
        ("anonymous", False),
    ],
)
def test_who_may_propose_for_a_school(request, school, persona, may):
    assert access.can_propose_for(request.getfixturevalue(persona), school) is may


# --- what each persona sees ------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("school_coordinator", {"sent", "draft"}),
        ("clb_broker_of_school", {"sent", "draft"}),
        ("bridge_figure", {"sent", "draft"}),
        ("welfare_worker", {"sent", "elsewhere"}),
        ("moderator", {"sent", "draft", "elsewhere"}),
        ("other_clb_staff", set()),
        ("pending_teacher", set()),
        ("pending_worker", set()),
        ("outsider", set()),
        ("local_government", set()),
        ("anonymous", set()),
    ],
)
def test_who_sees_which_requests(request, sent, draft, elsewhere, persona, expected):
    names = {sent.pk: "sent", draft.pk: "draft", elsewhere.pk: "elsewhere"}
    visible = access.requests_visible_to(request.getfixturevalue(persona))
    assert {names[pk] for pk in visible.values_list("pk", flat=True)} == expected


def test_the_organisation_sees_a_draft_once_it_is_sent(draft, welfare_worker, clb_broker_of_school):
    assert not access.requests_visible_to(welfare_worker).filter(pk=draft.pk).exists()
    services.send_match(request=draft, by=clb_broker_of_school)
    assert access.requests_visible_to(welfare_worker).filter(pk=draft.pk).exists()


# --- one request -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, answer, send, withdraw",
    [
        ("school_coordinator", 403, 200, 200),
        ("bridge_figure", 403, 200, 200),
        ("clb_broker_of_school", 403, 200, 200),
        ("welfare_worker", 200, 403, 403),
        ("moderator", 200, 200, 200),
        ("outsider", 404, 404, 404),
        ("other_clb_staff", 404, 404, 404),
        ("pending_teacher", 404, 404, 404),
        ("pending_worker", 404, 404, 404),
        ("anonymous", 404, 404, 404),
    ],
)
def test_fetching_a_request_to_act_on_it(request, sent, persona, answer, send, withdraw):
    user = request.getfixturevalue(persona)
    for action, expected in (("answer", answer), ("send", send), ("withdraw", withdraw)):
        if expected == 404:
            with pytest.raises(Http404):
                access.get_match_request_for(user, sent.pk, action=action)
        elif expected == 403:
            with pytest.raises(PermissionDenied):
                access.get_match_request_for(user, sent.pk, action=action)
        else:
            assert access.get_match_request_for(user, sent.pk, action=action).pk == sent.pk


def test_the_organisation_does_not_find_a_draft(draft, welfare_worker):
    with pytest.raises(Http404):
        access.get_match_request_for(welfare_worker, draft.pk)


def test_a_request_that_does_not_exist_is_404(school_coordinator):
    with pytest.raises(Http404):
        access.get_match_request_for(school_coordinator, 999999)


@pytest.mark.parametrize("persona", ["school_coordinator", "welfare_worker", "bridge_figure"])
def test_whoever_sees_a_request_may_act_on_it_in_some_way(request, sent, persona):
    found = access.get_match_request_for(request.getfixturevalue(persona), sent.pk, write=True)
    assert found.access.can_act


def test_the_access_of_a_user_with_two_ties_adds_up(sent, school):
    """A bridge figure who also works for the asked organisation may both follow up and answer."""
    figure = factories.BridgeFigureFactory()
    figure.schools.add(school)
    Membership.objects.create(user=figure.user, organisation=sent.offer.organisation, status="approved")
    found = access.get_match_request_for(figure.user, sent.pk)
    assert found.access.broker and found.access.organisation
    assert found.access.can_answer and found.access.can_withdraw
    assert found.access.side == "broker"


def test_a_request_is_fetched_in_one_query(sent, welfare_worker, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = access.get_match_request_for(welfare_worker, sent.pk)
        assert found.need.school.municipality.name_nl
        assert found.offer.organisation.name
        assert found.proposed_by.email


def test_an_unknown_action_is_a_programming_error(sent, school_coordinator):
    with pytest.raises(ValueError):
        access.get_match_request_for(school_coordinator, sent.pk, action="approve")
