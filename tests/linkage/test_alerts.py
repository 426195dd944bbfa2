"""Issue 14 §1: who is told of a request's step (linkage.actions.alerts), written in the step's
transaction — the officer of a unit's answer, the other side of a thread message, the approvers of a
submission (not its author), the requester of the decision; never whoever acted."""

from __future__ import annotations

import pytest
from django.db import transaction

from enforcelink.cases.models import Case
from enforcelink.core.models import Notification
from enforcelink.linkage import actions
from enforcelink.orgs.models import Role
from tests.factories import UserFactory
from tests.linkage.conftest import ask
from tests.linkage.test_actions import RESULT


def notes(user, kind: str = "") -> list[Notification]:
    found = Notification.objects.filter(user=user)
    return list(found.filter(kind=kind) if kind else found)


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


def test_a_units_reply_tells_the_requesting_officer_by_name(world, case, sent):
    Case.objects.filter(pk=case.pk).update(officer=world.officer)  # the rotation may have chosen another
    actions.request_complete(sent, result=RESULT, actor=world.liaison)
    [note] = notes(world.officer, "request.completed")
    assert world.unit.name in note.message and sent.case.number in note.message
    assert sent.notice.number in note.message  # the request by its notice number (协执…号)
    assert note.url == f"/requests/{sent.pk}/" and note.case_id == sent.case_id
    assert notes(world.liaison) == []  # who acted is not told
    assert notes(world.colleague) == [] and notes(world.president) == []


@pytest.mark.parametrize("step", ["reject", "return"])
def test_a_refusal_or_a_return_tells_the_officer_with_the_reason(world, sent, step):
    run = actions.request_reject if step == "reject" else actions.request_return
    run(sent, reason="账号不存在于本行", actor=world.liaison)
    [note] = notes(world.officer)
    assert note.kind == {"reject": "request.rejected", "return": "request.returned"}[step]
    assert "账号不存在于本行" in note.message and world.unit.name in note.message


def test_the_case_officer_hears_of_a_reply_to_a_colleagues_request(world, case, sent):
    other = world.colleague if case.officer == world.officer else world.officer
    case.officer = other
    case.save(update_fields=["officer"])
    actions.request_complete(sent, result=RESULT, actor=world.liaison)
    assert len(notes(world.officer, "request.completed")) == 1  # who drafted it
    assert len(notes(other, "request.completed")) == 1  # and whose case it is


def test_a_reply_by_the_units_system_names_the_unit(world, sent, bank):
    actions.request_complete(sent, result=RESULT, actor=bank.key)
    [note] = notes(world.officer)
    assert note.message.startswith(world.unit.name)


def test_thread_messages_tell_the_other_side(world, sent):
    second = UserFactory(username="liaison2", unit=world.unit, role=Role.LIAISON)
    other_unit_liaison = world.other_liaison
    actions.message_post(sent, body="请补充被执行人开户行", actor=world.liaison)
    [to_officer] = notes(world.officer, "request.message")
    assert "请补充被执行人开户行" in to_officer.message and world.unit.name in to_officer.message
    assert notes(second) == []  # the unit's own side is not told of its own message
    actions.message_post(sent, body="开户行为綦江支行", actor=world.officer)
    for liaison in (world.liaison, second):
        [note] = notes(liaison, "request.message")
        assert "开户行为綦江支行" in note.message and world.court.name in note.message
    assert notes(other_unit_liaison) == []
    assert len(notes(world.officer)) == 1  # not told of their own message


def test_a_request_before_an_approver_tells_the_approvers_but_not_its_author(world, case, leader):
    request = actions.request_create(case, ask(world.unit, "deduct", amount="1000.00"), actor=leader)
    actions.request_send(request, actor=leader)
    [note] = notes(world.president, "request.submitted")
    assert case.number in note.message and str(leader) in note.message
    assert notes(leader) == []  # the author may not approve it (four eyes)
    assert notes(world.officer) == [] and notes(world.command) == []
    assert Notification.objects.filter(user=world.outsider).count() == 0  # another court's staff


def test_the_decision_tells_the_requester(world, case, leader):
    request = actions.request_create(case, ask(world.unit, "deduct", amount="1000.00"), actor=world.officer)
    actions.request_send(request, actor=world.officer)
    assert {n.user for n in Notification.objects.filter(kind="request.submitted")} == {
        world.president,
        leader,
    }
    actions.request_approve(request, approve=False, note="金额有误", actor=world.president)
    [note] = notes(world.officer, "request.refused")
    assert "金额有误" in note.message and str(world.president) in note.message
    assert notes(world.president, "request.refused") == []


def test_a_batch_tells_each_in_few_queries(world, case, django_assert_max_num_queries):
    """A unit's reply batch: one query for the requests' names, one insert, whatever its size."""
    from enforcelink.cases.models import Case
    from tests.factories import file_case

    cases = [case, *(file_case(world.court, world.officer) for _ in range(4))]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(officer=world.officer)
    requests = [actions.request_send(actions.request_create(c, ask(world.unit), actor=world.officer),
                                     actor=world.officer) for c in cases]  # fmt: skip
    from enforcelink.linkage.actions.alerts import notify_steps
    from enforcelink.linkage.actions.trail import trail_step

    steps = [trail_step(r, "completed", "sent", actor=world.liaison) for r in requests]
    with transaction.atomic(), django_assert_max_num_queries(2):
        notify_steps(steps)
    assert len(notes(world.officer, "request.completed")) == len(requests)


def test_a_failed_step_leaves_no_notification(world, sent):
    with pytest.raises(RuntimeError, match="later failure"), transaction.atomic():
        actions.request_complete(sent, result=RESULT, actor=world.liaison)
        raise RuntimeError("later failure in the same transaction")
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("approve", [True, False])
def test_a_decision_marks_every_approvers_waiting_note_read(world, case, leader, approve):
    """Once decided, a request asks nothing more of the approvers: the note that asked each of them
    (the decider and the others) is read; another request's note stays unread."""
    second_leader = UserFactory(username="leader2", court=world.court, team=world.team, role=Role.TEAM_LEADER)
    request = actions.request_create(case, ask(world.unit, "deduct", amount="1000.00"), actor=world.officer)
    other = actions.request_create(case, ask(world.unit, "deduct", amount="5.00"), actor=world.officer)
    actions.request_send(request, actor=world.officer)
    actions.request_send(other, actor=world.officer)
    approvers = {world.president, leader, second_leader}
    waiting = Notification.objects.filter(kind="request.submitted", read_at__isnull=True)
    assert {n.user for n in waiting} == approvers and waiting.count() == 6
    actions.request_approve(request, approve=approve, note="金额有误", actor=leader)
    left = Notification.objects.filter(kind="request.submitted", read_at__isnull=True)
    assert {n.user for n in left} == approvers  # the other request still asks each of them
    assert all(n.url.endswith(f"/{other.pk}/") for n in left) and left.count() == 3
    assert not [n for n in notes(world.officer) if n.read_at is not None]  # nobody else's notes touched


def test_a_failed_decision_leaves_the_waiting_notes_unread(world, case, leader):
    request = actions.request_create(case, ask(world.unit, "deduct", amount="1000.00"), actor=world.officer)
    actions.request_send(request, actor=world.officer)
    with pytest.raises(Exception):  # noqa: B017 - a refusal without a reason is refused whole
        actions.request_approve(request, approve=False, note="", actor=leader)
    assert Notification.objects.filter(kind="request.submitted", read_at__isnull=False).count() == 0
