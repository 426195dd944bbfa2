"""续行: renewing control measures before they lapse (issue 15 §6, R-ASSET-02), one or many at once.

A renewal is one measure of kind `renew` (its `parent` the freeze or seizure it renews) travelling as
one `renew_freeze` / `renew_seizure` request to the unit that holds the property; the notice names
the current end (`current_until`) and the end asked (`until`: the current end + at most the same
maximum, the current end's day not counted again — `assets.policy.renewal_end`). The new end takes
effect when the unit confirms (`listeners.renewal_confirmed`, after the controls' own listener).

A measure past its last day has lapsed and is not renewed (MEASURE_LAPSED, `assets.policy
.check_renewal`); nor is a measure not in effect, one waiting behind another seizure (R-ASSET-04:
its term has not started), or one whose renewal is already on its way (RENEWAL_OPEN).

`renew_each` renews every measure it can, each in its own transaction (the case row, then the case's
measures by pk — the controls' lock order), and lists each it could not with the code and the
reason, as linkage's `requests_send_each` does. A measure the officer may not control, or no such
measure, refuses the whole call with the same NOT_FOUND before anything is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.assets import policy as asset_policy
from enforcelink.assets.control.budget import held_by, measures_of
from enforcelink.assets.control.models import (
    IN_EFFECT,
    RENEWAL_TYPES,
    ControlMeasure,
    MeasureKind,
    MeasureStatus,
)
from enforcelink.assets.expiry import queries
from enforcelink.assets.expiry.policy import term_class_of
from enforcelink.cases.actions import ensure_open_or_terminated
from enforcelink.cases.models import Case
from enforcelink.core import audit
from enforcelink.core.api import MAX_PK
from enforcelink.core.errors import DomainError, InvalidInput, NotFound, RuleViolation
from enforcelink.linkage.actions import Ask, request_create, request_send
from enforcelink.linkage.policy import TERM_DETAIL
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, require

LEGAL_BASIS = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条"
PURPOSES = {
    MeasureKind.FREEZE: "冻结期限届满前续行冻结，续行期限不超过法定最长期限",
    MeasureKind.SEIZE: "查封期限届满前续行查封，续行期限不超过法定最长期限",
}
MAX_BATCH = 500  # measures renewed in one click


@dataclass(frozen=True)
class Refused:
    """A measure not renewed, and why (a code for programs, a sentence for people)."""

    measure_id: int
    case_number: str
    code: str
    message: str


@dataclass
class RenewReport:
    made: list[ControlMeasure] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def _ids(values: Any) -> list[int]:
    if not isinstance(values, (list, tuple)) or not values:
        raise InvalidInput("MEASURES_REQUIRED", _("Choose at least one measure to renew."), field="measures")
    if len(values) > MAX_BATCH:
        raise InvalidInput(
            "MEASURES_TOO_MANY", _("At most %(count)s measures at once.") % {"count": MAX_BATCH},
            field="measures",
        )  # fmt: skip
    ids = []
    for value in values:
        number = _whole(value) if isinstance(value, (int, str)) else None
        if number is None or not 1 <= number <= MAX_PK:  # a database's integer, as the API's
            raise InvalidInput(
                "MEASURES_INVALID", _("Measures are given by their numbers."), field="measures"
            )
        ids.append(number)
    return sorted(set(ids), key=ids.index)


def _whole(value: Any) -> int | None:
    """A whole number written in ASCII digits (str.isdigit also takes "²", which int refuses), at most
    19 of them; None for anything else."""
    if isinstance(value, bool):
        return None
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    return int(text)


def _months(value: Any) -> int | None:
    if value in (None, ""):
        return None
    number = _whole(value)
    if number is None:
        raise InvalidInput(
            "TERM_INVALID", _("A term is a whole number of months, at least 1."), field="months"
        )
    return number


def renew(
    measure: ControlMeasure | int, *, actor: User, months: Any = None, today: dt.date | None = None
) -> ControlMeasure:
    """Renew one freeze or seizure (module docstring); returns the renewal measure, sent."""
    pk = measure if isinstance(measure, int) else measure.pk
    wanted = _months(months)
    today = today or timezone.localdate()
    row = ControlMeasure.objects.filter(pk=pk).select_related("case").first()
    if row is None:
        raise NotFound(field="measure")
    require(actor, Action.CONTROL_ASSETS, row.case, field="measure")
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=row.case_id).first()
        if case is None:
            raise NotFound(field="measure")
        measures = measures_of(case, lock=True)
        target = next(m for m in measures if m.pk == pk)
        ensure_open_or_terminated(case)
        until = _check(target, measures, today, wanted)
        children = [m for m in measures if m.parent_id == target.pk]
        held = held_by(target, children)
        if held <= 0:
            raise RuleViolation(
                "MEASURE_STATE", _("This measure holds nothing any more: there is nothing to renew."),
                field="measure",
            )  # fmt: skip
        assert target.term_end is not None
        record_kind = target.record.kind if target.record_id and target.record else None
        details: dict[str, Any] = {
            "current_until": target.term_end.isoformat(), "until": until.isoformat(),
            TERM_DETAIL: term_class_of(target.kind, record_kind),  # the unit's answer is held to it
        }  # fmt: skip
        if target.kind == MeasureKind.FREEZE:
            details["amount"] = str(held)
            if target.identifier:
                details["account"] = target.identifier
        elif target.identifier:
            details["certificate"] = target.identifier
        request_type = RENEWAL_TYPES[MeasureKind(target.kind)]
        ask = Ask(target.unit, request_type, PURPOSES[MeasureKind(target.kind)], LEGAL_BASIS, details)
        request = request_send(request_create(case, ask, actor=actor), actor=actor)
        renewal = ControlMeasure.objects.create(
            case_id=case.pk, record=target.record, kind=MeasureKind.RENEW, request=request, unit=target.unit,
            identifier=target.identifier, requested_amount=held, parent=target, created_by=actor,
            reason=_("Renewal until %(until)s") % {"until": until.isoformat()},
        )  # fmt: skip
        audit.record(
            "control.renew_sent", renewal, actor=actor, case_id=case.pk, court_id=case.court_id,
            after={"kind": target.kind, "request": request.pk, "unit": target.unit_id, "amount": held,
                   "identifier": target.identifier, "renews": target.pk,
                   "current_until": target.term_end, "until": until},
        )  # fmt: skip
    return renewal


def _check(
    target: ControlMeasure, measures: list[ControlMeasure], today: dt.date, months: int | None
) -> dt.date:
    """R-ASSET-02: what may be renewed, and until when (the end asked)."""
    if target.kind not in RENEWAL_TYPES:
        raise RuleViolation("MEASURE_KIND", _("Only a freeze or a seizure is renewed."), field="measure")
    if target.waiting_position is not None and target.status in IN_EFFECT:
        raise RuleViolation(  # R-ASSET-04
            "MEASURE_WAITING",
            _("This seizure waits behind an earlier one: its term has not started."),
            field="measure",
        )
    if target.status == MeasureStatus.LAPSED and target.term_end is not None:
        asset_policy.check_renewal(target.term_end, max(today, target.term_end + dt.timedelta(days=1)))
    if target.status not in IN_EFFECT or target.term_end is None:
        raise RuleViolation("MEASURE_STATE", _("Only a measure in effect is renewed."), field="measure")
    asset_policy.check_renewal(target.term_end, today)  # MEASURE_LAPSED past its last day
    if any(
        m.parent_id == target.pk and m.kind == MeasureKind.RENEW and m.status == MeasureStatus.SENT
        for m in measures
    ):
        raise RuleViolation(
            "RENEWAL_OPEN", _("A renewal of this measure is already waiting for the unit."), field="measure"
        )
    record_kind = target.record.kind if target.record_id and target.record else None
    return asset_policy.renewal_end(target.term_end, term_class_of(target.kind, record_kind), months=months)


def renew_each(
    measures: Any, *, actor: User, months: Any = None, today: dt.date | None = None
) -> RenewReport:
    """Renew each chosen measure that can be (module docstring): one request per measure, the
    others listed with why."""
    ids = _ids(measures)
    wanted = _months(months)
    found = queries.controllable(actor, ids)
    if any(pk not in found for pk in ids):
        raise NotFound(field="measures")
    report = RenewReport()
    for pk in sorted(ids, key=lambda pk: (found[pk].case_id, pk)):
        try:
            report.made.append(renew(pk, actor=actor, months=wanted, today=today))
        except DomainError as error:
            report.refused.append(Refused(pk, found[pk].case.number, str(error.code), str(error.message)))
    return report


__all__ = ["Refused", "RenewReport", "renew", "renew_each"]
