"""Durations, renewals and waiting lists of control measures (issue 15 §6): each measure's end from its
confirmed term (R-ASSET-02), reminders before it, renewals in a batch, the lapse sweep, and
waiting-list seizures promoted when the measure ahead is freed (R-ASSET-04)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcelink.assets import policy as asset_policy
from enforcelink.assets.control import actions
from enforcelink.assets.control.budget import case_budget, measures_of
from enforcelink.assets.control.models import ControlMeasure, MeasureStatus
from enforcelink.assets.expiry import renewals, sweeps, waiting
from enforcelink.assets.expiry.models import ExpiryReminder
from enforcelink.assets.expiry.policy import confirmed_end, term_class_of, threshold_for
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent, Notification
from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")

D = Decimal


def today() -> dt.date:
    return timezone.localdate()


def handled_by(case, officer):
    """The case assigned to `officer` (filing assigns by rotation)."""
    from enforcelink.cases.models import Case

    Case.objects.filter(pk=case.pk).update(officer=officer)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def case(world):
    return handled_by(file_case(world.court, world.officer, principal="120000.00"), world.officer)


@pytest.fixture
def registry(world):
    unit = UnitFactory(region=world.region, name="不动产登记中心", unit_type=UnitType.REAL_ESTATE)
    return unit, UserFactory(unit=unit, role=Role.LIAISON)


def fresh(measure):
    return ControlMeasure.objects.get(pk=measure.pk)


def frozen(world, case, amount="1000.00", *, ends_on=None, account="62170000000000001"):
    """A freeze the bank confirmed, in effect until `ends_on` (set as the bank's term would be)."""
    measure = actions.freeze(
        case, unit=world.unit, account=account, amount=amount, actor=world.officer
    ).measure
    until = (today() + dt.timedelta(days=200)).isoformat()
    request_complete(
        AssistanceRequest.objects.get(pk=measure.request_id),
        result={"frozen_amount": amount, "frozen_until": until, "account": account}, actor=world.liaison,
    )  # fmt: skip
    if ends_on is not None:
        ControlMeasure.objects.filter(pk=measure.pk).update(term_end=ends_on)
    return fresh(measure)


def flat(case, unit, key="渝（2020）綦江区不动产权第1234567号"):
    now = timezone.now()
    return AssetRecord.objects.create(
        case=case, kind=AssetKind.REAL_ESTATE, unit=unit, identifier=key, key=key, first_seen_at=now,
        last_seen_at=now, other_measures=["已被重庆市江津区人民法院查封（2024年3月）"],
    )  # fmt: skip


def seized(world, case, registry, record, *, waiting_behind=False, registered_on=None):
    _unit, liaison = registry
    measure = actions.seize(case, record=record, value="90000.00", actor=world.officer).measure
    result = {"registered_on": (registered_on or today()).isoformat(), "certificate": record.identifier}
    if waiting_behind:
        result.update(waiting=True, note="轮候查封：该财产已被重庆市江津区人民法院查封")
    else:
        result["seized_until"] = (today() + dt.timedelta(days=700)).isoformat()
    request_complete(AssistanceRequest.objects.get(pk=measure.request_id), result=result, actor=liaison)
    return fresh(measure)


# --- R-ASSET-02: terms ---------------------------------------------------------------------------------


def test_the_term_class_comes_from_the_asset_and_without_one_the_shorter_class():
    assert term_class_of("freeze", "deposit") == "deposit"
    assert term_class_of("freeze", "equity") == "property_right"
    assert term_class_of("seize", "real_estate") == "real_estate"
    assert term_class_of("seize", None) == "movable"
    assert term_class_of("freeze", None) == "deposit"


def test_a_confirmed_end_within_the_maximum_is_kept_and_one_beyond_it_is_cut():
    start = dt.date(2028, 2, 29)
    assert confirmed_end(start, dt.date(2028, 12, 31), "deposit").on == dt.date(2028, 12, 31)
    beyond = confirmed_end(start, dt.date(2029, 3, 1), "deposit")
    assert beyond.on == dt.date(2029, 2, 28) and beyond.cut  # a month-end start clamps (R-ASSET-02)
    assert confirmed_end(start, None, "movable").on == dt.date(2030, 2, 28)


@pytest.mark.parametrize(
    ("days_left", "expected"), [(31, None), (30, 30), (29, 30), (7, 7), (0, 7), (-1, None)]
)
def test_a_reminder_threshold_is_the_smallest_the_days_left_are_within(days_left, expected):
    assert threshold_for(days_left, (30, 7)) == expected


def test_a_detained_vehicle_without_an_end_holds_for_the_movables_maximum(world, case):
    police = UnitFactory(region=world.region, name="公安局", unit_type=UnitType.POLICE)
    liaison = UserFactory(unit=police, role=Role.LIAISON)
    now = timezone.now()
    car = AssetRecord.objects.create(
        case=case, kind=AssetKind.VEHICLE, unit=police, identifier="渝B12345", key="渝B12345",
        first_seen_at=now, last_seen_at=now,
    )  # fmt: skip
    measure = actions.detain_vehicle(
        case, record=car, unit=police, value="30000.00", actor=world.officer
    ).measure
    request_complete(
        AssistanceRequest.objects.get(pk=measure.request_id), actor=liaison,
        result={"vehicle_found": True, "detained": True, "plate": "渝B12345", "kept_at": "停车场",
                "detained_on": today().isoformat()},
    )  # fmt: skip
    measure = fresh(measure)
    assert measure.term_end == asset_policy.term_end(today(), "movable")
    assert AuditEvent.objects.filter(action="control.term_fixed", object_id=str(measure.pk)).exists()


# --- renewals -------------------------------------------------------------------------------------------


def test_renewals_in_a_batch_run_on_from_the_current_end_and_take_effect_when_the_unit_confirms(world, case):
    first = frozen(world, case, ends_on=today() + dt.timedelta(days=10))
    second = frozen(
        world, case, amount="2000.00", ends_on=today() + dt.timedelta(days=20), account="62170000000000002"
    )
    report = renewals.renew_each([first.pk, second.pk], actor=world.officer)
    assert not report.refused and [r.parent_id for r in report.made] == [first.pk, second.pk]
    renewal = report.made[0]
    request = AssistanceRequest.objects.get(pk=renewal.request_id)
    until = asset_policy.renewal_end(first.term_end, "deposit")  # the end's day not counted again
    assert request.request_type == "renew_freeze"
    assert request.details["current_until"] == first.term_end.isoformat()
    assert request.details["until"] == until.isoformat() and request.details["amount"] == "1000.00"
    assert fresh(first).term_end == first.term_end  # nothing changes before the bank confirms
    request_complete(
        request, result={"frozen_amount": "1000.00", "frozen_until": until.isoformat()}, actor=world.liaison
    )
    assert fresh(first).term_end == until and fresh(first).status == MeasureStatus.EFFECTIVE
    assert fresh(renewal).status == MeasureStatus.EFFECTIVE
    assert AuditEvent.objects.filter(action="control.renewed", object_id=str(first.pk)).exists()


def test_a_renewal_confirmed_beyond_the_maximum_is_refused_and_the_maximum_is_taken(world, case):
    """R-ASSET-02: linkage holds the unit's answer to the same calendar maximum as assets (the notice
    names the term class), so a day beyond it is refused and the maximum itself is taken."""
    measure = frozen(world, case, ends_on=today() + dt.timedelta(days=5))
    [renewal] = renewals.renew_each([measure.pk], actor=world.officer).made
    request = AssistanceRequest.objects.get(pk=renewal.request_id)
    maximum = asset_policy.renewal_end(measure.term_end, "deposit")
    with pytest.raises(DomainError):
        request_complete(
            request, result={"frozen_amount": "1000.00",
                             "frozen_until": (maximum + dt.timedelta(days=1)).isoformat()}, actor=world.liaison,
        )  # fmt: skip
    assert fresh(measure).term_end == measure.term_end
    request_complete(
        AssistanceRequest.objects.get(pk=renewal.request_id),
        result={"frozen_amount": "1000.00", "frozen_until": maximum.isoformat()}, actor=world.liaison,
    )  # fmt: skip
    assert fresh(measure).term_end == maximum


def test_what_cannot_be_renewed_is_listed_with_its_code_and_the_rest_goes(world, case, registry):
    lapsed = frozen(world, case, ends_on=today() - dt.timedelta(days=1))
    fine = frozen(world, case, ends_on=today(), account="62170000000000003")  # its last day: still renewable
    line = seized(world, case, registry, flat(case, registry[0]), waiting_behind=True)
    report = renewals.renew_each([lapsed.pk, fine.pk, line.pk], actor=world.officer)
    assert [r.parent_id for r in report.made] == [fine.pk]
    assert {(r.measure_id, r.code) for r in report.refused} == {
        (lapsed.pk, "MEASURE_LAPSED"), (line.pk, "MEASURE_WAITING"),
    }  # fmt: skip
    again = renewals.renew_each([fine.pk], actor=world.officer)
    assert [r.code for r in again.refused] == ["RENEWAL_OPEN"] and not again.made


def test_another_courts_measure_is_not_found_and_nothing_is_sent(world, case):
    mine = frozen(world, case, ends_on=today() + dt.timedelta(days=3))
    sent = AssistanceRequest.objects.count()
    for actor in (world.outsider, world.liaison):
        with pytest.raises(NotFound):
            renewals.renew_each([mine.pk], actor=actor)
    with pytest.raises(NotFound):
        renewals.renew_each([mine.pk, 999999], actor=world.officer)
    assert AssistanceRequest.objects.count() == sent
    with pytest.raises(DomainError) as error:
        renewals.renew_each([], actor=world.officer)
    assert error.value.code == "MEASURES_REQUIRED"


def test_a_terminated_cases_controls_are_renewed_and_a_concluded_cases_are_not(world, case):
    """After 终本 the controls stay in force (R-ZB-04), so they are renewed (R-ASSET-02)."""
    from enforcelink.cases.models import Case, CaseStatus, ClosureMode

    measure = frozen(world, case, ends_on=today() + dt.timedelta(days=3))
    other = frozen(world, case, ends_on=today() + dt.timedelta(days=3), account="62170000000000009")
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closure_mode=ClosureMode.TERMINATED_THIS_ROUND
    )
    report = renewals.renew_each([measure.pk], actor=world.officer)
    assert len(report.made) == 1 and not report.refused
    Case.objects.filter(pk=case.pk).update(closure_mode=ClosureMode.TERMINATED)
    assert [r.code for r in renewals.renew_each([other.pk], actor=world.officer).refused] == ["CASE_CLOSED"]


