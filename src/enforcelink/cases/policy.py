"""Legal rules for cases as pure functions (DOMAIN.md §3 and §6: R-ID-03, R-CASE-01..06, R-ZB-01..03)."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from enforcelink.core.calendar import add_months
from enforcelink.core.errors import DomainError, ErrorList, InvalidInput, RuleViolation

# R-CASE-01..04 defaults; each court may override them (NodeRule rows with its court).
# (kind, rule_id, amount, unit, urgent_amount, non_litigation_amount, money_cases_only)
DEFAULT_NODE_RULES: tuple[tuple[str, str, int, str, int | None, int | None, bool], ...] = (
    ("execution_notice", "R-CASE-01", 7, "days", None, None, False),
    ("property_report", "R-CASE-01", 7, "days", None, None, True),
    ("network_inquiry", "R-CASE-02", 3, "days", None, None, True),
    ("local_inquiry", "R-CASE-02", 15, "days", None, None, True),
    ("four_inquiries", "R-CASE-02", 3, "months", None, None, True),
    ("lead_verification", "R-CASE-04", 7, "days", 3, None, False),
    ("closure", "R-CASE-03", 6, "months", None, 3, False),
)


def is_small_claim(total: Decimal, threshold: Decimal) -> bool:
    """小标的: the amount to enforce is below the court's threshold (configurable, default 50,000)."""
    return total < threshold


# No enforcement basis of the People's Republic took effect before it was founded: an earlier date
# (0001-01-01 from a form's default, a year typed as 24) is a typo, and would push every deadline
# counted from it centuries back.
EARLIEST_BASIS_DATE = dt.date(1949, 10, 1)


def check_basis_date(effective_on: dt.date | None, filed_on: dt.date) -> None:
    """A basis cannot take effect before 1949-10-01, in the future, nor after the case was filed on it."""
    if effective_on is None:
        return
    if effective_on < EARLIEST_BASIS_DATE:
        raise RuleViolation(
            "BASIS_DATE_TOO_EARLY",
            _("The effective date of the basis cannot be before %(date)s.")
            % {"date": EARLIEST_BASIS_DATE.isoformat()},
            field="basis_effective_on",
        )
    if effective_on > dt.date.today():
        raise RuleViolation(
            "BASIS_DATE_FUTURE",
            _("The effective date of the basis cannot be in the future."),
            field="basis_effective_on",
        )
    if effective_on > filed_on:
        raise RuleViolation(
            "BASIS_DATE_AFTER_FILING",
            _("The basis took effect after the filing date."),
            field="basis_effective_on",
        )


def check_performance_due(due_on: dt.date | None, effective_on: dt.date | None) -> None:
    """R-MONEY-02: the performance period (履行期限) runs from the basis's effect, so it cannot end
    before the basis took effect, nor before 1949-10-01; it may end after today (a period still running)."""
    if due_on is None:
        return
    if due_on < EARLIEST_BASIS_DATE or (effective_on is not None and due_on < effective_on):
        raise RuleViolation(
            "PERFORMANCE_DUE_BEFORE_BASIS",
            _("The performance period cannot end before the basis took effect."),
            field="performance_due_on",
        )


def check_filing_date(filed_on: dt.date, today: dt.date) -> None:
    if filed_on > today:
        raise RuleViolation(
            "FILED_ON_FUTURE", _("The filing date cannot be in the future."), field="filed_on"
        )


@dataclass(frozen=True)
class Pick:
    officer_id: int
    loads: dict[int, int]


def pick_officer(loads: Mapping[int, int], rng: random.Random | None = None) -> Pick:
    """R-CASE-06 random balanced rotation (随机循环分配).

    Every candidate has a load (cases received in the current rotation); the case goes to one of
    the least-loaded candidates, chosen at random, so in each round every officer gets one case
    in a random order and nobody can be picked on purpose.
    """
    if not loads:
        raise RuleViolation(
            "NO_OFFICER", _("The court has no active enforcement officer to assign the case to.")
        )
    least = min(loads.values())
    tied: Sequence[int] = sorted(officer for officer, load in loads.items() if load == least)
    chosen = (rng or random.SystemRandom()).choice(tied)
    return Pick(chosen, dict(loads))


