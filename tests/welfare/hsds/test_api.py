"""The read-only HSDS API: HSDS pages and records that validate against the official schemas,
filters, strict parameters with JSON errors, 404 for unknown ids, flat query counts, and never
a server error whatever the query string."""

import json
from datetime import timedelta
from urllib.parse import urlencode

import jsonschema
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests import factories
from tests.welfare.hsds import BRUSSEL, directory
from welfare import hsds, hsds_api
from welfare.models import Offer

pytestmark = pytest.mark.django_db

SERVICES = reverse("hsds:services")
ORGANIZATIONS = reverse("hsds:organizations")
TERMS = reverse("hsds:taxonomy_terms")
PAGE_KEYS = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return directory()


def get(url: str, **params) -> tuple[int, dict]:
    response = Client().get(url, params)
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.status_code, response.json()


def ok(url: str, **params) -> dict:
    status, body = get(url, **params)
    assert status == 200, body
    return body


def names(page: dict) -> list[str]:
    return [item["name"] for item in page["contents"]]


def schema_errors(data, name: str) -> list[str]:
    """Problems of `data` with an HSDS schema in welfare/hsds_spec/schema/ (compiled or plain)."""
    folder = hsds.SPEC_DIR / "schema"
    if name in ("taxonomy_term", "taxonomy"):
        registry = Registry().with_resources(
            (ref, Resource.from_contents(json.loads((folder / ref).read_text()), default_specification=DRAFT202012))
            for ref in ("taxonomy.json", "metadata.json")
        )
        schema = json.loads((folder / f"{name}.json").read_text())
    else:
        registry = Registry()
        schema = json.loads((folder / "compiled" / f"{name}.json").read_text())
    validator = jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [error.message for error in validator.iter_errors(data)]


# --- what the API answers ------------------------------------------------------------------------


def test_the_root_says_which_hsds_version_and_openapi_description_it_follows():
    assert ok(reverse("hsds:root")) == {"version": "3.0", "openapi_url": hsds.OPENAPI_URL}


def test_services_are_a_page_of_list_records_that_validate(world):
    page = ok(SERVICES)
    assert list(page) == PAGE_KEYS
    assert names(page) == ["Budgetbegeleiding", "Huiswerkklas", "Ontbijt"]
    for item in page["contents"]:
        assert schema_errors(item, "service_list") == []
        assert "attributes" not in item and "organization" in item


def test_full_services_are_the_export_records(world):
    page = ok(SERVICES, full="true")
    assert page["contents"] == sorted(hsds.export_services(), key=lambda s: s["name"])
    for item in page["contents"]:
        assert schema_errors(item, "service") == []


def test_services_are_paginated(world):
    first = ok(SERVICES, per_page=2)
    assert {k: first[k] for k in PAGE_KEYS[:-1]} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    second = ok(SERVICES, per_page=2, page=2)
    assert (second["size"], second["first_page"], second["last_page"]) == (1, False, True)
    assert names(first) + names(second) == ["Budgetbegeleiding", "Huiswerkklas", "Ontbijt"]


def test_an_empty_result_is_one_empty_page():
    page = ok(SERVICES)
    assert {k: page[k] for k in PAGE_KEYS} == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


def test_one_service_by_its_hsds_id(world):
    offer = world["homework"]
    assert ok(reverse("hsds:service", kwargs={"id": hsds.hsds_id(offer)}))["name"] == "Huiswerkklas"
    imported = factories.OfferFactory(external_id="5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a00f")
    by_external_id = ok(reverse("hsds:service", kwargs={"id": "5B0E5A4E-8C1F-4F39-9D55-0C5BB0C1A00F"}))
    assert by_external_id["id"] == hsds.hsds_id(imported)


@pytest.mark.parametrize("which", ["inactive", "unverified"])
def test_a_service_the_directory_does_not_show_is_404(world, which):
    status, body = get(reverse("hsds:service", kwargs={"id": hsds.hsds_id(world[which])}))
    assert status == 404 and body["error"]["code"] == "not_found"


@pytest.mark.parametrize("name", ["service", "organization", "taxonomy", "taxonomy_term"])
@pytest.mark.parametrize("id", ["5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a0ff", "not-a-uuid"])
def test_an_unknown_id_is_404(world, name, id):
    status, body = get(reverse(f"hsds:{name}", kwargs={"id": id}))
    assert status == 404 and body["error"]["code"] == "not_found"


def test_organizations_are_verified_organisations(world):
    page = ok(ORGANIZATIONS)
    assert names(page) == ["CAW Proefstad", "Inloopteam Brussel"]
    for item in page["contents"]:
        assert schema_errors(item, "organization_list") == []


