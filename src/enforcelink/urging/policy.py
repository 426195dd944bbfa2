"""Rules of pre-enforcement supervision (执前督促) as pure functions.

The performance deadline follows R-TIME-01 (the day the judgment takes effect is not counted; a
deadline on a holiday moves to the next working day) and keeps its trace (R-TIME-02).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from enforcelink.core.calendar import Deadline, compute_deadline
from enforcelink.core.errors import InvalidInput
from enforcelink.core.identifiers import PROVINCE_SHORT

# A trial-stage case number: （2026）渝0110民初123号, （2025）渝01民终45号, （2026）渝0110知民初7号.
JUDGMENT_NUMBER = re.compile(
    rf"^[（(](?P<year>\d{{4}})[）)][{PROVINCE_SHORT}](?:\d{{4}}|\d{{2}})?"
    r"(?P<type>[\u4e00-\u9fff]{1,4})(?P<seq>[1-9]\d*)号(?:之[一二三四五六七八九十]+)?$"
)
MAX_PERFORMANCE_DAYS = 365
REMIND_DAYS_BEFORE = 3  # the judge is reminded this many days before the deadline


def clean_judgment_number(value: str) -> str:
    """Normalise half-width brackets; refuse anything that is not a trial case number."""
    text = re.sub(r"\s", "", value or "").replace("(", "（").replace(")", "）")
    match = JUDGMENT_NUMBER.match(text)
    if not match or "执" in match["type"]:
        raise InvalidInput(
            "JUDGMENT_NUMBER_INVALID",
            _("%(value)s is not a trial case number like （2026）渝0110民初123号.") % {"value": value or "—"},
            field="number",
        )
    return text


def clean_effective_on(effective_on: dt.date, today: dt.date) -> dt.date:
    if effective_on > today:
        raise InvalidInput(
            "DATE_IN_FUTURE", _("The effective date cannot be in the future."), field="effective_on"
        )
    return effective_on


def clean_performance_days(days: object) -> int:
    try:
        number = int(str(days).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_PERFORMANCE_DAYS:
        raise InvalidInput(
            "NUMBER_RANGE",
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": 1, "high": MAX_PERFORMANCE_DAYS},
            field="performance_days",
        )
    return number


def performance_due(effective_on: dt.date, days: int) -> Deadline:
    """R-TIME-01 / R-TIME-02: the deadline the judgment sets, counted from the day it takes effect."""
    return compute_deadline(effective_on, days, "days", rule_id="R-TIME-01", start_event="judgment_effective")


def should_remind(due_on: dt.date, today: dt.date) -> bool:
    return today <= due_on <= today + dt.timedelta(days=REMIND_DAYS_BEFORE)


def outstanding(
    principal: Decimal, interest: Decimal, costs: Decimal, performed: Decimal
) -> tuple[Decimal, ...]:
    """(principal, interest, costs) left to enforce after a part payment. A payment that covers only
    part of the debt goes to the costs first, then the interest, then the principal (Civil Code
    Art. 561, the order when the parties agreed none)."""
    paid = performed
    left: dict[str, Decimal] = {}
    for name, amount in (("costs", costs), ("interest", interest), ("principal", principal)):
        used = min(amount, paid)
        left[name] = amount - used
        paid -= used
    return left["principal"], left["interest"], left["costs"]


def voluntary_rate(performed: int, decided: int) -> float | None:
    """自动履行率 = judgments performed voluntarily ÷ judgments whose deadline has passed (performed,
    unpaid or sent to enforcement). None when nothing has been decided yet."""
    return performed / decided if decided else None
