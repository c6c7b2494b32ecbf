"""The version of the stored labour figures that no primary key shows: a token in the shared cache that the
write side changes on every write of observations (with or without an import run: a recomputation updates
rows in place, which leaves every primary-key maximum unchanged), and that the read side puts in its cache
keys (`gtec.labour.read.cells.data_version`).

A token, not a counter: when the cache loses it (emptied, evicted) a new one is drawn, so a reader never
finds a table kept under a version that came back."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

KEY = "labour-version:observations"


def observations_written() -> None:
    """Called by every write of observations: a new token now (this transaction reads its own writes) and
    another one when the transaction commits (a reader in another process that cached the old figures
    under the first token before the commit gets the new ones)."""
    _new_token()
    transaction.on_commit(_new_token)


def current() -> str:
    token = cache.get(KEY)
    if token is None:
        cache.add(KEY, uuid.uuid4().hex, None)
        token = cache.get(KEY)
    return token


def _new_token() -> None:
    cache.set(KEY, uuid.uuid4().hex, None)
