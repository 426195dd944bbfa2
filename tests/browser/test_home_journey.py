"""Issue 14 §1: each role lands on its own home — an officer on their cases with node lights, a
unit's liaison on the inbox in figures, the president on the approvals queue — and the officer's bell
counts the unit's reply, in headless Debian chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from enforcelink.cases.models import ProcessNode
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


LAMP_COLOURS = {"red": "rgb(197, 34, 31)", "amber": "rgb(217, 119, 6)", "green": "rgb(30, 142, 62)"}


def test_the_lamp_shows_each_state_in_its_colour_and_the_days_left_on_a_phone(
    live_server, page: Page, officer
):
    """Issue 14 §1: the lamp is red, amber or green (and a square, a diamond or a circle, named in
    its aria-label), and on a 390 px phone the officer still sees how overdue a case is."""
    base = live_server.url
    restore_default_node_rules()
    today = timezone.localdate()
    red = file_case(officer.court, officer)  # filed 2024: its nodes are overdue
    for case, due in (
        (file_case(officer.court, officer), today),
        (file_case(officer.court, officer), today + dt.timedelta(days=90)),
    ):
        ProcessNode.objects.filter(case=case).update(due_on=due)  # amber: due today; green: in 90 days

    log_in(page, base)
    for light, colour in LAMP_COLOURS.items():
        lamp = page.locator(f"#my-cases tr[data-light='{light}'] .light")
        expect(lamp).to_have_count(1)
        expect(lamp).to_have_css("background-color", colour)
        expect(lamp).to_have_attribute("role", "img")
        assert lamp.get_attribute("aria-label")
    assert (
        len(
            {
                page.locator(f"#my-cases tr[data-light='{light}'] .light").evaluate(
                    "n => getComputedStyle(n).borderRadius + getComputedStyle(n).transform"
                )
                for light in LAMP_COLOURS
            }
        )
        == 3
    )  # three shapes

    page.set_viewport_size({"width": 390, "height": 844})
    row = page.locator("#my-cases tr[data-light='red']")
    expect(row).to_contain_text(red.number)
    for cell in (row.locator(".light"), row.locator("td.num strong")):
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390  # not scrolled off
    expect(row.locator("td.num")).to_contain_text("超期")
