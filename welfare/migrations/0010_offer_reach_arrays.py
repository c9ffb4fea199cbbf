"""Each offer's life domains and service area as arrays on its own row, for matching (PostgreSQL only).

The matching sorts its candidates by an upper bound of their score, computed in SQL
(`bridge.candidates.upper_bound`). Two of its parts looked up the offer's other tables row by row:
how many of the need's life domains the offer covers, and whether its service area names the
school's municipality. At 30,000 offers that is about 2,500 index look-ups per request, 7–8 ms of
the candidate query (docs/performance.md). With the ids on the row they are plain expressions.

welfare_offer.reach_domains and welfare_offer.reach_areas are not Django fields: Django neither
writes nor reads them; `welfare_offer_reach_refresh` of 0009, which runs whenever an offer's life
domains, service area or locations change, keeps them in step. The migration state does not change.
"""

from django.db import migrations

from welfare.migration_operations import PostgresOnlySQL

ARRAYS = (
    "reach_domains = ARRAY(SELECT lifedomain_id FROM welfare_offer_life_domains d"
    " WHERE d.offer_id = welfare_offer.id ORDER BY 1), "
    "reach_areas = ARRAY(SELECT municipality_id FROM welfare_offer_service_area a"
    " WHERE a.offer_id = welfare_offer.id ORDER BY 1)"
)

REFRESH = f"""
    CREATE OR REPLACE FUNCTION welfare_offer_reach_refresh(offers bigint[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM welfare_offer_reach WHERE offer_id = ANY (offers);
        INSERT INTO welfare_offer_reach SELECT * FROM welfare_offer_reach_source WHERE offer_id = ANY (offers);
        UPDATE welfare_offer SET {ARRAYS} WHERE id = ANY (offers);
    END
    $$
"""
REBUILD = f"""
    CREATE OR REPLACE FUNCTION welfare_offer_reach_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE welfare_offer_reach;
        INSERT INTO welfare_offer_reach SELECT * FROM welfare_offer_reach_source;
        UPDATE welfare_offer SET {ARRAYS} WHERE reach_domains <> '{{}}' OR reach_areas <> '{{}}';
        RETURN NULL;
    END
    $$
"""
OLD_REFRESH = """
    CREATE OR REPLACE FUNCTION welfare_offer_reach_refresh(offers bigint[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM welfare_offer_reach WHERE offer_id = ANY (offers);
        INSERT INTO welfare_offer_reach SELECT * FROM welfare_offer_reach_source WHERE offer_id = ANY (offers);
    END
    $$
"""
OLD_REBUILD = """
    CREATE OR REPLACE FUNCTION welfare_offer_reach_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE welfare_offer_reach;
        INSERT INTO welfare_offer_reach SELECT * FROM welfare_offer_reach_source;
        RETURN NULL;
    END
    $$
"""

FORWARDS = [
    "ALTER TABLE welfare_offer ADD COLUMN reach_domains bigint[] NOT NULL DEFAULT '{}', "
    "ADD COLUMN reach_areas bigint[] NOT NULL DEFAULT '{}'",
    REFRESH,
    REBUILD,
    f"UPDATE welfare_offer SET {ARRAYS}",
]
BACKWARDS = [
    OLD_REBUILD,
    OLD_REFRESH,
    "ALTER TABLE welfare_offer DROP COLUMN reach_areas, DROP COLUMN reach_domains",
]


class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0009_offer_reach"),
    ]

    operations = [PostgresOnlySQL(sql=FORWARDS, reverse_sql=BACKWARDS)]
