"""FiveClear settings: one module, every deployment difference read from the environment."""

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEV_SECRET_KEY = "django-insecure-fiveclear-development-only"
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "DEBUG=False needs a real SECRET_KEY (at least 40 random characters) in the environment."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "axes",
    "units",
    "directives",
    "scoring",
    "scoring.api",
    "scoring.oversight",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "units.middleware.refuse_nul",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "units.middleware.vietnamese_first",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "units.middleware.LoginRequiredMiddleware",  # Django's, with a 401 for htmx requests
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as its documentation asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: about 6x the throughput of reconnecting per request here.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # Behind PgBouncer in transaction pooling the month's inputs cannot stream from a cursor.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )
    # PostgreSQL's JIT compiles a dashboard's month-by-unit aggregate for about a second before
    # running it for a few hundred milliseconds (20,000 cadres): off for the app's connections.
    if not env.bool("POSTGRES_JIT", default=False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each app server keeps its own copies of rendered dashboards: every copy is keyed by the
# stamp of the decided months it shows, so servers never disagree for long (see
# scoring.dashboards.views._cached). CACHE_URL may name a shared cache instead.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://fiveclear")}
# Sessions live in the database. When the cache is one that every server shares (CACHE_URL
# redis:// or pymemcache://), a session is also read through it: the page frame then skips the
# session's query, and a logout, which deletes both copies, still reaches every server. A cache
# of each process's own (the default) never holds sessions: a logout on one worker would leave
# the session alive in another's memory.
SHARED_CACHE = CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] in {
    "RedisCache",
    "PyMemcacheCache",
    "PyLibMCCache",
}
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if SHARED_CACHE
    else "django.contrib.sessions.backends.db"
)
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=900)
# The ranking's print view (`?all=1`) holds at most this many rows: what a leader prints, not a
# city's 100,000 cadres in one request (the Excel export holds every row).
RANKING_PRINT_MAX_ROWS = env.int("RANKING_PRINT_MAX_ROWS", default=5_000)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: records in the account log that a password was set (units/accounts.py).
    {"NAME": "units.accounts.RecordPasswordSet"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (docs/RULES.md §3): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one client address, that pair is locked for AXES_COOLOFF_MINUTES; the same
# username from another address is not locked (a ward's staff share one NAT address, and anyone
# could otherwise lock anyone out) but slowed: after LOGIN_SLOWDOWN_AFTER failures for it from
# any addresses within LOGIN_SLOWDOWN_WINDOW_MINUTES, each attempt waits 2, 4, 8, ... seconds
# (at most LOGIN_SLOWDOWN_MAX_SECONDS) after the last failure. Administrators lift a lockout on
# the lockouts page; axes' failure log records every failure, lockouts marked.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
LOGIN_SLOWDOWN_AFTER = env.int("LOGIN_SLOWDOWN_AFTER", default=10)
LOGIN_SLOWDOWN_WINDOW_MINUTES = env.int("LOGIN_SLOWDOWN_WINDOW_MINUTES", default=30)
LOGIN_SLOWDOWN_MAX_SECONDS = env.int("LOGIN_SLOWDOWN_MAX_SECONDS", default=60)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Set-password links (units/accounts.py) live this long; Django's own reset tokens no longer.
PASSWORD_LINK_HOURS = env.int("PASSWORD_LINK_HOURS", default=24)
PASSWORD_RESET_TIMEOUT = PASSWORD_LINK_HOURS * 3600
# The place written in the date line of the printed documents ("Hà Nội, ngày ...").
DOCUMENT_PLACE = env.str("DOCUMENT_PLACE", default="Hà Nội")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "config.storage.StaticFilesStorage"  # WhiteNoise's, addresses kept (config/storage.py)
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="fiveclear@localhost")
# Where people open the site: links in emails (reminders) are absolute on it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# `run_schedule` sends the day's reminders on its first run from this hour (local time) on.
REMINDER_HOUR = env.int("REMINDER_HOUR", default=7)

# Imports refuse larger files before parsing them, and stop reading a file at the first row
# past IMPORT_MAX_ROWS below its header (docs/RULES.md, imports).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)

# The integration API (docs/API.md). Requests per client (DRF rate syntax: "600/min"); a batch
# of tasks counts as one write.
API_THROTTLE_READ = env.str("API_THROTTLE_READ", default="600/min")
API_THROTTLE_WRITE = env.str("API_THROTTLE_WRITE", default="60/min")
API_BATCH_MAX = env.int("API_BATCH_MAX", default=1000)
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=500)
# Webhooks: attempts before giving up, the waits between them (minutes, the last repeats), the
# seconds one POST may take.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_BACKOFF_MINUTES = env.list(
    "WEBHOOK_BACKOFF_MINUTES", cast=int, default=[1, 5, 15, 60, 180, 720]
)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)

REST_FRAMEWORK = {
    # A token only: a browser session never works on the API (docs/API.md).
    "DEFAULT_AUTHENTICATION_CLASSES": ["scoring.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["scoring.api.auth.ClientAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["scoring.api.auth.ClientThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "scoring.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FiveClear API",
    "DESCRIPTION": "Tasks in from document and one-stop systems, published results out "
    "(docs/API.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Scripts only from our own static files (no inline script, no eval); styles may be inline
# (Bootstrap and Chart.js set element styles).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Decided when settings load, so test runs (which flip DEBUG later) keep serving from finders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
