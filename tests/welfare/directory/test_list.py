"""The directory list (/aanbod/): filters, sorting, htmx, pagination, empty state, bad input."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from welfare.directory_views import PAGE_SIZE
from welfare.models import OrganisationKind

pytestmark = pytest.mark.django_db

URL = reverse("directory:list")


def names(response) -> list[str]:
    return [offer.name for offer in response.context["offers"]]


def offer(name: str, **kwargs):
    return factories.OfferFactory(name=name, **kwargs)


# --- what is listed ------------------------------------------------------------------------


def test_everyone_sees_public_offers_only(client):
    offer("Zichtbaar")
    offer("Niet actief", is_active=False)
    offer("Niet geverifieerd", organisation=factories.OrganisationFactory(verified_at=None))

    response = client.get(URL)

    assert response.status_code == 200
    assert names(response) == ["Zichtbaar"]


def test_default_order_is_by_name(client):
    for name in ("Cello", "Alfa", "Bravo"):
        offer(name)
    assert names(client.get(URL)) == ["Alfa", "Bravo", "Cello"]


# --- each filter on its own ------------------------------------------------------------------


def test_filter_by_municipality_name(client):
    temse = factories.municipality("46025")
    offer("In Temse", service_area=[temse])
    offer("In Sint-Niklaas")
    assert names(client.get(URL, {"municipality": "Temse"})) == ["In Temse"]


def test_filter_by_postal_code(client):
    offer("In Sint-Niklaas")
    offer("In Temse", service_area=[factories.municipality("46025")])
    assert names(client.get(URL, {"municipality": "9100"})) == ["In Sint-Niklaas"]


def test_filter_by_life_domain_widens_within_the_filter(client):
    offer("Leren", life_domains=[factories.life_domain("leren")])
    offer("Wonen", life_domains=[factories.life_domain("wonen")])
    offer("Gezondheid", life_domains=[factories.life_domain("gezondheid")])

    response = client.get(URL, {"domain": ["leren", "wonen"]})

    assert names(response) == ["Leren", "Wonen"]


def test_an_offer_in_two_chosen_domains_is_listed_once(client):
    offer("Twee domeinen", life_domains=[factories.life_domain("leren"), factories.life_domain("wonen")])
    response = client.get(URL, {"domain": ["leren", "wonen"]})
    assert names(response) == ["Twee domeinen"]
    assert response.context["total"] == 1


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (3, ["Alle leeftijden", "Kleuters", "Vanaf 2"]),
        (8, ["Alle leeftijden", "Lagere school", "Tot 10", "Vanaf 2"]),
        (12, ["Alle leeftijden", "Lagere school", "Vanaf 2"]),
    ],
)
def test_filter_by_age_uses_the_offer_range_and_open_bounds(client, age, expected):
    offer("Kleuters", age_min=2, age_max=5)
    offer("Lagere school", age_min=6, age_max=12)
    offer("Alle leeftijden")
    offer("Vanaf 2", age_min=2)
    offer("Tot 10", age_min=6, age_max=10)
    assert names(client.get(URL, {"age": age})) == expected


def test_filter_by_language(client):
    offer("Arabisch", languages=[factories.language("ar")])
    offer("Nederlands")
    assert names(client.get(URL, {"language": "ar"})) == ["Arabisch"]


@pytest.mark.parametrize(
    ("cost", "expected"),
    [
        ("free", ["Gratis"]),
        ("low", ["Goedkoop"]),
        ("paid", ["Betalend"]),
        ("free_or_low", ["Goedkoop", "Gratis"]),
    ],
)
def test_filter_by_cost(client, cost, expected):
    offer("Gratis", cost="free")
    offer("Goedkoop", cost="low")
    offer("Betalend", cost="paid")
    assert names(client.get(URL, {"cost": cost})) == expected


def test_filter_by_access_mode_widens_within_the_filter(client):
    offer("Inloop", access_walk_in=True)
    offer("Op school", access_walk_in=False, access_at_school=True)
    offer("Online", access_walk_in=False, access_online=True)
    assert names(client.get(URL, {"access": ["walk-in", "at-school"]})) == ["Inloop", "Op school"]


def test_only_with_room_hides_waiting_lists_and_full_offers(client):
    offer("Plaats")
    offer("Wachtlijst", capacity="waiting_list", waiting_weeks=4)
    offer("Volzet", capacity="full")
    assert names(client.get(URL, {"open": "on"})) == ["Plaats"]


def test_filter_by_organisation_kind(client):
    ocmw = OrganisationKind.objects.get(slug="ocmw")
    offer("Van het OCMW", organisation=factories.OrganisationFactory(kind=ocmw))
    offer("Van het CAW")
    assert names(client.get(URL, {"kind": "ocmw"})) == ["Van het OCMW"]


def test_filters_combine(client):
    leren, wonen = factories.life_domain("leren"), factories.life_domain("wonen")
    temse = factories.municipality("46025")
    offer("Alles klopt", life_domains=[leren], age_min=6, age_max=12, cost="low", service_area=[temse])
    offer("Andere gemeente", life_domains=[leren], age_min=6, age_max=12, cost="low")
    offer("Ander domein", life_domains=[wonen], age_min=6, age_max=12, cost="low", service_area=[temse])
    offer("Te jong", life_domains=[leren], age_min=0, age_max=3, cost="low", service_area=[temse])
    offer("Betalend", life_domains=[leren], age_min=6, age_max=12, cost="paid", service_area=[temse])
    offer("Volzet", life_domains=[leren], cost="free", capacity="full", service_area=[temse])

    response = client.get(
        URL, {"municipality": "Temse", "domain": "leren", "age": "8", "cost": "free_or_low", "open": "on"}
    )

    assert names(response) == ["Alles klopt"]


# --- sorting -------------------------------------------------------------------------------


def located_offer(name: str, latitude: float, longitude: float):
    item = offer(name)
    item.locations.add(
        factories.LocationFactory(organisation=item.organisation, latitude=latitude, longitude=longitude)
    )
    return item


def test_sort_by_distance_from_a_school(client):
    school = factories.SchoolFactory(latitude=51.1656, longitude=4.1437)  # Sint-Niklaas
    located_offer("Lokeren", 51.1040, 3.9915)
    located_offer("Dichtbij", 51.1660, 4.1440)
    located_offer("Temse", 51.1250, 4.2120)
    offer("Zonder adres")

    response = client.get(URL, {"sort": "distance", "school": school.pk})

    assert names(response) == ["Dichtbij", "Temse", "Lokeren", "Zonder adres"]
    distances = [o.distance for o in response.context["offers"]]
    assert distances[0] < 0.1
    assert 6 < distances[1] < 7  # Sint-Niklaas to Temse, in a straight line
    assert distances[3] is None


def test_distance_uses_the_nearest_site_of_an_offer(client):
    school = factories.SchoolFactory(latitude=51.1656, longitude=4.1437)
    far_and_near = located_offer("Twee vestigingen", 51.1040, 3.9915)
    far_and_near.locations.add(factories.LocationFactory(latitude=51.1700, longitude=4.1400))
    located_offer("Temse", 51.1250, 4.2120)

    response = client.get(URL, {"sort": "distance", "school": school.pk})

    assert names(response) == ["Twee vestigingen", "Temse"]


def test_distance_order_holds_across_pages(client):
    school = factories.SchoolFactory(latitude=51.0, longitude=4.0)
    for i in range(PAGE_SIZE + 5):
        located_offer(f"Aanbod {i:02d}", 51.0 + (PAGE_SIZE + 5 - i) * 0.01, 4.0)

    first = client.get(URL, {"sort": "distance", "school": school.pk})
    second = client.get(URL, {"sort": "distance", "school": school.pk, "page": 2})

    assert names(first)[0] == f"Aanbod {PAGE_SIZE + 4:02d}"
    assert names(second)[-1] == "Aanbod 00"
    all_distances = [o.distance for o in first.context["offers"]] + [o.distance for o in second.context["offers"]]
    assert all_distances == sorted(all_distances)


def test_distance_is_shown_on_each_result(en_client):
    school = factories.SchoolFactory(latitude=51.1656, longitude=4.1437)
    located_offer("Temse", 51.1250, 4.2120)
    response = en_client.get(URL, {"sort": "distance", "school": school.pk})
    assert "6.6 km" in response.content.decode()


def test_sort_by_distance_from_a_municipality_falls_back_on_known_places(client):
    # Municipalities carry no coordinates from the reference data: the schools in it give a centre.
    factories.SchoolFactory(latitude=51.1656, longitude=4.1437)  # in Sint-Niklaas
    located_offer("Lokeren", 51.1040, 3.9915)
    located_offer("Dichtbij", 51.1660, 4.1440)

    response = client.get(URL, {"sort": "distance", "near": "9100"})

    assert names(response) == ["Dichtbij", "Lokeren"]
    assert response.context["origin"].label == "Sint-Niklaas"


def test_sort_by_distance_from_a_municipality_with_its_own_coordinates(client):
    stekene = factories.municipality("46024")
    stekene.latitude, stekene.longitude = 51.2100, 4.0365
    stekene.save(update_fields=["latitude", "longitude"])
    located_offer("Stekene", 51.2100, 4.0370)
    located_offer("Temse", 51.1250, 4.2120)

    assert names(client.get(URL, {"sort": "distance", "near": "Stekene"})) == ["Stekene", "Temse"]


def test_distance_sort_explains_when_a_municipality_has_no_known_place(en_client):
    offer("Bravo")
    offer("Alfa")

    response = en_client.get(URL, {"sort": "distance", "near": "Gent"})

    assert response.status_code == 200
    assert names(response) == ["Alfa", "Bravo"]
    assert "We cannot measure distances from Gent yet" in response.content.decode()


def test_distance_sort_without_a_starting_point_asks_for_one(en_client):
    offer("Alfa")
    response = en_client.get(URL, {"sort": "distance"})
    assert response.status_code == 200
    assert "Choose a school or a municipality to sort by distance." in response.content.decode()


def test_sort_by_last_confirmed_puts_newest_first_and_never_confirmed_last(client):
    today = timezone.localdate()
    offer("Oud", last_confirmed=today - datetime.timedelta(days=400))
    offer("Nooit", last_confirmed=None)
    offer("Recent", last_confirmed=today - datetime.timedelta(days=2))
    offer("Vorige maand", last_confirmed=today - datetime.timedelta(days=30))

    assert names(client.get(URL, {"sort": "confirmed"})) == ["Recent", "Vorige maand", "Oud", "Nooit"]


def test_a_school_of_the_user_is_offered_as_a_starting_point(client, school_coordinator, school):
    client.force_login(school_coordinator)
    response = client.get(URL)
    form = response.context["sort_form"]
    assert form.has_school_choices
    assert (school.pk, school.name) in form.fields["school"].widget.choices


# --- htmx, pagination, empty state ----------------------------------------------------------------


def test_htmx_request_gets_only_the_results(client):
    offer("Huiswerkklas")
    response = client.get(URL, {"domain": "leren"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="directory-filters"' not in body
    assert "Huiswerkklas" in body
    assert 'hx-swap-oob="innerHTML"' in body  # the count outside the results follows
    assert "HX-Request" in response["Vary"]


def test_full_page_has_the_htmx_filter_form_and_a_live_count(client):
    offer("Huiswerkklas")
    body = client.get(URL).content.decode()
    assert "<html" in body
    assert 'hx-get="/aanbod/"' in body
    assert 'hx-push-url="true"' in body
    assert 'hx-target="#results"' in body
    assert 'aria-live="polite"' in body


def test_history_restore_gets_the_full_page(client):
    offer("Huiswerkklas")
    response = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_count_reads_as_a_sentence(en_client):
    offer("Een")
    offer("Twee")
    assert "2 offers" in en_client.get(URL).content.decode()


def test_pagination_keeps_the_filters_and_has_htmx_links_with_real_hrefs(client):
    for i in range(PAGE_SIZE + 3):
        offer(f"Aanbod {i:02d}", cost="low")

    first = client.get(URL, {"cost": "low"})
    second = client.get(URL, {"cost": "low", "page": 2})
    beyond = client.get(URL, {"cost": "low", "page": 99})
    nonsense = client.get(URL, {"cost": "low", "page": "abc"})

    assert len(names(first)) == PAGE_SIZE
    assert names(second) == [f"Aanbod {i:02d}" for i in range(PAGE_SIZE, PAGE_SIZE + 3)]
    assert names(beyond) == names(second)
    assert names(nonsense) == names(first)
    body = first.content.decode()
    assert 'href="?cost=low&amp;page=2"' in body
    assert 'hx-get="?cost=low&amp;page=2"' in body


def test_empty_state_suggests_how_to_widen(en_client):
    offer("Volzet in Temse", capacity="full", service_area=[factories.municipality("46025")])

    response = en_client.get(URL, {"municipality": "Temse", "open": "on", "language": "ar"})
    body = response.content.decode()

    assert names(response) == []
    assert "No offers match all of these choices" in body
    assert "Search in all municipalities" in body
    assert "Include offers with a waiting list" in body
    assert 'href="/aanbod/?open=on&amp;language=ar"' in body  # without the municipality
    assert 'href="/aanbod/?municipality=Temse&amp;language=ar"' in body  # without "only with room"
    assert 'href="/aanbod/?municipality=Temse&amp;open=on"' in body  # without the language


def test_removing_one_domain_keeps_the_others(client):
    offer("Leren")
    response = client.get(URL, {"domain": ["leren", "wonen"]})
    links = {item.label: item.remove_url for item in response.context["active_filters"]}
    assert links["Wonen"] == "/aanbod/?domain=leren"
    assert links["Leren en school"] == "/aanbod/?domain=wonen"


# --- bad input never breaks the page ------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"age": "abc"},
        {"age": "-3"},
        {"age": "400"},
        {"domain": "bestaat-niet"},
        {"language": "xx"},
        {"cost": "gratis"},
        {"access": "teleport"},
        {"kind": "geen"},
        {"municipality": "Atlantis"},
        {"municipality": "0000"},
        {"sort": "random"},
        {"school": "abc"},
        {"school": "999999"},
        {"near": "nergens"},
        {"page": "-1"},
        {"q": "x" * 500},
        {"q": "'; DROP TABLE welfare_offer; --"},
        {"q": "%_\\"},
        {"open": "misschien"},
    ],
)
def test_invalid_parameters_never_fail(client, params):
    offer("Alfa")
    response = client.get(URL, params)
    assert response.status_code == 200
    htmx = client.get(URL, params, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200


def test_an_invalid_filter_is_reported_and_the_others_still_apply(en_client):
    offer("Gratis", cost="free")
    offer("Betalend", cost="paid")

    response = en_client.get(URL, {"age": "abc", "cost": "free"})
    body = response.content.decode()

    assert names(response) == ["Gratis"]
    assert "Some filters were not applied" in body
    assert 'href="#id_age"' in body


def test_an_unknown_municipality_gets_a_suggestion(en_client):
    response = en_client.get(URL, {"municipality": "Niklaas"})
    assert "Did you mean Sint-Niklaas?" in response.content.decode()


# --- query counts ----------------------------------------------------------------------------


def _offers_with_everything(count: int, *, prefix: str):
    leren, wonen = factories.life_domain("leren"), factories.life_domain("wonen")
    for i in range(count):
        item = offer(
            f"{prefix} {i:02d}",
            life_domains=[leren, wonen],
            languages=[factories.language("nl"), factories.language("ar")],
            cost="low",
        )
        item.locations.add(factories.LocationFactory(organisation=item.organisation))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"cost": "low", "domain": ["leren", "wonen"], "age": "8", "language": "nl", "municipality": "9100"},
        {"q": "aanbod"},
        {"sort": "confirmed"},
        {"sort": "distance", "near": "9100"},
    ],
    ids=["plain", "filtered", "search", "confirmed", "distance"],
)
def test_list_runs_a_fixed_number_of_queries(client, django_assert_num_queries, params):
    factories.SchoolFactory()  # gives Sint-Niklaas a centre for distances
    _offers_with_everything(3, prefix="Aanbod")
    with CaptureQueriesContext(connection) as few:
        assert len(names(client.get(URL, params))) == 3
    count_with_3 = len(few.captured_queries)

    _offers_with_everything(27, prefix="Meer aanbod")
    with django_assert_num_queries(count_with_3):
        assert len(names(client.get(URL, params))) == PAGE_SIZE


def test_list_query_count_is_pinned(client, django_assert_num_queries):
    _offers_with_everything(30, prefix="Aanbod")
    # session-less anonymous page: domain, language and kind choices, municipality list,
    # count, page, and three prefetches (life domains, languages, locations with municipality).
    with django_assert_num_queries(9):
        client.get(URL)


def test_list_query_count_for_a_professional_is_flat(client, school_coordinator, django_assert_num_queries):
    client.force_login(school_coordinator)
    _offers_with_everything(3, prefix="Aanbod")
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    count_with_3 = len(few.captured_queries)
    _offers_with_everything(27, prefix="Meer")
    with django_assert_num_queries(count_with_3):
        client.get(URL)


def test_a_chosen_school_shows_distances_in_any_order(client):
    school = factories.SchoolFactory(latitude=51.1656, longitude=4.1437)
    located_offer("Temse", 51.1250, 4.2120)
    located_offer("Alfa dichtbij", 51.1660, 4.1440)

    response = client.get(URL, {"sort": "name", "school": school.pk})

    assert names(response) == ["Alfa dichtbij", "Temse"]
    assert [round(o.distance, 1) for o in response.context["offers"]] == [0.0, 6.6]