# --- the lapse sweep ------------------------------------------------------------------------------------


def test_a_measure_ending_today_holds_today_and_lapses_tomorrow_once(world, case):
    ends_today = frozen(world, case, ends_on=today())
    ends_tomorrow = frozen(
        world, case, amount="2000.00", ends_on=today() + dt.timedelta(days=1), account="62170000000000004"
    )
    used = case_budget(case, measures_of(case)).used
    assert sweeps.sweep_lapses(today()) == 0
    tomorrow = today() + dt.timedelta(days=1)
    assert sweeps.sweep_lapses(tomorrow) == 1
    assert sweeps.sweep_lapses(tomorrow) == 0  # a sweep run twice lapses once
    assert fresh(ends_today).status == MeasureStatus.LAPSED
    assert fresh(ends_tomorrow).status == MeasureStatus.EFFECTIVE
    assert case_budget(case, measures_of(case)).used == used - D("1000.00")  # the budget frees it
    assert AuditEvent.objects.filter(action="control.lapsed").count() == 1
    notes = Notification.objects.filter(user=world.officer, kind="control.lapsed")
    assert notes.count() == 1 and case.number in notes.get().message
    with pytest.raises(DomainError) as error:
        renewals.renew(ends_today, actor=world.officer)
    assert error.value.code == "MEASURE_LAPSED"


