"""Issue 4 §7: the machine API for agencies' systems — poll, acknowledge, reply exactly once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import IntegrityError
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from enforcelink.linkage import actions
from enforcelink.linkage.actions import replies as reply_actions
from enforcelink.linkage.api import RequestSerializer, answers
from enforcelink.linkage.models import AssistanceRequest, ReplyReceipt, RequestEvent
from enforcelink.orgs.api_auth import api_key_issue, api_key_revoke
from tests.api.conftest import API
from tests.linkage.conftest import ask, key_client

RESULT = {
    "found": True,
    "accounts": [{"institution": "綦江农商银行", "account": "62170001", "balance": "5000.00"}],
}


def test_poll_lists_only_what_waits_for_this_unit(world, bank, sent):
    _other_key, other_secret = api_key_issue(world.other_unit, name="别家", actor="test")
    body = bank.client.get(f"{API}/requests/").json()
    assert [row["id"] for row in body["results"]] == [sent.pk]
    assert body["results"][0]["case_number"] == sent.case.number and body["results"][0]["notice_number"]
    assert key_client(other_secret).get(f"{API}/requests/").json()["results"] == []
    assert key_client(other_secret).get(f"{API}/requests/{sent.pk}/").status_code == 404


def test_a_safety_poll_asks_only_for_what_has_waited(world, bank, sent):
    """`sent_before`: a system that takes pushes polls for what it may have missed, not for what its
    pushes have just brought."""

    def ids(moment):
        response = bank.client.get(f"{API}/requests/", {"status": "sent", "sent_before": moment})
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    later = (sent.sent_at + dt.timedelta(minutes=1)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert ids(later.isoformat()) == [sent.pk]
    assert ids((sent.sent_at - dt.timedelta(minutes=1)).isoformat()) == []
    assert ids(timezone.localtime(later).replace(tzinfo=None).isoformat()) == [sent.pk]  # the platform's zone
    unencoded = bank.client.get(f"{API}/requests/?sent_before={later.isoformat()}")  # "+08:00" → " 08:00"
    assert [row["id"] for row in unencoded.json()["results"]] == [sent.pk]
    for bad in (
        "yesterday",
        "2026-13-01T00:00:00",
        "",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:00:00-05:00",
    ):
        response = bank.client.get(f"{API}/requests/", {"sent_before": bad})
        assert response.status_code == 400
        assert response.json()["code"] == "DATETIME_INVALID" and response.json()["field"] == "sent_before"


def test_a_reply_answers_exactly_as_the_request_serializer_shows_the_request(world, bank, sent, case):
    """`answers` writes the representation out by hand for speed: it must not drift from the API's."""
    actions.request_acknowledge(sent, actor=bank.key)
    done = actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    actions.request_complete(done, result=RESULT, actor=bank.key)
    refused = actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    actions.request_reject(refused, reason="户名与证件号不符", actor=bank.key)
    fresh = actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    draft = actions.request_create(case, ask(world.unit), actor=world.officer)  # no notice, nothing sent yet
    ids = [sent.pk, done.pk, refused.pk, fresh.pk, draft.pk]
    named = list(
        AssistanceRequest.objects.only(*actions.REPLY_COLUMNS)
        .annotate(**actions.REPLY_NAMES)
        .filter(pk__in=ids)
        .order_by("pk")
    )
    whole = (
        AssistanceRequest.objects.select_related("case__court", "unit", "notice")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    expected = [json.loads(JSONRenderer().render(RequestSerializer(r).data)) for r in whole]
    got = answers(named)
    assert got == [dict(RequestSerializer(r).data) for r in whole]
    assert json.loads(JSONRenderer().render(got)) == expected  # the same JSON as well
    assert {row["status"] for row in got} == {"acknowledged", "completed", "rejected", "sent", "draft"}
    assert got[-1]["notice_number"] is None and got[1]["result"] == RESULT


def test_acknowledge_then_reply_once_with_an_idempotency_key(world, bank, sent):
    assert bank.client.post(f"{API}/requests/{sent.pk}/acknowledge/").json()["status"] == "acknowledged"
    url = f"{API}/requests/{sent.pk}/reply/"
    first = bank.client.post(url, {"result": RESULT}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    again = bank.client.post(url, {"result": RESULT}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert first.json()["status"] == "completed"
    assert RequestEvent.objects.filter(request=sent, kind="completed").count() == 1
    assert ReplyReceipt.objects.count() == 1
    event = RequestEvent.objects.get(request=sent, kind="completed")
    assert event.api_key == bank.key


def test_the_same_key_for_another_reply_is_refused(world, bank, sent):
    url = f"{API}/requests/{sent.pk}/reply/"
    bank.client.post(url, {"result": RESULT}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = bank.client.post(url, {"result": {"found": False}}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert other.status_code == 400 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_a_reply_needs_a_key(world, bank, sent):
    response = bank.client.post(f"{API}/requests/{sent.pk}/reply/", {"result": RESULT}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert AssistanceRequest.objects.get().status == "sent"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"result": {"found": True, "accounts": [{"institution": "x", "account": "1", "balance": 1.234}]}},
         "result.accounts.0.balance"),
        ({"result": {"found": "maybe"}}, "result.found"),
        ({"outcome": "rejected", "reason": ""}, "reason"),
        ({"outcome": "exploded"}, "outcome"),
    ],
)  # fmt: skip
def test_a_reply_of_the_wrong_shape_is_a_clear_error_and_changes_nothing(world, bank, sent, body, field):
    response = bank.client.post(
        f"{API}/requests/{sent.pk}/reply/", body, format="json", HTTP_IDEMPOTENCY_KEY="x1"
    )
    assert response.status_code == 400 and response.json()["field"] == field
    assert AssistanceRequest.objects.get().status == "sent" and not ReplyReceipt.objects.exists()


def test_a_reply_after_cancellation_is_refused(world, bank, sent):
    actions.request_cancel(sent, reason="已履行", actor=world.officer)
    response = bank.client.post(f"{API}/requests/{sent.pk}/reply/", {"result": RESULT}, format="json",
                                HTTP_IDEMPOTENCY_KEY="late")  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == "REQUEST_STATE"


def test_reject_and_return_through_the_api(world, bank, sent, case):
    url = f"{API}/requests/{sent.pk}/reply/"
    body = {"outcome": "returned", "reason": "缺少裁定书"}
    assert (
        bank.client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="ret").json()["status"] == "returned"
    )


def test_reject_through_the_api_keeps_the_reason_and_ends_the_request(world, bank, sent):
    url = f"{API}/requests/{sent.pk}/reply/"
    body = {"outcome": "rejected", "reason": "户名与证件号不符"}
    response = bank.client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="rej")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert (
        answer["status"] == "rejected" and answer["reason"] == "户名与证件号不符" and answer["result"] == {}
    )
    again = bank.client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="rej")
    assert again.status_code == 200 and again.json() == answer  # a repeat is replayed
    assert RequestEvent.objects.filter(request=sent, kind="rejected").count() == 1
    assert ReplyReceipt.objects.filter(request=sent).count() == 1
    late = bank.client.post(url, {"result": RESULT}, format="json", HTTP_IDEMPOTENCY_KEY="after")
    assert late.status_code == 400 and late.json()["code"] == "REQUEST_STATE"
    _key, other = api_key_issue(world.other_unit, name="别家", actor="test")
    missing = bank.client.post(f"{API}/requests/{sent.pk + 999}/reply/", body, format="json",
                               HTTP_IDEMPOTENCY_KEY="x")  # fmt: skip
    stranger = key_client(other).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert stranger.status_code == missing.status_code == 404 and stranger.json() == missing.json()


