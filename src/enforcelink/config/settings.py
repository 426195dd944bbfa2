"""EnforceLink settings: the one module, everything that varies comes from the environment.

ENFORCELINK_DEBUG, ENFORCELINK_SECRET_KEY, DATABASE_URL, ENFORCELINK_ALLOWED_HOSTS,
ENFORCELINK_VAR_DIR, ENFORCELINK_CSRF_TRUSTED_ORIGINS, ENFORCELINK_AXES_FAILURE_LIMIT,
ENFORCELINK_AXES_COOLOFF_MINUTES, ENFORCELINK_REQUIRE_2FA_ROLES, ENFORCELINK_SESSION_HOURS,
ENFORCELINK_HTTPS, ENFORCELINK_HSTS_SECONDS, ENFORCELINK_LOG_LEVEL, ENFORCELINK_WEBHOOK_TIMEOUT,
ENFORCELINK_WEBHOOK_BACKOFF, ENFORCELINK_ATTACHMENT_MAX_MB, ENFORCELINK_SHEET_MAX_UNPACKED_MB,
ENFORCELINK_SHEET_MAX_ROWS, ENFORCELINK_UPLOAD_SHEET_MAX_UNPACKED_MB, ENFORCELINK_UPLOAD_SHEET_MAX_ROWS,
ENFORCELINK_AUDIT_ANCHOR_KEY, ENFORCELINK_REQUEST_LOG, ENFORCELINK_PUBLIC_URL.
A value that makes no sense stops the start with ImproperlyConfigured naming the variable.
See docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from enforcelink.config import env, logs

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("ENFORCELINK_VAR_DIR", REPO_DIR / "var"))

DEBUG = env.env_bool("ENFORCELINK_DEBUG", default=False)
SECRET_KEY = env.secret_key(debug=DEBUG, var_dir=VAR_DIR)
# Django's test set-up adds "testserver" itself; a production default must not answer to it.
ALLOWED_HOSTS = env.env_list("ENFORCELINK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.env_list("ENFORCELINK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "enforcelink.orgs.adminsite.AdminConfig",  # django.contrib.admin with court administrators let in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "enforcelink.config.apps.TasksDatabaseConfig",  # django_tasks_db, named in the user's language
    "django_otp",
    "django_otp.plugins.otp_totp",
    "enforcelink.config.apps.AxesConfig",  # axes, named in the user's language
    "enforcelink.core",
    "enforcelink.orgs",
    "enforcelink.cases",
    "enforcelink.documents",
    "enforcelink.urging",
    "enforcelink.linkage",
    "enforcelink.funds",
    "enforcelink.assets",
    "enforcelink.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "enforcelink.core.middleware.RequestBodyLimitMiddleware",  # headers only, before anything reads a body
    "enforcelink.orgs.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "enforcelink.config.urls"
WSGI_APPLICATION = "enforcelink.config.wsgi.application"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "login"

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
                "enforcelink.orgs.permissions.may",
                "enforcelink.core.home.badges",
            ],
        },
    },
]

DATABASES = {"default": env.database(os.environ.get("DATABASE_URL"), var_dir=VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.env_int("ENFORCELINK_AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.env_int("ENFORCELINK_AXES_COOLOFF_MINUTES", 15, minimum=1))
# Username and address together: a wrong password from one desk cannot lock a colleague out elsewhere.
# orgs.signin_lock adds a limit per address across user names (spraying) and one per user name across
# addresses, and exempts devices the user signed in from before (docs/operations.md).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "enforcelink.orgs.signin_lock.SignInLockHandler"
AXES_CLIENT_IP_CALLABLE = "enforcelink.core.net.client_address"
SIGNIN_ADDRESS_FAILURE_LIMIT = env.env_int("ENFORCELINK_AXES_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
SIGNIN_USERNAME_FAILURE_LIMIT = env.env_int("ENFORCELINK_AXES_USERNAME_FAILURE_LIMIT", 20, minimum=1)
# Reverse proxies in front, each appending to X-Forwarded-For (core.net.client_address); 0: none.
PROXY_COUNT = env.env_int("ENFORCELINK_PROXY_COUNT", 0)
# Document checks on the public /verify/ page per client address in 10 minutes (documents.views).
VERIFY_RATE_LIMIT = env.env_int("ENFORCELINK_VERIFY_RATE_LIMIT", 30, minimum=1)
# The site's address as the public reaches it: every document prints its verification page under it
# and encodes it in its QR code (documents.actions.verify_url). The default is the development
# server's; `check --deploy` warns while it still is (documents.checks).
PUBLIC_URL = env.env_url("ENFORCELINK_PUBLIC_URL", "http://127.0.0.1:8000")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "orgs/lockout.html"

# Two-factor sign-in (TOTP). Role values as in enforcelink.orgs.models.Role (a test keeps them equal);
# listed here because settings load before the models.
ROLE_VALUES = (
    "officer", "team_leader", "command", "president", "fund_clerk", "liaison", "unit_leader", "supervisor", "admin"
)  # fmt: skip
REQUIRE_2FA_ROLES = env.env_choices("ENFORCELINK_REQUIRE_2FA_ROLES", ROLE_VALUES, default=[])
OTP_TOTP_ISSUER = "EnforceLink"
SESSION_COOKIE_AGE = env.env_int("ENFORCELINK_SESSION_HOURS", 12, minimum=1) * 3600

LANGUAGE_CODE = "zh-hans"
# Each language is named in itself, so the switch is readable whatever language is showing.
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["enforcelink.config.formats"]  # amounts grouped 120,000.00 in Chinese too
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS: list[Any] = [PACKAGE_DIR / "static"]  # the project's own stylesheet, outside any app
# Apache ECharts, installed from npm by `make install` (docs/operations.md); pages without it still work.
ECHARTS_DIR = VAR_DIR / "npm" / "node_modules" / "echarts" / "dist"
if ECHARTS_DIR.is_dir():
    STATICFILES_DIRS.append(("echarts", ECHARTS_DIR))
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The /api/v1/ views' authentication, in order (core.api.ScopedAPIView): a unit's API key first.
# Every /api/v1/ view's default permission: court staff write, everyone reads what they may see.
ENFORCELINK_API_PERMISSION = "enforcelink.orgs.permissions.CourtStaffWritesOnly"
ENFORCELINK_API_AUTHENTICATION = [
    "enforcelink.orgs.api_auth.ApiKeyAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "enforcelink.orgs.api_auth.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "enforcelink.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EnforceLink API",
    "DESCRIPTION": "执行联动平台 API. Errors are {code, message, field}.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" or "kind"; name each choice set after its class.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "enforcelink.cases.models.CaseStatus",
        "NodeStatusEnum": "enforcelink.cases.models.NodeStatus",
        "PartyKindEnum": "enforcelink.cases.models.PartyKind",
        "NodeKindEnum": "enforcelink.cases.models.NodeKind",
        "RequestStatusEnum": "enforcelink.linkage.models.RequestStatus",
        # Issue 15: each choice set its own name, so none becomes "Kind80cEnum".
        "AssetKindEnum": "enforcelink.assets.models.AssetKind",
        "InquiryOutcomeEnum": "enforcelink.assets.models.Outcome",
        "MeasureKindEnum": "enforcelink.assets.control.models.MeasureKind",
        "MeasureStatusEnum": "enforcelink.assets.control.models.MeasureStatus",
        "ReportStatusEnum": "enforcelink.assets.reports.models.ReportStatus",
        "ReportedKindEnum": "enforcelink.assets.reports.models.ReportedKind",
        "FindingKindEnum": "enforcelink.assets.reports.models.FindingKind",
        "FindingStatusEnum": "enforcelink.assets.reports.models.FindingStatus",
        "ReinquiryStatusEnum": "enforcelink.assets.reports.models.ReinquiryStatus",
        "JournalKindEnum": "enforcelink.funds.models.JournalKind",
        "LeadVerificationEnum": ["confirmed", "not_confirmed"],
        "ReplyOutcomeEnum": ["completed", "rejected", "returned"],  # a unit's reply (linkage)
    },
}

# The key that signs `enforcelink audit anchor` documents (HMAC-SHA256, core.audit). Empty: a key
# derived from SECRET_KEY, which then must not change while anchors signed with it are kept.
AUDIT_ANCHOR_KEY = os.environ.get("ENFORCELINK_AUDIT_ANCHOR_KEY", "")

# Webhook pushes to units' systems (linkage.delivery): seconds before a post times out, and the
# first retry's wait (doubling after each failure, at most 6 h).
WEBHOOK_TIMEOUT_SECONDS = env.env_int("ENFORCELINK_WEBHOOK_TIMEOUT", 10, minimum=1)
WEBHOOK_BACKOFF_SECONDS = env.env_int("ENFORCELINK_WEBHOOK_BACKOFF", 30, minimum=1)

# Files on a request's reply or thread (linkage.attachments): each at most this many MB, 10 at most.
ATTACHMENT_MAX_MB = env.env_int("ENFORCELINK_ATTACHMENT_MAX_MB", 20, minimum=1)
ATTACHMENT_MAX_FILES = 10  # linkage.attachments.MAX_FILES (a test keeps them equal)
# The largest request body, refused from its Content-Length before it is read (core.middleware): a
# reply's or message's files at their largest in the API's base64 (× 4/3), 10 % more for line-wrapped
# base64 and encoders that write "/" as "\/", and 1 MB for the rest of the JSON (the result, the
# text). 20 MB files: 294 MB. The reverse proxy's own limit should be at least this.
REQUEST_BODY_MAX_BYTES = ATTACHMENT_MAX_FILES * ATTACHMENT_MAX_MB * 1024 * 1024 * 4 * 11 // 30 + 1024 * 1024
# That cap only where files are taken; every path's cap, first matching pattern wins (a setting's
# name is read per request, so the attachment cap follows its setting). Paths matching none take
# DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB for form fields, the API's for JSON without files).
# The third column says who gets the cap: "signed-in" caps are for signed-in users only, anybody else
# gets REQUEST_BODY_ANONYMOUS_CAP there. Pages need that: Django's CSRF check reads a multipart form
# (its files into temporary files) before the view's login_required answers, so without it anybody
# with a CSRF cookie could have 294 MB read for a redirect to /login/. The API needs no such column:
# its views are CSRF-exempt and authenticate from the headers before they read a body (a wrong key
# gets 401 unread; tests/linkage/test_body_cap.py checks it).
# docs/operations.md and docs/api.md list them; keep the three together.
REQUEST_BODY_ANONYMOUS_CAP = 64 * 1024
REQUEST_BODY_CAPS: list[tuple[str, int | str, str]] = [
    # A reply or message with files: in base64 through the API, multipart from the request page.
    (r"^/api/v1/requests/[^/]+/(?:reply|messages)/$", "REQUEST_BODY_MAX_BYTES", "anyone"),
    (r"^/requests/\d+/actions/(?:complete|reject|return|message)/$", "REQUEST_BODY_MAX_BYTES", "signed-in"),
    (r"^/inbox/upload/$", 11 * 1024 * 1024, "signed-in"),  # a filled-in sheet, at most 10 MB (linkage.forms)
    # A document to check, at most 20 MB (documents.views), from anybody: the page is public, and it
    # is CSRF-exempt and rate-limited before it reads the body.
    (r"^/verify/", 21 * 1024 * 1024, "anyone"),
    # Pages anybody can post to, and the two-factor steps: a few short fields.
    (r"^/(?:login|logout|i18n|account/2fa)/", "REQUEST_BODY_ANONYMOUS_CAP", "anyone"),
    # The rest of the API: Django's 2.5 MB for anybody (a key is checked before the body is read).
    (r"^/api/", "DATA_UPLOAD_MAX_MEMORY_SIZE", "anyone"),
    # Every other page is for signed-in users; a stranger's form is read by CSRF before login_required
    # answers, so it gets the anonymous cap.
    (r"^/", "DATA_UPLOAD_MAX_MEMORY_SIZE", "signed-in"),
]

# Spreadsheets people send (core.tabular.SheetLimits, issue 12): an XLSX whose members would unpack
# to more than this many MB, or one of whose members over 1 MB unpacks to more than SHEET_MAX_RATIO
# times its packed size (a zip bomb), is refused before it is parsed; a sheet is refused at its first
# row past the row limit. Command-line imports (`enforcelink import`) may bring a court's whole
# caseload; sheets uploaded through the site (/inbox/upload/) are kept to what a request can parse in
# a few seconds.
SHEET_MAX_UNPACKED_MB = env.env_int("ENFORCELINK_SHEET_MAX_UNPACKED_MB", 100, minimum=1)
SHEET_MAX_ROWS = env.env_int("ENFORCELINK_SHEET_MAX_ROWS", 100_000, minimum=1)
UPLOAD_SHEET_MAX_UNPACKED_MB = env.env_int("ENFORCELINK_UPLOAD_SHEET_MAX_UNPACKED_MB", 20, minimum=1)
UPLOAD_SHEET_MAX_ROWS = env.env_int("ENFORCELINK_UPLOAD_SHEET_MAX_ROWS", 10_000, minimum=1)
SHEET_MAX_RATIO = 100

LOG_LEVEL = env.env_choice("ENFORCELINK_LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "WARNING")
# A line per request served (the development server's; `enforcelink serve` passes it on to granian's
# access log); off, so that `make demo`'s polling simulators do not flood the console (config.logs).
REQUEST_LOG = env.env_bool("ENFORCELINK_REQUEST_LOG", default=False)
LOGGING = logs.logging_config(LOG_LEVEL, request_log=REQUEST_LOG)

SESSION_COOKIE_HTTPONLY = True
# HTMX sends the token from the page (hx-headers in base.html), so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind TLS (the default whenever DEBUG is off): secure cookies, HTTPS redirect, HSTS.
# ENFORCELINK_HTTPS=0 is for plain-HTTP test servers on loopback only.
HTTPS = env.env_bool("ENFORCELINK_HTTPS", default=not DEBUG)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.env_int("ENFORCELINK_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