def test_a_confirmed_renewal_keeps_the_measure_from_lapsing(world, case):
    measure = frozen(world, case, ends_on=today() + dt.timedelta(days=2))
    [renewal] = renewals.renew_each([measure.pk], actor=world.officer).made
    until = AssistanceRequest.objects.get(pk=renewal.request_id).details["until"]
    request_complete(
        AssistanceRequest.objects.get(pk=renewal.request_id),
        result={"frozen_amount": "1000.00", "frozen_until": until}, actor=world.liaison,
    )  # fmt: skip
    assert sweeps.sweep_lapses(today() + dt.timedelta(days=10)) == 0


# --- reminders ------------------------------------------------------------------------------------------


def test_the_officer_is_reminded_once_of_a_measure_exactly_n_days_ahead(world, case):
    at_30 = frozen(world, case, ends_on=today() + dt.timedelta(days=30))
    frozen(
        world, case, amount="2000.00", ends_on=today() + dt.timedelta(days=31), account="62170000000000005"
    )
    assert sweeps.sweep_reminders(today()) == 1
    assert sweeps.sweep_reminders(today()) == 0  # no daily spam
    assert sweeps.sweep_reminders(today() + dt.timedelta(days=1)) == 1  # the other reaches 30 days
    note = Notification.objects.filter(user=world.officer, kind="control.expiring").order_by("pk").first()
    assert note is not None and "/controls/expiring/" in note.url
    assert ExpiryReminder.objects.filter(measure=at_30, within_days=30).count() == 1


