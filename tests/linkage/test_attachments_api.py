"""Issue 4 §7: a unit's system reads the follow-up thread and sends files with its messages and its
reply (base64 in JSON), exactly once under its Idempotency-Key; downloads by API."""

from __future__ import annotations

import base64
import hashlib

import pytest
from rest_framework.test import APIClient

from enforcelink.linkage import actions
from enforcelink.linkage.attachments import Upload
from enforcelink.linkage.models import (
    AssistanceRequest,
    ReplyReceipt,
    RequestAttachment,
    RequestEvent,
    RequestMessage,
)
from tests.api.conftest import API
from tests.linkage.conftest import ask
from tests.linkage.test_attachments import CSV_GBK, PDF, PNG

RESULT = {
    "found": True,
    "accounts": [{"institution": "綦江农商银行", "account": "62170001", "balance": "5000.00"}],
}


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def file(name: str, content: bytes, content_type: str = "") -> dict[str, str]:
    return {"name": name, "content_type": content_type, "content_base64": b64(content)}


def test_the_unit_system_reads_the_thread_with_each_messages_files(world, bank, sent):
    actions.message_post(
        sent, body="请补充流水", actor=world.officer, attachments=[Upload("裁定书.pdf", PDF)]
    )
    posted = bank.client.post(
        f"{API}/requests/{sent.pk}/messages/",
        {"body": "", "attachments": [file("流水.csv", CSV_GBK, "text/csv")]},
        format="json",
    )
    assert posted.status_code == 201, posted.json()
    assert posted.json()["body"] == "" and posted.json()["from_system"] is True
    assert [f["name"] for f in posted.json()["attachments"]] == ["流水.csv"]
    thread = bank.client.get(f"{API}/requests/{sent.pk}/messages/")
    assert thread.status_code == 200
    court, unit = thread.json()
    assert (court["side"], court["body"], court["from_system"], court["author"]) == (
        "court", "请补充流水", False, str(world.officer))  # fmt: skip
    [ruling] = court["attachments"]
    stored = RequestAttachment.objects.get(name="裁定书.pdf")
    assert ruling == {
        "id": stored.pk, "kind": "message", "side": "court", "message": court["id"], "name": "裁定书.pdf",
        "content_type": "application/pdf", "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest(),
        "at": ruling["at"], "url": f"{API}/requests/{sent.pk}/attachments/{stored.pk}/",
    }  # fmt: skip
    assert unit["side"] == "unit" and unit["attachments"][0]["content_type"] == "text/csv; charset=gb18030"
    download = bank.client.get(ruling["url"], HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment; ")
    assert "filename*=UTF-8''%E8%A3%81%E5%AE%9A%E4%B9%A6.pdf" in download["Content-Disposition"]
    listed = bank.client.get(f"{API}/requests/{sent.pk}/attachments/").json()
    assert [f["name"] for f in listed] == ["裁定书.pdf", "流水.csv"]


def test_another_units_key_gets_the_same_404_as_for_a_missing_request(world, bank, stranger, sent, case):
    actions.message_post(sent, body="附件", actor=world.officer, attachments=[Upload("a.pdf", PDF)])
    mine = RequestAttachment.objects.get()
    for path in ("messages/", "attachments/", f"attachments/{mine.pk}/"):
        accept = "application/pdf" if path.count("/") == 2 else "application/json"
        not_yours = stranger.get(f"{API}/requests/{sent.pk}/{path}", HTTP_ACCEPT=accept)
        missing = stranger.get(f"{API}/requests/{sent.pk + 999}/{path}")
        assert not_yours.status_code == missing.status_code == 404, path
        assert not_yours.content == missing.content and not_yours.json()["code"] == "NOT_FOUND"
        assert not_yours["Content-Type"] == "application/json"
    posted = stranger.post(f"{API}/requests/{sent.pk}/messages/",
                           {"body": "x", "attachments": [file("b.pdf", PDF)]}, format="json")  # fmt: skip
    assert posted.status_code == 404 and RequestAttachment.objects.count() == 1
    # An attachment of another request, under this request's path: "not found" too.
    other = actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer),
                                 actor=world.officer)  # fmt: skip
    actions.message_post(other, body="另一件", actor=world.officer, attachments=[Upload("c.pdf", PDF)])
    theirs = RequestAttachment.objects.get(request=other)
    crossed = bank.client.get(f"{API}/requests/{sent.pk}/attachments/{theirs.pk}/")
    absent = bank.client.get(f"{API}/requests/{sent.pk}/attachments/{theirs.pk + 999}/")
    malformed = bank.client.get(f"{API}/requests/{sent.pk}/attachments/abc/")
    assert crossed.status_code == absent.status_code == malformed.status_code == 404
    assert crossed.content == absent.content == malformed.content


