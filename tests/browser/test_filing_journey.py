"""Issue 2 §10: an officer logs in, files a case (first with a bad field, then corrected), and finds
it on the workbench and by searching its 案号 — in headless Debian chromium."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from enforcelink.cases.models import Case
from enforcelink.core.models import AuditEvent
from tests.browser.pages import log_in, open_menu
from tests.factories import PERSON_IDS, USCCS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page: Page, name: str) -> None:
    """Screenshots for people to look at, taken only on request (SCREENSHOTS=1)."""
    if os.environ.get("SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fill_filing(page: Page, principal: str) -> None:
    page.locator("#id_basis_type").select_option("judgment")
    page.locator("#id_basis_body").fill("重庆市綦江区人民法院")
    page.locator("#id_basis_number").fill("（2025）渝0110民初888号")
    page.locator("#id_basis_effective_on").fill("2025-02-10")
    page.locator("#id_principal").fill(principal)
    page.locator("#id_is_labour_pay").check()
    page.locator("#id_applicants-0-name").fill("王小明")
    page.locator("#id_applicants-0-id_number").fill(PERSON_IDS[2])
    page.locator("#id_respondents-0-kind").select_option("organisation")
    page.locator("#id_respondents-0-name").fill("重庆某建材有限公司")
    page.locator("#id_respondents-0-id_number").fill(USCCS[1])
    page.locator("#id_respondents-0-legal_representative").fill("李大山")


def test_officer_files_a_case_and_finds_it(live_server, page: Page, officer):
    base = live_server.url
    log_in(page, base)

    open_menu(page, "/cases/new/")
    expect(page).to_have_url(f"{base}/cases/new/")
    # One invalid field first: three decimals in yuan (R-MONEY-01).
    fill_filing(page, principal="58000.005")
    page.locator("#file-submit").click()
    error = page.locator(".field[data-field='principal'] #id_principal_error")
    expect(error).to_be_visible()
    assert Case.objects.count() == 0
    # The rest of what was typed is still there; correct the field and file.
    expect(page.locator("#id_respondents-0-name")).to_have_value("重庆某建材有限公司")
    # Party rows come and go through htmx without losing what was typed.
    page.locator("#respondents button[name=add]").click()
    expect(page.locator("#respondents fieldset.party-row")).to_have_count(2)
    expect(page.locator("#id_respondents-0-name")).to_have_value("重庆某建材有限公司")
    page.locator("#respondents-1 button[name=remove]").click()
    expect(page.locator("#respondents fieldset.party-row")).to_have_count(1)
    page.locator("#id_principal").fill("58000.00")
    page.locator("#file-submit").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(base)}/cases/\d+/$"))
    case = Case.objects.get()
    assert case.officer == officer
    expect(page.locator("h1.case-number")).to_have_text(case.number)
    expect(page.locator(".message-success")).to_contain_text(case.number)
    expect(page.locator("#amounts")).to_contain_text("伍万捌仟元整")
    page.locator("#nodes details.trace").first.locator("summary").click()
    expect(page.locator("#nodes details.trace").first).to_contain_text("R-CASE-")
    screenshot(page, "case-detail")
    # R-ID-05: masked until asked for; the reveal goes through htmx and is logged.
    applicant_id = page.locator("#parties tbody tr").first.locator(".id-number")
    expect(applicant_id).to_contain_text("****")
    applicant_id.get_by_role("button").click()
    expect(page.locator("#parties .revealed")).to_contain_text(PERSON_IDS[2])
    assert AuditEvent.objects.filter(action="party.id_revealed", case_id=case.pk).count() == 1

    page.goto(f"{base}/")
    expect(page.locator("#my-cases")).to_contain_text(case.number)
    screenshot(page, "workbench")

    page.goto(f"{base}/cases/")
    page.locator("#id_q").fill(case.number)
    page.locator("#id_q").press("Enter")
    expect(page).to_have_url(re.compile(r"/cases/\?q="))
    expect(page.locator("#cases tbody tr")).to_have_count(1)
    page.locator("#cases").get_by_role("link", name=case.number).click()
    expect(page).to_have_url(f"{base}/cases/{case.pk}/")
