"""Which hat a user wears (portal.roles.role_for): it decides the navigation and the home page."""

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.models import User
from portal.roles import role_for
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_visitor_without_an_account():
    assert role_for(AnonymousUser()).kind == "visitor"


def test_an_approved_member_wears_the_hat_of_their_place(school_coordinator, school, welfare_worker, local_government):
    role = role_for(school_coordinator)
    assert (role.kind, role.entity, role.pending) == ("school", school, False)
    assert role_for(welfare_worker).kind == "organisation"
    assert role_for(local_government).kind == "municipality"


def test_a_pending_member_is_a_visitor_whose_request_is_pending(school):
    role = role_for(factories.member_of(school=school, status="pending"))
    assert (role.kind, role.entity, role.pending) == ("visitor", school, True)


def test_a_bridge_figure_with_or_without_a_membership(bridge_figure, school):
    assert role_for(bridge_figure).kind == "bridge_figure"
    employed = factories.BridgeFigureFactory(user=factories.member_of(organisation=factories.OrganisationFactory()))
    role = role_for(employed.user)
    assert role.kind == "bridge_figure"
    assert role.membership is not None


def test_a_moderator_and_a_moderator_with_an_approved_place(moderator, school):
    assert role_for(moderator).kind == "moderator"
    member = factories.member_of(school=school)
    member.is_moderator = True
    member.save()
    assert role_for(member).kind == "school"


def test_the_role_costs_one_query_with_a_membership_two_without(
    school_coordinator, bridge_figure, django_assert_num_queries
):
    for user, queries in ((school_coordinator, 1), (bridge_figure, 2)):
        user = User.objects.get(pk=user.pk)  # as a request loads it, nothing cached on it
        with django_assert_num_queries(queries):
            role_for(user)
