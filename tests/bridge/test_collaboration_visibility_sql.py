"""`collaborations_visible_to` and the map's area filter, written as UNIONs of index lookups, give
exactly the rows of their first formulation (one OR over every collaboration), checked with
hypothesis on small worlds for every kind of user."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import map_data
from bridge.access import brokered_schools, collaborations_visible_to, user_ties
from bridge.models import CLBSchool, Collaboration
from portal.models import Membership
from schools.access import access_from, with_access
from schools.models import School
from tests import factories
from welfare.models import Location

pytestmark = pytest.mark.django_db

SINT_NIKLAAS, LOKEREN = "46021", "46029"
INSIDE, OUTSIDE = (51.17, 4.14), (50.90, 3.60)
BBOX = map_data.BBox.parse("4.0,51.1,4.3,51.25")
SCHOOLS, ORGANISATIONS, CLBS = 3, 3, 2
PERSONAS = (
    "anonymous",
    "nobody",
    "school_member",
    "welfare_member",
    "clb_staff",
    "bridge_figure",
    "local_government",
    "moderator",
    "pending_member",
    "declined_member",
    "broker",
)


def reference_brokered_schools(user):
    """The first formulation of `brokered_schools`."""
    guided = Membership.objects.approved().filter(user=user, clb__isnull=False).values("clb__assignments__school_id")
    served = School.objects.filter(bridge_figures__user=user).values("pk")
    return School.objects.filter(Q(pk__in=guided) | Q(pk__in=served))


def reference_visible_to(user):
    """The first formulation of `collaborations_visible_to`, kept as the rule's reference."""
    if not user.is_authenticated:
        return Collaboration.objects.none()
    if user.is_moderator:
        return Collaboration.objects.all()
    approved = Membership.objects.approved().filter(user=user)
    takes_part = Collaboration.organisations.through.objects.filter(
        collaboration_id=OuterRef("pk"),
        organisation_id__in=approved.filter(organisation__isnull=False).values("organisation_id"),
    )
    return Collaboration.objects.filter(
        Q(school__in=approved.filter(school__isnull=False).values("school_id"))
        | Q(Exists(takes_part))
        | Q(broker=user)
        | Q(school__in=reference_brokered_schools(user).values("pk"))
    )


def reference_in_bbox(bbox: map_data.BBox):
    """The map's first area filter: the school, or one of the partners' locations, in `bbox`."""
    partner_nearby = Location.objects.filter(organisation__collaborations=OuterRef("pk"), **bbox.lookup())
    return Collaboration.objects.filter(Q(**bbox.lookup("school__")) | Q(Exists(partner_nearby)))


entities = st.fixed_dictionaries(
    {"kind": st.sampled_from(("school", "organisation", "clb")), "index": st.integers(0, SCHOOLS - 1)}
)
worlds = st.fixed_dictionaries(
    {
        "schools": st.lists(
            st.tuples(st.sampled_from((SINT_NIKLAAS, LOKEREN)), st.sampled_from((INSIDE, OUTSIDE, None))),
            min_size=SCHOOLS,
            max_size=SCHOOLS,
        ),
        "locations": st.lists(
            st.lists(st.sampled_from((INSIDE, OUTSIDE)), max_size=2), min_size=ORGANISATIONS, max_size=ORGANISATIONS
        ),
        "collaborations": st.lists(
            st.tuples(
                st.integers(0, SCHOOLS - 1),
                st.frozensets(st.integers(0, ORGANISATIONS - 1), min_size=1, max_size=2),
                st.one_of(st.none(), st.sampled_from(PERSONAS[1:])),
            ),
            max_size=7,
        ),
        "guided_by": st.lists(st.one_of(st.none(), st.integers(0, CLBS - 1)), min_size=SCHOOLS, max_size=SCHOOLS),
        "served": st.frozensets(st.integers(0, SCHOOLS - 1), max_size=2),
        "school": st.integers(0, SCHOOLS - 1),
        "organisation": st.integers(0, ORGANISATIONS - 1),
        "clb": st.integers(0, CLBS - 1),
        "governs": st.sampled_from((SINT_NIKLAAS, LOKEREN)),
        "pending": entities,
        "declined": entities,
    }
)


