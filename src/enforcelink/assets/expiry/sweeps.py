"""The daily expiry sweep of control measures (R-ASSET-02, R-ASSET-04), registered in assets/tasks.py.

- `sweep_lapses(day)`: a measure in effect past its last day, with no renewal confirmed (a confirmed
  renewal moved its end), lapses. Each row is claimed by its own conditional UPDATE
  (`core.sweeps.claim_each`: status in effect and the end before `day`), so two workers never lapse
  one twice; only the worker that lapsed it writes the trail and tells the officer. What it held no
  longer counts under the case's budget (only measures in effect do, `control.budget`), so the
  budget frees that amount. A lapsed seizure frees its asset: the first seizure waiting on it takes
  effect the day after the lapsed term's last day (`waiting.promote_next`, each in its own
  transaction after the page's).
- `sweep_reminders(day)`: the officer of each measure whose term ends within a threshold (30 days
  by default; the setting ENFORCELINK_CONTROL_REMIND_DAYS lists them) hears of it once per measure,
  term and threshold (`ExpiryReminder`, inserted ON CONFLICT DO NOTHING: the row is the claim), in
  one message per officer with the link to the renewal list — no daily repetition.

Measures are never locked here behind their case: the UPDATE claims the row alone, and the trail's
head is taken last, as every writer takes it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcelink.assets import policy as asset_policy
from enforcelink.assets.control.budget import held_by
from enforcelink.assets.control.models import HOLDING, IN_EFFECT, ControlMeasure, MeasureKind, MeasureStatus
from enforcelink.assets.expiry import queries, waiting
from enforcelink.assets.expiry.models import ExpiryReminder
from enforcelink.assets.expiry.policy import threshold_for
from enforcelink.core import audit
from enforcelink.core.notifications import Note, notify_all
from enforcelink.core.sweeps import claim_each

ACTOR = "assets:expiry"  # the trail's name for the sweep
PAGE = 2000


def remind_days() -> tuple[int, ...]:
    """R-ASSET-02: the days before the end at which the officer is warned (*configurable*)."""
    days = getattr(settings, "ENFORCELINK_CONTROL_REMIND_DAYS", (asset_policy.REMIND_DAYS,))
    return tuple(sorted({int(d) for d in days if int(d) >= 0})) or (asset_policy.REMIND_DAYS,)


def sweep(day: dt.date) -> int:
    """Lapse what ended before `day`, then warn of what ends soon; returns how many rows acted on."""
    return sweep_lapses(day) + sweep_reminders(day)


# --- lapses ---------------------------------------------------------------------------------------------


def lapse_due(day: dt.date) -> Q:
    return Q(status__in=list(IN_EFFECT), term_end__lt=day, waiting_position__isnull=True)


def sweep_lapses(day: dt.date) -> int:
    freed: list[tuple[int, dt.date]] = []

    def lapsed(won: list[dict[str, Any]]) -> None:
        rows = list(
            ControlMeasure.objects.filter(pk__in=[row["pk"] for row in won])
            .select_related("case", "unit").order_by("pk")
        )  # fmt: skip
        children: dict[int, list[ControlMeasure]] = defaultdict(list)
        for child in ControlMeasure.objects.filter(parent_id__in=[m.pk for m in rows]):
            children[child.parent_id].append(child)  # type: ignore[index]
        before = {row["pk"]: row["status"] for row in won}
        entries, notes = [], []
        for measure in rows:
            measure.status = before[measure.pk]  # what it held, read as it was in effect
            held = held_by(measure, children[measure.pk])
            entries.append(audit.Entry(
                "control.lapsed", measure, actor=ACTOR, case_id=measure.case_id, court_id=measure.case.court_id,
                before={"status": before[measure.pk]},
                after={"kind": measure.kind, "identifier": measure.identifier, "term_end": measure.term_end,
                       "held": held, "status": MeasureStatus.LAPSED},
            ))  # fmt: skip
            if measure.case.officer_id:
                message = _(
                    "Case %(case)s: the %(kind)s of %(what)s lapsed after %(end)s without renewal; the %(held)s it held is freed from the budget."
                ) % {"case": measure.case.number, "kind": measure.get_kind_display(),
                     "what": measure.identifier or measure.unit.name, "end": measure.term_end, "held": held}  # fmt: skip
                url = reverse("case-detail", args=[measure.case_id]) + "#assets-controls"
                notes.append(Note(measure.case.officer_id, "control.lapsed", message, url, measure.case_id))
            if measure.kind == MeasureKind.SEIZE and measure.term_end is not None:
                freed.append((measure.pk, asset_policy.freed_on_lapse(measure.term_end)))
        notify_all(notes)
        audit.append_many(entries)

    count = claim_each(
        ControlMeasure.objects.filter(kind__in=list(HOLDING)), lapse_due(day), {"status": MeasureStatus.LAPSED},
        lapsed, keep=("status",),
    )  # fmt: skip
    for measure_id, freed_on in freed:  # R-ASSET-04: the next in line takes effect
        waiting.promote_next(measure_id, freed_on, cause="lapsed", actor=ACTOR)
    return count


# --- reminders ------------------------------------------------------------------------------------------


def sweep_reminders(day: dt.date) -> int:
    thresholds = remind_days()
    rows = queries.running().filter(term_end__gte=day, term_end__lte=day + dt.timedelta(days=max(thresholds)))
    values = [(pk, end) for pk, end in rows.order_by("pk").values_list("pk", "term_end") if end is not None]
    sent = 0
    for start in range(0, len(values), PAGE):
        sent += _remind_page(values[start : start + PAGE], day, thresholds)
    return sent


def _remind_page(page: list[tuple[int, dt.date]], day: dt.date, thresholds: tuple[int, ...]) -> int:
    claim = uuid.uuid4().hex
    with transaction.atomic():
        rows = []
        for pk, term_end in page:
            within = threshold_for((term_end - day).days, thresholds)
            if within is not None:
                rows.append(ExpiryReminder(measure_id=pk, term_end=term_end, within_days=within, sent_on=day,
                                           claim=claim))  # fmt: skip
        ExpiryReminder.objects.bulk_create(rows, ignore_conflicts=True)
        won = list(
            ExpiryReminder.objects.filter(claim=claim)
            .select_related("measure__case")
            .order_by("measure__term_end", "measure_id")
        )
        by_officer: dict[int, list[ExpiryReminder]] = defaultdict(list)
        for reminder in won:
            officer = reminder.measure.case.officer_id or reminder.measure.created_by_id
            if officer is not None:
                by_officer[officer].append(reminder)
        notes = []
        for officer, reminders in sorted(by_officer.items()):
            first = reminders[0]
            widest = max(r.within_days for r in reminders)
            values = {"count": len(reminders), "days": widest, "first": first.term_end.isoformat(),
                      "case": first.measure.case.number}  # fmt: skip
            message = (
                _(
                    "%(count)s control measure(s) of your cases end within %(days)s days, the first on %(first)s (%(case)s): renew them before they lapse."
                )
                % values
            )
            url = f"{reverse('controls-expiring')}?days={widest}"
            case_id = first.measure.case_id if len({r.measure.case_id for r in reminders}) == 1 else None
            notes.append(Note(officer, "control.expiring", message, url, case_id))
        for officer, reminders in by_officer.items():
            ExpiryReminder.objects.filter(pk__in=[r.pk for r in reminders]).update(notified_id=officer)
        notify_all(notes)
    return len(won)
