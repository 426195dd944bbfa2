"""R-ASSET-03 exact under concurrency (issue 15 §5): several banks confirming freezes of one case at
the same moment, each from its own thread and connection with real commits, never leave more under
control than the budget, and the surplus released is exactly the excess. Hypothesis draws the budget,
how much each bank is asked and how much it confirms; the invariant is checked after every trial.
`enforcelink bench controls` runs 10,000 such trials on PostgreSQL; here a few hundred keep the suite
fast. On SQLite (one writer at a time) the same invariant is checked with the confirmations in every
drawn order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enforcelink.assets.control.trials import Plan, Setting, run_trial
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
