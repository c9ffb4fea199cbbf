"""The family help page: three plain steps from "where do you live" to whom to call."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from families.models import LIFE_DOMAIN_SLUGS
from portal.models import Municipality, PostalCode
from tests import factories
from welfare.models import OrganisationKind

pytestmark = pytest.mark.django_db

SINT_NIKLAAS = "46021"


def help_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('help:index')}?{query}" if query else reverse("help:index")


def results_url(domain: str = "leren", nis_code: str = SINT_NIKLAAS) -> str:
    return help_url(gemeente=nis_code, domein=domain)


def offer_names(response) -> list[str]:
    return [result.offer.name for result in response.context["results"]]


def offer(**kwargs):
    """An offer the help page shows unless a test changes one thing about it."""
    return factories.OfferFactory(**kwargs)


# ---------- step 1: where do you live ----------


def test_first_step_asks_where_you_live(en_client):
    response = en_client.get(help_url())

    assert response.status_code == 200
    assert response.context["step"] == 1
    content = response.content.decode()
    assert '<label for="id_plaats">Where do you live?</label>' in content
    assert 'method="get"' in content
    assert '<option value="Sint-Niklaas">' in content


def test_postal_code_of_one_town_goes_on_to_the_kinds_of_help(en_client):
    response = en_client.get(help_url(plaats="9100"))

    assert response.context["step"] == 2
    assert response.context["municipality"].nis_code == SINT_NIKLAAS
    content = response.content.decode()
    assert "You live in <strong>Sint-Niklaas</strong>." in content
    for slug in LIFE_DOMAIN_SLUGS:
        assert f'href="/hulp/?gemeente={SINT_NIKLAAS}&amp;domein={slug}"' in content
    assert content.count('class="pictogram"') == len(LIFE_DOMAIN_SLUGS)
    assert content.count("<svg") >= len(LIFE_DOMAIN_SLUGS)


@pytest.mark.parametrize(
    ("typed", "nis_code"),
    [
        ("Sint-Niklaas", SINT_NIKLAAS),
        ("sint niklaas", SINT_NIKLAAS),
        ("  SINT–NIKLAAS ", SINT_NIKLAAS),
        ("Anvers", "11002"),
        ("chievres", "51014"),
        ("Genepien", "25031"),
    ],
)
def test_town_name_is_found_whatever_the_accents_capitals_or_language(client, typed, nis_code):
    response = client.get(help_url(plaats=typed))

    assert response.context["step"] == 2
    assert response.context["municipality"].nis_code == nis_code


def test_postal_code_shared_by_several_towns_asks_which_one(en_client):
    response = en_client.get(help_url(plaats="1804"))

    assert response.context["step"] == 1
    assert [m.name_nl for m, _name in response.context["choices"]] == ["Vilvoorde", "Zemst"]
    content = response.content.decode()
    assert "Which town do you live in?" in content
    assert 'href="/hulp/?gemeente=23088"' in content
    assert 'href="/hulp/?gemeente=23096"' in content


def test_postal_code_with_the_town_name_picks_that_town(client):
    response = client.get(help_url(plaats="1804 Zemst"))

    assert response.context["step"] == 2
    assert response.context["municipality"].nis_code == "23096"


def test_part_of_a_name_offers_the_towns_that_contain_it(client):
    response = client.get(help_url(plaats="niklaas"))

    assert response.context["step"] == 1
    assert [m.nis_code for m, _name in response.context["choices"]] == [SINT_NIKLAAS]


def test_unknown_town_gets_a_friendly_message_and_the_form_again(en_client):
    response = en_client.get(help_url(plaats="Atlantis"))

    assert response.status_code == 200
    assert response.context["step"] == 1
    content = response.content.decode()
    assert "We do not know the town “Atlantis”. Check the spelling, or type your postal code." in content
    assert 'value="Atlantis"' in content
    assert 'aria-invalid="true"' in content
    assert 'aria-describedby="id_plaats-help id_plaats-error"' in content
    assert '<a href="#id_plaats">' in content  # the summary at the top links to the field


def test_unknown_postal_code_gets_a_friendly_message(en_client):
    assert not PostalCode.objects.filter(code="9999").exists()

    response = en_client.get(help_url(plaats="9999"))

    assert response.context["step"] == 1
    assert "We do not know the postal code 9999." in response.content.decode()


def test_a_number_that_is_not_a_postal_code_is_explained(en_client):
    response = en_client.get(help_url(plaats="91000"))

    assert "A postal code has 4 numbers, for example 9100." in response.content.decode()


def test_empty_input_asks_to_type_something(en_client):
    response = en_client.get(help_url(plaats=""))

    assert response.context["step"] == 1
    assert "Type your postal code or the name of your town." in response.content.decode()


def test_too_short_a_part_of_a_name_is_not_guessed(en_client):
    response = en_client.get(help_url(plaats="sint"))

    assert response.context["step"] == 1
    assert "Type the full name or your postal code." in response.content.decode()


@pytest.mark.parametrize("nis_code", ["99999", "abc", "4602"])
def test_unknown_town_in_a_link_shows_the_form_again(en_client, nis_code):
    response = en_client.get(help_url(gemeente=nis_code, domein="wonen"))

    assert response.status_code == 200
    assert response.context["step"] == 1
    assert "We could not find that town." in response.content.decode()


def test_help_chosen_first_is_kept_while_choosing_the_town(en_client):
    offer(name="Huiswerkklas", life_domains=[factories.life_domain("leren")])

    first = en_client.get(help_url(domein="leren"))
    assert first.context["step"] == 1
    assert '<input type="hidden" name="domein" value="leren">' in first.content.decode()

    shared = en_client.get(help_url(plaats="1804", domein="leren"))
    assert 'href="/hulp/?gemeente=23088&amp;domein=leren"' in shared.content.decode()

    results = en_client.get(help_url(plaats="9100", domein="leren"))
    assert results.context["step"] == 3
    assert offer_names(results) == ["Huiswerkklas"]


def test_unknown_kind_of_help_shows_the_pictures_again(en_client):
    response = en_client.get(help_url(gemeente=SINT_NIKLAAS, domein="astrologie"))

    assert response.context["step"] == 2
    assert "Please choose one of the pictures." in response.content.decode()


# ---------- step 3: results ----------


def test_results_show_only_free_or_cheap_help_with_room_for_this_town_and_need():
    leren, wonen = factories.life_domain("leren"), factories.life_domain("wonen")
    elsewhere = factories.municipality("11002")
    offer(name="Gratis", cost="free")
    offer(name="Goedkoop", cost="low", cost_note="2 euro per keer")
    offer(name="Betalend", cost="paid")
    offer(name="Wachtlijst", capacity="waiting_list", waiting_weeks=6)
    offer(name="Volzet", capacity="full")
    offer(name="Andere gemeente", service_area=[elsewhere])
    offer(name="Ander levensdomein", life_domains=[wonen])
    offer(name="Stopgezet", is_active=False)
    offer(name="Niet geverifieerd", organisation=factories.OrganisationFactory(verified_at=None))
    offer(name="Ook wonen", life_domains=[wonen, leren], service_area=[elsewhere, factories.municipality()])

    response = Client().get(results_url("leren"))

    assert response.context["step"] == 3
    assert sorted(offer_names(response)) == ["Goedkoop", "Gratis", "Ook wonen"]


def test_each_result_says_where_to_go_whom_to_call_and_what_it_costs(en_client):
    organisation = factories.OrganisationFactory(
        name="CAW Waasland", phone="03 123 45 67", email="onthaal@caw.test", website="https://caw.test"
    )
    location = factories.LocationFactory(
        organisation=organisation, street="Kokkelbeekstraat 1", opening_hours="Ma en do 9–12 u."
    )
    help_offer = offer(
        organisation=organisation,
        name="Huiswerkklas",
        description="Na school maken kinderen samen hun huiswerk. Er zijn vrijwilligers die helpen. Kom gerust.",
        cost="low",
        cost_note="2 euro per maand",
        access_walk_in=False,
        access_appointment=True,
        access_outreach=True,
        access_at_school=True,
        access_online=True,
        languages=[factories.language("nl"), factories.language("ar")],
    )
    help_offer.locations.add(location)

    content = en_client.get(results_url("leren")).content.decode()

    assert "Na school maken kinderen samen hun huiswerk." in content
    assert "Er zijn vrijwilligers die helpen." not in content
    assert "Kokkelbeekstraat 1, 9100 Sint-Niklaas" in content
    assert "Ma en do 9–12 u." in content
    assert 'href="tel:031234567"' in content
    assert "03 123 45 67" in content
    assert 'href="mailto:onthaal@caw.test"' in content
    assert "Low cost" in content
    assert "2 euro per maand" in content
    assert "Make an appointment first." in content
    assert "They can come to you, at home." in content
    assert "They can help at your child's school." in content
    assert "You can also get help online." in content
    assert '<span lang="ar">' in content
    assert "Walk in: no appointment needed" not in content


def test_results_list_walk_in_first_then_nearest_then_by_name():
    Municipality.objects.filter(nis_code=SINT_NIKLAAS).update(latitude=51.1650, longitude=4.1430)

    def located(name: str, *, walk_in: bool, lat: float | None = None):
        made = offer(name=name, access_walk_in=walk_in, access_appointment=not walk_in)
        if lat is not None:
            made.locations.add(factories.LocationFactory(organisation=made.organisation, latitude=lat, longitude=4.143))
        return made

    located("Zwemclub", walk_in=True, lat=51.30)  # walk-in, far
    located("Yoga", walk_in=True, lat=51.17)  # walk-in, near
    located("Bibliotheek", walk_in=False, lat=51.166)  # appointment, nearest
    located("Xylofoonles", walk_in=False)  # appointment, no place known
    located("Atelier", walk_in=False)  # appointment, no place known

    response = Client().get(results_url("leren"))

    assert offer_names(response) == ["Yoga", "Zwemclub", "Bibliotheek", "Atelier", "Xylofoonles"]


def test_results_without_a_town_centre_list_walk_in_first_then_by_name(client):
    offer(name="Bakkerij", access_walk_in=False, access_appointment=True)
    offer(name="Zeilen", access_walk_in=True)
    offer(name="Atelier", access_walk_in=True)

    assert offer_names(client.get(results_url("leren"))) == ["Atelier", "Zeilen", "Bakkerij"]


def test_no_free_help_says_so_in_plain_words_with_other_ways_to_get_help(en_client):
    response = en_client.get(results_url("wonen"))

    assert response.context["step"] == 3
    content = response.content.decode()
    assert "We found no free help for this" in content
    assert f'href="/hulp/?gemeente={SINT_NIKLAAS}">Choose other help</a>' in content
    assert "Ask at your child's school or at the CLB." in content


def test_no_free_help_points_to_the_towns_caw_or_ocmw(en_client):
    caw = factories.OrganisationFactory(name="CAW Oost-Vlaanderen", phone="09 265 04 04")
    offer(organisation=caw, name="Budgethulp", life_domains=[factories.life_domain("inkomen")], capacity="full")
    neighbourhood = factories.OrganisationFactory(
        name="Buurtwerk De Klink", kind=OrganisationKind.objects.get(slug="buurtwerk")
    )
    offer(organisation=neighbourhood, life_domains=[factories.life_domain("basisnoden")], capacity="full")
    elsewhere = factories.OrganisationFactory(
        name="OCMW Antwerpen", kind=OrganisationKind.objects.get(slug="ocmw"), phone="03 000 00 00"
    )
    offer(
        organisation=elsewhere,
        life_domains=[factories.life_domain("inkomen")],
        service_area=[factories.municipality("11002")],
    )

    response = en_client.get(results_url("wonen"))

    assert [item.organisation.name for item in response.context["general_help"]] == ["CAW Oost-Vlaanderen"]
    content = response.content.decode()
    assert "CAW Oost-Vlaanderen" in content
    assert 'href="tel:092650404"' in content


def test_long_result_lists_come_in_pages_that_keep_the_choices(client):
    for number in range(25):
        offer(name=f"Huiswerkhulp {number:02d}")

    first = client.get(results_url("leren"))
    second = client.get(results_url("leren") + "&page=2")

    assert len(first.context["results"]) == 20
    assert first.context["result_count"] == 25
    assert f"gemeente={SINT_NIKLAAS}&amp;domein=leren&amp;page=2" in first.content.decode()
    assert offer_names(second) == [f"Huiswerkhulp {n:02d}" for n in range(20, 25)]


def test_results_take_the_same_number_of_queries_for_3_or_30_offers(client):
    def build(count: int) -> None:
        for _ in range(count):
            made = offer(languages=[factories.language("nl"), factories.language("fr")])
            made.locations.add(factories.LocationFactory(organisation=made.organisation))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(results_url("leren"))
        assert response.status_code == 200
        return len(captured)

    build(3)
    with_three = queries()
    build(27)
    with_thirty = queries()

    assert with_thirty == with_three
    assert with_three <= 8


# ---------- privacy: no account, no tracking ----------

JOURNEY = [
    help_url(),
    help_url(plaats="9100"),
    help_url(plaats="1804"),
    help_url(plaats="Atlantis"),
    results_url("leren"),
    results_url("wonen"),
]


def test_anonymous_visit_starts_no_session(client):
    offer()
    for url in JOURNEY:
        response = client.get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies, url
        assert set(response.cookies) <= {"csrftoken"}, url


def test_anonymous_visit_sets_no_cookie_at_all(client):
    for url in JOURNEY:
        assert not client.get(url).cookies, url


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self.resources: list[str] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = attrs
            self.scripts.append((attrs, ""))
        if tag in ("script", "img", "iframe") and attrs.get("src"):
            self.resources.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.resources.append(attrs["href"])

    def handle_data(self, data):
        if self._in_script is not None and data.strip():
            attrs, _ = self.scripts[-1]
            self.scripts[-1] = (attrs, data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


@pytest.mark.parametrize("url", JOURNEY)
def test_page_loads_only_our_own_scripts_and_styles(client, url):
    offer()
    tags = _Tags()
    content = client.get(url).content.decode()
    tags.feed(content)

    assert tags.scripts
    for attrs, body in tags.scripts:
        assert attrs.get("src", "").startswith("/static/"), attrs
        assert not body.strip()
    assert all(resource.startswith("/static/") for resource in tags.resources), tags.resources
    assert "/static/js/help.js" in content
    assert not re.search(r"\son[a-z]+=", content)
    assert ' style="' not in content


# ---------- language ----------


def test_page_follows_the_english_language_choice(en_client):
    content = en_client.get(help_url()).content.decode()

    assert '<html lang="en"' in content
    assert "<h1>Find help for your family</h1>" in content


def test_page_follows_the_french_language_choice(client):
    client.cookies["django_language"] = "fr"

    content = client.get(help_url()).content.decode()

    # Once the French translations are merged, also check the heading: "Trouver de l'aide pour votre famille".
    assert '<html lang="fr"' in content


def test_french_page_names_brussels_in_french(client):
    client.cookies["django_language"] = "fr"

    response = client.get(help_url(gemeente="21004"))

    assert response.context["place"] == "Bruxelles"


# ---------- methods ----------


def test_posting_to_the_page_is_not_allowed(client):
    response = client.post(help_url(), {"plaats": "9100"})

    assert response.status_code == 405


def test_result_page_shows_the_chosen_help_and_town_in_the_title(en_client):
    response = en_client.get(results_url("leren"))

    assert (
        "<title>Free or cheap help: Leren en school in Sint-Niklaas · Brugwijzer</title>" in response.content.decode()
    )
