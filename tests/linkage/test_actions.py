"""The request lifecycle (issue 4 §2), batches (§3), the thread (§4) and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent
from enforcelink.documents.actions import document_file
from enforcelink.linkage import actions, policy, queries
from enforcelink.linkage.models import AssistanceRequest, RequestEvent, RequestStatus, Responsibility
from enforcelink.orgs.api_auth import api_key_issue, api_key_revoke
from enforcelink.orgs.models import Role
from tests.documents.conftest import docx_text
from tests.factories import CourtFactory, UserFactory, file_case
from tests.linkage.conftest import ask

RESULT = {
    "found": True,
    "accounts": [{"institution": "綦江农商银行", "account": "6217000012345678", "balance": "8800.00"}],
}


def test_default_list_then_type_and_unit_overrides(world, police):
    assert queries.responsibility_for(world.unit, "freeze") == policy.CONTROL
    assert queries.responsibility_for(world.unit, "locate_person") is None
    Responsibility.objects.create(unit_type="bank", request_type="freeze", sla_amount=5, sla_unit="days")
    assert queries.responsibility_for(world.unit, "freeze").sla_amount == 5
    # A row naming no attachments keeps what the type carries: a freeze still goes with its ruling.
    assert queries.responsibility_for(world.unit, "freeze").attachments == policy.WITH_RULING
    Responsibility.objects.create(
        unit=world.unit, request_type="freeze", sla_amount=1, sla_unit="working_days"
    )
    assert queries.responsibility_for(world.unit, "freeze").sla_amount == 1
    Responsibility.objects.create(
        unit=world.unit, request_type="deduct", sla_amount=1, sla_unit="days", handled=False
    )
    assert "deduct" not in queries.responsibility_list(world.unit)
    assert queries.responsibility_for(police, "freeze") is None


def test_draft_records_case_purpose_basis_and_the_sla_in_force(world, draft, case):
    assert (draft.status, draft.case, draft.sla_amount, draft.sla_unit) == ("draft", case, 3, "working_days")
    assert draft.purpose and draft.legal_basis  # R-ASSET-01
    assert RequestEvent.objects.filter(request=draft, kind="created").exists()


@pytest.mark.parametrize(
    ("request_type", "details", "field"),
    [
        ("locate_person", {}, "request_type"),
        ("freeze", {}, "details.amount"),
        ("freeze", {"amount": "-1"}, "details.amount"),
    ],
)
def test_bad_asks_are_refused_naming_the_field(world, case, request_type, details, field):
    with pytest.raises(DomainError) as caught:
        actions.request_create(case, ask(world.unit, request_type, **details), actor=world.officer)
    assert caught.value.field == field
    assert not AssistanceRequest.objects.exists()


def test_purpose_and_basis_are_required(world, case):
    with pytest.raises(DomainError) as caught:
        actions.request_create(
            case, actions.Ask(world.unit, "inquire_deposits", " ", "x"), actor=world.officer
        )
    assert caught.value.field == "purpose"


def test_send_starts_the_clock_and_attaches_the_notice(world, case):
    request = actions.request_create(case, ask(world.unit, "freeze", amount="50000"), actor=world.officer)
    sent = actions.request_send(request, actor=world.officer)
    today = timezone.localdate()
    assert sent.status == "sent" and sent.due_on == policy.due_date(today, 2, "working_days").due
    assert sent.due_trace["start_event"] == "request_sent"  # R-TIME-02
    notice = sent.notice
    assert notice.kind == "assistance_notice" and notice.variant == "freeze"
    # Numbered and its text fixed at send; the files are made on first download, once.
    assert notice.values["document_number"] == notice.number and not notice.files.exists()
    pdf = document_file(notice, "pdf", actor=world.liaison)
    assert pdf.startswith(b"%PDF") and document_file(notice, "pdf", actor=world.officer) == pdf
    text = docx_text(notice)
    assert world.unit.name in text and "伍万元整" in text and case.number in text
    [rendered] = AuditEvent.objects.filter(action="document.rendered", object_id=str(notice.pk))
    assert set(rendered.after["sha256"].values()) == set(notice.files.values_list("sha256", flat=True))


def test_the_sent_entry_records_the_notice_issued_with_it(world, person_case, police):
    """One action, one trail entry: the notice issued with a send is named in the request's "sent"
    (and the case's timeline), not in an entry of its own."""
    case = person_case  # the household inquiry is about a natural person (R-EXIT-01)
    single = actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer),
                                  actor=world.officer)  # fmt: skip
    batch = actions.requests_fan_out(
        case, [ask(world.unit), ask(police, "inquire_household")], actor=world.officer
    )
    for request in [single, *batch]:
        [sent] = AuditEvent.objects.filter(action="request.sent", object_id=str(request.pk))
        assert sent.case_id == case.pk and sent.after["notice"] == request.notice.number
        assert (
            sent.after["notice_template"]
            == f"{request.notice.template_id} v{request.notice.template.version}"
        )
    assert not AuditEvent.objects.filter(action="document.issued").exists()


