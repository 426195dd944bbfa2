"""Issue 12, finding 1: names stored before the text rule still print. The probe's assistance notice,
numbered at send with `\\x0b` in a name, failed on every download ("All strings must be XML
compatible"); now the characters are left out of the document and the change is logged."""

from __future__ import annotations

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enforcelink.cases.models import Party
from enforcelink.core.errors import InvalidInput
from enforcelink.core.models import AuditEvent
from enforcelink.documents.actions import active_template, document_file, document_issue, template_save
from enforcelink.documents.models import DocumentTemplate
from enforcelink.linkage.actions import Ask, request_create, request_send
from tests.documents.conftest import docx_text
from tests.factories import UserFactory

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


TEMPLATE = "# {{ court_name }}\n# 执行通知书\n= {{ document_number }}\n! {{ respondents }}：\n请\x1b履行。\n"


def test_a_template_uploaded_as_a_file_is_held_to_the_text_rule(client, world):
    """Review of issue 12, finding 1: a .txt upload replaced the checked body, so `\\x1b` reached the
    stored template and every document of the kind failed with a 500. `template_save` refuses it."""
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True, role=""))
    upload = SimpleUploadedFile("notice.txt", TEMPLATE.encode(), content_type="text/plain")
    response = client.post(
        reverse("admin:documents_documenttemplate_add"),
        {"kind": "execution_notice", "variant": "", "court": "", "body": "", "body_file": upload},
    )
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["body"]
    assert "U+001B" in error
    assert not DocumentTemplate.objects.exists()


def test_template_save_refuses_control_characters_with_the_field(world):
    """Review of issue 12, finding 1: the action itself applies the rule, whatever path called it."""
    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    with pytest.raises(InvalidInput) as refused:
        template_save("execution_notice", TEMPLATE, actor=root)
    assert (refused.value.code, refused.value.field) == ("TEXT_CONTROL_CHARACTER", "body")


def test_a_template_stored_with_control_characters_still_renders(world, case, caplog):
    """Review of issue 12, finding 1: versions stored before the fix print without the characters
    (the template text passes through `printable` at render time), and the change is logged."""
    template = active_template("execution_notice", world.court)
    type(template).objects.filter(pk=template.pk).update(body=template.body + "\n请\x1b\u202e履行。\n")
    with caplog.at_level(logging.WARNING, logger="enforcelink.documents.actions"):
        document = document_issue(case, kind="execution_notice", actor=world.officer)
        assert document_file(document, "pdf", actor=world.officer).startswith(b"%PDF")
    text = docx_text(document)
    assert "请履行。" in text and _clean_of_bad(text)
    assert any("U+001B" in record.getMessage() for record in caplog.records)
