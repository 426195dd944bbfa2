"""Reads of the linkage platform: responsibility lists as they apply to a unit, and scoped requests."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from enforcelink.cases.models import Party, PartyRole
from enforcelink.core.text import pinyin_key
from enforcelink.linkage import policy
from enforcelink.linkage.models import (
    WITH_UNIT,
    AssistanceRequest,
    RequestStatus,
    RequestType,
    Responsibility,
    UnitEndpoint,
)
from enforcelink.orgs.models import ApiKey, LinkageUnit, Role, UnitType, User
from enforcelink.orgs.permissions import PERMISSIONS, Action
from enforcelink.orgs.scoping import unit_directory_scope


def _entry(row: Responsibility) -> policy.Entry | None:
    if not row.handled:
        return None
    attachments = tuple(row.attachments) or policy.shipped_attachments(row.request_type)
    return policy.Entry(row.sla_amount, row.sla_unit, row.needs_approval, attachments)


def responsibility_list(unit: LinkageUnit) -> dict[str, policy.Entry]:
    """What this unit handles and under which SLA: the shipped list of its type, overridden by the
    administrators' rows for the type, then by rows for this one unit (an unticked row removes)."""
    entries: dict[str, policy.Entry | None] = dict(policy.DEFAULT_LISTS.get(unit.unit_type, {}))
    rows = list(Responsibility.objects.filter(unit_type=unit.unit_type, unit__isnull=True))
    rows += list(Responsibility.objects.filter(unit=unit))  # later rows win: the unit's own
    for row in rows:
        entries[row.request_type] = _entry(row)
    return {kind: entry for kind, entry in entries.items() if entry is not None}


def responsibility_for(unit: LinkageUnit, request_type: str) -> policy.Entry | None:
    return responsibility_list(unit).get(request_type)


def responsibility_lists(units: Iterable[LinkageUnit]) -> dict[int, dict[str, policy.Entry]]:
    """`responsibility_list` of many units at once, in two queries whatever their number."""
    units = list(units)
    by_type: dict[str, list[Responsibility]] = defaultdict(list)
    for row in Responsibility.objects.filter(unit__isnull=True, unit_type__in={u.unit_type for u in units}):
        by_type[row.unit_type].append(row)
    by_unit: dict[int, list[Responsibility]] = defaultdict(list)
    for row in Responsibility.objects.filter(unit__in=[u.pk for u in units]):
        by_unit[row.unit_id or 0].append(row)
    lists = {}
    for unit in units:
        entries: dict[str, policy.Entry | None] = dict(policy.DEFAULT_LISTS.get(unit.unit_type, {}))
        for row in [*by_type[unit.unit_type], *by_unit[unit.pk]]:  # the unit's own rows win
            entries[row.request_type] = _entry(row)
        lists[unit.pk] = {kind: entry for kind, entry in entries.items() if entry is not None}
    return lists


def with_recipient(units: QuerySet[LinkageUnit]) -> QuerySet[LinkageUnit]:
    """Annotate `reachable`: someone at the unit can receive a request — a person who may answer it
    (a liaison, the unit's leader: whoever `Action.REPLY` names, active), the unit's system (an
    API key not revoked) or its webhook. A request to a unit with none of them reaches nobody."""
    roles = [hat for hat in PERMISSIONS[Action.REPLY].hats if hat in Role.values]
    people = User.objects.filter(unit=OuterRef("pk"), is_active=True, role__in=roles)
    keys = ApiKey.objects.filter(unit=OuterRef("pk"), revoked_at__isnull=True)
    hooks = UnitEndpoint.objects.filter(unit=OuterRef("pk"), active=True)
    return units.annotate(reachable=Exists(people) | Exists(keys) | Exists(hooks))


# The order unit types are offered in: the declaration order of `UnitType` (the police and the
# banks first, as the seeds list them), `other` last.
UNIT_TYPE_ORDER = {kind: index for index, kind in enumerate(UnitType.values)}


