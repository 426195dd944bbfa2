"""R-ID-05: the whole ID number is shown to court staff of the case's court only, and every view is logged."""

from __future__ import annotations

import pytest

from enforcelink.cases.actions import reveal_id
from enforcelink.cases.models import Party
from enforcelink.core.errors import InvalidInput, NotFound
from enforcelink.core.models import AuditEvent
from tests.factories import PERSON_IDS


def test_reveal_returns_full_number_and_logs_it_r_id_05(world, fresh_case):
    party = Party.objects.get(case=fresh_case, role="applicant")
    assert party.masked_id != party.id_number
    assert reveal_id(party, actor=world.colleague, purpose="核对身份") == PERSON_IDS[0]
    event = AuditEvent.objects.get(action="party.id_revealed")
    assert event.actor == world.colleague and event.case_id == fresh_case.pk
    assert event.after["purpose"] == "核对身份"
    assert PERSON_IDS[0] not in str(event.after)  # the trail says who looked, not the number again


@pytest.mark.parametrize("who", ["outsider", "supervisor", "liaison", "other_liaison"])
def test_reveal_outside_the_court_is_not_found_r_id_05(world, fresh_case, who):
    party = Party.objects.get(case=fresh_case, role="applicant")
    with pytest.raises(NotFound):
        reveal_id(party, actor=getattr(world, who), purpose="查看")
    assert not AuditEvent.objects.filter(action="party.id_revealed").exists()


def test_reveal_needs_a_purpose(world, fresh_case):
    party = Party.objects.get(case=fresh_case, role="applicant")
    with pytest.raises(InvalidInput) as caught:
        reveal_id(party, actor=world.officer, purpose="  ")
    assert caught.value.field == "purpose"
    assert not AuditEvent.objects.filter(action="party.id_revealed").exists()
