"""anjian settings, read from the environment (see README "Configuration").

SQLite in ``var/anjian.sqlite3`` is the embedded default; ``DATABASE_URL`` selects
PostgreSQL. Every variable is parsed by ``config.env`` and a bad value stops start-up.
"""

import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.endpoints import MIN_SECRET, cap_webhooks, direct_report_receivers
from config.env import (
    env_bool,
    env_choice,
    env_dotted_paths,
    env_int,
    env_int_map,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ANJIAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("ANJIAN_DEBUG", False)
SECRET_KEY = env_str("ANJIAN_SECRET_KEY")
if not SECRET_KEY:
    # Embedded default: a random key generated once and kept beside the database.
    # Deployments with several machines set ANJIAN_SECRET_KEY so they share one.
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ANJIAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ANJIAN_CSRF_TRUSTED_ORIGINS", [])
# The platform's public address: absolute links in the warning feed and CAP messages.
SITE_URL = env_str("ANJIAN_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_filters",
    "django_tables2",
    "django_tasks_db",
    "auditlog",
    "axes",
    "anjian.core",
    "anjian.regions",
    "anjian.accounts",
    "anjian.enterprises",
    "anjian.risks",
    "anjian.hazards",
    "anjian.monitoring",
    "anjian.cap",
    "anjian.inspections",
    "anjian.accidents",
    "anjian.hazchem",
    "anjian.specialwork",
    "anjian.emergency",
    "anjian.analytics",
    "anjian.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy on everything; no-store for signed-in users and API tokens.
    "anjian.core.middleware.BrowserPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout's session writes, at most one a minute (after the view, before
    # SessionMiddleware saves): see anjian/accounts/sessions.py.
    "anjian.accounts.sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "anjian.accounts.middleware.ApiTokenMiddleware",
    "anjian.accounts.middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "anjian.core.middleware.AuditlogMiddleware",  # remote address via core.network.client_ip
    "anjian.core.middleware.ScopeErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anjian.web.context_processors.shell",
            ],
            "builtins": ["django.templatetags.static", "django.templatetags.i18n"],
        },
    }
]

# --- Database -------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    # SQLite is the default when DATABASE_URL is unset (with the WAL options below);
    # the variable itself is for PostgreSQL only.
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://…)")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Pages read summaries in a few milliseconds; starting parallel workers for them costs
    # more than it saves (a street's 动态清零 statement: 6 ms alone, 12 ms in parallel on two
    # cores). Only statements the planner costs far higher — ledger scans — go parallel.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c parallel_setup_cost=10000"
    )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "anjian.sqlite3"),
            # WAL lets the web server and the job worker read while the other writes.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
# The test database's name on PostgreSQL: parallel runs on one server need their own.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str(
        "ANJIAN_TEST_DATABASE", "test_anjian"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# With a shared cache (Redis) sessions are read through it; with the per-process local
