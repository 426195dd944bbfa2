"""Reads on cases for the pages: workbench, case search, overdue list, case detail and its timeline.

Every function starts from `visible_to(user)`, so what a user cannot see is simply absent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.cases.models import (
    Assignment,
    Case,
    CaseSuspension,
    ExtensionRequest,
    ExtensionStatus,
    NodeStatus,
    Party,
    PartyRole,
    PeriodUnit,
    ProcessNode,
)
from enforcelink.cases.search import SearchNote, search
from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from enforcelink.core.money import to_capital
from enforcelink.orgs.models import Role, User
from enforcelink.orgs.scoping import court_scope


def overdue_q(today: dt.date) -> Q:
    """A node is overdue once the sweep marked it, or while still open past its due date
    (between the due date and the next sweep)."""
    return Q(status=NodeStatus.OVERDUE) | Q(status=NodeStatus.OPEN, due_on__lt=today)


def with_days_overdue(nodes: list[ProcessNode], today: dt.date) -> list[ProcessNode]:
    for node in nodes:
        node.days_overdue = (today - node.due_on).days  # type: ignore[attr-defined]
    return nodes


def normalise_case_number(text: str) -> str:
    """案号 are stored with full-width brackets; people type either kind."""
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def case_list(
    user: User,
    *,
    text: str = "",
    status: str = "",
    type_code: str = "",
    officer: User | None = None,
    note: SearchNote | None = None,
) -> QuerySet[Case]:
    """The case list with search (`cases.search`: exact matches first; `note.broad` when too many
    match to rank) and filters; parties prefetched for the respondent column."""
    cases = search(Case.objects.visible_to(user), text, note)
    if status:
        cases = cases.filter(status=status)
    if type_code:
        cases = cases.filter(type_code=type_code)
    if officer is not None:
        cases = cases.filter(officer=officer)
    respondents = Party.objects.filter(role=PartyRole.RESPONDENT).order_by("position")
    return cases.select_related("court", "officer").prefetch_related(
        Prefetch("parties", queryset=respondents, to_attr="respondents")
    )


def officers_for(user: User) -> QuerySet[User]:
    """The officers a user may filter the case list by: those of the courts the user can read."""
    return (
        User.objects.filter(court_scope(user), role__in=[Role.OFFICER, Role.TEAM_LEADER], is_active=True)
        .select_related("court")
        .order_by("court__code", "full_name", "username")
    )


def officer_labels(officers: Iterable[User]) -> list[tuple[User, str]]:
    """Each officer with the name to show. Two people may share a name (the demo's 渝0110 has two
    王斌, and the 承办人 filter listed the name twice, as real courts would): those are told apart by
    their user names."""
    officers = list(officers)
    shared = {name for name, count in Counter(str(officer) for officer in officers).items() if count > 1}
    return [
        (officer, _("%(name)s (%(username)s)") % {"name": officer, "username": officer.username})
        if str(officer) in shared
        else (officer, str(officer))
        for officer in officers
    ]


def court_overdue(
    user: User,
    today: dt.date,
    *,
    officer: User | None = None,
    team: Any = None,
    kind: str = "",
    min_days: int = 0,
) -> QuerySet[ProcessNode]:
    """The command centre's list: overdue nodes of open cases across the user's court, the longest
    overdue first; narrowed to an officer, a team, a node kind, or nodes overdue by `min_days` or more."""
    nodes = ProcessNode.objects.visible_to(user).filter(overdue_q(today), case__status="open")
    if officer is not None:
        nodes = nodes.filter(case__officer=officer)
    if team is not None:
        nodes = nodes.filter(case__team=team)
    if kind:
        nodes = nodes.filter(kind=kind)
    if min_days:
        nodes = nodes.filter(due_on__lte=today - dt.timedelta(days=min_days))
    return nodes.select_related("case", "case__officer", "case__team").order_by("due_on", "id")


def visible_case(user: User, pk: int) -> Case:
    """The case if the user may see it; 404 alike for missing and for another court's case."""
    case = Case.objects.visible_to(user).select_related("court", "officer", "team").filter(pk=pk).first()
    if case is None:
        raise Http404(_("No such case."))
    return case


def visible_party(user: User, case_pk: int, party_pk: int) -> Party:
    party = Party.objects.visible_to(user).select_related("case", "case__court").filter(pk=party_pk).first()
    if party is None or party.case_id != case_pk:
        raise Http404(_("No such party."))
    return party


