"""Django settings for zeren.

Embedded default: a SQLite file in ``ZEREN_HOME`` (default: the working directory).
Production: PostgreSQL through ``ZEREN_DATABASE_URL`` (dj-database-url, psycopg 3).
``ZEREN_PROFILE=production`` turns on the hardened profile checked by ``zeren check --deploy``.
"""

import os
import warnings
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
ZEREN_HOME = Path(os.environ.get("ZEREN_HOME", os.getcwd())).resolve()
ZEREN_HOME.mkdir(parents=True, exist_ok=True)  # a new ZEREN_HOME is made, not an obscure "unable to open" later
PRODUCTION = os.environ.get("ZEREN_PROFILE", "") == "production"

INSECURE_KEY = "zeren-insecure-development-key-change-me"
SECRET_KEY = os.environ.get("ZEREN_SECRET_KEY", "") or INSECURE_KEY
if PRODUCTION and SECRET_KEY == INSECURE_KEY:
    # Sessions, CSRF tokens and password-reset links would be signed with a key anyone can read.
    raise SystemExit("zeren: ZEREN_PROFILE=production needs ZEREN_SECRET_KEY (a long random string, e.g. from "
                     "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`); refusing to start")
DEBUG = os.environ.get("ZEREN_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ZEREN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "zeren.core",
    "zeren.audit",
    "zeren.org",
    "zeren.access",
    "zeren.workcal",
    "zeren.findings",
    "zeren.duties",
    "zeren.supervision",
    "zeren.supervision.projects",
    "zeren.targets",
    "zeren.evaluation",
    "zeren.accountability",
    "zeren.oversight",
    "zeren.cockpit",
    "zeren.portal",
    "zeren.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zeren.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zeren.core.middleware.ChosenLanguageMiddleware",
    "zeren.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zeren.urls"
WSGI_APPLICATION = "zeren.wsgi.application"
AUTH_USER_MODEL = "access.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench:index"  # every role lands on its workbench (我的工作台)
LOGOUT_REDIRECT_URL = "home"

# django-ninja's bundled API docs page (swagger-ui, no CDN: zeren.api.BundledSwagger) takes its
# templates and static files from the package folder. "ninja" is not an installed app: importing
# it (pydantic and all) at start-up would cost every command ~0.7 s that only the API uses.
NINJA_DIR = Path(find_spec("ninja").submodule_search_locations[0])
STATICFILES_DIRS = [NINJA_DIR / "static"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zeren.core.context.shell",
            ],
        },
    },
]

