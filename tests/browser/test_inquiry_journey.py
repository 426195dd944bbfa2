"""Issue 15 §1-§2: the officer asks every unit about the debtor's property with one click on the
case page; the 财产 panel is swapped in place (htmx) with what went and what could not go, and,
once the bank answers, shows the account found — in headless Debian chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role, UnitType
from tests.browser.pages import log_in
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_click_inquiry_and_the_answer_on_the_case_page(live_server, page: Page, officer):
    region = officer.court.region
    bank = UnitFactory(region=region, name="綦江农商银行", unit_type=UnitType.BANK)
    teller = UserFactory(unit=bank, role=Role.LIAISON)
    police = UnitFactory(region=region, name="綦江区公安局", unit_type=UnitType.POLICE)
    UserFactory(unit=police, role=Role.LIAISON)
    case = file_case(officer.court, officer)
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#assets")).to_be_visible()
    page.locator("#inquiry-start").click()

    expect(page.locator("#inquiry-flash")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/")  # swapped in place, no reload
    expect(page.locator("#assets-asked tbody[data-kind]")).to_have_count(2)  # deposits, online funds
    # The company has no exit-entry documents (person-only); nobody here answers the other kinds.
    expect(page.locator("#inquiry-refused tr[data-code='PERSON_ONLY_REQUEST']")).to_have_count(1)
    expect(page.locator("#inquiry-refused tr[data-code='NO_UNIT']")).to_have_count(8)

    deposits = AssistanceRequest.objects.get(case=case, request_type="inquire_deposits")
    account = {"institution": "綦江农商银行古南支行", "account": "6228480123456789", "balance": "12345.67"}
    request_complete(deposits, result={"found": True, "accounts": [account]}, actor=teller)
    page.reload()
    found = page.locator("#assets-found tr[data-kind='deposit']")
    expect(found).to_contain_text("6228480123456789")
    expect(found).to_contain_text("12,345.67")
    expect(page.locator("#assets-controls")).to_be_visible()
