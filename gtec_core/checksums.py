"""sha256 of files, computed once per file within a `hashed_once()` block (one `gtec import` run: the
unchanged-source check and the importer's recorded checksums read each file once, not twice or more).
Kept free of heavy imports, so that a run that skips unchanged sources loads nothing else."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

_memo: ContextVar[dict | None] = ContextVar("sha256_memo", default=None)


def sha256_file(path: Path) -> str:
    """The file's sha256 (hex). Inside `hashed_once()`, a file already hashed (same path, size and
    modification time) is not read again."""
    memo = _memo.get()
    key = None
    if memo is not None:
        stat = Path(path).stat()
        key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)
        if key in memo:
            return memo[key]
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    if key is not None:
        memo[key] = digest.hexdigest()
    return digest.hexdigest()


@contextmanager
def hashed_once() -> Iterator[None]:
    """Within the block, `sha256_file` reads each file once (nested blocks share the outer memo)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)
