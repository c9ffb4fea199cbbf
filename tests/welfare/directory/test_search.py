"""Free-text search in the directory, on PostgreSQL (Dutch full text + trigrams) and SQLite."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from welfare.models import Offer
from welfare.search import search_offers, words

pytestmark = pytest.mark.django_db

URL = reverse("directory:list")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search features")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")


def names(response) -> list[str]:
    return [offer.name for offer in response.context["offers"]]


@pytest.fixture
def offers(db):
    factories.OfferFactory(
        name="Huiswerkbegeleiding",
        description="Kinderen maken samen hun huiswerk met een vrijwilliger.",
        next_steps="Kom langs op woensdagnamiddag.",
    )
    factories.OfferFactory(
        name="Opvoedingsondersteuning",
        description="Praten over opvoeden en opgroeien.",
        next_steps="Maak een afspraak.",
    )
    factories.OfferFactory(
        name="Voedselpakketten",
        description="Wekelijks een pakket met eten.",
        next_steps="Breng je attest mee.",
        organisation=factories.OrganisationFactory(name="Sociaal Kruidenierswinkel Het Mandje"),
    )


def test_search_finds_a_word_in_the_name(client, offers):
    assert names(client.get(URL, {"q": "huiswerkbegeleiding"})) == ["Huiswerkbegeleiding"]


def test_search_finds_words_in_description_and_next_steps(client, offers):
    assert names(client.get(URL, {"q": "vrijwilliger"})) == ["Huiswerkbegeleiding"]
    assert names(client.get(URL, {"q": "attest"})) == ["Voedselpakketten"]


def test_search_finds_the_organisation_name(client, offers):
    assert names(client.get(URL, {"q": "mandje"})) == ["Voedselpakketten"]


def test_search_is_case_insensitive_and_ignores_extra_spaces(client, offers):
    assert names(client.get(URL, {"q": "  HUISWERKBEGELEIDING  "})) == ["Huiswerkbegeleiding"]


def test_every_word_must_match(client, offers):
    assert names(client.get(URL, {"q": "opvoeden afspraak"})) == ["Opvoedingsondersteuning"]
    assert names(client.get(URL, {"q": "opvoeden attest"})) == []


def test_name_matches_rank_above_description_matches(client):
    factories.OfferFactory(name="Taalcafé", description="Samen Nederlands oefenen bij een koffie.")
    factories.OfferFactory(name="Speelpleinwerking", description="Spelen in de vakantie, ook een taalcafé voor ouders.")
    assert names(client.get(URL, {"q": "taalcafé"})) == ["Taalcafé", "Speelpleinwerking"]


def test_search_combines_with_filters(client, offers):
    factories.OfferFactory(name="Huiswerkbegeleiding betalend", cost="paid")
    assert names(client.get(URL, {"q": "huiswerkbegeleiding", "cost": "paid"})) == ["Huiswerkbegeleiding betalend"]


def test_search_only_searches_public_offers(client):
    factories.OfferFactory(name="Huiswerkbegeleiding", is_active=False)
    assert names(client.get(URL, {"q": "huiswerkbegeleiding"})) == []


def test_relevance_is_the_default_order_when_searching(client, offers):
    response = client.get(URL, {"q": "huiswerk"})
    assert response.context["sort"] == "relevance"
    assert client.get(URL).context["sort"] == "name"


def test_words_are_limited_and_deduplicated():
    assert words("  Huiswerk huiswerk, BEGELEIDING!  ") == ["huiswerk", "begeleiding"]
    assert len(words(" ".join(f"w{i}" for i in range(50)))) == 8


@sqlite_only
def test_sqlite_fallback_matches_parts_of_words(client, offers):
    # No stemming on SQLite: a substring of a compound word still finds it.
    assert names(client.get(URL, {"q": "huiswerk"})) == ["Huiswerkbegeleiding"]
    assert names(client.get(URL, {"q": "kruideniers"})) == ["Voedselpakketten"]


def test_fallback_and_postgres_agree_on_whole_words(offers):
    found = search_offers(Offer.objects.public(), "opvoeden")
    assert [offer.name for offer in found.order_by("-relevance")] == ["Opvoedingsondersteuning"]


@postgres_only
def test_a_typo_still_finds_the_offer_on_postgres(client, offers):
    assert names(client.get(URL, {"q": "huiswerkbegleiding"})) == ["Huiswerkbegeleiding"]


@postgres_only
def test_dutch_stemming_on_postgres(client, offers):
    # "pakket" finds "pakketten" through the Dutch stemmer.
    assert names(client.get(URL, {"q": "pakket"})) == ["Voedselpakketten"]


@postgres_only
def test_search_indexes_exist_on_postgres():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN "
            "('welfare_offer_name_trgm', 'welfare_offer_search_nl', 'welfare_organisation_name_search_nl')"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "welfare_offer_name_trgm",
            "welfare_offer_search_nl",
            "welfare_organisation_name_search_nl",
        }


@postgres_only
def test_the_full_text_condition_can_use_its_index():
    factories.OfferFactory(name="Huiswerkbegeleiding")
    with CaptureQueriesContext(connection) as captured:
        search_offers(Offer.objects.public(), "huiswerk")
    (matching,) = [query["sql"] for query in captured.captured_queries if "UNION" in query["sql"]]
    with connection.cursor() as cursor:
        # With a handful of rows the planner may walk the primary key and filter instead: take
        # that choice away too, so the plan shows which indexes the conditions can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {matching}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "welfare_offer_search_nl" in plan
    assert "welfare_organisation_name_search_nl" in plan


@postgres_only
def test_names_that_only_look_alike_are_not_found_when_the_words_are(client, offers):
    factories.OfferFactory(name="Budgetbegeleiding", description="Hulp bij je budget.")
    assert names(client.get(URL, {"q": "huiswerkbegeleiding"})) == ["Huiswerkbegeleiding"]
    # Misspelt, nothing matches the words: then names like it are found, the closest first.
    assert names(client.get(URL, {"q": "huiswerkbegleiding"}))[0] == "Huiswerkbegeleiding"


@postgres_only
def test_the_typo_tolerant_search_reads_the_trigram_index_and_only_after_nothing_was_found(offers):
    with CaptureQueriesContext(connection) as captured:
        search_offers(Offer.objects.public(), "huiswerk")
    assert not any("%>" in query["sql"] for query in captured.captured_queries)
    with CaptureQueriesContext(connection) as captured:
        search_offers(Offer.objects.public(), "huiswerkbegleiding")
    (typo_tolerant,) = [query["sql"] for query in captured.captured_queries if "%>" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {typo_tolerant}")
        assert "welfare_offer_name_trgm" in "\n".join(row[0] for row in cursor.fetchall())