def test_full_organizations_nest_locations_and_services(world):
    caw = ok(ORGANIZATIONS, full="true")["contents"][0]
    assert schema_errors(caw, "organization") == []
    assert sorted(service["name"] for service in caw["services"]) == ["Budgetbegeleiding", "Huiswerkklas"]
    assert "attributes" not in caw["services"][0] and "organization" not in caw["services"][0]
    assert len(caw["locations"]) == 2


def test_one_organization_with_fully_nested_services(world):
    url = reverse("hsds:organization", kwargs={"id": hsds.hsds_id(world["caw"])})
    caw = ok(url, full_service="true")
    assert schema_errors(caw, "organization") == []
    assert caw["organization_identifiers"][0]["identifier"] == world["caw"].kbo_number
    assert {service["name"]: len(service["attributes"]) for service in caw["services"]} == {
        "Budgetbegeleiding": 4,
        "Huiswerkklas": 6,
    }
    plain = ok(url)["services"]
    assert [service["name"] for service in plain] == ["Budgetbegeleiding", "Huiswerkklas"]
    assert plain[0]["id"] == hsds.hsds_id(world["budget"]) and "attributes" not in plain[0]


def test_an_organisation_that_is_not_verified_is_404(world):
    unverified = world["unverified"].organisation
    status, _body = get(reverse("hsds:organization", kwargs={"id": hsds.hsds_id(unverified)}))
    assert status == 404


def test_taxonomy_terms_list_every_term_with_its_taxonomy(world):
    page = ok(TERMS, per_page=100)
    assert page["total_items"] == 15 + 5 + 3 + 3 + 16
    for term in page["contents"]:
        assert schema_errors(term, "taxonomy_term") == []
    leren = ok(reverse("hsds:taxonomy_term", kwargs={"id": hsds.term_id("brugwijzer-levensdomeinen", "leren")}))
    assert leren["taxonomy_detail"]["name"] == "brugwijzer-levensdomeinen"


def test_taxonomy_terms_filter_by_taxonomy_and_search():
    access = ok(TERMS, taxonomy_id=hsds.taxonomy_id("brugwijzer-toegang"))
    assert [term["code"] for term in access["contents"]] == [
        "walk-in",
        "appointment",
        "outreach",
        "at-school",
        "online",
    ]
    assert [term["code"] for term in ok(TERMS, search="wachtlijst")["contents"]] == ["waiting-list"]
    assert ok(TERMS, parent_id="5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a0ff")["empty"] is True


def test_taxonomies_are_brugwijzers_five():
    page = ok(reverse("hsds:taxonomies"))
    assert [taxonomy["name"] for taxonomy in page["contents"]] == list(hsds.TAXONOMIES)
    one = ok(reverse("hsds:taxonomy", kwargs={"id": hsds.taxonomy_id("brugwijzer-kost")}))
    assert one["name"] == "brugwijzer-kost"


# --- filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("taxonomy", "code", "expected"),
    [
        ("brugwijzer-levensdomeinen", "leren", ["Huiswerkklas"]),
        ("brugwijzer-toegang", "outreach", ["Ontbijt"]),
        ("brugwijzer-capaciteit", "full", ["Budgetbegeleiding"]),
        ("brugwijzer-kost", "free", ["Ontbijt"]),
        ("brugwijzer-organisatietype", "caw", ["Budgetbegeleiding", "Huiswerkklas"]),
    ],
)
def test_services_filter_by_taxonomy_term(world, taxonomy, code, expected):
    assert names(ok(SERVICES, taxonomy_term_id=hsds.term_id(taxonomy, code))) == expected


def test_an_unknown_taxonomy_term_or_taxonomy_finds_nothing(world):
    assert ok(SERVICES, taxonomy_term_id="5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a0ff")["empty"] is True
    assert ok(SERVICES, taxonomy_id="5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a0ff")["empty"] is True
    assert ok(SERVICES, taxonomy_id=hsds.taxonomy_id("brugwijzer-kost"))["total_items"] == 3


def test_services_filter_by_postcode_of_a_location_or_the_service_area(world):
    # Huiswerkklas: a location in 9100 and Temse (9140) in its area; Budgetbegeleiding serves
    # Sint-Niklaas (9100, 9111, 9112); Ontbijt is in Brussels (1000).
    assert names(ok(SERVICES, postcode="9140")) == ["Huiswerkklas"]
    assert names(ok(SERVICES, postcode="9111")) == ["Budgetbegeleiding", "Huiswerkklas"]
    assert names(ok(SERVICES, postcode="1000")) == ["Ontbijt"]
    assert ok(SERVICES, postcode="3000")["empty"] is True


def test_services_filter_by_organization(world):
    assert names(ok(SERVICES, organization_id=hsds.hsds_id(world["inloop"]))) == ["Ontbijt"]
    assert ok(SERVICES, organization_id="5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a0ff")["empty"] is True


