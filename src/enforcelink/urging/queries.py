"""Reads of pre-enforcement supervision, all through `Judgment.objects.visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from enforcelink.orgs.scoping import get_visible_or_404
from enforcelink.urging import policy
from enforcelink.urging.models import DECIDED, Judgment, JudgmentStatus


def judgment_list(user: Any, *, status: str = "", search: str = "") -> QuerySet[Judgment]:
    judgments = Judgment.objects.visible_to(user).select_related("court", "converted_case")
    if status:
        judgments = judgments.filter(status=status)
    if search:
        judgments = judgments.filter(
            Q(number__contains=search) | Q(parties__name__contains=search)
        ).distinct()
    return judgments.prefetch_related("parties")


def visible_judgment(user: Any, pk: int) -> Judgment:
    return get_visible_or_404(Judgment.objects.select_related("court", "converted_case"), user, pk=pk)


@dataclass(frozen=True)
class RateRow:
    court: str
    judge: str
    registered: int
    decided: int
    performed: int
    unpaid: int
    converted: int

    @property
    def rate(self) -> float | None:
        return policy.voluntary_rate(self.performed, self.decided)


def voluntary_rates(user: Any, *, year: int | None = None) -> list[RateRow]:
    """自动履行率 per court and judge, in one grouped query; `year` is the year the judgment took effect."""
    judgments = Judgment.objects.visible_to(user)
    if year:
        judgments = judgments.filter(effective_on__year=year)
    rows = (
        judgments.values("court__name", "judge_name")
        .annotate(
            registered=Count("pk"),
            decided=Count("pk", filter=Q(status__in=DECIDED)),
            performed=Count("pk", filter=Q(status=JudgmentStatus.PERFORMED)),
            unpaid=Count("pk", filter=Q(status=JudgmentStatus.UNPAID)),
            converted=Count("pk", filter=Q(status=JudgmentStatus.CONVERTED)),
        )
        .order_by("court__name", "judge_name")
    )
    return [
        RateRow(
            row["court__name"],
            row["judge_name"],
            row["registered"],
            row["decided"],
            row["performed"],
            row["unpaid"],
            row["converted"],
        )
        for row in rows
    ]


def court_totals(rows: list[RateRow]) -> list[RateRow]:
    """The per-court line above its judges."""
    totals: dict[str, list[int]] = {}
    for row in rows:
        acc = totals.setdefault(row.court, [0, 0, 0, 0, 0])
        for i, value in enumerate((row.registered, row.decided, row.performed, row.unpaid, row.converted)):
            acc[i] += value
    return [RateRow(court, "", *values) for court, values in totals.items()]
