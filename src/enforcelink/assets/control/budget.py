"""The case's R-ASSET-03 budget and what its measures hold, read the same way by the actions (with
the case and its measures locked), the listeners, the panel and the API.

budget = what the case-fund ledger's standing says is still owed on the day (funds' `standing`:
principal, general interest and R-MONEY-02's doubled interest to that day = `owed`, plus the
enforcement costs still unpaid = `costs`: the court's application fee (申请执行费, `funds.policy.
fee_owed`, which the ledger owes first, R-FUND-03) and the costs the basis put on the debtor), nothing
else. So the budget and the ledger agree: when the ledger says the obligation is met, the fee paid
too (R-FUND-04), the budget is 0 and nothing more is frozen; money deducted for the fee is applied to
it, not returned to the debtor as surplus. The court's decision to waive or reduce the fee
(`funds.fees.fee_decide`) shrinks the budget and releases the surplus controls (`fee.decided`).

What a holding measure (freeze, seizure, vehicle detention) holds = what its unit confirmed − the
unfreezes and releases already ordered from it ("net of releases already ordered": one sent counts
for what it asks, one confirmed for what its unit confirmed it released, which may be less) − the
deductions its unit confirmed (that money is in the ledger now, and out of what is owed). A
deduction asked and not yet answered (`deducting`) still holds its money frozen, but that money is
not the freeze's to give twice: a deduction confirmed for more than the freeze still holds, net of
the releases ordered, is refused (`remaining`, `listeners.confirmation`). A seizure waiting in line behind an earlier one (轮候查封, R-ASSET-04) holds nothing until it
is promoted: it is not under control, so it neither uses the budget nor stops a freeze (its value,
net of releases ordered, is kept apart in `waiting`, for releasing it). Promoted, it counts from the
day it took effect, which is when the surplus rule sees it come under control (`since`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.assets import policy as asset_policy
from enforcelink.assets.control.models import (
    HOLDING,
    IN_EFFECT,
    LIFTING,
    ORDERED,
    ControlMeasure,
    MeasureKind,
    MeasureStatus,
)
from enforcelink.cases.models import Case
from enforcelink.funds import queries as funds_queries

ZERO = Decimal("0.00")


@dataclass
class CaseBudget:
    """A case's budget on `on`, and what each holding measure holds (by id). `owed` + `costs` is
    what the ledger's standing says is still owed (module docstring)."""

    on: dt.date
    owed: Decimal  # principal, general interest and doubled interest still owed
    costs: Decimal  # enforcement costs still unpaid: the application fee and the basis's costs
    held: dict[int, Decimal]
    controlled: list[asset_policy.Controlled]
    pending: Decimal  # freezes and seizures sent, not yet confirmed (not under control yet)
    deducting: dict[int, Decimal] = field(default_factory=dict)  # deductions asked, not yet answered
    doubled_interest_computed: bool = True
    money_case: bool = True
    waiting: dict[int, Decimal] = field(default_factory=dict)  # seizures in line: what each would hold
    fee: Decimal = ZERO  # of `costs`, the application fee still unpaid

    @property
    def figures(self) -> asset_policy.Budget:
        return asset_policy.budget(self.owed, self.costs, sum(self.held.values(), ZERO))

    @property
    def total(self) -> Decimal:
        return self.figures.total

    @property
    def used(self) -> Decimal:
        return self.figures.controlled

    @property
    def left(self) -> Decimal:
        return self.figures.left

    @property
    def over(self) -> Decimal:
        """R-ASSET-03 invariant: beyond the budget with no recorded reason (0 when it holds)."""
        return asset_policy.over_seizure(self.total, self.controlled)

    @property
    def nothing_left(self) -> str:
        """Why nothing may be frozen or seized at all, as pages say it: nothing is owed (the ledger
        says the obligation is met, or the case has none). "" while something is owed — a budget
        fully under control still shows its forms, and a freeze is refused with its figures."""
        if self.total > 0:
            return ""
        if not self.money_case:
            return _("This case has no money obligation: the budget holds nothing to freeze or seize.")
        return _("The case-fund ledger shows nothing still owed: there is nothing left to freeze or seize.")

    @property
    def note(self) -> str:
        """R-MONEY-02: what the owed figure includes, as pages say it."""
        if not self.doubled_interest_computed:
            return _("Doubled interest for delayed performance not computed: the day the performance period ends is not filled in.")  # fmt: skip
        return _("What is owed includes the doubled interest for delayed performance up to %(day)s.") % {
            "day": self.on.isoformat()
        }


