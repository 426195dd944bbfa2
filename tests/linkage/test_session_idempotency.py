"""Issue 4 §7: a liaison replying by session honours an Idempotency-Key exactly as a unit's system
does — the same receipts (one key space per unit), the same fingerprint (files included), the same
replay and reuse errors; without the header a person's reply is applied as it always was."""

from __future__ import annotations

import base64

import pytest
from rest_framework.test import APIClient

from enforcelink.core.models import AuditEvent
from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest, ReplyReceipt, RequestAttachment, RequestEvent
from enforcelink.orgs.api_auth import api_key_issue
from tests.api.conftest import API
from tests.linkage.conftest import ask
from tests.linkage.test_attachments import PDF

RESULT = {
    "found": True,
    "accounts": [{"institution": "綦江农商银行", "account": "62170001", "balance": "5000.00"}],
}


def _file(name: str, content: bytes) -> dict[str, str]:
    return {"name": name, "content_type": "", "content_base64": base64.b64encode(content).decode()}


@pytest.fixture
def url(sent):
    return f"{API}/requests/{sent.pk}/reply/"


def test_a_liaisons_reply_with_a_key_is_applied_once_and_replayed(world, client_for, sent, url):
    liaison = client_for("liaison")
    body = {"result": RESULT, "attachments": [_file("流水.pdf", PDF)]}
    first = liaison.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="web-1")
    again = liaison.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="web-1")
    assert first.status_code == again.status_code == 200, first.json()
    assert first.json() == again.json() and first.json()["status"] == "completed"
    assert AssistanceRequest.objects.get(pk=sent.pk).status == "completed"
    event = RequestEvent.objects.get(request=sent, kind="completed")  # one event, by the person
    assert event.actor == world.liaison and event.api_key_id is None
    assert [f["name"] for f in event.data["attachments"]] == ["流水.pdf"]
    audit = AuditEvent.objects.get(action="request.completed")
    assert audit.actor == world.liaison
    receipt = ReplyReceipt.objects.get()
    assert (receipt.unit_id, receipt.key, receipt.request_id) == (world.unit.pk, "web-1", sent.pk)
    assert receipt.response == first.json()
    stored = RequestAttachment.objects.get()  # the file once, uploaded by the person
    assert (stored.uploaded_by_id, stored.api_key_id) == (world.liaison.pk, None)


def test_a_liaisons_key_with_another_body_is_refused(world, client_for, sent, url):
    liaison = client_for("liaison")
    body = {"result": RESULT, "attachments": [_file("流水.pdf", PDF)]}
    assert liaison.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="web-1").status_code == 200
    for other in (
        {"result": {"found": False}},
        {**body, "attachments": [_file("流水.pdf", PDF + b"\n")]},  # other files: another reply too
        {"result": RESULT},  # without its files
    ):
        response = liaison.post(url, other, format="json", HTTP_IDEMPOTENCY_KEY="web-1")
        assert response.status_code == 400 and response.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
        assert response.json()["field"] == "Idempotency-Key"
    assert RequestEvent.objects.filter(request=sent, kind="completed").count() == 1
    assert ReplyReceipt.objects.count() == 1 and RequestAttachment.objects.count() == 1


def test_a_liaisons_empty_or_long_key_is_refused_like_a_systems(world, client_for, sent, url):
    liaison = client_for("liaison")
    for key in ("", " ", "k" * 101):
        response = liaison.post(url, {"result": RESULT}, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 400 and response.json()["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert AssistanceRequest.objects.get(pk=sent.pk).status == "sent" and not ReplyReceipt.objects.exists()


def test_one_key_space_per_unit_whoever_of_the_unit_replies(world, client_for, sent, url):
    """The unit's system retrying the reply its liaison made under the same key gets the same answer;
    and the other way round."""
    key, secret = api_key_issue(world.unit, name="核心系统", actor="test")
    system = APIClient()
    system.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = {"outcome": "rejected", "reason": "户名与证件号不符"}
    first = client_for("liaison").post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    again = system.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    reused = system.post(url, {"outcome": "returned", "reason": "缺少裁定书"}, format="json",
                         HTTP_IDEMPOTENCY_KEY="shared")  # fmt: skip
    assert reused.status_code == 400 and reused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert ReplyReceipt.objects.count() == 1
    assert RequestEvent.objects.filter(request=sent, kind="rejected").count() == 1
    # A system's receipt replays for the liaison too.
    other = actions.request_send(actions.request_create(sent.case, ask(world.unit), actor=world.officer),
                                 actor=world.officer)  # fmt: skip
    other_url = f"{API}/requests/{other.pk}/reply/"
    by_system = system.post(other_url, {"result": RESULT}, format="json", HTTP_IDEMPOTENCY_KEY="sys-1")
    by_person = client_for("liaison").post(
        other_url, {"result": RESULT}, format="json", HTTP_IDEMPOTENCY_KEY="sys-1"
    )
    assert by_system.status_code == by_person.status_code == 200 and by_system.json() == by_person.json()
    assert RequestEvent.objects.get(request=other, kind="completed").api_key == key


def test_another_units_liaison_gets_the_same_404_as_for_a_missing_request(world, client_for, sent, url):
    stranger = client_for("other_liaison")
    body = {"result": RESULT}
    theirs = stranger.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    missing = stranger.post(f"{API}/requests/{sent.pk + 999}/reply/", body, format="json",
                            HTTP_IDEMPOTENCY_KEY="k")  # fmt: skip
    assert theirs.status_code == missing.status_code == 404 and theirs.json() == missing.json()
    assert theirs.json()["code"] == "NOT_FOUND"
    assert AssistanceRequest.objects.get(pk=sent.pk).status == "sent" and not ReplyReceipt.objects.exists()


def test_a_liaisons_key_is_for_their_unit_only_in_the_receipts(world, client_for, sent, url):
    """The unit's replies are not another unit's: the same key string at another unit is its own."""
    ReplyReceipt.objects.create(unit=world.other_unit, key="k", request=sent, fingerprint="x", response={})
    response = client_for("liaison").post(url, {"result": RESULT}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 200 and response.json()["status"] == "completed"


def test_without_the_header_a_repeat_is_refused_as_before(world, client_for, sent, url):
    liaison = client_for("liaison")
    first = liaison.post(url, {"result": RESULT}, format="json")
    assert first.status_code == 200 and first.json()["status"] == "completed"
    again = liaison.post(url, {"result": RESULT}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "REQUEST_STATE"
    assert not ReplyReceipt.objects.exists()
    assert RequestEvent.objects.filter(request=sent, kind="completed").count() == 1


def test_a_keyed_liaison_reply_answers_as_an_unkeyed_one(world, client_for, sent, case, url):
    """The answer stored in the receipt is the API's RequestSerializer representation."""
    keyed = client_for("liaison").post(url, {"result": RESULT}, format="json", HTTP_IDEMPOTENCY_KEY="a")
    other = actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer),
                                 actor=world.officer)  # fmt: skip
    plain = client_for("liaison").post(f"{API}/requests/{other.pk}/reply/", {"result": RESULT}, format="json")
    assert keyed.status_code == plain.status_code == 200
    ignore = {"id", "sent_at", "due_on", "acknowledged_at", "completed_at", "notice_number"}
    assert set(keyed.json()) == set(plain.json())
    assert {k: v for k, v in keyed.json().items() if k not in ignore} == {
        k: v for k, v in plain.json().items() if k not in ignore
    }
