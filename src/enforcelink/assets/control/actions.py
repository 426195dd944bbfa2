"""Writes of control measures (issue 15 §4–§5, R-ASSET-02, R-ASSET-03): freeze, seize, detain a
vehicle, deduct from a freeze, release — each one measure and one assistance request to the holding
unit, sent through linkage's `request_create` / `request_send` (the notice carries the amount).

Every write runs in one transaction and takes its locks in one order: the case row first, then the
case's measures by pk (`budget.measures_of(lock=True)`), then whatever linkage and documents lock to
create and send the request, the audit head last. So two writers of one case — an officer's freeze
and a bank's confirmation, or two banks confirming at once — are serialised on the case row, and each
decides on the budget as the other left it (R-ASSET-03: value under control, net of releases already
ordered, ≤ budget at every commit).

The measures the platform orders by itself (the surplus released after confirmations or a payment,
the controls released when the obligation is met, R-FUND-04) go through `order_lift` and
`cancel_open`, in the name of the officer who sent the measure, or the case's officer, or a colleague
of the court who may send for the case (`sender_for`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from enforcelink.assets import policy as asset_policy
from enforcelink.assets.control import policy as control_policy
from enforcelink.assets.control.budget import CaseBudget, case_budget, measures_of
from enforcelink.assets.control.models import (
    HOLDING,
    IN_EFFECT,
    ControlMeasure,
    MeasureKind,
    MeasureStatus,
)
from enforcelink.assets.expiry.policy import term_class_of
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.cases.actions import ensure_open
from enforcelink.cases.models import Case
from enforcelink.core import audit
from enforcelink.core.errors import DomainError, InvalidInput, NotFound, RuleViolation
from enforcelink.core.money import format_yuan, parse_amount
from enforcelink.core.text import clean_text
from enforcelink.linkage import queries as linkage_queries
from enforcelink.linkage.actions import Ask, request_cancel, request_create, request_send
from enforcelink.linkage.models import FINAL, AssistanceRequest, RequestStatus
from enforcelink.linkage.policy import TERM_DETAIL
from enforcelink.orgs.models import LinkageUnit, Role, User
from enforcelink.orgs.permissions import Action, can, holders, require

LEGAL_BASIS = "《中华人民共和国民事诉讼法》第二百五十三条、第二百五十四条、第二百五十五条"
PURPOSES = {
    MeasureKind.FREEZE: "冻结被执行人存款等财产，以执行生效法律文书",
    MeasureKind.UNFREEZE: "解除对被执行人存款等财产的冻结",
    MeasureKind.DEDUCT: "扣划被执行人已冻结的存款至本院执行款专户",
    MeasureKind.SEIZE: "查封被执行人财产，以执行生效法律文书",
    MeasureKind.RELEASE: "解除对被执行人财产的查封",
    MeasureKind.DETAIN_VEHICLE: "查找并扣押被执行人名下车辆",
}
# What may be frozen (money in an account, a stake at the market regulator) and what is seized.
FREEZABLE = frozenset({AssetKind.DEPOSIT, AssetKind.ONLINE_FUNDS, AssetKind.HOUSING_FUND, AssetKind.EQUITY,
                       AssetKind.SECURITIES})  # fmt: skip
SEIZABLE = frozenset({AssetKind.REAL_ESTATE, AssetKind.VEHICLE, AssetKind.SHIP})
INDIVISIBLE = _("an item seized whole (it cannot be divided)")
REASON_MAX = 300


@dataclass(frozen=True)
class Sent:
    """What a write did: the measure, and the budget it was decided on."""

    measure: ControlMeasure
    budget: CaseBudget
    # The record named an institution no unit of the directory is: its measure went to the unit
    # that reported the account (`route`), and the officer is told so.
    fallback: bool = False


# --- shared ---------------------------------------------------------------------------------------


def _locked(case: Case, actor: User) -> tuple[Case, list[ControlMeasure]]:
    """The case (for someone who may control its property; anyone else: not found), then its
    measures by pk."""
    require(actor, Action.CONTROL_ASSETS, case, field="case")
    locked = Case.objects.select_for_update().filter(pk=case.pk).first()
    if locked is None:
        raise NotFound(field="case")
    return locked, measures_of(locked, lock=True)


def _amount(value: Any, field_name: str = "amount") -> Decimal:
    """R-MONEY-01: yuan > 0 with at most two decimals (three decimals: AMOUNT_PRECISION)."""
    if isinstance(value, float):
        raise InvalidInput("AMOUNT_INVALID", _("Enter an amount in yuan, e.g. 12345.67."), field=field_name)
    return parse_amount(value, field_name=field_name, allow_zero=False)


def _reason(value: Any, *, required: bool) -> str:
    text = clean_text(str(value or "").strip(), field="reason", max_length=REASON_MAX, multiline=True)
    if required and not text:
        raise InvalidInput("REASON_REQUIRED", _("Give the reason."), field="reason")
    return text


def _record(case: Case, record: AssetRecord | int | None, kinds: frozenset[str]) -> AssetRecord | None:
    if record is None:
        return None
    pk = record if isinstance(record, int) else record.pk
    found = AssetRecord.objects.select_related("unit").filter(pk=pk, case_id=case.pk).first()
    if found is None:
        raise NotFound(field="record")
    if found.kind not in kinds:
        raise RuleViolation(
            "RECORD_KIND", _("This measure cannot be taken on %(kind)s.") % {"kind": found.get_kind_display()},
            field="record",
        )  # fmt: skip
    return found


def _send(
    case: Case, kind: str, unit: LinkageUnit, *, actor: User, details: dict[str, Any], record: AssetRecord | None,
    identifier: str = "", amount: Decimal | None = None, parent: ControlMeasure | None = None,
    indivisible_reason: str = "", reason: str = "", automatic: bool = False, request_type: str = "",
) -> ControlMeasure:  # fmt: skip
    """The request (created and sent, or put before an approver, by linkage) and its measure."""
    ask = Ask(unit, request_type or kind, PURPOSES.get(MeasureKind(kind), ""), LEGAL_BASIS, details)
    request = request_send(request_create(case, ask, actor=actor), actor=actor)
    measure = ControlMeasure.objects.create(
        case_id=case.pk, record=record, kind=kind, request=request, unit=unit, identifier=identifier[:200],
        requested_amount=amount, parent=parent, indivisible=bool(indivisible_reason),
        indivisible_reason=indivisible_reason[:300], reason=reason[:500], automatic=automatic,
        created_by=None if automatic else actor,
    )  # fmt: skip
    return measure


# --- where a measure on an account goes -------------------------------------------------------------


Directory = list[tuple[LinkageUnit, frozenset[str]]]


def directory(actor: Any) -> Directory:
    """The units the actor's court may send to, each with the request types its responsibility list
    takes (shipped, with the administrators' overrides); reachable units first. Three queries."""
    units = sorted(
        linkage_queries.directory_units(actor), key=lambda u: (not getattr(u, "reachable", True), u.pk)
    )
    lists = linkage_queries.responsibility_lists(units)
    return [(unit, frozenset(lists[unit.pk])) for unit in units]


@dataclass(frozen=True)
class Routed:
    """The unit a measure on a record goes to, and `fallback`: the record names an institution no
    unit of the directory is (taking the measure), so the unit that reported the account is asked."""

    unit: LinkageUnit
    fallback: bool


def route(record: AssetRecord, request_type: str, units: Directory) -> Routed | None:
    """Where a freeze (or deduction) of `record` goes (`control.policy.holding_unit`): the
    institution that keeps the account when the directory has it, else the unit that answered."""
    if record.unit is None:
        return None
    decision = control_policy.holding_unit(
        record.kind, record.institution, request_type, record.unit.pk,
        [(unit.pk, unit.name, handles) for unit, handles in units],
    )  # fmt: skip
    unit = next((unit for unit, _handles in units if unit.pk == decision.unit_id), record.unit)
    return Routed(unit, decision.fallback)


def account_details(record: AssetRecord | None, account: str) -> dict[str, str]:
    """The request's details naming where the money is: the account, and the notice's line of what
    to freeze, deduct or unfreeze naming the institution that keeps it and the account (`measure`:
    the notice prints it under "the following deposits", in Chinese whatever the officer's language;
    the request's page shows it as what is asked). A stake is named by its company alone
    (`account`), as the market regulator's notice has it."""
    if record is not None and record.kind not in control_policy.ROUTED_BY_INSTITUTION:
        return {"account": account} if account else {}
    institution = record.institution if record is not None else ""
    where = [f"开户机构：{institution}"] if institution else []
    if account:
        where.append(f"账号：{account}")
    return {**({"account": account} if account else {}), **({"measure": "；".join(where)} if where else {})}


def holding_measure(
    record: AssetRecord | None, measures: list[ControlMeasure], figures: CaseBudget, *,
    unit: LinkageUnit | None = None, account: str = "",
) -> ControlMeasure | None:  # fmt: skip
    """The case's freeze, seizure or detention that already holds `record` (or the same `account` at
    the same `unit`): one sent and not yet answered, one in effect that still holds something, or one
    waiting in line (R-ASSET-04). A second would count the same value twice (R-ASSET-03). A measure in
    effect that holds nothing any more (all deducted or released) does not stop a new one: money
    paid into the account since is not under control."""
    for measure in measures:
        if measure.kind not in HOLDING:
            continue
        same = (record is not None and measure.record_id == record.pk) or (
            bool(account)
            and unit is not None
            and measure.unit_id == unit.pk
            and measure.identifier == account
        )
        if not same:
            continue
        if measure.status == MeasureStatus.SENT:
            return measure
        if measure.status in IN_EFFECT and (
            measure.waiting_position is not None or figures.held.get(measure.pk)
        ):
            return measure
    return None


def _refuse_second_hold(
    record: AssetRecord | None, measures: list[ControlMeasure], figures: CaseBudget, *,
    unit: LinkageUnit | None = None, account: str = "",
) -> None:  # fmt: skip
    """ALREADY_HELD when `holding_measure` finds one: release it (or let its unit answer) first."""
    held = holding_measure(record, measures, figures, unit=unit, account=account)
    if held is not None:
        raise RuleViolation(
            "ALREADY_HELD",
            _("This asset is already under a %(measure)s (%(status)s): a second one would hold the same "
              "value twice. Release it or wait for its answer first.")
            % {"measure": held.get_kind_display(), "status": held.get_status_display()},
            field="record",
        )  # fmt: skip


def _trail(action: str, measure: ControlMeasure, actor: Any, **after: Any) -> None:
    """The measure's trail entry (its case's court read from the locked case the caller holds)."""
    court_id = Case.objects.filter(pk=measure.case_id).values_list("court_id", flat=True).first()
    audit.record(
        action, measure, actor=actor, case_id=measure.case_id, court_id=court_id,
        after={"kind": measure.kind, "request": measure.request_id, "unit": measure.unit_id,
               "amount": measure.requested_amount, "identifier": measure.identifier, **after},
    )  # fmt: skip


# --- freeze, seize, detain -------------------------------------------------------------------------


def freeze(
    case: Case, *, amount: Any, actor: User, record: AssetRecord | int | None = None,
    unit: LinkageUnit | None = None, account: str = "",
) -> Sent:  # fmt: skip
    """冻结 (R-ASSET-03): an account the inquiry found (`record`), or "the debtor's accounts" at a bank
    (`unit`, with an `account` or without), for `amount` — at most what the budget has left
    (OVER_SEIZURE with the budget's figures otherwise; sent freezes not yet confirmed do not count:
    whatever several banks confirm beyond the budget is released automatically)."""
    parsed = _amount(amount)
    units = directory(actor) if record is not None else []
    routed: Routed | None = None
    with transaction.atomic():
        locked, measures = _locked(case, actor)
        ensure_open(locked)
        found = _record(locked, record, FREEZABLE)
        if found is not None:
            routed = route(found, MeasureKind.FREEZE, units)
            unit, account = (routed.unit if routed else None), found.identifier
        if unit is None:
            raise InvalidInput("UNIT_REQUIRED", _("Choose the bank or unit that holds it."), field="unit")
        account = clean_text(str(account or "").strip(), field="account", max_length=200)
        figures = case_budget(locked, measures)
        _refuse_second_hold(found, measures, figures, unit=unit, account=account)
        asset_policy.check_freeze(parsed, figures.figures)
        details = {"amount": str(parsed), **account_details(found, account),
                   TERM_DETAIL: term_class_of(MeasureKind.FREEZE, found.kind if found else None)}  # fmt: skip
        measure = _send(
            locked, MeasureKind.FREEZE, unit, actor=actor, details=details, record=found, identifier=account,
            amount=parsed,
        )  # fmt: skip
        _trail("control.freeze_sent", measure, actor, left=figures.left, total=figures.total,
               **({"routed_to_reporting_unit": True} if routed and routed.fallback else {}))  # fmt: skip
    return Sent(measure, figures, fallback=bool(routed and routed.fallback))


def seize(
    case: Case, *, record: AssetRecord | int, value: Any, actor: User, indivisible_reason: str = ""
) -> Sent:
    """查封 real estate, a vehicle or a ship the inquiry found, valued at `value` (R-ASSET-03): held
    whole, so recorded as indivisible; beyond what the budget has left only with the officer's reason
    (查封规定 Art.19: nothing else is available) and never when nothing is left."""
    parsed = _amount(value, "value")
    reason = _reason(indivisible_reason, required=False)
    with transaction.atomic():
        locked, measures = _locked(case, actor)
        ensure_open(locked)
        found = _record(locked, record, SEIZABLE)
        assert found is not None
        if found.unit is None:
            raise InvalidInput("UNIT_REQUIRED", _("No unit is known to hold this record."), field="record")
        figures = case_budget(locked, measures)
        _refuse_second_hold(found, measures, figures)
        try:
            asset_policy.check_freeze(parsed, figures.figures, indivisible_reason=reason)
        except RuleViolation as error:
            error.field = "value"
            raise
        details = {"amount": str(parsed), "certificate": found.identifier,
                   TERM_DETAIL: term_class_of(MeasureKind.SEIZE, found.kind)}  # fmt: skip
        measure = _send(
            locked, MeasureKind.SEIZE, found.unit, actor=actor, details=details, record=found,
            identifier=found.identifier, amount=parsed, indivisible_reason=reason or str(INDIVISIBLE),
        )  # fmt: skip
        _trail("control.seize_sent", measure, actor, left=figures.left, total=figures.total)
    return Sent(measure, figures)


def detain_vehicle(
    case: Case, *, record: AssetRecord | int, unit: LinkageUnit, value: Any, actor: User,
    indivisible_reason: str = "",
) -> Sent:  # fmt: skip
    """查人扣车: the police find and detain a vehicle the inquiry found, valued at `value`; a vehicle is
    held whole (R-ASSET-03 as for a seizure)."""
    parsed = _amount(value, "value")
    reason = _reason(indivisible_reason, required=False)
    with transaction.atomic():
        locked, measures = _locked(case, actor)
        ensure_open(locked)
        found = _record(locked, record, frozenset({AssetKind.VEHICLE}))
        assert found is not None
        figures = case_budget(locked, measures)
        _refuse_second_hold(found, measures, figures)
        try:
            asset_policy.check_freeze(parsed, figures.figures, indivisible_reason=reason)
        except RuleViolation as error:
            error.field = "value"
            raise
        details = {"plate": found.identifier, "amount": str(parsed),
                   TERM_DETAIL: term_class_of(MeasureKind.DETAIN_VEHICLE, found.kind)}  # fmt: skip
        measure = _send(
            locked, MeasureKind.DETAIN_VEHICLE, unit, actor=actor, details=details, record=found,
            identifier=found.identifier, amount=parsed, indivisible_reason=reason or str(INDIVISIBLE),
        )  # fmt: skip
        _trail("control.detain_sent", measure, actor, left=figures.left, total=figures.total)
    return Sent(measure, figures)


# --- deduct ---------------------------------------------------------------------------------------


def _measure(measure: ControlMeasure | int, measures: list[ControlMeasure]) -> ControlMeasure:
    pk = measure if isinstance(measure, int) else measure.pk
    found = next((m for m in measures if m.pk == pk), None)
    if found is None:
        raise NotFound(field="measure")
    return found


def _case_of(measure: ControlMeasure | int, actor: User) -> Case:
    pk = measure if isinstance(measure, int) else measure.pk
    row = ControlMeasure.objects.filter(pk=pk).select_related("case").first()
    if row is None or not can(actor, Action.CONTROL_ASSETS, row.case):
        raise NotFound(field="measure")
    return row.case


def deduct(freeze_measure: ControlMeasure | int, *, amount: Any, actor: User) -> Sent:
    """扣划 from a freeze in effect, at most what it still holds less the deductions already asked
    (DEDUCT_BEYOND_FROZEN otherwise). Deductions are approved before they go out (the bank's list);
    the confirmed amount is booked into the ledger when the bank confirms (`listeners`)."""
    parsed = _amount(amount)
    case = _case_of(freeze_measure, actor)
    with transaction.atomic():
        locked, measures = _locked(case, actor)
        ensure_open(locked)
        parent = _measure(freeze_measure, measures)
        if parent.kind != MeasureKind.FREEZE or parent.status not in IN_EFFECT:
            raise RuleViolation(
                "MEASURE_STATE", _("Money is deducted only from a freeze in effect."), field="measure"
            )
        figures = case_budget(locked, measures)
        available = figures.held.get(parent.pk, Decimal("0.00")) - figures.deducting.get(
            parent.pk, Decimal("0")
        )
        if parsed > available:
            raise RuleViolation(
                "DEDUCT_BEYOND_FROZEN",
                _("%(amount)s is more than the %(frozen)s this freeze holds (deductions already asked deducted).")
                % {"amount": format_yuan(parsed), "frozen": format_yuan(max(available, Decimal("0.00")))},
                field="amount",
            )  # fmt: skip
        details = {"amount": str(parsed), **account_details(parent.record, parent.identifier)}
        measure = _send(
            locked, MeasureKind.DEDUCT, parent.unit, actor=actor, details=details, record=parent.record,
            identifier=parent.identifier, amount=parsed, parent=parent,
        )  # fmt: skip
        _trail("control.deduct_sent", measure, actor, freeze=parent.pk, frozen=available)
    return Sent(measure, figures)


# --- release --------------------------------------------------------------------------------------


def _lift_kind(measure: ControlMeasure) -> str:
    return MeasureKind.UNFREEZE if measure.kind == MeasureKind.FREEZE else MeasureKind.RELEASE


def _lift_unit(measure: ControlMeasure) -> LinkageUnit:
    """A freeze is lifted at its bank, a seizure at its registry; a detained vehicle is released at
    the vehicle registry that holds its record (the police's list has no release)."""
    if measure.kind == MeasureKind.DETAIN_VEHICLE and measure.record is not None and measure.record.unit:
        return measure.record.unit
    return measure.unit


def order_lift(
    case: Case, measure: ControlMeasure, amount: Decimal, *, whole: bool, reason: str, sender: User,
    automatic: bool,
) -> ControlMeasure:  # fmt: skip
    """An unfreeze (of `amount`, or of all it holds when `whole`) or a release, sent now; the case and
    its measures are locked by the caller. From the moment it is ordered, what it lifts no longer
    counts as under control (R-ASSET-03)."""
    kind = _lift_kind(measure)
    details: dict[str, Any] = {}
    if measure.kind == MeasureKind.FREEZE:
        details.update(account_details(measure.record, measure.identifier))
    elif measure.identifier:
        details["certificate"] = measure.identifier
    if kind == MeasureKind.UNFREEZE:
        details["amount"] = str(amount)
    lift = _send(
        case, kind, _lift_unit(measure), actor=sender, details=details, record=measure.record,
        identifier=measure.identifier, amount=amount, parent=measure, reason=reason, automatic=automatic,
    )  # fmt: skip
    _trail(
        "control.lift_sent", lift, sender if not automatic else "assets:controls", lifts=measure.pk,
        whole=whole, reason=reason, automatic=automatic,
    )  # fmt: skip
    return lift


def cancel_open(measure: ControlMeasure, *, reason: str, sender: User, actor: Any) -> None:
    """A measure not yet answered is withdrawn: the measure cancelled, then its request (the unit is
    told; linkage announces `request.cancelled`, whose listener finds the measure cancelled already
    and leaves it to this trail entry). A confirmation that still comes is refused by linkage (the
    request is cancelled)."""
    request = AssistanceRequest.objects.get(pk=measure.request_id)
    if request.status in (RequestStatus.COMPLETED, RequestStatus.REJECTED):
        return  # answered in this very transaction (a reply batch): its answer is announced next
    measure.status, measure.note = MeasureStatus.CANCELLED, reason[:500]
    measure.save(update_fields=["status", "note"])
    if request.status not in FINAL:
        request_cancel(request, reason=reason, actor=sender)
    trail_cancelled(measure, actor, reason=reason)


def trail_cancelled(measure: ControlMeasure, actor: Any, *, reason: str) -> None:
    """The trail entry of a measure cancelled before its unit answered."""
    _trail("control.cancelled", measure, actor, reason=reason)


def release(measure: ControlMeasure | int, *, reason: Any, actor: User, amount: Any = None) -> ControlMeasure:
    """解除 (on application or ex officio, R-ASSET-03): a freeze in effect is unfrozen in full or by
    `amount` (at most what it holds), a seizure or detention released whole — a seizure waiting in
    line too (R-ASSET-04: it leaves the line); a measure its unit has not answered yet is withdrawn
    (its request cancelled). Returns the unfreeze or release measure,
    or the withdrawn measure. A closed case's controls can still be lifted."""
    text = _reason(reason, required=True)
    parsed = _amount(amount) if amount not in (None, "") else None
    case = _case_of(measure, actor)
    with transaction.atomic():
        locked, measures = _locked(case, actor)
        target = _measure(measure, measures)
        if target.kind not in HOLDING:
            raise RuleViolation("MEASURE_KIND", _("Only a freeze, seizure or detention is released."), field="measure")  # fmt: skip
        if target.status == MeasureStatus.SENT:
            ensure_open(locked)
            cancel_open(target, reason=text, sender=actor, actor=actor)
            return target
        figures = case_budget(locked, measures)
        held = figures.held.get(target.pk) or figures.waiting.get(target.pk, Decimal("0.00"))
        if target.status not in IN_EFFECT or held <= 0:
            raise RuleViolation(
                "MEASURE_STATE", _("This measure holds nothing any more: there is nothing to release."),
                field="measure",
            )  # fmt: skip
        if parsed is not None and target.kind != MeasureKind.FREEZE:
            raise InvalidInput("AMOUNT_NOT_PART", _("A seized item is released whole."), field="amount")
        if parsed is not None and parsed > held:
            raise RuleViolation(
                "RELEASE_BEYOND_HELD",
                _("%(amount)s is more than the %(held)s this freeze holds.")
                % {"amount": format_yuan(parsed), "held": format_yuan(held)},
                field="amount",
            )  # fmt: skip
        amount_now = parsed if parsed is not None else held
        return order_lift(
            locked, target, amount_now, whole=amount_now == held, reason=text, sender=actor, automatic=False
        )


# Who else sends what the platform orders when the measure's sender and the case's officer cannot:
# the leaders first, then the officers, the command centre, the administrator (`_fallback_sender`).
FALLBACK_ROLES = (Role.TEAM_LEADER, Role.PRESIDENT, Role.OFFICER, Role.COMMAND, Role.ADMIN)


def sender_for(case: Case, *measures: ControlMeasure | None) -> User:
    """In whose name the platform sends a release or a cancellation it orders: the officer who sent
    the measure, else the case's officer, else (they left the court, the case not reassigned yet) a
    colleague who may send for the case (`_fallback_sender`: the case's team leader, then anyone of
    the court the permission table lets send requests, the case's team first). So a payment, a bank's
    confirmation or a whole statement is always booked, and the surplus it frees is still ordered in
    the same transaction (R-ASSET-03; "no payment left unbooked" comes first). Only a court with
    nobody active who may send requests at all gets NO_SENDER; the payment's listener books the money
    all the same and notes on the measures why their surplus waits (`listeners._rebalance`)."""
    candidates: list[User | None] = [m.created_by if m is not None else None for m in measures]
    if case.officer_id is not None:
        candidates.append(User.objects.filter(pk=case.officer_id).first())
    for user in candidates:
        if user is not None and user.is_active and can(user, Action.SEND_REQUEST, case):
            return user
    fallback = _fallback_sender(case)
    if fallback is not None:
        return fallback
    raise RuleViolation(
        "NO_SENDER", _("Nobody of the case's court can send the release it needs; assign an officer first.")
    )


def _fallback_sender(case: Case) -> User | None:
    """The first active person of the case's court who may send its requests: the case's team first,
    leaders before officers (`FALLBACK_ROLES`), the longest-serving (lowest pk) of a rank."""
    people = [
        user for user in holders(Action.SEND_REQUEST, court_id=case.court_id).filter(role__in=FALLBACK_ROLES)
        if can(user, Action.SEND_REQUEST, case)
    ]  # fmt: skip
    rank: dict[str, int] = {role: place for place, role in enumerate(FALLBACK_ROLES)}
    people.sort(
        key=lambda user: (user.team_id != case.team_id or case.team_id is None, rank[user.role], user.pk)
    )
    return people[0] if people else None


__all__ = [
    "DomainError",
    "Sent",
    "cancel_open",
    "deduct",
    "detain_vehicle",
    "freeze",
    "order_lift",
    "release",
    "seize",
    "sender_for",
    "trail_cancelled",
]
