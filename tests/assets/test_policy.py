"""Pure asset-control rules from DOMAIN.md §4: R-ASSET-02 terms and renewals, R-ASSET-03 the budget and
the surplus to release, R-ASSET-04 waiting lists, R-ASSET-05 re-inquiry after 终本."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcelink.assets import policy
from enforcelink.assets.policy import Controlled, Release, Waiting
from enforcelink.core.errors import InvalidInput, RuleViolation

D = Decimal
day = dt.date

pytestmark = pytest.mark.usefixtures("english")


def at(days: int) -> dt.datetime:
    return dt.datetime(2026, 1, 1, 9, 0) + dt.timedelta(days=days)


# --- R-ASSET-02 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "effective_on, measure, end",
    [
        (day(2026, 3, 10), "deposit", day(2027, 3, 10)),  # the day of effect not counted
        (day(2026, 3, 10), "movable", day(2028, 3, 10)),
        (day(2026, 3, 10), "real_estate", day(2029, 3, 10)),
        (day(2026, 3, 10), "property_right", day(2029, 3, 10)),
        (day(2028, 2, 29), "deposit", day(2029, 2, 28)),  # month-end clamps
        (day(2028, 2, 29), "real_estate", day(2031, 2, 28)),
        (day(2027, 2, 28), "movable", day(2029, 2, 28)),
        (day(2026, 12, 31), "deposit", day(2027, 12, 31)),
        # Asset kinds map to their term class.
        (day(2026, 3, 10), "housing_fund", day(2027, 3, 10)),
        (day(2026, 3, 10), "vehicle", day(2028, 3, 10)),
        (day(2026, 3, 10), "ship", day(2028, 3, 10)),
        (day(2026, 3, 10), "land", day(2029, 3, 10)),
        (day(2026, 3, 10), "equity", day(2029, 3, 10)),
        (day(2026, 3, 10), "securities", day(2029, 3, 10)),
    ],
)
def test_maximum_terms_r_asset_02(effective_on, measure, end):
    assert policy.term_end(effective_on, measure) == end


def test_a_term_ending_on_a_holiday_does_not_move_r_asset_02():
    assert policy.term_end(day(2025, 10, 1), "deposit") == day(2026, 10, 1)  # National Day


def test_a_freeze_of_exactly_one_year_is_allowed_and_a_day_more_refused_r_asset_02():
    start = day(2026, 3, 10)
    assert policy.check_term(start, day(2027, 3, 10), "deposit") == day(2027, 3, 10)
    with pytest.raises(RuleViolation) as caught:
        policy.check_term(start, day(2027, 3, 11), "deposit")
    assert caught.value.code == "TERM_TOO_LONG" and caught.value.field == "end_on"
    assert "March 10, 2027" in caught.value.message


def test_a_shorter_term_in_months_and_no_longer_than_the_maximum_r_asset_02():
    assert policy.term_end(day(2026, 1, 31), "deposit", months=6) == day(2026, 7, 31)
    assert policy.term_end(day(2026, 8, 31), "deposit", months=6) == day(2027, 2, 28)
    assert policy.term_end(day(2026, 1, 1), "movable", months=24) == day(2028, 1, 1)
    with pytest.raises(RuleViolation) as caught:
        policy.term_end(day(2026, 1, 1), "movable", months=25)
    assert caught.value.code == "TERM_TOO_LONG"


@pytest.mark.parametrize("months", [0, -1, True])
def test_a_bad_term_is_refused_r_asset_02(months):
    with pytest.raises(InvalidInput) as caught:
        policy.term_end(day(2026, 1, 1), "deposit", months=months)
    assert caught.value.code == "TERM_INVALID"


def test_an_end_before_the_start_and_an_unknown_kind_are_refused_r_asset_02():
    with pytest.raises(InvalidInput):
        policy.check_term(day(2026, 1, 1), day(2026, 1, 1), "deposit")
    with pytest.raises(InvalidInput) as caught:
        policy.term_end(day(2026, 1, 1), "painting")
    assert caught.value.code == "MEASURE_UNKNOWN"


def test_a_renewal_runs_on_from_the_current_end_for_at_most_the_maximum_r_asset_02():
    assert policy.renewal_end(day(2027, 3, 10), "deposit") == day(2028, 3, 10)
    assert policy.renewal_end(day(2029, 2, 28), "real_estate") == day(2032, 2, 28)
    with pytest.raises(RuleViolation):
        policy.renewal_end(day(2027, 3, 10), "deposit", months=13)


def test_renew_on_the_last_day_but_not_the_day_after_r_asset_02():
    policy.check_renewal(day(2027, 3, 10), day(2027, 3, 10))
    with pytest.raises(RuleViolation) as caught:
        policy.check_renewal(day(2027, 3, 10), day(2027, 3, 11))
    assert caught.value.code == "MEASURE_LAPSED"


def test_the_reminder_comes_30_days_before_configurable_r_asset_02():
    assert policy.remind_on(day(2027, 3, 10)) == day(2027, 2, 8)
    assert policy.remind_on(day(2027, 3, 10), days=60) == day(2027, 1, 9)
    assert policy.remind_on(day(2027, 3, 10), days=0) == day(2027, 3, 10)
    with pytest.raises(InvalidInput):
        policy.remind_on(day(2027, 3, 10), days=-1)


# --- R-ASSET-03: budget and check_freeze ----------------------------------------------------------------


def test_the_budget_is_what_is_owed_plus_costs_r_asset_03():
    found = policy.budget(D("49000.00"), D("1000.00"), D("20000.00"))
    assert (found.total, found.left, found.over) == (D("50000.00"), D("30000.00"), D("0.00"))
    assert policy.budget(D("100.00"), D("0.00"), D("150.00")).over == D("50.00")


@pytest.mark.parametrize("amount, allowed", [("29999.99", True), ("30000.00", True), ("30000.01", False)])
def test_a_freeze_is_sent_for_at_most_what_is_left_r_asset_03(amount, allowed):
    found = policy.budget(D("49000.00"), D("1000.00"), D("20000.00"))
    if allowed:
        assert policy.check_freeze(D(amount), found) == D(amount)
        return
    with pytest.raises(RuleViolation) as caught:
        policy.check_freeze(D(amount), found)
    error = caught.value
    assert error.code == "OVER_SEIZURE" and error.field == "amount"
    # The budget's figures: total, used, left.
    assert "50,000.00" in error.message and "20,000.00" in error.message and "30,000.00" in error.message
    assert error.params == {"total": "50000.00", "used": "20000.00", "left": "30000.00"}


def test_an_indivisible_item_above_what_is_left_needs_its_reason_r_asset_03():
    found = policy.budget(D("100000.00"), D("0.00"))
    with pytest.raises(RuleViolation):
        policy.check_freeze(D("900000.00"), found)
    reason = "the debtor's only flat, one property certificate"
    assert policy.check_freeze(D("900000.00"), found, indivisible_reason=reason) == D("900000.00")
    # Nothing is left: nothing more may be seized, whatever the reason.
    full = policy.budget(D("100000.00"), D("0.00"), D("100000.00"))
    with pytest.raises(RuleViolation):
        policy.check_freeze(D("900000.00"), full, indivisible_reason=reason)


@pytest.mark.parametrize(
    "amount, code", [("0.00", "AMOUNT_ZERO"), ("-5.00", "AMOUNT_NEGATIVE"), ("1.001", "AMOUNT_PRECISION")]
)
def test_bad_freeze_amounts_r_asset_03(amount, code):
    with pytest.raises(InvalidInput) as caught:
        policy.check_freeze(D(amount), policy.budget(D("100.00"), D("0.00")))
    assert caught.value.code == code


# --- R-ASSET-03: surplus_to_release ---------------------------------------------------------------------


def test_several_banks_confirming_at_once_release_the_latest_in_part_r_asset_03():
    measures = [
        Controlled(1, D("60000.00"), at(1)),
        Controlled(2, D("60000.00"), at(2)),
        Controlled(3, D("30000.00"), at(3)),
    ]
    decision = policy.surplus_to_release(D("100000.00"), measures)
    assert decision.releases == (Release(3, D("30000.00"), True), Release(2, D("20000.00"), False))
    assert decision.controlled_after == D("100000.00") and decision.kept == ()


def test_nothing_to_release_within_the_budget_r_asset_03():
    decision = policy.surplus_to_release(D("100.00"), [Controlled(1, D("100.00"), at(1))])
    assert decision.releases == () and decision.released == 0


def test_a_deduction_shrinks_the_budget_and_surplus_freezes_are_released_r_asset_03():
    # 100,000 owed and frozen; 40,000 deducted from the first freeze: 60,000 owed, 60,000 still frozen
    # in the first and 40,000 in the second → the second (latest) is released whole.
    measures = [
        Controlled(1, D("20000.00"), at(1)),
        Controlled(2, D("40000.00"), at(2)),
        Controlled(3, D("40000.00"), at(3)),
    ]
    decision = policy.surplus_to_release(D("60000.00"), measures)
    assert decision.releases == (Release(3, D("40000.00"), True),)


def test_an_indivisible_item_is_released_when_money_covers_the_budget_r_asset_03():
    # Earliest a 80,000 freeze, then a flat worth 500,000, latest a 50,000 freeze; budget 100,000.
    measures = [
        Controlled(1, D("80000.00"), at(1)),
        Controlled(2, D("500000.00"), at(2), "one flat"),
        Controlled(3, D("50000.00"), at(3)),
    ]
    decision = policy.surplus_to_release(D("100000.00"), measures)
    # The flat goes; of the money, the earliest freeze is kept whole and 20,000 of the latest.
    assert decision.releases == (Release(3, D("30000.00"), False), Release(2, D("500000.00"), True))
    assert decision.controlled_after == D("100000.00") and decision.kept == ()


def test_an_indivisible_item_stays_only_when_nothing_else_is_available_r_asset_03():
    measures = [
        Controlled(1, D("120000.00"), at(1), "one flat"),
        Controlled(2, D("150000.00"), at(2), "one shop"),
        Controlled(3, D("30000.00"), at(3)),
    ]
    decision = policy.surplus_to_release(D("100000.00"), measures)
    assert decision.releases == (Release(3, D("30000.00"), True), Release(2, D("150000.00"), True))
    assert [(kept.measure_id, kept.value) for kept in decision.kept] == [(1, D("120000.00"))]
    assert (
        decision.kept[0].reason.startswith("one flat;")
        and "nothing else is available" in decision.kept[0].reason
    )
    assert policy.over_seizure(D("100000.00"), measures) == D("180000.00")
    assert policy.over_seizure(D("100000.00"), [measures[0]]) == 0


def test_an_indivisible_item_that_fits_in_the_excess_is_released_whole_r_asset_03():
    measures = [Controlled(1, D("100000.00"), at(1)), Controlled(2, D("50000.00"), at(2), "one car")]
    decision = policy.surplus_to_release(D("100000.00"), measures)
    assert decision.releases == (Release(2, D("50000.00"), True),)


def test_same_confirmation_time_releases_the_higher_number_first_r_asset_03():
    measures = [Controlled(7, D("10.00"), at(1)), Controlled(8, D("10.00"), at(1))]
    assert policy.surplus_to_release(D("10.00"), measures).releases == (Release(8, D("10.00"), True),)


values = st.integers(1, 10**8).map(lambda fen: D(fen) / 100)
measures_strategy = st.lists(
    st.tuples(values, st.integers(0, 50), st.booleans()), min_size=0, max_size=10
).map(
    lambda rows: [
        Controlled(index + 1, value, at(offset), "indivisible" if indivisible else "")
        for index, (value, offset, indivisible) in enumerate(rows)
    ]
)


@settings(max_examples=500, deadline=None)
@given(measures=measures_strategy, total=st.integers(0, 10**8).map(lambda fen: D(fen) / 100))
def test_surplus_to_release_leaves_control_within_the_budget_r_asset_03(measures, total):
    decision = policy.surplus_to_release(total, measures)
    values_by_id = {measure.measure_id: measure for measure in measures}
    for release in decision.releases:
        measure = values_by_id[release.measure_id]
        assert D(0) < release.amount <= measure.value
        assert release.whole == (release.amount == measure.value)
        if not measure.divisible:
            assert release.whole  # an indivisible item is never released in part
    controlled = sum((measure.value for measure in measures), D(0))
    after = decision.controlled_after
    # Never below what is owed because of the release: release only surplus.
    assert after >= min(total, controlled)
    if not decision.kept:
        assert after == min(total, controlled)  # divisible property allowed it: exactly the budget
    else:
        # Above the budget only by kept indivisible items, each needed: the rest does not cover it.
        assert all(not values_by_id[kept.measure_id].divisible for kept in decision.kept)
        for kept in decision.kept:
            assert after - kept.value < total
        released_ids = {release.measure_id for release in decision.releases}
        assert all(
            values_by_id[i].measure_id in released_ids for i in values_by_id if values_by_id[i].divisible
        )


# --- R-ASSET-04: waiting lists --------------------------------------------------------------------------


def test_waiting_seizures_keep_the_order_of_registration_r_asset_04():
    seizures = [Waiting(5, at(3)), Waiting(2, at(1)), Waiting(9, at(2)), Waiting(4, at(1))]
    assert policy.waiting_order(seizures) == [2, 4, 9, 5]


def test_the_first_waiting_seizure_takes_effect_when_the_earlier_is_released_r_asset_04():
    promotion = policy.promote([Waiting(9, at(2)), Waiting(4, at(1))], day(2026, 6, 1), "real_estate")
    assert promotion == policy.Promotion(4, day(2026, 6, 1), day(2029, 6, 1), (9,))
    assert policy.promote([], day(2026, 6, 1), "real_estate") is None


def test_after_a_lapse_the_next_takes_effect_the_day_after_the_last_day_r_asset_04():
    freed = policy.freed_on_lapse(day(2027, 3, 10))
    assert freed == day(2027, 3, 11)
    assert policy.promote([Waiting(1, at(0))], freed, "vehicle").end_on == day(2029, 3, 11)


# --- R-ASSET-05: re-inquiry after 终本 ----------------------------------------------------------------------


def test_every_six_months_for_five_years_r_asset_05():
    dates = policy.reinquiry_dates(day(2026, 8, 31))
    assert len(dates) == 10
    assert dates[:3] == [day(2027, 2, 28), day(2027, 8, 31), day(2028, 2, 29)]
    assert dates[-1] == day(2031, 8, 31)


def test_the_next_re_inquiry_and_the_end_of_five_years_r_asset_05():
    closed = day(2026, 1, 15)
    assert policy.next_reinquiry(closed, closed) == day(2026, 7, 15)
    assert policy.next_reinquiry(closed, day(2026, 7, 15)) == day(2027, 1, 15)
    assert policy.next_reinquiry(closed, day(2030, 12, 1)) == day(2031, 1, 15)
    assert policy.next_reinquiry(closed, day(2031, 1, 15)) is None
    assert policy.reinquiry_dates(closed, every_months=3, years=1) == [
        day(2026, 4, 15), day(2026, 7, 15), day(2026, 10, 15), day(2027, 1, 15)
    ]  # fmt: skip
