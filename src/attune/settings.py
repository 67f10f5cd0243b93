"""Attune settings: one module, driven by the environment.

It decides which secrets and keys the process uses, and refuses to start in production with anything that is
only safe on a developer's machine (a generated secret key, keys inside the project folder, DEBUG, SQLite
without an explicit choice). Every value is read once here; a bad value raises ImproperlyConfigured at start.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("ATTUNE_VAR_DIR", PROJECT_DIR / "var"))


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


ENV = _env("ATTUNE_ENV", "development")
if ENV not in {"production", "development"}:
    raise ImproperlyConfigured(f"ATTUNE_ENV must be 'production' or 'development', not {ENV!r}")
PRODUCTION = ENV == "production"


def _dev_key_file(name: str, nbytes: int, make: Callable[[], str] | None = None) -> Path:
    """A random key kept under var/ for development only, created atomically on first use: `nbytes` random
    bytes in base64, or what `make` returns (a PEM key).

    Several processes (test workers, the dev server) may start together; writing to a temporary file and
    linking it into place means exactly one wins and nobody reads a half-written key.
    """
    import base64

    path = VAR_DIR / "keys" / name
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(make() if make is not None else base64.b64encode(secrets.token_bytes(nbytes)).decode() + "\n")
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _secret_from_env_or_file(name: str) -> str:
    value = _env(name)
    file_name = _env(f"{name}_FILE")
    if value and file_name:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {exc}") from exc
    return value


def _key_file(name: str, dev_name: str) -> Path:
    raw = _env(name)
    if raw:
        path = Path(raw)
        if not path.is_file():
            raise ImproperlyConfigured(f"{name} points to {raw}, which is not a readable file")
        return path
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in production (a key file outside the database)")
    return _dev_key_file(dev_name, 32)


# --- Secrets and keys -------------------------------------------------------------------------------------

SECRET_KEY = _secret_from_env_or_file("ATTUNE_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("ATTUNE_SECRET_KEY or ATTUNE_SECRET_KEY_FILE must be set in production")
    SECRET_KEY = _dev_key_file("django-secret.key", 48).read_text().strip()
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("ATTUNE_SECRET_KEY must be at least 50 characters in production")

# The key-encryption key wraps every client's data key; the audit key signs the audit chain.
# Both live outside the database so that a stolen database alone reveals nothing and cannot be re-signed.
ATTUNE_KEK_FILE = _key_file("ATTUNE_KEK_FILE", "kek.key")
ATTUNE_AUDIT_KEY_FILE = _key_file("ATTUNE_AUDIT_KEY_FILE", "audit.key")
if PRODUCTION:
    for _path in (ATTUNE_KEK_FILE, ATTUNE_AUDIT_KEY_FILE):
        if VAR_DIR.resolve() in _path.resolve().parents:
            raise ImproperlyConfigured(f"{_path} is a development key; production keys live outside var/")

DEBUG = _env_bool("ATTUNE_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("ATTUNE_DEBUG cannot be on in production")

ALLOWED_HOSTS = [h for h in _env("ATTUNE_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",") if h]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ATTUNE_ALLOWED_HOSTS must list the host names in production")
CSRF_TRUSTED_ORIGINS = [o for o in _env("ATTUNE_CSRF_TRUSTED_ORIGINS").split(",") if o]

# --- Applications -----------------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "attune.core",
    "attune.accounts",
    "attune.notify",
    "attune.care",
    "attune.questionnaires",
    "attune.consent",
    "attune.measures",
    "attune.monitoring",
    "attune.skills",
    "attune.diary",
    "attune.privacy",
    "attune.intake",
    "attune.learn",
    "attune.couples",
    "attune.safetyplan",
    "attune.clinical",
    "attune.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "attune.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "attune.core.middleware.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "attune.accounts.middleware.SessionPolicyMiddleware",
    "attune.core.middleware.AttuneLoginRequiredMiddleware",
    "attune.accounts.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "attune.core.middleware.RequestContextMiddleware",
    "attune.core.replica.ReplicaPinMiddleware",
    "attune.workspace.middleware.PendingSupportMiddleware",
]

ROOT_URLCONF = "attune.urls"
WSGI_APPLICATION = "attune.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "attune.workspace.context_processors.attune",
            ],
            "string_if_invalid": "",
            "builtins": ["attune.core.templatetags.attune"],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------------------

DATABASE_URL = _env("DATABASE_URL")
if PRODUCTION and not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL must be set in production")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'attune.sqlite3'}"
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=_env_int("ATTUNE_DB_CONN_MAX_AGE", 0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Attune understands: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Durable writes (SECURITY.md 18): WAL with a full fsync per commit, enforced foreign keys, a busy
    # timeout so that concurrent writers wait rather than fail, and IMMEDIATE transactions so that a
    # transaction takes the write lock at BEGIN instead of failing halfway on upgrade.
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db.setdefault("TEST", {})
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db.setdefault("TEST", {})
else:
    raise ImproperlyConfigured(f"DATABASE_URL must be SQLite or PostgreSQL, not {_db['ENGINE']}")
DATABASES = {"default": _db}
# A PostgreSQL read replica (attune.core.replica): only reads that may be a moment old go there; policy, audit,
# accounts and anything read right after a write stay on the primary.
DATABASE_REPLICA_URL = _env("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=_env_int("ATTUNE_DB_CONN_MAX_AGE", 0)),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["attune.core.replica.ReplicaRouter"]
ATTUNE_REPLICA_PIN_SECONDS = _env_int("ATTUNE_REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords (NIST SP 800-63B-4) --------------------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "attune.accounts.passwords.LengthValidator"},
    {"NAME": "attune.accounts.passwords.BlocklistValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# --- Sessions (SECURITY.md 7) -----------------------------------------------------------------------------

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "attune_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
ATTUNE_IDLE_TIMEOUT_STAFF = _env_int("ATTUNE_IDLE_TIMEOUT_STAFF", 15 * 60)
ATTUNE_IDLE_TIMEOUT_CLIENT = _env_int("ATTUNE_IDLE_TIMEOUT_CLIENT", 30 * 60)
ATTUNE_ABSOLUTE_TIMEOUT = _env_int("ATTUNE_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
ATTUNE_STEP_UP_WINDOW = 5 * 60
# Passkeys (accounts.passkeys): how long a ceremony's challenge stays usable; the relying party is ATTUNE_SITE_URL.
ATTUNE_PASSKEY_SECONDS = _env_int("ATTUNE_PASSKEY_SECONDS", 5 * 60)
OTP_TOTP_ISSUER = "Attune"
OTP_TOTP_TOLERANCE = 1
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Failed sign-ins are throttled per account and network address, with a cool-off that always ends. Never a
# permanent lock: someone who knows a survivor's email must not be able to lock them out of their own support.
ATTUNE_LOGIN_THROTTLE = {
    "failures_before_cooloff": _env_int("ATTUNE_LOGIN_FAILURES", 5),
    "window_seconds": 15 * 60,
    "cooloff_seconds": _env_int("ATTUNE_LOGIN_COOLOFF", 5 * 60),
    # Consecutive failures for one account, from any network: past the first number a sign-in also needs a
    # one-time link emailed to the account; past the second (NIST SP 800-63B's bound of 100) passwords for it are
    # no longer checked at all until the owner signs in by a link, a password reset or a passkey.
    "account_failures_before_link": _env_int("ATTUNE_ACCOUNT_FAILURES_BEFORE_LINK", 10),
    "account_failures_max": min(_env_int("ATTUNE_ACCOUNT_FAILURES_MAX", 100), 100),
    "link_seconds": 15 * 60,
}
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); from any other peer the
# header is ignored (attune.core.network).
ATTUNE_TRUSTED_PROXIES = [p.strip() for p in _env("ATTUNE_TRUSTED_PROXIES").split(",") if p.strip()]

# --- Production hardening (SECURITY.md 9) -----------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Our CsrfViewMiddleware subclasses Django's (to accept same-origin posts under no-referrer); the deploy check
# looks for Django's class by name only.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("ATTUNE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-attune_session"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Attune -----------------------------------------------------------------------------------------------

ATTUNE_QUICK_EXIT_URL = _env("ATTUNE_QUICK_EXIT_URL", "https://www.bbc.co.uk/weather")
ATTUNE_INVITATION_DAYS = _env_int("ATTUNE_INVITATION_DAYS", 7)
# In development the server listens on $PORT (make demo), so links in messages follow it.
ATTUNE_SITE_URL = _env("ATTUNE_SITE_URL", "" if PRODUCTION else f"http://127.0.0.1:{_env('PORT', '8000')}").rstrip("/")
if PRODUCTION and not ATTUNE_SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("ATTUNE_SITE_URL must be the https:// address of this service in production")
ATTUNE_PAGE_SIZE = 25
# Instruments a practice imported with `attune instruments import` (its own licensed questionnaires).
ATTUNE_INSTRUMENTS_DIR = Path(_env("ATTUNE_INSTRUMENTS_DIR") or VAR_DIR / "instruments")
# A folder of extra skills (Markdown with front matter, as in attune/skills/content/) that a practice adds.
ATTUNE_SKILLS_DIR = _env("ATTUNE_SKILLS_DIR") or None
if ATTUNE_SKILLS_DIR and not Path(ATTUNE_SKILLS_DIR).is_dir():
    raise ImproperlyConfigured(f"ATTUNE_SKILLS_DIR points to {ATTUNE_SKILLS_DIR}, which is not a folder")
# A practice's own psychoeducation modules and rehearsals (subfolders modules/ and rehearsals/), added to learn's.
ATTUNE_LEARN_DIR = _env("ATTUNE_LEARN_DIR") or None
if ATTUNE_LEARN_DIR and not Path(ATTUNE_LEARN_DIR).is_dir():
    raise ImproperlyConfigured(f"ATTUNE_LEARN_DIR points to {ATTUNE_LEARN_DIR}, which is not a folder")

# --- Email ------------------------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = _env("ATTUNE_FROM_EMAIL", "Attune <no-reply@attune.invalid>")
EMAIL_BACKEND = _env(
    "ATTUNE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = _env("ATTUNE_EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("ATTUNE_EMAIL_PORT", 25)
EMAIL_USE_TLS = _env_bool("ATTUNE_EMAIL_TLS", PRODUCTION)
EMAIL_HOST_USER = _env("ATTUNE_EMAIL_USER")
EMAIL_HOST_PASSWORD = _secret_from_env_or_file("ATTUNE_EMAIL_PASSWORD")
# A send that hangs must end well inside a delivery's lease (ATTUNE_NOTIFY_LEASE_SECONDS).
EMAIL_TIMEOUT = _env_int("ATTUNE_EMAIL_TIMEOUT", 30)
# In development the outbox writes each message to a file here instead (one per notification, so a delivery
# repeated after a crash overwrites its file); the demo's "Mail sent by the demo" page lists them.
_mail_dir = _env("ATTUNE_MAIL_DIR")
if PRODUCTION and _mail_dir:
    raise ImproperlyConfigured("ATTUNE_MAIL_DIR is for development; production sends mail by SMTP")
ATTUNE_MAIL_DIR: Path | None = None if PRODUCTION else Path(_mail_dir or VAR_DIR / "mail")

# --- Background jobs and the tick (docs/architecture.md) -----------------------------------------------------

# Django's Tasks API (the django-tasks backport). The database backend needs no other server: `attune worker`
# runs the jobs and the tick. Under pytest (which sets PYTEST_VERSION) jobs are only recorded, so that tests run
# delivery explicitly. ATTUNE_TASKS_BACKEND swaps in another backend of the same API (RQ, Celery).
TASKS = {
    "default": {
        "BACKEND": _env(
            "ATTUNE_TASKS_BACKEND",
            "django_tasks.backends.dummy.DummyBackend"
            if os.environ.get("PYTEST_VERSION")
            else "django_tasks_db.backend.DatabaseBackend",
        )
    }
}
# The audit trail: chains appended side by side (keyed by practice), and where the worker's signed checkpoints
# go. The checkpoint directory should be storage the database's users cannot rewrite (another host's mount, an
# append-only or object-locked volume); verification reads the newest checkpoint from it.
ATTUNE_AUDIT_SHARDS = _env_int("ATTUNE_AUDIT_SHARDS", 16)
ATTUNE_AUDIT_CHECKPOINT_DIR = Path(_env("ATTUNE_AUDIT_CHECKPOINT_DIR") or VAR_DIR / "audit-checkpoints")
# Scheduled backups (off unless a folder is given): the worker's tick makes one every EVERY_MINUTES and keeps the
# newest KEEP. `attune backup DEST` makes one by hand; `attune restore SRC --into URL --verify` proves one.
ATTUNE_BACKUP_DIR = _env("ATTUNE_BACKUP_DIR")
ATTUNE_BACKUP_EVERY_MINUTES = _env_int("ATTUNE_BACKUP_EVERY_MINUTES", 24 * 60)
ATTUNE_BACKUP_KEEP = _env_int("ATTUNE_BACKUP_KEEP", 7)
# The tick runs once per slot of this many seconds across all workers (a minute; tests shorten it).
ATTUNE_TICK_SECONDS = _env_int("ATTUNE_TICK_SECONDS", 60)
# Delivery: a worker holds a notification for the lease; a worker that dies is replaced after it expires.
# Failed sends are retried after a backoff that doubles from BACKOFF up to BACKOFF_CAP, MAX_ATTEMPTS times.
ATTUNE_NOTIFY_LEASE_SECONDS = _env_int("ATTUNE_NOTIFY_LEASE_SECONDS", 120)
ATTUNE_NOTIFY_MAX_ATTEMPTS = _env_int("ATTUNE_NOTIFY_MAX_ATTEMPTS", 8)
ATTUNE_NOTIFY_BACKOFF_SECONDS = _env_int("ATTUNE_NOTIFY_BACKOFF_SECONDS", 30)
ATTUNE_NOTIFY_BACKOFF_CAP_SECONDS = _env_int("ATTUNE_NOTIFY_BACKOFF_CAP_SECONDS", 60 * 60)
if PRODUCTION and ATTUNE_NOTIFY_LEASE_SECONDS <= EMAIL_TIMEOUT:
    raise ImproperlyConfigured("ATTUNE_NOTIFY_LEASE_SECONDS must be longer than ATTUNE_EMAIL_TIMEOUT")

# --- Web Push (VAPID, RFC 8292) ---------------------------------------------------------------------------------

# A second channel of the outbox, for people who turn on "Notifications on this device". The private key signs
# every request to a push service; the public key (derived from it, so the two cannot disagree) is what browsers
# subscribe with. Production needs a key file outside var/ only when push is on; development makes one.
ATTUNE_PUSH_ENABLED = _env_bool("ATTUNE_PUSH_ENABLED", not PRODUCTION)
ATTUNE_VAPID_SUBJECT = _env("ATTUNE_VAPID_SUBJECT", "" if PRODUCTION else "mailto:no-reply@attune.invalid")
ATTUNE_VAPID_PRIVATE_KEY_FILE: Path | None = None
ATTUNE_VAPID_PUBLIC_KEY = ""
# How long a push service keeps a message for a device that is offline, and how long a send may take (well
# inside a delivery's lease).
ATTUNE_PUSH_TTL_SECONDS = _env_int("ATTUNE_PUSH_TTL_SECONDS", 24 * 60 * 60)
ATTUNE_PUSH_TIMEOUT = _env_int("ATTUNE_PUSH_TIMEOUT", 30)
# The push services a subscription may point at (a host or a parent domain): the worker posts to the endpoint a
# browser gave, so an endpoint elsewhere (an address inside the network) is refused when it is saved.
ATTUNE_PUSH_SERVICES = [
    h.strip().lower()
    for h in _env(
        "ATTUNE_PUSH_SERVICES",
        "fcm.googleapis.com,updates.push.services.mozilla.com,push.services.mozilla.com,notify.windows.com,"
        "push.apple.com",
    ).split(",")
    if h.strip()
]


def _vapid_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _vapid_public_key(path: Path) -> str:
    """The application server key browsers subscribe with: the P-256 public point, base64url without padding."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"ATTUNE_VAPID_PRIVATE_KEY_FILE is not a PEM private key: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ImproperlyConfigured("ATTUNE_VAPID_PRIVATE_KEY_FILE must hold a P-256 (prime256v1) key")
    point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


