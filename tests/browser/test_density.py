"""Issue 14 §10: lists dense enough to read 40 cases on a 1440×900 screen, a navigation that stays
on one line for every role from 1280 px, and on a 390 px phone a short header whose ☰ opens the
menu (no script needed) and list rows that become labelled cards."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from enforcelink.cases import views as case_views
from enforcelink.orgs.models import Role
from tests.browser.pages import log_in
from tests.factories import UserFactory, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The tops of the navigation's entries (links and group menus), rounded to whole pixels.
NAV_TOPS = """() => [...new Set([...document.querySelectorAll(
    '.mainnav > .navlink, .mainnav > .navgroup > summary')].map(e => Math.round(e.getBoundingClientRect().top)))]"""

# Rows of the case list wholly inside the window and below its sticky header, with the list
# scrolled to the top of the window, as someone reading down the list sees it.
ROWS_IN_VIEW = """() => {
  const table = document.querySelector('#cases');
  window.scrollTo(0, table.getBoundingClientRect().top + window.scrollY);
  const head = table.querySelector('thead').getBoundingClientRect().bottom;
  const rows = [...table.querySelectorAll('tbody tr')].map(r => r.getBoundingClientRect());
  return {inView: rows.filter(r => r.top >= head - 1 && r.bottom <= window.innerHeight + 0.5).length,
          rowHeight: rows[0].height, fontSize: parseFloat(getComputedStyle(table.querySelector('tbody td')).fontSize)};
}"""


@pytest.mark.parametrize("role", [Role.PRESIDENT, Role.OFFICER])
def test_the_navigation_is_one_line_from_1280_px(live_server, page: Page, officer, role):
    user = (
        officer if role == Role.OFFICER else UserFactory(username="president", court=officer.court, role=role)
    )
    base = live_server.url
    log_in(page, base, user.username)
    for width, height in ((1440, 900), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base}/cases/")
        tops = page.evaluate(NAV_TOPS)
        assert len(tops) == 1, (width, tops)
        assert page.locator(".mainnav").bounding_box()["height"] <= 48, width

    # A group opens from the keyboard; the page it leads to is marked in the menu and on its group.
    cases_group = page.locator(".navgroup").filter(has=page.locator("a[href='/cases/']"))
    cases_group.locator("summary").focus()
    page.keyboard.press("Enter")
    link = cases_group.locator("a[href='/cases/']")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(f"{base}/cases/")
    expect(page.locator(".mainnav a[href='/cases/']")).to_have_attribute("aria-current", "page")
    expect(cases_group.locator("summary")).to_have_attribute("aria-current", "true")


def test_the_case_list_shows_forty_rows_at_1440_by_900(live_server, page: Page, officer):
    assert case_views.PAGE_SIZE >= 40  # a page holds what the screen shows
    for _ in range(50):
        file_case(officer.court, officer)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("#cases tbody tr")).to_have_count(50)
    measured = page.evaluate(ROWS_IN_VIEW)
    assert measured["inView"] >= 40, measured
    assert 13 <= measured["fontSize"] <= 14, measured
    # the header row stays at the top of the window while the list scrolls
    page.mouse.wheel(0, 400)
    page.wait_for_function("() => window.scrollY > 300")
    assert abs(page.locator("#cases thead th").first.bounding_box()["y"]) <= 1


def test_on_a_phone_the_menu_is_collapsed_and_opens(live_server, page: Page, officer):
    file_case(officer.court, officer)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/cases/")
    assert page.locator(".topbar").bounding_box()["height"] <= 64
    nav = page.locator("#mainnav")
    expect(nav).to_be_hidden()

    page.locator(".nav-toggle-button").click()
    expect(nav).to_be_visible()
    expect(nav.locator("a[href='/cases/new/']")).to_be_visible()  # the groups open with the menu
    expect(page.locator(".topbar form[action$='/logout/'] button")).to_be_visible()
    nav.locator("a[href='/cases/new/']").click()
    expect(page).to_have_url(f"{live_server.url}/cases/new/")
    expect(page.locator("#mainnav")).to_be_hidden()  # a new page starts with the menu closed

    # The list's rows are cards, each value with its column's name; nothing is wider than the phone.
    page.goto(f"{live_server.url}/cases/")
    amount = page.locator("#cases tbody tr").first.locator("td.num")
    label = amount.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"金额（元）"', label
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
