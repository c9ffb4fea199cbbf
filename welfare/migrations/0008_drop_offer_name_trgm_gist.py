"""Typo-tolerant search through the GIN trigram index of 0003 again: the GiST index of 0005 goes.

0005 added the GiST index because the planner scanned every offer of a small region for
`name %> 'query'` (15 ms at 3,000 offers) rather than read the GIN index (1 ms): pg_trgm declares
the function behind `%>` as cheap as a comparison, and the default random_page_cost (4, for
spinning disks) made the index look dear. The portal's connections now ask for
random_page_cost=1.1 (portal/settings.py; the database stays in memory), and the planner reads
the GIN index at every size, faster than the GiST one at Flanders scale (6–9 ms against 16 ms at
30,000 offers, docs/performance.md). PostgreSQL only; the migration state does not change.
"""

from django.db import migrations

from welfare.migration_operations import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0007_offer_comes_to_the_family"),
    ]

    operations = [
        PostgresOnlySQL(
            sql="DROP INDEX IF EXISTS welfare_offer_name_trgm_gist",
            reverse_sql=(
                "CREATE INDEX IF NOT EXISTS welfare_offer_name_trgm_gist ON welfare_offer USING gist (name gist_trgm_ops)"
            ),
        ),
    ]
