"""The production cache on the real Redis: the labour read side's data-version keys and the login throttle
live there, so every server process sees the same values."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from config.settings.base import cache_config
from gtec.labour import read as lq
from gtec.organisations import auth
from gtec.territories.models import Territory
from tests.deploy.redis_support import REDIS_TEST_URL, drop_prefix, redis_client, run_prefix

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache():
    client = redis_client()
    prefix = run_prefix()
    config = cache_config(REDIS_TEST_URL)
    config["default"]["KEY_PREFIX"] = prefix
    with override_settings(CACHES=config):
        yield client, prefix, config
    drop_prefix(client, prefix)


def other_process_cache(config) -> RedisCache:
    """A second, independent connection with the same settings: what another gunicorn worker holds."""
    params = dict(config["default"])
    return RedisCache(params.pop("LOCATION"), {k: v for k, v in params.items() if k != "BACKEND"})


def test_the_cache_setting_is_redis_when_redis_url_is_set():
    assert cache_config("redis://h:6379/0")["default"]["BACKEND"].endswith("RedisCache")
    assert cache_config("")["default"]["BACKEND"].endswith("LocMemCache")


def test_labour_read_side_is_cached_in_redis_under_the_data_version(redis_cache):
    client, prefix, config = redis_cache
    assert isinstance(caches["default"], RedisCache)
    territory = Territory.objects.get(key="custom:pays-de-vannes")
    calls = []

    @lq.cached
    def figure(t):
        calls.append(t.key)
        return {"territoire": t.key}

    assert figure(territory) == {"territoire": "custom:pays-de-vannes"}
    assert figure(territory) == {"territoire": "custom:pays-de-vannes"} and len(calls) == 1
    keys = [k.decode() for k in client.scan_iter(f"{prefix}:*labour:*")]
    assert len(keys) == 1
    raw = repr(("figure", lq.data_version(), territory.key, (), []))
    import hashlib

    assert keys[0].endswith("labour:" + hashlib.sha256(raw.encode()).hexdigest())
    # another process reads the same entry
    other = other_process_cache(config)
    assert other.get(keys[0].split(":", 2)[2]) == {"territoire": "custom:pays-de-vannes"}


def test_a_write_of_observations_changes_the_data_version_of_every_process(redis_cache):
    from gtec.labour import version

    other = other_process_cache(redis_cache[2])
    token = lq.data_version()[-1]
    assert other.get(version.KEY) == token
    version.observations_written()  # what `store_observations` does on every write
    assert other.get(version.KEY) not in (None, token) and lq.data_version()[-1] == other.get(version.KEY)


def test_login_throttle_counters_are_shared_between_processes(redis_cache):
    _, _, config = redis_cache
    for _ in range(auth.MAX_PER_USERNAME):
        auth.record_failure("Marie@example.org", "10.0.0.1")
    assert auth.is_locked("marie@example.org", "10.0.0.2")
    other = other_process_cache(config)
    user_key, ip_key = auth._keys("marie@example.org", "10.0.0.1")
    assert other.get(user_key) == auth.MAX_PER_USERNAME and other.get(ip_key) == auth.MAX_PER_USERNAME
