"""Issue 4 §11: an officer sends one inquiry to several banks at once, a bank's liaison logs in and
answers in the inbox, and the officer sees the result on the case — in headless Debian chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role
from tests.browser.pages import log_in, log_out
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_sends_a_batch_and_a_liaison_answers(live_server, page: Page, officer):
    base = live_server.url
    region = officer.court.region
    bank = UnitFactory(region=region, name="綦江农商银行", unit_type="bank")
    UnitFactory(region=region, name="綦江某国有银行", unit_type="bank")
    UnitFactory(region=region, name="綦江区公安局", unit_type="police")
    UserFactory(username="bank.liaison", full_name="李联络", unit=bank, role=Role.LIAISON)
    case = file_case(officer.court, officer)

    log_in(page, base)
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("#case-requests-link").click()
    page.locator("#id_request_type").select_option("inquire_deposits")
    page.locator("#id_purpose").fill("查询被执行人银行存款")
    page.get_by_label("綦江农商银行").check()
    page.get_by_label("綦江某国有银行").check()
    page.locator("#send-submit").click()
    expect(page.locator("#requests tbody tr")).to_have_count(2)
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"sent"}

    log_out(page, base)
    log_in(page, base, "bank.liaison")
    page.locator("a[href='/inbox/']").first.click()
    expect(page.locator("#inbox tbody tr")).to_have_count(1)
    page.locator("#inbox").get_by_role("link", name=case.number).click()
    page.locator("#acknowledge-submit").click()
    page.locator("#id_found").select_option("yes")
    page.locator("#id_accounts-0-institution").fill("綦江农商银行古南支行")
    page.locator("#id_accounts-0-account").fill("6217000012345678")
    page.locator("#id_accounts-0-balance").fill("18000.505")  # R-MONEY-01: three decimals are refused …
    page.locator("#complete-submit").click()
    expect(page.locator("#id_accounts-0-balance_error")).to_be_visible()
    page.locator("#id_accounts-0-balance").fill("18000.50")  # … and the corrected figure goes through
    page.locator("#complete-submit").click()
    expect(page.locator("#request-status")).to_contain_text("已完成")

    log_out(page, base)
    log_in(page, base)
    page.goto(f"{base}/cases/{case.pk}/requests/")
    row = page.locator("#requests tr[data-unit='綦江农商银行']")
    expect(row).to_contain_text("18000.50")
    expect(row).to_contain_text("6217000012345678")
