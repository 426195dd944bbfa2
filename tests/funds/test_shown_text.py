"""What the ledger shows a reader (browser walk): the memo of an `opening` journal in the reader's
language, also the half-English one migration funds 0003 stored (R-FUND-03); export dates as date
cells of the court's day, not UTC dates written as text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from enforcelink.funds import actions
from enforcelink.funds.models import OPENING_MEMO, Journal, JournalKind

LEGACY = "执行到位金额 before the ledger (received and paid out in the old system)"
ZH = "平台启用前已执行到位（导入）：原系统中已收取并发放。"
ON = dt.date(2024, 5, 6)


def sheet_rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.mark.parametrize("stored", [OPENING_MEMO, LEGACY, ZH])
def test_an_opening_memo_the_platform_wrote_is_shown_in_the_readers_language(stored):
    journal = Journal(kind=JournalKind.OPENING, memo=stored)
    with translation.override("zh-hans"):
        assert journal.shown_memo == ZH
    with translation.override("en"):
        assert journal.shown_memo == OPENING_MEMO


def test_a_memo_someone_typed_is_shown_as_typed():
    assert Journal(kind=JournalKind.OPENING, memo="before the ledger").shown_memo == "before the ledger"
    assert Journal(kind=JournalKind.RECEIPT_VOLUNTARY, memo=LEGACY).shown_memo == LEGACY


def test_the_ledgers_and_their_exports_show_the_opening_memo_in_chinese(client, world, clerk, case):
    with translation.override("en"):  # stored as the msgid whatever the importer's language
        journal = actions.opening_record(case, "500.00", value_on=ON, actor=clerk)
    assert journal.memo == OPENING_MEMO
    client.force_login(clerk)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    for url in (reverse("case-funds", args=[case.pk]), reverse("funds-ledger")):
        page = client.get(url, **zh).content.decode()
        assert ZH in page and "old system" not in page
        rows = sheet_rows(client.get(url + "?format=xlsx", **zh))
        assert ZH in rows[1] and not any("old system" in str(cell) for row in rows for cell in row)


def test_the_exports_write_the_courts_local_day_as_date_cells(client, world, clerk, case, monkeypatch):
    late = dt.datetime(2024, 5, 6, 17, 30, tzinfo=dt.UTC)  # 01:30 on 7 May in Beijing
    monkeypatch.setattr(timezone, "now", lambda: late)
    actions.receipt_record(case, "10.00", source="voluntary", value_on=ON, reference="R-1", actor=clerk)
    client.force_login(clerk)
    ledger = sheet_rows(client.get(reverse("funds-ledger") + "?format=xlsx"))
    assert ledger[1][1:3] == (dt.datetime(2024, 5, 7), dt.datetime(2024, 5, 6))  # booked, value date
    own = sheet_rows(client.get(reverse("case-funds", args=[case.pk]) + "?format=xlsx"))
    assert own[1][0:2] == (dt.datetime(2024, 5, 7), dt.datetime(2024, 5, 6))
    csv = client.get(reverse("funds-ledger") + "?format=csv").content.decode("utf-8-sig")
    assert ",2024-05-07,2024-05-06," in csv


def test_statement_errors_show_where_and_what_without_the_code(client, world, clerk, case):
    client.force_login(clerk)
    header = "交易日期,金额,付款人,付款账号,附言,银行流水号"
    for body, shown, code in (
        (header + "\n2024-05-06,1.005,甲,1,x,B1\n", "row 2, column B (金额): ", "[AMOUNT_PRECISION]"),
        (header + ",备用\n2024-05-06,1,甲,1,x,B1,\n", "row 1, column G (备用): ", "[COLUMN_UNKNOWN]"),
    ):
        upload = SimpleUploadedFile("s.csv", body.encode(), "text/csv")
        page = client.post(reverse("funds-statements"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
        text = page.content.decode()
        assert shown in text and code not in text and code.strip("[]") not in text
    assert not Journal.objects.exists()
