"""The 执行裁定书 a control request executes (DOMAIN.md §11; issue 4 §1): attached on send where the
unit's responsibility list requires it, one per case and measure, reused by later sends, never for
inquiries; and required attachments the platform cannot provide are refused (R-ASSET-01/-02)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enforcelink.core.errors import DomainError
from enforcelink.core.models import AuditEvent
from enforcelink.documents.actions import document_file
from enforcelink.documents.models import Document
from enforcelink.linkage import actions, policy
from enforcelink.linkage.models import AssistanceRequest, Responsibility
from tests.documents.conftest import docx_text
from tests.factories import UnitFactory, file_case
from tests.linkage.conftest import ask

RULING = "enforcement_ruling"


def _text(document, actor):
    document_file(document, "docx", actor=actor)  # rendered on first download
    return docx_text(document)


def _entry(request, action="request.sent"):
    [entry] = AuditEvent.objects.filter(action=action, object_id=str(request.pk))
    return entry.after


@pytest.fixture
def other_bank(world):
    return UnitFactory(region=world.region, name="綦江某银行", unit_type="bank")


def test_a_freeze_goes_out_with_its_ruling_and_the_notice_names_it(world, case):
    """R-ASSET-02: the ruling decides the freeze for a year, up to what the case still owes."""
    draft = actions.request_create(case, ask(world.unit, "freeze", amount="30000"), actor=world.officer)
    sent = actions.request_send(draft, actor=world.officer)
    ruling, notice = sent.ruling, sent.notice
    assert (ruling.kind, ruling.variant, ruling.case_id) == (RULING, "freeze", case.pk)
    assert ruling.number.startswith("（") and "执裁" in ruling.number and not ruling.files.exists()
    assert notice.values["ruling_number"] == ruling.number
    assert f"本院已作出{ruling.number}执行裁定（裁定书附后）" in _text(notice, world.liaison)
    text = _text(ruling, world.liaison)
    for line in (ruling.number, case.number, "冻结期限为一年", "以50,000.00元（大写：伍万元整）为限",
                 "第二百五十三条", "本裁定立即生效", "审判员"):  # fmt: skip
        assert line in text, line
    after = _entry(sent)
    assert after["ruling"] == ruling.number
    assert after["ruling_template"] == f"{ruling.template_id} v{ruling.template.version}"
    assert not AuditEvent.objects.filter(action="document.issued").exists()  # one action, one entry


def test_controls_of_one_case_in_one_batch_share_one_ruling(world, case, other_bank):
    made = actions.requests_fan_out(
        case,
        [ask(world.unit, "freeze", amount="1000"), ask(other_bank, "freeze", amount="2000"),
         ask(world.unit, "unfreeze"), ask(world.unit, "inquire_deposits")],
        actor=world.officer,
    )  # fmt: skip
    freeze, other, unfreeze, inquiry = made
    assert freeze.ruling == other.ruling and freeze.ruling.variant == "freeze"
    assert unfreeze.ruling.variant == "unfreeze" and unfreeze.ruling != freeze.ruling
    assert inquiry.ruling is None
    assert Document.objects.filter(kind=RULING).count() == 2
    for request in (freeze, other, unfreeze):
        after = _entry(request)
        assert after["ruling"] == request.ruling.number and "ruling_template" in after
        assert request.notice.values["ruling_number"] == request.ruling.number
    assert "ruling" not in _entry(inquiry)


def test_a_later_send_reuses_the_cases_ruling(world, case, other_bank):
    [first] = actions.requests_fan_out(case, [ask(world.unit, "freeze", amount="1000")], actor=world.officer)
    [again] = actions.requests_fan_out(case, [ask(other_bank, "freeze", amount="1000")], actor=world.officer)
    single = actions.request_send(
        actions.request_create(case, ask(world.unit, "freeze", amount="5"), actor=world.officer),
        actor=world.officer,
    )
    assert first.ruling == again.ruling == single.ruling
    assert Document.objects.filter(kind=RULING).count() == 1
    for request in (again, single):
        after = _entry(request)
        assert after["ruling"] == first.ruling.number and "ruling_template" not in after
    other_case = file_case(world.court, world.officer)
    [elsewhere] = actions.requests_fan_out(
        other_case, [ask(world.unit, "freeze", amount="1")], actor=world.officer
    )
    assert elsewhere.ruling != first.ruling  # a ruling is the case's own


def test_inquiries_get_no_ruling_and_cost_no_ruling_query(world, other_bank):
    cases = [file_case(world.court, world.officer) for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        made = actions.requests_for_cases(cases, ask(world.unit), actor=world.officer)
    assert all(request.ruling is None and request.notice is not None for request in made)
    assert not [q for q in queries.captured_queries if RULING in q["sql"]]
    assert "ruling" not in _entry(made[0]) and "ruling_number" not in made[0].notice.values


def _batch_queries(world, count):
    cases = [file_case(world.court, world.officer) for _ in range(count)]
    with CaptureQueriesContext(connection) as queries:
        made = actions.requests_for_cases(cases, ask(world.unit, "freeze", amount="100"), actor=world.officer)
    assert len({request.ruling_id for request in made}) == count  # one ruling per case
    return len(queries.captured_queries)


def test_a_batch_of_controls_reads_and_reserves_rulings_in_bulk(world):
    """One query for the existing rulings and one reservation, however many cases (no N+1)."""
    _batch_queries(world, 1)  # the first loads the shipped templates and makes the number counters
    assert _batch_queries(world, 2) == _batch_queries(world, 5)


def test_approval_sends_the_deduction_with_its_ruling(world, case):
    draft = actions.request_create(case, ask(world.unit, "deduct", amount="800"), actor=world.officer)
    waiting = actions.request_send(draft, actor=world.officer)
    assert waiting.status == "pending_approval" and waiting.ruling is None
    approved = actions.request_approve(waiting, approve=True, actor=world.president)
    assert approved.ruling.variant == "deduct" and approved.ruling.issued_by == world.president
    after = _entry(approved, "request.approved")
    assert after["ruling"] == approved.ruling.number and "ruling_template" in after
    assert "划入本院执行款专户" in _text(approved.ruling, world.officer)


def test_a_resent_request_keeps_its_ruling(world, case):
    sent = actions.request_send(
        actions.request_create(case, ask(world.unit, "freeze", amount="10"), actor=world.officer),
        actor=world.officer,
    )
    actions.request_return(sent, reason="账号有误", actor=world.liaison)
    resent = actions.request_resend(sent, actor=world.officer)
    assert resent.ruling_id == sent.ruling_id and Document.objects.filter(kind=RULING).count() == 1
    assert _entry(resent, "request.resent")["ruling"] == sent.ruling.number


def test_a_measure_without_its_own_text_gets_the_general_ruling_per_measure(world, case, police):
    """Exit restriction (police, a control) has no ruling variant: the general text names the measure,
    and another measure of the case gets its own general ruling."""
    Responsibility.objects.create(unit_type="police", request_type="assist_detention", sla_amount=1,
                                  sla_unit="days", attachments=["assistance_notice", "ruling"])  # fmt: skip
    exit_restriction, locate = actions.requests_fan_out(
        case, [ask(police, "exit_restriction"), ask(police, "assist_detention")], actor=world.officer
    )
    assert exit_restriction.ruling.variant == locate.ruling.variant == ""
    assert exit_restriction.ruling != locate.ruling
    assert "采取下列执行措施：限制出境。" in _text(exit_restriction.ruling, world.officer)
    [again] = actions.requests_fan_out(case, [ask(police, "exit_restriction")], actor=world.officer)
    assert again.ruling == exit_restriction.ruling


def test_a_list_without_the_ruling_sends_none(world, case):
    Responsibility.objects.create(unit=world.unit, request_type="freeze", sla_amount=2,
                                  sla_unit="working_days", attachments=["assistance_notice"])  # fmt: skip
    sent = actions.request_send(
        actions.request_create(case, ask(world.unit, "freeze", amount="10"), actor=world.officer),
        actor=world.officer,
    )
    assert sent.ruling is None and sent.notice is not None


def test_a_required_attachment_the_platform_cannot_provide_is_refused(world, case):
    Responsibility.objects.create(unit=world.unit, request_type="freeze", sla_amount=2,
                                  sla_unit="working_days", attachments=["ruling", "bank_form"])  # fmt: skip
    for attempt in (
        lambda: actions.request_create(case, ask(world.unit, "freeze", amount="10"), actor=world.officer),
        lambda: actions.requests_fan_out(case, [ask(world.unit, "freeze", amount="10")], actor=world.officer),
    ):
        with pytest.raises(DomainError) as caught:
            attempt()
        assert (caught.value.code, caught.value.field) == ("ATTACHMENT_UNAVAILABLE", "request_type")
        assert "bank_form" in str(caught.value.message) and world.unit.name in str(caught.value.message)
    assert not AssistanceRequest.objects.exists() and not Document.objects.exists()


def test_a_list_changed_after_the_draft_is_checked_at_send(world, case):
    draft = actions.request_create(case, ask(world.unit, "freeze", amount="10"), actor=world.officer)
    Responsibility.objects.create(unit=world.unit, request_type="freeze", sla_amount=2,
                                  sla_unit="working_days", attachments=["fax"])  # fmt: skip
    with pytest.raises(DomainError) as caught:
        actions.request_send(draft, actor=world.officer)
    assert caught.value.code == "ATTACHMENT_UNAVAILABLE"
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.notice_id is None and not Document.objects.exists()


@pytest.mark.parametrize(
    ("request_type", "variant"),
    [("freeze", "freeze"), ("renew_freeze", "renew_freeze"), ("unfreeze", "unfreeze"), ("deduct", "deduct"),
     ("seize", "seize"), ("release", "release"), ("renew_seizure", "renew_seizure"),
     ("detain_vehicle", "vehicle_detention"), ("exit_restriction", ""), ("inquire_deposits", "")],
)  # fmt: skip
def test_each_measure_is_ruled_by_its_shipped_text(request_type, variant):
    """R-ASSET-02: each control's ruling prints its own period; others take the general text."""
    assert policy.ruling_variant(request_type) == variant


@pytest.mark.parametrize(
    ("kinds", "code"),
    [(["assistance_notice", "bank_form"], "ATTACHMENT_UNAVAILABLE"), ("ruling", "ATTACHMENTS_INVALID"),
     ([None], "ATTACHMENTS_INVALID"), ({"ruling": 1}, "ATTACHMENTS_INVALID")],
)  # fmt: skip
def test_required_attachments_are_kinds_the_platform_makes(kinds, code):
    with pytest.raises(DomainError) as caught:
        policy.check_attachments(kinds)
    assert caught.value.code == code and caught.value.field == "attachments"


def test_known_attachments_pass_once_each():
    kinds = ["ruling", "assistance_notice", "ruling"]
    assert policy.check_attachments(kinds) == ("ruling", "assistance_notice")
    assert policy.check_attachments(()) == ()
