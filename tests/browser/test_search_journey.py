"""Issue 14 §5 and §13: an officer types a 案号 the way officers write it on a note ("2026执133",
"渝0110执133号") or a part of an ID number into the case list's search box, and the case is the
first row; a neighbouring number (执1330, last year's 执133) comes after it or not at all."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from enforcelink.cases.actions import PartyInput
from enforcelink.cases.models import Case
from tests.browser.pages import log_in
from tests.factories import PERSON_IDS, USCCS, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _numbered(case: Case, year: int, sequence: int) -> Case:
    """Test set-up, not a domain write: give a filed case the 案号 the journey needs."""
    number = f"（{year}）{case.court.code}{case.type_code}{sequence}号"
    Case.objects.filter(pk=case.pk).update(year=year, sequence=sequence, number=number)
    return Case.objects.get(pk=case.pk)


def _rows(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#case-table tbody tr td:first-child").all_inner_texts()]


def _search(page: Page, text: str) -> None:
    box = page.get_by_role("search").locator("input[name=q]")
    box.fill(text)
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(f"q={quote(text)}")))


def test_officer_finds_a_case_by_the_number_as_typed(page: Page, live_server, officer):
    court = officer.court
    target = _numbered(
        file_case(
            court,
            officer,
            filed_on=dt.date(2026, 3, 2),
            parties=[
                PartyInput(role="applicant", kind="person", name="李四", id_number=PERSON_IDS[1]),
                PartyInput(
                    role="respondent", kind="organisation", name="重庆东方建材有限公司", id_number=USCCS[1]
                ),
            ],
        ),
        2026,
        133,
    )
    _numbered(file_case(court, officer, filed_on=dt.date(2026, 5, 6)), 2026, 1330)
    _numbered(file_case(court, officer, filed_on=dt.date(2025, 2, 3)), 2025, 133)
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/cases/")

    _search(page, "2026执133")
    expect(page.locator("#case-table tbody tr").first).to_contain_text(target.number)
    assert "（2025）渝0110执133号" not in _rows(page)

    _search(page, "渝0110执133号")
    expect(page.locator("#case-table tbody tr").first).to_contain_text(target.number)

    _search(page, PERSON_IDS[1][:10])  # the applicant's ID number, its first ten digits
    expect(page.locator("#case-table tbody tr").first).to_contain_text(target.number)

    page.locator("#case-table tbody tr").first.get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text(target.number)


def test_a_search_too_broad_to_rank_lists_the_newest_and_asks_for_more(
    page: Page, live_server, officer, monkeypatch
):
    """Issue 14 §12: past `BROAD` matches (5,000; 1 here) the list is the newest first and the page
    says to type more; typing more finds the one meant first again."""
    from enforcelink.cases import search as search_module

    court = officer.court
    people = [PartyInput(role="applicant", kind="person", name="王小明", id_number=PERSON_IDS[1]),
              PartyInput(role="respondent", kind="organisation", name="重庆东方建材有限公司", id_number=USCCS[1])]  # fmt: skip
    older = _numbered(file_case(court, officer, filed_on=dt.date(2026, 3, 2), parties=people), 2026, 133)
    newer = _numbered(file_case(court, officer, filed_on=dt.date(2026, 5, 6)), 2026, 1330)
    monkeypatch.setattr(search_module, "BROAD", 1)  # the live server runs in this process
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/cases/")

    _search(page, "执133")
    expect(page.locator("#search-broad")).to_be_visible()
    assert _rows(page)[:2] == [newer.number, older.number]

    _search(page, "（2026）渝0110执133号")
    expect(page.locator("#search-broad")).to_have_count(0)
    expect(page.locator("#case-table tbody tr").first).to_contain_text(older.number)