def test_a_reply_with_files_is_stored_once_under_its_key(world, bank, sent):
    url = f"{API}/requests/{sent.pk}/reply/"
    body = {
        "result": RESULT,
        "attachments": [file("流水.pdf", PDF, "application/pdf"), file("回执.png", PNG)],
    }
    first = bank.client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    again = bank.client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == again.status_code == 200, first.json()
    assert first.json() == again.json() and first.json()["status"] == "completed"
    stored = list(RequestAttachment.objects.order_by("pk"))
    assert [(a.name, a.kind, a.side, a.api_key_id, a.uploaded_by_id) for a in stored] == [
        ("流水.pdf", "reply", "unit", bank.key.pk, None), ("回执.png", "reply", "unit", bank.key.pk, None)]  # fmt: skip
    event = RequestEvent.objects.get(request=sent, kind="completed")
    assert [f["name"] for f in event.data["attachments"]] == ["流水.pdf", "回执.png"]
    assert ReplyReceipt.objects.count() == 1
    for other in ([file("流水.pdf", PDF + b"\n")], [file("其他.pdf", PDF)], []):
        conflict = bank.client.post(
            url, {**body, "attachments": other}, format="json", HTTP_IDEMPOTENCY_KEY="r-1"
        )
        assert conflict.status_code == 400 and conflict.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert RequestAttachment.objects.count() == 2


def test_a_reply_without_files_keeps_its_fingerprint(world, bank, sent):
    """Receipts written before replies had files still replay: no files, no "attachments" in the body."""
    reply = actions.UnitReply(sent.pk, "k", "completed", RESULT)
    assert reply.body() == {"outcome": "completed", "result": RESULT, "reason": ""}


