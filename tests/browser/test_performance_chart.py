"""The unit-performance chart in headless chromium: every unit name on its axis lies inside the
chart (none clipped at the left edge, however long), and a legend says what the bars and dots are."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from enforcelink.linkage import actions
from enforcelink.linkage.actions.inputs import Ask
from enforcelink.orgs.models import Role
from tests.browser.pages import log_in
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "重庆农村商业银行股份有限公司綦江支行古南街道营业部第一分理处"


def test_the_unit_names_fit_and_the_legend_explains_the_dots(live_server, page: Page, officer):
    region = officer.court.region
    case = file_case(officer.court, officer)
    for name, kind, request_type in (
        (LONG, "bank", "inquire_deposits"),
        ("綦江农商银行", "bank", "inquire_deposits"),
    ):
        unit = UnitFactory(region=region, name=name, unit_type=kind)
        liaison = UserFactory(unit=unit, role=Role.LIAISON)
        ask = Ask(unit, request_type, "查询被执行人财产", "民诉法第二百五十三条", {})
        request = actions.request_send(actions.request_create(case, ask, actor=officer), actor=officer)
        actions.request_complete(request, result={"found": False}, actor=liaison)

    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/linkage/performance/")
    chart = page.locator("#perf-chart")
    expect(chart.locator("svg")).to_be_visible()
    box = chart.bounding_box()
    assert box is not None
    texts = chart.locator("svg text")
    shown = [(texts.nth(i).text_content() or "", texts.nth(i).bounding_box()) for i in range(texts.count())]
    for text, edge in shown:  # nothing drawn past the chart's edges: no name clipped
        assert edge is not None and box["x"] - 0.5 <= edge["x"], text
        assert edge["x"] + edge["width"] <= box["x"] + box["width"] + 0.5, text
    words = [text for text, _edge in shown]
    assert "綦江农商银行" in words and any(text.startswith("重庆农村商业银行") for text in words)
    kind = page.locator("#performance tbody tr").first.locator("td").nth(1).text_content()
    assert words.count(kind) == 2  # the kind on its own line, under each unit
    rate, low = (chart.get_attribute("aria-label") or "").split(" · ")
    assert rate in words and low in words  # the legend names the bars and the dots
