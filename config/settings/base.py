"""Django settings for GTEC. Every value that varies by deployment comes from the environment,
read here and nowhere else; each variable is documented in docs/environment.md."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def default_data_dir() -> Path:
    """The shared copy of the official files when it sits beside the project, else ./data (where
    `gtec data fetch` downloads them)."""
    shared = BASE_DIR.parent / "shared" / "data"
    return shared if shared.is_dir() else BASE_DIR / "data"


DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # refused by config.settings.prod
SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in (env("ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in (env("CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o.strip()]

GTEC_DATA_DIR = Path(env("GTEC_DATA_DIR") or default_data_dir())
GTEC_DEFAULT_TERRITORY = env("GTEC_DEFAULT_TERRITORY", "custom:pays-de-vannes")
# Anonymous reads of /api/v1 per client address (a token lifts the limit), counted in the default cache.
GTEC_API_ANON_RATE = env("GTEC_API_ANON_RATE", "120/m")
# Reverse proxies in front of GTEC: the client address is read from X-Forwarded-For only through them
# (0: REMOTE_ADDR, so a client cannot choose its own address to escape the limit).
NINJA_NUM_PROXIES = int(env("GTEC_API_PROXIES", "0") or 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "gtec.imports",
    "gtec.referentials",
    "gtec.territories",
    "gtec.labour",
    "gtec.training",
    "gtec.organisations",
    "gtec.surveys",
    "gtec.careers",
    "gtec.diagnostics",
    "gtec.actions",
    "gtec.jobs",
    "gtec.maintenance",
    "gtec.prospective",
    "gtec.ops",
    "gtec.www",
    "ninja",
    "gtec.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Security headers (HSTS and secure cookies are set by the production settings). The pages load their
# scripts and styles from /static/ only: no inline script, style element or style attribute.
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
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gtec.www.context.site",
            ],
            "builtins": ["gtec.www.templatetags.gtec_terms"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'gtec.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "0") or 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database lives in var/: created here so that `gtec migrate` works on a fresh clone.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the site read while an import writes; a generous timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every login form goes through the throttled backend (gtec/organisations/auth.py); its counters live in
# the default cache, which production shares between processes (Redis).
AUTHENTICATION_BACKENDS = ["gtec.organisations.auth.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Cache: Redis when REDIS_URL is set (shared by every server process and the job workers: login throttle,
# labour read side, job progress); otherwise each process keeps its own local-memory cache (embedded default).
REDIS_URL = env("REDIS_URL", "") or ""
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "gtec") or "gtec"


def cache_config(redis_url: str) -> dict:
    if redis_url:
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    return {"default": {**backend, "KEY_PREFIX": CACHE_KEY_PREFIX}}


CACHES = cache_config(REDIS_URL)

# Background jobs (gtec/jobs): on the RQ queue GTEC_JOBS_QUEUE of REDIS_URL, run by `gtec worker`; without
# Redis (embedded default, tests) they run at once in the process that enqueues them.
GTEC_JOBS_EAGER = env_bool("GTEC_JOBS_EAGER", not REDIS_URL)
GTEC_JOBS_QUEUE = env("GTEC_JOBS_QUEUE", "gtec") or "gtec"
GTEC_JOBS_DIR = Path(env("GTEC_JOBS_DIR") or BASE_DIR / "var" / "jobs")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Public-service pages (mentions légales, contact, privacy): who publishes this instance and how to reach them.
GTEC_PUBLISHER = env("GTEC_PUBLISHER", "Instance de démonstration de GTEC (logiciel libre)")
GTEC_CONTACT_EMAIL = env("GTEC_CONTACT_EMAIL", "contact@gtec.invalid")
