"""The map page (/kaart/) and its list (/kaart/lijst/): settings, filters, tables, pagination."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bridge import map_data
from tests import factories

pytestmark = pytest.mark.django_db

INDEX = reverse("map:index")
LIST = reverse("map:list")


def public_organisation(organisation_name: str, **location):
    organisation = factories.OrganisationFactory(name=organisation_name)
    factories.OfferFactory(organisation=organisation)
    factories.LocationFactory(organisation=organisation, **location)
    return organisation


@pytest.fixture
def collaboration(school, organisation):
    factories.OfferFactory(organisation=organisation)
    factories.LocationFactory(organisation=organisation)
    return factories.CollaborationFactory(
        school=school, organisations=[organisation], title="Ouderkoffie op vrijdag", status="active"
    )


# --- the map page -------------------------------------------------------------------------------


@override_settings(MAP_TILE_URL="https://tegels.example.test/{z}/{x}/{y}.png", MAP_TILE_ATTRIBUTION="© Tegels")
def test_the_map_takes_its_tiles_from_the_settings(client):
    response = client.get(INDEX)

    assert response.status_code == 200
    assert 'data-tiles="https://tegels.example.test/{z}/{x}/{y}.png"' in response.text
    assert 'data-attribution="© Tegels"' in response.text


def test_the_map_uses_openstreetmap_when_no_tile_server_is_set(client, settings):
    for name in ("MAP_TILE_URL", "MAP_TILE_ATTRIBUTION"):
        if hasattr(settings, name):
            delattr(settings, name)

    response = client.get(INDEX)

    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in response.text
    assert response.context["tile_attribution"].startswith('© <a href="https://www.openstreetmap.org/copyright">')


def test_the_map_page_loads_leaflet_and_its_script_with_the_nonce_and_no_inline_code(client):
    response = client.get(INDEX)

    html = response.text
    for script in ("vendor/leaflet/leaflet.js", "vendor/leaflet.markercluster/leaflet.markercluster.js", "js/map.js"):
        assert f'src="/static/{script}" nonce="' in html
    assert 'style="' not in html
    assert " onclick=" not in html
    assert 'id="map-text" type="application/json"' in html


def test_the_map_has_a_name_a_skip_link_to_the_list_and_a_text_fallback(en_client):
    response = en_client.get(INDEX)

    html = response.text
    assert 'id="map" class="map-canvas" role="region" aria-label="Map of schools and welfare organisations"' in html
    assert '<a href="#map-list">Skip the map, go to the list</a>' in html
    assert 'id="map-list"' in html
    assert "The map needs JavaScript" in html


def test_the_map_starts_on_the_verified_schools(client, school):
    factories.SchoolFactory(latitude=51.21, longitude=4.26)

    response = client.get(INDEX)

    assert response.context["bounds"] == map_data.initial_bounds()
    assert f'data-bounds="{response.context["bounds"]}"' in response.text
    assert response.context["bounds"].east > 4.26


def test_the_map_starts_on_the_municipality_of_a_local_government(client, local_government, school):
    factories.SchoolFactory(latitude=51.5, longitude=4.9, municipality=factories.municipality("46025"))
    client.force_login(local_government)

    bounds = client.get(INDEX).context["bounds"]

    assert bounds.north < 51.5, "the school in Temse is outside the first view of Sint-Niklaas"
    assert bounds.south < school.latitude < bounds.north


def test_the_map_starts_on_the_chosen_municipality(client, school):
    factories.SchoolFactory(latitude=51.5, longitude=4.9, municipality=factories.municipality("46025"))

    bounds = client.get(INDEX, {"municipality": "46025"}).context["bounds"]

    assert bounds.south < 51.5 < bounds.north
    assert bounds.north - bounds.south < 0.1


def test_the_legend_names_each_mark_and_each_status_to_those_who_see_lines(en_client, school_coordinator):
    anonymous = en_client.get(INDEX).text
    assert "School (square)" in anonymous
    assert "Welfare organisation, one mark per location (round)" in anonymous
    assert "map-line-active" not in anonymous

    en_client.force_login(school_coordinator)
    signed_in = en_client.get(INDEX).text
    for status in ("proposed", "agreed", "active", "evaluated", "ended"):
        assert f"map-line map-line-{status}" in signed_in
    assert "Colour and dash pattern show the status" in signed_in


def test_the_status_filter_is_only_offered_to_those_who_see_collaborations(client, school_coordinator):
    assert "status" not in client.get(INDEX).context["form"].fields

    client.force_login(school_coordinator)
    assert "status" in client.get(INDEX).context["form"].fields


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_schools_and_organisation_locations_to_everyone(en_client, school):
    public_organisation("CAW Oost-Vlaanderen", name="Onthaal Sint-Niklaas")
    factories.SchoolFactory(name="Niet geverifieerd", verified_at=None)

    response = en_client.get(LIST)

    html = response.text
    assert response.status_code == 200
    assert school.name in html
    assert "CAW Oost-Vlaanderen" in html
    assert "Onthaal Sint-Niklaas" in html
    assert "Niet geverifieerd" not in html
    assert "Sign in to see the ones you take part in" in html


def test_anonymous_visitors_see_no_collaboration(client, collaboration):
    response = client.get(LIST)

    assert "Ouderkoffie op vrijdag" not in response.text
    assert "collaborations" not in response.context


def test_a_partner_sees_its_collaborations_with_title_and_link(client, welfare_worker, collaboration):
    client.force_login(welfare_worker)

    response = client.get(LIST)

    assert "Ouderkoffie op vrijdag" in response.text
    assert reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk}) in response.text


def test_a_local_government_sees_the_collaborations_of_its_municipality_without_titles(
    en_client, local_government, collaboration
):
    en_client.force_login(local_government)

    response = en_client.get(LIST)

    html = response.text
    assert "Ouderkoffie op vrijdag" not in html
    assert reverse("bridge:collaboration_detail", kwargs={"pk": collaboration.pk}) not in html
    assert "Only for the partners" in html
    assert [row for row in response.context["status_counts"] if row["count"]] == [
        {"status": "active", "label": "Active", "count": 1}
    ]


def test_the_list_links_a_school_only_for_those_who_may_open_its_page(client, school, school_coordinator):
    school_page = reverse("schools:detail", kwargs={"pk": school.pk})

    assert f'href="{school_page}"' not in client.get(LIST).text
    client.force_login(school_coordinator)
    assert f'href="{school_page}"' in client.get(LIST).text


def test_the_list_applies_the_filters(client):
    factories.SchoolFactory(name="School in Sint-Niklaas")
    factories.SchoolFactory(name="School in Temse", municipality=factories.municipality("46025"))

    response = client.get(LIST, {"municipality": "46025"})

    assert [s.name for s in response.context["schools"].page] == ["School in Temse"]


def test_a_bad_filter_is_explained_and_the_other_filters_still_apply(en_client):
    factories.SchoolFactory(name="School in Sint-Niklaas")
    factories.SchoolFactory(name="School in Temse", municipality=factories.municipality("46025"))

    response = en_client.get(LIST, {"municipality": "46025", "kind": "ruimtevaart"})

    assert response.status_code == 200
    assert "Some filters were not applied" in response.text
    assert 'href="#id_kind"' in response.text
    assert [s.name for s in response.context["schools"].page] == ["School in Temse"]


def test_each_table_has_its_own_pages(en_client):
    client = en_client
    for n in range(30):
        factories.SchoolFactory(name=f"School {n:02d}")
    public_organisation("Enige organisatie")

    first = client.get(LIST)
    second = client.get(LIST, {"schools_page": 2, "organisations_page": 1})

    assert len(first.context["schools"].page) == 25
    assert first.context["schools"].next_url == "?schools_page=2"
    assert [s.name for s in second.context["schools"].page] == [f"School {n}" for n in range(25, 30)]
    assert second.context["schools"].previous_url == "?schools_page=1&organisations_page=1"
    assert "Enige organisatie" in second.text
    assert '<nav class="pagination" aria-label="Pages of schools">' in first.text
    assert 'aria-label="Pages of organisations"' not in first.text, "one page of organisations: no page links"


def test_an_htmx_request_gets_only_the_tables(client, school):
    response = client.get(INDEX, {"municipality": "46021"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "<html" not in response.text
    assert school.name in response.text
    assert "HX-Request" in response["Vary"]


def test_choosing_a_municipality_tells_the_map_where_to_go(client, school):
    bounds = map_data.initial_bounds(municipality=school.municipality)

    chosen = client.get(INDEX, {"municipality": "46021"}, HTTP_HX_REQUEST="true")
    none_chosen = client.get(INDEX, HTTP_HX_REQUEST="true")

    assert f'<span hidden data-map-bounds="{bounds}"></span>' in chosen.text
    assert "data-map-bounds" not in none_chosen.text
    assert "data-map-bounds" not in client.get(LIST, {"municipality": "46021"}, HTTP_HX_REQUEST="true").text


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def _add(n: int, organisation) -> None:
    for _ in range(n):
        school = factories.SchoolFactory()
        factories.LocationFactory(organisation=organisation)
        collaboration = factories.CollaborationFactory(school=school, organisations=[organisation])
        collaboration.life_domains.set([factories.life_domain("leren")])


@pytest.mark.parametrize("persona", ["anonymous", "moderator", "local_government"])
def test_the_list_costs_the_same_queries_for_3_and_30_rows(request, client, organisation, persona):
    factories.OfferFactory(organisation=organisation)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    _add(3, organisation)
    few = _list_queries(client)

    _add(27, organisation)

    assert _list_queries(client) == few
