"""Settings for the CPPCC Member Liaison Portal.

One module, driven by environment variables read once here, with embedded defaults so that the
portal runs on a bare machine: SQLite and eager Celery when ``DATABASE_URL`` / ``REDIS_URL`` are
unset, PostgreSQL and Redis when they are set.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Lower-case on purpose: Django lists every upper-case name of this module as a setting (on the debug
# page, for one), and the environment holds passwords.
_env = os.environ


def env_bool(name: str, default: bool = False) -> bool:
    return _env.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in _env.get(name, default).split(",") if item.strip()]


# Off unless asked for: ``python3 dev.py run`` sets DJANGO_DEBUG=1 for the local demo; production and
# tests run with it off.
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = _env.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set DJANGO_DEBUG=1 for "
            "local development."
        )
    SECRET_KEY = "dev-only-insecure-key-debug-mode-never-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Public pages link to themselves from QR codes; set this to the address residents reach.
PUBLIC_BASE_URL = _env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); without
# them the header is ignored and the client is the connection's peer (core.clientid).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# --- Transport security (production defaults; each switchable by environment) ---------------------
# DJANGO_HTTPS says the portal is served over HTTPS (default: whenever DEBUG is off).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = int(_env.get("DJANGO_SECURE_HSTS_SECONDS", str(31536000 if HTTPS else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = _env.get("DJANGO_SECURE_REFERRER_POLICY", "same-origin")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if TRUSTED_PROXIES:
    # Behind a TLS-terminating proxy that we trust to set this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The debug page and error reports hide connection strings (they carry passwords), not only the
# names Django hides by default.
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.debug.SafeExceptionReporterFilter"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "members",
    "workstations",
    "opinions",
    "consultations",
    "proposals",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL bytes in a request → 400; core.errors.Forbidden from a view → 403 (before sessions: a NUL
    # cookie is dropped before the session is looked up).
    "core.middleware.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
_database_url = _env.get("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(
        _database_url or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(_env.get("DB_CONN_MAX_AGE", "60")),
        # Survive a PostgreSQL restart: a dead persistent connection is replaced, not reused.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default must not fail a save because the sweep loop is writing: WAL lets readers
    # and one writer work side by side, IMMEDIATE takes the write lock at BEGIN (so a transaction
    # never has to upgrade a read lock, which SQLite answers with "database is locked" at once), and
    # the busy timeout makes a second writer wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": int(_env.get("SQLITE_BUSY_TIMEOUT", "30")),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ----------------------------------------------------------------------
_redis_url = _env.get("REDIS_URL", "")
if _redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}

# Without REDIS_URL tasks run eagerly in the calling process ("background is optional") and the
# beat schedule is driven by ``manage.py runperiodic --loop``. CELERY_BROKER_URL overrides (tests
# use the filesystem transport to run a real worker without Redis).
CELERY_BROKER_URL = _env.get("CELERY_BROKER_URL", _redis_url or "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not (_redis_url or _env.get("CELERY_BROKER_URL")))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish from a web request must never hang on a dead broker: the outbox keeps the message and
# the relay retries later, so fail fast here.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 0,
    "visibility_timeout": 3600,
}
if _env.get("CELERY_FS_BROKER_DIR"):
    _fs = Path(_env["CELERY_FS_BROKER_DIR"])
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_fs / "out"),
        "data_folder_out": str(_fs / "out"),
        "processed_folder": str(_fs / "processed"), "control_folder": str(_fs / "control"),
        "store_processed": False,
    }

# Sweep intervals, in seconds; every beat entry expires after its interval (a late run is useless).
SWEEP_INTERVAL = int(_env.get("SWEEP_INTERVAL", "300"))
OUTBOX_RELAY_INTERVAL = int(_env.get("OUTBOX_RELAY_INTERVAL", "30"))
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {
        "task": "core.relay_outbox",
        "schedule": timedelta(seconds=OUTBOX_RELAY_INTERVAL),
        "options": {"expires": OUTBOX_RELAY_INTERVAL},
    },
    "sweep-deadlines": {
        "task": "core.run_sweeps",
        "schedule": timedelta(seconds=SWEEP_INTERVAL),
        "kwargs": {"group": "frequent"},
        "options": {"expires": SWEEP_INTERVAL},
    },
    "month-end-checks": {
        "task": "core.run_sweeps",
        "schedule": crontab(minute=30, hour=22),
        "kwargs": {"group": "daily"},
        "options": {"expires": 3600},
    },
}
# Each app registers its sweeps in core.sweeps; ``group`` picks which run on which beat entry.

# --- Auth, i18n, static ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(_env.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded .xlsx (roster, working-day calendar) are refused before parsing when they would inflate
# beyond these bounds (core.xlsx: zip bombs).
IMPORT_XLSX_MAX_UNCOMPRESSED = int(_env.get("IMPORT_XLSX_MAX_UNCOMPRESSED", str(50 * 1024 * 1024)))
IMPORT_XLSX_MAX_ENTRIES = int(_env.get("IMPORT_XLSX_MAX_ENTRIES", "1000"))
IMPORT_XLSX_MAX_RATIO = int(_env.get("IMPORT_XLSX_MAX_RATIO", "200"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage" if not DEBUG
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = _env.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Used by the file-based backend, which the quick start picks so that reminders land in var/mail/.
EMAIL_FILE_PATH = _env.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = _env.get("DEFAULT_FROM_EMAIL", "portal@cppcc.local")

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # core.api holds the API contract: bounded filters, JSON-object bodies, documented error answers.
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.QueryParamsGuard",
        "core.api.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "政协委员履职服务平台 API",
    "DESCRIPTION": "CPPCC Member Liaison Portal REST API (v1)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from the installed sidecar package: government intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One component name per choice set (the same field name means different things in different
    # apps: "status", "category", "outcome"…), so clients get stable enum names and `check --deploy`
    # has nothing to warn about.
    "ENUM_NAME_OVERRIDES": {
        "DeadlinePolicyDayKindEnum": "core.models.DeadlinePolicy.DayKind",
        "CommitteeLevelEnum": "members.models.Committee.Level",
        "TownshipKindEnum": "members.models.Township.Kind",
        "CommunityKindEnum": "members.models.Community.Kind",
        "HandlingUnitKindEnum": "members.models.HandlingUnit.Kind",
        "MemberPartyEnum": "members.models.Member.Party",
        "MemberGenderEnum": "members.models.Member.Gender",
        "AssignmentBasisEnum": "members.models.Assignment.Basis",
        "RosterImportStatusEnum": "members.models.RosterImport.Status",
        "WorkstationKindEnum": "workstations.models.Workstation.Kind",
        "WorkstationHostKindEnum": "workstations.models.Workstation.HostKind",
        "WorkstationMembershipRoleEnum": "workstations.models.WorkstationMembership.Role",
        "StandardItemCodeEnum": "workstations.models.StandardItem.Code",
        "ReceptionDayStatusEnum": "workstations.models.ReceptionDay.Status",
        "VisitSourceEnum": "workstations.models.Visit.Source",
        "VisitCategoryEnum": "workstations.models.Visit.Category",
        "VisitOutcomeEnum": "workstations.models.Visit.Outcome",
        "OpinionReportSourceEnum": "opinions.models.OpinionReport.Source",
        "OpinionReportDirectionEnum": "opinions.models.OpinionReport.Direction",
        "OpinionReportStatusEnum": "opinions.models.OpinionReport.Status",
        "OpinionReportDueStageEnum": "opinions.models.OpinionReport.DueStage",
        "ForwardingKindEnum": "opinions.models.Forwarding.Kind",
        "CarryBackMethodEnum": "opinions.models.CarryBack.Method",
        "CarryBackSatisfactionEnum": "opinions.models.CarryBack.Satisfaction",
        "CarryBackRatingEnum": "opinions.models.CarryBack.Rating",
        "LeaderInstructionStatusEnum": "opinions.models.LeaderInstruction.Status",
        "TopicSourceEnum": "consultations.models.Topic.Source",
        "ModerationStatusEnum": "consultations.models.TopicComment.Status",
        "ConsultationFormatEnum": "consultations.models.Consultation.Format",
        "ConsultationLevelEnum": "consultations.models.Consultation.Level",
        "ConsultationStepEnum": "consultations.models.Consultation.Step",
        "ConsultationOrganiserEnum": "consultations.models.Consultation.Organiser",
        "ParticipantKindEnum": "consultations.models.Participant.Kind",
        "OutcomeStatusEnum": "consultations.models.Outcome.Status",
        "OutcomeConvertedKindEnum": "consultations.models.Outcome.ConvertedKind",
        "FollowUpVisitTriggerEnum": "consultations.models.FollowUpVisit.Trigger",
        "ProposalStatusEnum": "proposals.models.Proposal.Status",
        "ProposalProposerKindEnum": "proposals.models.Proposal.ProposerKind",
        "ProposalCategoryEnum": "proposals.models.Proposal.Category",
        "ProposalCosignerStatusEnum": "proposals.models.ProposalCosigner.Status",
        "ReviewDecisionEnum": "proposals.models.Review.Decision",
        "UnitAssignmentRoleEnum": "proposals.models.UnitAssignment.Role",
        "AnswerStatusEnum": "proposals.models.Answer.Status",
        "CountersignStatusEnum": "proposals.models.Countersign.Status",
        "EvaluationResultEnum": "proposals.models.Evaluation.Result",
        "SupervisionRecordMethodEnum": "proposals.models.SupervisionRecord.Method",
        "RollupReportKindEnum": "dashboards.models.RollupReport.Kind",
        "RollupReportStatusEnum": "dashboards.models.RollupReport.Status",
        "OpinionCategoryEnum": "opinions.models.Category",
        "OpinionOutcomeEnum": "opinions.models.Outcome",
        "ProposalAnswerClassEnum": "proposals.models.ANSWER_CLASS_CHOICES",
        # Input subsets used by action serializers (what a member or unit may choose).
        "EvaluationResultInputEnum": "proposals.models.Evaluation.INPUT_CHOICES",
        "OutcomeReportResultEnum": ["in_progress", "done", "cannot"],
    },
}

# --- Business defaults (SPEC section 3): the office can override each as a DeadlinePolicy row ----
DEADLINE_DEFAULTS = {
    # code: (days, "calendar" | "working", Chinese label)
    "proposal.review": (15, "calendar", "提案审查立案"),
    "proposal.answer": (90, "calendar", "承办单位答复提案"),
    "proposal.evaluation": (30, "calendar", "委员评价答复"),
    "opinion.registration": (3, "working", "社情民意登记"),
    "opinion.feedback": (30, "calendar", "承办单位反馈社情民意"),
    "opinion.carry_back": (7, "calendar", "委员带下去"),
    "consultation.research": (30, "calendar", "协商调研"),
    "consultation.minutes": (7, "calendar", "形成会议纪要"),
    "consultation.outcome": (60, "calendar", "协商成果办理"),
    "consultation.follow_up": (90, "calendar", "回头看"),
    "consultation.follow_up_visit": (30, "calendar", "开展回头看走访"),
    "proposal.countersign": (5, "working", "会办单位会签答复"),
    "proposal.class_review": (5, "working", "办公室审核答复分类"),
}
# Proposal reminders (SPEC section 3): days before a due date, and the escalation repeat interval.
PROPOSAL_REVIEW_REMINDER_DAYS_BEFORE = int(_env.get("PROPOSAL_REVIEW_REMINDER_DAYS_BEFORE", "3"))
PROPOSAL_ANSWER_REMINDER_DAYS_BEFORE = [int(d) for d in _env.get("PROPOSAL_ANSWER_REMINDER_DAYS_BEFORE", "30,7,0").split(",")]
PROPOSAL_EVALUATION_REMINDER_DAYS_BEFORE = int(_env.get("PROPOSAL_EVALUATION_REMINDER_DAYS_BEFORE", "7"))
PROPOSAL_ESCALATION_REPEAT_DAYS = int(_env.get("PROPOSAL_ESCALATION_REPEAT_DAYS", "7"))
PROPOSAL_MAX_REHANDLING_ROUNDS = int(_env.get("PROPOSAL_MAX_REHANDLING_ROUNDS", "1"))
PROPOSAL_COMMENT_RATE = _env.get("PROPOSAL_COMMENT_RATE", "5/10m")
# Failed logins per client (page and API token) before that client must wait (core.auth).
LOGIN_FAILURE_RATE = _env.get("LOGIN_FAILURE_RATE", "10/15m")
# Tracking-code look-ups per client on the public /t/ page (guessing codes is not a pastime).
TRACKING_LOOKUP_RATE = _env.get("TRACKING_LOOKUP_RATE", "30/10m")
RECEPTION_REMINDER_DAYS_BEFORE = int(_env.get("RECEPTION_REMINDER_DAYS_BEFORE", "3"))
RECEPTION_DAYS_PER_MONTH_MIN = int(_env.get("RECEPTION_DAYS_PER_MONTH_MIN", "1"))
MEMBER_POINTS_THRESHOLD = int(_env.get("MEMBER_POINTS_THRESHOLD", "60"))
# Dashboards: a handling unit is ranked in the fair table only with at least this many answers in the period.
DASHBOARD_UNIT_MIN_VOLUME = int(_env.get("DASHBOARD_UNIT_MIN_VOLUME", "5"))
# Opinion reports: how many days before a deadline the one reminder goes out (registration → office,
# unit feedback → the unit, carrying back → the member).
OPINION_REMINDER_DAYS_BEFORE = {"registration": 1, "feedback": 7, "carry_back": 2}
# Notification channels (pluggable like Django's session backends): dotted paths.
NOTIFICATION_CHANNELS = [c for c in _env.get(
    "NOTIFICATION_CHANNELS", "core.notifications.channels.InAppChannel,core.notifications.channels.EmailChannel"
).split(",") if c]
# Public intake flood limits (per client address).
PUBLIC_INTAKE_RATE = _env.get("PUBLIC_INTAKE_RATE", "10/10m")
# Consultations: days before a due date that the owner is reminded (SPEC section 3), and the flood
# limit of public comments on online consultations (码上协商) per client address.
CONSULTATION_REMINDER_DAYS = {"research": 7, "minutes": 3, "outcome": 7, "follow_up": 7}
CONSULTATION_COMMENT_RATE = _env.get("CONSULTATION_COMMENT_RATE", "5/10m")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
