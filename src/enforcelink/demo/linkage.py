"""Demo assistance requests: the demo officer's open cases asked of the 綦江 units, through the real
actions (numbers, notices, SLA clocks, trail), some answered, so the inbox and the figures show."""

from __future__ import annotations

import random

from enforcelink.cases.models import Case
from enforcelink.demo.world import PRIMARY_LOGINS
from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import LinkageUnit, Role, User

ASKS = (("bank", "inquire_deposits"), ("estate", "inquire_real_estate"), ("vehicle", "inquire_vehicles"),
        ("police", "inquire_household"))  # fmt: skip
PURPOSE = "查明被执行人财产状况以便执行"
BASIS = "《中华人民共和国民事诉讼法》第二百四十九条、第二百五十三条"


def load_requests(cases: int, *, seed: int) -> int:
    """One inquiry to each of four units for `cases` of the demo officer's open cases; about half
    answered by the units' first liaisons. Does nothing when requests already exist."""
    officer = User.objects.filter(username=PRIMARY_LOGINS[Role.OFFICER]).first()
    if officer is None or cases <= 0 or AssistanceRequest.objects.exists():
        return 0
    units = {
        slug: User.objects.filter(username=f"{slug}-liaison1").select_related("unit").first()
        for slug, _ in ASKS
    }
    rng = random.Random(seed * 104729)
    made = 0
    for case in Case.objects.open().filter(officer=officer).order_by("pk")[:cases]:
        asks = [actions.Ask(_unit(units[slug]), kind, PURPOSE, BASIS) for slug, kind in ASKS if units[slug]]
        for request in actions.requests_fan_out(case, asks, actor=officer):
            made += 1
            liaison = units[next(slug for slug, kind in ASKS if kind == request.request_type)]
            if liaison is not None and rng.random() < 0.5:
                actions.request_acknowledge(request, actor=liaison)
                actions.request_complete(request, result={"found": rng.random() < 0.3}, actor=liaison)
    return made


def _unit(liaison: User | None) -> LinkageUnit:
    assert liaison is not None and liaison.unit is not None
    return liaison.unit