def check_reassignment_reason(reason: str) -> str:
    """R-CASE-06: reassignment needs a reason."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleViolation("REASON_REQUIRED", _("Give the reason for reassigning the case."), field="reason")
    return reason


# --- Statutory clocks after filing (R-CASE-01..04) -------------------------------------------------

# The events that complete nodes: an officer records the step, the matching open nodes are done.
STEP_COMPLETES: dict[str, tuple[str, ...]] = {
    "execution_notice_sent": ("execution_notice",),
    "property_report_sent": ("property_report",),
    # R-CASE-01: in money cases the property-report order usually goes out with the notice.
    "notice_and_report_sent": ("execution_notice", "property_report"),
    "network_inquiry_done": ("network_inquiry",),
    "local_inquiry_done": ("local_inquiry",),
    "four_inquiries_done": ("four_inquiries",),
    "lead_verified": ("lead_verification",),
}


def check_step(step: str) -> tuple[str, ...]:
    """The node kinds a recorded step completes."""
    kinds = STEP_COMPLETES.get(step)
    if kinds is None:
        raise InvalidInput("STEP_UNKNOWN", _("Unknown procedural step."), field="step")
    return kinds


def check_event_date(on: dt.date, filed_on: dt.date, today: dt.date, *, field: str = "on") -> None:
    """A recorded event happened between filing and today."""
    if on > today:
        raise RuleViolation("DATE_FUTURE", _("The date cannot be in the future."), field=field)
    if on < filed_on:
        raise RuleViolation("DATE_BEFORE_FILING", _("The date is before the case was filed."), field=field)


def require_text(value: str, *, field: str, code: str, message: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(code, message, field=field)
    if len(text) > max_length:
        raise InvalidInput("TOO_LONG", _("At most %(n)d characters.") % {"n": max_length}, field=field)
    return text


def suspension_days(started_on: dt.date, ended_on: dt.date) -> int:
    """R-CASE-03: the days of a suspension (audit/appraisal, 中止, settlement deferral, auction) not
    counted toward the closure period; the day it ends is counted again."""
    if ended_on < started_on:
        raise RuleViolation(
            "SUSPENSION_END_BEFORE_START",
            _("A suspension cannot end before it started."),
            field="ended_on",
        )
    return (ended_on - started_on).days


def check_suspension_start(started_on: dt.date, last_ended_on: dt.date | None) -> None:
    """R-CASE-03: periods not counted must not overlap, or a day would be excluded twice."""
    if last_ended_on is not None and started_on < last_ended_on:
        raise RuleViolation(
            "SUSPENSION_OVERLAP",
            _("This period overlaps an earlier suspension, which ended on %(day)s.")
            % {"day": last_ended_on.isoformat()},
            field="started_on",
        )


EXTENSION_MONTHS = 3
EXTENSION_NOTICE_DAYS = 5


def check_extension_request(
    due_on: dt.date, today: dt.date, approved_before: int, high_court_ref: str
) -> None:
    """R-CASE-03: an extension is asked at least 5 days before the closure deadline; one extension
    of 3 months is the president's; beyond 6 + 3 months it also needs the high court's filing."""
    if (due_on - today).days < EXTENSION_NOTICE_DAYS:
        raise RuleViolation(
            "EXTENSION_TOO_LATE",
            _("An extension must be requested at least %(days)d days before the deadline (%(due)s).")
            % {"days": EXTENSION_NOTICE_DAYS, "due": due_on.isoformat()},
        )
    if approved_before >= 1 and not (high_court_ref or "").strip():
        raise RuleViolation(
            "HIGH_COURT_REF_REQUIRED",
            _("A further extension needs the high court's filing reference."),
            field="high_court_ref",
        )


def check_approver(can_approve: bool) -> None:
    """R-CASE-03: extensions are approved by the court president (院长)."""
    if not can_approve:
        raise RuleViolation("APPROVER_REQUIRED", _("Only the court president can decide on an extension."))


# --- Closure (R-CASE-05, R-ZB-01, R-ZB-02) ---------------------------------------------------------

# R-ZB-01 (法〔2016〕373号 Art.1), R-ZB-02 (四个不批) and R-ZB-03: every item must be confirmed true.
# "Where eligible" items are true when done or when the case was not eligible for them.
ZB_CHECKLIST: dict[str, str] = {
    "execution_notice_sent": "R-ZB-01",
    "property_report_order_sent": "R-ZB-01",
    "consumption_restriction_issued": "R-ZB-01",
    "dishonest_listing_done_where_eligible": "R-ZB-01",
    "applicant_leads_checked": "R-ZB-01",
    "network_inquiry_done": "R-ZB-01",
    "onsite_investigation_done": "R-ZB-01",
    "hidden_assets_searched_where_needed": "R-ZB-01",
    "missing_debtor_searched_where_needed": "R-ZB-01",
    "obstruction_sanctioned_where_found": "R-ZB-01",
    "no_undisposed_property": "R-ZB-02",
    "debtor_home_visited": "R-ZB-02",
    "applicant_interviewed": "R-ZB-02",
    "applicant_informed_and_heard": "R-ZB-03",
}
ZB_WAITING_MONTHS = 3

# 终结执行 grounds (CPL, the article on 终结执行).
TERMINATION_GROUNDS = (
    "application_withdrawn",  # 申请人撤销申请
    "basis_revoked",  # 据以执行的法律文书被撤销
    "debtor_dead_no_estate",  # 被执行人死亡，无遗产可供执行，又无义务承担人
    "maintenance_creditor_dead",  # 追索赡养费、扶养费、抚养费案件的权利人死亡
    "debtor_destitute",  # 被执行人因生活困难无力偿还借款，无收入来源，又丧失劳动能力
    "other_by_court",  # 人民法院认为应当终结执行的其他情形
)
CANCELLATION_REASONS = ("transfer", "duplicate")  # 销案: 移送管辖, 重复立案
RULING_NUMBER = re.compile(r"^[（(]\d{4}[）)]\S+?\d+号(之[一二三四五六七八九十]+)?$")


def check_closure_date(closed_on: dt.date, filed_on: dt.date, today: dt.date) -> None:
    if closed_on > today:
        raise RuleViolation("DATE_FUTURE", _("The closing date cannot be in the future."), field="closed_on")
    if closed_on < filed_on:
        raise RuleViolation(
            "DATE_BEFORE_FILING", _("The closing date is before the case was filed."), field="closed_on"
        )


def check_zb_waiting_period(filed_on: dt.date, closed_on: dt.date) -> None:
    """R-ZB-01 / R-ZB-02: no 终本 within 3 months of filing."""
    if closed_on <= add_months(filed_on, ZB_WAITING_MONTHS):
        raise RuleViolation(
            "ZB_TOO_EARLY",
            _("终本 is possible only more than 3 months after filing (after %(day)s).")
            % {"day": add_months(filed_on, ZB_WAITING_MONTHS).isoformat()},
            field="closed_on",
        )


@dataclass(frozen=True)
class ClosureFacts:
    """What the closure rules look at besides the entered details."""

    filed_on: dt.date
    closed_on: dt.date
    today: dt.date
    amount_total: Decimal
    recovered_amount: Decimal
    obligation_met: bool = False  # the ledger: nothing is owed any more (R-FUND-04, `cases.money`)
    money_case: bool = True  # False: 行为执行, no money the ledger could show paid


def _fully_performed(facts: ClosureFacts, details: Mapping[str, Any]) -> dict[str, Any]:
    """R-CASE-05 执行完毕: the case-fund ledger shows the obligation met (`cases.money`, R-FUND-04:
    what the basis fixed, the application fee on it and R-MONEY-02's doubled interest, all paid) — or
    the officer confirms that a settlement was performed (`settlement_performed`). A case without a
    money obligation (行为执行) is performed when the officer says so."""
    settled = details.get("settlement_performed", False)
    if not isinstance(settled, bool):
        raise InvalidInput("NOT_BOOLEAN", _("Answer yes or no."), field="details.settlement_performed")
    if facts.money_case and not facts.obligation_met and not settled:
        raise RuleViolation(
            "NOT_FULLY_PERFORMED",
            _(
                "%(recovered)s yuan recovered of the %(total)s fixed: the ledger still shows money owed (what"
                " the basis fixed, the application fee or the interest for delay) and no settlement was"
                " performed."
            )
            % {"recovered": facts.recovered_amount, "total": facts.amount_total},
            field="details.settlement_performed",
        )
    return {"settlement_performed": settled, "recovered_amount": str(facts.recovered_amount)}


def _terminated_this_round(facts: ClosureFacts, details: Mapping[str, Any]) -> dict[str, Any]:
    """R-ZB-01, R-ZB-02, R-ZB-03: every checklist item confirmed, and more than 3 months since filing.

    R-CASE-05 / R-FUND-04: never for a case whose obligation the ledger shows met — there is nothing
    left to enforce, so it is 执行完毕, and 终本 would schedule re-inquiries (R-ASSET-05) for nothing."""
    if facts.obligation_met:
        raise RuleViolation(
            "OBLIGATION_MET",
            _(
                "The case ledger shows everything owed has been paid: close the case as fully performed"
                " (执行完毕), not as 终本."
            ),
            field="mode",
        )
    errors: list[DomainError] = []
    for key, rule in ZB_CHECKLIST.items():
        value = details.get(key)
        if not isinstance(value, bool):
            errors.append(InvalidInput("NOT_BOOLEAN", _("Answer yes or no."), field=f"details.{key}"))
        elif not value:
            errors.append(
                RuleViolation(
                    "ZB_CONDITION_UNMET",
                    _("This condition for 终本 (%(rule)s) is not met.") % {"rule": rule},
                    field=f"details.{key}",
                )
            )
    try:
        check_zb_waiting_period(facts.filed_on, facts.closed_on)
    except DomainError as error:
        errors.append(error)
    if errors:
        raise ErrorList(errors)
    return {key: True for key in ZB_CHECKLIST}


def _choice(details: Mapping[str, Any], key: str, allowed: Sequence[str], message: str) -> dict[str, Any]:
    value = details.get(key)
    if value not in allowed:
        raise InvalidInput("CHOICE_REQUIRED", message, field=f"details.{key}")
    note = str(details.get("note") or "").strip()[:300]
    return {key: value, "note": note} if note else {key: value}


def _terminated(facts: ClosureFacts, details: Mapping[str, Any]) -> dict[str, Any]:
    return _choice(details, "ground", TERMINATION_GROUNDS, _("Choose the ground for ending enforcement."))


def _cancelled(facts: ClosureFacts, details: Mapping[str, Any]) -> dict[str, Any]:
    return _choice(
        details, "reason", CANCELLATION_REASONS, _("Choose the reason: transfer or duplicate filing.")
    )


def _ruling(facts: ClosureFacts, details: Mapping[str, Any]) -> dict[str, Any]:
    """不予执行 / 驳回申请 close on a ruling; its document number is kept."""
    number = re.sub(r"\s", "", str(details.get("ruling_number") or ""))
    if not RULING_NUMBER.match(number):
        raise InvalidInput(
            "RULING_NUMBER_REQUIRED",
            _("Enter the ruling's document number, like （2024）渝0110执异12号."),
            field="details.ruling_number",
        )
    return {"ruling_number": number.replace("(", "（").replace(")", "）")}


CLOSURE_REQUIREMENTS: dict[str, Callable[[ClosureFacts, Mapping[str, Any]], dict[str, Any]]] = {
    "fully_performed": _fully_performed,
    "terminated_this_round": _terminated_this_round,
    "terminated": _terminated,
    "cancelled": _cancelled,
    "refused": _ruling,
    "rejected": _ruling,
}


def check_closure(mode: str, facts: ClosureFacts, details: Mapping[str, Any] | None) -> dict[str, Any]:
    """R-CASE-05: each closure mode with the data it requires; returns the details to keep."""
    requirement = CLOSURE_REQUIREMENTS.get(mode)
    if requirement is None:
        raise InvalidInput("CLOSURE_MODE_INVALID", _("Choose how the case is closed."), field="mode")
    check_closure_date(facts.closed_on, facts.filed_on, facts.today)
    if details is not None and not isinstance(details, Mapping):
        raise InvalidInput("DETAILS_INVALID", _("The closure details are malformed."), field="details")
    return requirement(facts, details or {})


def within_period(closed_on: dt.date, due_on: dt.date | None) -> bool | None:
    """R-CASE-03: closed on or before the closure node's (possibly extended) deadline."""
    return None if due_on is None else closed_on <= due_on


def check_may_reassign(may: bool) -> None:
    """R-CASE-06: the rotation's choice is only overridden by the team leader or the president of the
    court (`orgs.permissions`, `Action.REASSIGN`)."""
    if not may:
        raise RuleViolation("REASSIGN_ROLE", _("Only a team leader or the president reassigns cases."))
