"""Demo assistance requests: the demo officer's open cases asked of the 綦江 units, through the real
actions (numbers, notices, SLA clocks, trail), some answered, so the inbox and the figures show.

The unit whose liaison `demo-logins` prints (`PRIMARY_LOGINS`) is left to people: the simulators
skip it (`HUMAN_UNITS`, read by `enforcelink simulate agencies`), and its liaison finds requests
waiting in every state a newcomer should see — new, acknowledged, due soon and overdue."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone

from enforcelink.cases.models import Case, Party, PartyKind, PartyRole
from enforcelink.core.calendar import is_working_day
from enforcelink.demo.world import PRIMARY_LOGINS
from enforcelink.linkage import actions, holdings, policy, queries
from enforcelink.linkage.models import AssistanceRequest, RequestEvent
from enforcelink.linkage.simulator import result_for
from enforcelink.orgs.models import LinkageUnit, Role, User
from enforcelink.orgs.permissions import Action, can

ASKS = (("bank", "inquire_deposits"), ("estate", "inquire_real_estate"), ("vehicle", "inquire_vehicles"),
        ("police", "inquire_household"))  # fmt: skip
PURPOSE = "查明被执行人财产状况以便执行"
BASIS = "《中华人民共和国民事诉讼法》第二百四十九条、第二百五十三条"
# The printed liaison's inbox: (request type, working days since it was sent, acknowledged). A
# 3-working-day inquiry sent 2 working days ago is due soon; one sent 6 ago is 3 days overdue. Only
# kinds on the 分局's list (`world.UNIT_LISTS`: exit-entry questions go to its exit-entry administration).
INBOX = (("locate_person", 6, False), ("inquire_household", 6, True), ("inquire_household", 2, True),
         ("locate_person", 0, True), ("inquire_household", 0, False))  # fmt: skip
PERSON_PURPOSE = "查明被执行人户籍、住址、出入境证件及下落以便执行"


def human_units() -> list[int]:
    """The units whose people `demo-logins` prints (the liaison, the unit leader): answered by hand."""
    names = [PRIMARY_LOGINS[Role.LIAISON], PRIMARY_LOGINS[Role.UNIT_LEADER]]
    return list(
        User.objects.filter(username__in=names, unit__isnull=False)
        .values_list("unit_id", flat=True)
        .distinct()
    )


def load_requests(cases: int, *, seed: int, skip_cases: Collection[int] = ()) -> int:
    """One inquiry to each of four units for `cases` of the demo officer's open cases, the
    person-only one only where a respondent is a natural person (R-EXIT-01); about half answered
    with a result of the type's shape by the units' first liaisons — except the printed liaison's
    unit, whose inbox gets `INBOX`. Does nothing when requests already exist (other than on
    `skip_cases`: those `demo.story` carried through the assets app's one-click inquiry)."""
    officer = User.objects.filter(username=PRIMARY_LOGINS[Role.OFFICER]).first()
    if officer is None or cases <= 0 or AssistanceRequest.objects.exclude(case_id__in=skip_cases).exists():
        return 0
    units = {
        slug: User.objects.filter(username=f"{slug}-liaison1").select_related("unit").first()
        for slug, _ in ASKS
    }
    left = set(human_units())
    rng = random.Random(seed * 104729)
    made = 0
    mine = Case.objects.open().filter(officer=officer).exclude(pk__in=skip_cases)
    chosen = list(mine.order_by("pk")[:cases])
    kinds = queries.respondent_kinds(case.pk for case in chosen)
    for case in chosen:
        asks = [
            actions.Ask(_unit(units[slug]), kind, PURPOSE, BASIS)
            for slug, kind in ASKS
            if units[slug] and (kind not in policy.PERSON_ONLY or "person" in kinds.get(case.pk, set()))
        ]
        for request in actions.requests_fan_out(case, asks, actor=officer):
            made += 1
            liaison = units[next(slug for slug, kind in ASKS if kind == request.request_type)]
            if liaison is not None and request.unit_id not in left and rng.random() < 0.5:
                actions.request_acknowledge(request, actor=liaison)
                actions.request_complete(request, result=_result(request, rng), actor=liaison)
    return made + _inbox(officer, rng)


def _result(request: AssistanceRequest, rng: random.Random) -> dict[str, object]:
    """A property inquiry answers what the case's respondents own (`linkage.holdings`, by their ID
    numbers: the same as the simulators answer later); any other, a result of the type's shape."""
    if request.request_type in holdings.INQUIRIES:
        respondents = request.case.parties.filter(role=PartyRole.RESPONDENT).values(
            "kind", "id_type", "id_number"
        )
        held = holdings.holdings_for(respondents)
        return holdings.inquiry_result(request.request_type, held, timezone.localdate())
    return result_for(request.request_type, rng, request.details, timezone.localdate())


def _inbox(officer: User, rng: random.Random) -> int:
    """The printed liaison's open requests, one per `INBOX` line, each on a case of the officer's court
    against a natural person and not asked yet: sent through the real actions (then, for some,
    dated back some working days), some acknowledged."""
    liaison = User.objects.filter(username=PRIMARY_LOGINS[Role.LIAISON]).select_related("unit").first()
    if liaison is None or liaison.unit is None:
        return 0
    people = Party.objects.filter(role=PartyRole.RESPONDENT, kind=PartyKind.PERSON).values("case_id")
    asked = AssistanceRequest.objects.values("case_id")
    candidates = Case.objects.open().filter(court=officer.court_id, pk__in=people).exclude(pk__in=asked)
    cases = [case for case in candidates.order_by("-pk")[: 4 * len(INBOX)]
             if can(officer, Action.SEND_REQUEST, case)][: len(INBOX)]  # fmt: skip
    lists = queries.responsibility_list(liaison.unit)
    made = 0
    for case, (kind, days_ago, acknowledged) in zip(cases, INBOX, strict=False):
        if kind not in lists:
            continue
        [request] = actions.requests_fan_out(
            case, [actions.Ask(liaison.unit, kind, PERSON_PURPOSE, BASIS)], actor=officer
        )
        if acknowledged:
            actions.request_acknowledge(request, actor=liaison)
        if days_ago:
            _date_back(request, days_ago, acknowledged=acknowledged, rng=rng)
        made += 1
    return made


def _date_back(
    request: AssistanceRequest, working_days: int, *, acknowledged: bool, rng: random.Random
) -> None:
    """Demo only: the request as if sent `working_days` working days ago, its clock counted from then
    by the same rule (R-TIME-01), its trail moved with it."""
    day, left = timezone.localdate(), working_days
    while left:
        day -= dt.timedelta(days=1)
        left -= is_working_day(day)
    sent_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, rng.randrange(0, 60))))
    deadline = policy.due_date(day, request.sla_amount, request.sla_unit)
    with transaction.atomic():
        AssistanceRequest.objects.filter(pk=request.pk).update(
            sent_at=sent_at, created_at=sent_at, due_on=deadline.due, due_trace=deadline.trace,
            acknowledged_at=sent_at + dt.timedelta(hours=2) if acknowledged else None,
        )  # fmt: skip
        events = RequestEvent.objects.filter(request=request).order_by("at", "pk")
        for n, event in enumerate(events):
            RequestEvent.objects.filter(pk=event.pk).update(at=sent_at + dt.timedelta(hours=2 * n))


def _unit(liaison: User | None) -> LinkageUnit:
    assert liaison is not None and liaison.unit is not None
    return liaison.unit
