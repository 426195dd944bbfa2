"""The home page of each role (工作台, issue 14 §1), its approvals queue and the navigation's badges.

The home page lives at "/" for everyone, but what it shows belongs to the apps above core: an
officer's cases and their node lights (cases), the unit's inbox (linkage), the set-up status
(orgs, linkage). Core cannot import them (tests/core/test_layering.py), so each app registers here,
in its `AppConfig.ready()`:

- a **panel provider** `fn(actor, today) -> Panel | None`, with an order: the provider asks
  `orgs.permissions.can(...)` whether its panel is for this actor and answers None when it is not, so
  no role is typed here and a new role gets the panels its permissions give it;
- an **approval source** (`ApprovalSource`): what waits for the actor's approval and what the actor
  asked for that waits for someone else's. Core's own "待审批" panel merges every source into one
  queue, the longest waiting first, and the `approvals` badge counts them;
- a **badge counter** `fn(actor, cap) -> int | None` for one of `BADGE_KEYS`.

Each provider keeps its queries few and index-led, and limits its rows: a court may hold a million
cases, so a home page never counts a whole table (counts stop at a cap, shown as "99+").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.urls import reverse
from django.utils.translation import gettext as _

PANEL_ROWS = 10  # rows a panel lists before it links to its full list
BADGE_CAP = 99  # a badge counts up to this and then reads "99+"


@dataclass
class Panel:
    """One card of a home page: `template` renders it with `panel` in its context."""

    key: str  # the card's HTML id
    title: str
    template: str
    data: dict[str, Any] = field(default_factory=dict)
    link: str = ""  # the full list the card summarises
    link_label: str = ""
    wide: bool = False


PanelProvider = Callable[[Any, dt.date], Panel | None]


@dataclass(frozen=True)
class QueueItem:
    """One thing awaiting approval, as the queue shows it whatever app it comes from."""

    what: str  # e.g. "Deadline extension", "Freeze request"
    subject: str  # the case number
    detail: str
    asked_by: str
    asked_at: dt.datetime | None
    url: str
    # What the approver must see before deciding, as (label, value, css class) lines: for a request
    # the respondents (ID numbers masked), the measure, the amount and the account; for an extension
    # the months. A css class "num" keeps an amount on one line.
    facts: tuple[tuple[str, str, str], ...] = ()


class ApprovalSource(Protocol):
    def waiting(self, actor: Any, limit: int) -> list[QueueItem] | None:
        """What waits for this actor's decision, or None when the actor decides none of this kind."""

    def count(self, actor: Any, cap: int) -> int:
        """How many wait for this actor's decision, counted up to `cap`."""

    def asked(self, actor: Any, limit: int) -> list[QueueItem] | None:
        """What this actor asked for that still waits for someone's decision, or None."""


_panels: dict[str, tuple[int, PanelProvider]] = {}
_sources: dict[str, ApprovalSource] = {}
BadgeCounter = Callable[[Any, int], int | None]
BADGE_KEYS = ("notifications", "approvals", "inbox", "waiting", "overdue")
_badges: dict[str, BadgeCounter] = {}


def register_panel(key: str, provider: PanelProvider, *, order: int) -> None:
    """Register (or, run again, replace) a panel; panels show in ascending `order`."""
    _panels[key] = (order, provider)


def register_approvals(key: str, source: ApprovalSource) -> None:
    _sources[key] = source


def register_badge(key: str, counter: BadgeCounter) -> None:
    if key not in BADGE_KEYS:
        raise ValueError(f"unknown badge {key!r}: one of {BADGE_KEYS}")
    _badges[key] = counter


def panels_for(actor: Any, today: dt.date) -> list[Panel]:
    """The panels that answer for this actor, in their order."""
    shown = []
    for key, (_order, provider) in sorted(_panels.items(), key=lambda item: (item[1][0], item[0])):
        panel = provider(actor, today)
        if panel is not None:
            panel.key = panel.key or key
            shown.append(panel)
    return shown


