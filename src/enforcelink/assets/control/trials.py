"""The R-ASSET-03 property check under concurrent confirmations (issue 15 §5), shared by the test suite
(tests/assets/test_control_concurrency.py, a few hundred trials) and `enforcelink bench controls`
(10,000 trials on PostgreSQL).

One trial: a case's budget is set (its principal; the budget is what the ledger says is owed, the
application fee on the principal included, `control.budget`), several banks are each sent a freeze
of a random amount up to the budget (freezes sent are not under control yet, so together they may
ask far more), then the banks confirm — each a random part of what it was asked — at the same moment, each from its own thread and
database connection, released together by a barrier. After the last commit the case is read afresh:

- the invariant: value under control, net of releases already ordered, ≤ budget (`over == 0`);
- exactness: what stays under control is exactly min(budget, everything confirmed) — the surplus
  released is the excess, not more.

Between trials the case's measures are closed off (a test harness's shortcut, not an action), so one
case serves many trials and the budget of each starts empty.
"""

from __future__ import annotations

import datetime as dt
import functools
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import close_old_connections, connection
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.budget import case_budget, measures_of
from enforcelink.assets.control.models import ControlMeasure, MeasureKind, MeasureStatus
from enforcelink.cases.models import Case
from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import LinkageUnit, User

CENT = Decimal("0.01")
# A thread that never reaches the barrier (stuck, or a bug) breaks the trial with an error, not a hang.
BARRIER_TIMEOUT = 300


@dataclass
class Setting:
    """A case, its officer, and banks each with a liaison who confirms for it."""

    case: Case
    officer: User
    banks: list[tuple[LinkageUnit, User]]


@dataclass(frozen=True)
class Plan:
    """One trial: the case's principal, and per bank the amount asked and the part confirmed (0–1)."""

    principal: Decimal
    asks: tuple[tuple[Decimal, Decimal], ...]  # (share of the budget asked, share of that confirmed)


@dataclass
class Outcome:
    total: Decimal
    confirmed: Decimal
    controlled: Decimal
    over: Decimal
    released: Decimal
    errors: list[str] = field(default_factory=list)

    @property
    def violation(self) -> str:
        """ "" when the trial holds; else what broke."""
        if self.errors:
            return "; ".join(self.errors)
        if self.over != 0:
            return f"over the budget by {self.over}"
        if self.controlled != min(self.total, self.confirmed):
            return f"{self.controlled} under control, expected min({self.total}, {self.confirmed})"
        return ""


def random_plan(rng: random.Random, banks: int) -> Plan:
    """A plan as the bench draws it (the test draws its plans with hypothesis)."""
    count = rng.randint(2, banks)
    asks = tuple(
        (Decimal(rng.randint(1, 1000)) / 1000, Decimal(rng.choice((1000, 1000, rng.randint(0, 1000)))) / 1000)
        for _ in range(count)
    )
    return Plan(Decimal(rng.randint(1_000, 2_000_000)), asks)


def _money(value: Decimal) -> Decimal:
    return max(value.quantize(CENT), CENT)


def reset(case: Case, principal: Decimal) -> None:
    """Close off the previous trial's measures and set the next budget (a harness shortcut)."""
    ControlMeasure.objects.filter(case=case).update(status=MeasureStatus.CANCELLED)
    Case.objects.filter(pk=case.pk).update(principal=principal, interest=0, costs=0)
    case.refresh_from_db()


class Confirmers:
    """One thread per bank, each keeping its database connection from trial to trial (the bench's
    loop): a thread and a connection opened per confirmation cost a new PostgreSQL backend with cold
    caches each time, more than the harness should add to a trial. Each trial's confirmations still
    run one per thread and connection, released together by the trial's barrier."""

    def __init__(self, count: int) -> None:
        self.inboxes: list[queue.SimpleQueue[Callable[[], None] | None]] = [
            queue.SimpleQueue() for _ in range(count)
        ]
        self.threads = [
            threading.Thread(target=self._serve, args=(inbox,), daemon=True) for inbox in self.inboxes
        ]
        for thread in self.threads:
            thread.start()

    @staticmethod
    def _serve(inbox: queue.SimpleQueue[Callable[[], None] | None]) -> None:
        try:
            while (job := inbox.get()) is not None:
                job()
                close_old_connections()  # as at the end of a request: a broken or old connection goes
        finally:
            connection.close()

    def run(self, jobs: list[Callable[[], None]]) -> None:
        """Job i on thread i; back when all are done."""
        done = [threading.Event() for _ in jobs]

        def job_then(job: Callable[[], None], event: threading.Event) -> Callable[[], None]:
            def run() -> None:
                try:
                    job()
                finally:
                    event.set()

            return run

        for inbox, job, event in zip(self.inboxes, jobs, done, strict=False):
            inbox.put(job_then(job, event))
        for event in done:
            event.wait()

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for thread in self.threads:
            thread.join()