def test_deduction_goes_through_approval(world, case):
    request = actions.request_create(case, ask(world.unit, "deduct", amount="1000"), actor=world.officer)
    assert actions.request_send(request, actor=world.officer).status == "pending_approval"
    with pytest.raises(DomainError) as caught:
        actions.request_approve(request, approve=True, actor=world.colleague)
    assert caught.value.code == "NOT_APPROVER"
    with pytest.raises(DomainError):
        actions.request_approve(request, approve=False, actor=world.president)  # refusing needs a reason
    approved = actions.request_approve(request, approve=True, actor=world.president)
    assert approved.status == "sent" and approved.notice is not None
    [entry] = AuditEvent.objects.filter(action="request.approved", object_id=str(request.pk))
    assert entry.actor == world.president and entry.after["notice"] == approved.notice.number


def test_the_liaison_acknowledges_works_and_answers(world, draft):
    actions.request_send(draft, actor=world.officer)
    assert actions.request_acknowledge(draft, actor=world.liaison).acknowledged_at is not None
    actions.request_start(draft, actor=world.liaison)
    done = actions.request_complete(draft, result=RESULT, actor=world.liaison)
    assert done.status == "completed" and done.result["accounts"][0]["balance"] == "8800.00"
    kinds = list(RequestEvent.objects.filter(request=draft).values_list("kind", flat=True))
    assert kinds == ["created", "sent", "acknowledged", "started", "completed"]
    assert AuditEvent.objects.filter(action="request.completed").count() == 1


def test_a_reply_of_the_wrong_shape_changes_nothing(world, draft):
    actions.request_send(draft, actor=world.officer)
    with pytest.raises(DomainError) as caught:
        actions.request_complete(draft, result={"found": True, "accounts": "many"}, actor=world.liaison)
    assert caught.value.field == "result.accounts"
    draft.refresh_from_db()
    assert draft.status == "sent" and draft.result == {}


def test_other_units_and_drafts_look_missing(world, draft):
    with pytest.raises(NotFound):
        actions.request_acknowledge(draft, actor=world.liaison)  # still a draft: not sent to anyone
    actions.request_send(draft, actor=world.officer)
    for outsider in (world.other_liaison, world.outsider, world.supervisor):
        with pytest.raises(NotFound):
            actions.request_complete(draft, result=RESULT, actor=outsider)
    with pytest.raises(NotFound):
        actions.request_cancel(draft, reason="x", actor=world.outsider)


def test_a_reply_after_cancellation_is_refused(world, draft):
    actions.request_send(draft, actor=world.officer)
    actions.request_cancel(draft, reason="被执行人已履行", actor=world.officer)
    with pytest.raises(DomainError) as caught:
        actions.request_complete(draft, result=RESULT, actor=world.liaison)
    assert caught.value.code == "REQUEST_STATE"