@dataclass(frozen=True)
class UnitGroup:
    """Units of one type, in pinyin order of their names."""

    unit_type: str
    label: str
    units: list[LinkageUnit]


def directory_units(user: Any) -> QuerySet[LinkageUnit]:
    """The active units the court may send to (its directory, `orgs.scoping`), with `reachable`."""
    return with_recipient(LinkageUnit.objects.filter(unit_directory_scope(user), active=True))


def offered_units(
    user: Any, kinds: Iterable[str], units: Iterable[LinkageUnit] | None = None
) -> list[UnitGroup]:
    """The units of the court's directory whose responsibility list (shipped, with the
    administrators' overrides) covers at least one of `kinds`, grouped by unit type in
    `UNIT_TYPE_ORDER`, names in pinyin order; each unit gets `handles`, the kinds it takes. Three
    queries (the units, the type overrides, the unit overrides), or two when `units` is given."""
    wanted = [kind for kind in dict.fromkeys(kinds) if kind in RequestType.values]
    if not wanted:
        return []
    units = list(directory_units(user) if units is None else units)
    lists = responsibility_lists(units)
    groups: dict[str, list[LinkageUnit]] = defaultdict(list)
    for unit in units:
        handles = [kind for kind in wanted if kind in lists[unit.pk]]
        if handles:
            unit.handles = handles  # type: ignore[attr-defined]
            groups[unit.unit_type].append(unit)
    labels = dict(UnitType.choices)
    return [
        UnitGroup(kind, str(labels.get(kind, kind)), sorted(groups[kind], key=lambda u: pinyin_key(u.name)))
        for kind in sorted(groups, key=lambda kind: UNIT_TYPE_ORDER.get(kind, len(UNIT_TYPE_ORDER)))
    ]


# A request still waiting on someone: asking the same unit the same thing again would only make it
# answer twice (a draft has reached nobody, and is not counted).
OPEN = (
    RequestStatus.PENDING_APPROVAL,
    RequestStatus.SENT,
    RequestStatus.ACKNOWLEDGED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.RETURNED,
)


def open_requests(case_ids: Iterable[int], unit_ids: Iterable[int]) -> list[AssistanceRequest]:
    """The open requests of these cases to these units (one query), for the duplicate check."""
    return list(
        AssistanceRequest.objects.filter(
            case_id__in=set(case_ids), unit_id__in=set(unit_ids), status__in=OPEN
        ).only("pk", "case_id", "unit_id", "request_type", "details", "status")
    )


def respondent_kinds(case_ids: Iterable[int]) -> dict[int, set[str]]:
    """Each case's respondents' kinds (person, organisation), in one query: whom a person-only
    request could be about (`policy.check_subject`)."""
    kinds: dict[int, set[str]] = {}
    rows = Party.objects.filter(case_id__in=set(case_ids), role=PartyRole.RESPONDENT).values_list(
        "case_id", "kind"
    )
    for case_id, kind in rows:
        kinds.setdefault(case_id, set()).add(kind)
    return kinds


@dataclass(frozen=True)
class ListLine:
    """One line of a unit type's list as it applies now: the shipped entry, the administrators' row
    for the type that overrides it (if any), and how many units of the type have a row of their own."""

    unit_type: str
    request_type: str
    shipped: policy.Entry | None
    override: Responsibility | None
    own_rows: int = 0

    @property
    def effective(self) -> policy.Entry | None:
        return self.shipped if self.override is None else _entry(self.override)


