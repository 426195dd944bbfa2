"""Issue 12, finding 1: names stored before the text rule still print. The probe's assistance notice,
numbered at send with `\\x0b` in a name, failed on every download ("All strings must be XML
compatible"); now the characters are left out of the document and the change is logged."""

from __future__ import annotations

import logging

from enforcelink.cases.models import Party
from enforcelink.core.models import AuditEvent
from enforcelink.documents.actions import document_file, document_issue
from enforcelink.linkage.actions import Ask, request_create, request_send
from tests.documents.conftest import docx_text

BAD = ("\x0b", "\x1b", "\u202e")


def _spoil(case) -> None:
    """Stored directly, as rows written before the rule were: no validation on the way."""
    Party.objects.filter(case=case, name="李四").update(name="李\x0b\x1b四")
    Party.objects.filter(case=case, name="重庆某建材有限公司").update(name="张\u202e三建材有限公司")


def _clean_of_bad(data: str) -> bool:
    return not any(char in data for char in BAD)


def test_an_assistance_notice_numbered_with_such_names_renders(world, case, caplog):
    _spoil(case)
    request = request_send(
        request_create(
            case, Ask(world.unit, "inquire_deposits", "查询存款", "民诉法第二百五十三条"), actor=world.officer
        ),
        actor=world.officer,
    )
    notice = request.notice
    assert "\x0b" in notice.values["respondents"]  # the text fixed at send still holds them
    with caplog.at_level(logging.WARNING, logger="enforcelink.documents.actions"):
        pdf = document_file(notice, "pdf", actor=world.liaison)
    assert pdf.startswith(b"%PDF")
    text = docx_text(notice)
    assert "李四" in text and "张三建材有限公司" in text and _clean_of_bad(text)
    [warning] = [record for record in caplog.records if "left out" in record.getMessage()]
    assert notice.number in warning.getMessage() and case.number in warning.getMessage()
    [rendered] = AuditEvent.objects.filter(action="document.rendered", object_id=str(notice.pk))
    assert rendered.after["dropped_characters"]["respondents"] == ["U+000B", "U+001B", "U+202E"]


def test_a_document_issued_now_on_such_a_case_renders_in_both_formats(world, case):
    _spoil(case)
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    assert document_file(document, "pdf", actor=world.officer).startswith(b"%PDF")
    text = docx_text(document)
    assert "李四" in text and _clean_of_bad(text)
    [issued] = AuditEvent.objects.filter(action="document.issued", object_id=str(document.pk))
    assert "U+000B" in issued.after["dropped_characters"]["respondents"]


def test_clean_values_leave_no_trace(world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    [issued] = AuditEvent.objects.filter(action="document.issued", object_id=str(document.pk))
    assert "dropped_characters" not in issued.after
