"""Demo pre-enforcement supervision (执前督促): judgments of the demo court in every state, made
through the real actions so their deadlines, documents and trail are what a clerk's would be."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from enforcelink.cases.actions import PartyInput
from enforcelink.demo.amounts import lognormal_fen, yuan
from enforcelink.demo.identities import IdentityFactory
from enforcelink.demo.world import PRIMARY_LOGINS
from enforcelink.orgs.models import Role, User
from enforcelink.urging import actions
from enforcelink.urging.models import Judgment

JUDGES = ("王建国", "刘晓燕", "陈志强", "杨丽")
NOTIFIED_SHARE = 0.15  # judgments whose two notices are rendered (each PDF takes ~0.15 s)


def _parties(people: IdentityFactory, rng: random.Random) -> list[PartyInput]:
    obligee = people.person()
    parties = [PartyInput("applicant", "person", obligee.name, obligee.id_number, address=obligee.address)]
    if rng.random() < 0.45:
        company = people.company()
        parties.append(
            PartyInput(
                "respondent", "organisation", company.name, company.uscc,
                legal_representative=company.legal_representative, address=company.address,
            )
        )  # fmt: skip
    else:
        debtor = people.person()
        parties.append(
            PartyInput("respondent", "person", debtor.name, debtor.id_number, address=debtor.address)
        )
    return parties


def load_judgments(count: int, *, seed: int, as_of: dt.date | None = None) -> int:
    """`count` judgments of the demo officer's court that took effect over the last 120 days: some
    paid in full, some in part, the rest left to the deadline sweep (unpaid once it has passed)."""
    officer = User.objects.filter(username=PRIMARY_LOGINS[Role.OFFICER]).select_related("court").first()
    if officer is None or officer.court is None or count <= 0:
        return 0
    today = as_of or timezone.localdate()
    rng = random.Random(seed * 7919)
    people = IdentityFactory(rng, seed + 17, today, name_pool=400)
    year = today.year
    made = 0
    for index in range(count):
        reg = actions.JudgmentRegistration(
            court=officer.court,
            number=f"（{year}）{officer.court.code}民初{9000 + index}号",
            judge_name=JUDGES[index % len(JUDGES)],
            effective_on=today - dt.timedelta(days=rng.randrange(0, 120)),
            performance_days=rng.choice((10, 15, 15, 30)),
            principal=yuan(lognormal_fen(rng, 30_000, 1.0)),
            parties=_parties(people, rng),
        )
        if Judgment.objects.filter(court=officer.court, number=reg.number).exists():
            continue
        judgment = actions.judgment_register(reg, actor=officer)
        _settle(judgment, rng, officer, today)
        made += 1
    actions.sweep_deadlines(today)
    return made


def _settle(judgment: Judgment, rng: random.Random, officer: User, today: dt.date) -> None:
    roll = rng.random()
    if roll < NOTIFIED_SHARE:
        actions.judgment_notify(judgment, actor=officer)
    if roll < 0.55 and judgment.effective_on < today:
        paid_on = min(today, judgment.effective_on + dt.timedelta(days=rng.randrange(1, 20)))
        amount = (
            judgment.amount_total if roll < 0.45 else (judgment.amount_total / 2).quantize(judgment.principal)
        )
        actions.judgment_record_performance(judgment, amount=amount, performed_on=paid_on, actor=officer)
