"""The JSON API: suggestions for a described need and for a stored need, tokens and sessions,
strict parameters, JSON errors, flat query counts."""

import datetime
from urllib.parse import quote, urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bridge.api import MATCH_PARAMETERS, PREFERENCES, RESULT_KEYS
from portal.models import ApiToken
from portal.tokens import create_token, revoke_token
from tests import factories

pytestmark = pytest.mark.django_db

SINT_NIKLAAS, LOKEREN = "46021", "46029"
NEAR = (51.1700, 4.1400)  # about 0.5 km from the SchoolFactory's school
FAR = (51.1040, 3.9915)  # about 12 km, in Lokeren
MATCHES = reverse("api:matches")


def need_matches_url(need) -> str:
    return reverse("api:need_matches", kwargs={"need_id": need.pk})


def located_offer(point, *, name: str, area_nis=(SINT_NIKLAAS,), **fields):
    location = factories.LocationFactory(latitude=point[0], longitude=point[1])
    offer = factories.OfferFactory(
        organisation=location.organisation,
        name=name,
        service_area=[factories.municipality(nis) for nis in area_nis],
        **fields,
    )
    offer.locations.add(location)
    return offer


@pytest.fixture
def world(school):
    """Two homework offers serving the school's municipality: one around the corner, one in Lokeren."""
    near = located_offer(NEAR, name="Huiswerkklas om de hoek", external_id="hsds-offer-1")
    far = located_offer(FAR, name="Huiswerkklas in Lokeren")
    return {"school": school, "near": near, "far": far}


def get(client, url=MATCHES, *, headers=None, **params):
    response = client.get(url, params, headers=headers)
    assert response["Content-Type"] == "application/json", response.content
    return response


def token_for(user) -> str:
    return create_token(user=user, name="Script")[1]


def bearer(raw: str) -> dict:
    return {"headers": {"Authorization": f"Bearer {raw}"}}


# --- answers -----------------------------------------------------------------------------------------


def test_matches_answers_the_suggestions_best_first_in_the_documented_shape(client, world, welfare_worker):
    client.force_login(welfare_worker)

    response = get(client, school=world["school"].institution_number, domains="leren")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"results", "gap", "count", "total", "school"}
    assert data["school"] == {"institution_number": world["school"].institution_number, "name": world["school"].name}
    assert (data["count"], data["total"], data["gap"]) == (2, 2, False)
    near, far = data["results"]
    assert [list(entry) for entry in data["results"]] == [list(RESULT_KEYS)] * 2
    assert near["offer_id"] == world["near"].pk
    assert near["external_id"] == "hsds-offer-1"
    assert near["offer"] == "Huiswerkklas om de hoek"
    assert near["organisation"] == world["near"].organisation.name
    assert isinstance(near["score"], float) and 0 < near["score"] <= 1
    assert round(near["score"], 3) == near["score"]
    assert near["distance_km"] == pytest.approx(0.5, abs=0.2)
    assert near["weak"] is False
    assert "Werkt in Sint-Niklaas" in near["reasons"]
    assert "Helpt bij: Leren en school" in near["reasons"]
    assert far["offer_id"] == world["far"].pk
    assert far["external_id"] is None
    assert far["distance_km"] == pytest.approx(12, abs=1.5)
    assert near["score"] > far["score"]


def test_without_domains_every_life_domain_is_considered(client, world, welfare_worker):
    housing = located_offer(NEAR, name="Woonbegeleiding", life_domains=[factories.life_domain("wonen")])
    client.force_login(welfare_worker)

    data = get(client, school=world["school"].institution_number).json()

    assert {entry["offer_id"] for entry in data["results"]} == {world["near"].pk, world["far"].pk, housing.pk}


def test_limit_cuts_the_list_and_total_counts_them_all(client, world, welfare_worker):
    client.force_login(welfare_worker)

    data = get(client, school=world["school"].institution_number, limit="1").json()

    assert [entry["offer_id"] for entry in data["results"]] == [world["near"].pk]
    assert (data["count"], data["total"]) == (1, 2)


def test_the_default_limit_is_ten(client, school, welfare_worker):
    for n in range(12):
        located_offer(NEAR, name=f"Aanbod {n}")
    client.force_login(welfare_worker)

    data = get(client, school=school.institution_number).json()

    assert (data["count"], data["total"]) == (10, 12)


