"""A backup is only as good as its restore: bin/backup and bin/restore, exercised end to end.

On PostgreSQL the demo region is dumped with bin/backup (pg_dump, custom format), restored with
bin/restore (pg_restore) into a fresh database, and the copy is compared with the original:
row counts of the tables that matter, one need in full, a login's password hash and second
factor, the migration history (so `migrate --check` passes on the copy) and the PostgreSQL-only
search index. The SQLite demo database goes through the same scripts with sqlite3's `.backup`.
docs/backup.md describes the procedure these tests follow.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import connection
from psycopg2 import sql

from bridge.models import Collaboration, LearningEntry, MatchRequest
from families.models import FamilyNeed, LifeDomain
from portal.audit import record
from portal.demo import seed_demo
from portal.models import AuditEvent, Membership, Municipality, PostalCode, User
from portal.security import activate_demo_totp
from schools.models import School
from welfare.models import Location, Offer, Organisation

ROOT = Path(__file__).resolve().parents[2]
BACKUP, RESTORE = str(ROOT / "bin" / "backup"), str(ROOT / "bin" / "restore")

KEY_MODELS = [
    Municipality,
    PostalCode,
    LifeDomain,
    User,
    EmailAddress,
    Authenticator,
    Membership,
    School,
    Organisation,
    Location,
    Offer,
    FamilyNeed,
    FamilyNeed.life_domains.through,
    MatchRequest,
    Collaboration,
    LearningEntry,
    AuditEvent,
]

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump/pg_restore back up PostgreSQL; set DATABASE_URL=postgres://… to run this test",
)
# Commits for pg_dump to see. Only where the test runs: a skipped test marked transactional would
# still have tests/conftest.py reload reference data after it, into a database never set up.
committed_db = pytest.mark.django_db(transaction=True) if connection.vendor == "postgresql" else pytest.mark.postgres
needs_pg_tools = pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")),
    reason="the PostgreSQL client tools (pg_dump, pg_restore, psql) are not installed",
)


def _database_url(name: str) -> str:
    """A libpq URL for database `name` on the server and with the credentials the tests use."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings["HOST"] or ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgresql://{credentials}{host}{port}/{quote(name, safe='')}"


def _run(command: list[str], **environ: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(environ)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def fresh_database():
    """An empty database next to the test database, dropped afterwards whatever happened."""
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    admin = psycopg2.connect(_database_url("postgres"))
    admin.autocommit = True
    statements = [
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
        sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)),
    ]
    try:
        with admin.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(statements[0])
        admin.close()


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for model in KEY_MODELS:
        table = model._meta.db_table
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


NEED_IN_FULL = """
    SELECT n.title, n.description, n.status, n.urgency, n.family_count, n.age_min, n.age_max,
           s.name, n.created_at,
           (SELECT array_agg(d.slug ORDER BY d.slug) FROM families_familyneed_life_domains nd
              JOIN families_lifedomain d ON d.id = nd.lifedomain_id WHERE nd.familyneed_id = n.id)
    FROM families_familyneed n JOIN schools_school s ON s.id = n.school_id WHERE n.id = %s
"""
LOGIN = """
    SELECT u.email, u.password, u.is_moderator, a.type, a.data::text
    FROM portal_user u JOIN mfa_authenticator a ON a.user_id = u.id AND a.type = 'totp' WHERE u.email = %s
"""


def _snapshot(cursor, *, need_id: int, email: str) -> dict:
    cursor.execute(NEED_IN_FULL, [need_id])
    need = cursor.fetchone()
    cursor.execute(LOGIN, [email])
    login = cursor.fetchone()
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = cursor.fetchall()
    cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'welfare%'")
    indexes = sorted(row[0] for row in cursor.fetchall())
    return {"counts": _counts(cursor), "need": need, "login": login, "migrations": migrations, "indexes": indexes}


