"""Issuing documents: rendered text (PDF and DOCX), numbering, hashes, verification, rollback, scope."""

from __future__ import annotations

import hashlib
import io
from unittest import mock

import pytest
from django.utils import translation
from docx import Document as DocxDocument

from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent, NumberCounter
from enforcelink.documents import actions
from enforcelink.documents.actions import document_issue, template_save
from enforcelink.documents.models import Document, DocumentFile, DocumentTemplate
from enforcelink.documents.placeholders import chinese_date
from enforcelink.documents.queries import Verdict, document_verify, file_content
from tests.documents.conftest import docx_text, pdf_text
from tests.factories import PERSON_IDS, USCCS

ASSISTANCE = {
    "addressee": "綦江农商银行",
    "measure": "冻结被执行人李四在你行开立的账号6217000000000001的存款，以12,345.67元为限，期限一年。",
    "measure_amount": "12345.67",
}


def _both(document) -> list[str]:
    return [pdf_text(document), docx_text(document)]


def _common(text: str, case, document) -> None:
    assert case.number in text
    assert document.number in text
    assert "重庆市綦江区人民法院" in text
    assert chinese_date(document.issued_at.astimezone().date()) in text or "二〇" in text


def test_execution_notice_text(world, case):
    """R-MONEY-01: the amount is printed in figures and in capitals; parties with full IDs (served)."""
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    for text in _both(document):
        _common(text, case, document)
        assert "执行通知书" in text
        assert "李四、重庆某建材有限公司" in text
        assert "12,345.67元" in text and "壹万贰仟叁佰肆拾伍元陆角柒分" in text
        assert PERSON_IDS[1] in text and USCCS[0] in text
        assert "（2023）渝0110民初321号民事判决书" in text
        assert "失信被执行人名单" in text and "拒不执行判决、裁定罪" in text


def test_property_report_order_text(world, case):
    document = document_issue(
        case, kind="property_report_order", actor=world.officer, extra={"report_days": 10}
    )
    for text in _both(document):
        _common(text, case, document)
        assert "报告财产令" in text
        assert "十日内" in text  # the period, and the later-change duty (10 days)
        assert "壹万贰仟叁佰肆拾伍元陆角柒分" in text
        assert "虚假报告" in text


def test_assistance_notice_text_with_receipt(world, case):
    document = document_issue(case, kind="assistance_notice", actor=world.officer, extra=ASSISTANCE)
    for text in _both(document):
        _common(text, case, document)
        assert "协助执行通知书" in text and "回执" in text
        assert "綦江农商银行：" in text
        assert "6217000000000001" in text
        assert "第二百五十三条" in text
    assert document.number.startswith("（") and "渝0110协执" in document.number


