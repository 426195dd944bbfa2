"""Domain events (issue 13 §1): the registry's contract, each action's announcement and payload, and
case closure withdrawing unsent requests through `case.closed` (and undone with a failing listener)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from enforcelink.cases import policy as case_policy
from enforcelink.cases.actions import case_close, case_resume
from enforcelink.cases.models import Case
from enforcelink.core import events
from enforcelink.core.models import AuditEvent
from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest, RequestStatus
from enforcelink.orgs.api_auth import api_key_issue
from tests.factories import UserFactory, file_case
from tests.linkage.conftest import ask

RESULT = {
    "found": True,
    "accounts": [{"institution": "綦江农商银行", "account": "6217000012345678", "balance": "8800.00"}],
}
TEST_EVENTS = sorted(events.EVENTS - {"calendar.changed"})


@pytest.fixture
def heard() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every announcement of the case and request events, with its payload, in order."""
    log: list[tuple[str, dict[str, Any]]] = []
    for event in TEST_EVENTS:
        events.subscribe(event, "test.record", lambda event=event, **payload: log.append((event, payload)))
    yield log
    for event in TEST_EVENTS:
        events.unsubscribe(event, "test.record")


@pytest.fixture
def case(world) -> Case:
    return file_case(world.court, world.officer, principal="50000.00")


def _close(case: Case, actor: Any) -> Case:
    return case_close(
        case,
        mode="fully_performed",
        closed_on=timezone.localdate(),
        details={"settlement_performed": True},
        actor=actor,
    )


# --- the registry -----------------------------------------------------------------------------------


def test_unknown_events_are_refused_on_both_sides():
    with pytest.raises(ValueError):
        events.subscribe("case.typo", "test.x", print)
    with pytest.raises(ValueError):
        events.unsubscribe("case.typo", "test.x")


def test_an_announcement_outside_a_transaction_is_refused():
    """No database transaction here: a listener's failure could not undo the action."""
    with pytest.raises(RuntimeError, match="outside a transaction"):
        events.announce("case.filed", case_id=1)
    with pytest.raises(RuntimeError, match="outside a transaction"):
        events.announce_many("case.filed", [{"case_id": 1}])


@pytest.mark.django_db
def test_listeners_run_in_installed_apps_order_whatever_the_subscription_order():
    calls: list[str] = []
    names = ["test.first", "linkage.test", "cases.test", "core.test", "test.second"]
    for name in names:
        events.subscribe("request.sent", name, lambda name=name, **payload: calls.append(name))
    try:
        expected = ["core.test", "cases.test", "linkage.test", "test.first", "test.second"]
        assert events.listeners("request.sent") == expected
        answers = events.announce("request.sent", case_id=1)
        assert calls == expected and list(answers) == expected
    finally:
        for name in names:
            events.unsubscribe("request.sent", name)
    assert events.listeners("request.sent") == []


@pytest.mark.django_db
def test_announce_many_calls_a_batch_form_once_and_the_others_once_per_payload():
    """A statement's cases told together: listener by listener, each in app order; a listener with a
    batch form (`many=`) gets every payload in one call."""
    calls: list[tuple[str, Any]] = []
    events.subscribe(
        "request.sent", "test.each", lambda **payload: calls.append(("each", payload["case_id"]))
    )
    events.subscribe(
        "request.sent", "core.batch", lambda **payload: calls.append(("single", payload["case_id"])),
        many=lambda payloads: calls.append(("batch", [p["case_id"] for p in payloads])) or ["done"],
    )  # fmt: skip
    try:
        with transaction.atomic():
            answers = events.announce_many("request.sent", [{"case_id": 1}, {"case_id": 2}])
            assert events.announce_many("request.sent", []) == {}
        assert calls == [("batch", [1, 2]), ("each", 1), ("each", 2)]
        assert answers == {"core.batch": ["done"], "test.each": [None, None]}
        calls.clear()
        with transaction.atomic():  # one announcement still reaches the single form
            events.announce("request.sent", case_id=3)
        assert calls == [("single", 3), ("each", 3)]
    finally:
        events.unsubscribe("request.sent", "test.each")
        events.unsubscribe("request.sent", "core.batch")
    assert events.listeners("request.sent") == []