if ATTUNE_PUSH_ENABLED:
    _vapid_file = _env("ATTUNE_VAPID_PRIVATE_KEY_FILE")
    if _vapid_file:
        ATTUNE_VAPID_PRIVATE_KEY_FILE = Path(_vapid_file)
    elif PRODUCTION:
        raise ImproperlyConfigured("ATTUNE_VAPID_PRIVATE_KEY_FILE must be set in production when push is on")
    else:
        ATTUNE_VAPID_PRIVATE_KEY_FILE = _dev_key_file("vapid-private.pem", 0, _vapid_pem)
    if PRODUCTION and VAR_DIR.resolve() in ATTUNE_VAPID_PRIVATE_KEY_FILE.resolve().parents:
        raise ImproperlyConfigured(
            f"{ATTUNE_VAPID_PRIVATE_KEY_FILE} is a development key; production keys live outside var/"
        )
    ATTUNE_VAPID_PUBLIC_KEY = _vapid_public_key(ATTUNE_VAPID_PRIVATE_KEY_FILE)
    # Push services contact this address when a sender misbehaves (RFC 8292 section 2.1).
    if not ATTUNE_VAPID_SUBJECT.startswith(("mailto:", "https://")):
        raise ImproperlyConfigured("ATTUNE_VAPID_SUBJECT must be a mailto: or https:// address when push is on")
    if PRODUCTION and ATTUNE_PUSH_TIMEOUT >= ATTUNE_NOTIFY_LEASE_SECONDS:
        raise ImproperlyConfigured("ATTUNE_NOTIFY_LEASE_SECONDS must be longer than ATTUNE_PUSH_TIMEOUT")

