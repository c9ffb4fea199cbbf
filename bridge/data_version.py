"""A version number of the data behind the dashboard's numbers, so that those numbers can be cached.

The numbers of a municipality's dashboard count all its needs and collaborations and rank every
open need against the offers of Flanders; their cost grows with the data. They are cached under
this version (``bridge.dashboard.municipality_figures``) and computed again as soon as anything
they read changes: a need, an offer, an organisation, a location, a school, a match request, a
collaboration, a barrier, their many-to-many links or the reference lists they point at.

The database itself bumps the version, with a trigger on every one of those tables, so that
conditional ``update()`` transitions, imports, the admin and raw SQL all count, whatever process
made the change:

- PostgreSQL: a sequence, advanced by a row trigger when the row changes and again, deferred, when
  the transaction commits. ``nextval`` takes no lock and is not undone by a rollback, so writers
  never wait on each other; the second bump orphans numbers that a reader computed from the old
  data while the transaction was still open. Every worker and server reads the same sequence.
- SQLite: a one-row counter table, updated in the writer's own transaction (SQLite has one writer
  at a time, so this blocks nobody).

Cached numbers also expire after ``bridge.dashboard.FIGURES_SECONDS`` and at midnight (offers go stale
by the day), which bounds what a change outside these tables (none is known) could leave behind.
"""

from __future__ import annotations

from django.db import connection

NAME = "bridge_data_version"
FUNCTION = "bridge_bump_data_version"

# (app label, model name, many-to-many field or None): the tables whose rows the dashboard's numbers read.
WATCHED = (
    ("families", "FamilyNeed", None),
    ("families", "FamilyNeed", "life_domains"),
    ("families", "FamilyNeed", "home_languages"),
    ("families", "LifeDomain", None),
    ("welfare", "Offer", None),
    ("welfare", "Offer", "life_domains"),
    ("welfare", "Offer", "languages"),
    ("welfare", "Offer", "service_area"),
    ("welfare", "Offer", "locations"),
    ("welfare", "Organisation", None),
    ("welfare", "Location", None),
    ("schools", "School", None),
    ("bridge", "MatchRequest", None),
    ("bridge", "Collaboration", None),
    ("bridge", "Collaboration", "needs"),
    ("bridge", "Collaboration", "organisations"),
    ("bridge", "Barrier", None),
    ("portal", "Municipality", None),
    ("portal", "Language", None),
)


def watched_tables(apps) -> list[str]:
    """The database tables of WATCHED, from `apps` (the live registry or a migration's)."""
    tables = []
    for app_label, model_name, field in WATCHED:
        model = apps.get_model(app_label, model_name)
        if field is not None:
            model = model._meta.get_field(field).remote_field.through
        tables.append(model._meta.db_table)
    return tables


def install(schema_editor, tables: list[str]) -> None:
    """The version and its triggers on `tables` (idempotent)."""
    quote = schema_editor.quote_name
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute(f"CREATE SEQUENCE IF NOT EXISTS {NAME}")
        execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM nextval('{NAME}'); RETURN NULL; END $$"
        )
        for table in tables:
            for suffix, timing in (("now", ""), ("commit", "DEFERRABLE INITIALLY DEFERRED")):
                trigger = quote(f"{NAME}_{suffix}")
                execute(f"DROP TRIGGER IF EXISTS {trigger} ON {quote(table)}")
                kind = "CONSTRAINT TRIGGER" if timing else "TRIGGER"
                execute(
                    f"CREATE {kind} {trigger} AFTER INSERT OR UPDATE OR DELETE ON {quote(table)} {timing} "
                    f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
                )
        return
    execute(f"CREATE TABLE IF NOT EXISTS {NAME} (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)")
    execute(f"INSERT OR IGNORE INTO {NAME} (id, value) VALUES (1, 0)")
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            trigger = quote(f"{NAME}_{table}_{event.lower()}")
            execute(f"DROP TRIGGER IF EXISTS {trigger}")
            execute(
                f"CREATE TRIGGER {trigger} AFTER {event} ON {quote(table)} "
                f"BEGIN UPDATE {NAME} SET value = value + 1 WHERE id = 1; END"
            )


def uninstall(schema_editor, tables: list[str]) -> None:
    quote = schema_editor.quote_name
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in tables:
            for suffix in ("now", "commit"):
                execute(f"DROP TRIGGER IF EXISTS {quote(f'{NAME}_{suffix}')} ON {quote(table)}")
        execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        execute(f"DROP SEQUENCE IF EXISTS {NAME}")
        return
    for table in tables:
        for event in ("insert", "update", "delete"):
            execute(f"DROP TRIGGER IF EXISTS {quote(f'{NAME}_{table}_{event}')}")
    execute(f"DROP TABLE IF EXISTS {NAME}")


def current() -> int:
    """The version now: it changes whenever a watched table changes (one small query)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT last_value + is_called::int FROM {NAME}")
        else:
            cursor.execute(f"SELECT value FROM {NAME} WHERE id = 1")
        return cursor.fetchone()[0]
