"""Reads shared by the parts of one read-only page.

The case page asks every app's panel provider in turn (`cases.panels.panels_for`); three of them
read the case's receipts — the 执行款 card, the payouts card, the asset panel's budget — each
through `funds.queries`. Inside `reading()` a read keyed by `once(key, …)` runs once and its answer
is handed to the others. Outside such a block (every write, every action) `once` simply reads:
nothing is kept between requests, and nothing inside a transaction that writes can see a stale answer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_scope: ContextVar[dict[Hashable, Any] | None] = ContextVar("enforcelink_memo", default=None)


@contextmanager
def reading() -> Iterator[None]:
    """A read-only stretch (rendering one page's panels); blocks inside it join it."""
    if _scope.get() is not None:
        yield
        return
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def once(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or inside `reading()` the answer it gave for `key` earlier in the block."""
    scope = _scope.get()
    if scope is None:
        return read()
    if key not in scope:
        scope[key] = read()
    answer: T = scope[key]
    return answer
