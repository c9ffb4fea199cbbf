"""The map's GeoJSON (/kaart/data.geojson): its shape, the area, the filters, and who sees
which collaboration lines."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bridge import map_data
from bridge.models import CLBSchool
from tests import factories
from welfare.models import OrganisationKind

pytestmark = pytest.mark.django_db

URL = reverse("map:data")
# Around Sint-Niklaas, where the factories put schools and locations.
SINT_NIKLAAS_BBOX = "4.0,51.1,4.3,51.25"


def geojson(client, bbox: str = SINT_NIKLAAS_BBOX, **params) -> dict:
    response = client.get(URL, {"bbox": bbox, **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def of_kind(collection: dict, kind: str) -> list[dict]:
    return [feature for feature in collection["features"] if feature["properties"]["kind"] == kind]


def names(collection: dict, kind: str) -> set[str]:
    return {feature["properties"]["name"] for feature in of_kind(collection, kind)}


def lines(collection: dict) -> list[dict]:
    return of_kind(collection, "collaboration")


def public_organisation(**kwargs):
    """A verified organisation with one public offer and one location in Sint-Niklaas."""
    domains = kwargs.pop("life_domains", None)
    location = kwargs.pop("location", {})
    organisation = factories.OrganisationFactory(**kwargs)
    factories.OfferFactory(organisation=organisation, life_domains=domains)
    factories.LocationFactory(organisation=organisation, **location)
    return organisation


@pytest.fixture
def partner(organisation):
    """The `organisation` fixture (the welfare worker's) with a public offer and a location."""
    factories.OfferFactory(organisation=organisation)
    factories.LocationFactory(organisation=organisation, name="Hoofdzetel")
    return organisation


@pytest.fixture
def collaboration(school, partner):
    collaboration = factories.CollaborationFactory(
        school=school, organisations=[partner], title="Huiswerkklas op woensdag", status="active"
    )
    collaboration.life_domains.set([factories.life_domain("leren")])
    return collaboration


# --- shape ----------------------------------------------------------------------------------


def test_the_geojson_is_a_feature_collection_of_schools_and_organisation_locations(client, school, partner):
    collection = geojson(client)

    assert collection["type"] == "FeatureCollection"
    assert collection["bbox"] == [4.0, 51.1, 4.3, 51.25]
    [school_point] = of_kind(collection, "school")
    assert school_point["type"] == "Feature"
    assert school_point["geometry"] == {"type": "Point", "coordinates": [school.longitude, school.latitude]}
    assert school_point["properties"] == {
        "kind": "school",
        "id": school.pk,
        "name": school.name,
        "address": "Schoolstraat 1, 9100 Sint-Niklaas",
        "municipality": "Sint-Niklaas",
        "url": None,
    }
    [location_point] = of_kind(collection, "organisation")
    location = partner.locations.get()
    assert location_point["geometry"] == {"type": "Point", "coordinates": [location.longitude, location.latitude]}
    assert location_point["properties"]["name"] == partner.name
    assert location_point["properties"]["location"] == "Hoofdzetel"
    assert location_point["properties"]["organisation_kind"] == partner.kind.name
    assert location_point["properties"]["url"] == reverse("directory:organisation", kwargs={"pk": partner.pk})


def test_every_location_of_an_organisation_is_its_own_point(client, partner):
    factories.LocationFactory(organisation=partner, name="Antenne", latitude=51.18, longitude=4.15)

    collection = geojson(client)

    assert sorted(f["properties"]["location"] for f in of_kind(collection, "organisation")) == ["Antenne", "Hoofdzetel"]


def test_a_place_outside_the_bbox_is_left_out(client, school, partner):
    factories.SchoolFactory(name="Basisschool in Gent", latitude=51.05, longitude=3.72)
    public_organisation(name="CAW Gent", location={"latitude": 51.054, "longitude": 3.717})

    collection = geojson(client)

    assert names(collection, "school") == {school.name}
    assert names(collection, "organisation") == {partner.name}
    gent = geojson(client, bbox="3.6,51.0,3.8,51.1")
    assert names(gent, "school") == {"Basisschool in Gent"}
    assert names(gent, "organisation") == {"CAW Gent"}


def test_unverified_schools_and_organisations_without_a_public_offer_are_not_on_the_map(client):
    factories.SchoolFactory(name="Nog niet geverifieerd", verified_at=None)
    public_organisation(name="Nog niet geverifieerd CAW", verified_at=None)
    without_offers = factories.OrganisationFactory(name="Zonder aanbod")
    factories.LocationFactory(organisation=without_offers)
    inactive = factories.OrganisationFactory(name="Alleen stopgezet aanbod")
    factories.OfferFactory(organisation=inactive, is_active=False)
    factories.LocationFactory(organisation=inactive)

    collection = geojson(client)

    assert collection["features"] == []


def test_a_school_without_coordinates_is_not_a_point(client):
    factories.SchoolFactory(latitude=None, longitude=None)

    assert geojson(client)["features"] == []


def test_without_a_bbox_the_region_of_the_verified_schools_is_used(client, school):
    factories.SchoolFactory(latitude=51.21, longitude=4.26)

    response = client.get(URL)

    collection = json.loads(response.content)
    assert response.status_code == 200
    west, south, east, north = collection["bbox"]
    assert west < 4.1437 < 4.26 < east
    assert south < 51.1656 < 51.21 < north
    assert len(of_kind(collection, "school")) == 2


def test_the_response_is_never_kept_in_a_shared_cache(client):
    response = client.get(URL, {"bbox": SINT_NIKLAAS_BBOX})

    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "bbox",
    [
        "Sint-Niklaas",
        "4.0,51.1,4.3",
        "4.0,51.1,4.3,51.25,1",
        "4.0,51.1,,51.25",
        "nan,51.1,4.3,51.25",
        "4.3,51.1,4.0,51.25",
        "4.0,51.25,4.3,51.1",
        "181,51.1,182,51.25",
        "4.0,-91,4.3,51.25",
        "0.0,50.0,4.0,51.0",
        "4.0,49.0,4.3,52.5",
    ],
)
def test_an_invalid_or_too_large_bbox_is_a_400_that_names_bbox(client, bbox):
    response = client.get(URL, {"bbox": bbox})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert list(body["errors"]) == ["bbox"]
    assert body["errors"]["bbox"][0]