@pytest.mark.postgres
@on_postgres
@needs_pg_tools
@committed_db
def test_a_backup_restores_into_a_fresh_database_with_the_same_data(tmp_path, fresh_database):
    seed_demo(with_accounts=True)
    need = FamilyNeed.objects.filter(life_domains__isnull=False).order_by("pk").first()
    broker = User.objects.get(email="clb@demo.brugwijzer.be")
    activate_demo_totp(broker)
    record(actor=broker, action=AuditEvent.Action.UPDATE, obj=need, changes={"title": ["before", need.title]})
    with connection.cursor() as cursor:
        original = _snapshot(cursor.cursor, need_id=need.pk, email="clb@demo.brugwijzer.be")
    # Every compared table has rows, and the PostgreSQL-only search indexes exist, so the
    # comparison below can tell a complete restore from an empty or partial one.
    assert all(original["counts"].values()), original["counts"]
    assert original["login"] is not None
    assert {"welfare_offer_name_trgm", "welfare_offer_search_nl"} <= set(original["indexes"])

    backup = _run([BACKUP, str(tmp_path)], DATABASE_URL=_database_url(connection.settings_dict["NAME"]))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.parent == tmp_path and dump.name.endswith(".dump")
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format, which pg_restore reads
    assert dump.stat().st_mode & 0o077 == 0, "a backup holds password hashes and TOTP secrets: owner only"

    restore = _run([RESTORE, str(dump)], DATABASE_URL=_database_url(fresh_database))
    assert restore.returncode == 0, restore.stderr

    with psycopg2.connect(_database_url(fresh_database)) as restored, restored.cursor() as cursor:
        copy = _snapshot(cursor, need_id=need.pk, email="clb@demo.brugwijzer.be")
        cursor.execute("SELECT similarity('huiswerkbegleiding', 'huiswerkbegeleiding') > 0.5")
        trigram_search_works = cursor.fetchone()[0]
    restored.close()

    assert copy["counts"] == original["counts"]
    assert copy["need"] == original["need"]
    assert copy["login"] == original["login"]
    assert copy["migrations"] == original["migrations"]
    assert copy["indexes"] == original["indexes"]
    assert trigram_search_works

    # The code's migrations all count as applied on the copy: it can serve at once.
    check = _run(
        [sys.executable, "manage.py", "migrate", "--check", "--no-input"], DATABASE_URL=_database_url(fresh_database)
    )
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.postgres
@on_postgres
@needs_pg_tools
@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    """Restoring over live data would mix two states of the portal: the script stops instead."""
    url = _database_url(connection.settings_dict["NAME"])
    backup = _run([BACKUP, str(tmp_path)], DATABASE_URL=url)
    assert backup.returncode == 0, backup.stderr

    restore = _run([RESTORE, backup.stdout.strip()], DATABASE_URL=url)

    assert restore.returncode == 1
    assert "restore into a new, empty one" in restore.stderr


@pytest.mark.skipif(not shutil.which("sqlite3"), reason="the sqlite3 command-line tool is not installed")
def test_the_sqlite_demo_database_is_backed_up_and_restored(tmp_path):
    """The demo's SQLite file goes through sqlite3's online backup, not a plain copy."""
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE school (name TEXT)")
        db.execute("INSERT INTO school VALUES ('Basisschool De Brug')")
    db.close()
    backups = tmp_path / "backups"
    backups.mkdir()

    backup = _run([BACKUP, str(backups)], DATABASE_URL=f"sqlite:///{database}")
    assert backup.returncode == 0, backup.stderr
    copy = Path(backup.stdout.strip())
    assert copy.parent == backups and copy.name.endswith(".sqlite3")

    restored = tmp_path / "restored.sqlite3"
    restore = _run([RESTORE, str(copy)], DATABASE_URL=f"sqlite:///{restored}")
    assert restore.returncode == 0, restore.stderr
    with sqlite3.connect(restored) as db:
        assert db.execute("SELECT name FROM school").fetchall() == [("Basisschool De Brug",)]
    db.close()

    again = _run([RESTORE, str(copy)], DATABASE_URL=f"sqlite:///{restored}")
    assert again.returncode == 1 and "exists" in again.stderr
