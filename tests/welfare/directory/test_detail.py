"""Offer and organisation pages: everything needed to refer a family, for everyone."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


def offer_url(offer) -> str:
    return reverse("directory:offer", args=[offer.pk])


def organisation_url(organisation) -> str:
    return reverse("directory:organisation", args=[organisation.pk])


@pytest.fixture
def full_offer(db):
    organisation = factories.OrganisationFactory(
        name="Huis van het Kind Proefstad",
        email="info@huisvanhetkind.test",
        phone="03 000 12 34",
        website="https://huisvanhetkind.example.be",
    )
    location = factories.LocationFactory(
        organisation=organisation,
        name="Ontmoetingshuis",
        street="Kerkstraat 5",
        postal_code="9100",
        opening_hours="Woensdag 13–17 u.",
    )
    offer = factories.OfferFactory(
        organisation=organisation,
        name="Babyspullen lenen",
        description="Kinderwagen en autostoel lenen.",
        next_steps="Kom langs met je kind.",
        life_domains=[factories.life_domain("basisnoden"), factories.life_domain("opvoeding")],
        languages=[factories.language("nl"), factories.language("ar")],
        service_area=[factories.municipality("46021"), factories.municipality("46025")],
        age_min=0,
        age_max=3,
        cost="low",
        cost_note="€ 5 per jaar",
        access_appointment=True,
        capacity="waiting_list",
        waiting_weeks=6,
    )
    offer.locations.add(location)
    return offer


def test_offer_page_shows_what_is_needed_to_refer_a_family(en_client, full_offer):
    response = en_client.get(offer_url(full_offer))
    body = response.content.decode()

    assert response.status_code == 200
    for text in (
        "Babyspullen lenen",
        "Huis van het Kind Proefstad",
        organisation_url(full_offer.organisation),
        "Kinderwagen en autostoel lenen.",
        "Kom langs met je kind.",
        "info@huisvanhetkind.test",
        'href="tel:030001234"',
        "https://huisvanhetkind.example.be",
        "Ontmoetingshuis",
        "Kerkstraat 5",
        "9100 Sint-Niklaas",
        "Woensdag 13–17 u.",
        "Arabisch",
        "Nederlands",
        "Low cost — € 5 per jaar",
        "0 to 3 years",
        "Walk-in, by appointment",
        "Sint-Niklaas, Temse",
        "about 6 weeks",
        "Basisnoden",
        "Opvoeding",
        full_offer.last_confirmed.strftime("%Y"),
    ):
        assert text in body, text
    assert "This information may be out of date" not in body


def test_stale_offer_is_marked_as_possibly_out_of_date(en_client):
    offer = factories.OfferFactory(last_confirmed=timezone.localdate() - datetime.timedelta(days=800))
    body = en_client.get(offer_url(offer)).content.decode()
    assert "This information may be out of date" in body
    assert "Check with the organisation before you refer a family." in body


def test_never_confirmed_offer_is_marked(en_client):
    offer = factories.OfferFactory(last_confirmed=None)
    body = en_client.get(offer_url(offer)).content.decode()
    assert "The organisation has never confirmed it." in body


def test_stale_marker_on_list_cards(en_client):
    factories.OfferFactory(last_confirmed=timezone.localdate() - datetime.timedelta(days=800))
    assert "Possibly out of date" in en_client.get(reverse("directory:list")).content.decode()


def test_offer_without_places_or_contact_says_so(en_client):
    offer = factories.OfferFactory(organisation=factories.OrganisationFactory(email=""), access_outreach=True)
    body = en_client.get(offer_url(offer)).content.decode()
    assert "No fixed address" in body
    assert "has not shared contact details yet" in body


@pytest.mark.parametrize(
    "make",
    [
        lambda: factories.OfferFactory(is_active=False),
        lambda: factories.OfferFactory(organisation=factories.OrganisationFactory(verified_at=None)),
    ],
    ids=["inactive", "unverified-organisation"],
)
def test_offers_outside_the_directory_are_not_found(client, moderator, make):
    offer = make()
    assert client.get(offer_url(offer)).status_code == 404
    client.force_login(moderator)
    assert client.get(offer_url(offer)).status_code == 404


def test_unverified_organisation_page_is_not_found(client):
    organisation = factories.OrganisationFactory(verified_at=None)
    assert client.get(organisation_url(organisation)).status_code == 404


def test_organisation_page_shows_profile_contact_places_and_public_offers(en_client):
    organisation = factories.OrganisationFactory(
        name="CAW Proefstad", description="Hulp bij alle vragen over welzijn.", phone="03 000 00 01"
    )
    factories.LocationFactory(organisation=organisation, street="Marktplein 1", opening_hours="Ma–vr 9–12 u.")
    factories.OfferFactory(organisation=organisation, name="Onthaal")
    factories.OfferFactory(organisation=organisation, name="Gesloten aanbod", is_active=False)

    response = en_client.get(organisation_url(organisation))
    body = response.content.decode()

    assert response.status_code == 200
    for text in ("CAW Proefstad", "Hulp bij alle vragen over welzijn.", "03 000 00 01", "Marktplein 1", "Onthaal"):
        assert text in body, text
    assert "Gesloten aanbod" not in body
    assert [offer.name for offer in response.context["offers"]] == ["Onthaal"]


def test_organisation_without_offers_has_an_empty_state(en_client):
    organisation = factories.OrganisationFactory()
    body = en_client.get(organisation_url(organisation)).content.decode()
    assert "no offers in the directory at the moment" in body


def _rich_offer(organisation, i: int):
    offer = factories.OfferFactory(
        organisation=organisation,
        name=f"Aanbod {i:02d}",
        life_domains=[factories.life_domain("leren"), factories.life_domain("wonen")],
        languages=[factories.language("nl"), factories.language("fr")],
        service_area=[factories.municipality("46021"), factories.municipality("46025")],
    )
    offer.locations.add(factories.LocationFactory(organisation=organisation))
    offer.locations.add(
        factories.LocationFactory(organisation=organisation, municipality=factories.municipality("46025"))
    )
    return offer


def test_offer_page_query_count_is_pinned(client, django_assert_num_queries):
    organisation = factories.OrganisationFactory()
    offer = _rich_offer(organisation, 0)
    # offer with organisation and kind, then life domains, languages, locations, service area
    with django_assert_num_queries(5):
        assert client.get(offer_url(offer)).status_code == 200


def test_organisation_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    organisation = factories.OrganisationFactory()
    for i in range(3):
        _rich_offer(organisation, i)
    with CaptureQueriesContext(connection) as few:
        client.get(organisation_url(organisation))
    count_with_3 = len(few.captured_queries)  # read now: the next request clears the log
    # organisation with kind, its locations; offers, life domains, languages, locations
    assert count_with_3 == 6
    for i in range(3, 30):
        _rich_offer(organisation, i)
    with django_assert_num_queries(count_with_3):
        response = client.get(organisation_url(organisation))
    assert len(response.context["offers"]) == 30


def test_offer_page_for_a_professional_runs_a_fixed_number_of_queries(client, clb_broker):
    client.force_login(clb_broker)
    organisation = factories.OrganisationFactory()
    small, large = _rich_offer(organisation, 0), _rich_offer(organisation, 1)
    for i in range(2, 12):
        large.life_domains.add(factories.life_domain(["gezondheid", "wonen", "taal", "werk"][i % 4]))
    with CaptureQueriesContext(connection) as first:
        client.get(offer_url(small))
    count_small = len(first.captured_queries)
    with CaptureQueriesContext(connection) as second:
        client.get(offer_url(large))
    assert len(second.captured_queries) == count_small