def test_the_shipped_subscriptions():
    assert events.listeners("case.closed") == ["linkage.requests", "assets.reinquiry"]
    assert events.listeners("calendar.changed") == ["cases.nodes", "urging.judgments", "linkage.requests"]
    # assets (issue 15): the inquiry at filing (R-CASE-02), replies into asset records (R-ASSET-01),
    # leads (R-CASE-04), re-inquiry after 终本 (R-ASSET-05), control measures (R-ASSET-03), and after
    # the controls their terms, renewals and waiting lists (R-ASSET-02, R-ASSET-04).
    assert events.listeners("case.filed")[-1] == "assets.inquiry"
    assert events.listeners("request.completed") == [
        "assets.records", "assets.lead_records", "assets.reinquiry", "assets.controls", "assets.expiry",
    ]  # fmt: skip
    assert events.listeners("request.rejected") == ["assets.records", "assets.reinquiry", "assets.controls"]
    assert events.listeners("request.cancelled") == ["assets.controls"]  # the measure it carried
    assert events.listeners("case.resumed") == ["assets.reinquiry"]
    assert events.listeners("request.sent") == []


# --- what the actions announce ----------------------------------------------------------------------


def test_filing_closing_and_resuming_announce_with_ids(world, heard):
    old = file_case(world.court, world.officer, filed_on=timezone.localdate() - dt.timedelta(days=125))
    assert heard == [
        ("case.filed", {"case_id": old.pk, "court_id": world.court.pk, "number": old.number,
                        "type_code": old.type_code, "resumed_from_id": None, "actor": world.officer}),
    ]  # fmt: skip
    heard.clear()
    zb = {key: True for key in case_policy.ZB_CHECKLIST}
    case_close(
        old, mode="terminated_this_round", closed_on=timezone.localdate(), details=zb, actor=world.officer
    )
    assert heard == [
        ("case.closed", {"case_id": old.pk, "court_id": world.court.pk, "mode": "terminated_this_round",
                         "closed_on": timezone.localdate(), "actor": world.officer}),
    ]  # fmt: skip
    heard.clear()
    new = case_resume(old, reason="发现新财产线索", actor=world.officer)
    assert [event for event, _payload in heard] == ["case.filed", "case.resumed"]
    assert heard[0][1]["case_id"] == new.pk and heard[0][1]["resumed_from_id"] == old.pk
    assert heard[1][1] == {"case_id": old.pk, "new_case_id": new.pk, "court_id": world.court.pk,
                           "reason": "发现新财产线索", "actor": world.officer}  # fmt: skip


def test_a_refused_action_announces_nothing(world, heard):
    case = file_case(world.court, world.officer)
    _close(case, world.officer)
    heard.clear()
    with pytest.raises(Exception):  # noqa: B017 (closed cases are read-only, whatever the code)
        _close(case, world.officer)
    assert heard == []


def test_request_steps_announce_sent_completed_rejected(world, case, heard):
    first = actions.request_create(case, ask(world.unit), actor=world.officer)
    second = actions.request_create(case, ask(world.unit), actor=world.officer)
    assert heard == []  # drafts announce nothing
    heard.clear()
    actions.request_send(first, actor=world.officer)
    actions.request_send(second, actor=world.officer)
    actions.request_complete(first, result=RESULT, actor=world.liaison)
    actions.request_reject(second, reason="查无此人", actor=world.liaison)
    ids = {"case_id": case.pk, "court_id": world.court.pk, "unit_id": world.unit.pk,
           "request_type": "inquire_deposits"}  # fmt: skip
    assert heard == [
        ("request.sent", {"request_id": first.pk, **ids, "step": "sent", "actor": world.officer}),
        ("request.sent", {"request_id": second.pk, **ids, "step": "sent", "actor": world.officer}),
        ("request.completed", {"request_id": first.pk, **ids, "actor": world.liaison,
                               "result": AssistanceRequest.objects.get(pk=first.pk).result}),
        ("request.rejected", {"request_id": second.pk, **ids, "reason": "查无此人", "actor": world.liaison}),
    ]  # fmt: skip
    assert heard[2][1]["result"]["found"] is True


