"""Legal rules for case funds as pure functions (DOMAIN.md §2 R-MONEY-02, §4a R-FUND-01..04).

- R-MONEY-02 doubled interest for delayed performance (迟延履行期间的加倍部分债务利息, CPL Art.264,
  法释〔2014〕8号 Art.1–4): `doubled_interest` for one amount over one period, `apply_payments` for a case
  with its receipts.
- R-FUND-03 order of application (Civil Code Art.561: costs, interest, principal, within what the basis
  fixed; then the doubled interest, 法释〔2014〕8号 Art.4): `apply_payments`. The costs begin with the
  court's application fee for enforcement (申请执行费), its own bucket, paid first.
- The application fee (R-ASSET-03's enforcement costs, R-FUND-03): `enforcement_fee` on the amount the
  basis fixed (诉讼费用交纳办法 Art.14(1)); `fee_owed` with the court's decision to waive, reduce or
  set it otherwise (缓、减、免交), never above the scale. Not prepaid by the applicant, paid after
  enforcement (Art.20) and borne by the debtor (Art.38), so the ledger books it as owed by the debtor
  and the R-ASSET-03 budget, which is what the ledger says is still owed, includes it.
- R-FUND-04 money beyond everything owed (the fee included) is surplus, to go back to the debtor:
  `Standing.surplus`.
- R-FUND-01 / R-FUND-02 clocks (R-TIME-01 working days): `identify_by`, `pay_out_by`.
- R-FUND-02 approval above an amount: `needs_president`.

Nothing here reads the database; the ledger (funds/queries.py) passes what the basis fixed and the
receipts net of their reversals.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from enforcelink.core.calendar import Deadline, Unit, compute_deadline, next_working_day
from enforcelink.core.errors import InvalidInput
from enforcelink.core.money import CENT, MAX_AMOUNT, parse_amount
from enforcelink.core.narration import day, listed, money

ZERO = Decimal("0.00")
# R-MONEY-02: 日万分之一点七五 (法释〔2014〕8号 Art.1). Statutory, not configurable.
DAILY_RATE = Decimal("0.000175")

# R-FUND-01 / R-FUND-02 defaults (*configurable* per court; the value in force goes into the trace).
IDENTIFY_PERIOD = (3, "working_days")
PAY_OUT_PERIOD = (30, "days")


def _amount(value: object, field_name: str) -> Decimal:
    """A yuan amount ≥ 0 with at most two decimals (R-MONEY-01), coded errors naming the field."""
    if isinstance(value, float):
        raise InvalidInput("AMOUNT_INVALID", _("Amounts are never floats."), field=field_name)
    return parse_amount(value, field_name=field_name)


def _fen(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- R-MONEY-02: the doubled interest ----------------------------------------------------------------


def delay_start(performance_due_on: dt.date) -> dt.date:
    """R-MONEY-02: the first day of delay, the day after the performance period of the basis ends
    (法释〔2014〕8号 Art.2). A period whose last day is a holiday ends on the next working day (CPL
    Art.85, R-TIME-01), so a debtor paying then is not late; rolling a date that is already a working day
    changes nothing."""
    return next_working_day(performance_due_on) + dt.timedelta(days=1)


def delay_days(start: dt.date, end: dt.date) -> int:
    """R-MONEY-02: days of delay from `start` (the first day of delay) to `end` (the day of payment),
    both counted (法释〔2014〕8号 Art.3: to the day the debtor performs, or the day money is deducted);
    0 when paid before the delay began."""
    return max((end - start).days + 1, 0)


def doubled_interest(base: Decimal, start: dt.date, end: dt.date) -> Decimal:
    """R-MONEY-02 (CPL Art.264, 法释〔2014〕8号 Art.1): `base` × 0.0175% a day × the days from `start`,
    the day after the performance period ends, to `end`, the day of payment, rounded to the fen
    (half up) once, at the end. `base` is the unpaid money obligation other than general interest."""
    amount = _amount(base, "base")
    return _fen(amount * DAILY_RATE * delay_days(start, end))


# --- the application fee for enforcement (申请执行费) -------------------------------------------------

# 诉讼费用交纳办法 Art.14(1): 50 yuan up to 10,000; then by bands on the part above each threshold.
FEE_BASE = Decimal("50")
FEE_BANDS = (
    (Decimal("10000"), Decimal("500000"), Decimal("0.015")),
    (Decimal("500000"), Decimal("5000000"), Decimal("0.01")),
    (Decimal("5000000"), Decimal("10000000"), Decimal("0.005")),
    (Decimal("10000000"), None, Decimal("0.001")),
)


def enforcement_fee(amount: Decimal) -> Decimal:
    """R-ASSET-03 enforcement costs, R-FUND-03: 申请执行费 on the amount to enforce (诉讼费用交纳办法
    Art.14(1)): 50 yuan up to 10,000; 1.5% of the part above 10,000 up to 500,000; 1% up to
    5,000,000; 0.5% up to 10,000,000; 0.1% above. Nothing for a case without an amount (a non-money
    case's fee of 50 to 500 yuan per case is no money the ledger books or a budget holds). Rounded
    to the fen (half up) once. `amount` is a sum (principal + interest + costs), each part within
    MAX_AMOUNT, which bounds one amount entered, not a sum: a larger one is taken as it is."""
    if not (isinstance(amount, Decimal) and amount.is_finite() and amount > MAX_AMOUNT):
        amount = parse_amount(amount, field_name="amount")
    if amount == 0:
        return ZERO
    fee = FEE_BASE
    for low, high, rate in FEE_BANDS:
        if amount <= low:
            break
        top = amount if high is None else min(amount, high)
        fee += (top - low) * rate
    return _fen(fee)


def fee_owed(amount_fixed: Decimal, decided: Decimal | None = None) -> Decimal:
    """R-FUND-03: the application fee the ledger books as owed — the scale's (`enforcement_fee` on the
    amount the basis fixed), or what the court decided when it waived, reduced or set the fee
    otherwise (缓、减、免交, 诉讼费用交纳办法 Art.44–51; `decided`, 0 when waived), never more than the
    scale gives on the amount fixed now (a decision taken before the amounts were corrected down
    charges no more than the scale)."""
    scale = enforcement_fee(amount_fixed)
    if decided is None:
        return scale
    return min(_amount(decided, "fee"), scale)


# --- R-FUND-03: applying payments ---------------------------------------------------------------------


@dataclass(frozen=True)
class Obligation:
    """What the debtor owes on the ledger, in the buckets of Civil Code Art.561.

    `fee`: the court's application fee for enforcement (申请执行费, `fee_owed`): among 实现债权的有关费用,
    not prepaid by the applicant but paid after enforcement (诉讼费用交纳办法 Art.20) and borne by the
    debtor (Art.38), so it is owed on the ledger, paid first, and in the R-ASSET-03 budget (assets'
    `control.budget`). It is the court's money, not the applicant's (`Standing.fee`). `fee_decided`:
    the court set it otherwise than the scale (the trace says so).
    `costs`: 实现债权的有关费用 the basis puts on the debtor (litigation and preservation fees the applicant
    advanced, …). `interest`: general interest (一般债务利息) as the basis fixed it, one figure.
    `principal`: 主债务.
    """

    principal: Decimal
    interest: Decimal = ZERO
    costs: Decimal = ZERO
    fee: Decimal = ZERO
    fee_decided: bool = False


@dataclass(frozen=True)
class Payment:
    """Money received for the case on a value date (a deduction, a voluntary payment, proceeds …).
    `held`: the money came into the case's account; False for imported history (received and paid
    on in the old system), which pays what is owed but is not in the account to pay anyone."""

    on: dt.date
    amount: Decimal
    reference: str = ""
    held: bool = True


@dataclass(frozen=True)
class Bucket:
    """One bucket of what is owed: `owed` in total on the day of the standing, `paid` into it."""

    owed: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.owed - self.paid


BUCKETS = ("fee", "costs", "interest", "principal")  # Civil Code Art.561 order, the fee first


@dataclass(frozen=True)
class Standing:
    """What is owed and paid on `on` (R-MONEY-02, R-FUND-03, R-FUND-04), with the trace a clerk reads."""

    on: dt.date
    costs: Bucket
    interest: Bucket
    principal: Bucket
    doubled_interest: Bucket
    delay_from: dt.date | None  # None: no performance-period end known, doubled interest not computed
    surplus: Decimal
    trace: tuple[str, ...]
    not_counted: tuple[Payment, ...] = field(default=())  # dated after `on`
    fee: Bucket = Bucket(ZERO, ZERO)  # the application fee: the court's money, not the applicant's
    fee_paid_unheld: Decimal = ZERO  # of `fee.paid`, what imported history paid (not in the account)

    @property
    def buckets(self) -> dict[str, Bucket]:
        return {
            "fee": self.fee,
            "costs": self.costs,
            "interest": self.interest,
            "principal": self.principal,
            "doubled_interest": self.doubled_interest,
        }

    @property
    def owed(self) -> Decimal:
        """Everything owed on `on`, doubled interest to that day included."""
        return sum((bucket.owed for bucket in self.buckets.values()), ZERO)

    @property
    def paid(self) -> Decimal:
        """Applied to the buckets (the surplus is not in it)."""
        return sum((bucket.paid for bucket in self.buckets.values()), ZERO)

    @property
    def outstanding(self) -> Decimal:
        """Still owed on `on` (what the budget, ledger and documents show, R-MONEY-02)."""
        return self.owed - self.paid

    @property
    def met(self) -> bool:
        """R-FUND-04: nothing is owed any more, the application fee included."""
        return self.outstanding == 0

    @property
    def fee_paid_held(self) -> Decimal:
        """What the case's account received for the application fee: the court's share of the money
        it holds until collected (imported history paid its part in the old system)."""
        return self.fee.paid - self.fee_paid_unheld

    @property
    def doubled_interest_computed(self) -> bool:
        return self.delay_from is not None


def _payments(receipts: Iterable[Payment]) -> list[Payment]:
    checked = []
    for payment in receipts:
        if not isinstance(payment.on, dt.date):
            raise InvalidInput("DATE_INVALID", _("A payment needs its value date."), field="on")
        if isinstance(payment.amount, float):
            raise InvalidInput("AMOUNT_INVALID", _("Amounts are never floats."), field="amount")
        amount = parse_amount(payment.amount, field_name="amount", allow_zero=False)
        checked.append(Payment(payment.on, amount, payment.reference, bool(payment.held)))
    return sorted(checked, key=lambda payment: payment.on)  # stable: one day's payments keep their order


class _Ledger:
    """The running state of `apply_payments`: remaining buckets and the exact doubled interest accrued."""

    def __init__(self, obligation: Obligation, delay_from: dt.date | None) -> None:
        self.owed = {name: _amount(getattr(obligation, name), name) for name in BUCKETS}
        self.paid = dict.fromkeys(BUCKETS, ZERO)
        self.delay_from = delay_from
        self.accrued = Decimal(0)  # exact; rounded to the fen once, when read
        self.accrued_through = delay_from - dt.timedelta(days=1) if delay_from else None
        self.doubled_paid = ZERO
        self.surplus = ZERO
        self.fee_unheld = ZERO
        self.trace: list[str] = []

    def remaining(self, name: str) -> Decimal:
        return self.owed[name] - self.paid[name]

    def accrue(self, until: dt.date) -> None:
        """R-MONEY-02: accrue to `until` (counted) on the unpaid costs and principal (法释〔2014〕8号 Art.1:
        the money obligation the basis fixed other than general interest; the application fee is this
        court's, not fixed by the basis, and bears none)."""
        if self.delay_from is None or self.accrued_through is None or until <= self.accrued_through:
            return
        first = self.accrued_through + dt.timedelta(days=1)
        days = delay_days(first, until)
        base = self.remaining("costs") + self.remaining("principal")
        self.accrued_through = until
        if base <= 0:
            return
        amount = base * DAILY_RATE * days
        self.accrued += amount
        self.trace.append(
            _("%(first)s to %(last)s, %(days)s days on %(base)s unpaid: %(amount)s doubled interest.")
            % {
                "first": day(first),
                "last": day(until),
                "days": days,
                "base": money(base),
                "amount": money(_fen(amount)),
            }
        )

    def doubled_owed(self) -> Decimal:
        return _fen(self.accrued)

    def apply(self, payment: Payment) -> None:
        """R-FUND-03: the application fee, then Civil Code Art.561 order within what the basis fixed,
        then the doubled interest (法释〔2014〕8号 Art.4), then surplus (R-FUND-04)."""
        left, parts = payment.amount, []
        labels = {"fee": _("%(amount)s to the application fee"), "costs": _("%(amount)s to costs"),
                  "interest": _("%(amount)s to interest"), "principal": _("%(amount)s to principal")}  # fmt: skip
        for name in BUCKETS:
            taken = min(left, self.remaining(name))
            if taken > 0:
                self.paid[name] += taken
                left -= taken
                parts.append(labels[name] % {"amount": money(taken)})
                if name == "fee" and not payment.held:
                    self.fee_unheld += taken
        taken = min(left, self.doubled_owed() - self.doubled_paid)
        if taken > 0:
            self.doubled_paid += taken
            left -= taken
            parts.append(_("%(amount)s to doubled interest") % {"amount": money(taken)})
        if left > 0:
            self.surplus += left
            parts.append(_("%(amount)s surplus, to go back to the debtor") % {"amount": money(left)})
        values = {"day": day(payment.on), "amount": money(payment.amount), "parts": listed(parts)}
        if payment.reference:
            values["reference"] = payment.reference
            self.trace.append(_("%(day)s: %(amount)s received (%(reference)s): %(parts)s.") % values)
        else:
            self.trace.append(_("%(day)s: %(amount)s received: %(parts)s.") % values)


def apply_payments(
    obligation: Obligation, delay_from: dt.date | None, receipts: Iterable[Payment], on: dt.date
) -> Standing:
    """R-FUND-03 and R-MONEY-02: what is owed and paid on `on`.

    Payments are applied by value date: to the application fee first (the court's 实现债权的有关费用),
    then in Civil Code Art.561 order (costs, interest, principal) within what the basis fixed, then to
    the doubled interest (法释〔2014〕8号 Art.4: the basis's obligation first, the doubled interest last,
    unless the parties agreed otherwise). The doubled interest accrues from `delay_from`
    (`delay_start(performance_due_on)`; None: not computed, and the trace says so) day by day on the
    unpaid costs and principal — the money obligation the basis fixed other than general interest
    (法释〔2014〕8号 Art.1; not on the fee, which the basis did not fix) — so each payment lowers the
    accrual from the next day on (Art.3: the part paid counts to the day it is paid). It is rounded to
    the fen once, at the end. Money beyond everything, the fee included, is surplus (R-FUND-04).
    Payments dated after `on` are not counted.
    """
    if not isinstance(on, dt.date):
        raise InvalidInput("DATE_INVALID", _("Give the day of the standing."), field="on")
    ledger = _Ledger(obligation, delay_from)
    payments = _payments(receipts)
    counted = [payment for payment in payments if payment.on <= on]
    later = tuple(payment for payment in payments if payment.on > on)
    if delay_from is None:
        ledger.trace.append(
            _(
                "Doubled interest for delayed performance not computed: the day the performance period ends is not filled in."
            )
        )
    else:
        ledger.trace.append(
            _(
                "Doubled interest for delayed performance runs from %(start)s at 0.0175%% a day on the unpaid costs and principal the basis fixed (general interest excluded)."
            )
            % {"start": day(delay_from)}
        )
    if fee_line := _fee_line(obligation):
        ledger.trace.append(fee_line)
    for when, group in itertools.groupby(counted, key=lambda payment: payment.on):
        ledger.accrue(when)  # the day of payment counts for the part paid (法释〔2014〕8号 Art.3)
        for payment in group:
            ledger.apply(payment)
    ledger.accrue(on)
    for payment in later:
        ledger.trace.append(
            _("%(day)s: %(amount)s received after %(on)s, not counted here.")
            % {"day": day(payment.on), "amount": money(payment.amount), "on": day(on)}
        )
    buckets = {name: Bucket(ledger.owed[name], ledger.paid[name]) for name in BUCKETS}
    doubled = Bucket(ledger.doubled_owed(), ledger.doubled_paid)
    outstanding = sum((bucket.outstanding for bucket in buckets.values()), doubled.outstanding)
    summary = (
        _("Owed on %(on)s: %(amount)s, doubled interest to that day included.")
        if delay_from is not None
        else _("Owed on %(on)s: %(amount)s, without doubled interest.")
    )
    ledger.trace.append(summary % {"on": day(on), "amount": money(outstanding)})
    return Standing(
        on=on,
        **buckets,
        doubled_interest=doubled,
        delay_from=delay_from,
        surplus=ledger.surplus,
        trace=tuple(ledger.trace),
        not_counted=later,
        fee_paid_unheld=ledger.fee_unheld,
    )


def _fee_line(obligation: Obligation) -> str:
    """The trace's line on the application fee: the scale's on the amount fixed, or the court's
    ("" when there is none to tell: nothing fixed, nothing decided)."""
    fixed = sum(
        (_amount(getattr(obligation, name), name) for name in ("principal", "interest", "costs")), ZERO
    )
    values = {"fee": money(obligation.fee), "base": money(fixed), "scale": money(enforcement_fee(fixed))}
    if obligation.fee_decided and obligation.fee == 0:
        return _("Application fee for enforcement waived by the court (the scale gives %(scale)s).") % values
    if obligation.fee_decided:
        return (
            _(
                "Application fee for enforcement as the court decided: %(fee)s (the scale gives %(scale)s), owed first."
            )
            % values
        )
    if obligation.fee == 0:
        return ""  # nothing fixed, nothing charged: no line
    return (
        _(
            "Application fee for enforcement on the %(base)s the basis fixed: %(fee)s, borne by the debtor, owed first."
        )
        % values
    )


# --- R-FUND-01 / R-FUND-02 clocks ---------------------------------------------------------------------


def _period(amount: int, unit: str, field_name: str) -> tuple[int, Unit]:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise InvalidInput("PERIOD_INVALID", _("A period is a whole number of days, at least 1."), field=field_name)  # fmt: skip
    if unit == "days":
        return amount, "days"
    if unit == "working_days":
        return amount, "working_days"
    raise InvalidInput("PERIOD_UNIT_INVALID", _("A period counts days or working days."), field=field_name)  # fmt: skip


def identify_by(
    arrived_on: dt.date, *, amount: int = IDENTIFY_PERIOD[0], unit: str = IDENTIFY_PERIOD[1]
) -> Deadline:
    """R-FUND-01: money that matches no case (不明款) is identified within 3 working days of its arrival
    (法发〔2017〕6号; *configurable*); R-TIME-01: the day of arrival is not counted, a due day on a
    holiday moves to the next working day. The trace keeps the period in force."""
    days, counted_in = _period(amount, unit, "identify_period")
    return compute_deadline(arrived_on, days, counted_in, rule_id="R-FUND-01", start_event="funds.arrived")


def pay_out_by(
    arrived_on: dt.date, *, amount: int = PAY_OUT_PERIOD[0], unit: str = PAY_OUT_PERIOD[1]
) -> Deadline:
    """R-FUND-02: money received is paid out to the applicant within 30 days of its arrival (法发〔2017〕6号;
    *configurable*, local rules tighten it to e.g. 5 or 10 working days); R-TIME-01 counting."""
    days, counted_in = _period(amount, unit, "pay_out_period")
    return compute_deadline(arrived_on, days, counted_in, rule_id="R-FUND-02", start_event="funds.arrived")


# --- R-FUND-02: who approves a payout ---------------------------------------------------------------


def needs_president(amount: Decimal, above: Decimal | None) -> bool:
    """R-FUND-02: paying out needs the officer's proposal and an approval by a team leader or the
    president, "*configurable* above an amount": a payout of more than `above` (the court's
    `payout_president_above`) is approved by the president alone; at or below it, or when the court
    set no amount (None), by a team leader or the president. Every payout is approved, by someone
    other than its proposer (four eyes, `orgs.permissions.can`), whatever its amount."""
    return above is not None and amount > above