def test_the_too_large_message_says_how_large_an_area_may_be(en_client):
    body = json.loads(en_client.get(URL, {"bbox": "0,50,4,51"}).content)

    assert body["errors"]["bbox"] == ["The area in bbox is too large: at most 3 degrees each way. Zoom in."]


@pytest.mark.parametrize(
    ("param", "value"),
    [("municipality", "99999"), ("life_domain", "sterrenkunde"), ("kind", "ruimtevaart"), ("status", "paused")],
)
def test_an_unknown_filter_value_is_a_400_that_names_the_filter(client, param, value):
    response = client.get(URL, {"bbox": SINT_NIKLAAS_BBOX, param: value})

    assert response.status_code == 400
    assert list(json.loads(response.content)["errors"]) == [param]


def test_bbox_parsing_accepts_spaces_and_keeps_the_four_sides():
    bbox = map_data.BBox.parse(" 4.0, 51.1 ,4.3,51.25 ")

    assert (bbox.west, bbox.south, bbox.east, bbox.north) == (4.0, 51.1, 4.3, 51.25)
    assert str(bbox) == "4.00000,51.10000,4.30000,51.25000"


def test_the_first_view_is_capped_around_its_centre():
    wide = map_data.BBox(0.0, 50.0, 8.0, 51.0).capped()

    assert (wide.west, wide.east) == (2.5, 5.5)
    assert (wide.south, wide.north) == (50.0, 51.0)


def test_the_first_view_falls_back_to_the_demo_region_without_schools():
    assert map_data.initial_bounds() == map_data.DEFAULT_BOUNDS


def test_the_first_view_fits_a_municipality_without_schools_around_its_seat():
    temse = factories.municipality("46025")
    temse.latitude, temse.longitude = 51.125, 4.212
    temse.save(update_fields=["latitude", "longitude"])

    bounds = map_data.initial_bounds(municipality=temse)

    assert bounds.south < 51.125 < bounds.north
    assert bounds.west < 4.212 < bounds.east


# --- filters --------------------------------------------------------------------------------


def test_the_municipality_filter_applies_to_schools_organisations_and_collaborations(
    client, moderator, school, collaboration
):
    temse = factories.municipality("46025")
    factories.SchoolFactory(name="Basisschool Temse", municipality=temse)
    public_organisation(name="Sociaal Huis Temse", location={"municipality": temse})
    client.force_login(moderator)

    in_temse = geojson(client, municipality="46025")
    in_sint_niklaas = geojson(client, municipality="46021")

    assert names(in_temse, "school") == {"Basisschool Temse"}
    assert names(in_temse, "organisation") == {"Sociaal Huis Temse"}
    assert lines(in_temse) == []
    assert names(in_sint_niklaas, "school") == {school.name}
    assert len(lines(in_sint_niklaas)) == 1