def test_return_pauses_the_clock_and_resending_does_not_restart_it(world, draft):
    sent = actions.request_send(draft, actor=world.officer)
    first_sent, due = sent.sent_at, sent.due_on
    actions.request_return(draft, reason="缺少生效裁判文书", actor=world.liaison)
    AssistanceRequest.objects.filter(pk=draft.pk).update(returned_at=timezone.now() - dt.timedelta(days=4))
    resent = actions.request_resend(draft, actor=world.officer, note="已补充")
    lost = policy.paused_between(
        timezone.localdate() - dt.timedelta(days=4), timezone.localdate(), "working_days"
    )
    assert resent.status == "sent" and resent.sent_at == first_sent and resent.paused_days == lost
    assert (
        resent.due_on
        == policy.due_date(timezone.localdate(first_sent), 3, "working_days", paused_days=lost).due
    )
    assert resent.due_on >= due


def test_a_units_system_answers_with_its_api_key_until_revoked(world, draft):
    key, _secret = api_key_issue(world.unit, name="核心系统", actor=world.officer)
    actions.request_send(draft, actor=world.officer)
    actions.request_acknowledge(draft, actor=key)
    event = RequestEvent.objects.get(request=draft, kind="acknowledged")
    assert event.api_key == key and event.actor is None
    api_key_revoke(key, actor=world.officer)
    key.refresh_from_db()
    with pytest.raises(NotFound):
        actions.request_complete(draft, result=RESULT, actor=key)
    other_key, _ = api_key_issue(world.other_unit, name="别家", actor=world.officer)
    with pytest.raises(NotFound):
        actions.request_complete(draft, result=RESULT, actor=other_key)


def test_both_sides_write_in_one_thread(world, draft):
    actions.request_send(draft, actor=world.officer)
    actions.message_post(draft, body="请尽快办理", actor=world.officer)
    actions.message_post(draft, body="账户需要提供开户行", actor=world.liaison)
    assert [(m.side, m.body) for m in draft.messages.all()] == [
        ("court", "请尽快办理"),
        ("unit", "账户需要提供开户行"),
    ]
    with pytest.raises(DomainError):
        actions.message_post(draft, body=" ", actor=world.officer)
    with pytest.raises(NotFound):
        actions.message_post(draft, body="?", actor=world.other_liaison)


def test_one_case_to_many_units_is_all_or_nothing(world, person_case, police):
    case = person_case  # the household inquiry is about a natural person (R-EXIT-01)
    asks = [ask(world.unit), ask(police, "inquire_household")]
    made = actions.requests_fan_out(case, asks, actor=world.officer)
    assert [r.status for r in made] == ["sent", "sent"] and len({r.batch for r in made}) == 1
    with pytest.raises(DomainError):
        actions.requests_fan_out(
            case, [ask(world.unit), ask(police, "deduct", amount="1")], actor=world.officer
        )
    assert AssistanceRequest.objects.count() == 2


def test_many_cases_to_one_unit(world, case):
    other = file_case(world.court, world.officer)
    made = actions.requests_for_cases([case, other], ask(world.unit), actor=world.officer, send=False)
    assert {r.case_id for r in made} == {case.pk, other.pk} and {r.status for r in made} == {"draft"}


def test_the_notice_prints_the_request_type_in_chinese_whatever_the_ui_language(world, case):
    with translation.override("en"):
        [sent] = actions.requests_for_cases([case], ask(world.unit), actor=world.officer)
    assert sent.notice.values["measure"].startswith("查询：存款")


def test_a_batch_is_sent_by_the_courts_staff_only(world, case):
    """As one request at a time: the platform administrator may make drafts, only the court sends;
    another court's officer finds nothing. The batch leaves one "sent" event per request."""
    root = UserFactory(username="root", is_superuser=True, role=Role.ADMIN, court=None)
    stranger = UserFactory(
        username="stranger",
        court=CourtFactory(code="渝0199", name="另一法院", region=world.region),
        role=Role.OFFICER,
    )
    for actor in (root, stranger):
        with pytest.raises(NotFound):
            actions.requests_for_cases([case], ask(world.unit), actor=actor)
    assert not AssistanceRequest.objects.exists()
    [draft] = actions.requests_for_cases([case], ask(world.unit), actor=root, send=False)
    assert draft.status == "draft"
    [sent] = actions.requests_for_cases([case], ask(world.unit), actor=world.officer)
    assert list(sent.events.values_list("kind", "status_before", "status_after")) == [("sent", "", "sent")]


