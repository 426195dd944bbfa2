"""Periodic sweeps that run once per period however many processes are up (issue 2 §5).

An app registers a sweep with `@periodic("name")` in its `tasks.py`; `run_due(day)` (the `enforcelink
sweep` command, or the `run_periodic_sweeps` task) runs each registered sweep whose period is not yet
claimed. Claiming is an INSERT of (name, period) into `PeriodicClaim`: the unique constraint lets exactly
one process win, every other one gets an IntegrityError and skips. A sweep that fails releases its
claim, so the next run retries the period. Sweeps themselves stay idempotent (each row is claimed with a
conditional UPDATE), so a retry never acts twice.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import task

from enforcelink.core.models import PeriodicClaim

SweepFn = Callable[[dt.date], int]


@dataclass(frozen=True)
class Sweep:
    name: str
    run: SweepFn
    hourly: bool = False

    def period(self, day: dt.date, hour: int = 0) -> str:
        """A sweep runs once a day, the period key being the day (Asia/Shanghai), or, if `hourly`,
        once an hour: its rows are claimed one by one, so each is still acted on once, and what
        arrives during the day is not left for tomorrow (a request sent in the afternoon and due
        the next day gets its reminder today)."""
        return f"{day.isoformat()}T{hour:02d}" if self.hourly else day.isoformat()


@dataclass(frozen=True)
class Outcome:
    name: str
    period: str
    ran: bool
    result: int | None = None


_registry: dict[str, Sweep] = {}


def periodic(name: str, *, hourly: bool = False) -> Callable[[SweepFn], SweepFn]:
    """Register `fn(day) -> count` as the daily (or hourly) sweep `name`."""

    def register(fn: SweepFn) -> SweepFn:
        _registry[name] = Sweep(name, fn, hourly)
        return fn

    return register


def registered() -> list[Sweep]:
    autodiscover_modules("tasks")
    return [_registry[name] for name in sorted(_registry)]


def worker_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def claim(name: str, period: str, *, claimed_by: str = "") -> bool:
    """Win (name, period) for this process; False when another process already has it."""
    try:
        with transaction.atomic():
            PeriodicClaim.objects.create(name=name, period=period, claimed_by=claimed_by or worker_label())
    except IntegrityError:
        return False
    return True


def release(name: str, period: str) -> None:
    PeriodicClaim.objects.filter(name=name, period=period).delete()


def run_due(
    day: dt.date | None = None, *, claimed_by: str = "", now: dt.datetime | None = None
) -> list[Outcome]:
    """Run every registered sweep whose period nobody has claimed yet: today's (this hour's, for an
    hourly sweep), or the given `day`'s (an hourly sweep then runs once for it)."""
    now = timezone.localtime(now)
    hour = now.hour if day is None or day == now.date() else 0
    day = day or now.date()
    outcomes = []
    for sweep in registered():
        period = sweep.period(day, hour)
        if not claim(sweep.name, period, claimed_by=claimed_by):
            outcomes.append(Outcome(sweep.name, period, ran=False))
            continue
        try:
            result = sweep.run(day)
        except BaseException:
            release(sweep.name, period)
            raise
        outcomes.append(Outcome(sweep.name, period, ran=True, result=result))
    return outcomes


PAGE = 200  # rows claimed per transaction: one commit for a page instead of one per row


def claim_each(
    candidates: models.QuerySet[Any],
    due: models.Q,
    changes: dict[str, Any],
    act: Callable[[list[dict[str, Any]]], object],
    *,
    keep: tuple[str, ...] = (),
) -> int:
    """Claim the due rows among `candidates` with `changes`, each exactly once however many workers
    sweep at the same time, and `act` on the rows this worker won.

    Rows are taken a page at a time in pk order; in the page's transaction each is claimed by its
    own conditional `UPDATE … SET <changes> WHERE pk = … AND <due>`, and only the worker whose
    update changed the row acts on it. `due` may name only the row's own columns: an UPDATE that
    waited for another worker's lock is re-checked by PostgreSQL on the row itself, not through a
    join or subquery (`candidates` may join: it only chooses which rows to look at). Claiming in pk
    order makes two workers queue behind each other's row locks instead of deadlocking. `keep`
    names fields read with each row that must still hold the same values when it is claimed (the
    status it moves from, which the trail then records); `act` gets the won rows as
    `{"pk": …, <kept fields>}`, in the same transaction. Returns how many rows this worker claimed."""
    claimed, last = 0, None
    while True:
        page = candidates.filter(due).order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page.values("pk", *keep)[:PAGE])
        if not rows:
            return claimed
        last = rows[-1]["pk"]
        claimed += claim_page(candidates.model, due, rows, changes, act)


def claim_page(
    model: type[models.Model],
    due: models.Q,
    rows: list[dict[str, Any]],
    changes: dict[str, Any],
    act: Callable[[list[dict[str, Any]]], object],
) -> int:
    """One page of `claim_each`, for rows read earlier (by now another worker may have them)."""
    rows = sorted(rows, key=lambda row: row["pk"])
    with transaction.atomic():
        won = [row for row in rows if model._default_manager.filter(due, **row).update(**changes)]
        if won:
            act(won)
    return len(won)


@task()
def run_periodic_sweeps(day: str | None = None) -> dict[str, int | None]:
    """The background-task form of `run_due`, for a scheduler that enqueues it (ids and dates only)."""
    outcomes = run_due(dt.date.fromisoformat(day) if day else None)
    return {outcome.name: outcome.result for outcome in outcomes}
