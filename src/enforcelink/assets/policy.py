"""Legal rules for asset control as pure functions (DOMAIN.md §4: R-ASSET-02..05).

- R-ASSET-02 maximum terms and renewals (民诉解释 Art.485): `term_end`, `check_term`, `renewal_end`,
  `check_renewal`, `remind_on`.
- R-ASSET-03 no over-seizure (CPL Art.253, 查封规定 Art.19): `budget`, `check_freeze`, `surplus_to_release`,
  `over_seizure`.
- R-ASSET-04 waiting-list seizures (轮候查封, 查封规定 Art.26): `waiting_order`, `promote`.
- R-ASSET-05 re-inquiry after 终本 (终本规定 Art.9): `reinquiry_dates`, `next_reinquiry`.

Plain values in, decisions out; the models and actions in this app feed them and record the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from enforcelink.core.calendar import add_months
from enforcelink.core.errors import InvalidInput, RuleViolation
from enforcelink.core.money import parse_amount
from enforcelink.core.narration import day, money
from enforcelink.linkage import policy as linkage_policy

ZERO = Decimal("0.00")

# --- R-ASSET-02: terms ---------------------------------------------------------------------------------

# 民诉解释 Art.485's maximum terms by term class, and the term class of each asset kind: kept in
# `linkage.policy` (below assets), which holds a unit's confirmation to the same maxima.
TERM_YEARS = linkage_policy.TERM_YEARS
TERM_OF_KIND = linkage_policy.TERM_OF_KIND
REMIND_DAYS = 30  # R-ASSET-02 warning before expiry (*configurable*)


def term_class(measure: str) -> str:
    """The term class (a key of TERM_YEARS) of a term class or an asset kind."""
    found = TERM_OF_KIND.get(measure)
    if found is None:
        raise InvalidInput(
            "MEASURE_UNKNOWN", _("Unknown kind of property for a control measure."), field="measure"
        )
    return found


def max_years(measure: str) -> int:
    return TERM_YEARS[term_class(measure)]


def term_end(effective_on: dt.date, measure: str, *, months: int | None = None) -> dt.date:
    """R-ASSET-02: the last day a measure taking effect on `effective_on` may hold (民诉解释 Art.485).

    Counted in calendar years and months, the day of effect not counted (CPL Art.85, R-TIME-01): the
    corresponding day of the last month ends it, a month without that day ends on its last day (Civil
    Code Art.202): 2028-02-29 + 1 year → 2029-02-28. `months` asks for a shorter term; more than the
    maximum is refused. The end does not move off a holiday: the unit lets the measure lapse on that
    day, and a later end would hold the property beyond the maximum.
    """
    maximum = 12 * max_years(measure)
    if months is None:
        months = maximum
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise InvalidInput(
            "TERM_INVALID", _("A term is a whole number of months, at least 1."), field="months"
        )
    if months > maximum:
        raise RuleViolation(
            "TERM_TOO_LONG",
            _("A term for this property is at most %(years)s years.") % {"years": maximum // 12},
            field="months",
        )
    return add_months(effective_on, months)


def check_term(effective_on: dt.date, end_on: dt.date, measure: str) -> dt.date:
    """R-ASSET-02: a term a unit confirmed (or an officer typed) ends no later than the maximum."""
    latest = term_end(effective_on, measure)
    if end_on > latest:
        raise RuleViolation(
            "TERM_TOO_LONG",
            _("The term may end on %(latest)s at the latest (%(years)s years from %(start)s).")
            % {"latest": day(latest), "years": max_years(measure), "start": day(effective_on)},
            field="end_on",
        )
    if end_on <= effective_on:
        raise InvalidInput("TERM_INVALID", _("The term ends after the day it takes effect."), field="end_on")
    return end_on


def renewal_end(current_end: dt.date, measure: str, *, months: int | None = None) -> dt.date:
    """R-ASSET-02 续行 (民诉解释 Art.485 para.2): a renewal runs on from the current term's last day (not
    counted again), for at most the same maximum."""
    return term_end(current_end, measure, months=months)


def check_renewal(current_end: dt.date, today: dt.date) -> None:
    """R-ASSET-02: renew before expiry; a measure past its last day has lapsed and cannot be renewed
    (a new measure is needed, behind whoever seized in between)."""
    if today > current_end:
        raise RuleViolation(
            "MEASURE_LAPSED",
            _("The measure lapsed after %(end)s; it can no longer be renewed.") % {"end": day(current_end)},
        )


def remind_on(end: dt.date, days: int = REMIND_DAYS) -> dt.date:
    """R-ASSET-02: the day the officer is warned of the expiry (*configurable*, default 30 days before)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise InvalidInput(
            "REMIND_INVALID", _("Warn a whole number of days before, 0 or more."), field="days"
        )
    return end - dt.timedelta(days=days)