def type_lists(unit_type: str | None = None) -> list[ListLine]:
    """Every unit type's list (or one type's), shipped lines first in their shipped order, then the
    request types only an override adds. Two queries, whatever the number of types."""
    types = [unit_type] if unit_type else list(UnitType.values)
    rows = Responsibility.objects.filter(unit__isnull=True, unit_type__in=types)
    overrides = {(row.unit_type, row.request_type): row for row in rows}
    own = Responsibility.objects.filter(unit__isnull=False, unit__unit_type__in=types)
    counts = {
        (row["unit__unit_type"], row["request_type"]): row["n"]
        for row in own.values("unit__unit_type", "request_type").annotate(n=Count("id"))
    }
    lines = []
    for kind in types:
        shipped = policy.DEFAULT_LISTS.get(kind, {})
        added = [t for t in RequestType.values if (kind, t) in overrides and t not in shipped]
        for request_type in [*shipped, *added]:
            key = (kind, request_type)
            entry = shipped.get(request_type)
            lines.append(ListLine(kind, request_type, entry, overrides.get(key), counts.get(key, 0)))
    return lines


def visible_requests(user: Any) -> QuerySet[AssistanceRequest]:
    return AssistanceRequest.objects.visible_to(user).select_related("case", "unit")


@dataclass
class UnitFigures:
    """One unit and request type over a period (issue 4 §6)."""

    unit_id: int
    unit: str
    request_type: str
    label: str
    volume: int = 0
    answered: int = 0
    on_time: int = 0
    overdue: int = 0
    ack_hours: list[float] = field(default_factory=list)
    done_hours: list[float] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.answered if self.answered else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return policy.wilson(self.on_time, self.answered)

    @property
    def ranked(self) -> bool:
        return self.answered >= policy.MIN_RANK_VOLUME

    def hours(self, which: str, share: float) -> float | None:
        return policy.percentile(self.ack_hours if which == "ack" else self.done_hours, share)


def _hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    return (end - start).total_seconds() / 3600 if start and end else None


COLUMNS = (
    "unit_id",
    "unit__name",
    "request_type",
    "status",
    "sent_at",
    "acknowledged_at",
    "completed_at",
    "due_on",
)


def unit_performance(user: Any, *, start: dt.date, end: dt.date, today: dt.date) -> list[UnitFigures]:
    """Volume, time to acknowledge and to answer (median, p90 in hours), on-time rate with its Wilson
    interval, and overdue count, per unit and request type, for requests sent in [start, end].
    Ranked best first by the interval's lower bound; units below the minimum volume come last."""
    rows = (
        AssistanceRequest.objects.visible_to(user)
        .filter(sent_at__date__gte=start, sent_at__date__lte=end)
        .values_list(*COLUMNS)
    )
    labels = dict(RequestType.choices)
    figures: dict[tuple[int, str], UnitFigures] = {}
    for unit_id, unit, kind, status, sent, acked, done, due in rows.iterator(chunk_size=5000):
        row = figures.get((unit_id, kind))
        if row is None:
            row = figures[unit_id, kind] = UnitFigures(unit_id, unit, kind, str(labels.get(kind, kind)))
        row.volume += 1
        if (hours := _hours(sent, acked)) is not None:
            row.ack_hours.append(hours)
        if done is not None and status in (RequestStatus.COMPLETED, RequestStatus.REJECTED):
            row.answered += 1
            row.done_hours.append(_hours(sent, done) or 0.0)
            on_time = due is None or timezone.localdate(done) <= due
            row.on_time += on_time
            row.overdue += not on_time
        elif status in WITH_UNIT and due is not None and due < today:
            row.overdue += 1

    def order(row: UnitFigures) -> tuple[bool, float, str]:
        low = row.interval[0] if row.interval else 0.0
        return (not row.ranked, -low, row.unit)

    return sorted(figures.values(), key=order)


def overdue_requests(user: Any, today: dt.date, limit: int = 200) -> QuerySet[AssistanceRequest]:
    """The supervisors' view of escalation: requests still with a unit past their deadline."""
    return (
        visible_requests(user)
        .filter(status__in=WITH_UNIT, due_on__lt=today)
        .select_related("case__court")
        .order_by("due_on", "pk")[:limit]
    )
