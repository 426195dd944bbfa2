"""Notifications (通知): the one way an action tells a person something, and what they read.

Every action that notifies calls `notify` (one message to some people) or `notify_all` (a sweep's or
a batch's many messages in one insert), inside its own transaction, so a rolled-back action leaves no
message behind. Messages name things (the unit, the case number, the request) rather than ids; they
are written in the language active when the action runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from enforcelink.core.models import Notification
from enforcelink.core.rows import insert_rows

MESSAGE_LENGTH = 500


@dataclass(frozen=True)
class Note:
    """One message to one person."""

    user_id: int
    kind: str
    message: str
    url: str = ""
    case_id: int | None = None


def _pk(person: Any) -> int | None:
    return person if isinstance(person, int) else getattr(person, "pk", None)


def notify(
    recipients: Iterable[Any],
    *,
    kind: str,
    message: str,
    url: str = "",
    case_id: int | None = None,
    exclude: Iterable[Any] = (),
) -> list[Notification]:
    """Tell each recipient (a user or a user id; each once, None skipped) `message`, except those in
    `exclude` (whoever acted need not hear of it)."""
    skip = {_pk(person) for person in exclude}
    ids = sorted({pk for pk in map(_pk, recipients) if pk is not None and pk not in skip})
    return notify_all([Note(pk, kind, message, url, case_id) for pk in ids])


def notify_all(notes: Iterable[Note]) -> list[Notification]:
    """Many messages in one insert; must run inside the action's transaction."""
    rows = [
        Notification(
            user_id=note.user_id,
            kind=note.kind,
            message=note.message[:MESSAGE_LENGTH],
            url=note.url,
            case_id=note.case_id,
        )
        for note in notes
    ]
    if not rows:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify inside the action's transaction.atomic()")
    return insert_rows(rows)


# --- reads ---------------------------------------------------------------------------------------


def mine(user: Any) -> QuerySet[Notification]:
    """A person's own notifications: nobody else's is ever found (a 404, as a missing one)."""
    pk = getattr(user, "pk", None)
    if pk is None or not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user_id=pk)


def unread(user: Any, limit: int) -> list[Notification]:
    return list(mine(user).filter(read_at__isnull=True).order_by("-created_at", "-pk")[:limit])


def unread_count(user: Any, cap: int) -> int:
    """Counted up to `cap` by the (user, read_at) index, never the whole table."""
    return mine(user).filter(read_at__isnull=True).order_by()[:cap].count()


# --- marking read (the person's own notifications only) -----------------------------------------


def mark(user: Any, pk: int, *, read: bool) -> Notification:
    """Mark one of the user's notifications read or unread; another's raises DoesNotExist."""
    note = mine(user).get(pk=pk)
    note.read_at = (note.read_at or timezone.now()) if read else None
    note.save(update_fields=["read_at"])
    return note


def mark_all_read(user: Any) -> int:
    return mine(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def settle(user_ids: Iterable[int], *, kind: str, urls: Iterable[str]) -> int:
    """Mark read what no longer asks anything of these people: e.g. once a request is decided, every
    approver's "approval waiting" note for it (its `kind` and `url`). Led by the (user, read_at) index;
    must run inside the deciding action's transaction, like `notify_all`."""
    ids, links = sorted(set(user_ids)), sorted(set(urls))
    if not ids or not links:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("settle inside the action's transaction.atomic()")
    unread_notes = Notification.objects.filter(
        user_id__in=ids, read_at__isnull=True, kind=kind, url__in=links
    )
    return unread_notes.update(read_at=timezone.now())