# --- R-ASSET-03: the budget ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """R-ASSET-03: what may be under control for a case (CPL Art.253, 查封规定 Art.19).

    `owed`: what is still owed, R-MONEY-02 doubled interest to date included (funds' standing);
    `costs`: the enforcement costs still unpaid (the ledger's application fee and costs buckets);
    `controlled`: value under control net of releases already ordered. `owed` + `costs`: what the
    ledger says is still owed.
    """

    owed: Decimal
    costs: Decimal
    controlled: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.owed + self.costs

    @property
    def left(self) -> Decimal:
        return max(self.total - self.controlled, ZERO)

    @property
    def over(self) -> Decimal:
        return max(self.controlled - self.total, ZERO)


def budget(owed: Decimal, costs: Decimal, controlled: Decimal = ZERO) -> Budget:
    """R-ASSET-03: budget = outstanding obligation (doubled interest to date included) + enforcement
    costs unpaid (the application fee and the basis's costs)."""
    return Budget(
        parse_amount(owed, field_name="owed"),
        parse_amount(costs, field_name="costs"),
        parse_amount(controlled, field_name="controlled"),
    )


def _figures(found: Budget, amount: Decimal) -> dict[str, str]:
    return {
        "amount": money(amount),
        "total": money(found.total),
        "used": money(found.controlled),
        "left": money(found.left),
    }


def check_freeze(amount: Decimal, found: Budget, *, indivisible_reason: str = "") -> Decimal:
    """R-ASSET-03: a control measure is sent for at most what the budget has left.

    `amount`: the money asked to be frozen, or the value of the item to be seized. Beyond what is left
    it is refused with code OVER_SEIZURE and the budget's figures (total, used, left), unless the item is
    indivisible and the officer records why (查封规定 Art.19: an indivisible item whose value exceeds
    the claim may be seized whole when the debtor has nothing else); a budget with nothing left takes
    nothing, indivisible or not. Returns the amount.
    """
    amount = parse_amount(amount, field_name="amount", allow_zero=False)
    if amount <= found.left:
        return amount
    reason = (indivisible_reason or "").strip()
    if reason and found.left > 0:
        return amount
    raise RuleViolation(
        "OVER_SEIZURE",
        _(
            "Over-seizure: %(amount)s asked, but the budget of %(total)s has %(used)s under control and %(left)s left."
        )
        % _figures(found, amount),
        field="amount",
        total=str(found.total),
        used=str(found.controlled),
        left=str(found.left),
    )


@dataclass(frozen=True)
class Controlled:
    """A confirmed measure as the budget counts it (R-ASSET-03).

    `value`: what it holds net of releases already ordered (a freeze's confirmed amount, an item's
    value); `confirmed_at`: when the unit confirmed it (the order of release); `indivisible_reason`:
    empty for money and anything that can be released in part.
    """

    measure_id: int
    value: Decimal
    confirmed_at: dt.datetime
    indivisible_reason: str = ""

    @property
    def divisible(self) -> bool:
        return not self.indivisible_reason


@dataclass(frozen=True)
class Release:
    measure_id: int
    amount: Decimal
    whole: bool  # the whole measure (release / unfreeze all) or part of a freeze


@dataclass(frozen=True)
class Kept:
    """An indivisible item kept above the budget, and why (R-ASSET-03: record that reason)."""

    measure_id: int
    value: Decimal
    reason: str


@dataclass(frozen=True)
class Surplus:
    budget: Decimal
    controlled: Decimal
    releases: tuple[Release, ...]
    kept: tuple[Kept, ...]

    @property
    def released(self) -> Decimal:
        return sum((release.amount for release in self.releases), ZERO)

    @property
    def controlled_after(self) -> Decimal:
        return self.controlled - self.released


def _latest_first(measures: Iterable[Controlled]) -> list[Controlled]:
    return sorted(
        (measure for measure in measures if measure.value > 0),
        key=lambda measure: (measure.confirmed_at, measure.measure_id),
        reverse=True,
    )


def surplus_to_release(total: Decimal, measures: Sequence[Controlled]) -> Surplus:
    """R-ASSET-03: what to release so the value under control comes down to the budget `total`
    (CPL Art.253, 查封规定 Art.19; released ex officio, R-FUND-04 when a deduction shrinks the budget).

    Latest-confirmed first: a freeze is released in part, down to exactly the excess; an indivisible
    item is released whole when it fits in the excess. An indivisible item larger than the excess is
    released anyway when the money released before it can cover the budget instead (that money is
    kept, earliest-confirmed first); it stays only when nothing else is available, and the decision
    says why. So the value under control ends at the budget whenever divisible property allows it.
    """
    total = parse_amount(total, field_name="budget")
    ordered = _latest_first(measures)
    controlled = sum((measure.value for measure in ordered), ZERO)
    excess = controlled - total
    released: dict[int, Decimal] = {}
    deferred: list[Controlled] = []
    for measure in ordered:
        if excess <= 0:
            break
        if measure.divisible or measure.value <= excess:
            released[measure.measure_id] = min(measure.value, excess)
            excess -= released[measure.measure_id]
        else:
            deferred.append(measure)
    for item in deferred:
        money_released = sum(
            (released[m.measure_id] for m in ordered if m.divisible and m.measure_id in released), ZERO
        )
        if excess > 0 and item.value <= excess + money_released:
            _keep_money(ordered, released, item.value - excess)
            released[item.measure_id] = item.value
            excess = max(excess - item.value, ZERO)
    controlled_after = controlled - sum(released.values(), ZERO)
    kept = (
        tuple(
            _kept(item, controlled_after - item.value, total)
            for item in deferred
            if item.measure_id not in released
        )
        if excess > 0
        else ()
    )
    return Surplus(
        budget=total,
        controlled=controlled,
        releases=tuple(
            Release(m.measure_id, released[m.measure_id], released[m.measure_id] == m.value)
            for m in ordered
            if released.get(m.measure_id, ZERO) > 0
        ),
        kept=kept,
    )


def _keep_money(ordered: list[Controlled], released: dict[int, Decimal], amount: Decimal) -> None:
    """Take back `amount` of the money about to be released, earliest-confirmed first."""
    for measure in reversed(ordered):
        if amount <= 0:
            return
        if measure.divisible and measure.measure_id in released:
            back = min(released[measure.measure_id], amount)
            released[measure.measure_id] -= back
            amount -= back


def _kept(item: Controlled, others: Decimal, total: Decimal) -> Kept:
    reason = _(
        "%(reason)s; without it the rest under control (%(others)s) does not cover the budget (%(budget)s), and nothing else is available"
    ) % {"reason": item.indivisible_reason, "others": money(others), "budget": money(total)}
    return Kept(item.measure_id, item.value, reason)


def over_seizure(total: Decimal, measures: Sequence[Controlled]) -> Decimal:
    """R-ASSET-03 invariant: the value under control beyond the budget that no recorded reason allows,
    0 when the rule holds. Only indivisible items `surplus_to_release` keeps may hold more than the
    budget, so what it would release is exactly the excess the rule forbids."""
    return surplus_to_release(total, measures).released


# --- R-ASSET-04: waiting lists ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A seizure of one asset by any court, as the holding unit registered it (R-ASSET-04)."""

    measure_id: int
    registered_at: dt.datetime


def waiting_order(seizures: Iterable[Waiting]) -> list[int]:
    """R-ASSET-04 (查封规定 Art.26): later seizures wait in the order the unit registered them; the
    first is the one in effect. Ties (one registration second) by the measure's number."""
    return [
        seizure.measure_id
        for seizure in sorted(seizures, key=lambda seizure: (seizure.registered_at, seizure.measure_id))
    ]


@dataclass(frozen=True)
class Promotion:
    measure_id: int
    effective_on: dt.date
    end_on: dt.date
    still_waiting: tuple[int, ...]  # in order: position 1 is the next to take effect


def promote(waiting: Iterable[Waiting], freed_on: dt.date, measure: str) -> Promotion | None:
    """R-ASSET-04 (查封规定 Art.26): when the measure in effect is released or lapses, the first waiting
    seizure takes effect by itself on `freed_on` (the release day, or the day after a lapsed term's
    last day), and its term is counted from then (R-ASSET-02). None when nobody waits."""
    order = waiting_order(waiting)
    if not order:
        return None
    return Promotion(order[0], freed_on, term_end(freed_on, measure), tuple(order[1:]))


def freed_on_lapse(end: dt.date) -> dt.date:
    """R-ASSET-04: an unrenewed measure holds through its last day; the next one takes effect after it."""
    return end + dt.timedelta(days=1)


# --- R-ASSET-05: re-inquiry after 终本 -------------------------------------------------------------------

REINQUIRY_MONTHS = 6
REINQUIRY_YEARS = 5


def reinquiry_dates(
    closed_on: dt.date, *, every_months: int = REINQUIRY_MONTHS, years: int = REINQUIRY_YEARS
) -> list[dt.date]:
    """R-ASSET-05 (终本规定 Art.9): after 终本 the network is asked again every 6 months for 5 years,
    each date counted from the closure (so 31 August gives 28 February and 31 August, not a drift to the
    28th)."""
    if every_months < 1 or years < 1:
        raise InvalidInput("PERIOD_INVALID", _("A period is a whole number of months, at least 1."))
    return [add_months(closed_on, months) for months in range(every_months, 12 * years + 1, every_months)]


def next_reinquiry(
    closed_on: dt.date,
    after: dt.date,
    *,
    every_months: int = REINQUIRY_MONTHS,
    years: int = REINQUIRY_YEARS,
) -> dt.date | None:
    """R-ASSET-05: the first re-inquiry date after `after` (the last one done, or the closure), or None
    when the five years are over."""
    dates = reinquiry_dates(closed_on, every_months=every_months, years=years)
    return next((due for due in dates if due > after), None)