def test_a_liaison_replies_by_api_with_files_too(world, client_for, sent):
    body = {
        "outcome": "rejected",
        "reason": "户名不符",
        "attachments": [file("说明.txt", "户名不符".encode())],
    }
    response = client_for("liaison").post(f"{API}/requests/{sent.pk}/reply/", body, format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    stored = RequestAttachment.objects.get()
    assert stored.uploaded_by == world.liaison and stored.content_type == "text/plain; charset=utf-8"


def _untouched(sent):
    assert AssistanceRequest.objects.get(pk=sent.pk).status == "sent"
    assert not RequestAttachment.objects.exists() and not ReplyReceipt.objects.exists()
    assert not RequestMessage.objects.exists()


@pytest.mark.parametrize(
    ("attachments", "code", "field"),
    [
        ([{"name": "a.pdf", "content_base64": "not base64!"}], "ATTACHMENT_BASE64", "attachments.0.content_base64"),
        ([file("a.pdf", PDF), {"name": "b.pdf", "content_base64": "JVBER"}], "ATTACHMENT_BASE64",
         "attachments.1.content_base64"),
        ([{"name": "a.pdf"}], "REQUIRED", "attachments.0.content_base64"),
        ([file("big.pdf", PDF + b" " * (1024 * 1024))], "ATTACHMENT_TOO_LARGE", "attachments.0.content_base64"),
        ([file("big.pdf", PDF + b" " * (1024 * 1024 - len(PDF) + 1))], "ATTACHMENT_TOO_LARGE", "attachments"),
        ([file(f"{n}.pdf", PDF) for n in range(11)], "ATTACHMENT_TOO_MANY", "attachments"),
        ([file("page.html", b"<html></html>")], "ATTACHMENT_INVALID", "attachments"),
        ([file("a.pdf", b"")], "ATTACHMENT_INVALID", "attachments"),
        ("a.pdf", "NOT_A_LIST", "attachments"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("endpoint", ["reply", "messages"])
def test_bad_files_are_coded_errors_and_nothing_is_written(
    world, bank, sent, settings, attachments, code, field, endpoint
):
    settings.ATTACHMENT_MAX_MB = 1
    body = {"result": RESULT, "body": "附件", "attachments": attachments}
    response = bank.client.post(
        f"{API}/requests/{sent.pk}/{endpoint}/", body, format="json", HTTP_IDEMPOTENCY_KEY="bad",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 400, response.json()
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    _untouched(sent)


def test_a_bad_result_with_good_files_writes_nothing(world, bank, sent):
    body = {"result": {"found": "maybe"}, "attachments": [file("流水.pdf", PDF)]}
    response = bank.client.post(
        f"{API}/requests/{sent.pk}/reply/", body, format="json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert response.status_code == 400 and response.json()["field"] == "result.found"
    _untouched(sent)


def test_batches_carry_no_files(world, bank, sent):
    reply = {"id": sent.pk, "idempotency_key": "b-1", "result": RESULT, "attachments": [file("a.pdf", PDF)]}
    response = bank.client.post(f"{API}/requests/replies/", {"replies": [reply]}, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "ATTACHMENTS_NOT_IN_BATCH",
        "replies.0.attachments",
    )
    _untouched(sent)


def test_the_schema_documents_the_thread_files_and_their_limits(db):
    schema = APIClient().get(f"{API}/openapi.json").json()
    paths = schema["paths"]
    thread = "/api/v1/requests/{request_id}/messages/"
    assert {"get", "post"} <= set(paths[thread])
    assert "/api/v1/requests/{request_id}/attachments/{attachment_id}/" in paths
    components = schema["components"]["schemas"]
    reply = components["ReplyRequest"]["properties"]
    assert reply["attachments"]["items"]["$ref"].endswith("/AttachmentInRequest")
    assert "attachments" not in components["BatchReplyRequest"]["properties"]
    assert "content_base64" in components["AttachmentInRequest"]["properties"]
    assert "attachments" in components["ThreadMessage"]["properties"]


def test_a_request_cancelled_before_it_went_out_stays_the_courts_own(world, bank, draft):
    """The court may write on a draft's thread (with files) and then cancel it: the unit never had
    it, so its list, thread and files answer like a missing request's."""
    actions.message_post(draft, body="内部讨论", actor=world.officer, attachments=[Upload("内部.pdf", PDF)])
    actions.request_cancel(draft, reason="不再需要", actor=world.officer)
    mine = RequestAttachment.objects.get()
    listed = bank.client.get(f"{API}/requests/?all=1")
    assert draft.pk not in [r["id"] for r in listed.json()["results"]]
    for path in ("", "messages/", "attachments/", f"attachments/{mine.pk}/"):
        not_yours = bank.client.get(f"{API}/requests/{draft.pk}/{path}")
        missing = bank.client.get(f"{API}/requests/{draft.pk + 999}/{path}")
        assert not_yours.status_code == missing.status_code == 404, path
        assert not_yours.content == missing.content, path


def test_steps_on_a_request_cancelled_before_it_went_out_answer_like_a_missing_one(world, bank, draft):
    """Not only reads: acknowledging or replying to it, alone or in a batch, is "not found" too
    (a state error would tell the unit the request exists)."""
    actions.request_cancel(draft, reason="不再需要", actor=world.officer)
    reply = {"result": {"found": False}}
    for path, body in (("acknowledge/", None), ("reply/", reply)):
        not_yours = bank.client.post(f"{API}/requests/{draft.pk}/{path}", body, format="json",
                                     HTTP_IDEMPOTENCY_KEY="k1")  # fmt: skip
        missing = bank.client.post(f"{API}/requests/{draft.pk + 999}/{path}", body, format="json",
                                   HTTP_IDEMPOTENCY_KEY="k2")  # fmt: skip
        assert not_yours.status_code == missing.status_code == 404, (path, not_yours.content)
        assert not_yours.content == missing.content, path
    page = bank.client.post(f"{API}/requests/replies/", {"replies": [
        {"id": draft.pk, "idempotency_key": "k3", **reply}, {"id": draft.pk + 999, "idempotency_key": "k4", **reply},
    ]}, format="json")  # fmt: skip
    [theirs, absent] = page.json()["results"]
    assert theirs["status"] == absent["status"] == 404
    assert {k: v for k, v in theirs.items() if k != "id"} == {k: v for k, v in absent.items() if k != "id"}
    assert not RequestEvent.objects.filter(request=draft, kind__in=("acknowledged", "completed")).exists()