def build(world: dict) -> dict:
    """The world's schools, organisations, CLBs and collaborations, and one user per persona."""
    schools = [
        factories.SchoolFactory(
            municipality=factories.municipality(nis),
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
        )
        for nis, point in world["schools"]
    ]
    organisations = [factories.OrganisationFactory() for _ in range(ORGANISATIONS)]
    for organisation, points in zip(organisations, world["locations"], strict=True):
        for latitude, longitude in points:
            factories.LocationFactory(organisation=organisation, latitude=latitude, longitude=longitude)
    clbs = [factories.CLBFactory() for _ in range(CLBS)]
    for school, clb in zip(schools, world["guided_by"], strict=True):
        if clb is not None:
            CLBSchool.objects.create(clb=clbs[clb], school=school)
    entity = {"school": schools, "organisation": organisations, "clb": clbs}

    def of(spec: dict) -> dict:
        return {spec["kind"]: entity[spec["kind"]][spec["index"] % len(entity[spec["kind"]])]}

    figure = factories.BridgeFigureFactory()
    figure.schools.set([schools[i] for i in world["served"]])
    users = {
        "anonymous": AnonymousUser(),
        "nobody": factories.UserFactory(),
        "school_member": factories.member_of(school=schools[world["school"]]),
        "welfare_member": factories.member_of(organisation=organisations[world["organisation"]], role="admin"),
        "clb_staff": factories.member_of(clb=clbs[world["clb"]]),
        "bridge_figure": figure.user,
        "local_government": factories.member_of(municipality=factories.municipality(world["governs"])),
        "moderator": factories.UserFactory(is_moderator=True),
        "pending_member": factories.member_of(status="pending", **of(world["pending"])),
        "declined_member": factories.member_of(status="declined", **of(world["declined"])),
        "broker": factories.UserFactory(),
    }
    for school, partners, broker in world["collaborations"]:
        factories.CollaborationFactory(
            school=schools[school],
            organisations=[organisations[i] for i in partners],
            broker=users[broker] if broker else None,
        )
    return users


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
def test_every_user_sees_the_collaborations_of_the_first_formulation(world):
    with transaction.atomic():
        users = build(world)
        for persona, user in users.items():
            expected = list(reference_visible_to(user).values_list("pk", flat=True))
            assert list(collaborations_visible_to(user).values_list("pk", flat=True)) == expected, persona
            if user.is_authenticated:
                assert set(brokered_schools(user)) == set(reference_brokered_schools(user)), persona
                # From the user's ties, with the lookups of the ties they do not have left out.
                tied = collaborations_visible_to(user, user_ties(user))
                assert list(tied.values_list("pk", flat=True)) == expected, persona
        transaction.set_rollback(True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
def test_the_map_shows_the_collaborations_of_the_first_formulation(world):
    with transaction.atomic():
        users = build(world)
        in_bbox = set(reference_in_bbox(BBOX).values_list("pk", flat=True))
        for persona, user in users.items():
            shown = map_data.collaborations_on_map(user=user, bbox=BBOX)
            rows = {(c.pk, c.details_visible) for c in shown} if user.is_authenticated else set(shown)
            if not user.is_authenticated:
                assert rows == set(), persona
                continue
            part_of = set(reference_visible_to(user).values_list("pk", flat=True))
            governed = set(
                Membership.objects.approved()
                .filter(user=user, municipality__isnull=False)
                .values_list("municipality_id", flat=True)
            )
            expected = {
                (pk, user.is_moderator or pk in part_of)
                for pk, municipality in Collaboration.objects.values_list("pk", "school__municipality_id")
                if pk in in_bbox and (user.is_moderator or pk in part_of or municipality in governed)
            }
            assert rows == expected, persona
        transaction.set_rollback(True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
def test_the_map_links_the_schools_each_user_may_open(world):
    """The map looks up the relations to schools only for a user whose ties can give one."""
    with transaction.atomic():
        users = build(world)
        for persona, user in users.items():
            features = map_data.school_features(
                map_data.schools_on_map(user=user, ties=map_data.viewer_ties(user)), user
            )
            linked = {feature["properties"]["id"] for feature in features if feature["properties"]["url"]}
            expected = {
                school.pk
                for school in with_access(School.objects.verified(), user)
                if school.latitude is not None and access_from(school, user).can_view
            }
            assert linked == expected, persona
        transaction.set_rollback(True)


def test_the_visible_ids_are_read_through_the_indexes_on_postgresql():
    """On PostgreSQL the ids come from `= ANY(ARRAY(...))`, elsewhere from IN."""
    user = factories.member_of(school=factories.SchoolFactory())
    sql = str(collaborations_visible_to(user).query)
    assert ("= ANY(ARRAY" in sql) == (connection.vendor == "postgresql")
    assert "UNION" in sql