def test_each_threshold_reminds_once_and_a_renewed_term_again(world, case, settings):
    settings.ENFORCELINK_CONTROL_REMIND_DAYS = (30, 7)
    measure = frozen(world, case, ends_on=today() + dt.timedelta(days=20))
    assert sweeps.sweep_reminders(today()) == 1
    assert sweeps.sweep_reminders(today() + dt.timedelta(days=5)) == 0
    assert sweeps.sweep_reminders(today() + dt.timedelta(days=13)) == 1  # 7 days left
    ControlMeasure.objects.filter(pk=measure.pk).update(term_end=today() + dt.timedelta(days=40))  # renewed
    assert sweeps.sweep_reminders(today() + dt.timedelta(days=15)) == 1
    assert sorted(ExpiryReminder.objects.values_list("within_days", flat=True)) == [7, 30, 30]


def test_the_daily_sweep_is_registered_and_claimed_once_per_day(world, case):
    from enforcelink.core import sweeps as core_sweeps

    frozen(world, case, ends_on=today() - dt.timedelta(days=1))
    first = {o.name: o for o in core_sweeps.run_due(today())}
    assert first["control_expiry"].ran and first["control_expiry"].result == 1
    second = {o.name: o for o in core_sweeps.run_due(today())}
    assert not second["control_expiry"].ran


# --- R-ASSET-04: waiting lists --------------------------------------------------------------------------


def test_a_seizure_behind_another_courts_waits_in_line_and_is_promoted_when_that_one_is_released(
    world, case, registry
):
    other_case = handled_by(file_case(world.court, world.colleague, principal="150000.00"), world.colleague)
    first = seized(world, case, registry, flat(case, registry[0]), waiting_behind=True)
    second = seized(world, other_case, registry, flat(other_case, registry[0]), waiting_behind=True)
    assert (first.waiting_position, first.term_end) == (1, None)
    assert fresh(second).waiting_position == 2
    assert sweeps.sweep_lapses(today() + dt.timedelta(days=5000)) == 0  # a waiting seizure has no term
    released_on = today() - dt.timedelta(days=1)
    promoted = waiting.earlier_freed(first.record_id, how="released", on=released_on, actor=world.officer)
    assert promoted is not None and promoted.pk == first.pk
    first = fresh(first)
    assert first.waiting_position is None and first.term_start == released_on
    assert first.term_end == asset_policy.term_end(released_on, "real_estate")
    assert fresh(second).waiting_position == 1
    assert Notification.objects.filter(user=world.officer, kind="control.promoted").exists()
    assert AuditEvent.objects.filter(action="control.promoted", object_id=str(first.pk)).exists()


