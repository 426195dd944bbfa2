"""The daily expiry sweep of control measures (R-ASSET-02, R-ASSET-04), registered in assets/tasks.py.

- `sweep_lapses(day)`: a measure in effect past its last day, with no renewal confirmed (a confirmed
  renewal moved its end), lapses. Each row is claimed by its own conditional UPDATE
  (`core.sweeps.claim_each`: status in effect and the end before `day`), so two workers never lapse
  one twice; only the worker that lapsed it writes the trail and tells the officer. What it held no
  longer counts under the case's budget (only measures in effect do, `control.budget`), so the
  budget frees that amount. A lapsed seizure frees its asset: the first seizure waiting on it takes
  effect the day after the lapsed term's last day (`waiting.promote_next`, each in its own
  transaction after the page's).
- `sweep_missed_promotions(day)`: the backstop of R-ASSET-04. A promotion runs after its cause's
  commit (a lapse's page, a release's confirmation), so a crash or a lost callback between the two
  leaves a seizure waiting on an asset nothing of ours holds any more. Each day the waiting seizures
  whose asset one of our seizures held when they were registered, and which that one has since
  left (lapsed, or released after they joined the line), with nothing of ours holding it now, are
  found in one query and promoted through `waiting.promote_next`, the event's own path (the same
  day of effect: the release day, or the day after the lapsed term's last day). A seizure that
  joined the line after ours was freed waits behind another court's and stays waiting.
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
from django.db.models import Exists, OuterRef, Q, QuerySet
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
    """Lapse what ended before `day`, promote what a lapse or release left waiting, then warn of what
    ends soon; returns how many rows acted on."""
    return sweep_lapses(day) + sweep_missed_promotions(day) + sweep_reminders(day)


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


# --- missed promotions (R-ASSET-04) -----------------------------------------------------------------------

FREED = (MeasureStatus.LAPSED, MeasureStatus.RELEASED)


def _freed_while_waiting(registered_on: Any, confirmed_at: Any) -> QuerySet[ControlMeasure]:
    """Our seizures that held an asset (a term: a seizure released while it waited never had one)
    and left it after a seizure registered on `registered_on`, confirmed at `confirmed_at`, joined
    its line: lapsed with that day within their term, or released by a release confirmed after."""
    lift = ControlMeasure.objects.filter(
        parent=OuterRef("pk"),
        kind=MeasureKind.RELEASE,
        status__in=list(IN_EFFECT),
        confirmed_at__gte=confirmed_at,
    )
    return ControlMeasure.objects.filter(kind=MeasureKind.SEIZE, term_end__isnull=False).filter(
        Q(status=MeasureStatus.LAPSED, term_end__gte=registered_on)
        | Q(Exists(lift), status=MeasureStatus.RELEASED)
    )


def _on_its_asset(rows: QuerySet[ControlMeasure]) -> Q:
    """`rows` on the asset of the outer waiting seizure, as `waiting.asset_of` matches them."""
    same = rows.filter(
        case__court_id=OuterRef("case__court_id"), unit_id=OuterRef("unit_id"), kind=MeasureKind.SEIZE
    )
    by_record = same.filter(record__kind=OuterRef("record__kind"), record__key=OuterRef("record__key"))
    by_identifier = same.filter(record__isnull=True, identifier=OuterRef("identifier"))
    return Q(Exists(by_record), record__isnull=False) | Q(Exists(by_identifier), record__isnull=True)


def missed_promotions() -> QuerySet[ControlMeasure]:
    """The waiting seizures a freed seizure of ours left waiting with nothing of ours ahead (module)."""
    holding = ControlMeasure.objects.filter(status__in=list(IN_EFFECT), waiting_position__isnull=True)
    freed = _freed_while_waiting(OuterRef("term_start"), OuterRef(OuterRef("confirmed_at")))
    return (
        ControlMeasure.objects.filter(kind=MeasureKind.SEIZE, status__in=list(IN_EFFECT), waiting_position__isnull=False)
        .filter(_on_its_asset(freed))
        .exclude(_on_its_asset(holding))
        .select_related("case", "record")
        .order_by("pk")
    )  # fmt: skip


def _freed_on(measure: ControlMeasure) -> dt.date | None:
    if measure.status == MeasureStatus.LAPSED:
        return asset_policy.freed_on_lapse(measure.term_end) if measure.term_end else None
    lift = measure.children.filter(kind=MeasureKind.RELEASE, status__in=list(IN_EFFECT)).order_by(
        "-term_start"
    )
    return lift.values_list("term_start", flat=True).first()


def sweep_missed_promotions(day: dt.date) -> int:
    """R-ASSET-04's backstop (module docstring): promote what a lapse or release left waiting;
    returns how many seizures it promoted. `day` is the sweep's period only."""
    promoted = 0
    for stuck in list(missed_promotions()):  # of one asset only the first in line is promoted
        freed = _freed_while_waiting(stuck.term_start, stuck.confirmed_at).filter(
            waiting.asset_of(stuck, stuck.case.court_id)
        )
        by_day = [(on, m) for m in freed if (on := _freed_on(m)) is not None]
        if not by_day:
            continue
        freed_on, measure = max(by_day, key=lambda pair: (pair[0], pair[1].pk))
        first = waiting.promote_next(measure.pk, freed_on, cause=measure.status, actor=ACTOR)
        promoted += first is not None
    return promoted


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
