"""The result cards of the directory: `fill_cards` gives each offer the same values as its related
objects would, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import capfirst

from portal.templatetags.brugwijzer import icon
from tests import factories
from welfare.directory_views import card_queryset, fill_cards, with_cards
from welfare.models import Offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers():
    elsewhere = factories.LocationFactory(municipality=factories.municipality("46025"))
    here = factories.LocationFactory()
    many = factories.OfferFactory(
        name="Veel",
        cost="low",
        life_domains=[factories.life_domain("wonen"), factories.life_domain("leren")],
        languages=[factories.language("fr"), factories.language("nl")],
    )
    many.locations.set([here, elsewhere, factories.LocationFactory()])
    factories.OfferFactory(name="Geen adres", cost="paid")
    return list(Offer.objects.order_by("name", "pk"))


def test_the_cards_hold_what_the_related_objects_hold(offers):
    cards = fill_cards(list(card_queryset(Offer.objects.order_by("name", "pk"))))
    related = list(with_cards(Offer.objects.order_by("name", "pk")))

    for card, offer in zip(cards, related, strict=True):
        assert card.card_url == reverse("directory:offer", args=[offer.pk])
        assert card.organisation_url == reverse("directory:organisation", args=[offer.organisation_id])
        assert card.cost_label == capfirst(offer.get_cost_display())
        assert card.card_domains == [
            {"name": d.name, "icon": d.icon, "icon_svg": icon(d.icon)} for d in offer.life_domains.all()
        ]
        assert card.language_names == [language.name_nl for language in offer.languages.all()]
        assert card.place_names == sorted({location.municipality.name_nl for location in offer.locations.all()})
    assert cards[0].place_names == []
    assert len(cards[1].card_domains) == 2 and len(cards[1].place_names) == 2


def test_the_cards_take_three_queries_however_many_offers(offers):
    page = list(card_queryset(Offer.objects.all()))
    with CaptureQueriesContext(connection) as queries:
        fill_cards(page)
    assert len(queries) == 3

    with CaptureQueriesContext(connection) as queries:
        fill_cards([])
    assert len(queries) == 0


def test_a_card_shows_its_domains_languages_and_places(client, offers):
    response = client.get(reverse("directory:list"))

    html = response.content.decode()
    assert "<dd>Frans, Nederlands</dd>" in html
    assert "<dd>Sint-Niklaas, Temse</dd>" in html
    assert "<dd>geen vast adres</dd>" in html
    assert "<dd>Lage kostprijs</dd>" in html