# memory cache they are not: a session logged out (or expired) in one web worker would stay
# readable from another worker's cache until that copy aged out.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
# Idle timeout: the session expires after this many minutes without a request.
SESSION_COOKIE_AGE = env_int("ANJIAN_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = False  # IdleSessionMiddleware renews it, once a minute at most
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("ANJIAN_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# With HTTPS, redirect plain HTTP to it (off when the proxy already does, or health checks
# come over HTTP).
SECURE_SSL_REDIRECT = HTTPS and env_bool("ANJIAN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
# Reverse proxies (IPs or CIDR networks) whose X-Forwarded-For is believed for the client
# address of login lock-outs and the audit trail (anjian.core.network.client_ip).
TRUSTED_PROXIES = env_list("ANJIAN_TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy)
    except ValueError:
        raise ImproperlyConfigured(
            f"ANJIAN_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network "
            "(e.g. 10.0.0.5 or 10.0.0.0/24)"
        ) from None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Authentication -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "anjian.accounts.backends.ScopedModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Password policy (等保 2.0, GB/T 22239-2019 身份鉴别): length, character classes (of
# lower-case, upper-case, digits, symbols), no reuse of the last N passwords, and — when
# a maximum age is set — a forced change once the password is older (0 = never).
PASSWORD_MIN_LENGTH = env_int("ANJIAN_PASSWORD_MIN_LENGTH", 10, minimum=8)
PASSWORD_MIN_CLASSES = env_int("ANJIAN_PASSWORD_MIN_CLASSES", 3, minimum=1)
if PASSWORD_MIN_CLASSES > 4:
    raise ImproperlyConfigured(
        f"ANJIAN_PASSWORD_MIN_CLASSES={PASSWORD_MIN_CLASSES} must be 1–4 "
        "(lower-case, upper-case, digits, symbols)"
    )
PASSWORD_HISTORY = env_int("ANJIAN_PASSWORD_HISTORY", 5, minimum=0)
PASSWORD_MAX_AGE_DAYS = env_int("ANJIAN_PASSWORD_MAX_AGE_DAYS", 0, minimum=0)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "email", "phone")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "anjian.accounts.passwords.CharacterClassValidator"},
    {"NAME": "anjian.accounts.passwords.PasswordHistoryValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("ANJIAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("ANJIAN_LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "anjian.accounts.views.lockout"
# The address a lock-out is keyed on: X-Forwarded-For only from a trusted reverse proxy.
AXES_CLIENT_IP_CALLABLE = "anjian.core.network.client_ip"
AXES_VERBOSE = False
# Whether repeated failed logins lock out at all (leave it on in production).
AXES_ENABLED = env_bool("ANJIAN_LOGIN_THROTTLING", True)

# --- Content-Security-Policy (Django's built-in CSP) ----------------------------
# No inline scripts or styles; every library is served from our own static files.
MAP_TILE_URL = env_str("ANJIAN_MAP_TILE_URL")  # e.g. https://tiles.example.gov.cn/{z}/{x}/{y}.png
MAP_TILE_ATTRIBUTION = env_str("ANJIAN_MAP_TILE_ATTRIBUTION")
_tile_origin = []
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _parts = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    if not _parts.scheme or not _parts.netloc:
        raise ImproperlyConfigured("ANJIAN_MAP_TILE_URL must be an absolute http(s) URL template")
    _tile_origin = [f"{_parts.scheme}://{_parts.netloc.replace('a.', '*.', 1)}"]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_tile_origin],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and uploaded files --------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic puts the hashed files gunicorn (WhiteNoise) serves.
STATIC_ROOT = Path(env_str("ANJIAN_STATIC_ROOT", str(BASE_DIR / "build" / "collected")))
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
# ANJIAN_PLAIN_STATIC=true serves static files unhashed, without a collectstatic manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not env_bool("ANJIAN_PLAIN_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("ANJIAN_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("ANJIAN_IMPORT_MAX_MB", 20, minimum=1) * 1024 * 1024
# What an upload may inflate to (all parts of the .xlsx together): a zip bomb is refused
# before it is read. A 50,000-row, 31-column ledger is about 170 MB inflated.
IMPORT_MAX_UNCOMPRESSED_BYTES = (
    env_int("ANJIAN_IMPORT_MAX_UNCOMPRESSED_MB", 256, minimum=1) * 1024 * 1024
)

# Data packages from the npm registry (pinned by package-lock.json).
NODE_MODULES_DIR = Path(env_str("ANJIAN_NODE_MODULES", str(BASE_DIR / "node_modules")))

# --- Background jobs (django.tasks + django-tasks-db) ---------------------------
# Two queues (anjian/core/jobs.py): "default" for the periodic safety sweeps (every @task
# without a queue), "user_jobs" for imports/exports users start; `anjian run` gives each its
# own worker, so a sweep never waits behind a user's job.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "user_jobs"],
    }
}
# How long a user's job (import, export) may run before it is stopped and marked failed;
# periodic jobs declare their own limit in config/schedule.py.
JOB_TIME_LIMIT_MINUTES = env_int("ANJIAN_JOB_TIME_LIMIT_MINUTES", 30, minimum=1)
# An Excel ledger of more rows than this is written by a background job (progress bar, a
# download when done) instead of inside the request (anjian/core/exports.py): ~0.5–1 ms a
# row, so 5,000 rows keep a download under a few seconds. 0 = every export is a job.
EXPORT_SYNC_ROWS = env_int("ANJIAN_EXPORT_SYNC_ROWS", 5000, minimum=0)
# The periodic jobs, by dotted path like ROOT_URLCONF: config sits above anjian.core, so
# the scheduler (core/scheduler.py) reads the declarations through this setting instead of
# importing config (the import-linter layers contract in pyproject.toml forbids it).
PERIODIC_JOBS = "config.schedule.PERIODIC_JOBS"

# --- Audit trail (django-auditlog) ----------------------------------------------
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_INCLUDE_ALL_MODELS = False

# Covering (INCLUDE) indexes are for PostgreSQL; the embedded SQLite default uses the key
# columns alone, which is all its scale needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Tables ---------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "core/_table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-vcenter card-table table-striped"}

# --- API ------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
# Bounded page numbers and sizes (422 beyond them); use anjian.core.pagination.paginate.
NINJA_PAGINATION_CLASS = "anjian.core.pagination.ApiPagination"
API_TOKEN_DAYS = env_int("ANJIAN_API_TOKEN_DAYS", 365, minimum=1)

# --- anjian ---------------------------------------------------------------------
# Root of the region tree this deployment serves (GB/T 2260 prefix: 31 = 上海市).
REGION_ROOT = env_str("ANJIAN_REGION_ROOT", "31")
if not REGION_ROOT.isdigit() or len(REGION_ROOT) not in (2, 4, 6):
    raise ImproperlyConfigured("ANJIAN_REGION_ROOT must be a 2-, 4- or 6-digit GB/T 2260 code")
WEB_CONCURRENCY = env_int("ANJIAN_WEB_WORKERS", 2, minimum=1)

# Hazards (隐患排查治理).
PHOTO_MAX_BYTES = env_int("ANJIAN_PHOTO_MAX_MB", 10, minimum=1) * 1024 * 1024
HAZARD_REMIND_DAYS = env_int("ANJIAN_HAZARD_REMIND_DAYS", 3, minimum=0)
HAZARD_REVISIT_DAYS = env_int("ANJIAN_HAZARD_REVISIT_DAYS", 180, minimum=1)
HAZARD_REVISIT_SAMPLE_PERCENT = env_int("ANJIAN_HAZARD_REVISIT_SAMPLE_PERCENT", 10, minimum=0)
if HAZARD_REVISIT_DAYS > 365:
    raise ImproperlyConfigured("ANJIAN_HAZARD_REVISIT_DAYS: 回头看须在销号后一年内完成（≤365）")
# 双随机一公开: a draw's result is published within this many working days (RULES.md §11).
DRAW_PUBLISH_WORKING_DAYS = env_int("ANJIAN_DRAW_PUBLISH_WORKING_DAYS", 20, minimum=1)
# 执法文书: a directory whose .docx files replace the shipped templates of the same name
# (anjian/inspections/document_templates/, e.g. penalty_decision.docx); empty = the shipped ones.
DOCUMENT_TEMPLATES_DIR = env_str("ANJIAN_DOCUMENT_TEMPLATES_DIR")
if DOCUMENT_TEMPLATES_DIR and not Path(DOCUMENT_TEMPLATES_DIR).is_dir():
    raise ImproperlyConfigured(
        f"ANJIAN_DOCUMENT_TEMPLATES_DIR={DOCUMENT_TEMPLATES_DIR!r}: no such directory"
    )
if HAZARD_REVISIT_SAMPLE_PERCENT > 100:
    raise ImproperlyConfigured("ANJIAN_HAZARD_REVISIT_SAMPLE_PERCENT must be 0–100")
# Monitoring: the broker the ingest workers consume from (docs/broker.md). The ingest's
# own account; devices authenticate with their tokens (`anjian broker_auth`).
BROKER_USER = env_str("ANJIAN_BROKER_USER", "anjian.ingest")
BROKER_PASSWORD = env_str("ANJIAN_BROKER_PASSWORD")
BROKER_TLS_CA = env_str("ANJIAN_BROKER_TLS_CA")  # CA file: verify the broker's certificate
BROKER_TLS_CERT = env_str("ANJIAN_BROKER_TLS_CERT")  # optional client certificate …
BROKER_TLS_KEY = env_str("ANJIAN_BROKER_TLS_KEY")  # … and its key
if bool(BROKER_TLS_CERT) != bool(BROKER_TLS_KEY):
    raise ImproperlyConfigured("ANJIAN_BROKER_TLS_CERT and ANJIAN_BROKER_TLS_KEY go together")
for _name, _path in (
    ("ANJIAN_BROKER_TLS_CA", BROKER_TLS_CA),
    ("ANJIAN_BROKER_TLS_CERT", BROKER_TLS_CERT),
    ("ANJIAN_BROKER_TLS_KEY", BROKER_TLS_KEY),
):
    if _path and not Path(_path).is_file():
        raise ImproperlyConfigured(f"{_name}={_path!r}: no such file")
# Where `anjian broker_auth` (and its periodic job) writes the broker's credentials and
# permissions, for which broker, and which process to tell to reload them.
BROKER_KIND = env_choice("ANJIAN_BROKER_KIND", "nats", {"nats", "mosquitto"})
BROKER_AUTH_DIR = env_str("ANJIAN_BROKER_AUTH_DIR")
BROKER_PID_FILE = env_str("ANJIAN_BROKER_PID_FILE")
# Telemetry with an unknown device or a wrong token: counted per address and device code,
# and an address that keeps failing is answered 429 for a while without touching the
# database.
TELEMETRY_AUTH_FAILURES_PER_MINUTE = env_int(
    "ANJIAN_TELEMETRY_AUTH_FAILURES_PER_MINUTE", 30, minimum=1
)
# Minutes an alarm may stay unacknowledged before the street, then the district, is told
# (monitoring/sweeps.py), written "street=5,district=15"; a key left out keeps its default.
MONITORING_ESCALATION_MINUTES = env_int_map(
    "ANJIAN_MONITORING_ESCALATION_MINUTES", {"street": 5, "district": 15}, minimum=0
)
if MONITORING_ESCALATION_MINUTES["street"] > MONITORING_ESCALATION_MINUTES["district"]:
    raise ImproperlyConfigured(
        "ANJIAN_MONITORING_ESCALATION_MINUTES: the street is told before the district "
        f"(street={MONITORING_ESCALATION_MINUTES['street']} > "
        f"district={MONITORING_ESCALATION_MINUTES['district']})"
    )
# Dotted paths of the alarm notice senders send(recipients, subject, text) (SMS, e-mail
# gateways); the default writes to the log; empty = the in-app inbox only.
MONITORING_ALARM_BACKENDS = env_dotted_paths(
    "ANJIAN_MONITORING_ALARM_BACKENDS", ["anjian.monitoring.channels.console"]
)
# Seconds each process keeps its copy of the device registry (codes, tokens, limits) before
# reloading it; changes made in the same process apply at once (0 = reload every batch).
MONITORING_REGISTRY_SECONDS = env_int("ANJIAN_MONITORING_REGISTRY_SECONDS", 15, minimum=0)
# How far in the future a reading's timestamp may lie (device clocks drift) before it is
# dead-lettered.
MONITORING_FUTURE_TOLERANCE_SECONDS = env_int(
    "ANJIAN_MONITORING_FUTURE_TOLERANCE_SECONDS", 300, minimum=0
)
# Months of readings kept (the current one included); older partitions are dropped and
# older readings refused at ingest (monitoring/partitions.py).
MONITORING_RETENTION_MONTHS = env_int("ANJIAN_MONITORING_RETENTION_MONTHS", 13, minimum=1)

# Days from the accident to the investigation report, by grade (493号令 Art. 29 and the
# 2013 rule: 60 for 重大/特别重大, 30 for 较大/一般), written "general=30,larger=30,...";
# an extension may add at most as many days again, once (accidents/clock.py).
ACCIDENT_INVESTIGATION_DAYS = env_int_map(
    "ANJIAN_ACCIDENT_INVESTIGATION_DAYS",
    {"general": 30, "larger": 30, "major": 60, "extraordinary": 60},
    minimum=1,
)

# 应急预案: working days from publication to filing (备案, 88号令 Art. 26 and 国办发〔2024〕5号:
# 20), counted on the working-day calendar (core/workdays.py); years between assessments
# (88号令 Art. 35: every 3 years for the units it names; the default for every plan).
EMERGENCY_PLAN_FILING_WORKING_DAYS = env_int(
    "ANJIAN_EMERGENCY_PLAN_FILING_WORKING_DAYS", 20, minimum=1
)
EMERGENCY_PLAN_ASSESSMENT_YEARS = env_int("ANJIAN_EMERGENCY_PLAN_ASSESSMENT_YEARS", 3, minimum=1)

# 直报: upper-level systems each accident quick report and follow-up is pushed to (the
# outbox, anjian/core/outbox.py; docs/outbox.md). Receivers are written
# "name=https://…,name=https://…", their HMAC secrets "name=secret,…" (at least 16
# characters, no commas); empty = the feature is off and nothing is queued.
DIRECT_REPORT_RECEIVERS = direct_report_receivers(
    env_str("ANJIAN_DIRECT_REPORT_RECEIVERS"),
    env_str("ANJIAN_DIRECT_REPORT_SECRETS"),
    allow_http=env_bool("ANJIAN_DIRECT_REPORT_ALLOW_HTTP", False),
)
# A CA file for receivers on a private PKI: it replaces the system's trusted roots.
DIRECT_REPORT_CA_BUNDLE = env_str("ANJIAN_DIRECT_REPORT_CA_BUNDLE")
if DIRECT_REPORT_CA_BUNDLE and not Path(DIRECT_REPORT_CA_BUNDLE).is_file():
    raise ImproperlyConfigured(
        f"ANJIAN_DIRECT_REPORT_CA_BUNDLE={DIRECT_REPORT_CA_BUNDLE!r}: no such file"
    )
# Seconds one delivery attempt may take (connect, send, answer) before it counts as failed.
DIRECT_REPORT_TIMEOUT_SECONDS = env_int("ANJIAN_DIRECT_REPORT_TIMEOUT_SECONDS", 10, minimum=1)
if DIRECT_REPORT_TIMEOUT_SECONDS > 60:
    raise ImproperlyConfigured(
        f"ANJIAN_DIRECT_REPORT_TIMEOUT_SECONDS={DIRECT_REPORT_TIMEOUT_SECONDS} must be 1–60"
    )

# E-mail (warnings' e-mail channel, password resets): Django's MAILERS. The console backend
# (the default) writes mails to the log; set ANJIAN_MAIL_HOST for SMTP.
MAIL_HOST = env_str("ANJIAN_MAIL_HOST")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": MAIL_HOST,
                "port": env_int("ANJIAN_MAIL_PORT", 465, minimum=1),
                "username": env_str("ANJIAN_MAIL_USER"),
                "password": env_str("ANJIAN_MAIL_PASSWORD"),
                "use_ssl": env_bool("ANJIAN_MAIL_SSL", True),
                "timeout": 10,
            },
        }
        if MAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}

