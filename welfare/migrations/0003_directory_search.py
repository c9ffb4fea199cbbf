"""Search indexes for the public directory, on PostgreSQL only.

pg_trgm gives typo-tolerant matching on offer names ("huiswerkbegleiding" finds
"Huiswerkbegeleiding"); the functional GIN indexes hold the Dutch full-text vectors that
`welfare.search` builds. Their expressions are exactly the ones Django compiles for
`SearchVector(..., config="dutch")`, so the planner can use them. SQLite has neither feature:
there these operations do nothing and the search falls back to plain substring matching.
The migration state does not change, so the models stay the single source of truth.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from welfare.migration_operations import PostgresOnlySQL

OFFER_VECTOR = (
    "(setweight(to_tsvector('dutch'::regconfig, COALESCE(name, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, COALESCE(description, '') || ' ' || COALESCE(next_steps, '')), 'B'))"
)
ORGANISATION_VECTOR = "to_tsvector('dutch'::regconfig, COALESCE(name, ''))"



class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0002_registration_and_corrections"),
    ]

    operations = [
        TrigramExtension(),
        PostgresOnlySQL(
            sql="CREATE INDEX IF NOT EXISTS welfare_offer_name_trgm ON welfare_offer USING gin (name gin_trgm_ops)",
            reverse_sql="DROP INDEX IF EXISTS welfare_offer_name_trgm",
        ),
        PostgresOnlySQL(
            sql=f"CREATE INDEX IF NOT EXISTS welfare_offer_search_nl ON welfare_offer USING gin ({OFFER_VECTOR})",
            reverse_sql="DROP INDEX IF EXISTS welfare_offer_search_nl",
        ),
        PostgresOnlySQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS welfare_organisation_name_search_nl "
                f"ON welfare_organisation USING gin ({ORGANISATION_VECTOR})"
            ),
            reverse_sql="DROP INDEX IF EXISTS welfare_organisation_name_search_nl",
        ),
    ]