def test_revoked_or_wrong_keys_are_refused(world, bank, sent):
    api_key_revoke(bank.key, actor="test")
    assert bank.client.get(f"{API}/requests/").status_code == 401
    assert key_client("el_nothere_xxxx").get(f"{API}/requests/").status_code == 401


def test_another_units_request_answers_like_a_missing_one(world, sent):
    _key, secret = api_key_issue(world.other_unit, name="别家", actor="test")
    client = key_client(secret)
    for path in (f"{sent.pk}/acknowledge/", f"{sent.pk}/reply/", f"{sent.pk + 999}/reply/", "abc/reply/"):
        response = client.post(
            f"{API}/requests/{path}", {"result": RESULT}, format="json", HTTP_IDEMPOTENCY_KEY="z"
        )
        assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"


def test_court_side_reads_its_requests_but_does_not_reply(world, sent, client_for):
    officer = client_for("officer")
    assert [r["id"] for r in officer.get(f"{API}/requests/").json()["results"]] == [sent.pk]
    assert officer.post(f"{API}/requests/{sent.pk}/acknowledge/").status_code == 403
    assert client_for("outsider").get(f"{API}/requests/{sent.pk}/").status_code == 404


def test_messages_both_ways(world, bank, sent, client_for):
    assert (
        bank.client.post(
            f"{API}/requests/{sent.pk}/messages/", {"body": "请补充账号"}, format="json"
        ).status_code
        == 201
    )
    assert (
        client_for("officer")
        .post(f"{API}/requests/{sent.pk}/messages/", {"body": "已补充"}, format="json")
        .status_code
        == 201
    )
    assert list(sent.messages.values_list("side", flat=True)) == ["unit", "court"]
    assert (
        client_for("supervisor")
        .post(f"{API}/requests/{sent.pk}/messages/", {"body": "?"}, format="json")
        .status_code
        == 404
    )


