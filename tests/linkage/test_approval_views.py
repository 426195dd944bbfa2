"""Issue 4 §2: approving a request before it goes out (a deduction) — the approver's page, the
approve/refuse block on the request page, and POST /api/v1/requests/{id}/approve/ and /refuse/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role
from tests.api.conftest import API
from tests.factories import UserFactory, file_case
from tests.linkage.conftest import ask


@pytest.fixture
def pending(world, case):
    request = actions.request_create(case, ask(world.unit, "deduct", amount="1000.00"), actor=world.officer)
    return actions.request_send(request, actor=world.officer)


@pytest.fixture
def other_pending(world):
    """Awaiting approval in the other court."""
    from tests.factories import UnitFactory

    unit = UnitFactory(region=world.other_court.region, name="福田某银行")
    case = file_case(world.other_court, world.outsider)
    request = actions.request_create(case, ask(unit, "deduct", amount="500.00"), actor=world.outsider)
    return actions.request_send(request, actor=world.outsider)


def test_the_president_sees_the_courts_requests_awaiting_approval(client, world, pending, other_pending):
    client.force_login(world.president)
    page = client.get(reverse("request-approvals"))
    text = page.content.decode()
    assert page.status_code == 200
    assert pending.case.number in text and world.unit.name in text and "1,000.00 元" in text  # R-MONEY-01
    assert pending.purpose in text and pending.legal_basis in text and str(world.officer) in text
    assert other_pending.case.number not in text
    assert reverse("request-approvals") in text  # in the navigation


@pytest.mark.parametrize("who", ["officer", "command", "liaison", "supervisor", "outsider"])
def test_the_approvals_page_is_for_approvers(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("request-approvals")).status_code == 403
    assert reverse("request-approvals") not in client.get(reverse("workbench")).content.decode()


def test_approve_from_the_list_sends_the_request(client, world, pending):
    client.force_login(world.president)
    url = reverse("request-decide", args=[pending.pk, "approve"])
    response = client.post(url, {"from": "approvals", "note": ""})
    assert response.status_code == 302 and response["Location"] == reverse("request-approvals")
    pending.refresh_from_db()
    assert pending.status == "sent" and pending.notice is not None and pending.due_on is not None
    told = [str(m) for m in client.get(reverse("request-approvals")).context["messages"]]
    assert len(told) == 1 and pending.case.number in told[0] and pending.unit.name in told[0]  # which request
    assert pending.case.number not in client.get(reverse("request-approvals")).content.decode()


def test_refusing_needs_a_reason_shown_beside_the_field(client, world, pending):
    client.force_login(world.president)
    url = reverse("request-decide", args=[pending.pk, "refuse"])
    bad = client.post(url, {"from": "approvals", "note": "  "})
    assert bad.status_code == 400 and f'id="note-{pending.pk}_error"' in bad.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending_approval"
    assert client.post(url, {"from": "approvals", "note": "金额有误"}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "draft" and pending.events.last().note == "金额有误"


def test_the_request_page_offers_the_decision_to_the_approver_only(client, world, pending):
    detail = reverse("request-detail", args=[pending.pk])
    client.force_login(world.officer)
    assert 'id="approval"' not in client.get(detail).content.decode()
    client.force_login(world.president)
    assert 'id="approval"' in client.get(detail).content.decode()
    bad = client.post(reverse("request-decide", args=[pending.pk, "refuse"]), {"note": ""})
    assert bad.status_code == 400 and 'id="id_note_error"' in bad.content.decode()
    done = client.post(reverse("request-decide", args=[pending.pk, "approve"]))
    assert done.status_code == 302 and done["Location"] == detail
    pending.refresh_from_db()
    assert pending.status == "sent"
    assert 'id="approval"' not in client.get(detail).content.decode()


def test_a_team_leader_approves_but_not_their_own_request(client, world, case):
    leader = UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)
    own = actions.request_send(
        actions.request_create(case, ask(world.unit, "deduct", amount="10.00"), actor=leader), actor=leader
    )
    client.force_login(leader)
    assert 'class="muted own-request"' in client.get(reverse("request-approvals")).content.decode()
    response = client.post(reverse("request-decide", args=[own.pk, "approve"]), follow=True)
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.status == "pending_approval"


def test_an_officer_of_the_court_cannot_decide(client, world, pending):
    client.force_login(world.colleague)
    response = client.post(reverse("request-decide", args=[pending.pk, "approve"]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "pending_approval"


def test_another_courts_request_is_a_404_like_a_missing_one(client, world, pending):
    client.force_login(world.outsider)
    for decision in ("approve", "refuse"):
        theirs = client.post(reverse("request-decide", args=[pending.pk, decision]), {"note": "x"})
        missing = client.post(reverse("request-decide", args=[pending.pk + 1000, decision]), {"note": "x"})
        assert theirs.status_code == missing.status_code == 404
        assert theirs.content == missing.content
    client.force_login(world.president)
    assert client.post(reverse("request-decide", args=[pending.pk, "maybe"])).status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending_approval"


# --- the API ----------------------------------------------------------------------------------------


def test_api_approve_and_refuse(world, case, pending, client_for):
    president = client_for("president")
    answer = president.post(f"{API}/requests/{pending.pk}/approve/", {}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "sent" and answer.json()["notice_number"]
    again = president.post(f"{API}/requests/{pending.pk}/approve/", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (400, "REQUEST_STATE")
    second = actions.request_send(
        actions.request_create(case, ask(world.unit, "deduct", amount="20.00"), actor=world.officer),
        actor=world.officer,
    )
    bad = president.post(f"{API}/requests/{second.pk}/refuse/", {"note": ""}, format="json")
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (400, "REASON_REQUIRED", "note")
    refused = president.post(f"{API}/requests/{second.pk}/refuse/", {"note": "依据不足"}, format="json")
    assert refused.status_code == 200 and refused.json()["status"] == "draft"


def test_api_refusals_for_who_may_not_decide(world, pending, client_for):
    url = f"{API}/requests/{pending.pk}/approve/"
    colleague = client_for("colleague").post(url, {}, format="json")
    assert (colleague.status_code, colleague.json()["code"]) == (400, "NOT_APPROVER")
    assert client_for("liaison").post(url, {}, format="json").status_code == 403
    assert client_for("supervisor").post(url, {}, format="json").status_code == 403
    theirs = client_for("outsider").post(url, {}, format="json")
    missing = client_for("outsider").post(f"{API}/requests/{pending.pk + 1000}/approve/", {}, format="json")
    assert theirs.status_code == missing.status_code == 404 and theirs.json() == missing.json()
    assert AssistanceRequest.objects.get(pk=pending.pk).status == "pending_approval"


def test_approvals_page_query_count_does_not_grow(client, world, case, django_assert_max_num_queries):
    for amount in ("1.00", "2.00", "3.00", "4.00"):
        actions.request_send(
            actions.request_create(case, ask(world.unit, "deduct", amount=amount), actor=world.officer),
            actor=world.officer,
        )
    client.force_login(world.president)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("request-approvals"))
    assert len(response.context["page"].object_list) == 4


def test_an_approval_locks_the_case_before_the_request(world, pending):
    """Closing a case locks it, then its requests; an approval (and every court-side step) takes the
    same order, so an approval meeting a closing waits instead of deadlocking."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes no row locks: the PostgreSQL run covers this")
    president = UserFactory(court=world.court, role=Role.PRESIDENT)
    with CaptureQueriesContext(connection) as captured:
        actions.request_approve(pending, approve=True, actor=president)
    locks = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]
    assert '"cases_case"' in locks[0].split("WHERE")[0], locks[:2]
    assert any('"linkage_assistancerequest"' in sql.split("WHERE")[0] for sql in locks[1:])


