"""轮候查封: waiting-list seizures (issue 15 §6, R-ASSET-04, 查封规定 Art.26).

A seizure the unit registers behind an earlier one (its answer says `waiting`, or its note 轮候) is
kept in effect with its place in the line (`waiting_position`, 1 = next) and no term yet: the line
of one asset is every waiting seizure of the court's cases on it (same unit, same asset record key),
in the order the unit registered them (`assets.policy.waiting_order`).

When the measure ahead is freed the first waiting seizure takes effect by itself (`promote_next`):
ours, released (`listeners.release_confirmed`) or lapsed (`lapses.sweep_lapses`), or another
court's, which the officer records from what the registry says (`earlier_freed`). It is effective
from the release day, or the day after a lapsed term's last day, and its term is counted from then
(`assets.policy.promote`); the officer is told, the others move up.

While it waits a seizure holds nothing: it is not "value under control" (R-ASSET-03), so it uses no
budget and stops no freeze (`control.budget`). Promoted, it comes under control, and the budget
applies as to a confirmation — in the promotion's transaction, the case's surplus is released by the
same rule (`control.listeners.settle`): latest under control first, the promoted seizure counted
from the day it took effect; a freeze in part down to exactly the excess; an item released whole
when it fits in the excess, or when the money released before it covers the budget instead; kept
above the budget only when nothing else is available, with that reason recorded. It is not promoted
"for what is left": a seizure holds an item whole and takes effect by itself at the registry when the
earlier one goes (查封规定 Art.26), so what the court controls is corrected by release, as R-ASSET-03
says (ex officio), not by refusing what the registry has already registered. When nobody of the
court can send that release (`control.actions.sender_for`: nobody of the court left who may send
requests, NO_SENDER), the promotion stands and the measure's note says why its surplus waits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.assets import policy as asset_policy
from enforcelink.assets.control.budget import measures_of
from enforcelink.assets.control.listeners import settle
from enforcelink.assets.control.models import IN_EFFECT, ControlMeasure, MeasureKind
from enforcelink.assets.expiry.policy import term_class_of
from enforcelink.assets.models import AssetRecord
from enforcelink.cases.models import Case
from enforcelink.core import audit
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.notifications import notify
from enforcelink.core.text import clean_text
from enforcelink.orgs.permissions import Action, require

ACTOR = "assets:waiting"  # the trail's name for a promotion the platform makes by itself


def asset_of(measure: ControlMeasure, court_id: int) -> Q:
    """The seizures of the court's cases on the same asset as `measure`: the same unit and the same
    asset record key (several cases' records of one asset share it), or the same identifier."""
    found = Q(case__court_id=court_id, unit_id=measure.unit_id, kind=MeasureKind.SEIZE)
    record = measure.record if measure.record_id else None
    if record is not None:
        return found & Q(record__kind=record.kind, record__key=record.key)
    return found & Q(identifier=measure.identifier, record__isnull=True)


def _registered_at(row: Any) -> dt.datetime:
    """When the unit registered a seizure: its registration day, at the moment of the confirmation."""
    confirmed = timezone.localtime(row["confirmed_at"] or row["created_at"])
    day = row["term_start"] or confirmed.date()
    return dt.datetime.combine(day, confirmed.timetz())


def _line(asset: Q) -> list[asset_policy.Waiting]:
    rows = ControlMeasure.objects.filter(asset, status__in=list(IN_EFFECT), waiting_position__isnull=False)
    return [
        asset_policy.Waiting(row["pk"], _registered_at(row))
        for row in rows.values("pk", "term_start", "confirmed_at", "created_at")
    ]


def _number(order: list[int], skip: int | None = None) -> None:
    """Positions 1, 2, … in `order` (rows whose position is already right are left alone)."""
    for position, pk in enumerate(order, start=1):
        if pk != skip:
            ControlMeasure.objects.filter(pk=pk).exclude(waiting_position=position).update(
                waiting_position=position
            )


def place_in_line(measure: ControlMeasure, court_id: int) -> int:
    """R-ASSET-04: a seizure just confirmed as waiting gets its place; no term runs while it waits.
    The caller holds the measure's case and measures locked and saves `measure`."""
    measure.waiting_position = 0  # in the line while it is ordered (saved below with its place)
    measure.term_end = None
    ControlMeasure.objects.filter(pk=measure.pk).update(waiting_position=0, term_end=None)
    order = asset_policy.waiting_order(_line(asset_of(measure, court_id)))
    position = order.index(measure.pk) + 1
    measure.waiting_position = position
    _number(order, skip=measure.pk)
    return position


def promote_next(
    measure_id: int, freed_on: dt.date, *, cause: str, actor: Any = ACTOR
) -> ControlMeasure | None:
    """The measure `measure_id` (ours, freed) or the asset it stood on: its first waiting seizure
    takes effect on `freed_on` (R-ASSET-04). Its own transaction: the waiting seizure's case row, then
    that case's measures (the controls' lock order). None when nobody waits, or one of ours still
    holds the asset ahead of the line."""
    freed = ControlMeasure.objects.select_related("case", "record").filter(pk=measure_id).first()
    if freed is None:
        return None
    return _promote(asset_of(freed, freed.case.court_id), freed.record, freed_on, cause=cause, actor=actor)


def _promote(asset: Q, record: AssetRecord | None, freed_on: dt.date, *, cause: str, actor: Any) -> ControlMeasure | None:  # fmt: skip
    with transaction.atomic():
        line = _line(asset)
        if not line:
            return None
        ahead = ControlMeasure.objects.filter(
            asset, status__in=list(IN_EFFECT), waiting_position__isnull=True
        )
        if ahead.exists():
            return None
        first_id = asset_policy.waiting_order(line)[0]
        case_id = ControlMeasure.objects.filter(pk=first_id).values_list("case_id", flat=True).get()
        case = Case.objects.select_for_update().get(pk=case_id)
        measures = measures_of(case, lock=True)
        first = next(m for m in measures if m.pk == first_id)
        if first.status not in IN_EFFECT or first.waiting_position is None:
            return None  # promoted or released meanwhile
        record_kind = (
            record.kind
            if record is not None
            else (first.record.kind if first.record_id and first.record else None)
        )
        promotion = asset_policy.promote(line, freed_on, term_class_of(MeasureKind.SEIZE, record_kind))
        assert promotion is not None and promotion.measure_id == first.pk
        first.waiting_position = None
        first.term_start, first.term_end = promotion.effective_on, promotion.end_on
        first.save(update_fields=["waiting_position", "term_start", "term_end"])
        _number(list(promotion.still_waiting))
        audit.record(
            "control.promoted", first, actor=actor, case_id=case.pk, court_id=case.court_id,
            after={"kind": first.kind, "identifier": first.identifier, "effective_on": promotion.effective_on,
                   "term_end": promotion.end_on, "cause": cause, "still_waiting": len(promotion.still_waiting)},
        )  # fmt: skip
        _within_budget(case, measures, first, actor)
        if case.officer_id:
            notify(
                [case.officer_id], kind="control.promoted",
                message=_("Case %(case)s: the waiting seizure of %(what)s took effect on %(on)s (the earlier seizure was freed); it holds until %(end)s.")
                % {"case": case.number, "what": first.identifier or first.unit.name,
                   "on": promotion.effective_on.isoformat(), "end": promotion.end_on.isoformat()},
                url=reverse("case-detail", args=[case.pk]) + "#assets-controls", case_id=case.pk,
            )  # fmt: skip
    return first


def _within_budget(case: Case, measures: list[ControlMeasure], promoted: ControlMeasure, actor: Any) -> None:
    """R-ASSET-03 after a promotion (module docstring): the surplus released in this transaction."""
    try:
        with transaction.atomic():  # a savepoint: a release that cannot be sent leaves the promotion
            settle(case, measures, actor=actor, cause=promoted)
    except RuleViolation as error:
        if error.code != "NO_SENDER":
            raise
        ControlMeasure.objects.filter(pk=promoted.pk).update(note=str(error.message)[:500])


def renumber(measure_id: int) -> None:
    """The line of the asset `measure_id` stood on, numbered again (one left it)."""
    freed = ControlMeasure.objects.select_related("case", "record").filter(pk=measure_id).first()
    if freed is not None:
        with transaction.atomic():
            _number(asset_policy.waiting_order(_line(asset_of(freed, freed.case.court_id))))


HOW = ("released", "lapsed")


def earlier_freed(
    record: AssetRecord | int, *, how: Any, on: Any, note: Any = "", actor: Any
) -> ControlMeasure | None:
    """R-ASSET-04: the officer records that another court's earlier seizure of `record` (one of its
    "measures by other courts") was released on `on`, or lapsed with `on` its last day; the first of
    the court's waiting seizures on the asset takes effect (the release day, or the day after).
    Returns the seizure promoted. NOTHING_WAITING when none of ours waits on it."""
    pk = record if isinstance(record, int) else record.pk
    found = AssetRecord.objects.select_related("case").filter(pk=pk).first()
    if found is None:
        raise NotFound(field="record")
    require(actor, Action.CONTROL_ASSETS, found.case, field="record")
    if how not in HOW:
        raise InvalidInput(
            "HOW_INVALID", _("Say whether the earlier seizure was released or lapsed."), field="how"
        )
    day = _day(on)
    text = clean_text(str(note or "").strip(), field="note", max_length=300)
    if day > timezone.localdate():
        raise InvalidInput("FREED_IN_FUTURE", _("This date is in the future."), field="on")
    asset = Q(case__court_id=found.case.court_id, unit_id=found.unit_id, kind=MeasureKind.SEIZE,
              record__kind=found.kind, record__key=found.key)  # fmt: skip
    if not _line(asset):
        raise RuleViolation(
            "NOTHING_WAITING", _("None of the court's seizures waits behind another on this property."),
            field="record",
        )  # fmt: skip
    freed_on = asset_policy.freed_on_lapse(day) if how == "lapsed" else day
    with transaction.atomic():  # the waiting case's row first (in `_promote`), the trail's head last
        promoted = _promote(asset, found, freed_on, cause=f"other_court_{how}", actor=actor)
        audit.record(
            "control.earlier_freed", found, actor=actor, case_id=found.case_id, court_id=found.case.court_id,
            after={"identifier": found.identifier, "how": how, "on": day, "freed_on": freed_on, "note": text,
                   "other_measures": found.other_measures, "promoted": promoted.pk if promoted else None},
        )  # fmt: skip
    return promoted


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        raise InvalidInput("DATE_INVALID", _("Expected a date like 2026-03-01."), field="on") from None