def test_preferences_and_languages_weigh_in(client, school, welfare_worker):
    at_school = located_offer(
        FAR, name="Op school, in het Arabisch", access_at_school=True, languages=[factories.language("ar")]
    )
    walk_in = located_offer(FAR, name="Inloop", cost="paid")
    client.force_login(welfare_worker)

    data = get(
        client, school=school.institution_number, domains="leren", languages="ar", prefers="at-school,free"
    ).json()

    first, second = data["results"]
    assert first["offer_id"] == at_school.pk
    assert "Op school" in first["reasons"] and "Ook in het Arabisch" in first["reasons"]
    assert second["offer_id"] == walk_in.pk
    assert {"Geen Arabisch", "Niet op school", "Betalend"} <= set(second["reasons"])


def test_ages_outside_the_offers_range_make_it_weak_and_the_need_a_gap(client, school, welfare_worker):
    located_offer(NEAR, name="Voor kleuters", age_min=3, age_max=5)
    client.force_login(welfare_worker)

    data = get(client, school=school.institution_number, min_age="10", max_age="12").json()

    assert data["gap"] is True
    assert data["results"][0]["weak"] is True
    assert "Voor kinderen van 3–5 jaar" in data["results"][0]["reasons"]


def test_nothing_suitable_answers_an_empty_list_and_a_gap(client, school, welfare_worker):
    client.force_login(welfare_worker)

    data = get(client, school=school.institution_number, domains="mobiliteit").json()

    assert data == {
        "results": [],
        "gap": True,
        "count": 0,
        "total": 0,
        "school": {"institution_number": school.institution_number, "name": school.name},
    }


def test_values_are_read_leniently_where_nothing_can_go_wrong(client, world, welfare_worker):
    """Blanks, upper case, repeats within a list and empty optional parameters are accepted."""
    client.force_login(welfare_worker)
    query = f"school=+{world['school'].institution_number}+&domains=Leren,,leren+&languages=&min_age=&limit="

    response = client.get(f"{MATCHES}?{query}")

    assert response.status_code == 200, response.json()
    assert response.json()["count"] == 2


def test_partnership_counts_only_for_users_who_may_read_the_schools_needs(
    client, world, school_coordinator, welfare_worker
):
    factories.CollaborationFactory(school=world["school"], organisations=[world["far"].organisation])
    params = {"school": world["school"].institution_number}

    client.force_login(school_coordinator)
    own = {entry["offer_id"]: entry for entry in get(client, **params).json()["results"]}
    client.force_login(welfare_worker)
    other = {entry["offer_id"]: entry for entry in get(client, **params).json()["results"]}

    assert "Werkt al samen met deze school" in own[world["far"].pk]["reasons"]
    assert "Werkt al samen met deze school" not in other[world["far"].pk]["reasons"]
    assert own[world["far"].pk]["score"] > other[world["far"].pk]["score"]


# --- bad parameters -------------------------------------------------------------------------------------

BAD_QUERIES = [
    ("", "school", "missing_parameter"),
    ("school=", "school", "missing_parameter"),
    ("school=12345", "school", "invalid_parameter"),
    ("school=1234567", "school", "invalid_parameter"),
    ("school=abcdef", "school", "invalid_parameter"),
    ("school=999999", "school", "unknown_value"),
    ("school={school}&domains=leren,zwemmen", "domains", "unknown_value"),
    ("school={school}&min_age=zes", "min_age", "invalid_parameter"),
    ("school={school}&min_age=-1", "min_age", "invalid_parameter"),
    ("school={school}&min_age=26", "min_age", "invalid_parameter"),
    ("school={school}&max_age=6.5", "max_age", "invalid_parameter"),
    ("school={school}&min_age=10&max_age=6", "max_age", "invalid_parameter"),
    ("school={school}&languages=nl,xx", "languages", "unknown_value"),
    ("school={school}&languages=dutch", "languages", "unknown_value"),
    ("school={school}&prefers=cheap", "prefers", "unknown_value"),
    ("school={school}&prefers=free,at_school", "prefers", "unknown_value"),
    ("school={school}&limit=0", "limit", "invalid_parameter"),
    ("school={school}&limit=51", "limit", "invalid_parameter"),
    ("school={school}&limit=ten", "limit", "invalid_parameter"),
    ("school={school}&radius=5", "radius", "unknown_parameter"),
    ("school={school}&domains=leren&domains=taal", "domains", "repeated_parameter"),
    ("school={school}&school={school}", "school", "repeated_parameter"),
]