@dataclass
class Amount:
    label: str
    value: Decimal
    capital: str


@dataclass
class CaseDetail:
    case: Case
    applicants: list[Party]
    respondents: list[Party]
    nodes: list[ProcessNode]
    timeline: list[AuditEvent]
    assignments: list[Assignment]
    amounts: list[Amount]
    tags: list[str]
    suspensions: list[CaseSuspension]
    extensions: list[ExtensionRequest]

    @property
    def parties(self) -> list[Party]:
        return self.applicants + self.respondents

    @property
    def open_suspension(self) -> CaseSuspension | None:
        return next((s for s in self.suspensions if s.ended_on is None), None)

    @property
    def pending_extension(self) -> ExtensionRequest | None:
        return next((e for e in self.extensions if e.status == ExtensionStatus.PENDING), None)


def case_tags(case: Case) -> list[str]:
    flags = (
        (case.is_livelihood, _("Livelihood (涉民生)")),
        (case.is_small_claim, _("Small claim (小标的)")),
        (case.is_labour_pay, _("Labour pay (劳动报酬)")),
        (case.is_financial, _("Financial (涉金融)")),
        (case.is_enterprise, _("Enterprise (涉企)")),
        (case.is_non_litigation, _("Non-litigation")),
    )
    return [label for flag, label in flags if flag]


def case_amounts(case: Case) -> list[Amount]:
    """R-MONEY-01: each amount also in Chinese capital numerals."""
    values = (
        (_("Principal"), case.principal),
        (_("Interest"), case.interest),
        (_("Costs"), case.costs),
        (_("Total"), case.amount_total),
    )
    return [Amount(label, value, to_capital(value)) for label, value in values]


VARIANTS = {
    "standard": gettext_lazy("standard period"),
    "urgent": gettext_lazy("urgent period"),
    "non_litigation": gettext_lazy("non-litigation period"),
}


def period_label(period: Any) -> str:
    """{"amount": 3, "unit": "months"} → "3 months" in the user's language (R-TIME-02 trace)."""
    if not isinstance(period, dict) or "amount" not in period:
        return ""
    unit = period.get("unit", "")
    label = PeriodUnit(unit).label if unit in PeriodUnit.values else unit
    return f"{period['amount']} {label}"


def in_force(node: ProcessNode) -> str:
    """The rule values the clock was opened with, in words: "期限 6 个月（一般期限，默认规则）"."""
    values = node.rule_values or {}
    if not period_label(values):
        return ""
    variant = values.get("variant", "")
    return _("The period in force is %(period)s (%(variant)s, %(source)s).") % {
        "period": period_label(values),
        "variant": VARIANTS.get(variant, variant),
        "source": _("court's own rule") if values.get("court_override") else _("default rule"),
    }


def case_detail(case: Case, today: dt.date) -> CaseDetail:
    """Everything the detail page shows, read in a fixed number of queries."""
    parties = list(case.parties.order_by("role", "position", "id"))
    nodes = list(case.nodes.order_by("due_on", "id"))
    for node in nodes:
        node.is_late = node.status == NodeStatus.OVERDUE or (  # type: ignore[attr-defined]
            node.status == NodeStatus.OPEN and node.due_on < today
        )
        node.in_force = in_force(node)  # type: ignore[attr-defined]
    return CaseDetail(
        case=case,
        applicants=[p for p in parties if p.role == PartyRole.APPLICANT],
        respondents=[p for p in parties if p.role == PartyRole.RESPONDENT],
        nodes=nodes,
        timeline=timeline(case),
        assignments=list(case.assignments.select_related("officer", "team", "actor")),
        amounts=case_amounts(case),
        tags=case_tags(case),
        suspensions=list(case.suspensions.select_related("created_by").order_by("started_on", "id")),
        extensions=list(case.extension_requests.select_related("requested_by", "decided_by")),
    )


def timeline(case: Case) -> list[AuditEvent]:
    """The case's events as recorded on the trail, oldest first (never reconstructed), each told in
    words as `event.told` (`core.narration`: the apps above cases tell their own, a request's steps
    included)."""
    events = list(AuditEvent.objects.filter(case_id=case.pk).select_related("actor").order_by("seq"))
    narration.tell(events)
    return events