def test_services_filter_by_modified_after(world):
    Offer.objects.exclude(pk=world["budget"].pk).update(updated_at=timezone.now() - timedelta(days=30))
    since = timezone.now() - timedelta(days=1)
    assert names(ok(SERVICES, modified_after=since.isoformat())) == ["Budgetbegeleiding"]
    assert names(ok(SERVICES, modified_after=since.date().isoformat())) == ["Budgetbegeleiding"]
    assert ok(SERVICES, modified_after="2000-01-01T00:00:00Z")["total_items"] == 3


def test_services_search_in_names_descriptions_and_organisations(world):
    assert names(ok(SERVICES, search="budget")) == ["Budgetbegeleiding"]
    assert names(ok(SERVICES, search="inloopteam")) == ["Ontbijt"]


def test_filters_combine(world):
    area = ok(SERVICES, postcode="1000", taxonomy_term_id=hsds.term_id("brugwijzer-kost", "free"), full="1")
    assert names(area) == ["Ontbijt"]
    assert area["contents"][0]["service_areas"][0]["uri"].endswith(BRUSSEL)


# --- strict parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        (SERVICES, {"colour": "red"}, "colour"),
        (SERVICES, {"page": "0"}, "page"),
        (SERVICES, {"page": "2"}, "page"),
        (SERVICES, {"page": "x"}, "page"),
        (SERVICES, {"per_page": "101"}, "per_page"),
        (SERVICES, {"full": "maybe"}, "full"),
        (SERVICES, {"taxonomy_term_id": "leren"}, "taxonomy_term_id"),
        (SERVICES, {"organization_id": "12"}, "organization_id"),
        (SERVICES, {"postcode": "91000"}, "postcode"),
        (SERVICES, {"modified_after": "yesterday"}, "modified_after"),
        (SERVICES, {"modified_after": "2025-13-01"}, "modified_after"),
        (SERVICES, {"format": "ndjson"}, "format"),
        (SERVICES, {"search": "x" * 201}, "search"),
        (SERVICES, {"search": "a\x00b"}, "search"),
        (ORGANIZATIONS, {"postcode": "9100"}, "postcode"),
        (TERMS, {"top_only": "perhaps"}, "top_only"),
    ],
)
def test_a_bad_parameter_is_400_naming_it(world, url, params, parameter):
    status, body = get(url, **params)
    assert status == 400
    assert body["error"]["parameter"] == parameter and body["error"]["message"]


def test_a_repeated_parameter_is_400(world):
    response = Client().get(f"{SERVICES}?page=1&page=2", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "repeated_parameter",
        "parameter": "page",
        "message": "Give page only once.",
    }


def test_other_addresses_under_the_api_answer_json_404():
    status, body = get("/api/hsds/services/a/b")
    assert status == 404 and body["error"]["code"] == "not_found"


def test_post_is_405_with_allow():
    response = Client().post(SERVICES)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


# --- performance and robustness ------------------------------------------------------------------


def add_offers(count: int) -> None:
    organisation = factories.OrganisationFactory()
    for _ in range(count):
        offer = factories.OfferFactory(organisation=organisation)
        offer.locations.add(factories.LocationFactory(organisation=organisation))


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (SERVICES, {"per_page": 100}),
        (SERVICES, {"per_page": 100, "full": "true"}),
        (SERVICES, {"per_page": 100, "taxonomy_term_id": hsds.term_id("brugwijzer-levensdomeinen", "leren")}),
        (ORGANIZATIONS, {"per_page": 100, "full": "true"}),
        (ORGANIZATIONS, {"per_page": 100, "full_service": "true"}),
        (TERMS, {"per_page": 100}),
    ],
)
def test_query_counts_do_not_grow_with_the_data(url, params):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(url, params).status_code == 200
        return len(captured)

    add_offers(3)
    few = queries()
    add_offers(27)
    assert queries() == few


PARAMETER_NAMES = sorted(
    {*hsds_api.SERVICE_PARAMETERS, *hsds_api.ORGANIZATION_PARAMETERS, *hsds_api.TERM_PARAMETERS, "x"}
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
VALUES = st.one_of(
    TEXT,
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["true", "0", "2025-02-30", "2025-01-01T25:00", "0001-01-01T00:00:00+14:00", "9100"]),
    st.uuids().map(str),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    url=st.sampled_from([SERVICES, ORGANIZATIONS, TERMS, reverse("hsds:taxonomies")]),
    params=st.dictionaries(st.one_of(st.sampled_from(PARAMETER_NAMES), TEXT), VALUES, max_size=4),
)
def test_no_query_string_makes_a_server_error(world, url, params):
    response = Client().get(f"{url}?{urlencode(params)}")
    assert response.status_code in (200, 400), (params, response.content[:300])
    assert response["Content-Type"] == "application/json"