@pytest.mark.parametrize(("query", "parameter", "code"), BAD_QUERIES)
def test_a_bad_parameter_answers_400_naming_it(client, school, welfare_worker, query, parameter, code):
    client.force_login(welfare_worker)

    response = client.get(f"{MATCHES}?{query.format(school=school.institution_number)}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert (error["parameter"], error["code"]) == (parameter, code)
    assert error["message"]


def test_the_error_message_names_the_unknown_value_and_what_is_allowed(en_client, school, welfare_worker):
    en_client.force_login(welfare_worker)

    error = get(en_client, school=school.institution_number, domains="leren,zwemmen").json()["error"]

    assert "'zwemmen'" in error["message"] and "vrije-tijd" in error["message"]


def test_a_declined_school_registration_is_no_school(client, welfare_worker):
    declined = factories.SchoolFactory(verified_at=None, declined_at=timezone.now())
    client.force_login(welfare_worker)

    error = get(client, school=declined.institution_number).json()["error"]

    assert (error["parameter"], error["code"]) == ("school", "unknown_value")


def test_every_documented_preference_is_accepted(client, school, welfare_worker):
    client.force_login(welfare_worker)

    response = get(client, school=school.institution_number, prefers=",".join(PREFERENCES))

    assert response.status_code == 200


def query_parameter_names():
    return st.one_of(st.sampled_from(MATCH_PARAMETERS), st.text(max_size=8))


def query_values():
    plausible = st.sampled_from(
        ["", "123456", "100000", "leren", "leren,taal", "nl,ar", "free,walk-in", "0", "25", "50", "-1", "1e3", ","]
    )
    return st.one_of(plausible, st.text(max_size=30), st.integers(-(10**20), 10**20).map(str))


def mostly_valid(values):
    """A list of known values, now and then with something odd in it, joined by commas."""
    odd = st.one_of(st.text(max_size=6), st.just(""), st.just(" "))
    return st.lists(st.one_of(st.sampled_from(values), odd), max_size=4).map(",".join)


def ages():
    return st.one_of(st.integers(0, 25).map(str), st.integers(-5, 40).map(str), st.text(max_size=4))


def plausible_queries():
    """Queries for the known school with every parameter near its valid range."""
    return st.fixed_dictionaries(
        {"school": st.just("123456")},
        optional={
            "domains": mostly_valid(["leren", "taal", "wonen", "inkomen", "vrije-tijd"]),
            "min_age": ages(),
            "max_age": ages(),
            "languages": mostly_valid(["nl", "ar", "fr", "tr", "en"]),
            "prefers": mostly_valid(list(PREFERENCES)),
            "limit": st.one_of(st.integers(0, 60).map(str), st.text(max_size=3)),
        },
    ).map(urlencode)


def raw_query_strings():
    """Query strings as a client could send them: well-formed ones with odd values, and raw bytes."""
    encoded = st.lists(st.tuples(query_parameter_names(), query_values()), max_size=8).map(
        lambda pairs: urlencode(pairs)
    )
    raw = st.binary(max_size=80).map(lambda data: quote(data, safe="=&%,+").encode().decode("latin-1"))
    garbled = st.text(alphabet=st.sampled_from("=&%,+;0123456789abcxyz\x00é"), max_size=40)
    return st.one_of(encoded, plausible_queries(), raw, garbled)


@pytest.fixture
def known_school(world):
    return factories.SchoolFactory(institution_number="123456")


# The fixtures run once for all examples; the examples only read, so they share the database.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=raw_query_strings())
def test_no_query_string_breaks_matches(client, known_school, welfare_worker, query):
    """Whatever the query string, the answer is 200 or 400, in JSON."""
    client.force_login(welfare_worker)

    response = client.get(MATCHES, QUERY_STRING=query)

    assert response.status_code in {200, 400}, (query, response.content)
    event(f"status {response.status_code}")
    body = response.json()
    if response.status_code == 200:
        assert set(body) == {"results", "gap", "count", "total", "school"}
    else:
        assert body["error"]["code"] and body["error"]["message"]


# --- authentication -----------------------------------------------------------------------------------


def test_anonymous_gets_401_in_json_with_a_bearer_challenge(client, school):
    response = get(client, school=school.institution_number)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_valid_token_authenticates_and_is_marked_as_used(world, welfare_worker):
    raw = token_for(welfare_worker)

    response = get(Client(), school=world["school"].institution_number, **bearer(raw))

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert ApiToken.objects.get().last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(school, welfare_worker):
    raw = token_for(welfare_worker)
    token = ApiToken.objects.get()
    recently = timezone.now() - datetime.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recently)

    get(Client(), school=school.institution_number, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == recently

    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    get(Client(), school=school.institution_number, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at > long_ago


@pytest.mark.parametrize(
    "header",
    [
        "Bearer bw_thisisnotarealtokenatallthisisnotarealtoken",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNzd29yZA==",
        "Token bw_abc",
        "Bearer bw_\x00abc",
    ],
)
def test_an_invalid_token_gets_401(school, welfare_worker, header):
    token_for(welfare_worker)

    response = get(Client(), school=school.institution_number, headers={"Authorization": header})

    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_revoked_token_gets_401(school, welfare_worker):
    token, raw = create_token(user=welfare_worker, name="Script")
    revoke_token(token=token, by=welfare_worker)

    response = get(Client(), school=school.institution_number, **bearer(raw))

    assert response.status_code == 401


def test_the_token_of_a_deactivated_user_gets_401(school, welfare_worker):
    raw = token_for(welfare_worker)
    welfare_worker.is_active = False
    welfare_worker.save(update_fields=["is_active"])

    assert get(Client(), school=school.institution_number, **bearer(raw)).status_code == 401


def test_a_token_in_the_header_decides_even_with_a_session(client, school, welfare_worker):
    client.force_login(welfare_worker)

    response = get(client, school=school.institution_number, headers={"Authorization": "Bearer bw_wrong"})

    assert response.status_code == 401


def test_the_bearer_scheme_is_case_insensitive(school, welfare_worker):
    raw = token_for(welfare_worker)

    response = get(Client(), school=school.institution_number, headers={"Authorization": f"bearer {raw}"})

    assert response.status_code == 200


def test_a_token_acts_as_its_user(school):
    """A token of a pending member is refused like the member's session would be."""
    pending = factories.member_of(school=school, status="pending", email="pending@school.test")
    raw = token_for(pending)

    assert get(Client(), school=school.institution_number, **bearer(raw)).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_is_allowed(method, school, welfare_worker):
    """Also without a CSRF token: the API answers 405 in JSON before anything else."""
    raw = token_for(welfare_worker)
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(MATCHES, **bearer(raw))

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_answers_are_not_cached_and_vary_on_the_credentials(client, school, welfare_worker):
    client.force_login(welfare_worker)

    response = get(client, school=school.institution_number)

    assert "no-store" in response["Cache-Control"]
    assert "Authorization" in response["Vary"] and "Cookie" in response["Vary"]


def test_an_unknown_address_under_the_api_answers_json_404(client):
    for path in ("/api/v1/", "/api/v1/matches/", "/api/v1/needs/abc/matches", "/api/v1/offers"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"


# --- who may ask ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["school_coordinator", "welfare_worker", "clb_broker", "bridge_figure", "local_government", "moderator"]
)
def test_professionals_with_a_place_may_ask_for_matches(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert get(client, school=world["school"].institution_number).status_code == 200


def test_users_without_an_approved_place_may_not_ask_for_matches(client, school):
    for user in (
        factories.UserFactory(email="nobody@elders.test"),
        factories.member_of(organisation=factories.OrganisationFactory(), status="pending"),
        factories.member_of(school=school, status="declined"),
    ):
        client.force_login(user)
        response = get(client, school=school.institution_number)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"


# --- a stored need ---------------------------------------------------------------------------------------


@pytest.fixture
def need(world):
    need = factories.FamilyNeedFactory(school=world["school"], title="Huiswerkhulp", age_min=6, age_max=12)
    need.home_languages.set([factories.language("ar")])
    return need


@pytest.fixture
def serving_clb_staff(school, clb_broker):
    factories.CLBSchoolFactory(clb=clb_broker.memberships.get().clb, school=school)
    return clb_broker


def test_a_school_member_gets_the_suggestions_for_the_schools_need(client, world, need, school_coordinator):
    client.force_login(school_coordinator)

    response = get(client, need_matches_url(need))

    assert response.status_code == 200
    data = response.json()
    assert data["need"] == {"id": need.pk, "title": "Huiswerkhulp", "status": "open"}
    assert data["school"]["institution_number"] == world["school"].institution_number
    assert [entry["offer_id"] for entry in data["results"]] == [world["near"].pk, world["far"].pk]
    assert "Geen Arabisch" in data["results"][0]["reasons"]
    assert [list(entry) for entry in data["results"]] == [list(RESULT_KEYS)] * 2


@pytest.mark.parametrize("persona", ["serving_clb_staff", "bridge_figure", "moderator"])
def test_brokers_of_the_school_and_moderators_get_the_suggestions_too(client, need, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert get(client, need_matches_url(need)).status_code == 200


def test_a_token_works_for_a_stored_need(need, school_coordinator):
    raw = token_for(school_coordinator)

    assert get(Client(), need_matches_url(need), **bearer(raw)).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "welfare_worker", "clb_broker", "local_government"])
def test_who_may_not_read_the_need_gets_404(client, need, persona, request):
    client.force_login(request.getfixturevalue(persona))

    response = get(client, need_matches_url(need))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_pending_member_of_the_school_gets_404(client, school, need):
    client.force_login(factories.member_of(school=school, status="pending"))

    assert get(client, need_matches_url(need)).status_code == 404


def test_anonymous_gets_401_for_a_stored_need(client, need):
    assert get(client, need_matches_url(need)).status_code == 401


@pytest.mark.parametrize("need_id", [999999, 2**63, 10**30])
def test_a_need_that_does_not_exist_gets_404(client, moderator, need_id):
    client.force_login(moderator)

    response = get(client, reverse("api:need_matches", kwargs={"need_id": need_id}))

    assert response.status_code == 404


def test_the_stored_need_takes_a_limit_and_nothing_else(client, need, school_coordinator):
    client.force_login(school_coordinator)

    assert get(client, need_matches_url(need), limit="1").json()["count"] == 1
    error = get(client, need_matches_url(need), domains="wonen").json()["error"]
    assert (error["parameter"], error["code"]) == ("domains", "unknown_parameter")
    error = get(client, need_matches_url(need), limit="100").json()["error"]
    assert error["parameter"] == "limit"


def test_an_addressed_need_still_answers_with_its_status(client, school, school_coordinator):
    need = factories.FamilyNeedFactory(school=school, status="addressed")
    client.force_login(school_coordinator)

    assert get(client, need_matches_url(need)).json()["need"]["status"] == "addressed"


# --- query counts -----------------------------------------------------------------------------------------


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def add_offers(count: int) -> None:
    for n in range(count):
        offer = located_offer(
            NEAR if n % 2 else FAR,
            name=f"Aanbod {n}",
            life_domains=[factories.life_domain("leren"), factories.life_domain("taal")],
            languages=[factories.language("nl"), factories.language("ar")],
        )
        offer.locations.add(factories.LocationFactory(organisation=offer.organisation))


@pytest.mark.parametrize("auth", ["session", "token"])
def test_matches_costs_the_same_queries_for_3_and_30_offers(school, welfare_worker, auth):
    client = Client()
    headers = {}
    if auth == "session":
        client.force_login(welfare_worker)
    else:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(welfare_worker)}"}
    params = {"school": school.institution_number, "domains": "leren,taal", "languages": "ar", "limit": "50"}
    add_offers(3)
    client.get(MATCHES, params, **headers)  # the token's first use writes last_used_at once

    with CaptureQueriesContext(connection) as few:
        assert client.get(MATCHES, params, **headers).json()["count"] == 3
    add_offers(27)
    with CaptureQueriesContext(connection) as many:
        assert client.get(MATCHES, params, **headers).json()["count"] == 30

    assert len(few) == len(many)
    assert len(many) <= 16


def test_need_matches_costs_the_same_queries_for_3_and_30_offers(client, school, school_coordinator):
    need = factories.FamilyNeedFactory(
        school=school, life_domains=[factories.life_domain("leren"), factories.life_domain("taal")]
    )
    client.force_login(school_coordinator)
    url = need_matches_url(need)
    add_offers(3)

    few = count_queries(client, url, {"limit": "50"})
    add_offers(27)
    many = count_queries(client, url, {"limit": "50"})

    assert few == many