def test_a_cancelled_request_announces_it_with_the_status_it_was_in(world, case, heard):
    sent = actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    heard.clear()
    actions.request_cancel(sent, reason="误发", actor=world.officer)
    assert heard == [
        ("request.cancelled", {"request_id": sent.pk, "case_id": case.pk, "court_id": world.court.pk,
                               "unit_id": world.unit.pk, "request_type": "inquire_deposits", "reason": "误发",
                               "was": "sent", "actor": world.officer}),
    ]  # fmt: skip


def test_approval_batches_and_reply_batches_announce_each_request(world, case, heard):
    waiting = actions.request_send(
        actions.request_create(case, ask(world.unit, "deduct", amount="100"), actor=world.officer),
        actor=world.officer,
    )
    assert heard == []  # put before an approver: not yet sent
    leader = UserFactory(court=world.court, role="team_leader")
    actions.request_approve(waiting, approve=True, actor=leader)
    assert [(e, p["request_id"], p["step"]) for e, p in heard] == [("request.sent", waiting.pk, "approved")]
    heard.clear()
    made = actions.requests_fan_out(case, [ask(world.unit), ask(world.unit)], actor=world.officer)
    assert [(e, p["request_id"]) for e, p in heard] == [("request.sent", r.pk) for r in made]
    heard.clear()
    key, _secret = api_key_issue(world.unit, name="核心系统", actor="test")
    replies = [
        actions.UnitReply(made[0].pk, "k1", "completed", RESULT),
        actions.UnitReply(made[1].pk, "k2", "rejected", reason="账户不存在"),
    ]
    actions.replies_apply(replies, actor=key, present=lambda changed: [{"id": r.pk} for r in changed])
    assert [(e, p["request_id"], p["actor"]) for e, p in heard] == [
        ("request.completed", made[0].pk, key),
        ("request.rejected", made[1].pk, key),
    ]
    heard.clear()
    actions.replies_apply(replies, actor=key, present=lambda changed: [{"id": r.pk} for r in changed])
    assert heard == []  # a repeat replays its answer and changes nothing


# --- closure and linkage through `case.closed` ------------------------------------------------------


def test_closure_withdraws_unsent_requests_through_the_event(world, case):
    draft = actions.request_create(case, ask(world.unit), actor=world.officer)
    sent = actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    listener = events._listeners["case.closed"]["linkage.requests"]
    events.unsubscribe("case.closed", "linkage.requests")
    try:
        other = file_case(world.court, world.officer)
        other_draft = actions.request_create(other, ask(world.unit), actor=world.officer)
        _close(other, world.officer)  # nobody listening: closure itself touches no request
        assert AssistanceRequest.objects.get(pk=other_draft.pk).status == RequestStatus.DRAFT
    finally:
        events.subscribe("case.closed", "linkage.requests", listener)
    _close(case, world.officer)
    assert {r.pk: r.status for r in AssistanceRequest.objects.filter(case=case)} == {
        draft.pk: RequestStatus.CANCELLED, sent.pk: RequestStatus.SENT}  # fmt: skip
    closed = AuditEvent.objects.get(action="case.closed", case_id=case.pk)
    withdrawn = AuditEvent.objects.get(action="request.cancelled", object_id=str(draft.pk))
    assert withdrawn.pk > closed.pk  # inside the closure, after its own entry


def test_a_failing_listener_rolls_the_closure_back(world, case):
    draft = actions.request_create(case, ask(world.unit), actor=world.officer)
    events_before = AuditEvent.objects.count()

    def refuse(**payload: Any) -> None:
        raise RuntimeError("listener failed")

    events.subscribe("case.closed", "test.refuse", refuse)  # runs after linkage's withdrawal
    try:
        with pytest.raises(RuntimeError, match="listener failed"):
            _close(case, world.officer)
    finally:
        events.unsubscribe("case.closed", "test.refuse")
    case.refresh_from_db()
    assert case.status != "closed" and case.closed_on is None
    assert AssistanceRequest.objects.get(pk=draft.pk).status == RequestStatus.DRAFT  # withdrawal undone
    assert AuditEvent.objects.count() == events_before
    assert _close(case, world.officer).status == "closed"  # and the closure still works afterwards
