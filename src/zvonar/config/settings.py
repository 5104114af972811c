"""Django settings, read from the environment (12-factor); the embedded default needs none."""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("ZVONAR_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("ZVONAR_SECRET_KEY"):
        return key
    # The embedded default keeps one random key per installation so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("ZVONAR_DEBUG")
ALLOWED_HOSTS = os.environ.get("ZVONAR_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("ZVONAR_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_tables2",
    "axes",
    "zvonar.accounts",
    "zvonar.crm",
    "zvonar.campaigns",
    "zvonar.calls",
    "zvonar.tasks",
    "zvonar.telephony",
    "zvonar.dialer",
    "zvonar.workplace",
    "zvonar.monitoring",
    "zvonar.api",
    "zvonar.server",
    "zvonar.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zvonar.config.urls"
ASGI_APPLICATION = "zvonar.config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zvonar.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("ZVONAR_DATABASE_URL", f"sqlite:///{VAR_DIR / 'zvonar.sqlite3'}"),
        conn_max_age=int(os.environ.get("ZVONAR_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with this process's write transactions queued (zvonar/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "zvonar.sqlite"
    # WAL lets the dialer write while pages read; IMMEDIATE takes the write lock at BEGIN,
    # so two writers queue instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not shared-cache memory, so that the test server's threads wait for each other's
    # locks as in production instead of failing with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_zvonar_{os.getpid()}.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "zvonar.accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Operators work shifts: a session outlives a shift but not a night.
SESSION_COOKIE_AGE = int(os.environ.get("ZVONAR_SESSION_SECONDS", str(12 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("ZVONAR_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

AXES_FAILURE_LIMIT = int(os.environ.get("ZVONAR_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ZVONAR_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = os.environ.get("ZVONAR_LANGUAGE", "ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [Path(os.environ.get("ZVONAR_LOCALE_DIR", PACKAGE_DIR / "locale"))]
TIME_ZONE = os.environ.get("ZVONAR_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

CHANNEL_LAYERS = (
    {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, shorter than the channel
            # layer's blocking pop: every idle websocket would be torn down every 5 s.
            "CONFIG": {
                "hosts": [{"address": os.environ["ZVONAR_REDIS_URL"], "socket_timeout": None}]
            },
        }
    }
    if os.environ.get("ZVONAR_REDIS_URL")
    else {"default": {"BACKEND": "zvonar.events.InMemoryChannelLayer"}}
)

# HTTP requests running Django code at once per process (zvonar/server/bulkhead.py). The
# embedded SQLite has one writer and answers in microseconds, so a few suffice and leave the
# interpreter to the dialer; PostgreSQL over a network waits longer per query.
ZVONAR_HTTP_CONCURRENCY = int(
    os.environ.get(
        "ZVONAR_HTTP_CONCURRENCY",
        "3" if DATABASES["default"]["ENGINE"] == "zvonar.sqlite" else "8",
    )
)

# Telephony backend by name (see ARCHITECTURE.md); the embedded default is the simulator.
ZVONAR_TELEPHONY_BACKEND = os.environ.get("ZVONAR_TELEPHONY", "sim")
ZVONAR_TELEPHONY_CONFIG = json.loads(os.environ.get("ZVONAR_TELEPHONY_CONFIG", "{}"))
ZVONAR_DEMO_PASSWORD = os.environ.get("ZVONAR_DEMO_PASSWORD", "demo")
ZVONAR_DEFAULT_PHONE_REGION = os.environ.get("ZVONAR_DEFAULT_PHONE_REGION", "RU")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {"TITLE": "Zvonar API", "VERSION": "0.1.0"}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZVONAR_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
