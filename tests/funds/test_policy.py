"""Pure fund rules from DOMAIN.md §2 and §4a: R-MONEY-02 doubled interest, R-FUND-03 order of application
(the application fee first), R-FUND-04 surplus, R-FUND-01 / R-FUND-02 clocks (R-TIME-01 working days)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcelink.core.errors import InvalidInput
from enforcelink.funds import policy
from enforcelink.funds.policy import Obligation, Payment, apply_payments

D = Decimal
day = dt.date

pytestmark = pytest.mark.usefixtures("english")


# --- R-MONEY-02: doubled_interest ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "base, start, end, expected",
    [
        # Paid on the last day of the performance period (start is the day after): no delay.
        ("100000.00", day(2024, 1, 11), day(2024, 1, 10), "0.00"),
        # Paid on the first day of delay: one day, counted.
        ("100000.00", day(2024, 1, 11), day(2024, 1, 11), "17.50"),
        ("100000.00", day(2024, 1, 11), day(2024, 2, 9), "525.00"),  # 30 days
        ("100000.00", day(2024, 1, 11), day(2025, 1, 10), "6405.00"),  # 366 days (2024 is a leap year)
        # Rounded half up to the fen once: 100 × 0.000175 × 30 = 0.525.
        ("100.00", day(2024, 1, 1), day(2024, 1, 30), "0.53"),
        ("1.00", day(2024, 1, 1), day(2024, 1, 1), "0.00"),
        ("0.00", day(2024, 1, 1), day(2024, 12, 31), "0.00"),
        ("49999.99", day(2024, 1, 1), day(2024, 1, 1), "8.75"),
        ("50000.00", day(2024, 1, 1), day(2024, 1, 1), "8.75"),
    ],
)
def test_doubled_interest_r_money_02(base, start, end, expected):
    assert policy.doubled_interest(D(base), start, end) == D(expected)


@pytest.mark.parametrize(
    "base, code", [("-0.01", "AMOUNT_NEGATIVE"), ("1.234", "AMOUNT_PRECISION"), ("abc", "AMOUNT_INVALID")]
)
def test_doubled_interest_refuses_bad_amounts_r_money_02(base, code):
    with pytest.raises(InvalidInput) as caught:
        policy.doubled_interest(base, day(2024, 1, 1), day(2024, 2, 1))
    assert caught.value.code == code and caught.value.field == "base"


def test_doubled_interest_refuses_a_float_r_money_01():
    with pytest.raises(InvalidInput) as caught:
        policy.doubled_interest(100.0, day(2024, 1, 1), day(2024, 2, 1))  # type: ignore[arg-type]
    assert caught.value.code == "AMOUNT_INVALID"


@pytest.mark.parametrize(
    "due_on, first_day_of_delay",
    [
        (day(2024, 1, 10), day(2024, 1, 11)),  # a Wednesday
        (day(2024, 1, 13), day(2024, 1, 16)),  # a Saturday: the period ends on Monday the 15th
        (day(2024, 10, 1), day(2024, 10, 9)),  # National Day: the period ends on 8 October
        (day(2024, 9, 29), day(2024, 9, 30)),  # a Sunday worked in exchange (调休): a working day
    ],
)
def test_delay_starts_the_day_after_the_period_ends_r_money_02_r_time_01(due_on, first_day_of_delay):
    assert policy.delay_start(due_on) == first_day_of_delay


# --- R-FUND-03 / R-MONEY-02: apply_payments -----------------------------------------------------------


PERIOD_ENDS = day(2024, 1, 10)  # a Wednesday: doubled interest from 11 January


def standing(obligation, payments, on, *, due_on=PERIOD_ENDS):
    delay_from = policy.delay_start(due_on) if due_on else None
    return apply_payments(obligation, delay_from, [Payment(when, D(amount)) for when, amount in payments], on)


def test_paid_in_full_on_the_last_day_of_the_period_owes_no_doubled_interest_r_money_02():
    result = standing(Obligation(D("100000.00")), [(day(2024, 1, 10), "100000.00")], day(2024, 3, 1))
    assert result.doubled_interest.owed == 0 and result.met and result.outstanding == 0


def test_paid_in_full_the_day_after_owes_one_day_of_doubled_interest_r_money_02():
    result = standing(Obligation(D("100000.00")), [(day(2024, 1, 11), "100000.00")], day(2024, 3, 1))
    assert result.principal.outstanding == 0
    assert result.doubled_interest == policy.Bucket(D("17.50"), D("0.00"))
    assert result.outstanding == D("17.50") and not result.met


def test_payments_follow_civil_code_561_order_r_fund_03():
    obligation = Obligation(principal=D("10000.00"), interest=D("2000.00"), costs=D("1000.00"))
    result = standing(obligation, [(day(2024, 1, 5), "2500.00")], day(2024, 1, 10))
    assert result.costs == policy.Bucket(D("1000.00"), D("1000.00"))
    assert result.interest == policy.Bucket(D("2000.00"), D("1500.00"))
    assert result.principal == policy.Bucket(D("10000.00"), D("0.00"))
    assert result.outstanding == D("10500.00")


def test_a_payment_lowers_the_accrual_from_the_next_day_on_r_money_02():
    # 11–20 January on 100,000 (10 days: 175.00); 21–30 January on 50,000 (10 days: 87.50).
    result = standing(Obligation(D("100000.00")), [(day(2024, 1, 20), "50000.00")], day(2024, 1, 30))
    assert result.doubled_interest.owed == D("262.50")
    assert result.outstanding == D("50262.50")


def test_doubled_interest_does_not_accrue_on_general_interest_r_money_02():
    result = standing(Obligation(principal=D("10000.00"), interest=D("5000.00")), [], day(2024, 4, 19))
    assert result.doubled_interest.owed == D("175.00")  # 100 days on 10,000, not on 15,000


def test_doubled_interest_accrues_on_costs_fixed_by_the_basis_r_money_02():
    result = standing(Obligation(principal=D("10000.00"), costs=D("2000.00")), [], day(2024, 4, 19))
    assert result.doubled_interest.owed == D("210.00")  # 100 days on 12,000


def test_doubled_interest_is_paid_last_then_surplus_r_money_02_r_fund_04():
    obligation = Obligation(D("10000.00"))
    first = standing(obligation, [(day(2024, 4, 19), "10100.00")], day(2024, 6, 1))
    # 100 days on 10,000 = 175.00; nothing accrues once the principal is paid.
    assert first.principal.outstanding == 0
    assert first.doubled_interest == policy.Bucket(D("175.00"), D("100.00"))
    assert first.outstanding == D("75.00") and first.surplus == 0
    both = standing(obligation, [(day(2024, 4, 19), "10100.00"), (day(2024, 5, 2), "80.00")], day(2024, 6, 1))
    assert both.met and both.doubled_interest.outstanding == 0 and both.surplus == D("5.00")


@pytest.mark.parametrize(
    "paid, outstanding, surplus, met",
    [
        ("49999.99", "0.01", "0.00", False),
        ("50000.00", "0.00", "0.00", True),
        ("50000.01", "0.00", "0.01", True),
    ],
)
def test_boundary_of_paying_the_obligation_r_fund_04(paid, outstanding, surplus, met):
    result = standing(Obligation(D("50000.00")), [(day(2024, 1, 9), paid)], day(2024, 1, 10))
    assert (result.outstanding, result.surplus, result.met) == (D(outstanding), D(surplus), met)


def test_rounded_once_at_the_end_not_per_period_r_money_02():
    # A payment to general interest splits the accrual in two periods of 0.0035 each (20 × 0.000175):
    # rounded per period 0.00 + 0.00, rounded once 0.007 → 0.01.
    obligation = Obligation(principal=D("20.00"), interest=D("1.00"))
    result = standing(obligation, [(day(2024, 1, 11), "0.50")], day(2024, 1, 12))
    assert result.doubled_interest.owed == D("0.01")


def test_without_the_end_of_the_performance_period_no_doubled_interest_is_computed_r_money_02():
    result = standing(Obligation(D("100000.00")), [], day(2025, 1, 1), due_on=None)
    assert result.doubled_interest.owed == 0 and not result.doubled_interest_computed
    assert "not computed" in result.trace[0]
    assert "without doubled interest" in result.trace[-1]


def test_a_payment_before_the_basis_took_effect_counts_one_after_the_day_does_not_r_fund_03():
    obligation = Obligation(D("1000.00"))
    result = standing(
        obligation, [(day(2023, 6, 1), "300.00"), (day(2024, 1, 11), "700.00")], day(2024, 1, 10)
    )
    assert result.principal.paid == D("300.00") and result.outstanding == D("700.00")
    assert [payment.amount for payment in result.not_counted] == [D("700.00")]
    assert any("not counted" in line for line in result.trace)


def test_the_trace_reads_each_period_and_payment_r_money_02_r_time_02():
    obligation = Obligation(principal=D("100000.00"), costs=D("1000.00"))
    result = apply_payments(
        obligation,
        day(2024, 1, 11),
        [Payment(day(2024, 1, 20), D("51000.00"), "BANK-1")],
        day(2024, 1, 30),
    )
    text = "\n".join(result.trace)
    assert "0.0175%" in text
    assert "10 days on 101,000.00 yuan unpaid: 176.75 yuan doubled interest" in text
    assert "(BANK-1)" in text and "1,000.00 yuan to costs" in text and "50,000.00 yuan to principal" in text
    assert "10 days on 50,000.00 yuan unpaid: 87.50 yuan doubled interest" in text
    assert result.trace[-1].startswith("Owed on") and "50,264.25 yuan" in result.trace[-1]


@pytest.mark.parametrize(
    "payments, code, field",
    [
        ([(day(2024, 1, 1), "-1.00")], "AMOUNT_NEGATIVE", "amount"),
        ([(day(2024, 1, 1), "1.005")], "AMOUNT_PRECISION", "amount"),
        ([(day(2024, 1, 1), "0.00")], "AMOUNT_ZERO", "amount"),
    ],
)
def test_bad_payments_are_refused_r_fund_03(payments, code, field):
    with pytest.raises(InvalidInput) as caught:
        standing(Obligation(D("100.00")), payments, day(2024, 2, 1))
    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize(
    "obligation, field",
    [
        (Obligation(D("-1.00")), "principal"),
        (Obligation(D("1.00"), interest=D("0.001")), "interest"),
        (Obligation(D("1.00"), costs=D("-0.01")), "costs"),
    ],
)
def test_a_bad_obligation_is_refused_r_money_01(obligation, field):
    with pytest.raises(InvalidInput) as caught:
        apply_payments(obligation, None, [], day(2024, 1, 1))
    assert caught.value.field == field


# --- the application fee (申请执行费): R-FUND-03, R-FUND-04, R-ASSET-03 ----------------------------------


@pytest.mark.parametrize(
    "amount, fee",
    [
        ("0.00", "0.00"),
        ("0.01", "50.00"),
        ("10000.00", "50.00"),
        ("10000.33", "50.00"),  # 1.5% of 0.33 = 0.00495: half up to the fen is 0.00
        ("10000.34", "50.01"),  # 0.0051 → 0.01
        ("120000.00", "1700.00"),  # 50 + 1.5% × 110,000
        ("500000.00", "7400.00"),
        ("500000.01", "7400.00"),  # 1% of 0.01
        ("5000000.00", "52400.00"),
        ("10000000.00", "77400.00"),
        ("20000000.00", "87400.00"),
    ],
)
def test_the_application_fee_by_the_scale_r_fund_03(amount, fee):
    """诉讼费用交纳办法 Art.14(1): 50 up to 10,000, then 1.5% / 1% / 0.5% / 0.1% by bands."""
    assert policy.enforcement_fee(D(amount)) == D(fee)


@pytest.mark.parametrize(
    "decided, owed",
    [(None, "1700.00"), ("0", "0.00"), ("850.00", "850.00"), ("1700.00", "1700.00"), ("1700.01", "1700.00")],
)
def test_the_fee_owed_is_the_scales_or_the_courts_never_above_the_scale_r_fund_03(decided, owed):
    assert policy.fee_owed(D("120000.00"), D(decided) if decided is not None else None) == D(owed)


def test_the_fee_owed_refuses_a_bad_decision_r_money_01():
    with pytest.raises(InvalidInput) as caught:
        policy.fee_owed(D("120000.00"), D("1.001"))
    assert caught.value.code == "AMOUNT_PRECISION" and caught.value.field == "fee"


def test_the_application_fee_is_paid_first_r_fund_03():
    """Civil Code Art.561: the costs of realising the claim first — the court's fee before the costs,
    interest and principal the basis fixed."""
    obligation = Obligation(
        principal=D("10000.00"), interest=D("2000.00"), costs=D("1000.00"), fee=D("245.00")
    )
    result = standing(obligation, [(day(2024, 1, 5), "1500.00")], day(2024, 1, 10))
    assert result.fee == policy.Bucket(D("245.00"), D("245.00"))
    assert result.costs == policy.Bucket(D("1000.00"), D("1000.00"))
    assert result.interest == policy.Bucket(D("2000.00"), D("255.00"))
    assert result.outstanding == D("11745.00")
    assert "245.00 yuan to the application fee" in "\n".join(result.trace)


@pytest.mark.parametrize(
    "paid, outstanding, surplus, met",
    [
        ("10049.99", "0.01", "0.00", False),
        ("10050.00", "0.00", "0.00", True),
        ("10050.01", "0.00", "0.01", True),
    ],
)
def test_the_obligation_is_met_only_with_the_fee_paid_and_surplus_is_beyond_it_r_fund_04(
    paid, outstanding, surplus, met
):
    result = standing(Obligation(D("10000.00"), fee=D("50.00")), [(day(2024, 1, 9), paid)], day(2024, 1, 10))
    assert (result.outstanding, result.surplus, result.met) == (D(outstanding), D(surplus), met)


def test_no_doubled_interest_accrues_on_the_fee_r_money_02():
    """法释〔2014〕8号 Art.1: the money obligation the basis fixed; the court's fee is none of it."""
    with_fee = standing(Obligation(D("10000.00"), fee=D("50.00")), [], day(2024, 4, 19))
    assert with_fee.doubled_interest.owed == D("175.00")  # 100 days on 10,000, not on 10,050
    # the fee paid first leaves the principal, and so the accrual, as it was
    paid = standing(
        Obligation(D("10000.00"), fee=D("50.00")), [(day(2024, 1, 11), "50.00")], day(2024, 4, 19)
    )
    assert paid.doubled_interest.owed == D("175.00") and paid.fee.outstanding == 0


