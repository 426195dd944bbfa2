"""Pure rules: transitions, the SLA clock with its pause, and the shape of results."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enforcelink.core.calendar import is_working_day
from enforcelink.core.errors import DomainError
from enforcelink.linkage import policy


def test_every_default_list_names_real_request_types_and_unit_types():
    from enforcelink.linkage.models import RequestType
    from enforcelink.orgs.models import UnitType

    assert set(policy.DEFAULT_LISTS) <= set(UnitType.values)
    for entries in policy.DEFAULT_LISTS.values():
        assert set(entries) <= set(RequestType.values)
    # R-ASSET-01: every property kind of the network inquiry is on some unit's list.
    inquiries = {
        kind for entries in policy.DEFAULT_LISTS.values() for kind in entries if kind.startswith("inquire_")
    }
    assert {"inquire_deposits", "inquire_real_estate", "inquire_vehicles", "inquire_equity",
            "inquire_housing_fund", "inquire_social_insurance", "inquire_tax", "inquire_exit_entry"} <= inquiries  # fmt: skip


def test_every_request_type_can_be_sent_to_someone_and_every_unit_type_has_a_list():
    """R-ASSET-01: securities and ships too (the securities depository, the maritime authority)."""
    from enforcelink.linkage.models import RequestType
    from enforcelink.orgs.models import UnitType

    listed = {kind for entries in policy.DEFAULT_LISTS.values() for kind in entries}
    assert set(RequestType.values) - listed == set()
    assert set(UnitType.values) - set(policy.DEFAULT_LISTS) == set()
    assert all(policy.DEFAULT_LISTS.values())
    assert "inquire_securities" in policy.DEFAULT_LISTS["securities"]
    assert "inquire_ships" in policy.DEFAULT_LISTS["maritime"]


def test_every_request_type_has_a_structured_result():
    """Issue 4 §1: no type falls back to a free-text outcome."""
    from enforcelink.linkage.models import RequestType

    assert set(RequestType.values) <= set(policy.RESULT_FIELDS)
    for request_type in RequestType.values:
        assert policy.result_fields(request_type) != policy.GENERIC_RESULT
        names = [spec.name for spec in policy.result_fields(request_type)]
        assert "reason" not in names and len(names) == len(set(names))  # `reason` is the reply's own
        for flag, _value, needed in policy.REQUIRED_WHEN.get(request_type, ()):
            assert {flag, *needed} <= set(names)


@pytest.mark.parametrize(
    ("request_type", "result"),
    [
        ("price_inquiry", {"price": "385000.00", "basis": "同地段近三个月成交均价", "valid_until": "2026-12-31",
                           "valuer": "綦江区价格认证中心"}),
        ("serve_documents", {"served": True, "served_on": "2026-11-30", "method": "留置送达",
                             "recipient": "受送达人之妻"}),
        ("serve_documents", {"served": False, "failure_reason": "查无此人"}),
        ("detain_vehicle", {"vehicle_found": True, "detained": True, "plate": "渝B·12345", "kept_at": "停车场",
                            "detained_on": "2026-11-30"}),
        ("detain_vehicle", {"vehicle_found": False, "detained": False, "plate": "渝B·12345"}),
        ("temporary_control", {"control_placed": True, "controlled_until": "2027-05-31",
                               "sightings_via": "住宿登记预警"}),
        ("assist_detention", {"carried_out": True, "delivered_to": "綦江区拘留所", "carried_out_on": "2026-11-30"}),
        ("assist_detention", {"carried_out": False, "failure_reason": "被执行人不在住所"}),
        ("exit_restriction", {"recorded": True, "effective_on": "2026-12-01", "border_reference": "边控2026第12号"}),
        ("official_notification", {"notified_body": "区纪委监委", "notified_on": "2026-11-30", "reference": "綦纪函12号",
                                   "response": "已约谈"}),
        ("joint_punishment", {"platform": "信用中国（重庆）", "record_id": "CQ2026001", "pushed_on": "2026-12-01"}),
    ],
)  # fmt: skip
def test_the_structured_results_of_measures_and_notices(request_type, result):
    cleaned = policy.clean_result(request_type, result)
    assert cleaned == result
    policy.check_result_against(request_type, cleaned, {}, dt.date(2026, 12, 1))


@pytest.mark.parametrize(
    ("request_type", "result", "field"),
    [
        ("price_inquiry", {"basis": "x", "valid_until": "2026-12-31", "valuer": "x"}, "result.price"),
        ("price_inquiry", {"price": "0", "basis": "x", "valid_until": "2026-12-31", "valuer": "x"}, "result.price"),
        ("price_inquiry", {"price": 1.5, "basis": "x", "valid_until": "2026-12-31", "valuer": "x"}, "result.price"),
        ("price_inquiry", {"outcome": "已询价"}, "result.outcome"),  # the old free text is refused
        ("serve_documents", {"served": True, "served_on": "2026-11-30", "method": "直接送达"}, "result.recipient"),
        ("serve_documents", {"served": False}, "result.failure_reason"),
        ("serve_documents", {"served": "是"}, "result.served"),
        ("detain_vehicle", {"vehicle_found": True, "detained": True, "plate": "渝B·1"}, "result.kept_at"),
        ("detain_vehicle", {"vehicle_found": False, "detained": True, "plate": "渝B·1", "kept_at": "x",
                            "detained_on": "2026-11-30"}, "result.detained"),
        ("detain_vehicle", {"vehicle_found": False, "detained": False}, "result.plate"),
        ("temporary_control", {"control_placed": True}, "result.controlled_until"),
        ("temporary_control", {"control_placed": False}, "result.failure_reason"),
        ("assist_detention", {"carried_out": True, "delivered_to": "拘留所"}, "result.carried_out_on"),
        ("exit_restriction", {"recorded": True, "effective_on": "2026-12-01"}, "result.border_reference"),
        ("exit_restriction", {"recorded": False}, "result.failure_reason"),
        ("official_notification", {"notified_body": "区纪委监委", "notified_on": "30/11/2026"}, "result.notified_on"),
        ("joint_punishment", {"platform": "信用中国", "pushed_on": "2026-12-01"}, "result.record_id"),
    ],
)  # fmt: skip
def test_a_structured_result_says_what_is_missing_or_wrong(request_type, result, field):
    with pytest.raises(DomainError) as caught:
        policy.clean_result(request_type, result)
    assert caught.value.code == "RESULT_INVALID" and caught.value.field == field


@pytest.mark.parametrize(
    ("request_type", "result", "field"),
    [
        ("serve_documents", {"served": True, "served_on": "2026-12-02", "method": "x", "recipient": "x"},
         "result.served_on"),
        ("joint_punishment", {"platform": "x", "record_id": "1", "pushed_on": "2027-01-01"}, "result.pushed_on"),
        ("price_inquiry", {"price": "1.00", "basis": "x", "valid_until": "2026-11-30", "valuer": "x"},
         "result.valid_until"),
        ("temporary_control", {"control_placed": True, "controlled_until": "2026-11-01"}, "result.controlled_until"),
        ("release", {"released_on": "2026-12-02"}, "result.released_on"),
    ],
)  # fmt: skip
def test_dates_must_fit_the_day_of_the_answer(request_type, result, field):
    """Something done is not dated after the answer; a price or a control that has already ended is
    not an answer."""
    cleaned = policy.clean_result(request_type, result)
    with pytest.raises(DomainError) as caught:
        policy.check_result_against(request_type, cleaned, {}, dt.date(2026, 12, 1))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("status", "transition", "target"),
    [("draft", "submit", "sent"), ("sent", "acknowledge", "acknowledged"), ("acknowledged", "complete", "completed"),
     ("in_progress", "return", "returned"), ("returned", "resend", "sent"), ("pending_approval", "refuse", "draft")],
)  # fmt: skip
def test_allowed_transitions(status, transition, target):
    assert policy.next_status(status, transition) == target


@pytest.mark.parametrize(
    ("status", "transition"),
    [("cancelled", "complete"), ("completed", "complete"), ("draft", "acknowledge"), ("returned", "complete"),
     ("rejected", "resend"), ("pending_approval", "acknowledge")],
)  # fmt: skip
def test_refused_transitions_are_coded(status, transition):
    with pytest.raises(DomainError) as caught:
        policy.next_status(status, transition)
    assert caught.value.code == "REQUEST_STATE"


def test_working_day_sla_skips_the_weekend():
    """R-TIME-01: sent Friday 2026-11-27 with 3 working days → Wednesday 2026-12-02."""
    assert policy.due_date(dt.date(2026, 11, 27), 3, "working_days").due == dt.date(2026, 12, 2)


def test_same_day_sla_on_a_holiday_moves_to_the_next_working_day():
    due = policy.due_date(dt.date(2026, 11, 29), 0, "working_days")  # a Sunday
    assert due.due == dt.date(2026, 11, 30) and due.trace["rule_id"] == "R-TIME-01"


@given(st.dates(dt.date(2021, 1, 1), dt.date(2026, 11, 30)), st.integers(0, 15), st.integers(0, 30))
def test_pausing_never_brings_the_deadline_forward(sent, amount, paused):
    plain = policy.due_date(sent, amount, "working_days").due
    later = policy.due_date(sent, amount, "working_days", paused_days=paused)
    assert later.due >= plain and is_working_day(later.due)
    assert later.trace.get("paused_working_days", 0) == paused  # R-TIME-02: the pause is in the trace


def test_a_deposit_inquiry_result_is_checked_field_by_field():
    good = {
        "found": True,
        "accounts": [{"institution": "綦江农商银行", "account": "6217000012345678", "balance": "1234.50"}],
    }
    assert policy.clean_result("inquire_deposits", good)["accounts"][0]["balance"] == "1234.50"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"accounts": []}, "result.found"),
        ({"found": "yes", "accounts": []}, "result.found"),
        (
            {"found": True, "accounts": [{"institution": "x", "account": "1", "balance": 1.5}]},
            "result.accounts.0.balance",
        ),
        (
            {"found": True, "accounts": [{"institution": "x", "account": "1", "balance": "1.234"}]},
            "result.accounts.0.balance",
        ),
        ({"found": True, "accounts": [], "colour": "red"}, "result.colour"),
        ([], "result"),
    ],
)
def test_a_result_of_the_wrong_shape_names_the_field(payload, field):
    with pytest.raises(DomainError) as caught:
        policy.clean_result("inquire_deposits", payload)
    assert caught.value.field == field


def test_returned_days_count_from_the_return_to_the_resending():
    assert policy.paused_between(dt.date(2026, 3, 1), dt.date(2026, 3, 4)) == 3
    assert policy.paused_between(dt.date(2026, 3, 4), dt.date(2026, 3, 4)) == 0


def test_a_working_day_sla_gets_back_working_days_not_calendar_days():
    """Returned on Friday 2026-03-06, re-sent on Monday 03-09: one working day lost, not three."""
    assert policy.paused_between(dt.date(2026, 3, 6), dt.date(2026, 3, 9), "working_days") == 1
    # Across the National Day holiday (10-01 to 10-08) from 09-30 to 10-09 only 10-09 is a working day.
    assert policy.paused_between(dt.date(2025, 9, 30), dt.date(2025, 10, 9), "working_days") == 1
    sent = dt.date(2026, 3, 2)  # Monday; 3 working days → Thursday 03-05; one day paused → Friday
    assert policy.due_date(sent, 3, "working_days", paused_days=1).due == dt.date(2026, 3, 6)


@pytest.mark.parametrize(
    ("request_type", "result", "field"),
    [("deduct", {"deducted_amount": "999999.00", "transfer_reference": "x"}, "result.deducted_amount"),
     ("freeze", {"frozen_amount": "100.00", "frozen_until": "2099-01-01", "account": "1"}, "result.frozen_until"),
     # A freeze or seizure that has already run out is no freeze: the term must still be running.
     ("freeze", {"frozen_amount": "100.00", "frozen_until": "2020-01-01", "account": "1"}, "result.frozen_until"),
     ("renew_seizure", {"seized_until": "2020-01-01"}, "result.seized_until")],
)  # fmt: skip
def test_results_must_fit_what_was_asked(request_type, result, field):
    """R-ASSET-03 no more than asked; R-ASSET-02 no longer than the legal term."""
    with pytest.raises(DomainError) as caught:
        policy.check_result_against(request_type, result, {"amount": "100.00"}, dt.date(2026, 12, 1))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("request_type", "term", "until", "allowed"),
    [("freeze", None, "2027-12-01", True), ("freeze", None, "2027-12-02", False),  # a deposit's year
     ("freeze", "property_right", "2029-12-01", True), ("freeze", "property_right", "2029-12-02", False),
     ("seize", "movable", "2028-12-01", True), ("seize", "movable", "2028-12-02", False),
     ("seize", None, "2029-12-01", True), ("freeze", "nonsense", "2027-12-02", False)],
)  # fmt: skip
def test_a_term_is_held_to_the_legal_maximum_of_what_is_frozen_in_calendar_years(
    request_type, term, until, allowed
):
    """R-ASSET-02 (民诉解释 Art.485) in calendar years from the day of effect, not counted (R-TIME-01):
    the notice's term class (`details["term"]`, from what assets froze) decides, not the request type."""
    field = "frozen_until" if request_type == "freeze" else "seized_until"
    result = {field: until, **({"frozen_amount": "1.00", "account": "1"} if request_type == "freeze" else {})}
    details = {"amount": "1.00", **({"term": term} if term else {})}
    if allowed:
        policy.check_result_against(request_type, result, details, dt.date(2026, 12, 1))
    else:
        with pytest.raises(DomainError) as caught:
            policy.check_result_against(request_type, result, details, dt.date(2026, 12, 1))
        assert caught.value.field == f"result.{field}"


