"""What durations and waiting lists do when a unit answers (`request.completed`), after the controls'
own listener (`assets.controls`, subscribed first) has recorded the answer on the measure — inside
the same transaction, on rows of the payload's case only (the case and its measures are locked by
the controls' listener already):

- a freeze, seizure or detention confirmed: its end is checked against the legal maximum counted
  from the day of effect (R-ASSET-02, `policy.confirmed_end`): the unit's date is kept when within
  it, the maximum otherwise (and when the unit gave none); a seizure registered behind another
  court's (`waiting`, or 轮候 in the note) gets its place in the line and no term yet (R-ASSET-04);
- a renewal confirmed (`renew_freeze`, `renew_seizure`): the new end is at most the same maximum
  counted from the end it renews (R-ASSET-02); a renewal reaching a measure that lapsed meanwhile
  has no effect and says so;
- a release of a seizure confirmed: the first seizure waiting on the asset takes effect from the
  release day (R-ASSET-04) — after the commit, in its own transaction, as it is another case's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from enforcelink.assets.control.listeners import trail_actor
from enforcelink.assets.control.models import IN_EFFECT, ControlMeasure, MeasureKind, MeasureStatus
from enforcelink.assets.expiry import waiting
from enforcelink.assets.expiry.policy import confirmed_end, term_class_of
from enforcelink.core import audit

HOLDING_TYPES = ("freeze", "seize", "detain_vehicle")
RENEWAL_TYPES = ("renew_freeze", "renew_seizure")


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _record_kind(measure: ControlMeasure) -> str | None:
    return measure.record.kind if measure.record_id and measure.record else None


def on_completed(
    *,
    request_id: int,
    case_id: int,
    court_id: int,
    request_type: str,
    result: Any,
    actor: Any,
    **_payload: Any,
) -> ControlMeasure | None:
    """`request.completed` listener "assets.expiry" (module docstring); any other type: nothing read."""
    if request_type not in (*HOLDING_TYPES, *RENEWAL_TYPES, "release") or not isinstance(result, dict):
        return None
    measure = ControlMeasure.objects.select_related("record", "unit").filter(request_id=request_id).first()
    if measure is None:
        return None
    who = trail_actor(actor)
    if request_type in HOLDING_TYPES:
        return _held(measure, result, court_id, who)
    if request_type in RENEWAL_TYPES:
        return _renewed(measure, court_id, who)
    return _released(measure)


def _held(measure: ControlMeasure, result: dict[str, Any], court_id: int, who: Any) -> ControlMeasure:
    if measure.status not in IN_EFFECT or measure.confirmed_at is None or measure.term_start is None:
        return measure
    if measure.kind == MeasureKind.SEIZE and (
        result.get("waiting") is True or "轮候" in str(result.get("note") or "")
    ):
        position = waiting.place_in_line(measure, court_id)
        measure.save(update_fields=["waiting_position", "term_end"])
        audit.record(
            "control.waiting", measure, actor=who, case_id=measure.case_id, court_id=court_id,
            after={"kind": measure.kind, "identifier": measure.identifier, "position": position,
                   "registered_on": measure.term_start, "note": str(result.get("note") or "")[:300]},
        )  # fmt: skip
        return measure
    given = measure.term_end
    end = confirmed_end(measure.term_start, given, term_class_of(measure.kind, _record_kind(measure)))
    if end.on != given:
        measure.term_end = end.on
        measure.save(update_fields=["term_end"])
        audit.record(
            "control.term_fixed", measure, actor=who, case_id=measure.case_id, court_id=court_id,
            after={"kind": measure.kind, "given": given, "term_end": end.on, "cut": end.cut,
                   "effective_on": measure.term_start},
        )  # fmt: skip
    return measure


def _renewed(renewal: ControlMeasure, court_id: int, who: Any) -> ControlMeasure:
    if renewal.kind != MeasureKind.RENEW or renewal.parent_id is None:
        return renewal
    parent = ControlMeasure.objects.select_related("record").filter(pk=renewal.parent_id).first()
    if parent is None:
        return renewal
    details = renewal.request.details if isinstance(renewal.request.details, dict) else {}
    current = _date(details.get("current_until"))
    if parent.status not in IN_EFFECT or current is None:
        reason = _("The renewal was confirmed after the measure had lapsed or was released: no effect.")
        if parent.status not in IN_EFFECT:
            ControlMeasure.objects.filter(pk=renewal.pk).update(note=reason[:500])
            audit.record(
                "control.renewal_ignored", renewal, actor=who, case_id=renewal.case_id, court_id=court_id,
                after={"kind": parent.kind, "renews": parent.pk, "parent_status": parent.status, "reason": reason},
            )  # fmt: skip
        return renewal
    confirmed = parent.term_end
    end = confirmed_end(current, confirmed, term_class_of(parent.kind, _record_kind(parent)))
    if end.on != confirmed or end.on <= current:
        parent.term_end = max(end.on, current)
        parent.save(update_fields=["term_end"])
    ControlMeasure.objects.filter(pk=renewal.pk).update(
        term_start=current + dt.timedelta(days=1), term_end=parent.term_end
    )
    audit.record(
        "control.renewed", parent, actor=who, case_id=parent.case_id, court_id=court_id,
        after={"kind": parent.kind, "identifier": parent.identifier, "renewal": renewal.pk,
               "previous_end": current, "given": confirmed, "term_end": parent.term_end, "cut": end.cut},
    )  # fmt: skip
    return renewal


def _released(lift: ControlMeasure) -> ControlMeasure:
    parent = ControlMeasure.objects.filter(pk=lift.parent_id).first() if lift.parent_id else None
    if parent is None or parent.kind != MeasureKind.SEIZE or parent.status != MeasureStatus.RELEASED:
        return lift
    freed_on = lift.term_start
    if parent.waiting_position is not None:  # a waiting one released: those behind it move up
        ControlMeasure.objects.filter(pk=parent.pk).update(waiting_position=None)
        transaction.on_commit(lambda: waiting.renumber(parent.pk), robust=True)
    elif freed_on is not None:
        transaction.on_commit(
            lambda: waiting.promote_next(parent.pk, freed_on, cause="released"), robust=True
        )
    return lift