def test_the_trace_says_where_the_fee_comes_from_r_fund_03_r_time_02():
    fixed = Obligation(D("120000.00"), fee=D("1700.00"))
    line = apply_payments(fixed, None, [], day(2024, 1, 1)).trace[1]
    assert "Application fee for enforcement on the 120,000.00 yuan the basis fixed: 1,700.00 yuan" in line
    reduced = Obligation(D("120000.00"), fee=D("850.00"), fee_decided=True)
    line = apply_payments(reduced, None, [], day(2024, 1, 1)).trace[1]
    assert "as the court decided: 850.00 yuan (the scale gives 1,700.00 yuan)" in line
    waived = Obligation(D("120000.00"), fee=D("0.00"), fee_decided=True)
    assert "waived by the court" in apply_payments(waived, None, [], day(2024, 1, 1)).trace[1]
    assert not any(
        "fee" in line for line in apply_payments(Obligation(D("1.00")), None, [], day(2024, 1, 1)).trace
    )


def test_the_fee_paid_by_imported_history_is_not_held_r_fund_03():
    """Imported history (received and paid on in the old system) pays the fee first like any money,
    but none of it is in the case's account: the court's share held there is what held money paid."""
    obligation = Obligation(D("10000.00"), fee=D("50.00"))
    history = Payment(day(2024, 1, 1), D("30.00"), held=False)
    later = Payment(day(2024, 2, 1), D("100.00"))
    result = apply_payments(obligation, None, [history, later], day(2024, 3, 1))
    assert result.fee.paid == D("50.00") and result.fee_paid_unheld == D("30.00")
    assert result.fee_paid_held == D("20.00")


