"""Production settings: refusal without a real secret key, `check --deploy` clean with a production
environment, WSGI/ASGI on production settings while the CLI and manage.py stay on development, SMTP mail
and JSON logs from the environment, the health endpoint."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings

from config.settings.base import DEV_SECRET_KEY, cache_config

ROOT = settings.BASE_DIR
GTEC = str(ROOT / ".venv" / "bin" / "gtec") if (ROOT / ".venv" / "bin" / "gtec").exists() else "gtec"
PROD_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "gtec.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://gtec.example.org",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "EMAIL_HOST": "smtp.example.org",
    "EMAIL_PORT": "2525",
    "EMAIL_HOST_USER": "gtec",
    "EMAIL_HOST_PASSWORD": "mot-de-passe",
    "DEFAULT_FROM_EMAIL": "GTEC <gtec@example.org>",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    unset = {
        "DJANGO_SETTINGS_MODULE",
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }  # the browser tests set the last
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        args, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120, **kw
    )


def python(code: str, env: dict) -> subprocess.CompletedProcess:
    return run([sys.executable, "-c", code], env)


SETUP = "import django; django.setup(); from django.conf import settings as s; "


@pytest.mark.parametrize(
    "key, words",
    [
        (None, "SECRET_KEY manquante"),
        (DEV_SECRET_KEY, "SECRET_KEY manquante"),
        ("court", "SECRET_KEY trop faible"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(key, words):
    env = {**PROD_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.prod"}
    env.pop("SECRET_KEY")
    if key is not None:
        env["SECRET_KEY"] = key
    done = python(SETUP + "print(s.DEBUG)", env)
    assert done.returncode != 0
    assert words in done.stderr and "SECRET_KEY" in done.stderr.splitlines()[-1]


def test_check_deploy_is_clean_with_a_production_environment():
    done = run(
        [GTEC, "check", "--deploy", "--fail-level", "WARNING"],
        {**PROD_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.prod"},
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "System check identified no issues" in done.stdout


def test_check_deploy_warns_on_development_settings():
    done = run(
        [GTEC, "check", "--deploy", "--fail-level", "WARNING"],
        {"DJANGO_SETTINGS_MODULE": "config.settings.dev"},
    )
    assert done.returncode != 0 and "security.W018" in done.stderr  # DEBUG on


def test_production_values_come_from_the_environment():
    code = SETUP + (
        "import json; print(json.dumps([s.DEBUG, s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.CACHES['default']['BACKEND'], s.GTEC_JOBS_EAGER, s.ALLOWED_HOSTS, "
        "len(s.AUTH_PASSWORD_VALIDATORS)]))"
    )
    done = python(
        code, {**PROD_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.prod", "SECURE_HSTS_SECONDS": "600"}
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        False, "django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", 2525, True,
        True, ["HTTP_X_FORWARDED_PROTO", "https"], True, True,
        600, "django.core.cache.backends.redis.RedisCache", False, ["gtec.example.org"], 4,
    ]  # fmt: skip
    bad = python(SETUP, {**PROD_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.prod", "EMAIL_PORT": "vingt"})
    assert bad.returncode != 0 and "EMAIL_PORT doit être un nombre entier" in bad.stderr


def test_logs_are_json_lines_on_stdout():
    code = SETUP + "import logging; logging.getLogger('gtec.essai').warning('import terminé')"
    done = python(code, {**PROD_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.prod"})
    line = json.loads(done.stdout.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "gtec.essai", "import terminé")
    assert "time" in line


def test_wsgi_and_asgi_default_to_production_and_the_cli_to_development():
    no_key = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    for module in ("config.wsgi", "config.asgi"):
        done = python(f"import {module}", no_key)
        assert done.returncode != 0 and "SECRET_KEY manquante" in done.stderr, module
        done = python(
            f"import {module}; from django.conf import settings as s; print(s.SETTINGS_MODULE)", PROD_ENV
        )
        assert done.stdout.strip() == "config.settings.prod", done.stderr
    show = "from django.conf import settings as s; print(s.SETTINGS_MODULE)"
    for command in ([GTEC], [sys.executable, "manage.py"]):
        done = run([*command, "shell", "-v", "0", "-c", show], {})
        assert done.stdout.strip().splitlines()[-1] == "config.settings.dev", command


@pytest.mark.django_db
def test_health_endpoint_checks_database_and_cache():
    r = Client().get("/sante/")
    assert r.status_code == 200 and r.json() == {"statut": "ok", "base": "ok", "cache": "ok"}
    assert "no-cache" in r["Cache-Control"]
    broken = cache_config("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with override_settings(CACHES=broken):
        r = Client().get("/sante/")
    assert r.status_code == 503 and r.json() == {"statut": "en panne", "base": "ok", "cache": "en panne"}
