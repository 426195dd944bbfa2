"""The approvals queue on the president's and a team leader's home (core/home.py, linkage/home.py):
each request shows whom it is against (ID numbers masked, R-ID-05), the measure, the amount and the
account, so a deduction is never approved blind; an extension shows its months; the four-eyes rule
holds; the page's queries do not grow with the queue."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcelink.cases.actions import PartyInput, extension_request
from enforcelink.core.identifiers import mask_id
from enforcelink.linkage import actions
from enforcelink.orgs.models import Role
from tests.factories import PERSON_IDS, UserFactory, file_case
from tests.linkage.conftest import ask

pytestmark = pytest.mark.usefixtures("english")

DEBTOR_ID = PERSON_IDS[1]


def queue(client):
    response = client.get(reverse("workbench"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    panel = {panel.key: panel for panel in response.context["panels"]}["approvals"]
    return panel.data["items"], response.content.decode()


def debtor_case(world):
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_number=PERSON_IDS[0]),
        PartyInput(role="respondent", kind="person", name="石萍", id_number=DEBTOR_ID),
    ]
    return file_case(world.court, world.officer, parties=parties, filed_on=timezone.localdate())


def pending_deduction(world, case, amount="11369.5", account="6228480000000000000"):
    request = actions.request_create(
        case, ask(world.unit, "deduct", amount=amount, account=account), actor=world.officer
    )
    return actions.request_send(request, actor=world.officer)


def test_a_deduction_in_the_queue_names_debtor_amount_and_account(world, client_for):
    case = debtor_case(world)
    pending_deduction(world, case)
    [item], html = queue(client_for("president"))
    facts = {label: value for label, value, _css in item.facts}
    assert facts["Respondent"] == f"石萍 {mask_id(DEBTOR_ID)}"
    assert DEBTOR_ID not in html and mask_id(DEBTOR_ID) in html  # masked, as on every list
    assert facts["Amount"] == "11,369.50 元" and "11,369.50 元" in html
    assert facts["Account or certificate"] == "6228480000000000000"
    assert facts["Measure"]
    assert '<dl class="facts facts-small queue-facts">' in html


def test_a_request_without_an_account_shows_only_what_it_has(world, client_for):
    case = debtor_case(world)
    request = actions.request_create(case, ask(world.unit, "deduct", amount="800"), actor=world.officer)
    actions.request_send(request, actor=world.officer)
    [item], _html = queue(client_for("president"))
    labels = [label for label, _value, _css in item.facts]
    assert labels == ["Respondent", "Measure", "Amount"]


def test_an_extension_in_the_queue_shows_its_case_and_months(world, client_for):
    case = file_case(world.court, world.officer, filed_on=timezone.localdate())
    extension = extension_request(case, reason="拍卖程序未完成", actor=world.officer)
    [item], html = queue(client_for("president"))
    assert item.subject == case.number
    assert item.facts == (("Extension", f"{extension.months} months", ""),)
    assert f"{extension.months} months" in html


def test_four_eyes_neither_author_nor_submitter_sees_it_to_approve(world, client):
    leader = UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)
    case = debtor_case(world)
    # The officer drafts; the team leader puts it before an approver: neither may approve it.
    draft = actions.request_create(case, ask(world.unit, "deduct", amount="5.00"), actor=world.officer)
    actions.request_send(draft, actor=leader)
    client.force_login(leader)
    items, _html = queue(client)
    assert items == []
    client.force_login(world.president)
    items, _html = queue(client)
    assert [item.subject for item in items] == [case.number]


def test_the_presidents_home_takes_as_many_queries_for_one_request_as_for_eleven(world, client_for):
    client = client_for("president")
    case = debtor_case(world)
    pending_deduction(world, case)
    extension_request(case, reason="拍卖程序未完成", actor=world.officer)
    with CaptureQueriesContext(connection) as one:
        items, _html = queue(client)
    assert len(items) == 2
    for number in range(10):
        other = debtor_case(world)
        pending_deduction(world, other, amount=f"{100 + number}.00")
    with CaptureQueriesContext(connection) as many:
        items, _html = queue(client)
    assert len(items) == 10 and all(item.facts for item in items)
    assert len(many.captured_queries) <= len(one.captured_queries) + 1  # only the capped count
    assert len(many.captured_queries) <= 15
