"""`school_access` (one school, small queries) must say what the annotated list query says."""

import pytest
from django.contrib.auth.models import AnonymousUser

from schools.access import SchoolAccess, access_from, school_access, with_access
from schools.models import School
from tests import factories

pytestmark = pytest.mark.django_db


def _annotated(user, school) -> SchoolAccess:
    return access_from(with_access(School.objects.filter(pk=school.pk), user).get(), user)


@pytest.fixture
def school():
    return factories.SchoolFactory()


def _people(school):
    other = factories.SchoolFactory()
    guiding = factories.CLBSchoolFactory(school=school).clb
    elsewhere = factories.CLBSchoolFactory(school=other).clb
    serving = factories.BridgeFigureFactory()
    serving.schools.add(school)
    pending_but_serving = factories.BridgeFigureFactory(user=factories.member_of(school=school, status="pending"))
    pending_but_serving.schools.add(school)
    moderator_member = factories.member_of(school=school)
    moderator_member.is_moderator = True
    moderator_member.save()
    return {
        "member": (factories.member_of(school=school), "member"),
        "admin": (factories.member_of(school=school, role="admin"), "admin"),
        "pending": (factories.member_of(school=school, status="pending"), "pending"),
        "declined": (factories.member_of(school=school, status="declined"), ""),
        "member elsewhere": (factories.member_of(school=other), ""),
        "clb guiding": (factories.member_of(clb=guiding), "clb"),
        "clb pending": (factories.member_of(clb=guiding, status="pending"), ""),
        "clb elsewhere": (factories.member_of(clb=elsewhere), ""),
        "bridge figure": (serving.user, "bridge_figure"),
        "bridge figure elsewhere": (factories.BridgeFigureFactory().user, ""),
        "pending member who serves it": (pending_but_serving.user, "bridge_figure"),
        "moderator": (factories.UserFactory(is_moderator=True), ""),
        "moderator and member": (moderator_member, "member"),
        "outsider": (factories.UserFactory(), ""),
    }


def test_every_relation_is_the_one_the_annotations_give(school):
    for name, (user, relation) in _people(school).items():
        access = school_access(user, school.pk)
        assert access == _annotated(user, school), name
        assert access.relation == relation, name
        assert access.moderator == user.is_moderator, name


def test_a_visitor_has_no_access(school):
    assert school_access(AnonymousUser(), school.pk) == SchoolAccess()


def test_a_member_of_the_school_costs_one_query(school, django_assert_num_queries):
    user = factories.member_of(school=school)
    with django_assert_num_queries(1):
        assert school_access(user, school.pk).relation == "member"
