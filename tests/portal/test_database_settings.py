"""The session settings every PostgreSQL connection of the portal starts with (portal/settings.py)."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL session settings"),
]


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_no_jit_compilation_for_a_pages_queries():
    assert setting("jit") == "off"


def test_the_planner_counts_random_reads_as_memory_reads():
    """The database fits in memory: the planner should probe a city's rows by index, not read
    all of Flanders to hash them."""
    assert float(setting("random_page_cost")) == pytest.approx(1.1)


def test_a_pages_queries_start_no_parallel_workers():
    """Starting workers costs more than a page's millisecond queries gain from them."""
    assert setting("max_parallel_workers_per_gather") == "0"
