"""Production settings: what `config/wsgi.py`, `config/asgi.py` and `make serve-prod` use. Every value comes
from the environment (documented in docs/environment.md); the secure choices are the defaults, so that a
forgotten variable errs on the safe side. The server refuses to start without a real SECRET_KEY."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, REDIS_URL, SECRET_KEY, cache_config, env, env_bool


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} doit être un nombre entier (reçu « {value} ») / {name} must be an integer"
        ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def secret_key_check(key: str | None) -> str:
    """The key itself, or a clear refusal: none, the public development key, or one too short to be safe."""
    how = 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
    if not key or key == DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY manquante : la production refuse de démarrer sans clé secrète propre à ce serveur "
            f"(la clé de développement est publique). Générez-en une avec {how} et définissez SECRET_KEY. / "
            "SECRET_KEY is missing or is the public development key: set a secret key of your own."
        )
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY trop faible : 50 caractères au moins, variés. Générez-en une avec "
            f"{how}. / SECRET_KEY is too weak: use at least 50 varied characters."
        )
    return key


SECRET_KEY = secret_key_check(SECRET_KEY)
DEBUG = False

# HTTPS. Behind a reverse proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER to the header it sends
# (nginx: proxy_set_header X-Forwarded-Proto $scheme → HTTP_X_FORWARDED_PROTO); never set it without a proxy
# that overwrites that header, or a client could pretend to be on HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]  # the health check answers on plain HTTP (load balancer, monitoring)
_proxy_header = env("SECURE_PROXY_SSL_HEADER", "") or ""
SECURE_PROXY_SSL_HEADER = (_proxy_header, "https") if _proxy_header else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# A shared cache: the login throttle, the labour read side and job progress must be seen by every worker.
CACHES = cache_config(REDIS_URL or "redis://127.0.0.1:6379/0")
REDIS_URL = CACHES["default"]["LOCATION"]
GTEC_JOBS_EAGER = env_bool("GTEC_JOBS_EAGER", False)

# Static files served by whitenoise from STATIC_ROOT (filled by collectstatic), compressed and fingerprinted.
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail (invitations, reminders, password resets) by SMTP.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "GTEC <ne-pas-repondre@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Administrateur", a) for a in env_list("ADMINS")]
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS et EMAIL_USE_SSL s'excluent / are mutually exclusive")

# Passwords: the four Django validators (a base setting of another change wins if it defines its own).
if not globals().get("AUTH_PASSWORD_VALIDATORS"):
    AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        },
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    ]

# Logs: one JSON object per line on stdout (gunicorn's access log too, see config/gunicorn.conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "WARNING"}},
}
