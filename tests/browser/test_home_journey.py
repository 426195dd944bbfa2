"""Issue 14 §1: each role lands on its own home — an officer on their cases with node lights, a
unit's liaison on the inbox in figures, the president on the approvals queue — and the officer's bell
counts the unit's reply, in headless Debian chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from enforcelink.linkage import actions
from enforcelink.orgs.models import Role
from tests.browser.pages import log_in, log_out
from tests.factories import UnitFactory, UserFactory, file_case, restore_default_node_rules
from tests.linkage.conftest import ask
from tests.linkage.test_actions import RESULT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def panels(page: Page) -> list[str]:
    return page.locator("[data-panel]").evaluate_all("nodes => nodes.map(n => n.dataset.panel)")


def test_officer_liaison_and_president_each_land_on_their_home(live_server, page: Page, officer):
    base = live_server.url
    restore_default_node_rules()
    bank = UnitFactory(region=officer.court.region, name="綦江农商银行", unit_type="bank")
    liaison = UserFactory(username="bank.liaison", full_name="李联络", unit=bank, role=Role.LIAISON)
    president = UserFactory(
        username="wang.president", full_name="王院长", court=officer.court, role=Role.PRESIDENT
    )
    case = file_case(officer.court, officer, principal="120000.00")  # filed 2024: its nodes are overdue
    inquiry = actions.request_send(actions.request_create(case, ask(bank), actor=officer), actor=officer)
    deduction = actions.request_create(case, ask(bank, "deduct", amount="3000.00"), actor=officer)
    actions.request_send(deduction, actor=officer)
    actions.request_complete(inquiry, result=RESULT, actor=liaison)

    log_in(page, base)
    assert panels(page) == ["my-cases", "my-approvals", "notifications"]
    row = page.locator("#my-cases tbody tr").first
    expect(row).to_contain_text(case.number)
    expect(row).to_have_attribute("data-light", "red")
    expect(page.locator("#bell .badge")).to_have_text("1")
    expect(page.locator("#notifications")).to_contain_text("綦江农商银行")
    page.locator("#notifications a", has_text="綦江农商银行").first.click()
    expect(page).to_have_url(f"{base}/requests/{inquiry.pk}/")
    expect(page.locator("#bell .badge")).to_have_count(0)  # read once opened
    log_out(page, base)

    log_in(page, base, "bank.liaison")
    assert panels(page) == ["inbox", "notifications"]
    expect(page.locator("#inbox .stat-value").first).to_have_text("0")  # the inquiry is answered
    log_out(page, base)

    log_in(page, base, president.username)
    assert panels(page)[0] == "approvals"
    assert "my-cases" not in panels(page) and "inbox" not in panels(page)
    queue = page.locator("#approvals tbody tr")
    expect(queue).to_have_count(1)
    expect(queue.first).to_contain_text(case.number)
    expect(queue.first).to_contain_text("扣划")
