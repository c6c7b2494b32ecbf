"""Reaching the real Redis from the tests: REDIS_TEST_URL (default redis://127.0.0.1:6379/1, a database
number the site does not use) and a key prefix unique to each test run, removed at the end."""

from __future__ import annotations

import os
import uuid

import pytest

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/1")


def redis_client():
    from redis import Redis

    client = Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except Exception as exc:  # the machine and CI run Redis; say so plainly when it is down
        pytest.fail(f"Redis injoignable à {REDIS_TEST_URL} ({exc}) : lancez redis-server (voir .ci/run)")
    return client


def run_prefix() -> str:
    return f"gtec-test-{os.environ.get('GTEC_TEST_DB', 'test')}-{uuid.uuid4().hex[:10]}"


def drop_prefix(client, prefix: str) -> None:
    keys = list(client.scan_iter(f"*{prefix}*"))
    if keys:
        client.delete(*keys)