def test_the_life_domain_filter_keeps_organisations_with_a_public_offer_in_it(client, school):
    public_organisation(name="Huiswerkhulp", life_domains=[factories.life_domain("leren")])
    public_organisation(name="Woonloket", life_domains=[factories.life_domain("wonen")])

    collection = geojson(client, life_domain="wonen")

    assert names(collection, "organisation") == {"Woonloket"}
    assert names(collection, "school") == {school.name}, "schools have no public life domains: they stay"


def test_the_life_domain_filter_keeps_collaborations_about_it(client, moderator, school, collaboration):
    client.force_login(moderator)

    assert len(lines(geojson(client, life_domain="leren"))) == 1
    assert lines(geojson(client, life_domain="wonen")) == []


def test_the_kind_filter_keeps_organisations_of_that_kind_and_lines_to_them(client, moderator, school, partner):
    ocmw = OrganisationKind.objects.get(slug="ocmw")
    sociaal_huis = public_organisation(name="Sociaal Huis", kind=ocmw)
    factories.CollaborationFactory(school=school, organisations=[partner, sociaal_huis])
    client.force_login(moderator)

    collection = geojson(client, kind="ocmw")

    assert names(collection, "organisation") == {"Sociaal Huis"}
    assert [line["properties"]["organisation"] for line in lines(collection)] == ["Sociaal Huis"]
    assert lines(geojson(client, kind="cgg")) == []


def test_the_status_filter_keeps_collaborations_with_that_status(client, moderator, school, partner):
    factories.CollaborationFactory(school=school, organisations=[partner], title="Lopend", status="active")
    factories.CollaborationFactory(school=school, organisations=[partner], title="Voorbij", status="ended")
    client.force_login(moderator)

    collection = geojson(client, status="ended")

    assert [line["properties"]["title"] for line in lines(collection)] == ["Voorbij"]
    assert names(collection, "school") == {school.name}, "the status filter is about collaborations only"


# --- collaboration lines ------------------------------------------------------------------------


def test_a_line_runs_from_the_school_to_the_partners_nearest_location(en_client, moderator, school, collaboration):
    partner = collaboration.organisations.get()
    far = factories.LocationFactory(organisation=partner, name="Ver weg", latitude=51.24, longitude=4.29)
    near = partner.locations.exclude(pk=far.pk).get()
    en_client.force_login(moderator)

    [line] = lines(geojson(en_client))

    assert line["geometry"] == {
        "type": "LineString",
        "coordinates": [[school.longitude, school.latitude], [near.longitude, near.latitude]],
    }
    assert line["properties"] == {
        "kind": "collaboration",
        "id": collaboration.pk,
        "school_id": school.pk,
        "school": school.name,
        "organisation": partner.name,
        "status": "active",
        "status_label": "Active",
        "form": "referral",
        "form_label": "Referral",
        "life_domains": ["Leren en school"],
        "details": True,
        "title": "Huiswerkklas op woensdag",
        "url": reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk}),
    }


def test_a_collaboration_with_two_partners_is_two_lines(client, moderator, school, partner):
    other = public_organisation(name="Tweede partner")
    factories.CollaborationFactory(school=school, organisations=[partner, other])
    client.force_login(moderator)

    assert sorted(line["properties"]["organisation"] for line in lines(geojson(client))) == sorted(
        [partner.name, "Tweede partner"]
    )


def test_a_collaboration_is_on_the_map_when_only_its_partner_is_in_view(client, moderator, partner):
    school_far_away = factories.SchoolFactory(latitude=51.05, longitude=3.72)
    factories.CollaborationFactory(school=school_far_away, organisations=[partner])
    client.force_login(moderator)

    assert len(lines(geojson(client))) == 1
    assert lines(geojson(client, bbox="4.5,51.1,4.6,51.2")) == []


def test_a_partner_without_a_located_location_gets_no_line(client, moderator, school):
    organisation = factories.OrganisationFactory()
    factories.LocationFactory(organisation=organisation, latitude=None, longitude=None)
    factories.CollaborationFactory(school=school, organisations=[organisation])
    client.force_login(moderator)

    assert lines(geojson(client)) == []


