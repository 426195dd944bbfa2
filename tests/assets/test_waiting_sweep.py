"""R-ASSET-04's backstop in the daily control_expiry sweep: a waiting seizure whose earlier seizure
(ours) lapsed or was released, but whose promotion after that commit was lost, takes effect through
the same promotion, on the same day of effect, once; a seizure that joined the line after ours was
freed waits behind another court's and stays waiting."""

from __future__ import annotations

import datetime as dt

import pytest

from enforcelink.assets import policy as asset_policy
from enforcelink.assets.control import actions
from enforcelink.assets.control.models import ControlMeasure, MeasureStatus
from enforcelink.assets.expiry import sweeps, waiting
from enforcelink.core import audit
from enforcelink.core import sweeps as core_sweeps
from enforcelink.core.models import AuditEvent, Notification
from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role, UnitType
from tests.assets.test_expiry import flat, fresh, handled_by, seized, today
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def case(world):
    return handled_by(file_case(world.court, world.officer, principal="120000.00"), world.officer)


@pytest.fixture
def other_case(world):
    return handled_by(file_case(world.court, world.colleague, principal="150000.00"), world.colleague)


@pytest.fixture
def registry(world):
    unit = UnitFactory(region=world.region, name="不动产登记中心", unit_type=UnitType.REAL_ESTATE)
    return unit, UserFactory(unit=unit, role=Role.LIAISON)


def lapsed_unpromoted(ahead, last_day):
    """The lapse committed and the worker died before its promotion ran (`sweep_lapses` promotes
    after the page's transaction)."""
    ControlMeasure.objects.filter(pk=ahead.pk).update(status=MeasureStatus.LAPSED, term_end=last_day)


def released_unpromoted(world, registry, ahead, on):
    """The registry confirms the release; the promotion it enqueues after the commit never runs."""
    lift = actions.release(ahead, reason="案外人提供担保", actor=world.officer)
    request_complete(
        AssistanceRequest.objects.get(pk=lift.request_id),
        result={"released_on": on.isoformat()},
        actor=registry[1],
    )  # no on_commit callback runs in this test's transaction
    assert fresh(ahead).status == MeasureStatus.RELEASED


def test_a_seizure_left_waiting_after_ours_lapsed_takes_effect_the_day_after_its_last_day(
    world, case, other_case, registry
):
    ahead = seized(
        world, case, registry, flat(case, registry[0]), registered_on=today() - dt.timedelta(days=30)
    )
    behind = seized(
        world, other_case, registry, flat(other_case, registry[0]), waiting_behind=True,
        registered_on=today() - dt.timedelta(days=20),
    )  # fmt: skip
    last_day = today() - dt.timedelta(days=2)
    lapsed_unpromoted(ahead, last_day)
    assert fresh(behind).waiting_position == 1
    assert sweeps.sweep_missed_promotions(today()) == 1
    behind = fresh(behind)
    assert behind.waiting_position is None and behind.term_start == last_day + dt.timedelta(days=1)
    assert behind.term_end == asset_policy.term_end(last_day + dt.timedelta(days=1), "real_estate")
    event = AuditEvent.objects.get(action="control.promoted", object_id=str(behind.pk))
    assert event.actor_label == sweeps.ACTOR and event.after["cause"] == "lapsed"
    assert Notification.objects.filter(user=world.colleague, kind="control.promoted").count() == 1
    assert sweeps.sweep_missed_promotions(today()) == 0  # once
    assert waiting.promote_next(ahead.pk, last_day, cause="lapsed") is None  # a late event finds it done
    assert AuditEvent.objects.filter(action="control.promoted").count() == 1
    assert audit.verify() is None


def test_a_seizure_left_waiting_after_ours_was_released_takes_effect_on_the_release_day(
    world, case, other_case, registry
):
    ahead = seized(world, case, registry, flat(case, registry[0]))
    first = seized(world, other_case, registry, flat(other_case, registry[0]), waiting_behind=True)
    third_case = handled_by(file_case(world.court, world.officer, principal="90000.00"), world.officer)
    second = seized(world, third_case, registry, flat(third_case, registry[0]), waiting_behind=True)
    released_on = today() - dt.timedelta(days=1)
    released_unpromoted(world, registry, ahead, released_on)
    assert sweeps.sweep_missed_promotions(today()) == 1  # the first in line; the second moves up
    first, second = fresh(first), fresh(second)
    assert first.waiting_position is None and first.term_start == released_on
    assert second.waiting_position == 1
    assert AuditEvent.objects.get(action="control.promoted").after["cause"] == "released"
    assert sweeps.sweep_missed_promotions(today()) == 0


