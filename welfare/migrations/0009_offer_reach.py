"""Where each offer reaches, per life domain, for matching (PostgreSQL only).

An offer is a candidate for a need (`bridge.candidates.candidate_offers`) when it covers one of
the need's life domains and it reaches the school: it serves the school's municipality, has a
site near the school, or comes to the family and names no service area. Found from the offers'
own tables, each of those sets is large at Flanders scale (every offer covering "leren", every
site within 20 km), and the candidates are their intersection: about 25 ms of the matching view
and of the matches API at 30,000 offers for about 1,400 candidates (docs/performance.md).

welfare_offer_reach holds one row per life domain of an offer and per way it reaches, so that
each way is one index range that holds only the offers covering the need's domains:

- way 'e' (everywhere): active, comes to the family, names no service area;
- way 'a' (area): one row per municipality of its service area;
- way 's' (site): one row per located site, with its latitude and longitude.

`has_area` says whether the offer names a service area at all. The rows are what the view
welfare_offer_reach_source gives, kept in step by triggers on the offers, their life domains,
service areas and locations, and the locations' coordinates. Like welfare_offer_search (0006) it
has no foreign key, so that Django's flush can TRUNCATE the offers: a TRUNCATE of any source
table rebuilds it. The migration state does not change.
"""

from django.db import migrations

from welfare.migration_operations import PostgresOnlySQL

JUNCTIONS = ("welfare_offer_life_domains", "welfare_offer_service_area", "welfare_offer_locations")
SOURCES = ("welfare_offer", *JUNCTIONS, "welfare_location")

