"""The one settings module. Everything that differs between machines comes from FUPIN_*
environment variables, documented in docs/settings.md."""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_optional_str, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FUPIN_VAR_DIR", str(BASE_DIR / "var")))

# The demo (make demo) runs with debugging on, a generated secret and relaxed cookies;
# anything else is treated as a real deployment.
DEMO_MODE = env_bool("FUPIN_DEMO", default=False)
DEBUG = env_bool("FUPIN_DEBUG", default=DEMO_MODE)


def _demo_secret_key() -> str:
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


_secret_key = env_optional_str("FUPIN_SECRET_KEY")
if _secret_key is None:
    if not DEMO_MODE:
        raise ImproperlyConfigured(
            "FUPIN_SECRET_KEY must be set outside the demo (see docs/settings.md)."
        )
    _secret_key = _demo_secret_key()
SECRET_KEY = _secret_key

ALLOWED_HOSTS = env_list("FUPIN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEMO_MODE else [])
CSRF_TRUSTED_ORIGINS = env_list("FUPIN_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "fupin.core.errorpages.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "fupin.core",
    "fupin.audit",
    "fupin.accounts",
    "fupin.jobs",
    "fupin.registry",
    "fupin.assessment",
    "fupin.monitoring",
    "fupin.imports",
    "fupin.reports",
    "fupin.preferences",
    "fupin.assistance",
    "fupin.rectification",
    "fupin.finance",
    "fupin.departments",
]

MIDDLEWARE = [
    # First: probes come by IP address over plain HTTP (see fupin/core/health.py).
    "fupin.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fupin.accounts.middleware.SessionRenewalMiddleware",
    # After authentication: a signed-in user's own choice of language (fupin.preferences).
    "fupin.preferences.middleware.ChosenLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fupin.accounts.middleware.ScopeMiddleware",
    # Last: the friendly error pages also in debug mode (the demo).
    "fupin.core.errorpages.FriendlyErrorPagesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fupin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fupin.accounts.context_processors.scope",
            ],
        },
    },
]

_default_sqlite = VAR_DIR / "fupin.sqlite3"
_database_url = env_str("FUPIN_DATABASE_URL", f"sqlite:///{_default_sqlite}")
# A web server keeps connections open this many seconds (0: one per request, as the demo).
_database = dj_database_url.parse(
    _database_url,
    conn_max_age=env_int("FUPIN_DATABASE_CONN_MAX_AGE", 0),
    conn_health_checks=True,
)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process read while the job worker writes; IMMEDIATE transactions
    # make a writer wait for the lock instead of failing with "database is locked".
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _database["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation cost 50–100 ms on every large list count under load and saves nothing
    # on queries that take milliseconds (benchmarks/load_test.py, issue #17).
    _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock-out: this many failed logins in a row lock the account for the given minutes.
LOGIN_MAX_FAILURES = env_int("FUPIN_LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("FUPIN_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)

# Sessions end after this many idle minutes (renewed once a minute by a signed-in user's
# requests, fupin.accounts.middleware.SessionRenewalMiddleware) and when the browser closes.
SESSION_COOKIE_AGE = env_int("FUPIN_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "fupin" / "locale"]
USE_I18N = True
TIME_ZONE = env_str("FUPIN_TIME_ZONE", "Asia/Shanghai")

# Ledger imports. An amount above the ceiling is refused as implausible (a unit mistake);
# a spreadsheet archive is refused before parsing when it would unpack to more than the
# limit or unpacks more than the ratio times its own size (a decompression bomb).
IMPORT_MAX_AMOUNT = env_int("FUPIN_IMPORT_MAX_AMOUNT", 10_000_000, minimum=1)
IMPORT_MAX_UNCOMPRESSED_MB = env_int("FUPIN_IMPORT_MAX_UNCOMPRESSED_MB", 1_024, minimum=1)
IMPORT_MAX_COMPRESSION_RATIO = env_int("FUPIN_IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=1)
# A workbook whose first sheet unpacks beyond this is read as a stream, a batch of rows at
# a time, instead of whole by calamine (issue #20 item 9: 1 GB at most at any size).
IMPORT_XLSX_STREAM_MB = env_int("FUPIN_IMPORT_XLSX_STREAM_MB", 100, minimum=0)
# Validation works on about this many rows at a time (whole households), so its working
# tables stay bounded whatever the file's size.
IMPORT_CHUNK_ROWS = env_int("FUPIN_IMPORT_CHUNK_ROWS", 100_000, minimum=1)
USE_TZ = True

STATIC_URL = "/static/"
# The demo serves static files from the app folders; a deployment runs collectstatic.
STATIC_ROOT = None if DEBUG else VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "fupin" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Rate limits must be counted where every web worker sees them: Redis when configured,
# otherwise a table in the database (created by `migrate`, see fupin.core.apps).
CACHE_TABLE = "fupin_cache"
_redis_url = env_optional_str("FUPIN_REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}
    )
}
# With Redis, sessions are read from it and written through to the database (a restarted
# Redis signs no one out); the database cache would only add a second table to read.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if _redis_url
    else "django.contrib.sessions.backends.db"
)

# Behind a reverse proxy every request comes from the proxy's address; the client's own
# address is read from this header, but only on requests from a trusted proxy.
TRUSTED_PROXY_HEADER = env_optional_str("FUPIN_TRUSTED_PROXY_HEADER")
TRUSTED_PROXIES = env_list("FUPIN_TRUSTED_PROXIES", ["127.0.0.1", "::1"])

if not DEMO_MODE:
    SECURE_SSL_REDIRECT = env_bool("FUPIN_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("FUPIN_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOG_FORMAT = env_str("FUPIN_LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"FUPIN_LOG_FORMAT must be text or json, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "fupin.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("FUPIN_LOG_LEVEL", "INFO")},
}
