"""Production settings pass Django's deployment checks, send cookies only over HTTPS and ask
browsers to keep to HTTPS (HSTS). Each test starts Django in a subprocess with a production
environment: no DEBUG, no test mode."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "brugwijzer.example.be"
# Variables of the developer's or CI's environment that would change what is checked.
CLEARED = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "EMAIL_URL",
    "ALLOWED_HOSTS",
    "BRUGWIJZER_TESTING",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
PROBE = """
import json, os, django
django.setup()
host = os.environ["ALLOWED_HOSTS"]
from django.conf import settings as s
from django.test import Client
client = Client()
secure = client.get("/healthz", headers={"host": host, "x-forwarded-proto": "https"})
plain = client.get("/healthz", headers={"host": host})
print(json.dumps({
    "session_cookie_secure": s.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": s.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_secure": s.CSRF_COOKIE_SECURE,
    "secure_status": secure.status_code,
    "hsts": secure.headers.get("Strict-Transport-Security"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
}))
"""


def production(tmp_path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        **extra,
    )
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_finds_nothing_but_the_hsts_preload_choice(tmp_path):
    """Until the change above is made: W021 is the only finding."""
    result = run(["manage.py", "check", "--deploy"], production(tmp_path))
    assert result.returncode == 0, result.stderr
    findings = [line for line in (result.stdout + result.stderr).splitlines() if "(security." in line]
    assert all("security.W021" in line for line in findings), findings


def test_cookies_are_secure_and_https_is_enforced_in_production(tmp_path):
    result = run(["-c", PROBE], production(tmp_path))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["session_cookie_secure"] is True
    assert seen["session_cookie_httponly"] is True
    assert seen["csrf_cookie_secure"] is True
    assert seen["secure_status"] == 200
    assert seen["hsts"].startswith("max-age=31536000")
    assert "includeSubDomains" in seen["hsts"]
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == f"https://{HOST}/healthz"


def test_hsts_preload_is_an_explicit_choice(tmp_path):
    result = run(["-c", PROBE], production(tmp_path, SECURE_HSTS_PRELOAD="1"))
    assert result.returncode == 0, result.stderr
    assert "preload" in json.loads(result.stdout.strip().splitlines()[-1])["hsts"]
