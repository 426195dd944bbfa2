"""`{{ amount|yuan }}`: money on a page as R-MONEY-01 reads it — "1,234,567.89 元", two decimals
always, grouped by thousands, a minus sign before a negative amount (`core.money.format_yuan`).

Nothing (None, "") shows as nothing, so a page chooses its own placeholder
(`{{ value|yuan|default:"—" }}`). A value that is not a number is shown as it is: a page never fails
on a figure. Exports keep numbers (`funds.desk.sheet_response`); this is for reading only.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from enforcelink.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))  # a float's shortest text, never its binary expansion
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    return format_yuan(amount)
