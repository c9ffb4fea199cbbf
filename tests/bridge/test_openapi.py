"""The API's OpenAPI document and docs page, and schemathesis holding the API to the document:
no 500, and every answer (status, content type, body, headers) as the document describes it."""

import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import URLPattern, reverse
from django.utils import translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema.validators import Draft202012Validator
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bridge import api_urls
from bridge.openapi import DOCUMENT
from portal.tokens import create_token
from tests import factories

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
WSGI_APP = WSGIHandler()
BASE_URL = "http://testserver/api/v1"  # a host Django accepts in tests


# --- the document ------------------------------------------------------------------------------------


def test_openapi_json_is_the_document_and_public(client):
    response = client.get(reverse("api:openapi"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == DOCUMENT


def test_document_is_valid_openapi_3_1():
    assert DOCUMENT["openapi"] == "3.1.0"
    schema = schemathesis.openapi.from_dict(DOCUMENT)
    schema.validate()  # against the OpenAPI 3.1 meta-schema; raises when it is not valid
    operations = [result.ok() for result in schema.get_all_operations()]
    assert sorted(op.label for op in operations) == ["GET /matches", "GET /needs/{id}/matches"]
    for definition in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(definition)  # raises SchemaError naming the problem


def test_every_api_address_is_in_the_document():
    """Each named API route, with its converters as {…}, has an entry under `paths`."""
    described = {re.sub(r"\{[^}]+\}", "{}", path) for path in DOCUMENT["paths"]}
    routes = [
        "/" + re.sub(r"<(?:\w+:)?\w+>", "{}", str(pattern.pattern))
        for pattern in api_urls.urlpatterns
        if isinstance(pattern, URLPattern) and pattern.name not in (None, "openapi", "docs")
    ]
    assert routes
    assert set(routes) <= described, set(routes) - described


def test_document_names_every_parameter_the_code_accepts():
    from bridge.api import MATCH_PARAMETERS, NEED_PARAMETERS

    def names(path):
        return {p["name"] for p in DOCUMENT["paths"][path]["get"]["parameters"] if p["in"] == "query"}

    assert names("/matches") == set(MATCH_PARAMETERS)
    assert names("/needs/{id}/matches") == set(NEED_PARAMETERS)


def test_docs_page_shows_each_endpoint_with_parameters_curl_and_token_link(client):
    with translation.override("en"):
        response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    assert "base.html" in [t.name for t in response.templates]
    page = response.content.decode()
    for path in ("/matches", "/needs/{id}/matches"):
        assert f"GET {path}" in page
    for parameter in ("school", "domains", "min_age", "max_age", "languages", "prefers", "limit"):
        assert f"<code>{parameter}</code>" in page
    assert "Authorization: Bearer $BRUGWIJZER_TOKEN" in page
    assert reverse("tokens:list") in page
    assert "invalid_parameter" in page
    assert reverse("api:openapi") in page


# --- schemathesis against the running app ---------------------------------------------------------------


@pytest.fixture
def wsgi_in_test_transaction():
    """Let the WSGI handler share the test's database connection, as Django's test client does:
    the request signals would otherwise close it in the middle of the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGI_APP
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(school_coordinator, school):
    """A school with a stored need and offers around it, and a token of an approved member."""
    factories.OfferFactory.create_batch(3)
    need = factories.FamilyNeedFactory(school=school)
    return {
        "school": school.institution_number,
        "need": need.pk,
        "headers": {"Authorization": f"Bearer {create_token(user=school_coordinator, name='Schemathesis')[1]}"},
    }


def _operation(label: str):
    return SCHEMA[label.split(" ", 1)[1]][label.split(" ", 1)[0]]


RUN = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_matches_answers_as_documented_for_generated_queries(api_world, wsgi_in_test_transaction):
    """Half the generated queries ask about the stored school, so 200s are checked as well as 400s."""

    @RUN
    @given(case=_operation("GET /matches").as_strategy(), known_school=st.booleans())
    def run(case, known_school):
        if known_school and case.query and "school" in case.query:
            case.query["school"] = api_world["school"]
        response = case.call(app=wsgi_in_test_transaction, base_url=BASE_URL, headers=api_world["headers"])
        event(f"status {response.status_code}")
        case.validate_response(response, checks=CHECKS, headers=api_world["headers"])

    run()


def test_need_matches_answers_as_documented_for_generated_requests(api_world, wsgi_in_test_transaction):
    @RUN
    @given(case=_operation("GET /needs/{id}/matches").as_strategy(), known_need=st.booleans())
    def run(case, known_need):
        if known_need:
            case.path_parameters["id"] = api_world["need"]
        response = case.call(app=wsgi_in_test_transaction, base_url=BASE_URL, headers=api_world["headers"])
        event(f"status {response.status_code}")
        case.validate_response(response, checks=CHECKS, headers=api_world["headers"])

    run()


@pytest.mark.parametrize("label", ["GET /matches", "GET /needs/{id}/matches"])
def test_requests_outside_the_document_answer_a_documented_4xx_never_a_500(label, api_world, wsgi_in_test_transaction):
    """schemathesis's negative mode: parameters of the wrong type, out of range, not matching."""

    @settings(RUN, max_examples=20)
    @given(case=_operation(label).as_strategy(generation_mode=GenerationMode.NEGATIVE))
    def run(case):
        response = case.call(app=wsgi_in_test_transaction, base_url=BASE_URL, headers=api_world["headers"])
        event(f"status {response.status_code}")
        case.validate_response(response, checks=CHECKS, headers=api_world["headers"])
        assert response.status_code < 500

    run()


def test_a_200_with_results_of_every_shape_matches_the_document(api_world, wsgi_in_test_transaction):
    location = factories.LocationFactory(latitude=51.17, longitude=4.14)
    located = factories.OfferFactory(organisation=location.organisation, external_id="hsds-offer-1")
    located.locations.add(location)
    case = _operation("GET /matches").Case(query={"school": api_world["school"], "domains": "leren", "limit": 50})
    response = case.call(app=wsgi_in_test_transaction, base_url=BASE_URL, headers=api_world["headers"])

    assert response.status_code == 200
    results = response.json()["results"]
    assert {result["external_id"] for result in results} >= {"hsds-offer-1", None}
    assert {type(result["distance_km"]) for result in results} >= {float, type(None)}
    case.validate_response(response, checks=CHECKS, headers=api_world["headers"])


@pytest.mark.parametrize("need_id", [0, 2**31, 2**63, 10**30])
def test_need_ids_beyond_the_database_range_answer_a_documented_404(need_id, api_world, wsgi_in_test_transaction):
    case = _operation("GET /needs/{id}/matches").Case(path_parameters={"id": need_id})
    response = case.call(app=wsgi_in_test_transaction, base_url=BASE_URL, headers=api_world["headers"])

    assert response.status_code == 404
    case.validate_response(response, checks=CHECKS, headers=api_world["headers"])


def test_matches_without_credentials_answers_a_documented_401(wsgi_in_test_transaction, school):
    case = _operation("GET /matches").Case(query={"school": school.institution_number})
    response = case.call(app=wsgi_in_test_transaction, base_url=BASE_URL)

    assert response.status_code == 401
    case.validate_response(response, checks=CHECKS)


def test_matches_for_a_user_without_an_approved_place_answers_a_documented_403(wsgi_in_test_transaction, school):
    pending = factories.member_of(school=school, role="admin", status="pending", email="pending@school.test")
    headers = {"Authorization": f"Bearer {create_token(user=pending, name='Script')[1]}"}
    case = _operation("GET /matches").Case(query={"school": school.institution_number})
    response = case.call(app=wsgi_in_test_transaction, base_url=BASE_URL, headers=headers)

    assert response.status_code == 403
    case.validate_response(response, checks=CHECKS, headers=headers)


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_answer_a_json_405_in_the_documented_error_shape(client, api_world, method):
    response = getattr(client, method)(reverse("api:matches"), headers=api_world["headers"])

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    Draft202012Validator(DOCUMENT["components"]["schemas"]["Error"]).validate(response.json())
