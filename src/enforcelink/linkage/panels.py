"""The case page's assistance-requests panel (issue 14 §2, `cases.panels`): the case's requests
grouped by unit and request type, each with its state, due date and what the unit answered, in
words (labels from the reply form, money as 124,700.50 元, dates in the reader's format), and the
way to send a request where the reader may."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.models import Case
from enforcelink.cases.panels import Panel
from enforcelink.core import narration
from enforcelink.core.errors import DomainError
from enforcelink.core.money import format_yuan, parse_amount
from enforcelink.linkage import policy, queries
from enforcelink.linkage.forms import field_label
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can

ORDER = 20  # after the documents: the notice first, then the inquiries
ITEMS_SHOWN = (
    3  # rows of a list answer (accounts, property) shown on the case page; the rest on the request's
)


@dataclass
class Kind:
    label: str
    requests: list[AssistanceRequest]


@dataclass
class UnitGroup:
    unit: str
    kinds: list[Kind] = field(default_factory=list)


def _label(name: str, request_type: str) -> str:
    return str(field_label(name, request_type) or narration.humanise(name))


def _value(spec: policy.Field | None, value: Any) -> str:
    kind = spec.kind if spec is not None else ""
    if value is None or value == "":
        return "—"
    if kind == "bool" or isinstance(value, bool):
        return narration.yes_no(value)
    if kind == "amount":
        try:
            return format_yuan(parse_amount(value) if not isinstance(value, Decimal) else value)
        except (DomainError, TypeError):
            return str(value)
    if kind == "date":
        return narration.day(value)
    return str(value)


def result_summary(request_type: str, result: Any) -> list[str]:
    """A unit's structured answer as lines a clerk reads: "Amount frozen: 124,700.50 元", and for a
    list (accounts, property found) its count and its first rows."""
    if not isinstance(result, dict):
        return []
    specs = {spec.name: spec for spec in policy.result_fields(request_type)}
    lines = []
    for name, value in result.items():
        spec = specs.get(name)
        if isinstance(value, list):
            items = {item.name: item for item in spec.item} if spec is not None else {}
            lines.append(
                _("%(label)s: %(count)d") % {"label": _label(name, request_type), "count": len(value)}
            )
            for row in value[:ITEMS_SHOWN]:
                cells = row.items() if isinstance(row, dict) else [("", row)]
                lines.append(
                    " · ".join(_value(items.get(key), cell) for key, cell in cells if cell not in ("", None))
                )
            if len(value) > ITEMS_SHOWN:
                lines.append(_("… and %(count)d more") % {"count": len(value) - ITEMS_SHOWN})
        else:
            lines.append(
                _("%(label)s: %(value)s")
                % {"label": _label(name, request_type), "value": _value(spec, value)}
            )
    return lines


def grouped(requests: list[AssistanceRequest]) -> list[UnitGroup]:
    """By unit (by name), then by request type (by its label), the newest request first in each."""
    groups = []
    for (unit, _pk), of_unit in groupby(requests, key=lambda req: (req.unit.name, req.unit_id)):
        group = UnitGroup(unit)
        rows = sorted(of_unit, key=lambda req: (str(req.get_request_type_display()), -req.pk))
        for label, of_kind in groupby(rows, key=lambda req: str(req.get_request_type_display())):
            group.kinds.append(Kind(label, list(of_kind)))
        groups.append(group)
    return groups


def requests_panel(case: Case, actor: User) -> Panel | None:
    """None for a reader who sees none of the case's requests and may not send one (one query)."""
    requests = list(
        queries.visible_requests(actor).filter(case=case).order_by("unit__name", "unit_id", "-pk")
    )
    may_send = can(actor, Action.SEND_REQUEST, case) and not case.is_closed
    if not requests and not may_send:
        return None
    for req in requests:
        req.summary = result_summary(req.request_type, req.result)  # type: ignore[attr-defined]
    context = {
        "groups": grouped(requests),
        "count": len(requests),
        "may_send": may_send,
        "today": timezone.localdate(),
    }
    return Panel("linkage", "linkage/_case_panel.html", ORDER, context)
