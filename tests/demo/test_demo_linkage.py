"""The demo's linkage: the unit whose liaison `demo-logins` prints is left to people — the simulators
skip it and its inbox holds requests in every state a newcomer should see (new, acknowledged, due
soon, overdue) — and every demo answer has its type's shape (issue 14 §3)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from enforcelink.cases.models import PartyRole
from enforcelink.demo import loader
from enforcelink.demo.linkage import human_units, load_requests
from enforcelink.demo.world import PRIMARY_LOGINS
from enforcelink.linkage import holdings, policy, queries
from enforcelink.linkage.management.commands.simulate import simulated_units
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import ApiKey, LinkageUnit, Role, User

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def demo(db):
    loader.load(cases=800, seed=3, as_of=AS_OF, parallel=False)  # enough for the officer's open cases
    return load_requests(6, seed=3)


def test_the_printed_liaison_has_requests_in_every_state(demo, client):
    liaison = User.objects.get(username=PRIMARY_LOGINS[Role.LIAISON])
    mine = list(AssistanceRequest.objects.filter(unit=liaison.unit))
    today = timezone.localdate()
    statuses = {request.status for request in mine}
    assert statuses == {"sent", "acknowledged"}  # nothing answered for them: the inbox is theirs to work
    assert any(r.due_on < today for r in mine if r.status == "sent")  # overdue, not yet acknowledged
    assert any(r.due_on < today for r in mine if r.status == "acknowledged")
    assert any(
        today <= r.due_on <= today + dt.timedelta(days=5) and timezone.localdate(r.sent_at) < today
        for r in mine
    )
    assert any(timezone.localdate(r.sent_at) == today for r in mine)  # new today
    kinds = queries.respondent_kinds(r.case_id for r in mine)
    assert all("person" in kinds[r.case_id] for r in mine)  # R-EXIT-01: each about a natural person
    client.force_login(liaison)
    page = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all(r.case.number in page for r in mine if r.status == "sent")


def test_demo_answers_have_their_types_shape_and_no_person_inquiry_is_about_a_company(demo):
    answered = AssistanceRequest.objects.filter(status="completed")
    assert answered.exists()
    for request in answered:
        assert policy.clean_result(request.request_type, request.result) == request.result
    person_only = AssistanceRequest.objects.filter(request_type__in=policy.PERSON_ONLY)
    kinds = queries.respondent_kinds(person_only.values_list("case_id", flat=True))
    assert person_only.exists() and all("person" in kinds[r.case_id] for r in person_only)


def test_the_simulators_leave_the_printed_liaisons_unit_alone(demo, settings):
    settings.DEBUG = True
    police = User.objects.get(username=PRIMARY_LOGINS[Role.LIAISON]).unit
    assert police.pk in human_units()
    simulated, left = simulated_units(["police"])  # the exit-entry administration is simulated
    assert left == [police] and [unit.name for unit in simulated] == ["重庆市公安局綦江区分局出入境管理支队"]
    LinkageUnit.objects.filter(pk__in=[unit.pk for unit in simulated]).update(active=False)
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):  # the only police unit left is people's
        call_command("simulate", "agencies", "--base-url", "http://127.0.0.1:9", "--types", "police",
                     "--rounds", "1", stdout=out)  # fmt: skip
    assert f"{police.name} is left to its people" in out.getvalue()
    assert not ApiKey.objects.filter(unit=police, name="simulator").exists()


def test_demo_property_answers_are_what_the_respondents_own(demo):
    """Issue 15 §10: a preloaded inquiry names the same property the simulators answer later for that
    debtor (`linkage.holdings`, by ID number)."""
    answered = AssistanceRequest.objects.filter(status="completed", request_type__in=holdings.INQUIRIES)
    assert answered.exists()
    for request in answered:
        respondents = request.case.parties.filter(role=PartyRole.RESPONDENT).values(
            "kind", "id_type", "id_number"
        )
        expected = holdings.inquiry_result(request.request_type, holdings.holdings_for(respondents))
        assert request.result == policy.clean_result(request.request_type, expected)
