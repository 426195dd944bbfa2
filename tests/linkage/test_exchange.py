"""Issue 4 §7: replies by spreadsheet for units without an integration — a malformed sheet changes
nothing and every error names its row and column."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from enforcelink.linkage import actions, exchange
from enforcelink.linkage.models import AssistanceRequest
from tests.linkage.conftest import ask


def _sent(world, case, count=2):
    return [actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer)
            for _ in range(count)]  # fmt: skip


def _sheet(tmp_path, rows, name="replies.xlsx"):
    book = Workbook()
    sheet = book.active
    header = exchange.columns("inquire_deposits")
    sheet.append(header)
    for values in rows:
        sheet.append([values.get(column, "") for column in header])
    path = tmp_path / name
    book.save(path)
    return path


def test_the_download_lists_what_waits(world, case):
    first, second = _sent(world, case)
    book = load_workbook(io.BytesIO(exchange.reply_sheet(world.liaison, "inquire_deposits")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("id", "case_number", "purpose", "details", "outcome")
    assert "accounts.1.balance" in rows[0] and {rows[1][0], rows[2][0]} == {first.pk, second.pk}
    assert list(load_workbook(io.BytesIO(exchange.reply_sheet(world.other_liaison, "inquire_deposits")))
                .active.iter_rows(values_only=True))[1:] == []  # fmt: skip


def test_a_good_sheet_answers_every_row(world, case, tmp_path):
    first, second = _sent(world, case)
    path = _sheet(tmp_path, [
        {"id": first.pk, "outcome": "完成", "found": "是", "accounts.1.institution": "农商行",
         "accounts.1.account": "6217", "accounts.1.balance": "120.50"},
        {"id": second.pk, "outcome": "退回补正", "reason": "请提供证件号码"},
    ])  # fmt: skip
    report = exchange.replies_import(path, "inquire_deposits", actor=world.liaison)
    assert report.written and report.imported == 2 and not report.errors
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "completed" and first.result["accounts"][0]["balance"] == "120.50"
    assert second.status == "returned"


def test_a_bad_row_changes_nothing_and_names_row_and_column(world, case, tmp_path):
    first, second = _sent(world, case)
    path = _sheet(tmp_path, [
        {"id": first.pk, "outcome": "完成", "found": "是"},
        {"id": second.pk, "outcome": "完成", "found": "是", "accounts.1.institution": "x", "accounts.1.account": "1",
         "accounts.1.balance": "1.234"},
        {"id": 999999, "outcome": "完成", "found": "否"},
        {"id": first.pk, "outcome": "maybe"},
    ])  # fmt: skip
    report = exchange.replies_import(path, "inquire_deposits", actor=world.liaison)
    assert not report.written
    where = {(e.row, e.column) for e in report.errors}
    assert {(3, "accounts.1.balance"), (4, "id"), (5, "outcome")} <= where
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"sent"}
    partial = exchange.replies_import(path, "inquire_deposits", actor=world.liaison, partial=True)
    assert partial.imported == 1
    first.refresh_from_db()
    assert first.status == "completed"


def test_another_units_requests_are_not_found(world, case, tmp_path):
    [request] = _sent(world, case, 1)
    path = _sheet(tmp_path, [{"id": request.pk, "outcome": "完成", "found": "否"}])
    report = exchange.replies_import(path, "inquire_deposits", actor=world.other_liaison)
    assert [e.code for e in report.errors] == ["NOT_FOUND"]
    assert AssistanceRequest.objects.get().status == "sent"


def test_gbk_csv_and_the_upload_page(client, world, case):
    [request] = _sent(world, case, 1)
    header = ",".join(exchange.columns("inquire_deposits"))
    line = f"{request.pk},,,,已完成,,否"
    upload = SimpleUploadedFile("回复.csv", f"{header}\n{line}\n".encode("gbk"), content_type="text/csv")
    client.force_login(world.liaison)
    page = client.post(reverse("reply-upload"), {"request_type": "inquire_deposits", "file": upload})
    assert page.status_code == 200 and 'id="report"' in page.content.decode()
    assert AssistanceRequest.objects.get().status == "completed"
    bad = SimpleUploadedFile("x.txt", b"hello", content_type="text/plain")
    page = client.post(reverse("reply-upload"), {"request_type": "inquire_deposits", "file": bad})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert client.get(reverse("reply-sheet") + "?request_type=inquire_deposits").status_code == 200
    assert client.get(reverse("reply-sheet") + "?request_type=nonsense").status_code == 404
    client.force_login(world.officer)
    assert client.get(reverse("reply-upload")).status_code == 403