def test_a_batch_of_replies_is_applied_once_each(world, bank, case):
    made = [actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer)
            for _ in range(3)]  # fmt: skip
    replies = [{"id": r.pk, "idempotency_key": f"b-{r.pk}", "result": RESULT} for r in made]
    replies.append({"id": made[0].pk + 999, "idempotency_key": "x", "result": RESULT})
    replies.append({"id": made[1].pk, "idempotency_key": "bad", "outcome": "rejected", "reason": ""})
    first = bank.client.post(f"{API}/requests/replies/", {"replies": replies}, format="json")
    assert first.status_code == 200
    statuses = [row["status"] for row in first.json()["results"]]
    assert statuses == [200, 200, 200, 404, 400]
    again = bank.client.post(f"{API}/requests/replies/", {"replies": replies[:3]}, format="json")
    assert [row["status"] for row in again.json()["results"]] == [200, 200, 200]
    assert RequestEvent.objects.filter(kind="completed").count() == 3 and ReplyReceipt.objects.count() == 3


def test_a_reply_repeated_inside_one_batch_has_one_effect(world, bank, case):
    made = [actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer)
            for _ in range(2)]  # fmt: skip
    first, second = ({"id": r.pk, "idempotency_key": f"k-{r.pk}", "result": RESULT} for r in made)
    reused = {**second, "idempotency_key": first["idempotency_key"]}  # the same key for another request
    other_answer = {**first, "outcome": "rejected", "reason": "查无此人"}  # the same key, another reply
    page = {"replies": [first, first, second, reused, other_answer]}
    response = bank.client.post(f"{API}/requests/replies/", page, format="json")
    results = response.json()["results"]
    assert [row["status"] for row in results] == [200, 200, 200, 400, 400]
    assert results[0]["request"] == results[1]["request"] and results[0]["request"]["status"] == "completed"
    assert results[3]["code"] == results[4]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert RequestEvent.objects.filter(kind="completed").count() == 2 and ReplyReceipt.objects.count() == 2
    stored = ReplyReceipt.objects.get(key=first["idempotency_key"]).response
    assert stored == results[0]["request"]


def test_a_batch_that_races_another_on_a_key_is_applied_one_by_one(world, bank, sent, monkeypatch):
    """A key reused at the same moment by a concurrent call breaks the bulk insert of receipts; the
    page is then answered reply by reply, each still exactly once."""

    other = actions.request_send(actions.request_create(sent.case, ask(world.unit), actor=world.officer),
                                 actor=world.officer)  # fmt: skip
    pages: list[int] = []
    apply_page = reply_actions.apply_page

    def collide_once(replies, actor, present):
        pages.append(len(replies))
        if len(pages) in (1, 2):  # the page, then its first reply alone: as if another call had the key
            raise IntegrityError("duplicate key value violates unique constraint")
        return apply_page(replies, actor, present)

    monkeypatch.setattr(reply_actions, "apply_page", collide_once)  # where replies_apply finds it
    body = {"replies": [{"id": sent.pk, "idempotency_key": "race", "result": RESULT},
                        {"id": other.pk, "idempotency_key": "other", "result": RESULT}]}  # fmt: skip
    response = bank.client.post(f"{API}/requests/replies/", body, format="json")
    assert [row["status"] for row in response.json()["results"]] == [200, 200]
    assert pages == [2, 1, 1, 1]  # the page; the first reply, then once more; the second reply
    response = bank.client.post(f"{API}/requests/replies/", body, format="json")  # a repeat replays
    assert [row["status"] for row in response.json()["results"]] == [200, 200]
    for request in (sent, other):
        assert RequestEvent.objects.filter(request=request, kind="completed").count() == 1


def test_batches_are_for_unit_systems_and_bounded(world, bank, sent, client_for):
    body = {"replies": [{"id": sent.pk, "idempotency_key": "k", "result": RESULT}]}
    assert client_for("liaison").post(f"{API}/requests/replies/", body, format="json").status_code == 404
    assert client_for("officer").post(f"{API}/requests/replies/", body, format="json").status_code == 403
    too_many = {
        "replies": [{"id": sent.pk, "idempotency_key": f"k{i}", "result": RESULT} for i in range(501)]
    }
    response = bank.client.post(f"{API}/requests/replies/", too_many, format="json")
    assert response.status_code == 400 and response.json()["field"] == "replies"
    assert bank.client.post(f"{API}/requests/replies/", {"replies": []}, format="json").status_code == 400
