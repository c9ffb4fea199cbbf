"""The typo-tolerant search reads the GIN trigram index, at any size (PostgreSQL only).

pg_trgm tells the planner its `%>` function is nearly free; welfare.trigram_planning tells it the
truth after every migrate, and migration 0008 dropped the GiST index that was the workaround."""

import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from tests import factories
from welfare.models import Offer
from welfare.trigram_planning import COST, FUNCTION, ensure_trigram_cost, trigram_cost

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm exists on PostgreSQL only"),
]

WORDS = ["Speelplein", "Taal", "Voedsel", "Opvoeding", "Kinder", "Sport", "Muziek", "Budget", "Woon", "Gezins"]
PARTS = ["werking", "café", "bank", "winkel", "opvang", "club", "atelier", "hulp", "punt", "coaching"]


def region_names(n: int) -> list[str]:
    """Names as varied as a region's, with a huiswerkbegeleiding among every hundred or so."""
    names = [f"{WORDS[i % 10]}{PARTS[i // 10 % 10]} {i // 100}" for i in range(n)]
    return [("Huiswerkbegeleiding " + str(i)) if i % 97 == 0 else name for i, name in enumerate(names)]


def typo_tolerant_plan() -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT id FROM welfare_offer WHERE name %> 'huiswerkbegleiding'")
        return "\n".join(row[0] for row in cursor.fetchall())


def set_cost(value: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER FUNCTION {FUNCTION} COST {value}")  # undone with the test's transaction


def indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'welfare_offer' AND indexname LIKE '%trgm%'")
        return {row[0] for row in cursor.fetchall()}


def test_after_migrate_the_planner_knows_the_cost_and_only_the_gin_index_is_left():
    assert trigram_cost(connection) == COST
    assert indexes() == {"welfare_offer_name_trgm"}


def test_a_small_region_searches_through_the_index_not_by_reading_every_offer():
    organisation = factories.OrganisationFactory()
    Offer.objects.bulk_create(
        Offer(organisation=organisation, name=name, cost="free", access_walk_in=True) for name in region_names(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE welfare_offer")
    assert "welfare_offer_name_trgm" in typo_tolerant_plan()
    set_cost(1)  # what pg_trgm declares, and what a restored database has before `migrate`
    assert "Seq Scan on welfare_offer" in typo_tolerant_plan()


def test_migrate_sets_the_cost_again_after_a_restore_lost_it():
    set_cost(1)
    call_command("migrate", verbosity=0, interactive=False)
    assert trigram_cost(connection) == COST


def test_a_database_user_who_does_not_own_pg_trgm_gets_a_warning_not_an_error(caplog):
    role = f"brugwijzer_not_owner_{uuid.uuid4().hex[:12]}"
    set_cost(1)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role}")  # undone with the test's transaction
        cursor.execute(f"SET LOCAL ROLE {role}")
    assert ensure_trigram_cost(connection) is False
    assert trigram_cost(connection) == 1
    assert "may not set the cost" in caplog.text
