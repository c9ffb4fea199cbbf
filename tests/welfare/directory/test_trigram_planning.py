"""The typo-tolerant search reads the GIN trigram index, also in a small region (PostgreSQL only).

Migration 0008 dropped the GiST index that made up for the planner scanning every offer; what
makes it read the GIN index now is the random_page_cost the portal's connections ask for."""

import pytest
from django.db import connection

from tests import factories
from welfare.models import Offer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm exists on PostgreSQL only"),
]

WORDS = ["Speelplein", "Taal", "Voedsel", "Opvoeding", "Kinder", "Sport", "Muziek", "Budget", "Woon", "Gezins"]
# An offer's description is a few sentences: the rows fill pages as a region's do.
DESCRIPTION = (
    "Kinderen en jongeren komen na school samen om te spelen, te sporten of hun huiswerk te maken, "
    "begeleid door vrijwilligers en een jeugdwerker. Ouders zijn welkom voor een gesprek; wie de "
    "bijdrage niet kan betalen, vraagt een vermindering aan. Aanmelden kan ter plaatse of per telefoon."
)
PARTS = ["werking", "café", "bank", "winkel", "opvang", "club", "atelier", "hulp", "punt", "coaching"]


def region_names(n: int) -> list[str]:
    """Names as varied as a region's, with a huiswerkbegeleiding among every hundred or so."""
    names = [f"{WORDS[i % 10]}{PARTS[i // 10 % 10]} {i // 100}" for i in range(n)]
    return [("Huiswerkbegeleiding " + str(i)) if i % 97 == 0 else name for i, name in enumerate(names)]


def typo_tolerant_plan() -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT id FROM welfare_offer WHERE name %> 'huiswerkbegleiding'")
        return "\n".join(row[0] for row in cursor.fetchall())


def indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'welfare_offer' AND indexname LIKE '%trgm%'")
        return {row[0] for row in cursor.fetchall()}


def test_only_the_gin_trigram_index_is_left():
    assert indexes() == {"welfare_offer_name_trgm"}


def test_a_small_region_searches_through_the_index_not_by_reading_every_offer():
    organisation = factories.OrganisationFactory()
    Offer.objects.bulk_create(
        Offer(organisation=organisation, name=name, description=DESCRIPTION, cost="free", access_walk_in=True)
        for name in region_names(3000)
    )
    with connection.cursor() as cursor:
        # The index as a maintained database has it: the test database's carries the pages of
        # every offer earlier tests wrote and rolled back (no VACUUM inside a test), and the new
        # offers wait in its pending list. Either makes it look dearer than it is.
        cursor.execute("REINDEX INDEX welfare_offer_name_trgm")
        cursor.execute("ANALYZE welfare_offer")
    assert "welfare_offer_name_trgm" in typo_tolerant_plan()
