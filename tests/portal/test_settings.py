"""Settings come from the environment, and a wrong value stops the start with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; django.setup();"
    "from django.conf import settings as s;"
    "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.MAILERS['default']['BACKEND'], s.ALLOWED_HOSTS)"
)


SETTINGS_FROM_ENVIRONMENT = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "CACHE_URL"}


def start(**environ: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_FROM_ENVIRONMENT}
    env.update(environ)
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)


CACHE_PROBE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; django.setup();"
    "from django.core.cache import caches; cache = caches['default']; cache.set('brugwijzer-probe', 'gedeeld', 30);"
    "print(type(cache).__name__, cache.get('brugwijzer-probe'))"
)


def test_one_process_caches_in_its_own_memory_by_default():
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"} | {"DEBUG": "1"}
    result = subprocess.run([sys.executable, "-c", CACHE_PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["LocMemCache", "gedeeld"]


def test_several_processes_share_a_redis_cache_named_by_cache_url():
    """What one process stores (a login attempt count, an import's progress), the next one reads."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"} | {
        "DEBUG": "1",
        "CACHE_URL": "redis://127.0.0.1:6379/7",
    }
    writer = subprocess.run([sys.executable, "-c", CACHE_PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert writer.returncode == 0, writer.stderr
    reader_probe = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; django.setup();"
        "from django.core.cache import cache; print(cache.get('brugwijzer-probe')); cache.delete('brugwijzer-probe')"
    )
    reader = subprocess.run([sys.executable, "-c", reader_probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert reader.returncode == 0, reader.stderr
    assert writer.stdout.split() == ["RedisCache", "gedeeld"]
    assert reader.stdout.strip() == "gedeeld"


def test_development_defaults_to_sqlite_and_console_mail():
    result = start(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "True django.db.backends.sqlite3 django.core.mail.backends.console.EmailBackend" in result.stdout


def test_production_reads_database_mail_and_hosts_from_the_environment():
    result = start(
        DEBUG="0",
        SECRET_KEY="s3cret-for-this-test",
        DATABASE_URL="postgres://brugwijzer@db.example:5432/brugwijzer",
        EMAIL_URL="smtp+tls://user:pass@smtp.example.be:587",
        ALLOWED_HOSTS="brugwijzer.example.be",
    )
    assert result.returncode == 0, result.stderr
    assert "False django.db.backends.postgresql django.core.mail.backends.smtp.EmailBackend" in result.stdout
    assert "['brugwijzer.example.be']" in result.stdout


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DEBUG": "0"}, "SECRET_KEY is not set"),
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL must point to PostgreSQL"),
        ({"DEBUG": "1", "CSRF_TRUSTED_ORIGINS": "brugwijzer.example.be"}, "CSRF_TRUSTED_ORIGINS entries need a scheme"),
        ({"DEBUG": "1", "EMAIL_URL": "pigeon://coo"}, "mail"),
        ({"DEBUG": "1", "CONN_MAX_AGE": "forever"}, "CONN_MAX_AGE must be a whole number"),
        ({"DEBUG": "1", "CACHE_URL": "memcache://127.0.0.1:11211"}, "CACHE_URL must be locmemcache://"),
        ({"DEBUG": "1", "CACHE_URL": "carrier-pigeon://loft"}, "CACHE_URL is not a cache URL"),
    ],
)
def test_an_invalid_value_stops_the_start_with_a_message(environ, message):
    result = start(**environ)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def _manage(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    env["DATABASE_URL"] = "sqlite:////tmp/brugwijzer-settings-test.sqlite3"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_offline_commands_run_without_a_secret_key_but_serving_does_not():
    assert _manage("makemigrations", "--check", "--dry-run").returncode == 0
    refused = _manage("runserver", "--noreload", "127.0.0.1:0")
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr


def test_a_proxy_count_and_a_shared_import_directory_come_from_the_environment():
    probe = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; django.setup();"
        "from django.conf import settings as s;"
        "from portal.data_uploads import upload_dir;"
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, upload_dir())"
    )
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_FROM_ENVIRONMENT} | {
        "DEBUG": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "BRUGWIJZER_IMPORT_DIR": "/tmp/brugwijzer-shared-imports",
    }
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "/tmp/brugwijzer-shared-imports"]
