"""A GiST trigram index on offer names, for the directory's typo-tolerant search (PostgreSQL only).

`welfare.search` finds offers whose name is word-similar to the query (`name %> 'query'`). With
only the GIN index of 0003 the planner scanned every offer instead: at 30,000 offers (bench/,
docs/performance.md) that one condition cost about half a second a search. It picks this
GiST index by itself, and the condition takes a few milliseconds to tens of milliseconds.
The GIN index stays for the other trigram lookups. The migration state does not change.
"""

from django.db import migrations

from welfare.migration_operations import PostgresOnlySQL



class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0004_coordinates_both_or_neither"),
    ]

    operations = [
        PostgresOnlySQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS welfare_offer_name_trgm_gist "
                "ON welfare_offer USING gist (name gist_trgm_ops)"
            ),
            reverse_sql="DROP INDEX IF EXISTS welfare_offer_name_trgm_gist",
        ),
    ]
