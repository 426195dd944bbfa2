"""Issue 3 §4: an officer registers an effective judgment, sends the risk notice and the urging
letter, downloads one, and, once the deadline has passed unpaid, files the enforcement case in one
click — in headless Debian chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from enforcelink.cases.models import Case
from enforcelink.urging.models import Judgment, JudgmentStatus
from tests.browser.pages import log_in, open_menu
from tests.factories import PERSON_IDS, USCCS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_judgment(page: Page, effective_on: dt.date) -> None:
    page.locator("#id_number").fill("（2026）渝0110民初2468号")
    page.locator("#id_judge_name").fill("王法官")
    page.locator("#id_effective_on").fill(effective_on.isoformat())
    page.locator("#id_performance_days").fill("10")
    page.locator("#id_principal").fill("36000")
    page.locator("#id_applicants-0-name").fill("王小明")
    page.locator("#id_applicants-0-id_number").fill(PERSON_IDS[2])
    page.locator("#id_respondents-0-kind").select_option("organisation")
    page.locator("#id_respondents-0-name").fill("重庆某建材有限公司")
    page.locator("#id_respondents-0-id_number").fill(USCCS[1])


def test_officer_urges_a_judgment_then_sends_it_to_enforcement(live_server, page: Page, officer):
    base = live_server.url
    log_in(page, base)
    open_menu(page, "/urging/")
    page.locator("a[href='/urging/new/']").first.click()
    fill_judgment(page, timezone.localdate() - dt.timedelta(days=30))
    page.locator("#id_number").fill("（2026）渝0110执2468号")  # an enforcement number is not a judgment's
    page.locator("#judgment-submit").click()
    expect(page.locator(".field[data-field='number'] .errorlist")).to_be_visible()
    assert not Judgment.objects.exists()
    page.locator("#id_number").fill("（2026）渝0110民初2468号")
    page.locator("#judgment-submit").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(base)}/urging/\d+/$"))
    judgment = Judgment.objects.get()
    page.locator("#notify-submit").click()
    expect(page.locator("#documents tbody tr")).to_have_count(2)
    expect(page.locator("#documents")).to_contain_text("风险")
    with page.expect_download() as download:
        page.locator("#documents a", has_text="PDF").first.click()
    assert download.value.suggested_filename.endswith(".pdf")

    # The deadline passed unpaid: one click files the case for what is owed.
    page.locator("#convert-submit").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(base)}/cases/\d+/$"))
    case = Case.objects.get()
    expect(page.locator("h1.case-number")).to_have_text(case.number)
    judgment.refresh_from_db()
    assert judgment.status == JudgmentStatus.CONVERTED and case.basis_number == judgment.number