def test_a_bad_fee_is_refused_r_money_01():
    with pytest.raises(InvalidInput) as caught:
        apply_payments(Obligation(D("1.00"), fee=D("-0.01")), None, [], day(2024, 1, 1))
    assert caught.value.field == "fee"


# --- R-FUND-01 / R-FUND-02 clocks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "arrived, due",
    [
        (day(2024, 1, 8), day(2024, 1, 11)),  # Monday → Thursday
        (day(2024, 1, 11), day(2024, 1, 16)),  # Thursday → Tuesday over the weekend
        # Friday before National Day: Sunday 29 September is worked (调休), then 30 September, then 8 October.
        (day(2024, 9, 27), day(2024, 10, 8)),
    ],
)
def test_unidentified_money_is_identified_within_3_working_days_r_fund_01_r_time_01(arrived, due):
    deadline = policy.identify_by(arrived)
    assert deadline.due == due
    assert deadline.trace["rule_id"] == "R-FUND-01"
    assert deadline.trace["period"] == {"amount": 3, "unit": "working_days"}


def test_identification_period_is_configurable_r_fund_01():
    deadline = policy.identify_by(day(2024, 1, 8), amount=5)
    assert deadline.due == day(2024, 1, 15) and deadline.trace["period"]["amount"] == 5


