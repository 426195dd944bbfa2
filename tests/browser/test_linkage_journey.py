"""Issue 4 §11: an officer sends one inquiry to several banks at once, a bank's liaison logs in and
answers in the inbox, and the officer sees the result on the case — in headless Debian chromium.
Issue 14 §6: ticking kinds offers the units that handle them (htmx), what can go is sent and the
result page says of the rest why not; without JavaScript the page works too."""

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
    state_bank = UnitFactory(region=region, name="綦江某国有银行", unit_type="bank")
    UnitFactory(region=region, name="北京银行綦江支行", unit_type="bank")  # nobody there on the platform yet
    registry = UnitFactory(region=region, name="綦江区不动产登记中心", unit_type="real_estate")
    UnitFactory(region=region, name="綦江区公安局", unit_type="police")
    UnitFactory(region=region, name="綦江区纪委监委", unit_type="discipline")
    UnitFactory(region=region, name="綦江区融媒体中心", unit_type="media")
    UserFactory(username="bank.liaison", full_name="李联络", unit=bank, role=Role.LIAISON)
    UserFactory(username="state.liaison", unit=state_bank, role=Role.LIAISON)
    UserFactory(username="registry.liaison", unit=registry, role=Role.LIAISON)
    case = file_case(officer.court, officer)

    log_in(page, base)
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("#case-requests-link").click()
    expect(page.locator("#units-empty")).to_be_visible()  # no kind chosen: no unit offered yet
    page.locator("#id_request_type_inquire_deposits").check()
    page.locator("#id_request_type_inquire_real_estate").check()
    units = page.locator("#units-field label.check")
    expect(units).to_have_count(4)  # three banks and the registry; no police, commission or media
    # Grouped by unit type, the banks in pinyin order (北京 bei, 綦江某 qi…mou, 綦江农 qi…nong).
    assert units.evaluate_all("labels => labels.map(l => l.dataset.unit)") == [
        "北京银行綦江支行", "綦江某国有银行", "綦江农商银行", "綦江区不动产登记中心"]  # fmt: skip
    page.locator("#id_purpose").fill("查询被执行人银行存款和不动产")
    for name in ("北京银行綦江支行", "綦江某国有银行", "綦江农商银行", "綦江区不动产登记中心"):
        page.get_by_label(name).check()
    page.locator("#send-submit").click()
    expect(page.locator("#batch-requests tbody tr")).to_have_count(3)
    refused = page.locator("#refused-requests tbody tr")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("北京银行綦江支行")
    expect(refused.locator("td").nth(3)).not_to_be_empty()
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"sent"}
    page.locator("#to-case-requests").click()  # back to the case's requests
    expect(page.locator("#requests tbody tr")).to_have_count(3)

    log_out(page, base)
    log_in(page, base, "bank.liaison")
    page.goto(f"{base}/inbox/")
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


def test_without_javascript_the_units_come_with_a_button(live_server, page: Page, browser, officer):
    base = live_server.url
    bank = UnitFactory(region=officer.court.region, name="綦江农商银行", unit_type="bank")
    UserFactory(username="bank.liaison", unit=bank, role=Role.LIAISON)
    UnitFactory(region=officer.court.region, name="綦江区公安局", unit_type="police")
    case = file_case(officer.court, officer)
    log_in(page, base)  # signed in with JavaScript; the send form is then used without
    context = browser.new_context(
        java_script_enabled=False, locale="zh-CN", storage_state=page.context.storage_state()
    )
    page = context.new_page()
    page.goto(f"{base}/cases/{case.pk}/requests/")
    page.locator("#id_request_type_inquire_deposits").check()
    page.locator("#id_purpose").fill("查询被执行人银行存款")
    page.locator("#units-refresh").click()
    expect(page.locator("#units-field label.check")).to_have_count(1)
    expect(page.locator("#id_purpose")).to_have_value("查询被执行人银行存款")
    page.get_by_label("綦江农商银行").check()
    page.locator("#send-submit").click()
    expect(page.locator("#batch-requests tbody tr")).to_have_count(1)
    assert AssistanceRequest.objects.get().unit == bank
    context.close()
