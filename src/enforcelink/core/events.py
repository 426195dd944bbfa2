"""Announcements from a lower app that higher apps act on (STYLE.md "Reacting across apps").

Apps import only downward, so a core action that must make cases, urging and linkage act announces the
fact here, inside its transaction, and each higher app subscribes in its `AppConfig.ready()`. Unlike a
Django signal, an announcement is made on purpose at one point of one action, and listeners run in the
order they subscribed (INSTALLED_APPS order). docs/architecture.md lists every event.

Events:
- `calendar.changed` (`core.holidays`): `dates` (frozenset of the days whose working-day status
  changed), `actor`, `change` (the holiday table's version number after the change). Listeners recompute the open
  clocks whose period crosses one of the days: `cases` (process nodes), `urging` (performance
  deadlines), `linkage` (request SLAs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EVENTS = frozenset({"calendar.changed"})
Listener = Callable[..., Any]
_listeners: dict[str, dict[str, Listener]] = {}


def subscribe(event: str, name: str, listener: Listener) -> None:
    """Register `listener` for `event` under `name` (subscribing the same name again replaces it)."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    _listeners.setdefault(event, {})[name] = listener


def listeners(event: str) -> list[str]:
    return list(_listeners.get(event, {}))


def announce(event: str, **payload: Any) -> dict[str, Any]:
    """Call every listener of `event` in order with the payload; returns each one's answer by name."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    return {name: listener(**payload) for name, listener in _listeners.get(event, {}).items()}