def owed_on(case: Case, on: dt.date) -> tuple[Decimal, Decimal, Decimal, bool]:
    """What the ledger's standing says is still owed on `on` (R-FUND-03, R-MONEY-02): all but the
    enforcement costs, the enforcement costs still unpaid (the application fee and the basis's
    costs), of those the fee, and whether the doubled interest could be computed. The first two add
    up to the standing's `outstanding`. A case with no money obligation owes nothing the budget can
    hold."""
    standing = funds_queries.standing(case, on)
    if standing is None:
        return ZERO, ZERO, ZERO, True
    fee = standing.fee.outstanding
    costs = standing.costs.outstanding + fee
    return standing.outstanding - costs, costs, fee, standing.doubled_interest_computed


def _children(measures: Iterable[ControlMeasure]) -> dict[int, list[ControlMeasure]]:
    found: dict[int, list[ControlMeasure]] = {}
    for measure in measures:
        if measure.parent_id is not None:
            found.setdefault(measure.parent_id, []).append(measure)
    return found


def held_by(measure: ControlMeasure, children: list[ControlMeasure]) -> Decimal:
    """What one holding measure holds now (module docstring): nothing while it waits in line."""
    if measure.waiting_position is not None:
        return ZERO
    return net_value(measure, children)


def net_value(measure: ControlMeasure, children: list[ControlMeasure]) -> Decimal:
    """What a holding measure in effect holds, or would hold once no longer waiting: confirmed, less
    the releases ordered and the deductions confirmed."""
    if measure.kind not in HOLDING or measure.status not in IN_EFFECT:
        return ZERO
    return remaining(measure, children)


def lifted(lift: ControlMeasure) -> Decimal:
    """What an unfreeze or release ordered takes off its measure (R-ASSET-03): what it asks while
    sent, what its unit confirmed it released once answered (a bank may release less than asked);
    nothing once refused or cancelled."""
    if lift.status not in ORDERED:
        return ZERO
    if lift.status in IN_EFFECT and lift.confirmed_amount is not None:
        return lift.confirmed_amount
    return lift.requested_amount or ZERO


def remaining(measure: ControlMeasure, children: list[ControlMeasure]) -> Decimal:
    """What a measure's unit confirmed, less the releases ordered from it and the deductions
    confirmed from it (whatever its status now): the most a deduction from it can still take."""
    value = measure.confirmed_amount or ZERO
    for child in children:
        if child.parent_id != measure.pk:
            continue
        if child.kind in LIFTING:
            value -= lifted(child)
        elif child.kind == MeasureKind.DEDUCT and child.status in IN_EFFECT:
            value -= child.confirmed_amount or ZERO
    return max(value, ZERO)


def case_budget(case: Case, measures: list[ControlMeasure], on: dt.date | None = None) -> CaseBudget:
    """The budget with `measures` (all the case's, locked by the caller when it writes)."""
    on = on or timezone.localdate()
    owed, costs, fee, computed = owed_on(case, on)
    children = _children(measures)
    held: dict[int, Decimal] = {}
    controlled: list[asset_policy.Controlled] = []
    pending = ZERO
    deducting: dict[int, Decimal] = {}
    waiting: dict[int, Decimal] = {}
    for measure in measures:
        if measure.kind in HOLDING and measure.status == MeasureStatus.SENT:
            pending += measure.requested_amount or ZERO
        if measure.kind == MeasureKind.DEDUCT and measure.status == MeasureStatus.SENT and measure.parent_id:
            deducting[measure.parent_id] = deducting.get(measure.parent_id, ZERO) + (
                measure.requested_amount or ZERO
            )
        if measure.waiting_position is not None:
            waiting[measure.pk] = net_value(measure, children.get(measure.pk, []))
            continue
        value = held_by(measure, children.get(measure.pk, []))
        if value <= 0:
            continue
        held[measure.pk] = value
        controlled.append(
            asset_policy.Controlled(measure.pk, value, since(measure), measure.indivisible_reason)
        )
    return CaseBudget(
        on, owed, costs, held, controlled, pending, deducting, computed, case.is_money_case, waiting, fee
    )


def since(measure: ControlMeasure) -> dt.datetime:
    """When a measure's value came under control, the order of R-ASSET-03's surplus rule (latest
    first): its unit's confirmation, or for a seizure that waited in line and was promoted later
    (R-ASSET-04) the day it took effect — a term starting after the day of the confirmation."""
    confirmed = measure.confirmed_at or measure.created_at
    if measure.term_start is not None and measure.term_start > timezone.localdate(confirmed):
        return timezone.make_aware(dt.datetime.combine(measure.term_start, dt.time.min))
    return confirmed


def measures_of(case: Case | int, *, lock: bool = False) -> list[ControlMeasure]:
    """The case's measures by pk (locked in that order when `lock`: the case is locked first)."""
    case_id = case if isinstance(case, int) else case.pk
    rows = ControlMeasure.objects.filter(case_id=case_id).order_by("pk")
    if lock:
        rows = rows.select_for_update()
    return list(rows)