def test_scoping_of_requests(world, draft, police):
    sent = actions.request_send(draft, actor=world.officer)
    actions.request_create(draft.case, ask(world.unit), actor=world.officer)  # another draft
    assert list(queries.visible_requests(world.liaison)) == [sent]  # the unit never sees drafts
    assert queries.visible_requests(world.other_liaison).count() == 0
    assert queries.visible_requests(world.outsider).count() == 0
    assert queries.visible_requests(world.colleague).count() == 2
    assert queries.visible_requests(world.supervisor).count() == 2  # the region's supervisor reads


def test_a_closed_case_sends_nothing(world, case):
    from enforcelink.cases.models import Case

    Case.objects.filter(pk=case.pk).update(status="closed")
    with pytest.raises(DomainError) as caught:
        actions.request_create(case, ask(world.unit), actor=world.officer)
    assert caught.value.code == "CASE_CLOSED"
    assert RequestStatus.DRAFT not in set(AssistanceRequest.objects.values_list("status", flat=True))


def test_nobody_approves_their_own_deduction(world, case):
    request = actions.request_create(case, ask(world.unit, "deduct", amount="100"), actor=world.president)
    actions.request_send(request, actor=world.president)
    with pytest.raises(DomainError) as caught:
        actions.request_approve(request, approve=True, actor=world.president)
    assert caught.value.code == "OWN_REQUEST"


def test_who_put_a_colleagues_draft_before_an_approver_does_not_approve_it(world, case):
    from enforcelink.orgs.models import Role
    from tests.factories import UserFactory

    draft = actions.request_create(case, ask(world.unit, "deduct", amount="100"), actor=world.officer)
    actions.request_send(draft, actor=world.president)  # the president submits the officer's draft
    with pytest.raises(DomainError) as caught:
        actions.request_approve(draft, approve=True, actor=world.president)
    assert caught.value.code == "OWN_REQUEST"
    leader = UserFactory(court=world.court, role=Role.TEAM_LEADER)
    assert actions.request_approve(draft, approve=True, actor=leader).status == RequestStatus.SENT


def test_closing_the_case_withdraws_unsent_requests_and_stops_approval(world, case):
    from enforcelink.cases.models import Case

    waiting = actions.request_create(case, ask(world.unit, "deduct", amount="100"), actor=world.officer)
    actions.request_send(waiting, actor=world.officer)
    draft = actions.request_create(case, ask(world.unit), actor=world.officer)
    sent = actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    actions.requests_withdraw_unsent(case, actor=world.officer)
    assert {r.pk: r.status for r in AssistanceRequest.objects.all()} == {
        waiting.pk: "cancelled", draft.pk: "cancelled", sent.pk: "sent"}  # fmt: skip
    Case.objects.filter(pk=case.pk).update(status="closed")
    with pytest.raises(DomainError):
        actions.request_approve(waiting, approve=True, actor=world.president)


def test_acknowledging_twice_is_harmless(world, draft):
    actions.request_send(draft, actor=world.officer)
    first = actions.request_acknowledge(draft, actor=world.liaison)
    again = actions.request_acknowledge(draft, actor=world.liaison)
    assert again.acknowledged_at == first.acknowledged_at
    assert RequestEvent.objects.filter(request=draft, kind="acknowledged").count() == 1


def test_a_unit_outside_the_courts_directory_is_not_found(world, case):
    with pytest.raises(NotFound):
        actions.request_create(case, ask(world.other_unit), actor=world.officer)
