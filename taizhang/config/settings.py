"""Settings, read from environment variables only (see README.md, "Configuration")."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
HOME = Path(os.environ.get("TAIZHANG_HOME", "./var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("TAIZHANG_SECRET_KEY"):
        return key
    # Generated once and kept beside the data, so sessions survive restarts.
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


SECRET_KEY = _secret_key()
DEBUG = _flag("TAIZHANG_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("TAIZHANG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TAIZHANG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "taizhang.core",
    "taizhang.shell",
    "taizhang.accounts",
    "taizhang.orgs",
    "taizhang.dispatch",
    "taizhang.stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "taizhang.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "taizhang.shell.middleware.ErrorIdMiddleware",
    "taizhang.shell.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "taizhang.config.urls"
WSGI_APPLICATION = "taizhang.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "taizhang.shell.context.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{HOME / 'taizhang.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("TAIZHANG_DATABASE_URL", _default_db),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer commits; IMMEDIATE avoids
        # "database is locked" upgrades in concurrent write transactions.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["taizhang.accounts.backends.GrantBackend"]
# The OpenAPI document and interactive docs are behind login unless this opens them.
API_DOCS_PUBLIC = _flag("TAIZHANG_API_DOCS_PUBLIC")
# The function the API's bearer authentication reads a token with (core names no app).
TAIZHANG_TOKEN_USER = "taizhang.accounts.services.token_user"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "taizhang.accounts.passwords.CharacterClassesValidator"},
]

# Idle-session timeout: the session expires this many minutes after the last request.
IDLE_TIMEOUT_MINUTES = int(os.environ.get("TAIZHANG_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False  # IdleTimeoutMiddleware renews it
SESSION_COOKIE_HTTPONLY = True
if _flag("TAIZHANG_HTTPS"):
    # Served through a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = False  # the proxy redirects; behind it every request is https
LOGIN_MAX_FAILURES = int(os.environ.get("TAIZHANG_LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCK_MINUTES = int(os.environ.get("TAIZHANG_LOGIN_LOCK_MINUTES", "15"))

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the package too, so `taizhang serve` works without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Attachments of ledger rows (through Django's storage API; never served directly).
MEDIA_ROOT = HOME / "files"
MEDIA_URL = "/files/"
# Ledger files larger than this are refused before they are read.
MAX_UPLOAD_BYTES = int(os.environ.get("TAIZHANG_MAX_UPLOAD_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
# An uploaded ledger file is read in a child process under these limits (a hostile
# file fails alone; the server keeps serving).
IMPORT_MAX_ROWS = int(os.environ.get("TAIZHANG_IMPORT_MAX_ROWS", "200000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("TAIZHANG_IMPORT_MAX_COLUMNS", "200"))
IMPORT_MEMORY_MB = int(os.environ.get("TAIZHANG_IMPORT_MEMORY_MB", "384"))
IMPORT_SECONDS = int(os.environ.get("TAIZHANG_IMPORT_SECONDS", "30"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TAIZHANG_LOG_LEVEL", "WARNING")},
}
