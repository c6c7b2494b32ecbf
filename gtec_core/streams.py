"""Iterating with the next item prepared ahead, in a background thread: while the caller writes one month of
job seekers into PostgreSQL (the server's work, on the other core), polars reads and checks the next one
(polars releases the GIL while it works)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_END = object()


def prefetched(items: Iterable[T]) -> Iterator[T]:
    """The items of `items`, in order, each next one produced in a background thread while the caller works on
    the current one. An exception raised by `items` reaches the caller where that item would have come; one
    item at most is produced ahead (memory: two items)."""
    iterator = iter(items)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gtec-prefetch") as pool:
        ahead = pool.submit(next, iterator, _END)
        while True:
            item = ahead.result()
            if item is _END:
                return
            ahead = pool.submit(next, iterator, _END)
            yield item
