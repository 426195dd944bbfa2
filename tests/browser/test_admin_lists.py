"""Issue 14 §8 in the browser: the operator opens 职责清单 in the admin, finds the shipped lines, and
overrides one from its pre-filled form; the page wears the product's look, in Chinese."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from enforcelink.linkage import queries
from tests.browser.pages import log_in
from tests.factories import UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page: Page, name: str) -> None:
    """Taken only on request: SCREENSHOTS_DIR=/some/folder."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_the_operator_overrides_a_shipped_line(live_server, page: Page, officer):
    base = live_server.url
    bank = UnitFactory(region=officer.court.region, name="綦江农商银行", unit_type="bank")
    UserFactory(username="root", full_name="平台运维", is_superuser=True, is_staff=True, role="")

    log_in(page, base, "root")
    page.goto(f"{base}/admin/")
    screenshot(page, "admin-index")
    page.locator("a[href='/admin/linkage/responsibility/']").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#type-lists-table tr[data-unit-type='police']").first).to_be_visible()
    deposits = page.locator(
        "#type-lists-table tr[data-unit-type='bank'][data-request-type='inquire_deposits']"
    )
    expect(deposits).to_contain_text("3")
    screenshot(page, "admin-lists")

    deposits.locator("a.el-button").click()
    expect(page.locator("#id_unit_type")).to_have_value("bank")
    expect(page.locator("#id_request_type")).to_have_value("inquire_deposits")
    expect(page.locator("input[name=attachments][value=assistance_notice]")).to_be_checked()
    expect(page.locator("input[name=attachments][value=ruling]")).not_to_be_checked()
    page.locator("#id_sla_amount").fill("5")
    screenshot(page, "admin-lists-override")
    page.locator("input[name=_save]").click()

    expect(deposits).to_have_class("el-overridden")
    assert queries.responsibility_for(bank, "inquire_deposits").sla_amount == 5
    screenshot(page, "admin-lists-overridden")