def _merged(lists: list[list[QueueItem] | None], limit: int) -> list[QueueItem] | None:
    answered = [items for items in lists if items is not None]
    if not answered:
        return None
    oldest = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted((item for items in answered for item in items), key=lambda i: i.asked_at or oldest)[:limit]


def approvals_waiting(actor: Any, limit: int = PANEL_ROWS) -> list[QueueItem] | None:
    """待审批: every source's items waiting for this actor, the longest waiting first; None when the
    actor approves nothing."""
    return _merged([source.waiting(actor, limit) for _key, source in sorted(_sources.items())], limit)


def approvals_asked(actor: Any, limit: int = PANEL_ROWS) -> list[QueueItem] | None:
    return _merged([source.asked(actor, limit) for _key, source in sorted(_sources.items())], limit)


def approvals_count(actor: Any, cap: int = BADGE_CAP + 1) -> int:
    return sum(source.count(actor, cap) for _key, source in sorted(_sources.items()))


def capped(count: int, cap: int = BADGE_CAP) -> int | str:
    """A badge's text: the count, or "99+" past the cap (0 shows nothing)."""
    return f"{cap}+" if count > cap else count


class Badges(Mapping[str, int | str]):
    """`badges` in every template: `{{ badges.inbox }}` runs the inbox's counter on first use only,
    so a page that shows no badge pays nothing; each counter runs at most once per page."""

    def __init__(self, user: Any):
        self.user = user
        self._seen: dict[str, int | str] = {}

    def __getitem__(self, key: str) -> int | str:
        if key not in BADGE_KEYS:
            raise KeyError(key)  # a misspelt badge fails in tests (string_if_invalid)
        if key not in self._seen:
            self._seen[key] = self._count(key)
        return self._seen[key]

    def _count(self, key: str) -> int | str:
        if not getattr(self.user, "is_authenticated", False):
            return 0
        counter = _badges.get(key)
        count = counter(self.user, BADGE_CAP + 1) if counter is not None else None
        return capped(count or 0)

    def __iter__(self) -> Iterator[str]:
        return iter(BADGE_KEYS)

    def __len__(self) -> int:
        return len(BADGE_KEYS)


def badges(request: Any) -> dict[str, Badges]:
    """Template context processor (settings TEMPLATES): the navigation's counts for the signed-in
    user — `notifications` (unread), `approvals` (waiting for my decision), `inbox` (the unit's
    requests waiting for it to act), `waiting` (my requests waiting for a unit), `overdue` (the
    court's overdue nodes, for the command centre)."""
    return {"badges": Badges(getattr(request, "user", None))}


# --- core's own panels and badges --------------------------------------------------------------


def _approvals_panel(actor: Any, today: dt.date) -> Panel | None:
    items = approvals_waiting(actor)
    if items is None:
        return None
    return Panel("approvals", _("Waiting for my approval"), "core/panels/queue.html", {"items": items})


def _asked_panel(actor: Any, today: dt.date) -> Panel | None:
    items = approvals_asked(actor)
    if not items:  # nothing asked: no card (an officer with nothing before an approver)
        return None
    return Panel(
        "my-approvals", _("My requests awaiting approval"), "core/panels/queue.html", {"items": items}
    )


def _notifications_panel(actor: Any, today: dt.date) -> Panel | None:
    from enforcelink.core.notifications import unread

    if not getattr(actor, "is_authenticated", False):
        return None
    return Panel(
        "notifications",
        _("Since you last looked"),
        "core/panels/notifications.html",
        {"notes": unread(actor, PANEL_ROWS)},
        link=reverse("notifications"),
        link_label=_("All notifications"),
    )


def register_core() -> None:
    from enforcelink.core.notifications import unread_count

    register_panel("approvals", _approvals_panel, order=10)
    register_panel("my-approvals", _asked_panel, order=40)
    register_panel("notifications", _notifications_panel, order=90)
    register_badge("notifications", unread_count)
    register_badge("approvals", lambda actor, cap: approvals_count(actor, cap))
