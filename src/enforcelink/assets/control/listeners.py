"""What control measures do when others act (core.events), inside the acting transaction:

- `request.completed` (`confirmation`): the unit confirmed a measure — its result (frozen_amount /
  frozen_until, deducted_amount / transfer_reference, registered_on / seized_until / certificate,
  released_amount, released_on, detained …) is recorded on the measure, a deduction is booked into
  the ledger (funds' `receipt_record`, source `deduction`, the bank's transfer reference), and what the
  case's measures now hold beyond the budget is released at once (R-ASSET-03): an unfreeze or release
  request for exactly the excess, created in this same transaction.
- `request.rejected` (`refusal`): the measure is refused; a refused unfreeze or release holds again,
  so the surplus is ordered again.
- `request.cancelled` (`withdrawal`): the court cancelled the measure's request (its page, the API,
  a closing case): the measure is cancelled with the reason; a cancelled unfreeze or release holds
  again, so the surplus is ordered again.
- `payment.received` (`rebalance`): what is owed shrank, so surplus controls are released the same
  way (R-ASSET-03 "when money is deducted, the budget shrinks").
- `case.amount_changed` (`rebalance` again): the amounts the basis fixed were corrected, so what the
  ledger says is owed changed; a smaller budget releases the surplus the same way.
- `fee.decided` (`rebalance` again): the court lowered or waived the application fee the ledger owes
  (R-ASSET-03's enforcement costs); a smaller budget releases the surplus the same way.
- `obligation.met` (`obligation_met`): R-FUND-04 — deductions not yet answered are withdrawn, every
  control still holding is released as a request, and freezes or seizures not yet answered are
  withdrawn.

Locks (core/events.py): linkage's unit-side step and funds' receipt lock the case row before they
announce, so these listeners lock only the case's measures, by pk, and the rows linkage and documents
lock to send a request — after the case, the order every writer of the case takes.

A confirmation has one effect: linkage refuses a second answer to an answered or cancelled request,
and a confirmation reaching a measure no longer waiting for it (released, cancelled) is recorded as
having had no effect, with the reason, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.assets import policy as asset_policy
from enforcelink.assets.control import actions
from enforcelink.assets.control.budget import case_budget, lifted, measures_of, remaining
from enforcelink.assets.control.models import (
    HOLDING,
    IN_EFFECT,
    KIND_OF_REQUEST,
    LIFTING,
    ControlMeasure,
    MeasureKind,
    MeasureStatus,
)
from enforcelink.assets.control.policy import frozen_status
from enforcelink.cases.models import Case
from enforcelink.core import audit
from enforcelink.core.errors import InvalidInput, RuleViolation
from enforcelink.core.money import format_yuan
from enforcelink.funds.actions import receipt_record
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.api_auth import UnitPrincipal
from enforcelink.orgs.models import ApiKey

PLATFORM = "assets:controls"  # the trail's name for what the platform orders by itself
ZERO = Decimal("0.00")


def trail_actor(actor: Any) -> Any:
    """A unit's system is named by its key's prefix on the trail, as linkage names it."""
    if isinstance(actor, UnitPrincipal):
        actor = actor.api_key
    if isinstance(actor, ApiKey):
        return f"api-key:{actor.prefix}"
    return actor


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _adopt(request_id: int, kind: str) -> ControlMeasure:
    """A control request sent without a measure (linkage's own send form, a batch): recorded as a
    measure when its answer comes, so what it holds counts in the budget all the same."""
    request = AssistanceRequest.objects.get(pk=request_id)
    amount = request.details.get("amount") if isinstance(request.details, dict) else None
    try:
        asked = _money(amount) if amount not in (None, "") else None
    except ArithmeticError:
        asked = None
    identifier = ""
    if isinstance(request.details, dict):
        identifier = str(request.details.get("account") or request.details.get("certificate") or "")[:200]
    indivisible = kind in (MeasureKind.SEIZE, MeasureKind.DETAIN_VEHICLE)
    return ControlMeasure.objects.create(
        case_id=request.case_id, kind=kind, request=request, unit_id=request.unit_id, identifier=identifier,
        requested_amount=asked, created_by_id=request.created_by_id, created_at=request.created_at,
        indivisible=indivisible, indivisible_reason=str(actions.INDIVISIBLE) if indivisible else "",
    )  # fmt: skip


def _parent(measure: ControlMeasure, measures: list[ControlMeasure]) -> ControlMeasure | None:
    return next((m for m in measures if m.pk == measure.parent_id), None) if measure.parent_id else None


def confirmation(
    *, request_id: int, case_id: int, court_id: int, request_type: str, result: Any, actor: Any,
    **_payload: Any,
) -> ControlMeasure | None:  # fmt: skip
    """`request.completed` listener (module docstring). Nothing is read for any other request type."""
    kind = KIND_OF_REQUEST.get(request_type)
    if kind is None or not isinstance(result, dict):
        return None
    measures = measures_of(case_id, lock=True)
    measure = next((m for m in measures if m.request_id == request_id), None)
    if measure is None:
        measure = _adopt(request_id, kind)
        measures.append(measure)
    who = trail_actor(actor)
    if measure.status != MeasureStatus.SENT:
        _no_effect(measure, court_id, who, measure.get_status_display())
        return measure
    now = timezone.now()
    today = timezone.localdate(now)
    measure.confirmed_at = now
    parent = _parent(measure, measures)
    if parent is not None and parent.status not in IN_EFFECT and kind != MeasureKind.DEDUCT:
        parent = None  # nothing left to act on: the answer is recorded on its own measure only
    if kind == MeasureKind.DEDUCT and parent is not None:
        _check_deducted(parent, result, measures)
    _apply(measure, parent, result, today, measures)
    measure.note = str(result.get("note") or measure.note or "")[:500]
    measure.save()
    if parent is not None:
        parent.save()
    audit.record(
        "control.confirmed", measure, actor=who, case_id=case_id, court_id=court_id,
        after={"kind": measure.kind, "request": request_id, "status": measure.status,
               "confirmed": measure.confirmed_amount, "term_end": measure.term_end,
               "parent": measure.parent_id, "parent_status": parent.status if parent else None},
    )  # fmt: skip
    case = Case.objects.get(pk=case_id)
    if measure.kind == MeasureKind.DEDUCT and measure.status in IN_EFFECT and measure.confirmed_amount:
        # The money is the court's now: booked in this transaction; the ledger announces
        # `payment.received`, and `rebalance` releases what the smaller budget no longer covers.
        receipt_record(
            case, measure.confirmed_amount, source="deduction", value_on=today,
            reference=str(result.get("transfer_reference") or "")[:100], actor=who, checked=True,
        )  # fmt: skip
        return measure
    if measure.kind in HOLDING or measure.kind in LIFTING:
        # A lift confirmed for less than it asked leaves the rest held: beyond the budget, it is
        # ordered released now, as after any confirmation (R-ASSET-03).
        settle(case, measures, actor=who, cause=measure)
    return measure


def _check_deducted(parent: ControlMeasure, result: dict[str, Any], measures: list[ControlMeasure]) -> None:
    """Bad input (issue 15: "a deduction larger than the frozen amount"; R-ASSET-03, R-FUND-04): a
    deduction confirmed for more than its freeze still holds — confirmed, less the releases already
    ordered from it and the deductions confirmed — would book money the court has also ordered
    unfrozen. Refused whole (DEDUCTED_BEYOND_HELD), nothing applied: the unit answers the releases
    first, or confirms no more than the freeze holds."""
    try:
        deducted = _money(result.get("deducted_amount", "0"))
    except ArithmeticError:
        return  # linkage checks the result's fields; a deduction refused books nothing
    held = remaining(parent, measures)
    if deducted > held:
        message = _("%(amount)s deducted is more than the %(held)s this freeze still holds once the releases already ordered from it are taken off; answer those releases first, or confirm no more than it holds.")  # fmt: skip
        raise InvalidInput(
            "DEDUCTED_BEYOND_HELD",
            message % {"amount": format_yuan(deducted), "held": format_yuan(held)},
            field="result.deducted_amount",
        )


def _apply(
    measure: ControlMeasure, parent: ControlMeasure | None, result: dict[str, Any], today: dt.date,
    measures: list[ControlMeasure],
) -> None:  # fmt: skip
    """The unit's result on the measure (and on the measure it acts on)."""
    kind = measure.kind
    if kind == MeasureKind.FREEZE:
        frozen = _money(result.get("frozen_amount", "0"))
        measure.confirmed_amount = frozen
        measure.status = frozen_status(measure.requested_amount, frozen)
        measure.term_start, measure.term_end = today, _date(result.get("frozen_until"))
        measure.identifier = measure.identifier or str(result.get("account") or "")[:200]
    elif kind in (MeasureKind.SEIZE, MeasureKind.DETAIN_VEHICLE):
        if kind == MeasureKind.DETAIN_VEHICLE and not result.get("detained"):
            measure.status = MeasureStatus.REFUSED
            measure.confirmed_amount = ZERO
            return
        measure.status = MeasureStatus.EFFECTIVE
        measure.confirmed_amount = measure.requested_amount  # the item's value as the officer put it
        measure.term_start = _date(result.get("registered_on") or result.get("detained_on")) or today
        measure.term_end = _date(result.get("seized_until"))
        if kind == MeasureKind.SEIZE and (
            result.get("waiting") is True or "轮候" in str(result.get("note") or "")
        ):
            # R-ASSET-04: registered behind an earlier seizure, so not under control yet (the budget
            # counts it from its promotion); `assets.expiry` gives it its place in the line.
            measure.waiting_position = 1
        measure.identifier = measure.identifier or str(result.get("certificate") or "")[:200]
    elif kind == MeasureKind.DEDUCT:
        deducted = _money(result.get("deducted_amount", "0"))
        measure.confirmed_amount = deducted
        measure.status = MeasureStatus.EFFECTIVE if deducted > 0 else MeasureStatus.REFUSED
    elif kind in LIFTING:
        measure.status = MeasureStatus.EFFECTIVE
        measure.term_start = _date(result.get("released_on")) or today
        measure.confirmed_amount = (
            _money(result["released_amount"]) if "released_amount" in result else measure.requested_amount
        )
        if parent is not None:
            _lifted(parent, measure, measures)
    elif kind == MeasureKind.RENEW:
        measure.status = MeasureStatus.EFFECTIVE
        measure.term_end = _date(result.get("frozen_until") or result.get("seized_until"))
        if parent is not None and measure.term_end:
            parent.term_end = measure.term_end


def _lifted(parent: ControlMeasure, lift: ControlMeasure, measures: list[ControlMeasure]) -> None:
    """A release confirmed: the measure is released once the releases confirmed (for what their unit
    confirmed released) and the deductions leave it nothing."""
    held = parent.confirmed_amount or ZERO
    for child in measures:
        if child.parent_id != parent.pk or child.pk == lift.pk:
            continue
        if child.kind in LIFTING and child.status in IN_EFFECT:
            held -= lifted(child)
        elif child.kind == MeasureKind.DEDUCT and child.status in IN_EFFECT:
            held -= child.confirmed_amount or ZERO
    held -= lifted(lift)
    if parent.kind != MeasureKind.FREEZE or held <= 0:
        parent.status = MeasureStatus.RELEASED


def _no_effect(measure: ControlMeasure, court_id: int, who: Any, state: Any) -> None:
    reason = _("Confirmation received after the measure was “%(status)s”: no effect.") % {"status": state}
    ControlMeasure.objects.filter(pk=measure.pk).update(note=reason[:500])
    audit.record(
        "control.confirmation_ignored", measure, actor=who, case_id=measure.case_id, court_id=court_id,
        after={"kind": measure.kind, "request": measure.request_id, "status": measure.status, "reason": reason},
    )  # fmt: skip


def settle(case: Case, measures: list[ControlMeasure], *, actor: Any, cause: ControlMeasure | None = None) -> list[ControlMeasure]:  # fmt: skip
    """R-ASSET-03: release what the case's measures hold beyond the budget — latest confirmed first,
    a freeze in part down to exactly the excess, an indivisible item whole or kept with its reason
    (`assets.policy.surplus_to_release`) — as unfreeze and release requests ordered now. The case and
    `measures` are locked by the caller. Returns the lifts ordered."""
    figures = case_budget(case, measures)
    surplus = asset_policy.surplus_to_release(figures.total, figures.controlled)
    if not surplus.releases and not surplus.kept:
        return []
    by_id = {m.pk: m for m in measures}
    lifts = []
    reason = _("Over the budget: %(controlled)s under control, the budget is %(total)s.") % {
        "controlled": surplus.controlled, "total": figures.total,
    }  # fmt: skip
    for item in surplus.releases:
        measure = by_id[item.measure_id]
        sender = actions.sender_for(case, measure, cause)
        lift = actions.order_lift(
            case, measure, item.amount, whole=item.whole, reason=reason, sender=sender, automatic=True
        )
        measures.append(lift)
        lifts.append(lift)
    for kept in surplus.kept:
        measure = by_id[kept.measure_id]
        audit.record(
            "control.kept_whole", measure, actor=actor, case_id=case.pk, court_id=case.court_id,
            after={"kind": measure.kind, "value": kept.value, "reason": kept.reason, "total": figures.total},
        )  # fmt: skip
    return lifts


def refusal(*, request_id: int, case_id: int, court_id: int, request_type: str, reason: str = "", actor: Any,
            **_payload: Any) -> ControlMeasure | None:  # fmt: skip
    """`request.rejected` listener: the measure is refused, with the unit's reason. A refused unfreeze
    or release leaves its measure holding: the surplus is settled again."""
    if request_type not in KIND_OF_REQUEST:
        return None
    measures = measures_of(case_id, lock=True)
    measure = next((m for m in measures if m.request_id == request_id), None)
    if measure is None or measure.status != MeasureStatus.SENT:
        return measure
    measure.status, measure.note = MeasureStatus.REFUSED, str(reason or "")[:500]
    measure.save(update_fields=["status", "note"])
    who = trail_actor(actor)
    audit.record(
        "control.refused", measure, actor=who, case_id=case_id, court_id=court_id,
        after={"kind": measure.kind, "request": request_id, "reason": measure.note},
    )  # fmt: skip
    if measure.kind in LIFTING:
        settle(Case.objects.get(pk=case_id), measures, actor=who, cause=measure)
    return measure


def withdrawal(*, request_id: int, case_id: int, court_id: int, request_type: str, reason: str = "",
               actor: Any, **_payload: Any) -> ControlMeasure | None:  # fmt: skip
    """`request.cancelled` listener: the court cancelled a measure's request before its unit answered,
    wherever it did so (the request's page, the API, a closing case; `actions.cancel_open` marks
    its measure first, so this finds nothing to do). The measure is cancelled with the reason: a
    freeze, seizure or detention no longer waits (nor counts as sent), a deduction no longer holds
    back what its freeze can still give, a renewal no longer blocks another. A cancelled unfreeze or
    release has lifted nothing: its measure holds again, so whatever is then beyond the budget is
    ordered released again (R-ASSET-03); the measure it would have lifted, a seizure waiting in line
    (R-ASSET-04) included, keeps its status and its place."""
    if request_type not in KIND_OF_REQUEST:
        return None
    measures = measures_of(case_id, lock=True)
    measure = next((m for m in measures if m.request_id == request_id), None)
    if measure is None or measure.status != MeasureStatus.SENT:
        return measure
    who = trail_actor(actor)
    measure.status, measure.note = MeasureStatus.CANCELLED, str(reason or "")[:500]
    measure.save(update_fields=["status", "note"])
    actions.trail_cancelled(measure, who, reason=measure.note)
    if measure.kind in LIFTING:
        settle(Case.objects.get(pk=case_id), measures, actor=who, cause=measure)
    return measure


def rebalance(*, case_id: int, actor: Any = None, **_payload: Any) -> list[ControlMeasure]:
    """`payment.received`, `case.amount_changed` and `fee.decided` listener: what is owed shrank (money
    came in, the basis's amounts were corrected, the application fee was lowered or waived), so
    surplus controls are released (R-ASSET-03).
    A case with no measure reads one query."""
    return _rebalance(case_id, measures_of(case_id, lock=True), actor)


def rebalance_many(*, payloads: list[dict[str, Any]]) -> list[ControlMeasure]:
    """`rebalance`'s batch form (`events.announce_many`, a statement's cases): the measures of every
    case told are read and locked in one query, by pk (the cases themselves are locked already, by
    the import); only the cases holding something are looked at further. Returns every lift ordered."""
    case_ids = list(dict.fromkeys(payload["case_id"] for payload in payloads))
    actor = {payload["case_id"]: payload.get("actor") for payload in payloads}
    found: dict[int, list[ControlMeasure]] = {}
    for start in range(0, len(case_ids), 5000):
        rows = ControlMeasure.objects.filter(case_id__among=case_ids[start : start + 5000]).order_by("pk")
        for measure in rows.select_for_update():
            found.setdefault(measure.case_id, []).append(measure)
    lifts: list[ControlMeasure] = []
    for case_id in case_ids:
        if case_id in found:
            lifts += _rebalance(case_id, found[case_id], actor[case_id])
    return lifts


def _rebalance(case_id: int, measures: list[ControlMeasure], actor: Any) -> list[ControlMeasure]:
    if not any(m.kind in HOLDING and m.status in IN_EFFECT for m in measures):
        return []
    case = Case.objects.get(pk=case_id)
    figures = case_budget(case, measures)
    before = list(measures)
    try:
        with transaction.atomic():  # a savepoint: a release nobody can send never unbooks the payment
            if case.is_money_case and figures.total == 0:  # met: everything goes (R-FUND-04)
                return _release_all(case, measures, actor=trail_actor(actor))
            return settle(case, measures, actor=trail_actor(actor))
    except RuleViolation as error:
        # "No payment left unbooked" first: only a court with nobody active who may send requests
        # (`actions.sender_for`) gets here; the money is booked, and each measure still holding says
        # why its surplus waits for a person to release it.
        if error.code != "NO_SENDER":
            raise
        measures[:] = before
        holding = [m.pk for m in measures if m.kind in HOLDING and m.status in IN_EFFECT]
        ControlMeasure.objects.filter(pk__in=holding).update(note=str(error.message)[:500])
        audit.record(
            "control.release_unsent", case, actor=trail_actor(actor), case_id=case.pk, court_id=case.court_id,
            after={"measures": holding, "total": figures.total, "reason": str(error.message)},
        )  # fmt: skip
        return []


def obligation_met(
    *, case_id: int, court_id: int, actor: Any = None, **_payload: Any
) -> list[ControlMeasure]:
    """`obligation.met` listener (R-FUND-04): deductions not yet answered are withdrawn, every control
    still holding is released as a request, and freezes, seizures and detentions not yet answered are
    withdrawn. Returns the lifts ordered."""
    measures = measures_of(case_id, lock=True)
    if not measures:
        return []
    return _release_all(Case.objects.get(pk=case_id), measures, actor=trail_actor(actor))


def _release_all(case: Case, measures: list[ControlMeasure], *, actor: Any) -> list[ControlMeasure]:
    """R-FUND-04 on locked measures: withdraw what is unanswered, release what holds. Run again, it
    finds nothing left to do."""
    who = actor
    reason = _("What is owed has been paid: the controls are released.")
    figures = case_budget(case, measures)
    lifts = []
    for measure in list(measures):
        if measure.status == MeasureStatus.SENT and (
            measure.kind == MeasureKind.DEDUCT or measure.kind in HOLDING
        ):
            actions.cancel_open(measure, reason=reason, sender=actions.sender_for(case, measure), actor=who)
    for measure in list(measures):
        held = figures.held.get(measure.pk, ZERO) or figures.waiting.get(measure.pk, ZERO)  # a line left too
        if held > 0:
            lift = actions.order_lift(
                case, measure, held, whole=True, reason=reason, sender=actions.sender_for(case, measure),
                automatic=True,
            )  # fmt: skip
            measures.append(lift)
            lifts.append(lift)
    return lifts