FORWARDS = [
    """
    CREATE TABLE welfare_offer_reach (
        offer_id bigint NOT NULL,
        lifedomain_id bigint NOT NULL,
        way char(1) NOT NULL CHECK (way IN ('e', 'a', 's')),
        has_area boolean NOT NULL,
        municipality_id bigint,
        latitude double precision,
        longitude double precision
    )
    """,
    """
    CREATE VIEW welfare_offer_reach_source AS
    SELECT d.offer_id, d.lifedomain_id, 'e'::char(1) AS way, false AS has_area,
           NULL::bigint AS municipality_id, NULL::double precision AS latitude, NULL::double precision AS longitude
      FROM welfare_offer_life_domains d JOIN welfare_offer o ON o.id = d.offer_id
     WHERE o.is_active AND (o.access_outreach OR o.access_at_school OR o.access_online)
       AND NOT EXISTS (SELECT 1 FROM welfare_offer_service_area a WHERE a.offer_id = d.offer_id)
    UNION ALL
    SELECT d.offer_id, d.lifedomain_id, 'a', true, a.municipality_id, NULL, NULL
      FROM welfare_offer_life_domains d JOIN welfare_offer_service_area a ON a.offer_id = d.offer_id
    UNION ALL
    SELECT d.offer_id, d.lifedomain_id, 's',
           EXISTS (SELECT 1 FROM welfare_offer_service_area a WHERE a.offer_id = d.offer_id), NULL, l.latitude, l.longitude
      FROM welfare_offer_life_domains d
      JOIN welfare_offer_locations ol ON ol.offer_id = d.offer_id
      JOIN welfare_location l ON l.id = ol.location_id
     WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL
    """,
    """
    CREATE FUNCTION welfare_offer_reach_refresh(offers bigint[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM welfare_offer_reach WHERE offer_id = ANY (offers);
        INSERT INTO welfare_offer_reach SELECT * FROM welfare_offer_reach_source WHERE offer_id = ANY (offers);
    END
    $$
    """,
    """
    CREATE FUNCTION welfare_offer_reach_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE welfare_offer_reach;
        INSERT INTO welfare_offer_reach SELECT * FROM welfare_offer_reach_source;
        RETURN NULL;
    END
    $$
    """,
    # The junction tables, a statement at a time: a bulk insert of thousands of rows refreshes
    # each offer once.
    """
    CREATE FUNCTION welfare_offer_reach_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM welfare_offer_reach_refresh(ARRAY(SELECT DISTINCT offer_id FROM changed));
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION welfare_offer_reach_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM welfare_offer_reach_refresh(
            ARRAY(SELECT offer_id FROM changed UNION SELECT offer_id FROM changed_before)
        );
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION welfare_offer_reach_offer() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM welfare_offer_reach WHERE offer_id = OLD.id;
        ELSE
            PERFORM welfare_offer_reach_refresh(ARRAY[OLD.id, NEW.id]);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION welfare_offer_reach_location() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM welfare_offer_reach_refresh(
            ARRAY(SELECT offer_id FROM welfare_offer_locations WHERE location_id = NEW.id)
        );
        RETURN NULL;
    END
    $$
    """,
    *(
        statement
        for table in JUNCTIONS
        for statement in (
            f"CREATE TRIGGER {table}_reach_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS changed "
            "FOR EACH STATEMENT EXECUTE FUNCTION welfare_offer_reach_changed()",
            f"CREATE TRIGGER {table}_reach_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS changed "
            "FOR EACH STATEMENT EXECUTE FUNCTION welfare_offer_reach_changed()",
            f"CREATE TRIGGER {table}_reach_update AFTER UPDATE ON {table} "
            "REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed "
            "FOR EACH STATEMENT EXECUTE FUNCTION welfare_offer_reach_moved()",
        )
    ),
    "CREATE TRIGGER welfare_offer_reach_update AFTER UPDATE ON welfare_offer FOR EACH ROW "
    "WHEN ((OLD.id, OLD.is_active, OLD.access_outreach, OLD.access_at_school, OLD.access_online) IS DISTINCT FROM "
    "(NEW.id, NEW.is_active, NEW.access_outreach, NEW.access_at_school, NEW.access_online)) "
    "EXECUTE FUNCTION welfare_offer_reach_offer()",
    "CREATE TRIGGER welfare_offer_reach_delete AFTER DELETE ON welfare_offer FOR EACH ROW "
    "EXECUTE FUNCTION welfare_offer_reach_offer()",
    "CREATE TRIGGER welfare_location_reach_update AFTER UPDATE ON welfare_location FOR EACH ROW "
    "WHEN ((OLD.latitude, OLD.longitude) IS DISTINCT FROM (NEW.latitude, NEW.longitude)) "
    "EXECUTE FUNCTION welfare_offer_reach_location()",
    *(
        f"CREATE TRIGGER {table}_reach_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION welfare_offer_reach_rebuild()"
        for table in SOURCES
    ),
    "INSERT INTO welfare_offer_reach SELECT * FROM welfare_offer_reach_source",
    "CREATE INDEX welfare_offer_reach_offer ON welfare_offer_reach (offer_id)",
    "CREATE INDEX welfare_offer_reach_everywhere ON welfare_offer_reach (lifedomain_id, offer_id) WHERE way = 'e'",
    "CREATE INDEX welfare_offer_reach_area ON welfare_offer_reach (municipality_id, lifedomain_id, offer_id) "
    "WHERE way = 'a'",
    "CREATE INDEX welfare_offer_reach_site ON welfare_offer_reach (lifedomain_id, latitude) "
    "INCLUDE (longitude, offer_id) WHERE way = 's'",
    "ANALYZE welfare_offer_reach",
]
BACKWARDS = [
    *(f"DROP TRIGGER {table}_reach_truncate ON {table}" for table in SOURCES),
    "DROP TRIGGER welfare_location_reach_update ON welfare_location",
    "DROP TRIGGER welfare_offer_reach_delete ON welfare_offer",
    "DROP TRIGGER welfare_offer_reach_update ON welfare_offer",
    *(
        f"DROP TRIGGER {table}_reach_{event} ON {table}"
        for table in JUNCTIONS
        for event in ("insert", "delete", "update")
    ),
    "DROP FUNCTION welfare_offer_reach_location()",
    "DROP FUNCTION welfare_offer_reach_offer()",
    "DROP FUNCTION welfare_offer_reach_moved()",
    "DROP FUNCTION welfare_offer_reach_changed()",
    "DROP FUNCTION welfare_offer_reach_rebuild()",
    "DROP FUNCTION welfare_offer_reach_refresh(bigint[])",
    "DROP VIEW welfare_offer_reach_source",
    "DROP TABLE welfare_offer_reach",
]


class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0008_drop_offer_name_trgm_gist"),
    ]

    operations = [PostgresOnlySQL(sql=FORWARDS, reverse_sql=BACKWARDS)]
