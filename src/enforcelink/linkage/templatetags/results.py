"""`{{ result|labelled:request_type }}`: a unit's structured result read out with the labels of the
request type's reply form (a household inquiry's "record found", a deposit inquiry's "property found").

The result is stored with its field names (`accounts`, `served_on`), which machines and the
spreadsheet exchange read; a clerk reads "账户" and "送达日期" instead.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from enforcelink.linkage.forms import field_label

register = template.Library()


def _text(value: Any) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return "" if value is None else str(value)


def _label(name: str, request_type: str) -> str:
    return str(field_label(name, request_type) or name)


@register.filter
def labelled(result: Any, request_type: str = "") -> list[dict[str, Any]]:
    """`{"label", "text"}` per field; a list field (accounts, property found) gives `{"label", "rows"}`,
    one line per row: "label: value · label: value"."""
    if not isinstance(result, dict):
        return []
    out: list[dict[str, Any]] = []
    for name, value in result.items():
        if isinstance(value, list):
            rows = [
                " · ".join(f"{_label(k, request_type)}: {_text(v)}" for k, v in row.items()) if isinstance(row, dict) else _text(row)
                for row in value
            ]  # fmt: skip
            out.append({"label": _label(name, request_type), "rows": rows})
        else:
            out.append({"label": _label(name, request_type), "text": _text(value)})
    return out
