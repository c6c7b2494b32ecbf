"""The engines are built before the first request: warm() builds each one and the next use is the same
object; gunicorn's configuration loads and preloads the application."""

from __future__ import annotations

import secrets
import subprocess

import pytest
from django.conf import settings

from gtec.careers import services as careers
from gtec.referentials import search
from gtec.www.warmup import warm

pytestmark = pytest.mark.django_db


def test_warm_builds_every_engine_and_later_uses_reuse_them():
    timings = warm()
    assert set(timings) == {
        "index des appellations",
        "moteur de texte",
        "moteur de parcours",
        "première recherche",
    }
    built = careers._cache["engine"]
    assert built is not None and careers.engine() is built
    index = search._cache["index"]
    assert index is not None and search.appellation_index() is index
    assert search.appellation_search("infirmier")  # the index answers


def test_gunicorn_configuration_is_valid():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GTEC_WARM_ENGINES": "false",
        "WEB_CONCURRENCY": "3",
    }
    gunicorn = settings.BASE_DIR / ".venv" / "bin" / "gunicorn"
    done = subprocess.run(
        [str(gunicorn), "-c", "config/gunicorn.conf.py", "--check-config", "--print-config", "config.wsgi"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    config = {
        name.strip(): value.strip()
        for name, value in (line.split(" = ", 1) for line in done.stdout.splitlines() if " = " in line)
    }
    assert (config["workers"], config["preload_app"], config["timeout"]) == ("3", "True", "60")
    assert config["bind"] == "['127.0.0.1:8000']" and config["worker_class"] == "gthread"
