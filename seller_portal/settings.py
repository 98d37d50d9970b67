"""Settings for the Seller Performance Portal.

Everything that differs between a laptop, CI and production comes from the environment
(see README, "Configuration"). With nothing set, the portal runs on a SQLite file with jobs
executed in-process; DATABASE_URL and REDIS_URL switch to PostgreSQL and real RQ queues.
A local checkout adds the `.env` file `make run` writes (seller_portal/local_env.py), which a
configured environment (one with DJANGO_SECRET_KEY, or DJANGO_DEBUG off) never reads.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from seller_portal import local_env
from seller_portal.env import database_from_url, env_bool, env_list, redis_url_with_timeouts

BASE_DIR = Path(__file__).resolve().parent.parent

try:
    LOCAL_ENV_FILE = local_env.load()  # before anything below reads the environment
except ValueError as exc:
    raise ImproperlyConfigured(f"cannot read the local settings file {exc}") from None

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (for a local run, "
            "`make run` writes .env with DJANGO_DEBUG=true and a key; see README, Configuration)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

INSTALLED_APPS = [
    "seller_portal.apps.SellerPortalConfig",
    "performance.apps.PerformanceConfig",
    "appeals.apps.AppealsConfig",
    "seller_portal.apps.PortalAdminConfig",  # django.contrib.admin, its site under the lockout
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_rq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that may answer for a signed-in user (the 400 below included).
    "seller_portal.middleware.PrivatePagesMiddleware",
    # Before sessions: a session cookie holding NUL is dropped before it reaches a query.
    "seller_portal.middleware.UnreadableInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "seller_portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "seller_portal.urls"
WSGI_APPLICATION = "seller_portal.wsgi.application"
ASGI_APPLICATION = "seller_portal.asgi.application"

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
                "seller_portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Jobs -----------------------------------------------------------------------------------
# REDIS_URL unset: jobs run in-process right after the transaction commits (no Redis needed).
# REDIS_URL set: jobs go to RQ queues served by `manage.py rqworker`, the weekly schedule is
# run by `manage.py rqcron seller_portal.schedule`.
REDIS_URL = os.environ.get("REDIS_URL", "")
JOBS_IN_PROCESS = not REDIS_URL
RQ_QUEUES = {
    "default": {
        "URL": redis_url_with_timeouts(REDIS_URL or "redis://127.0.0.1:6379/0"),
        "DEFAULT_TIMEOUT": 3600,
    },
}
RQ = {"COMMIT_MODE": "on_db_commit"}
RQ_SHOW_ADMIN_LINK = bool(REDIS_URL)

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The model backend with a lockout after repeated failed sign-ins (seller_portal/lockout.py).
AUTHENTICATION_BACKENDS = ["seller_portal.lockout.LockoutBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Messages live in the session, server side: Django's default keeps them in a signed but
# readable cookie, which would carry whatever a message says through every proxy and log.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Language and time ----------------------------------------------------------------------
# Indonesian by default whatever the browser says; English on request (language switcher).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"  # WIB, UTC+7, no DST: stored in UTC, shown and computed in WIB
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.min.js straight from the installed plotly package: no CDN, works offline.
    "seller_portal.staticfinders.PlotlyFinder",
]
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
# Evidence files: private, served only through access-checked views (never by URL).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
EVIDENCE_MAX_FILES = 5
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# Django bounds form fields, not files: a multipart body larger than the evidence forms can need
# (every file at the limit, plus 1 MB of fields) is refused before it is read.
EVIDENCE_MAX_REQUEST_BYTES = EVIDENCE_MAX_FILES * EVIDENCE_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "appeals.evidence.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Security -------------------------------------------------------------------------------
# Production serves HTTPS only, behind a proxy that terminates TLS and sets X-Forwarded-Proto
# (docs/DEPLOY.md). DJANGO_HTTPS defaults to on whenever DEBUG is off; the test suite and the
# loopback page benchmark, which speak plain HTTP, switch it off.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# A session lasts a working day (12 hours by default), then the login page asks again.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_HOURS", 12)) * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Scripts only from our own static files; plotly needs inline styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- E-mail ---------------------------------------------------------------------------------
# The console in development; SMTP when DEBUG is off (DJANGO_EMAIL_HOST, _PORT, _USER,
# _PASSWORD, _USE_TLS), or any backend named by DJANGO_EMAIL_BACKEND.
EMAIL_BACKEND_DEFAULT = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
MAILERS = {"default": {"BACKEND": os.environ.get("DJANGO_EMAIL_BACKEND", EMAIL_BACKEND_DEFAULT)}}
if MAILERS["default"]["BACKEND"].endswith(".smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", 587)),
        "username": os.environ.get("DJANGO_EMAIL_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portal@localhost")

# --- Event ingestion ------------------------------------------------------------------------
EVENTS_API_MAX_BODY_BYTES = int(os.environ.get("EVENTS_API_MAX_BODY_BYTES", 5 * 1024 * 1024))
EVENTS_API_MAX_EVENTS = int(os.environ.get("EVENTS_API_MAX_EVENTS", 5000))
# Requests one API client may make per clock minute (counted in the database, so across all
# web workers); more answer 429. 0 switches the limit off.
EVENTS_API_RATE_PER_MINUTE = int(os.environ.get("EVENTS_API_RATE_PER_MINUTE", 120))
# Stored events start a recompute of what they change. A bulk load (a benchmark, a backfill
# followed by `recalculate`) may switch that off with RESULTS_UPDATE_AFTER_INGEST=false.
RESULTS_UPDATE_AFTER_INGEST = env_bool("RESULTS_UPDATE_AFTER_INGEST", True)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(EVENTS_API_MAX_BODY_BYTES, 2_621_440)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Django's own configuration gives "django" a console handler of its own (when debugging)
    # on top of the root's: every line would be written twice. Its records go to the root.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