# 预警送达: the channels a published warning goes out through (dotted paths of
# anjian.cap.channels.Channel classes; cap/channels.py), and their settings. The console
# channel (the default) only logs — for the demo and development.
CAP_CHANNELS = env_dotted_paths("ANJIAN_CAP_CHANNELS", ["anjian.cap.channels.Console"])
CAP_SMS_URL = env_str("ANJIAN_CAP_SMS_URL")
CAP_SMS_TOKEN = env_str("ANJIAN_CAP_SMS_TOKEN")
CAP_SMS_RECEIPT_TOKEN = env_str("ANJIAN_CAP_SMS_RECEIPT_TOKEN")
if CAP_SMS_RECEIPT_TOKEN and len(CAP_SMS_RECEIPT_TOKEN) < MIN_SECRET:
    raise ImproperlyConfigured(
        f"ANJIAN_CAP_SMS_RECEIPT_TOKEN is shorter than {MIN_SECRET} characters"
    )
CAP_EMAIL_FROM = env_str("ANJIAN_CAP_EMAIL_FROM")
# Broadcast and display systems (config/endpoints.cap_webhooks says how they are written).
CAP_WEBHOOKS = cap_webhooks(
    env_str("ANJIAN_CAP_WEBHOOKS"),
    env_str("ANJIAN_CAP_WEBHOOK_SECRETS"),
    env_str("ANJIAN_CAP_WEBHOOK_REGIONS"),
)
CAP_DELIVERY_TIMEOUT_SECONDS = env_int("ANJIAN_CAP_DELIVERY_TIMEOUT_SECONDS", 10, minimum=1)
if CAP_DELIVERY_TIMEOUT_SECONDS > 60:
    raise ImproperlyConfigured(
        f"ANJIAN_CAP_DELIVERY_TIMEOUT_SECONDS={CAP_DELIVERY_TIMEOUT_SECONDS} must be 1–60"
    )
CAP_DELIVERY_MAX_ATTEMPTS = env_int("ANJIAN_CAP_DELIVERY_MAX_ATTEMPTS", 5, minimum=1)
# 气象灾害预警信息公众覆盖率 ≥ 95 % (seed 004): the reach the figures are judged against.
CAP_REACH_TARGET = env_int("ANJIAN_CAP_REACH_TARGET", 95, minimum=1)
if CAP_REACH_TARGET > 100:
    raise ImproperlyConfigured(f"ANJIAN_CAP_REACH_TARGET={CAP_REACH_TARGET} must be 1–100")

LOG_LEVEL = env_choice("ANJIAN_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
