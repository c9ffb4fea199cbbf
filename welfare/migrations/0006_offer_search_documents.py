"""Stored full-text vectors of the offers, for the directory search (PostgreSQL only).

The search ranks every matching offer, and parsing each one's text again per search cost about
20 ms for 400 matches at 30,000 offers (bench/, docs/performance.md). The vectors now live in
their own narrow table, welfare_offer_search (offer_id, document), kept in step by triggers on
welfare_offer. Not a generated column on welfare_offer: that doubles the width of its rows, and
every query that scans offers (the matching's candidates) read twice the pages.

`document` is exactly what `welfare.search.offer_vector()` computes (the expression indexed by
0003). The GIN index keeps the name welfare_offer_search_nl and moves from that expression to
the stored vector. No foreign key, so that Django's flush can still TRUNCATE welfare_offer: a
TRUNCATE trigger empties the table along with it. The migration state does not change.
"""

from django.db import migrations

from welfare.migration_operations import PostgresOnlySQL

DOCUMENT = (
    "setweight(to_tsvector('dutch'::regconfig, COALESCE(name, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, COALESCE(description, '') || ' ' || COALESCE(next_steps, '')), 'B')"
)
OLD_INDEX = f"CREATE INDEX IF NOT EXISTS welfare_offer_search_nl ON welfare_offer USING gin (({DOCUMENT}))"

FORWARDS = [
    "DROP INDEX IF EXISTS welfare_offer_search_nl",
    "CREATE TABLE welfare_offer_search (offer_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    f"""
    CREATE FUNCTION welfare_offer_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id <> NEW.id) THEN
            DELETE FROM welfare_offer_search WHERE offer_id = OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO welfare_offer_search (offer_id, document)
            SELECT NEW.id, {DOCUMENT} FROM (SELECT NEW.name, NEW.description, NEW.next_steps) AS offer
            ON CONFLICT (offer_id) DO UPDATE SET document = EXCLUDED.document;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION welfare_offer_search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE welfare_offer_search;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER welfare_offer_search_insert AFTER INSERT OR DELETE ON welfare_offer "
    "FOR EACH ROW EXECUTE FUNCTION welfare_offer_search_sync()",
    "CREATE TRIGGER welfare_offer_search_update AFTER UPDATE ON welfare_offer FOR EACH ROW "
    "WHEN ((OLD.id, OLD.name, OLD.description, OLD.next_steps) IS DISTINCT FROM "
    "(NEW.id, NEW.name, NEW.description, NEW.next_steps)) EXECUTE FUNCTION welfare_offer_search_sync()",
    "CREATE TRIGGER welfare_offer_search_truncate AFTER TRUNCATE ON welfare_offer "
    "FOR EACH STATEMENT EXECUTE FUNCTION welfare_offer_search_truncate()",
    f"INSERT INTO welfare_offer_search (offer_id, document) SELECT id, {DOCUMENT} FROM welfare_offer",
    "CREATE INDEX welfare_offer_search_nl ON welfare_offer_search USING gin (document)",
    "ANALYZE welfare_offer_search",
]
BACKWARDS = [
    "DROP TRIGGER welfare_offer_search_truncate ON welfare_offer",
    "DROP TRIGGER welfare_offer_search_update ON welfare_offer",
    "DROP TRIGGER welfare_offer_search_insert ON welfare_offer",
    "DROP FUNCTION welfare_offer_search_truncate()",
    "DROP FUNCTION welfare_offer_search_sync()",
    "DROP TABLE welfare_offer_search",
    OLD_INDEX,
]



class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0005_offer_name_trgm_gist"),
    ]

    operations = [PostgresOnlySQL(sql=FORWARDS, reverse_sql=BACKWARDS)]
