"""Issue 14 §9: a reader scans the QR code on a paper copy and sees, without uploading anything,
that the court issued it and what it records; then checks the file they were sent, and an altered
one — in headless Debian chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from enforcelink.cases.actions import PartyInput
from enforcelink.documents.actions import document_issue, format_code, verify_url
from enforcelink.documents.queries import file_content
from tests.factories import PERSON_IDS, USCCS, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page: Page, name: str) -> None:
    """For people to look at, on request: SCREENSHOTS=1, into SCREENSHOTS_DIR (default /tmp)."""
    if os.environ.get("SCREENSHOTS") == "1":
        page.screenshot(
            path=str(Path(os.environ.get("SCREENSHOTS_DIR", "/tmp")) / f"{name}.png"), full_page=True
        )


def test_the_qr_code_shows_the_record_and_a_file_is_checked(
    live_server, page: Page, officer, settings, tmp_path
):
    settings.PUBLIC_URL = live_server.url  # what the QR code encodes: the site's public address
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_number=PERSON_IDS[0]),
        PartyInput(role="respondent", kind="organisation", name="重庆某建材有限公司", id_number=USCCS[0]),
    ]
    case = file_case(officer.court, officer, parties=parties)
    document = document_issue(case, kind="execution_notice", actor=officer)

    page.goto(verify_url(document.verification_code))  # the phone's camera opens the QR code's URL
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-verdict", "on_record")
    expect(verdict).to_contain_text("重庆市綦江区人民法院")
    record = page.locator("#record")
    for fact in (document.number, "执行通知书", format_code(document.verification_code)):
        expect(record).to_contain_text(fact)
    expect(page.locator("body")).not_to_contain_text("重庆某建材有限公司")
    expect(page.locator("body")).not_to_contain_text(case.number)
    expect(page.locator("#id_code")).to_have_value(document.verification_code)
    screenshot(page, "verify-record")

    genuine = tmp_path / f"{document.number}.pdf"
    genuine.write_bytes(file_content(document, "pdf"))
    page.locator("#id_file").set_input_files(str(genuine))
    page.locator("#verify-submit").click()
    expect(verdict).to_have_attribute("data-verdict", "genuine")
    expect(page.locator("#record .fingerprint-match")).to_contain_text("PDF")
    screenshot(page, "verify-genuine")

    altered = tmp_path / "altered.pdf"
    altered.write_bytes(file_content(document, "pdf").replace(b"%%EOF", b"%%EOF\n% edited", 1))
    page.locator("#id_file").set_input_files(str(altered))
    page.locator("#verify-submit").click()
    expect(verdict).to_have_attribute("data-verdict", "altered")
    expect(page.locator("#record")).to_contain_text(document.number)  # what to compare the copy with
    expect(page.locator("#record .fingerprint-match")).to_have_count(0)
    screenshot(page, "verify-altered")

    page.locator("#id_code").fill("ABCD-EFGH-JKLM-NPQ0")  # a 0 is never printed
    page.locator("#verify-submit").click()
    expect(page.locator(".field[data-field='code'] .errorlist")).to_be_visible()
    expect(page.locator("#verdict")).to_have_count(0)