def test_seizures_that_wait_behind_another_court_or_behind_ours_still_holding_stay_waiting(
    world, registry, django_assert_num_queries
):
    def on(key, **kwargs):
        case = handled_by(file_case(world.court, world.officer, principal="100000.00"), world.officer)
        return seized(world, case, registry, flat(case, registry[0], key=key), **kwargs)

    # Ours lapsed before this one was registered: it waits behind another court's seizure.
    gone = on("渝（2020）綦江区不动产权第1号")
    lapsed_unpromoted(gone, today() - dt.timedelta(days=10))
    late = on(
        "渝（2020）綦江区不动产权第1号", waiting_behind=True, registered_on=today() - dt.timedelta(days=3)
    )
    # Ours still holds the asset.
    held = on("渝（2020）綦江区不动产权第2号")
    queued = on("渝（2020）綦江区不动产权第2号", waiting_behind=True)
    # Ours released while it waited itself: it never held the asset.
    was_waiting = on("渝（2020）綦江区不动产权第3号", waiting_behind=True)
    behind_it = on("渝（2020）綦江区不动产权第3号", waiting_behind=True)
    released_unpromoted(world, registry, was_waiting, today())
    with django_assert_num_queries(1):
        assert sweeps.sweep_missed_promotions(today()) == 0
    assert fresh(late).waiting_position == 1 and fresh(queued).waiting_position == 1
    assert fresh(behind_it).waiting_position is not None
    assert fresh(held).status == MeasureStatus.EFFECTIVE


def test_the_daily_control_expiry_sweep_promotes_what_was_missed_once_a_day(
    world, case, other_case, registry
):
    ahead = seized(world, case, registry, flat(case, registry[0]))
    behind = seized(world, other_case, registry, flat(other_case, registry[0]), waiting_behind=True)
    lapsed_unpromoted(ahead, today() - dt.timedelta(days=1))  # its last day yesterday; waiting since today
    assert sweeps.sweep_missed_promotions(today()) == 0  # joined the line after ours had ended
    ControlMeasure.objects.filter(pk=behind.pk).update(term_start=today() - dt.timedelta(days=5))
    first = {o.name: o for o in core_sweeps.run_due(today())}
    assert first["control_expiry"].ran and first["control_expiry"].result == 1
    assert fresh(behind).waiting_position is None
    assert not {o.name: o for o in core_sweeps.run_due(today())}["control_expiry"].ran


@pytest.mark.django_db(transaction=True)
def test_workers_sweeping_at_once_promote_once(world, registry):
    """Four workers with their own connections (PostgreSQL): the seizure is promoted once."""
    from tests.core.test_sweeps import memory_sqlite, run_in_threads

    if memory_sqlite():
        pytest.skip("an in-memory SQLite database is private to one connection; PostgreSQL run covers this")
    case = handled_by(file_case(world.court, world.officer, principal="120000.00"), world.officer)
    other_case = handled_by(file_case(world.court, world.colleague, principal="150000.00"), world.colleague)
    ahead = seized(
        world, case, registry, flat(case, registry[0]), registered_on=today() - dt.timedelta(days=30)
    )
    behind = seized(
        world, other_case, registry, flat(other_case, registry[0]), waiting_behind=True,
        registered_on=today() - dt.timedelta(days=20),
    )  # fmt: skip
    lapsed_unpromoted(ahead, today() - dt.timedelta(days=2))
    promoted = run_in_threads(4, lambda: sweeps.sweep_missed_promotions(today()))
    assert sum(promoted) == 1  # type: ignore[arg-type]
    assert fresh(behind).waiting_position is None
    assert AuditEvent.objects.filter(action="control.promoted").count() == 1
    assert audit.verify() is None