def test_verification_code_printed_in_both_formats(world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    grouped = actions.format_code(document.verification_code)
    for text in _both(document):
        assert grouped in text
    assert len(document.verification_code) == 16
    assert set(document.verification_code) <= set(actions.CODE_ALPHABET)


def test_numbering_is_per_kind_and_gapless(world, case):
    """A failed issue gives its number back: the next document takes it (no gaps)."""
    first = document_issue(case, kind="execution_notice", actor=world.officer)
    other_kind = document_issue(case, kind="property_report_order", actor=world.officer)
    with pytest.raises(DomainError):
        document_issue(case, kind="assistance_notice", actor=world.officer, extra={})
    failing = mock.patch.object(actions.rendering, "to_docx", side_effect=RuntimeError("disk full"))
    with failing, pytest.raises(RuntimeError):
        document_issue(case, kind="execution_notice", actor=world.officer)
    second = document_issue(case, kind="execution_notice", actor=world.officer)
    assert (first.sequence, second.sequence, other_kind.sequence) == (1, 2, 1)
    assert second.number.endswith("执通2号")


def test_nothing_written_when_rendering_fails(world, case):
    document_issue(case, kind="execution_notice", actor=world.officer)  # loads the template first
    before = (Document.objects.count(), DocumentFile.objects.count(), AuditEvent.objects.count())
    counter = NumberCounter.objects.get(kind="document:execution_notice").last
    failing = mock.patch.object(actions.rendering, "to_pdf", side_effect=RuntimeError("pango crashed"))
    with failing, pytest.raises(RuntimeError):
        document_issue(case, kind="execution_notice", actor=world.officer)
    assert (Document.objects.count(), DocumentFile.objects.count(), AuditEvent.objects.count()) == before
    assert NumberCounter.objects.get(kind="document:execution_notice").last == counter


def test_missing_required_data_names_field_and_case(world, case):
    with pytest.raises(DomainError) as caught:
        document_issue(case, kind="assistance_notice", actor=world.officer, extra={"measure": "冻结"})
    assert caught.value.code == "MISSING_DATA"
    assert caught.value.field == "addressee"
    assert case.number in str(caught.value.message)
    assert not Document.objects.exists()


def test_missing_case_data_is_named(world, case):
    """A template that prints the officer's contact fails for a case with no officer, naming the field."""
    case.officer = None
    case.save(update_fields=["officer"])
    with pytest.raises(DomainError) as caught:
        document_issue(case, kind="execution_notice", actor=world.officer)
    assert caught.value.code == "MISSING_DATA" and caught.value.field == "court_contact"


def test_issue_records_audit_event_with_hashes(world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    event = AuditEvent.objects.filter(action="document.issued").get()
    assert event.case_id == case.pk and event.actor_id == world.officer.pk
    pdf_hash = DocumentFile.objects.get(document=document, format="pdf").sha256
    assert event.after["sha256"]["pdf"] == pdf_hash
    assert event.after["number"] == document.number


def test_verify_genuine_altered_unknown(world, case):
    """A forged or altered document fails verification (issue 3, bad input)."""
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    pdf, docx = file_content(document, "pdf"), file_content(document, "docx")
    code = actions.format_code(document.verification_code).lower()  # typed from paper
    assert document_verify(code, pdf).verdict == Verdict.GENUINE
    assert document_verify(code, docx).verdict == Verdict.GENUINE
    assert document_verify(code, hashlib.sha256(pdf).hexdigest().upper()).verdict == Verdict.GENUINE
    altered = pdf.replace(b"%%EOF", b"%%EOF\n% edited", 1)
    result = document_verify(code, altered)
    assert result.verdict == Verdict.ALTERED and result.document == document
    assert document_verify(code, "not a hash").verdict == Verdict.ALTERED
    assert document_verify("ABCD-EFGH-JKLM-NPQR", pdf).verdict == Verdict.UNKNOWN
    assert hashlib.sha256(pdf).hexdigest() == DocumentFile.objects.get(document=document, format="pdf").sha256


def test_stored_hash_detects_a_changed_file(world, case):
    """The stored hash no longer matches if the stored bytes are tampered with."""
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    stored = DocumentFile.objects.get(document=document, format="docx")
    DocumentFile.objects.filter(pk=stored.pk).update(content=bytes(stored.content) + b"x")
    assert hashlib.sha256(file_content(document, "docx")).hexdigest() != stored.sha256


def test_documents_visible_to_the_case_court_only(world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    assert list(Document.objects.visible_to(world.colleague)) == [document]
    assert list(Document.objects.visible_to(world.supervisor)) == [document]
    assert not Document.objects.visible_to(world.outsider).exists()
    assert not Document.objects.visible_to(world.liaison).exists()
    assert not DocumentFile.objects.visible_to(world.outsider).exists()
    assert DocumentFile.objects.visible_to(world.colleague).count() == 2


@pytest.mark.parametrize("who", ["outsider", "liaison", "supervisor"])
def test_only_the_case_court_staff_issue(world, case, who):
    with pytest.raises(NotFound):
        document_issue(case, kind="execution_notice", actor=getattr(world, who))
    assert not Document.objects.exists()


def test_unknown_kind_refused(world, case):
    with pytest.raises(DomainError) as caught:
        document_issue(case, kind="love_letter", actor=world.officer)
    assert caught.value.code == "DOCUMENT_KIND" and caught.value.field == "kind"


def test_pre_enforcement_kind_is_refused_on_a_case(world, case):
    with pytest.raises(DomainError) as caught:
        document_issue(case, kind="risk_notice", actor=world.officer)
    assert caught.value.code == "DOCUMENT_SUBJECT" and caught.value.field == "kind"


def test_court_version_overrides_default(world, case, django_user_model):
    admin = django_user_model.objects.create_user("court_admin", role="admin", court=world.court)
    template_save(
        "execution_notice",
        "# {{ court_name }}\n# 执行通知书\n= {{ document_number }}\n本院版本：{{ case_number }}，{{ amount_total_capital }}",
        actor=admin,
        court=world.court,
    )
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    assert document.template.court == world.court
    assert "本院版本" in pdf_text(document)
    assert DocumentTemplate.objects.filter(court__isnull=True, kind="execution_notice").count() == 0


def test_printed_text_does_not_follow_the_ui_language(world, case):
    """An officer using the English UI still issues a Chinese document (title, footer)."""
    with translation.override("en"):
        document = document_issue(case, kind="execution_notice", actor=world.officer)
    assert "核验码" in pdf_text(document)
    props = DocxDocument(io.BytesIO(file_content(document, "docx"))).core_properties
    assert props.title == "执行通知书"