@pytest.mark.parametrize(
    "arrived, due",
    [
        (day(2024, 1, 1), day(2024, 1, 31)),
        (day(2024, 9, 1), day(2024, 10, 8)),  # 1 October is National Day: the next working day
    ],
)
def test_money_is_paid_out_within_30_days_r_fund_02(arrived, due):
    deadline = policy.pay_out_by(arrived)
    assert deadline.due == due and deadline.trace["rule_id"] == "R-FUND-02"


def test_local_rules_tighten_the_pay_out_period_r_fund_02():
    deadline = policy.pay_out_by(day(2024, 1, 5), amount=10, unit="working_days")
    assert deadline.due == day(2024, 1, 19)
    assert deadline.trace["period"] == {"amount": 10, "unit": "working_days"}


@pytest.mark.parametrize(
    "amount, unit, code", [(0, "days", "PERIOD_INVALID"), (3, "months", "PERIOD_UNIT_INVALID")]
)
def test_bad_periods_are_refused_r_fund_01_r_fund_02(amount, unit, code):
    for rule in (policy.identify_by, policy.pay_out_by):
        with pytest.raises(InvalidInput) as caught:
            rule(day(2024, 1, 1), amount=amount, unit=unit)
        assert caught.value.code == code


# --- properties (R-FUND-03, R-MONEY-02, R-FUND-04) ----------------------------------------------------

