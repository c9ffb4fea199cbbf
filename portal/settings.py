"""Brugwijzer settings: one module, every deployment difference comes from the environment.

Invalid values fail at start with a message that names the variable (a boolean that is not
one, a database that is not PostgreSQL or SQLite, a missing SECRET_KEY when DEBUG is off).
"""

import sys
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Strict: 'maybe' is an error, not False."""
    raw = env.str(name, default=str(int(default))).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


DEBUG = env_bool("DEBUG", default=False)
# The test run (pytest) gets relaxed rate limits and plain static storage, never DEBUG.
TESTING = env_bool("BRUGWIJZER_TESTING", default=False) or "pytest" in sys.modules

_DEV_SECRET = "dev-only-insecure-key-never-use-in-production-brugwijzer"
SECRET_KEY = env.str("SECRET_KEY", default="")
# Management commands that neither serve requests nor sign anything (makemigrations, check,
# migrate, the importers) may run without a key; anything that serves must have a real one.
_OFFLINE_COMMANDS = {
    "makemigrations",
    "migrate",
    "check",
    "showmigrations",
    "sqlmigrate",
    "collectstatic",
    "compilemessages",
    "makemessages",
    "load_reference_data",
    "import_hsds",
    "export_hsds",
    "import_schools",
    "expire_match_requests",
    "remind_collaboration_reviews",
    "help",
}
_command = sys.argv[1] if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") else ""
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = _DEV_SECRET
    elif _command in _OFFLINE_COMMANDS:
        import secrets

        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 for development.")

# Former keys, newest first, while sessions, links and two-factor secrets signed or encrypted with
# them are still around (docs/deployment.md: rotating SECRET_KEY).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
for origin in CSRF_TRUSTED_ORIGINS:
    if not origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"CSRF_TRUSTED_ORIGINS entries need a scheme (https://…): {origin!r}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "portal",
    "schools",
    "welfare",
    "families",
    "bridge",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.security.RequireTwoFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

# Fields and labels of forms written in Python, the same bytes as Django's templates (portal.widgets).
FORM_RENDERER = "portal.widgets.PlainFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

try:
    DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
except (ImproperlyConfigured, KeyError, ValueError) as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL this portal can use: {error}") from None
if DATABASES["default"]["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://…) or SQLite (sqlite:///…).")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler pays off for long reports, not for a page's queries: it cost the
    # map's GeoJSON about 200 ms a request at Flanders scale (docs/performance.md). The whole
    # database of Flanders is about 100 MB and stays in memory, where reading a page at random
    # costs what reading the next one does: with the default random_page_cost (4, for spinning
    # disks) the planner read all of Flanders' needs or offer domains to hash-join a city's few
    # hundred, which made the dashboard grow with the region. No parallel workers: a page's
    # queries take milliseconds, less than starting the workers costs (the dashboard's witness
    # query took 15 ms with two workers, 9.5 without), and under load they would take the cores
    # other requests wait for. A DATABASE_URL that sets ?options=… keeps its own.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
    )
    # QuerySet.iterator() (the forms' model choices, the account export) fetches in one round trip
    # instead of DECLARE, FETCH and CLOSE on a server-side cursor; PgBouncer's transaction mode
    # needs it too (docs/scaling.md). Nothing here iterates over more rows than fit in memory.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL;",
            "timeout": 20,
            # Take the write lock at BEGIN: a transaction that reads before it writes cannot then
            # fail with "database is locked" halfway through.
            "transaction_mode": "IMMEDIATE",
        }
    )

# --- cache: allauth's rate limits and the import progress live here ------------------------
# Local memory serves one process. Several processes or servers need one shared cache, or each
# counts its own login attempts: CACHE_URL=redis://host:6379/0 (or dbcache://brugwijzer_cache,
# after `manage.py createcachetable`).
_CACHE_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.dummy.DummyCache",
}
try:
    CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
except (ImproperlyConfigured, KeyError, ValueError) as error:
    raise ImproperlyConfigured(f"CACHE_URL is not a cache URL this portal can use: {error}") from None
if CACHES["default"]["BACKEND"] not in _CACHE_BACKENDS:
    raise ImproperlyConfigured("CACHE_URL must be locmemcache://, redis://host:port/db or dbcache://table.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- allauth: e-mail is the login, verification is mandatory -------------------------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Brugwijzer] "
if TESTING:
    ACCOUNT_RATE_LIMITS = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Behind a reverse proxy every visitor has the proxy's address: allauth reads X-Forwarded-For
# from this many proxies, so its per-IP rate limits count visitors, not the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "portal.mfa.MFAAdapter"  # two-factor secrets encrypted at rest
MFA_TOTP_ISSUER = "Brugwijzer"
# Two-factor authentication for moderators, CLB staff and local governments (portal.security).
# On in production; off for the demo (DEBUG) and the test run, where tests sign in as those
# roles without an authenticator — tests/portal/test_security.py turns it on.
BRUGWIJZER_REQUIRE_2FA = env_bool("BRUGWIJZER_REQUIRE_2FA", default=not (DEBUG or TESTING))
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

# --- e-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Brugwijzer <noreply@brugwijzer.localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
_email_url = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
try:
    _email = environ.Env.email_url_config(_email_url)
except (KeyError, ValueError) as error:
    raise ImproperlyConfigured(f"EMAIL_URL is not an e-mail URL (smtp://, consolemail://): {error}") from None
_smtp_options = {
    "host": _email.get("EMAIL_HOST", "localhost"),
    "port": _email.get("EMAIL_PORT", 25),
    "username": _email.get("EMAIL_HOST_USER", ""),
    "password": _email.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _smtp_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}

# --- background tasks: immediate by default, always enqueued on commit -----------------------
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "nl-be"
LANGUAGES = [
    ("nl-be", _("Dutch")),
    ("en", _("English")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

if TESTING:
    # Look files up when asked, instead of scanning STATIC_ROOT (after a collectstatic, ~900 files)
    # each time a test client loads the middleware.
    WHITENOISE_AUTOREFRESH = True

# --- the map's background tiles: any XYZ tile server; markers still show when it fails ------
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION", default='© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
_tiles = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
if _tiles.scheme not in ("http", "https") or not _tiles.netloc:
    raise ImproperlyConfigured(f"MAP_TILE_URL must be an http(s) URL with {{z}}/{{x}}/{{y}}, not {MAP_TILE_URL!r}.")
# The CSP must allow the tile host; a {s} subdomain placeholder becomes a wildcard.
MAP_TILE_ORIGIN = f"{_tiles.scheme}://{MAP_TILE_URL.split('/')[2].replace('{s}', '*')}"

# --- security -----------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", MAP_TILE_ORIGIN, *env.list("CSP_IMG_EXTRA", default=[])],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    # Preloading commits every subdomain to HTTPS and is hard to undo: operators opt in with
    # SECURE_HSTS_PRELOAD=1, and until then the deploy check's reminder is silenced.
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Brugwijzer -----------------------------------------------------------------------------
# Absolute links in e-mails (a task has no request to build them from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Uploaded import files between preview and confirmation; one shared directory for several servers.
if env.str("BRUGWIJZER_IMPORT_DIR", default=""):
    BRUGWIJZER_IMPORT_DIR = env.str("BRUGWIJZER_IMPORT_DIR")
BRUGWIJZER_DEMO_PASSWORD = "brugwijzer-demo"
OFFER_STALE_AFTER_DAYS = env_int("OFFER_STALE_AFTER_DAYS", default=365)
# A match request unanswered this many days gets a reminder, and later expires.
MATCH_REMIND_AFTER_DAYS = env_int("MATCH_REMIND_AFTER_DAYS", default=7)
MATCH_EXPIRE_AFTER_DAYS = env_int("MATCH_EXPIRE_AFTER_DAYS", default=14)
