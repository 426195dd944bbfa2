"""R-ASSET-03 exact under concurrency (issue 15 §5): several banks confirming freezes of one case at
the same moment, each from its own thread and connection with real commits, never leave more under
control than the budget, and the surplus released is exactly the excess. Hypothesis draws the budget,
how much each bank is asked and how much it confirms; the invariant is checked after every trial.
`enforcelink bench controls` runs 10,000 such trials on PostgreSQL; here a few hundred keep the suite
fast. On SQLite (one writer at a time) the same invariant is checked with the confirmations in every
drawn order."""

from __future__ import annotations

import itertools
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enforcelink.assets.control import trials as trials_module
from enforcelink.assets.control.trials import Confirmers, Plan, Setting, Tally, run_many, run_trial
from enforcelink.orgs.models import Role
from tests.factories import UnitFactory, UserFactory, file_case

BANKS = 4
share = st.integers(1, 1000).map(lambda n: Decimal(n) / 1000)
part = st.one_of(st.just(Decimal(1)), st.integers(0, 1000).map(lambda n: Decimal(n) / 1000))
plans = st.builds(
    Plan,
    principal=st.integers(1_000, 2_000_000).map(Decimal),
    asks=st.lists(st.tuples(share, part), min_size=2, max_size=BANKS).map(tuple),
)


def _setting(world) -> Setting:
    banks = [(world.unit, world.liaison)]
    for n in range(BANKS - 1):
        unit = UnitFactory(region=world.region, name=f"并发银行{n}")
        banks.append((unit, UserFactory(unit=unit, role=Role.LIAISON)))
    return Setting(file_case(world.court, world.officer, principal="100000.00"), world.officer, banks)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent commits need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_never_exceed_the_budget_and_release_exactly_the_excess(world):
    setting = _setting(world)
    trials = []

    @settings(max_examples=120, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
    @given(plan=plans)
    def trial(plan):
        outcome = run_trial(setting, plan, concurrent=True)
        trials.append(outcome)
        assert outcome.violation == "", (plan, outcome)

    trial()
    assert len(trials) >= 60
    assert any(outcome.released > 0 for outcome in trials)  # the surplus path did run


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's serialised writers")
def test_on_sqlite_confirmations_in_any_order_keep_the_invariant(world):
    setting = _setting(world)
    released = []

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
    @given(plan=plans, data=st.data())
    def trial(plan, data):
        order = data.draw(st.permutations(range(len(plan.asks))))
        outcome = run_trial(setting, plan, concurrent=False, order=list(order))
        released.append(outcome.released)
        assert outcome.violation == "", (plan, order, outcome)

    trial()
    assert any(amount > 0 for amount in released)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent commits need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_bench_loop_confirms_from_one_thread_per_bank_and_closes_their_connections(world, monkeypatch):
    """`run_many` (the bench's loop) keeps a thread and a connection per bank for all its trials
    (a new PostgreSQL backend per confirmation cost more than the confirmation), tells its tally
    after each trial, and closes the banks' connections at the end."""
    base = _setting(world)
    told: list[int] = []
    seen: list[tuple[int, object, int]] = []  # (thread, its connection wrapper, backend pid)
    complete = trials_module.request_complete

    def watched(request, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            seen.append((threading.get_ident(), connections["default"], cursor.fetchone()[0]))
        return complete(request, **kwargs)

    def make(n: int) -> Setting:
        return Setting(
            file_case(world.court, world.officer, principal="100000.00"), world.officer, base.banks
        )

    def progress(tally: Tally) -> None:
        told.append(tally.trials)

    monkeypatch.setattr(trials_module, "request_complete", watched)
    tally = run_many(make, 6, seed=3, progress=progress)
    assert tally.trials == 6 and told == [1, 2, 3, 4, 5, 6]
    assert tally.violations == []
    assert len(seen) == tally.confirmations >= 12  # 2–4 banks a trial
    threads = {thread for thread, _wrapper, _pid in seen}
    assert 2 <= len(threads) <= BANKS and threading.get_ident() not in threads
    assert all(len({pid for t, _w, pid in seen if t == thread}) == 1 for thread in threads)
    assert all(wrapper.connection is None for _t, wrapper, _pid in seen)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent commits need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_confirmation_failing_before_the_barrier_breaks_it_for_the_others(world, monkeypatch):
    """Without this the other banks' threads would wait at the barrier for ever (a bench that hangs);
    the failure and the broken barrier are the trial's errors, so it counts as a violation."""
    broken: list[bool] = []
    requests = trials_module.AssistanceRequest

    class Watched(threading.Barrier):
        def abort(self) -> None:
            broken.append(True)
            super().abort()

    calls = itertools.count(1)  # next() is atomic: exactly one thread draws the first call

    class Requests:
        @staticmethod
        def get(**lookup):
            if next(calls) == 1:
                raise RuntimeError("the bank's lookup failed")
            return requests.objects.get(**lookup)

    monkeypatch.setattr(trials_module.threading, "Barrier", Watched)
    monkeypatch.setattr(trials_module, "BARRIER_TIMEOUT", 20)  # the unfixed code ends, if slowly
    monkeypatch.setattr(trials_module, "AssistanceRequest", type("AR", (), {"objects": Requests}))
    setting = _setting(world)
    plan = Plan(Decimal(5000), ((Decimal(1), Decimal(1)), (Decimal(1), Decimal(1)), (Decimal(1), Decimal(1))))
    confirmers = Confirmers(BANKS)
    try:
        outcome = run_trial(setting, plan, confirmers=confirmers)
    finally:
        confirmers.close()
    assert broken == [True]
    assert "the bank's lookup failed" in outcome.violation
    assert outcome.violation.count("BrokenBarrierError") == 2