@pytest.fixture
def clb_of_school(clb_broker, school):
    CLBSchool.objects.create(clb=clb_broker.memberships.get().clb, school=school)
    return clb_broker


@pytest.mark.parametrize(
    ("persona", "sees", "with_details"),
    [
        ("anonymous", False, False),
        ("outsider", False, False),
        ("pending_school_member", False, False),
        ("pending_organisation_member", False, False),
        ("school_coordinator", True, True),
        ("welfare_worker", True, True),
        ("clb_of_school", True, True),
        ("clb_broker", False, False),
        ("bridge_figure", True, True),
        ("local_government", True, False),
        ("local_government_elsewhere", False, False),
        ("moderator", True, True),
    ],
)
def test_who_sees_which_collaboration_lines(request, client, collaboration, school, persona, sees, with_details):
    users = {
        "pending_school_member": lambda: factories.member_of(school=school, status="pending"),
        "pending_organisation_member": lambda: factories.member_of(
            organisation=collaboration.organisations.get(), status="pending"
        ),
        "local_government_elsewhere": lambda: factories.member_of(municipality=factories.municipality("46025")),
    }
    if persona in users:
        client.force_login(users[persona]())
    elif persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    found = lines(geojson(client))

    if not sees:
        assert found == []
        return
    [line] = found
    assert line["properties"]["status"] == "active"
    assert line["properties"]["life_domains"] == ["Leren en school"]
    if with_details:
        assert line["properties"]["details"] is True
        assert line["properties"]["title"] == "Huiswerkklas op woensdag"
        assert line["properties"]["url"] == reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk})
    else:
        assert line["properties"]["details"] is False
        assert line["properties"]["title"] is None
        assert line["properties"]["url"] is None
        assert "Huiswerkklas" not in json.dumps(line)


def test_a_local_government_that_takes_part_sees_the_details_of_its_own(client, local_government, school):
    """The broker of a collaboration sees it in full, whatever else they are."""
    factories.LocationFactory(organisation=(partner := factories.OrganisationFactory()))
    factories.CollaborationFactory(school=school, organisations=[partner], broker=local_government, title="Eigen")
    client.force_login(local_government)

    [line] = lines(geojson(client))

    assert line["properties"]["title"] == "Eigen"


def test_the_school_link_is_only_given_to_those_who_may_open_the_school_page(
    client, school, school_coordinator, welfare_worker
):
    school_page = reverse("schools:detail", kwargs={"pk": school.pk})

    assert of_kind(geojson(client), "school")[0]["properties"]["url"] is None
    client.force_login(welfare_worker)
    assert of_kind(geojson(client), "school")[0]["properties"]["url"] is None
    client.force_login(school_coordinator)
    assert of_kind(geojson(client), "school")[0]["properties"]["url"] == school_page


# --- query counts -------------------------------------------------------------------------------


def _count_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"bbox": SINT_NIKLAAS_BBOX, **params})
    assert response.status_code == 200
    return len(queries)


def _add_places(n: int, organisation) -> None:
    for _ in range(n):
        school = factories.SchoolFactory()
        partner = public_organisation()
        factories.LocationFactory(organisation=partner, name="Tweede vestiging", latitude=51.18)
        collaboration = factories.CollaborationFactory(school=school, organisations=[partner, organisation])
        collaboration.life_domains.set([factories.life_domain("leren"), factories.life_domain("wonen")])


@pytest.mark.parametrize("persona", ["anonymous", "moderator", "local_government", "welfare_worker"])
def test_the_number_of_queries_does_not_grow_with_the_data(request, client, persona, partner):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    _add_places(3, partner)
    few = _count_queries(client)
    few_filtered = _count_queries(client, municipality="46021", life_domain="leren", kind="caw", status="agreed")

    _add_places(27, partner)
    many = _count_queries(client)
    many_filtered = _count_queries(client, municipality="46021", life_domain="leren", kind="caw", status="agreed")

    assert few == many
    assert few_filtered == many_filtered
    # session and user, the viewer's ties (not for a moderator), schools, locations, then
    # collaborations with partners, their locations and life domains; filters add one lookup each.
    assert many <= (2 if persona == "anonymous" else 9) and many_filtered <= many + 4


def test_the_moderators_map_holds_every_line_in_view(client, moderator, partner):
    _add_places(30, partner)
    client.force_login(moderator)

    collection = geojson(client)

    assert len(of_kind(collection, "school")) == 30
    assert len(lines(collection)) == 60
