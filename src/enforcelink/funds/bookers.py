"""Who booked, as people read it (记账人): "张三", "李四（重庆农村商业银行綦江支行）", "系统".

Journals, statement imports, 不明款 and payouts keep their actor as the trail labels it when the row
is written (`actions.actor_label`: a login, `api-key:…`, a sweep's or a command's name). The ledger
is append-only (funds/guards.py) and a stored label stays true when a person's name changes, so the
rows are never rewritten: pages read the labels here, one query for a page's people.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from django.utils.translation import gettext as _

from enforcelink.core import narration
from enforcelink.core.actors import SYSTEM
from enforcelink.orgs.models import User

T = TypeVar("T")


def _machine(label: str) -> bool:
    # A login never holds ":" (Django's username characters); the bare names are the sweeps' and
    # commands' own (`SystemActor.name`, `narration.name_machine`).
    return ":" in label or label == SYSTEM.name or label in narration.machine_labels()


def person_name(user: User) -> str:
    """A person by their full name; a unit's staff (a bank's liaison) with their unit."""
    if user.unit is not None:
        return _("%(name)s (%(unit)s)") % {"name": user, "unit": user.unit.name}
    return str(user)


def names(labels: Iterable[str]) -> dict[str, str]:
    """Stored actor labels → names in words. A login nobody holds any longer reads as it was kept."""
    wanted = {label for label in labels if label}
    machines = {label for label in wanted if _machine(label)}
    found = narration.machine_names(machines)
    if logins := wanted - machines:
        people = User.objects.filter(username__in=logins).select_related("unit")
        found.update(
            {user.username: person_name(user) for user in people.only("username", "full_name", "unit__name")}
        )
    return found


def named(rows: Iterable[T], field: str = "created_by", *, into: str = "booked_by") -> list[T]:
    """The rows, each with `into` set to its `field`'s label in words (`{{ journal.booked_by }}`)."""
    listed = list(rows)
    found = names(str(getattr(row, field)) for row in listed)
    for row in listed:
        label = str(getattr(row, field))
        setattr(row, into, found.get(label, label))
    return listed


def named_in_chunks(rows: Iterable[T], size: int = 2000) -> Iterator[T]:
    """`named` for an export streamed in chunks: one query for each chunk's people."""
    left = iter(rows)
    while chunk := list(islice(left, size)):
        yield from named(chunk)
