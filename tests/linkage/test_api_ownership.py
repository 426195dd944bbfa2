"""Ownership tests (STYLE.md) for the request endpoints the other files leave out: the court's
refusal of a request awaiting approval, and a unit system's batch of replies. Somebody else's
request answers exactly as a missing one, and nothing is written."""

from __future__ import annotations

import pytest

from enforcelink.core.models import AuditEvent
from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest, ReplyReceipt, RequestEvent
from enforcelink.orgs.models import Role
from tests.api.conftest import API
from tests.factories import UserFactory, file_case
from tests.linkage.conftest import ask

RESULT = {"found": False}
MISSING = 10_000


def written() -> tuple[int, int, int]:
    """What a refused call must leave as it was: the request events, the trail and the receipts."""
    return RequestEvent.objects.count(), AuditEvent.objects.count(), ReplyReceipt.objects.count()


def state(request: AssistanceRequest) -> tuple:
    request.refresh_from_db()
    return (request.status, request.notice_id, request.sent_at, request.acknowledged_at,
            request.completed_at, request.result, request.reason)  # fmt: skip


@pytest.fixture
def pending(world, case):
    """A deduction of the officer's court awaiting its president's approval."""
    request = actions.request_create(case, ask(world.unit, "deduct", amount="1000.00"), actor=world.officer)
    return actions.request_send(request, actor=world.officer)


@pytest.fixture
def other_president(world):
    """The other court's president: an approver, but not of this court's requests."""
    world.other_president = UserFactory(
        username="other_president", court=world.other_court, role=Role.PRESIDENT
    )
    return world.other_president


@pytest.mark.parametrize("who", ["outsider", "other_president"])
def test_refuse_by_another_courts_staff_is_the_404_of_a_missing_id(
    world, pending, client_for, other_president, who
):
    client = client_for(who)
    before, kept = written(), state(pending)
    body = {"note": "依据不足"}
    theirs = client.post(f"{API}/requests/{pending.pk}/refuse/", body, format="json")
    missing = client.post(f"{API}/requests/{pending.pk + MISSING}/refuse/", body, format="json")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert theirs.json()["code"] == "NOT_FOUND"
    assert state(pending) == kept and pending.status == "pending_approval"
    assert written() == before


def test_refuse_by_a_unit_key_answers_as_for_a_missing_id(world, pending, bank, stranger):
    """A unit's system decides nothing for a court: for the unit the request went to and for any
    other unit, an existing id gets the very refusal a missing one gets."""
    before, kept = written(), state(pending)
    for client in (bank.client, stranger):
        theirs = client.post(f"{API}/requests/{pending.pk}/refuse/", {"note": "x"}, format="json")
        missing = client.post(f"{API}/requests/{pending.pk + MISSING}/refuse/", {"note": "x"}, format="json")
        # Refused before any lookup (writes are court staff's), so the id's existence shows nowhere.
        assert theirs.status_code == missing.status_code == 403
        assert theirs.json()["code"] == "PERMISSION_DENIED"
        assert theirs.content == missing.content
    assert state(pending) == kept and pending.status == "pending_approval"
    assert written() == before


@pytest.fixture
def theirs(world):
    """A request the other court sent to the other unit (the stranger's own)."""
    case = file_case(world.other_court, world.outsider, basis_number="（2023）粤0304民初7号")
    request = actions.request_create(case, ask(world.other_unit), actor=world.outsider)
    return actions.request_send(request, actor=world.outsider)


@pytest.mark.parametrize("outcome", [{"result": RESULT}, {"outcome": "rejected", "reason": "查无此人"}])
def test_a_batch_reply_to_another_units_request_is_refused_like_a_missing_one(
    world, sent, theirs, stranger, outcome
):
    kept, events_of_sent = state(sent), RequestEvent.objects.filter(request=sent).count()
    page = {
        "replies": [
            {"id": sent.pk, "idempotency_key": "not-mine", **outcome},
            {"id": sent.pk + MISSING, "idempotency_key": "missing", **outcome},
            {"id": theirs.pk, "idempotency_key": "mine", "result": RESULT},
        ]
    }
    response = stranger.post(f"{API}/requests/replies/", page, format="json")
    assert response.status_code == 200, response.json()
    not_mine, missing, mine = response.json()["results"]
    assert (not_mine["id"], missing["id"]) == (sent.pk, sent.pk + MISSING)
    assert not_mine["status"] == missing["status"] == 404
    assert {k: v for k, v in not_mine.items() if k != "id"} == {k: v for k, v in missing.items() if k != "id"}
    assert not_mine["code"] == "NOT_FOUND"
    assert mine["status"] == 200  # the stranger's own reply in the same page still goes through
    assert state(sent) == kept and sent.status == "sent"
    assert RequestEvent.objects.filter(request=sent).count() == events_of_sent
    assert list(ReplyReceipt.objects.values_list("key", flat=True)) == ["mine"]


def test_a_batch_of_only_another_units_requests_writes_nothing(world, sent, stranger):
    before, kept = written(), state(sent)
    page = {"replies": [{"id": sent.pk, "idempotency_key": "k1", "result": RESULT}]}
    response = stranger.post(f"{API}/requests/replies/", page, format="json")
    assert [row["status"] for row in response.json()["results"]] == [404]
    assert state(sent) == kept
    assert written() == before