def test_the_pages_tell_whoever_submitted_a_colleagues_draft_that_another_approver_decides(
    client, world, case
):
    draft = actions.request_create(case, ask(world.unit, "deduct", amount="100.00"), actor=world.officer)
    actions.request_send(draft, actor=world.president)  # the president put it before an approver
    client.force_login(world.president)
    for page in (reverse("request-approvals"), reverse("request-detail", args=[draft.pk])):
        text = client.get(page).content.decode()
        assert "own-request" in text, page
    leader = UserFactory(court=world.court, role=Role.TEAM_LEADER)
    client.force_login(leader)
    assert "own-request" not in client.get(reverse("request-detail", args=[draft.pk])).content.decode()


def test_each_request_is_a_row_with_its_facts_and_the_decision_below(client, world, case):
    """Readable at 1440 px: the facts in a definition list, the case number on one line, the reason
    box labelled in full and as wide as the row (the table cut it to "理由（不…")."""
    request = actions.request_create(case, ask(world.unit, "deduct", amount="1000.00"), actor=world.officer)
    actions.request_send(request, actor=world.officer)
    client.force_login(world.president)
    text = client.get(reverse("request-approvals"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = text[text.index(f'data-request="{request.pk}"') :]
    row = row[: row.index("</li>")]
    assert 'class="case-number nowrap"' in row and case.number in row
    assert '<dl class="facts approval-facts">' in row
    for label in ("Respondent", "What is asked", "Purpose", "Legal basis"):
        assert f"<dt>{label}</dt>" in row
    assert row.index("</dl>") < row.index('<form method="post" class="decision-form"')
    assert f'<label for="note-{request.pk}">Reason (required to refuse)</label>' in row
    assert f'<textarea id="note-{request.pk}" name="note"' in row