amounts = st.integers(0, 10**9).map(lambda fen: D(fen) / 100)
positive = st.integers(1, 10**9).map(lambda fen: D(fen) / 100)
dates = st.dates(min_value=day(2021, 1, 1), max_value=day(2025, 12, 31))
obligations = st.builds(Obligation, principal=amounts, interest=amounts, costs=amounts, fee=amounts)
payments = st.lists(st.builds(Payment, on=dates, amount=positive, held=st.booleans()), max_size=8)


@settings(max_examples=300, deadline=None)
@given(obligation=obligations, delay_from=st.none() | dates, receipts=payments, on=dates)
def test_no_bucket_goes_negative_and_every_yuan_is_accounted_for_r_fund_03(
    obligation, delay_from, receipts, on
):
    result = apply_payments(obligation, delay_from, receipts, on)
    for bucket in result.buckets.values():
        assert bucket.paid >= 0 and bucket.outstanding >= 0
    counted = sum((payment.amount for payment in receipts if payment.on <= on), D(0))
    assert result.paid + result.surplus == counted
    assert result.surplus == 0 or result.met  # R-FUND-04: surplus only beyond everything owed, the fee too
    assert result.fee.paid == min(result.fee.owed, counted)  # the fee first (R-FUND-03)
    assert 0 <= result.fee_paid_held <= result.fee.paid


@settings(max_examples=300, deadline=None)
@given(obligation=obligations, delay_from=dates, receipts=payments, on=dates, later=st.integers(0, 800))
def test_doubled_interest_is_monotone_in_time_r_money_02(obligation, delay_from, receipts, on, later):
    sooner = apply_payments(obligation, delay_from, receipts, on)
    afterwards = apply_payments(obligation, delay_from, receipts, on + dt.timedelta(days=later))
    assert sooner.doubled_interest.owed <= afterwards.doubled_interest.owed


@settings(max_examples=300, deadline=None)
@given(principal=amounts, costs=amounts, interest=amounts, fee=amounts, delay_from=dates, on=dates)
def test_doubled_interest_never_accrues_on_general_interest_r_money_02(
    principal, costs, interest, fee, delay_from, on
):
    """Nor on the application fee, which the basis did not fix."""
    result = apply_payments(Obligation(principal, interest, costs, fee), delay_from, [], on)
    assert result.doubled_interest.owed == policy.doubled_interest(principal + costs, delay_from, on)
    only_interest = apply_payments(Obligation(D("0.00"), interest), delay_from, [], on)
    assert only_interest.doubled_interest.owed == 0


@settings(max_examples=300, deadline=None)
@given(obligation=obligations, delay_from=dates, receipts=payments, on=dates)
def test_payments_only_lower_the_doubled_interest_r_money_02(obligation, delay_from, receipts, on):
    unpaid = apply_payments(obligation, delay_from, [], on)
    paid = apply_payments(obligation, delay_from, receipts, on)
    assert paid.doubled_interest.owed <= unpaid.doubled_interest.owed