def run_trial(
    setting: Setting,
    plan: Plan,
    *,
    concurrent: bool = True,
    order: list[int] | None = None,
    confirmers: Confirmers | None = None,
) -> Outcome:
    """Send the plan's freezes, confirm them (all at once from threads, or one after another in
    `order` when not `concurrent`: SQLite's writers are serialised anyway), and read the result.
    Concurrent confirmations run on `confirmers` when given, else on threads of their own."""
    case = setting.case
    reset(case, plan.principal)
    total = case_budget(case, measures_of(case)).total
    sent: list[tuple[ControlMeasure, Decimal, User]] = []
    for (share, part), (unit, liaison) in zip(plan.asks, setting.banks, strict=False):
        asked = _money(total * share)
        measure = actions.freeze(case, unit=unit, amount=asked, actor=setting.officer).measure
        confirmed = (asked * part).quantize(CENT)
        sent.append((measure, confirmed, liaison))
    errors: list[str] = []

    def confirm(
        measure: ControlMeasure, amount: Decimal, liaison: User, gate: threading.Barrier | None
    ) -> None:
        try:
            try:
                request = AssistanceRequest.objects.get(pk=measure.request_id)
            except Exception:
                if gate is not None:
                    gate.abort()  # the others would wait for this thread at the barrier for ever
                raise
            if gate is not None:
                gate.wait()
            result = {"frozen_amount": str(amount), "frozen_until": _until(), "account": f"A{measure.pk}"}
            request_complete(request, result=result, actor=liaison)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            if gate is not None and confirmers is None:
                connection.close()

    if concurrent and confirmers is not None:
        gate = threading.Barrier(len(sent), timeout=BARRIER_TIMEOUT)
        confirmers.run([functools.partial(confirm, *item, gate) for item in sent])
    elif concurrent:
        gate = threading.Barrier(len(sent), timeout=BARRIER_TIMEOUT)
        threads = [threading.Thread(target=confirm, args=(*item, gate)) for item in sent]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        close_old_connections()
    else:
        for index in order or list(range(len(sent))):
            confirm(*sent[index], None)
    measures = [m for m in measures_of(case) if m.status != MeasureStatus.CANCELLED]
    found = case_budget(case, measures)
    confirmed = sum(
        (m.confirmed_amount or Decimal(0) for m in measures if m.kind == MeasureKind.FREEZE), Decimal("0.00")
    )
    released = sum(
        (m.requested_amount or Decimal(0) for m in measures if m.kind == MeasureKind.UNFREEZE),
        Decimal("0.00"),
    )
    return Outcome(found.total, confirmed, found.used, found.over, released, errors)


def _until() -> str:
    """A year's freeze as a bank confirms it (inside R-ASSET-02's maximum)."""
    return (timezone.localdate() + dt.timedelta(days=300)).isoformat()


@dataclass
class Tally:
    trials: int = 0
    violations: list[str] = field(default_factory=list)
    confirmations: int = 0
    releases: int = 0
    seconds: float = 0.0


PER_CASE = 25  # trials on one case before the next: a real case has a few dozen measures, not thousands


def run_many(
    make: Callable[[int], Setting],
    count: int,
    *,
    seed: int = 1,
    progress: Callable[[Tally], None] | None = None,
) -> Tally:
    """`count` random trials (the bench's loop), a new case from `make(n)` every PER_CASE trials;
    `progress` is told the tally after each trial. A violation names the seed, the trial and its plan
    and figures, enough to replay it with `run_trial`."""
    rng = random.Random(seed)
    tally = Tally()
    started = time.perf_counter()
    setting = make(0)
    confirmers = Confirmers(len(setting.banks))
    try:
        for n in range(count):
            if n and n % PER_CASE == 0:
                setting = make(n // PER_CASE)
            plan = random_plan(rng, len(setting.banks))
            outcome = run_trial(setting, plan, confirmers=confirmers)
            _count(tally, setting, plan, outcome, f"seed {seed} trial {n}")
            tally.seconds = time.perf_counter() - started
            if progress is not None:
                progress(tally)
    finally:
        confirmers.close()
    return tally


def _count(tally: Tally, setting: Setting, plan: Plan, outcome: Outcome, name: str) -> None:
    tally.trials += 1
    tally.confirmations += len(plan.asks)
    tally.releases += (
        ControlMeasure.objects.filter(case=setting.case, kind=MeasureKind.UNFREEZE)
        .exclude(status=MeasureStatus.CANCELLED)
        .count()
    )
    if outcome.violation:
        tally.violations.append(
            f"{name}: {outcome.violation} (budget {outcome.total}, confirmed {outcome.confirmed}, under "
            f"control {outcome.controlled}, over {outcome.over}, released {outcome.released}; {plan})"
        )
