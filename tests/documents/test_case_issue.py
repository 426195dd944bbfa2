"""Issuing from the case page (issue 14 §2): one click and a confirmation, filled from the case, never
the 案号 retyped; the execution notice and the property-report order complete their clocks
(R-CASE-01), and the trail says so in words. Bad input answers beside the form, nothing written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcelink.cases.models import Case, NodeKind, NodeStatus, ProcessNode
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent, NumberCounter
from enforcelink.documents import policy
from enforcelink.documents.actions import document_issue
from enforcelink.documents.case_issue import case_document_issue
from enforcelink.documents.models import Document, DocumentFile
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def issue_url(case, kind: str) -> str:
    return reverse("case-document-issue", args=[case.pk, kind])


def node(case, kind: str) -> ProcessNode:
    return ProcessNode.objects.get(case=case, kind=kind)


def written() -> tuple[int, int, int, int]:
    return (
        Document.objects.count(),
        DocumentFile.objects.count(),
        AuditEvent.objects.count(),
        sum(NumberCounter.objects.filter(kind__startswith="document:").values_list("last", flat=True)),
    )


# --- the rule: which kinds the page offers --------------------------------------------------------


def test_the_notice_and_the_order_come_first_and_nothing_is_offered_on_a_closed_case():
    kinds = policy.case_kinds(closed=False, issued=set())
    assert kinds[:2] == ["execution_notice", "property_report_order"]
    assert kinds[-1] == "termination_ruling"  # the ruling that ends this round, just before closure
    assert "assistance_notice" not in kinds and "enforcement_ruling" not in kinds  # with a request
    assert not set(kinds) & policy.JUDGMENT_KINDS
    assert "consumption_lifting" not in kinds and "dishonest_deletion" not in kinds  # nothing to undo
    lifted = policy.case_kinds(closed=False, issued={"consumption_restriction"})
    assert "consumption_lifting" in lifted and "dishonest_deletion" not in lifted
    assert policy.case_kinds(closed=True, issued={"consumption_restriction"}) == []


# --- issuing completes the clock ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "clock", "step"),
    [
        ("execution_notice", NodeKind.EXECUTION_NOTICE, "execution_notice_sent"),
        ("property_report_order", NodeKind.PROPERTY_REPORT, "property_report_sent"),
    ],
)
def test_issuing_from_the_case_page_completes_its_clock_r_case_01(world, case, kind, clock, step):
    assert node(case, clock).status in (NodeStatus.OPEN, NodeStatus.OVERDUE)
    response = client_for(world.officer).post(issue_url(case, kind))
    assert response.status_code == 302
    assert response["Location"] == reverse("case-detail", args=[case.pk]) + "#documents"
    document = Document.objects.get(case=case, kind=kind)
    assert document.values["case_number"] == case.number  # filled from the case, not typed
    assert set(document.files.values_list("format", flat=True)) == {"pdf", "docx"}
    done = node(case, clock)
    assert done.status == NodeStatus.DONE and done.completed_on == timezone.localdate(
        document.issued_at
    )  # the court's day, not UTC's
    [entry] = AuditEvent.objects.filter(case_id=case.pk, action=f"step.{step}")
    assert done.completed_by == f"{step}#{entry.seq}"
    assert entry.after["document"] == document.number and entry.actor == world.officer
    others = ProcessNode.objects.filter(case=case).exclude(kind=clock).exclude(status=NodeStatus.DONE)
    assert others.exists()  # only its own clock

    page = client_for(world.officer).get(reverse("case-detail", args=[case.pk]))
    body = page.content.decode()
    assert document.number in body
    assert reverse("document-download", args=[document.pk, "pdf"]) in body
    assert reverse("document-download", args=[document.pk, "docx"]) in body
    [told] = [event.told for event in page.context["detail"].timeline if event.action == f"step.{step}"]
    label = "Execution notice sent" if kind == "execution_notice" else "Property-report order sent"
    assert told.sentence.startswith(f"{world.officer}: {label} on ")
    assert told.sentence.endswith(f", by issuing {document.number}")
    assert ("Clocks completed", done.get_kind_display()) in told.details


def test_a_second_notice_records_no_second_step(world, case):
    first = case_document_issue(case, kind="execution_notice", actor=world.officer)
    second = case_document_issue(case, kind="execution_notice", actor=world.officer)
    assert first.number != second.number
    assert AuditEvent.objects.filter(case_id=case.pk, action="step.execution_notice_sent").count() == 1


def test_a_clock_completed_by_hand_is_left_alone(world, case):
    from enforcelink.cases.actions import record_step

    record_step(case, step="execution_notice_sent", actor=world.officer)
    by = node(case, NodeKind.EXECUTION_NOTICE).completed_by
    case_document_issue(case, kind="execution_notice", actor=world.officer)
    assert node(case, NodeKind.EXECUTION_NOTICE).completed_by == by


def test_a_batch_notice_completes_the_clock_too(world, case):
    """`document_issue` is where every notice passes (the batch, the command line): one rule."""
    document_issue(case, kind="execution_notice", actor=world.officer)
    assert node(case, NodeKind.EXECUTION_NOTICE).status == NodeStatus.DONE


def test_a_document_that_completes_nothing_records_no_step(world, case):
    case_document_issue(case, kind="consumption_restriction", actor=world.officer)
    assert not AuditEvent.objects.filter(case_id=case.pk, action__startswith="step.").exists()


def test_the_fields_the_case_cannot_know_are_asked_and_checked(world, case):
    client = client_for(world.officer)
    fined = {
        "fine-act": "拒不到庭"
    }  # the first respondent, an organisation: 50,000 to 1,000,000 yuan (R-FORCE-01)
    for refused in ("49999.99", "1000000.01"):
        response = client.post(issue_url(case, "fine"), {**fined, "fine-fine_amount": refused})
        assert response.status_code == 400
        assert "A fine on this person must be from" in response.content.decode()
    assert not Document.objects.filter(kind="fine").exists()
    response = client.post(issue_url(case, "fine"), {**fined, "fine-fine_amount": "50000.00"})
    assert response.status_code == 302
    assert Document.objects.get(kind="fine").values["fine_amount"].startswith("50,000.00")
    response = client.post(issue_url(case, "dishonest_listing"), {"dishonest_listing-grounds": ["4", "5"]})
    assert response.status_code == 302
    assert "违反财产报告制度" in Document.objects.get(kind="dishonest_listing").values["listing_grounds"]


# --- bad input: clear answers, nothing written ----------------------------------------------------


def test_a_missing_required_field_is_named_beside_it(world, case):
    before = written()
    response = client_for(world.officer).post(issue_url(case, "fine"), {"fine-act": "拒不到庭"})
    assert response.status_code == 400
    assert 'data-field="fine-fine_amount"' in response.content.decode()
    assert "field-error" in response.content.decode()
    assert written() == before


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("no_such_kind", "Unknown document kind."),
        ("risk_notice", "not issued from the case page"),  # a judgment's, before enforcement
        ("assistance_notice", "goes out with an assistance request"),
        ("consumption_lifting", "Nothing to lift or delete"),  # nothing was restricted
    ],
)
def test_a_kind_that_does_not_apply_is_refused(world, case, kind, message):
    before = written()
    response = client_for(world.officer).post(issue_url(case, kind))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert written() == before
    assert node(case, NodeKind.EXECUTION_NOTICE).status != NodeStatus.DONE


def test_a_closed_case_issues_nothing(world, case):
    Case.objects.filter(pk=case.pk).update(status="closed")
    before = written()
    response = client_for(world.officer).post(issue_url(case, "execution_notice"))
    assert response.status_code == 400
    assert "The case is closed" in response.content.decode()
    assert written() == before
    with pytest.raises(DomainError) as caught:
        case_document_issue(Case.objects.get(pk=case.pk), kind="execution_notice", actor=world.officer)
    assert caught.value.code == "CASE_CLOSED"


def test_a_rendering_failure_gives_the_number_back(world, case, monkeypatch):
    from enforcelink.documents import rendering

    def broken(*args, **kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(rendering, "to_pdf", broken)
    before = written()
    response = client_for(world.officer).post(issue_url(case, "execution_notice"))
    assert response.status_code == 500
    assert "nothing was issued and no number was used" in response.content.decode()
    assert written() == before
    assert node(case, NodeKind.EXECUTION_NOTICE).status != NodeStatus.DONE
    monkeypatch.undo()
    assert case_document_issue(case, kind="execution_notice", actor=world.officer).sequence == 1


# --- who may: ownership and permission ------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "liaison", "other_liaison"])
def test_someone_elses_case_is_not_found(world, case, who):
    before = written()
    response = client_for(getattr(world, who)).post(issue_url(case, "execution_notice"))
    assert response.status_code == 404
    missing = reverse("case-document-issue", args=[case.pk + 1000, "execution_notice"])
    assert client_for(getattr(world, who)).post(missing).status_code == 404
    assert written() == before


def test_a_reader_who_may_not_issue_is_refused(world, case):
    """The region's supervisor sees the case but issues nothing (Action.ISSUE_DOCUMENTS)."""
    before = written()
    response = client_for(world.supervisor).post(issue_url(case, "execution_notice"))
    assert response.status_code == 403
    assert written() == before
    with pytest.raises(NotFound):
        case_document_issue(case, kind="execution_notice", actor=world.supervisor)


def test_signing_in_is_required_and_get_is_not_issuing(world, case):
    anonymous = Client().post(issue_url(case, "execution_notice"))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert client_for(world.officer).get(issue_url(case, "execution_notice")).status_code == 405
    assert not Document.objects.exists()


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer)
