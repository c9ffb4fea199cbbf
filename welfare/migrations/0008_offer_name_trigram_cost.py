"""Typo-tolerant search through the GIN trigram index of 0003 again, not the GiST index of 0005.

See welfare/trigram_planning.py: once the planner knows what the `%>` function costs, it reads
the GIN index at every size, which is faster than the GiST one at Flanders scale. The GiST index
is dropped only where the cost could be set; without it the planner would scan every offer.
PostgreSQL only; the migration state does not change.
"""

from django.db import migrations

from welfare.trigram_planning import ensure_trigram_cost

GIST = "welfare_offer_name_trgm_gist"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql" and ensure_trigram_cost(connection):
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIST}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {GIST} ON welfare_offer USING gist (name gist_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0007_offer_comes_to_the_family"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
