"""A registered judgment whose deadline can be placed in the past or the future."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enforcelink.cases.actions import PartyInput
from enforcelink.urging.actions import JudgmentRegistration, judgment_register
from tests.factories import PERSON_IDS, USCCS


def registration(court, *, number="（2026）渝0110民初123号", days_ago=3, **overrides) -> JudgmentRegistration:
    values = {
        "court": court,
        "number": number,
        "judge_name": "王法官",
        "effective_on": timezone.localdate() - dt.timedelta(days=days_ago),
        "performance_days": 10,
        "principal": "80000.00",
        "interest": "1500.50",
        "costs": "0",
        "parties": [
            PartyInput(role="applicant", kind="person", name="张三", id_number=PERSON_IDS[0]),
            PartyInput(role="respondent", kind="organisation", name="重庆某建材有限公司", id_number=USCCS[0]),
        ],
        **overrides,
    }
    return JudgmentRegistration(**values)


@pytest.fixture
def judgment(world):
    return judgment_register(registration(world.court, judge=world.officer), actor=world.officer)


@pytest.fixture
def overdue_judgment(world):
    """Took effect 40 days ago with 10 days to perform: the deadline has passed."""
    reg = registration(world.court, number="（2026）渝0110民初77号", days_ago=40, judge=world.officer)
    return judgment_register(reg, actor=world.officer)
