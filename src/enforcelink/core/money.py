"""Money in yuan: Decimal with two places, and Chinese capital numerals (R-MONEY-01)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from enforcelink.core.errors import InvalidInput

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999999999.99")
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万亿")


def parse_amount(value: object, *, field_name: str = "amount", allow_zero: bool = True) -> Decimal:
    """R-MONEY-01: a non-negative yuan amount with at most two decimals; floats are refused."""
    if isinstance(value, float):
        raise TypeError("amounts are never floats")
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    text = text.removesuffix("元")
    if not _AMOUNT.match(text):
        raise InvalidInput("AMOUNT_INVALID", _("Enter an amount in yuan, e.g. 12345.67."), field=field_name)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(
            "AMOUNT_INVALID", _("Enter an amount in yuan, e.g. 12345.67."), field=field_name
        ) from None
    if amount < 0:
        raise InvalidInput("AMOUNT_NEGATIVE", _("An amount cannot be negative."), field=field_name)
    if amount > MAX_AMOUNT:  # before quantize, which raises past 28 digits
        raise InvalidInput("AMOUNT_TOO_LARGE", _("The amount is too large."), field=field_name)
    if amount != amount.quantize(CENT):
        raise InvalidInput(
            "AMOUNT_PRECISION", _("An amount has at most two decimals (fen)."), field=field_name
        )
    if not allow_zero and amount == 0:
        raise InvalidInput("AMOUNT_ZERO", _("The amount must be greater than zero."), field=field_name)
    return amount.quantize(CENT)


def format_yuan(amount: Decimal, *, space: str = " ") -> str:
    """R-MONEY-01: 124700.5 → "124,700.50 元" (grouped, two decimals, from a Decimal); printed
    documents pass `space=""` ("120,000.00元")."""
    if isinstance(amount, float):
        raise TypeError("amounts are never floats")
    shown = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if shown == 0:
        shown = abs(shown)  # -0.001 rounds to "-0.00": nothing is owed either way
    return f"{shown:,}{space}元"


def _four_digits(group: int) -> str:
    """Read 0–9999 in capitals, with 零 for inner gaps (e.g. 1005 → 壹仟零伍)."""
    out: list[str] = []
    zero_pending = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(DIGITS[digit] + SMALL_UNITS[position])
    return "".join(out)


def to_capital(amount: Decimal) -> str:
    """R-MONEY-01: 12345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分; 1005 → 壹仟零伍元整."""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        return "负" + to_capital(-amount)
    yuan = int(amount)
    fen_total = int((amount - yuan) * 100)
    jiao, fen = divmod(fen_total, 10)
    parts: list[str] = []
    if yuan:
        groups: list[int] = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        need_zero = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                need_zero = True
                continue
            if parts and (need_zero or group < 1000):
                parts.append("零")
            parts.append(_four_digits(group) + BIG_UNITS[index])
            need_zero = False
        parts.append("元")
    if not jiao and not fen:
        return ("".join(parts) or "零元") + "整"
    if jiao:
        parts.append(DIGITS[jiao] + "角")
    elif parts:
        parts.append("零")
    if fen:
        parts.append(DIGITS[fen] + "分")
    else:
        parts.append("整")
    return "".join(parts)
