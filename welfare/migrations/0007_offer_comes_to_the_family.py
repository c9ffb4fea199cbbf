"""A partial index of the active offers that come to the family, for matching (PostgreSQL only).

An offer that comes to the family (outreach, at school, online) and names no service area is a
candidate for every need in Flanders (`bridge.candidates.candidate_offers`). Finding those meant
reading every offer: at 30,000 offers (bench/, docs/performance.md) the heap scan of the offers
was the largest part of the candidate query. With this index PostgreSQL reads only the index of
the offers that come to the family (about a third), without touching the offers' rows. The
migration state does not change.
"""

from django.db import migrations

from welfare.migration_operations import PostgresOnlySQL



class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0006_offer_search_documents"),
    ]

    operations = [
        PostgresOnlySQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS welfare_offer_comes_to_the_family ON welfare_offer (id) "
                "WHERE is_active AND (access_outreach OR access_at_school OR access_online)"
            ),
            reverse_sql="DROP INDEX IF EXISTS welfare_offer_comes_to_the_family",
        ),
    ]
