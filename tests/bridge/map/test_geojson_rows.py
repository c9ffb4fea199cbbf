"""The map's points are built from plain rows: the same features, for every kind of visitor, as
the model instances of `schools_on_map` and `locations_on_map` give."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from bridge import map_data
from bridge.models import CLBSchool
from tests import factories

pytestmark = pytest.mark.django_db

BBOX = map_data.BBox.parse("4.0,51.1,4.3,51.25")


def expected_school(school, user) -> dict:
    return {
        "type": "Feature",
        "id": f"school-{school.pk}",
        "geometry": map_data._point(school.longitude, school.latitude),
        "properties": {
            "kind": "school",
            "id": school.pk,
            "name": school.name,
            "address": f"{school.street}, {school.postal_code} {school.municipality.name_nl}",
            "municipality": school.municipality.name_nl,
            "url": map_data.school_url(school, user),
        },
    }


def expected_location(location) -> dict:
    organisation = location.organisation
    return {
        "type": "Feature",
        "id": f"location-{location.pk}",
        "geometry": map_data._point(location.longitude, location.latitude),
        "properties": {
            "kind": "organisation",
            "id": organisation.pk,
            "name": organisation.name,
            "location": location.name,
            "address": location.address,
            "municipality": location.municipality.name_nl,
            "organisation_kind": organisation.kind.name,
            "organisation_kind_slug": organisation.kind.slug,
            "url": reverse("directory:organisation", kwargs={"pk": organisation.pk}),
        },
    }


@pytest.mark.parametrize(
    "persona",
    [
        "anonymous",
        "outsider",
        "pending",
        "school_coordinator",
        "welfare_worker",
        "bridge_figure",
        "clb_broker",
        "clb_of_school",
        "moderator",
    ],
)
def test_the_points_are_those_of_the_model_instances(request, persona, school, organisation):
    if persona == "anonymous":
        user = AnonymousUser()
    elif persona == "pending":
        user = factories.member_of(school=school, status="pending")
    elif persona == "clb_of_school":
        user = request.getfixturevalue("clb_broker")
        CLBSchool.objects.create(clb=user.memberships.get().clb, school=school)
    else:
        user = request.getfixturevalue(persona)
    factories.SchoolFactory(name="Andere school")
    factories.OfferFactory(organisation=organisation)
    factories.LocationFactory(organisation=organisation, name="")
    factories.LocationFactory(organisation=organisation, name="Tweede", municipality=factories.municipality("46025"))

    schools = map_data.schools_on_map(user=user, bbox=BBOX)
    locations = map_data.locations_on_map(bbox=BBOX)

    assert map_data.school_features(schools, user) == [expected_school(s, user) for s in schools]
    assert map_data.location_features(locations) == [expected_location(location) for location in locations]
    assert len(schools) >= 2 and len(locations) == 2
    linked = {f["properties"]["name"] for f in map_data.school_features(schools, user) if f["properties"]["url"]}
    opens_school = persona in {"school_coordinator", "bridge_figure", "clb_of_school", "pending", "moderator"}
    assert (school.name in linked) == opens_school
