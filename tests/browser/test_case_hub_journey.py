"""Issue 14 §2: the case page is the hub. The officer opens a case, issues the execution notice from
the case page (one click to open, one to confirm, no 案号 typed), and sees its clock turn done, the
notice listed with its downloads and code, and the timeline saying it — in headless Debian chromium.

With SCREENSHOTS=1 the page is saved as case-hub.png (SCREENSHOTS_DIR, default /tmp)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from enforcelink.documents.models import Document
from tests.browser.pages import log_in
from tests.factories import file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOTS") == "1":
        page.screenshot(
            path=str(Path(os.environ.get("SCREENSHOTS_DIR", "/tmp")) / f"{name}.png"), full_page=True
        )


def test_the_officer_issues_the_execution_notice_from_the_case_page(live_server, page: Page, officer):
    case = file_case(officer.court, officer)
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    clock = page.locator("#nodes tr[data-kind='execution_notice']")
    expect(clock).not_to_have_attribute("data-status", "done")
    expect(page.locator("#documents .issued-documents tbody tr[data-kind]")).to_have_count(0)

    offer = page.locator("#issue-execution_notice")
    offer.locator("summary").click()
    expect(offer).to_contain_text(case.number)  # filled from the case: nothing to type
    page.locator("#issue-execution_notice-submit").click()

    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/#documents")
    notice = Document.objects.get(case=case, kind="execution_notice")
    expect(page.locator(".messages")).to_contain_text(notice.number)
    expect(clock).to_have_attribute("data-status", "done")
    expect(clock.locator(".badge-done")).to_be_visible()
    row = page.locator(f"#documents #document-{notice.pk}")
    expect(row).to_contain_text(notice.number)
    expect(row.locator("a[data-format='pdf']")).to_be_visible()
    expect(row.locator("a[data-format='docx']")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text(notice.number)
    screenshot(page, "case-hub")

    with page.expect_download() as download:
        row.locator("a[data-format='pdf']").click()
    assert download.value.suggested_filename == f"{notice.number}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    # issued once: the offer stays for a second notice, but its clock no longer waits on it
    expect(page.locator("#issue-execution_notice .badge")).to_have_count(0)
