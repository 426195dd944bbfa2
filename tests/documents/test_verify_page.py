"""The public verification page: no sign-in, genuine/altered/unknown/on record, no party data shown,
and bad input answered beside its field (issue 3 §2, issue 14 §9)."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from enforcelink.documents import actions, rendering, views
from enforcelink.documents.actions import CODE_ALPHABET, document_issue, format_code, new_verification_code
from enforcelink.documents.models import DocumentFile
from enforcelink.documents.queries import Verdict, document_verify, file_content, well_formed_code
from tests.documents.conftest import docx_text, pdf_text
from tests.factories import PERSON_IDS, USCCS


def _post(client, code, **data):
    return client.post(reverse("document-verify"), {"code": code, **data})


def test_page_opens_without_sign_in_with_code_prefilled(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    response = client.get(reverse("document-verify-code", args=[document.verification_code]))
    assert response.status_code == 200
    assert document.verification_code in response.content.decode()


def test_genuine_upload_shows_number_but_no_parties(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    upload = SimpleUploadedFile("notice.pdf", file_content(document, "pdf"), content_type="application/pdf")
    response = _post(client, format_code(document.verification_code), file=upload)
    page = response.content.decode()
    assert response.status_code == 200
    assert document.number in page
    assert "李四" not in page and case.number not in page


def test_altered_and_unknown(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    altered = SimpleUploadedFile(
        "notice.pdf", file_content(document, "pdf") + b"\n", content_type="application/pdf"
    )
    page = _post(client, document.verification_code, file=altered).content.decode()
    # The verdict, then the court's record to compare the copy with (issue 14 §9).
    assert 'data-verdict="altered"' in page and 'role="alert"' in page
    assert document.number in page and "matches your file" not in page
    page = _post(client, "ABCDEFGHJKLMNPQR", sha256="0" * 64).content.decode()
    assert 'data-verdict="unknown"' in page and 'role="alert"' in page and document.number not in page


def test_missing_evidence_is_an_error_not_a_500(client, world):
    response = _post(client, "ABCD")
    assert response.status_code == 200
    assert 'role="status"' not in response.content.decode()


def test_download_for_the_case_court_only(client, world, case):
    """Ownership: another court, a liaison or an anonymous visitor get the same 404 / sign-in."""
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    url = reverse("document-download", args=[document.pk, "pdf"])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(world.colleague)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == file_content(document, "pdf")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert client.get(reverse("document-download", args=[document.pk, "exe"])).status_code == 404
    for who in ("outsider", "liaison"):
        client.force_login(getattr(world, who))
        assert client.get(url).status_code == 404
    client.force_login(world.outsider)
    assert client.get(reverse("document-download", args=[document.pk + 999, "pdf"])).status_code == 404


def _post_en(client, code, **data):
    return client.post(reverse("document-verify"), {"code": code, **data}, HTTP_ACCEPT_LANGUAGE="en")


def _verdict(page: str) -> str | None:
    found = re.search(r'data-verdict="([a-z_]+)"', page)
    return found.group(1) if found else None


def _errors(page: str) -> list[str]:
    return re.findall(r'<ul class="errorlist"[^>]*><li>(.*?)</li>', page)


def _pdf(document, name="notice.pdf", content=None):
    data = file_content(document, "pdf") if content is None else content
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_qr_code_alone_shows_the_record_without_asking_for_the_file(client, world, case):
    """A paper copy's QR code opens /verify/<code>/: what the court recorded, no upload needed."""
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    response = client.get(f"/verify/{document.verification_code}/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert _verdict(page) == Verdict.ON_RECORD and 'role="status"' in page
    assert "Issued by the court" in page and _errors(page) == []
    with translation.override("en"):
        issued_on = date_format(timezone.localdate(document.issued_at), "DATE_FORMAT")
    for fact in (
        document.number,
        world.court.name,
        "Execution notice",
        issued_on,
        format_code(document.verification_code),
        *DocumentFile.objects.filter(document=document).values_list("sha256", flat=True),
    ):
        assert fact in page, fact
    # Nothing the record does not need: no party, no ID number, not even the case number.
    for private in (
        "张三",
        "李四",
        "重庆某建材有限公司",
        PERSON_IDS[0],
        PERSON_IDS[1],
        USCCS[0],
        case.number,
    ):
        assert private not in page, private
    assert "matches your file" not in page


def test_the_qr_record_in_chinese(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    page = client.get(
        f"/verify/{document.verification_code}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert _verdict(page) == Verdict.ON_RECORD
    assert "执行通知书" in page and document.number in page and world.court.name in page


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_genuine_file_of_either_format(client, world, case, fmt):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    upload = SimpleUploadedFile(f"notice.{fmt}", file_content(document, fmt))
    page = _post_en(client, document.verification_code.lower(), file=upload).content.decode()
    assert _verdict(page) == Verdict.GENUINE and 'role="status"' in page
    assert "matches your file" in page and document.number in page
    assert f"This {fmt.upper()} file is, byte for byte, document {document.number}" in page


def test_genuine_by_fingerprint_as_copied_with_spaces_and_capitals(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    digest = hashlib.sha256(file_content(document, "docx")).hexdigest().upper()
    fingerprint = " ".join(digest[i : i + 8] for i in range(0, 64, 8))
    page = _post(client, format_code(document.verification_code), sha256=fingerprint).content.decode()
    assert _verdict(page) == Verdict.GENUINE


def test_a_code_posted_without_evidence_shows_the_record(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    page = _post(client, format_code(document.verification_code)).content.decode()
    assert _verdict(page) == Verdict.ON_RECORD and document.number in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_well_formed_code_nobody_issued_is_unknown(client, world, method):
    code = "ABCD-EFGH-JKLM-NPQR"
    if method == "get":
        response = client.get(f"/verify/{code}/")
    else:
        response = _post(client, code, file=SimpleUploadedFile("x.pdf", b"%PDF-1.7 forged"))
    page = response.content.decode()
    assert response.status_code == 200 and _verdict(page) == Verdict.UNKNOWN
    assert 'id="record"' not in page


@pytest.mark.parametrize(
    "code", ["ABC", "ABCD-EFGH-JKLM-NPQ0", "IIII-OOOO-1111-0000", "ABCDEFGHJKLMNPQRS", "x" * 65]
)
def test_a_malformed_code_is_answered_beside_the_field(client, world, code):
    for response in (client.get(f"/verify/{code}/", HTTP_ACCEPT_LANGUAGE="en"), _post(client, code)):
        page = response.content.decode()
        assert response.status_code == 200 and _verdict(page) is None
        assert 'data-field="code"' in page and len(_errors(page)) == 1


def test_the_malformed_code_message_says_what_a_code_looks_like(client, world):
    page = client.get("/verify/ABCD-EFGH-JKLM-NPQ0/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _errors(page) == [
        "This is not a verification code: it has 16 letters and digits, as printed, e.g. "
        "ABCD-EFGH-JKLM-NPQR (without I, O, 0 or 1)."
    ]


def test_codes_typed_on_a_chinese_input_method_are_found(world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    grouped = format_code(document.verification_code)
    full_width = "".join(chr(ord(ch) + 0xFEE0) if ch != "-" else "－" for ch in grouped.lower())
    for typed in (full_width, grouped.replace("-", "—"), f" {grouped.lower()} "):
        assert well_formed_code(typed)
        assert document_verify(typed).verdict == Verdict.ON_RECORD


def test_the_code_pattern_is_the_code_alphabet():
    assert all(well_formed_code(new_verification_code()) for _ in range(200))
    for letter in CODE_ALPHABET:
        assert well_formed_code(letter * 16)
    for letter in "IO01":
        assert not well_formed_code(letter * 16)


def test_an_empty_file_is_answered_beside_the_field(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    response = client.post(
        reverse("document-verify"),
        {"code": document.verification_code, "file": SimpleUploadedFile("empty.pdf", b"")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 200 and _verdict(page) is None
    assert _errors(page) == ["The submitted file is empty."]


def test_a_file_over_the_limit_is_answered_beside_the_field(client, world, case, monkeypatch):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    monkeypatch.setattr(views, "MAX_UPLOAD", 1000)
    upload = _pdf(document, content=b"%PDF-" + b"x" * 1000)
    page = _post_en(client, document.verification_code, file=upload).content.decode()
    assert _verdict(page) is None and _errors(page) == ["The file is larger than 20 MB."]


def test_a_body_over_the_cap_is_refused_unread(client, world):
    response = client.generic(
        "POST", "/verify/", b"", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(22 * 1024 * 1024), HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 413
    assert "Request not accepted" in response.content.decode()


def test_a_photo_of_the_paper_is_not_called_altered(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    photo = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100, content_type="image/jpeg")
    page = _post_en(client, document.verification_code, file=photo).content.decode()
    assert _verdict(page) is None
    assert _errors(page)[0].startswith("This is not a PDF or DOCX file.")


def test_a_mistyped_fingerprint_is_not_called_altered(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    page = _post_en(client, document.verification_code, sha256="abc123").content.decode()
    assert _verdict(page) is None
    assert _errors(page) == ["A SHA-256 fingerprint is 64 characters, 0–9 and a–f."]


def test_a_signed_in_user_sees_the_public_page_without_navigation(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    client.force_login(world.officer)
    page = client.get(f"/verify/{document.verification_code}/").content.decode()
    assert _verdict(page) == Verdict.ON_RECORD
    assert 'class="mainnav"' not in page and 'class="who"' not in page
    assert 'class="mainnav"' in client.get(reverse("workbench")).content.decode()


def test_a_document_numbered_in_bulk_and_not_yet_rendered_says_so(client, world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    DocumentFile.objects.filter(document=document).delete()
    page = client.get(f"/verify/{document.verification_code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _verdict(page) == Verdict.ON_RECORD and "The files have not been produced yet." in page


@override_settings(PUBLIC_URL="https://zxld.example.gov.cn")
def test_documents_print_the_full_address_and_the_qr_code_encodes_it(world, case, monkeypatch):
    """Before: the paper said "(/verify/)", which nobody can open (issue 14 §9)."""
    encoded: list[str] = []
    to_pdf = rendering.to_pdf

    def spy(*args, qr_data, **kwargs):
        encoded.append(qr_data)
        return to_pdf(*args, qr_data=qr_data, **kwargs)

    monkeypatch.setattr(rendering, "to_pdf", spy)
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    assert encoded == [f"https://zxld.example.gov.cn/verify/{document.verification_code}/"]
    assert actions.verify_url(document.verification_code) == encoded[0]
    for text in (pdf_text(document), docx_text(document)):
        assert "（https://zxld.example.gov.cn/verify/）" in text
        assert format_code(document.verification_code) in text


def test_the_development_default_address_is_printed_in_full(world, case):
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    assert "（http://127.0.0.1:8000/verify/）" in pdf_text(document)


def test_a_format_the_document_was_not_made_in_is_missing_not_a_500(client, world, case):
    """A batch that rendered PDF only has no Word file: its /docx/ download is a 404 like any missing file."""
    document = document_issue(case, kind="execution_notice", actor=world.officer)
    DocumentFile.objects.filter(document=document, format="docx").delete()
    client.force_login(world.officer)
    assert client.get(reverse("document-download", args=[document.pk, "pdf"])).status_code == 200
    assert client.get(reverse("document-download", args=[document.pk, "docx"])).status_code == 404
