"""The public verification page: no sign-in, genuine/altered/unknown, no party data shown."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enforcelink.documents.actions import document_issue, format_code
from enforcelink.documents.queries import file_content


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
    assert document.number not in page and 'role="alert"' in page
    page = _post(client, "ABCDEFGHJKLMNPQR", sha256="0" * 64).content.decode()
    assert 'role="alert"' in page and document.number not in page


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
