"""The stored offer vectors of migration 0006 (PostgreSQL only): kept in step with the offers,
and the search built on them finds and orders exactly what the per-row vectors did."""

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db import connection
from django.db.models import Value

from tests import factories
from welfare.models import Offer, Organisation
from welfare.search import offer_vector, search_offers, words

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="stored vectors exist on PostgreSQL only"),
]


def stored() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT offer_id, document::text FROM welfare_offer_search")
        return dict(cursor.fetchall())


def computed() -> dict[int, str]:
    """What the stored vectors must be: `offer_vector()` of every offer, as text."""
    return {pk: str(vector) for pk, vector in Offer.objects.annotate(vector=offer_vector()).values_list("pk", "vector")}


def test_a_new_offer_gets_its_vector():
    factories.OfferFactory(name="Taalcafé", description="Samen Nederlands oefenen.", next_steps="Kom gerust.")
    Offer.objects.bulk_create(
        [Offer(organisation=factories.OrganisationFactory(), name="Speelplein", cost="free", access_online=True)]
    )
    assert stored() == computed()
    assert len(stored()) == 2


def test_the_vector_follows_changes_to_name_description_and_next_steps():
    offer = factories.OfferFactory(name="Taalcafé", description="Samen Nederlands oefenen.")
    other = factories.OfferFactory(name="Speelplein")
    offer.name = "Huiswerkklas"
    offer.save()
    Offer.objects.filter(pk=other.pk).update(description="Spelen in de vakantie", next_steps="Schrijf je in.")
    Offer.objects.filter(pk=offer.pk).update(cost="paid")  # no searchable field: the trigger skips it
    assert stored() == computed()
    assert "huiswerkklas" in stored()[offer.pk]


def test_deleted_and_truncated_offers_leave_no_vector():
    keep, gone = factories.OfferFactory(), factories.OfferFactory()
    gone.delete()
    assert set(stored()) == {keep.pk}
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending foreign-key checks
        cursor.execute("TRUNCATE welfare_offer CASCADE")  # as Django's flush does; undone with the test
    assert stored() == {}


def previous_search(queryset, text: str):
    """The search before migration 0006: the vectors computed for every row, `IN (UNION)`; names
    like the query only when the words find nothing."""
    text = " ".join(words(text))
    query = SearchQuery(text, config="dutch", search_type="websearch")
    own_text = Offer.objects.annotate(search_nl=offer_vector()).filter(search_nl=query).values("pk")
    organisations = (
        Organisation.objects.annotate(search_nl=SearchVector("name", config="dutch"))
        .filter(search_nl=query)
        .values("pk")
    )
    typo_tolerant = Offer.objects.filter(name__trigram_word_similar=text).values("pk")
    matching = own_text.union(Offer.objects.filter(organisation__in=organisations).values("pk"))
    if not matching.exists():
        matching = typo_tolerant
    return queryset.filter(pk__in=matching).annotate(
        relevance=SearchRank(offer_vector(), query)
        + SearchRank(SearchVector("organisation__name", weight="A", config="dutch"), query)
        + TrigramWordSimilarity(Value(text), "name")
    )


@pytest.fixture
def directory(db):
    mandje = factories.OrganisationFactory(name="Sociaal Kruidenierswinkel Het Mandje")
    taalhuis = factories.OrganisationFactory(name="Taalhuis Gent")
    rows = [
        ("Huiswerkbegeleiding", "Kinderen maken samen hun huiswerk met een vrijwilliger.", "Kom langs.", None),
        ("Huiswerkbegeleiding Gent", "Hulp bij huiswerk en studeren.", "Bel ons.", taalhuis),
        ("Huiswerkklas", "Een rustige plek om huiswerk te maken.", "", None),
        ("Opvoedingsondersteuning", "Praten over opvoeden en opgroeien.", "Maak een afspraak.", None),
        ("Voedselpakketten", "Wekelijks een pakket met eten.", "Breng je attest mee.", mandje),
        ("Taalcafé", "Samen Nederlands oefenen bij een koffie.", "", taalhuis),
        ("Speelpleinwerking", "Spelen in de vakantie, ook een taalcafé voor ouders.", "", None),
        ("Studiebegeleiding", "Begeleiding bij het studeren, ook huiswerkbegeleiding.", "Mail ons.", None),
        ("Huiswerkbegeleiding", "Een tweede aanbod met dezelfde naam.", "", mandje),
    ]
    for name, description, next_steps, organisation in rows:
        extra = {"organisation": organisation} if organisation else {}
        factories.OfferFactory(name=name, description=description, next_steps=next_steps, **extra)
    factories.OfferFactory(name="Huiswerkbegeleiding oud", is_active=False)


@pytest.mark.parametrize(
    "text",
    [
        "huiswerkbegeleiding",
        "huiswerkbegleiding",  # a typo: only the trigram condition finds it
        "huiswerk",
        "mandje",  # the organisation's name
        "taalhuis gent",
        "pakket",  # Dutch stemming
        "opvoeden afspraak",
        "huiswerk -klas",
        '"samen nederlands"',
        "taalcafé or speelplein",
        "de het een",  # stop words only
        "xyzzy",
    ],
)
def test_the_stored_vectors_find_and_order_what_the_computed_ones_did(directory, text):
    ordering = ["-relevance", "name", "pk"]
    now = list(search_offers(Offer.objects.public(), text).order_by(*ordering).values_list("pk", "relevance"))
    before = list(previous_search(Offer.objects.public(), text).order_by(*ordering).values_list("pk", "relevance"))
    assert now == before
    assert search_offers(Offer.objects.public(), text).count() == len(before)


def test_the_search_works_as_a_subquery(directory):
    """Results can be used as `pk IN (...)`, ordered by relevance inside: the stored-vector
    expressions then follow the relabelled table aliases."""
    found = search_offers(Offer.objects.public(), "huiswerk").order_by("-relevance", "name", "pk")
    top = found[:3].values("pk")
    nested = Offer.objects.filter(pk__in=top).order_by("pk")
    assert list(nested.values_list("pk", flat=True)) == sorted(offer.pk for offer in found[:3])
