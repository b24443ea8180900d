"""Settings, read from environment variables only (see README.md, "Configuration")."""

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
    "taizhang.study",
    "taizhang.research",
    "taizhang.visits",
    "taizhang.stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "taizhang.shell.middleware.ContentSecurityPolicyMiddleware",
    "taizhang.core.source.AuditSourceMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before anything reads a body (CSRF reads POST; uploads are spooled to the temp dir).
    "taizhang.shell.middleware.RequestSizeLimitMiddleware",
    "taizhang.shell.middleware.NulRefusalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "taizhang.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "taizhang.shell.middleware.ErrorIdMiddleware",
    "taizhang.shell.middleware.NoStoreMiddleware",
]

# Content-Security-Policy of every answer (shell/middleware.py): scripts and styles only
# from the site's static files, no inline code, no eval (the API's Swagger UI included).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
# Request bodies above these are refused with 413 before they are read (shell/middleware.py):
# anonymous requests (the login form) this much; signed-in uploads the largest ledger file or
# a form's attachments; other signed-in requests DATA_UPLOAD_MAX_MEMORY_SIZE.
REQUEST_MAX_ANONYMOUS_BYTES = int(os.environ.get("TAIZHANG_ANONYMOUS_REQUEST_KB", "64")) * 1024
# Uploaded files and the folders made for them: the service's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

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
# Data protection and audit (docs/security.md). Rows a role may export from a ledger
# with personal columns (JSON; a role not named, e.g. those who maintain the data, has
# no cap); proxies (addresses or networks) whose X-Forwarded-For names the client; the
# roles that read the audit when held over the root organization.
try:
    EXPORT_LIMITS = {
        str(role): int(rows)
        for role, rows in json.loads(
            os.environ.get("TAIZHANG_EXPORT_LIMITS", "")
            or '{"inspector": 2000, "leader": 2000, "member": 0}'
        ).items()
    }
except (ValueError, TypeError, AttributeError) as _error:
    raise ImproperlyConfigured(
        'TAIZHANG_EXPORT_LIMITS 应为 JSON，例如 {"inspector": 2000, "member": 0}'
    ) from _error
TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("TAIZHANG_TRUSTED_PROXIES", "").split(",") if p.strip()
]
AUDIT_ROLES = [
    r.strip()
    for r in os.environ.get("TAIZHANG_AUDIT_ROLES", "security,auditor").split(",")
    if r.strip()
]
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
# Absolute session lifetime: logged out this many hours after login, active or not.
SESSION_MAX_HOURS = float(os.environ.get("TAIZHANG_SESSION_MAX_HOURS", "12"))
# The middleware ends (and audits) idle and over-age sessions; the cookie outlives the
# idle timeout so that the end is seen, not silently expired.
SESSION_COOKIE_AGE = int(max(SESSION_MAX_HOURS * 3600, IDLE_TIMEOUT_MINUTES * 60)) + 60
SESSION_SAVE_EVERY_REQUEST = False  # IdleTimeoutMiddleware renews it
SESSION_COOKIE_HTTPONLY = True
if _flag("TAIZHANG_HTTPS"):
    # Served through a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = False  # the proxy redirects; behind it every request is https
# Login throttle: failed attempts (password, second factor, old password on the change
# page) are counted per (username, source address) and per username over all sources;
# past a threshold that key waits LOGIN_BACKOFF_MINUTES, doubling each time, capped.
LOGIN_MAX_FAILURES = int(os.environ.get("TAIZHANG_LOGIN_MAX_FAILURES", "5"))
LOGIN_MAX_FAILURES_ALL_SOURCES = int(
    os.environ.get("TAIZHANG_LOGIN_MAX_FAILURES_ALL_SOURCES", "20")
)
LOGIN_BACKOFF_MINUTES = int(os.environ.get("TAIZHANG_LOGIN_BACKOFF_MINUTES", "1"))
LOGIN_BACKOFF_MAX_MINUTES = int(os.environ.get("TAIZHANG_LOGIN_BACKOFF_MAX_MINUTES", "60"))
# Roles for which a second factor (TOTP) is required at login; empty turns it off.
TWO_FACTOR_ROLES = [
    r.strip() for r in os.environ.get("TAIZHANG_2FA_ROLES", "admin,office").split(",") if r.strip()
]
# Passwords expire after this many days (0: never); the last N may not be reused.
PASSWORD_MAX_DAYS = int(os.environ.get("TAIZHANG_PASSWORD_MAX_DAYS", "90"))
PASSWORD_HISTORY = int(os.environ.get("TAIZHANG_PASSWORD_HISTORY", "5"))
# API tokens expire this many days after they are issued.
TOKEN_DAYS = int(os.environ.get("TAIZHANG_TOKEN_DAYS", "90"))
# Generated initial passwords (account import, new user, reset) are offered as a file
# that may be downloaded once, within this many minutes; they are never stored.
PASSWORD_FILE_MINUTES = int(os.environ.get("TAIZHANG_PASSWORD_FILE_MINUTES", "60"))

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
# A printed list holds at most this many rows (the page says so above the table).
PRINT_MAX_ROWS = int(os.environ.get("TAIZHANG_PRINT_MAX_ROWS", "2000"))
# A batch archive / restore / set on a list page handles at most this many rows.
BATCH_MAX_ROWS = int(os.environ.get("TAIZHANG_BATCH_MAX_ROWS", "5000"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024


def _period(text: str, name: str) -> tuple[str, str]:
    start, sep, end = text.partition("/")
    if not sep or not start.strip() or not end.strip():
        raise ImproperlyConfigured(f"{name} 应为“开始日期/结束日期”，例如 2023-09-15/2023-12-01")
    return start.strip(), end.strip()


# The campaign (主题教育) period: pages default to it, dates outside it are flagged.
CAMPAIGN_START, CAMPAIGN_END = _period(
    os.environ.get("TAIZHANG_CAMPAIGN", "2023-09-15/2023-12-01"), "TAIZHANG_CAMPAIGN"
)
# Holidays when mobile members come home (返乡): "名称:开始/结束" separated by commas.
STUDY_HOLIDAYS = [
    (name.strip(), *_period(period, "TAIZHANG_STUDY_HOLIDAYS"))
    for name, _, period in (
        item.partition(":")
        for item in os.environ.get(
            "TAIZHANG_STUDY_HOLIDAYS", "国庆:2023-09-29/2023-10-06,春节:2024-02-10/2024-02-17"
        ).split(",")
        if item.strip()
    )
]
# A branch with no study session in this many days is listed as 未开展.
STUDY_IDLE_DAYS = int(os.environ.get("TAIZHANG_STUDY_IDLE_DAYS", "14"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TAIZHANG_LOG_LEVEL", "WARNING")},
}
# Two trips of different leaders at one target closer than this are 扎堆调研 (LEDGERS.md §2).
RESEARCH_CROWDING_DAYS = int(os.environ.get("TAIZHANG_RESEARCH_CROWDING_DAYS", "7"))