_database_url = os.environ.get("ZEREN_DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ZEREN_HOME / "zeren.sqlite3",
            "OPTIONS": {
                # IMMEDIATE: a write transaction takes the lock at BEGIN, so the audit
                # chain head is never read stale by two writers (see zeren.audit).
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": os.environ.get("ZEREN_TEST_SQLITE", "")} if os.environ.get("ZEREN_TEST_SQLITE") else {},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ZEREN_STATIC_ROOT", ZEREN_HOME / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the app folders, so `zeren serve` works without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# With finders on, an absent STATIC_ROOT (no collectstatic run) is expected, not a problem.
warnings.filterwarnings("ignore", message="No directory at: ")

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (zeren.core.middleware): nothing from other origins; scripts from this site
# (htmx, ECharts, the pages' own files) and inline ones only with the response's nonce. Styles may be
# inline: ECharts' tooltips and htmx write style attributes, which a nonce cannot cover, and a style
# cannot run code. data: images are ECharts' and Swagger UI's icons.
ZEREN_CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
             "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
             "form-action 'self'; frame-ancestors 'none'")
if PRODUCTION:
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("ZEREN_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Behind the reverse proxy, the client address is the last X-Forwarded-For hop (rate limits).
    ZEREN_TRUST_X_FORWARDED_FOR = os.environ.get("ZEREN_TRUST_X_FORWARDED_FOR", "1") == "1"

# Rate limits of anonymous requests per client IP (zeren.core.ratelimit; docs/trust.md):
# named limits, and the path prefixes they guard (first match wins). Views and API operations
# can also take a named limit with @ratelimit("name").
ZEREN_RATELIMITS = {"public": "600/m", "api": "1200/m", "login": "60/m", "login_username": "10/m", "survey": "20/m"}
ZEREN_RATELIMIT_PATHS = [("/api/v1/", "api"), ("/login/", "login"), ("/admin/login/", "login"), ("/", "public")]
# Log-in forms: their POSTs also count per username (limit "login_username"), whatever the address.
ZEREN_LOGIN_PATHS = ["/login/", "/admin/login/"]
MIDDLEWARE += ["zeren.core.ratelimit.RateLimitMiddleware"]  # after authentication: signed-in users are not limited
# API pagination (django-ninja LimitOffsetPagination): a limit over this gets 422, not a database overflow.
NINJA_PAGINATION_MAX_LIMIT = 1000
# Web uploads (zeren.core.uploads): file size (ZEREN_UPLOAD_MAX_MB, default 20), uncompressed size
# and ratio of .xlsx, zip members. Command-line imports read files of any size.
ZEREN_UPLOAD_LIMITS = {"max_bytes": int(float(os.environ.get("ZEREN_UPLOAD_MAX_MB", "20")) * 1024 * 1024),
                       "max_uncompressed_bytes": 200 * 1024 * 1024, "max_ratio": 100, "max_members": 2000}

NINJA_PAGINATION_CLASS = "zeren.core.pagination.BoundedLimitOffsetPagination"

# One cache every worker process shares (rate-limit counters must be counted once, not per worker):
# Redis when ZEREN_REDIS_URL is set, else a table of the database (made by `zeren migrate`: see
# zeren.core.apps). The test run uses a process-local cache instead (conftest.py).
ZEREN_REDIS_URL = os.environ.get("ZEREN_REDIS_URL", "")
if ZEREN_REDIS_URL:
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": ZEREN_REDIS_URL,
                          "KEY_PREFIX": "zeren", "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "zeren_cache"}}

# Audit checkpoints without a scheduler (zeren.audit.schedule): one whenever an entry whose number is
# a multiple of EVERY commits, and every SECONDS in each web worker; 0 turns either off.
ZEREN_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("ZEREN_AUDIT_CHECKPOINT_EVERY", "500"))
ZEREN_AUDIT_CHECKPOINT_SECONDS = int(os.environ.get("ZEREN_AUDIT_CHECKPOINT_SECONDS", "600"))

HUEY = {
    "huey_class": "huey.SqliteHuey",
    "name": "zeren",
    "filename": str(ZEREN_HOME / "huey.db"),
    "immediate": False,
    # Schedules (crontab in each app's tasks.py) are read in TIME_ZONE, Asia/Shanghai: the daily
    # escalations run at night in the city's hours, not at huey's default UTC (08:00-09:00 there).
    "utc": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- zeren's own settings -------------------------------------------------------------
# `zeren demo` runs each app's `demo.py` (`ORDER`, `build(ctx)`), see zeren.demo.context.
ZEREN_DEMO_PASSWORD = "zeren-demo"
# Working-day calendar policy for years without an official schedule: provisional | strict.
ZEREN_CALENDAR_POLICY = os.environ.get("ZEREN_CALENDAR_POLICY", "provisional")
ZEREN_NAV = [
    # (url name, label, url name of the element's public face for the anonymous visitor) for the five
    # elements; an app that is not built yet shows as disabled. The public never meets a login form.
    ("duties:index", _("职责"), "duties:index"),
    ("targets:index", _("目标"), "targets:papers"),
    ("supervision:index", _("监督"), "supervision:public"),
    ("evaluation:index", _("评估"), "portal:results"),
    ("accountability:index", _("问责"), "portal:accountability"),
]
ZEREN_AUX_NAV = [
    # (url name, label, shown to the anonymous public[, url name of a badge fetched after the page loads])
    ("workbench:index", _("我的工作台"), False, "workbench:count"),
    ("cockpit:index", _("驾驶舱"), False),
    ("portal:index", _("政务公开"), True),
    ("org:index", _("组织机构"), True),
    ("findings:index", _("问题线索"), False),
    ("oversight:index", _("监督网络"), False),
    ("portal:sunshine", _("阳光工程"), True),
    ("portal:transparency", _("透明度"), True),
]