def test_our_lapsed_seizure_promotes_the_next_in_line_from_the_day_after_its_last_day(world, case, registry):
    other_case = handled_by(file_case(world.court, world.colleague, principal="150000.00"), world.colleague)
    ahead = seized(world, case, registry, flat(case, registry[0]))
    behind = seized(world, other_case, registry, flat(other_case, registry[0]), waiting_behind=True)
    last_day = today() + dt.timedelta(days=3)
    ControlMeasure.objects.filter(pk=ahead.pk).update(term_end=last_day)
    assert sweeps.sweep_lapses(last_day + dt.timedelta(days=1)) == 1
    behind = fresh(behind)
    assert behind.waiting_position is None and behind.term_start == last_day + dt.timedelta(days=1)
    assert behind.term_end == asset_policy.term_end(last_day + dt.timedelta(days=1), "real_estate")


def test_our_released_seizure_promotes_the_next_in_line_from_the_release_day(
    world, case, registry, django_capture_on_commit_callbacks
):
    other_case = handled_by(file_case(world.court, world.colleague, principal="150000.00"), world.colleague)
    ahead = seized(world, case, registry, flat(case, registry[0]))
    behind = seized(world, other_case, registry, flat(other_case, registry[0]), waiting_behind=True)
    lift = actions.release(ahead, reason="案外人提供担保", actor=world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        request_complete(
            AssistanceRequest.objects.get(pk=lift.request_id),
            result={"released_on": today().isoformat()}, actor=registry[1],
        )  # fmt: skip
    assert fresh(ahead).status == MeasureStatus.RELEASED
    behind = fresh(behind)
    assert behind.waiting_position is None and behind.term_start == today()


def test_nothing_waiting_is_a_clear_error(world, case, registry):
    record = flat(case, registry[0])
    with pytest.raises(DomainError) as error:
        waiting.earlier_freed(record, how="released", on=today(), actor=world.officer)
    assert error.value.code == "NOTHING_WAITING"
    with pytest.raises(DomainError) as error:
        waiting.earlier_freed(record, how="gone", on=today(), actor=world.officer)
    assert error.value.code == "HOW_INVALID"
    with pytest.raises(NotFound):
        waiting.earlier_freed(record, how="released", on=today(), actor=world.outsider)


@pytest.mark.django_db(transaction=True)
def test_workers_sweeping_at_once_lapse_each_measure_once_and_remind_once(world):
    """Four workers with their own connections (PostgreSQL): the conditional UPDATE lapses each
    measure once, the reminder rows let each officer hear once (R-ASSET-02)."""
    from enforcelink.core import audit
    from tests.core.test_sweeps import memory_sqlite, run_in_threads

    if memory_sqlite():
        pytest.skip("an in-memory SQLite database is private to one connection; PostgreSQL run covers this")
    case = handled_by(file_case(world.court, world.officer, principal="120000.00"), world.officer)
    for n in range(3):
        frozen(
            world,
            case,
            amount="100.00",
            ends_on=today() - dt.timedelta(days=1),
            account=f"6217000000000010{n}",
        )
    for n in range(2):
        frozen(
            world,
            case,
            amount="100.00",
            ends_on=today() + dt.timedelta(days=9),
            account=f"6217000000000020{n}",
        )
    lapsed = run_in_threads(4, lambda: sweeps.sweep_lapses(today()))
    reminded = run_in_threads(4, lambda: sweeps.sweep_reminders(today()))
    assert sum(lapsed) == 3 and sum(reminded) == 2  # type: ignore[arg-type]
    assert AuditEvent.objects.filter(action="control.lapsed").count() == 3
    assert Notification.objects.filter(kind="control.lapsed").count() == 3
    assert Notification.objects.filter(kind="control.expiring").count() == 1  # one message for both
    assert audit.verify() is None