# --- Static files -----------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = PROJECT_DIR / "node_modules"
# Attune's own CSS and JS live in attune/static/, which is no app's folder, so it is listed here.
STATICFILES_DIRS = [BASE_DIR / "static"] + (
    [("vendor/htmx", NODE_MODULES / "htmx.org" / "dist")] if (NODE_MODULES / "htmx.org").exists() else []
)
# Hashed, compressed (gzip, Brotli) static names that WhiteNoise serves with a long, immutable cache lifetime: in
# production, and under `make serve` (ATTUNE_STATIC_MANIFEST=1), after `attune collectstatic`.
ATTUNE_STATIC_MANIFEST = _env_bool("ATTUNE_STATIC_MANIFEST", PRODUCTION)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if ATTUNE_STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not ATTUNE_STATIC_MANIFEST
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Internationalisation ---------------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = _env("ATTUNE_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Logging: never client data (SECURITY.md 14) ---------------------------------------------------------

# JSON lines (ATTUNE_LOG_FORMAT=json, the default in production) carry the request id and the user id with every
# record; messages hold ids and codes only.
ATTUNE_LOG_FORMAT = _env("ATTUNE_LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "attune.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if ATTUNE_LOG_FORMAT == "json" else "plain"}
    },
    "root": {"handlers": ["console"], "level": _env("ATTUNE_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger would print request bodies' repr on some errors; keep only the status.
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = ATTUNE_PAGE_SIZE
