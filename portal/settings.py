"""Settings for the portal, read from the environment (django-environ).

With no environment at all the portal runs in the embedded mode: SQLite, Celery tasks run
eagerly, local-memory cache, console e-mail. Setting DATABASE_URL and REDIS_URL switches to
PostgreSQL, Redis and real Celery workers. DJANGO_ENV=production turns on the hardening that
`manage.py check --deploy` looks for. Every variable read here is listed in .env.example.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
# The embedded default key is for the demo only; production refuses to start without one.
SECRET_KEY = (
    env.str("DJANGO_SECRET_KEY")
    if PRODUCTION
    else env.str("DJANGO_SECRET_KEY", default="embedded-demo-key-not-for-production-use-0123456789")
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("PORTAL_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "identity",
    "matters",
    "certificates",
    "sharing",
    "cases",
    "windows",
    "supervision",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns lockouts raised below into its lockout response.
    "axes.middleware.AxesMiddleware",
]

# Another URLconf only for measurements (benchmarks/hello_urls.py adds a hello-world view).
ROOT_URLCONF = env.str("DJANGO_ROOT_URLCONF", default="portal.urls")
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.ui",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction starts (no "database is locked" half-way
    # through) and readers do not wait for them (WAL): enough for the embedded mode.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
# Persistent connections: opening one costs a request as much as a whole API call does
# (benchmarks/case_submissions.py); the health check keeps a database restart from turning
# a stale connection into an error (docs/reliability.md); `?conn_health_checks=False` on the
# URL turns it off.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down is a cache miss, not a 500 (core/cache.py).
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: without Redis every task runs eagerly in the calling process (embedded mode).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# With acks_late a killed worker would still acknowledge without this.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up would close the database connections around every task (a new
# PostgreSQL backend per task); with this it closes them only once in so many tasks, and
# portal/celery.py treats each task as Django treats a request (CONN_MAX_AGE, health checks).
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = "Asia/Shanghai"
# Task modules autodiscovery (which looks only for <app>.tasks) does not find.
CELERY_IMPORTS = ["supervision.export_tasks"]
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Hand-offs whose task was lost (worker killed, broker restarted) are scheduled again.
    "cases.sweep_outbox": {
        "task": "cases.tasks.sweep_outbox",
        "schedule": 60.0,
        "kwargs": {"older_than_seconds": 120},
    },
    # Case notifications whose task was lost (broker down, worker killed).
    "cases.resend_lost_notifications": {
        "task": "cases.tasks.resend_lost_notifications",
        "schedule": 120.0,
        "kwargs": {"older_than_seconds": 300},
    },
    # Stored files no row refers to (an upload rolled back, a render killed mid-way).
    "portal.delete_orphan_files": {
        "task": "portal.tasks.delete_orphan_files",
        "schedule": 86400.0,
    },
    # 电子监察: raise and close the deadline cards (yellow/red), then tell the people concerned.
    "supervision.sweep_deadlines": {
        "task": "supervision.tasks.sweep_deadlines",
        "schedule": env.float("PORTAL_DEADLINE_SWEEP_SECONDS", default=300.0),
    },
    # The hall: appointments that ended without a check-in become no-shows.
    "windows.sweep_hall": {"task": "windows.tasks.sweep_hall", "schedule": 300.0},
    # 电子证照: record and announce certificates that expired (once each; hourly is plenty).
    "certificates.expire": {"task": "certificates.tasks.expire_certificates", "schedule": 3600.0},
    # 电子证照: PDFs and holder e-mails whose task was lost (broker down, worker killed).
    "certificates.recover": {
        "task": "certificates.tasks.recover_certificates",
        "schedule": 120.0,
        "kwargs": {"older_than_seconds": 300},
    },
}

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("id_number", "name", "email", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "identity:sign-in"
LOGIN_REDIRECT_URL = "identity:profile"
LOGOUT_REDIRECT_URL = "portal:home"

# Staff (anyone holding a department role) must give a TOTP code at sign-in.
PORTAL_STAFF_2FA = env.bool("PORTAL_STAFF_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = _("Government Services Portal")

# django-axes: lock a person's ID number from one address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "id_number"
# ID numbers are personal data: axes stores and logs a keyed digest instead.
AXES_USERNAME_CALLABLE = "identity.selectors.signin_lockout_key"
AXES_RESET_ON_SUCCESS = True
# Keep the page or JSON the view rendered: it already explains the lockout on the right field.
AXES_LOCKOUT_CALLABLE = "identity.views.keep_view_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_PROXY_COUNT = env.int("PORTAL_PROXY_COUNT", default=0)

# Days every audit entry is kept before `audit_purge` may remove it (at least 184: checked).
PORTAL_AUDIT_RETENTION_DAYS = env.int("PORTAL_AUDIT_RETENTION_DAYS", default=184)

# Supervision (电子监察, 好差评, 有诉即办); time limits in working days.
# Yellow card when a case has this many working days left, or this share of its promised
# time limit, whichever is more (red once the limit has passed).
PORTAL_YELLOW_CARD_WORKING_DAYS = env.int("PORTAL_YELLOW_CARD_WORKING_DAYS", default=1)
PORTAL_YELLOW_CARD_SHARE = env.float("PORTAL_YELLOW_CARD_SHARE", default=0.2)
# Time the applicant has to answer a correction request (补正) before the case is carded.
PORTAL_CORRECTION_ANSWER_DAYS = env.int("PORTAL_CORRECTION_ANSWER_DAYS", default=10)
# Time a department has to call back, rectify and answer after a bad rating (差评整改).
PORTAL_RATING_FOLLOWUP_DAYS = env.int("PORTAL_RATING_FOLLOWUP_DAYS", default=15)
# Time to assign a complaint to the department that answers it (及时转办), and to reply.
PORTAL_COMPLAINT_ASSIGN_DAYS = env.int("PORTAL_COMPLAINT_ASSIGN_DAYS", default=1)
PORTAL_COMPLAINT_REPLY_DAYS = env.int("PORTAL_COMPLAINT_REPLY_DAYS", default=5)
# Lifetime in seconds of the link a clerk opens for the applicant to rate at the counter.
PORTAL_RATING_KIOSK_SECONDS = env.int("PORTAL_RATING_KIOSK_SECONDS", default=600)

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Largest application material accepted (bytes); checked while reading, before storing.
PORTAL_MAX_UPLOAD_BYTES = env.int("PORTAL_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

# Outside production, gunicorn (`make serve`) serves static files straight from the apps.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env.str("PORTAL_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    # A disk filling up during a write leaves no partial file (cases/uploads.py).
    "default": {"BACKEND": "cases.uploads.UploadStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@gov-portal.example")
# The class that sends text messages (cases.notifications.SmsSender); the default logs them.
PORTAL_SMS_SENDER = env.str("PORTAL_SMS_SENDER", default="cases.notifications.ConsoleSmsSender")

# Electronic certificates (docs/adr/0007-certificate-signatures.md). The Ed25519 key that signs
# new certificates, "<key id>:<base64url private key>" (manage.py certificates_signing_key);
# empty: a key derived from SECRET_KEY, for the embedded mode and the demo only.
PORTAL_SIGNING_KEY = env.str("PORTAL_SIGNING_KEY", default="")
# Retired keys that still verify after a rotation: "<key id>:<base64url public key>,…".
PORTAL_SIGNING_PUBLIC_KEYS = env.str("PORTAL_SIGNING_PUBLIC_KEYS", default="")
# Requests per client address to the pages and API that answer to a code (verification, 授权用证).
PORTAL_VERIFY_THROTTLE = env.str("PORTAL_VERIFY_THROTTLE", default="30/min")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "identity.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Counts only requests signed with a department system's key, per key.
    "DEFAULT_THROTTLE_CLASSES": ["identity.authentication.ApiKeyRateThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("PORTAL_AUTH_THROTTLE", default="30/min"),
        "api_key": env.str("PORTAL_API_KEY_THROTTLE", default="600/min"),
        # Reads of shared personal data, per key, on top of the key's overall budget.
        "sharing_data": env.str("PORTAL_SHARING_DATA_THROTTLE", default="300/min"),
        # Queue tickets and check-ins taken without signing in (the hall's kiosk), per address.
        "kiosk": env.str("PORTAL_KIOSK_THROTTLE", default="30/min"),
    },
}
# The data sharing exchange (sharing.providers): provider credit code → dotted path of the
# adapter class that reads that department's system; others use the built-in demo tables.
SHARING_PROVIDER_ADAPTERS: dict[str, str] = {}
# Other logs of reads about a person merged into their data use log (sharing.selectors).
SHARING_ACCESS_LOG_SOURCES: list[str] = ["certificates.selectors.department_reads_log"]
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("PORTAL_TOKEN_TTL_HOURS", default=12)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "一网通办 Government Services Portal API",
    "DESCRIPTION": "Public API for department systems, mobile apps and integrators.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files (no CDN at run time).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name for the case states used by several fields.
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "cases.constants.CaseState",
        # The hall's choice sets, whose field names (state, channel) other apps use too.
        "QueueEnum": "windows.constants.Queue",
        "TicketStateEnum": "windows.constants.TicketState",
        "TicketChannelEnum": "windows.constants.TicketChannel",
        "AppointmentStateEnum": "windows.constants.AppointmentState",
        # The data sharing exchange's (state, kind and basis are common field names).
        "AccessRequestStateEnum": "sharing.constants.RequestState",
        "ObjectionStateEnum": "sharing.constants.ObjectionState",
        "AccessLogKindEnum": "sharing.constants.AccessLogKind",
        "GrantBasisEnum": "sharing.constants.GrantBasis",
        # Cases and supervision both have a channel; a complaint's steps have their own states.
        "CaseChannelEnum": "cases.constants.Channel",
        "ComplaintChannelEnum": "supervision.constants.ComplaintChannel",
        "ComplaintStateEnum": "supervision.constants.ComplaintState",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_error_responses",
    ],
}

# No inline script or style anywhere: pages load their code and styles from our own files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_AGE = env.int("PORTAL_SESSION_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: every request extends the session
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # axes would otherwise log sign-in identifiers; lockouts are in the audit trail instead.
    "loggers": {
        "axes": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