def test_wilson_interval_is_wide_for_few_and_narrow_for_many():
    few, many = policy.wilson(3, 3), policy.wilson(300, 300)
    assert few[0] < 0.5 < many[0] and few[1] == many[1] == 1.0
    assert policy.wilson(0, 0) is None


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_rate(counts):
    successes, total = counts
    low, high = policy.wilson(successes, total)
    assert 0.0 <= low <= successes / total <= high <= 1.0


def test_nearest_rank_percentiles():
    values = [float(v) for v in range(1, 11)]
    assert policy.percentile(values, 0.5) == 5.0 and policy.percentile(values, 0.9) == 9.0
    assert policy.percentile([7.0], 0.9) == 7.0 and policy.percentile([], 0.5) is None


@pytest.mark.parametrize(
    ("request_type", "result", "field"),
    [("deduct", {"deducted_amount": "10.00", "transfer_reference": "   "}, "result.transfer_reference"),  # blank
     ("release", {"released_on": 20260301}, "result.released_on"),
     ("release", {"released_on": "20260301"}, "result.released_on"),
     ("release", {"released_on": "2026-W10-1"}, "result.released_on")],
)  # fmt: skip
def test_blank_text_is_missing_and_dates_are_exactly_yyyy_mm_dd(request_type, result, field):
    with pytest.raises(DomainError) as caught:
        policy.clean_result(request_type, result)
    assert caught.value.field == field
    assert policy.clean_result("release", {"released_on": "2026-03-01"})["released_on"] == "2026-03-01"
