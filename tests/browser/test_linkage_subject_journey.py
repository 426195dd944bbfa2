"""Issue 14 §3 and §13: a request says whom and what. The officer sends a deduction naming the
account, the president approves it seeing the debtor, the amount as money and the account, and the
bank's liaison opens it from the inbox and sees the respondent's name and whole ID number — the view
logged (R-ID-05) — in headless Debian chromium. SCREENSHOTS_DIR=/some/folder keeps screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from enforcelink.cases.actions import PartyInput
from enforcelink.core.models import AuditEvent
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role
from tests.browser.pages import log_in, log_out, open_menu
from tests.factories import PERSON_IDS, USCCS, UnitFactory, UserFactory, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEBTOR_ID = PERSON_IDS[1]
MASKED = "1101051990****4472"
ACCOUNT = "6217000012345678"


def screenshot(page: Page, name: str) -> None:
    """Taken only on request: SCREENSHOTS_DIR=/some/folder."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_the_liaison_sees_whom_to_search_and_the_president_what_he_approves(live_server, page: Page, officer):
    base = live_server.url
    bank = UnitFactory(region=officer.court.region, name="綦江农商银行", unit_type="bank")
    UserFactory(username="bank.liaison", full_name="李联络", unit=bank, role=Role.LIAISON)
    UserFactory(username="wang.president", full_name="王院长", court=officer.court, role=Role.PRESIDENT)
    case = file_case(officer.court, officer, principal="124700.50", parties=[
        PartyInput(role="applicant", kind="organisation", name="重庆某小额贷款有限公司", id_number=USCCS[1]),
        PartyInput(role="respondent", kind="person", name="王五", id_number=DEBTOR_ID),
    ])  # fmt: skip

    # The officer sends the deduction naming the account it is to come from.
    log_in(page, base)
    page.goto(f"{base}/cases/{case.pk}/requests/")
    page.locator("#id_request_type_deduct").check()  # the units that deduct appear (htmx)
    page.locator("#id_purpose").fill("扣划被执行人银行存款")
    page.locator("#id_amount").fill("124700.50")
    page.locator("#id_account").fill(ACCOUNT)
    page.get_by_label("綦江农商银行").check()
    page.locator("#send-submit").click()
    expect(page.locator("#batch-requests tr[data-unit='綦江农商银行']")).to_contain_text("待审批")
    req = AssistanceRequest.objects.get()

    # The president sees whom it is against, how much as money, and from which account.
    log_out(page, base)
    log_in(page, base, "wang.president")
    page.goto(f"{base}/requests/approvals/")
    pending = page.locator(f"#approvals [data-request='{req.pk}']")
    expect(pending).to_contain_text("王五")
    expect(pending).to_contain_text(MASKED)
    expect(pending).to_contain_text("124,700.50 元")
    expect(pending).to_contain_text(ACCOUNT)
    expect(pending).not_to_contain_text("124700.50")
    screenshot(page, "req-approvals")
    page.goto(f"{base}/requests/{req.pk}/")
    subject = page.locator("#subject")
    expect(subject.locator("#respondents")).to_contain_text("王五")
    expect(subject.locator("#respondents")).to_contain_text(MASKED)
    expect(subject.locator("#subject-amount")).to_have_text("124,700.50 元")
    expect(subject.locator("#subject-account")).to_have_text(ACCOUNT)
    expect(page.locator("#approval")).to_be_visible()
    screenshot(page, "req-approval")
    page.locator("#approve-submit").click()
    expect(page.locator("#request-status")).to_contain_text("已发送")

    # The liaison finds it in the inbox (masked in the list) and opens it: the whole number, logged.
    log_out(page, base)
    log_in(page, base, "bank.liaison")
    open_menu(page, "/inbox/")
    row = page.locator("#inbox tbody tr")
    expect(row).to_contain_text("王五")
    expect(row).to_contain_text(MASKED)
    screenshot(page, "req-inbox")
    row.get_by_role("link", name=case.number).click()
    respondents = page.locator("#respondents")
    expect(respondents).to_contain_text("王五")
    expect(respondents).to_contain_text(DEBTOR_ID)
    expect(respondents).to_contain_text("居民身份证")
    expect(page.locator("#subject-amount")).to_have_text("124,700.50 元")
    expect(page.locator("#subject-account")).to_have_text(ACCOUNT)
    screenshot(page, "req-liaison")
    logged = AuditEvent.objects.get(action="party.id_revealed")
    assert logged.actor.username == "bank.liaison" and logged.after["request"] == req.pk
