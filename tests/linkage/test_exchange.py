"""Issue 4 §7: replies by spreadsheet for units without an integration — a malformed sheet changes
nothing and every error names its row and column."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from enforcelink.core.tabular import TableError
from enforcelink.linkage import actions, exchange
from enforcelink.linkage.models import AssistanceRequest, RequestEvent, RequestType
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UnitFactory, UserFactory
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
    assert rows[0][:2] == ("id", "case_number")  # then whom and what (test_subjects.py)
    assert rows[0][8:12] == ("purpose", "details", "outcome", "reason")
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
        {"id": first.pk, "outcome": "完成", "found": "是", "accounts.1.institution": "农商行",
         "accounts.1.account": "62170001", "accounts.1.balance": "100.00"},
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
    columns = exchange.columns("inquire_deposits")
    header = ",".join(columns)
    filled = {"id": request.pk, "outcome": "已完成", "found": "否"}
    line = ",".join(str(filled.get(column, "")) for column in columns)
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


def _upload(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _refused(path, world, code):
    with pytest.raises(TableError) as caught:
        exchange.replies_import(path, "inquire_deposits", actor=world.liaison)
    assert caught.value.code == code and str(caught.value.message)
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"sent"}
    assert not RequestEvent.objects.filter(kind="completed").exists()
    return caught.value


def test_a_corrupt_workbook_is_a_coded_error_and_changes_nothing(world, case, tmp_path):
    [request] = _sent(world, case, 1)
    good = _sheet(tmp_path, [{"id": request.pk, "outcome": "完成", "found": "否"}]).read_bytes()
    _refused(_upload(tmp_path, "garbage.xlsx", b"PK\x03\x04 not really a zip"), world, "FILE_UNREADABLE")
    _refused(_upload(tmp_path, "cut.xlsx", good[: len(good) // 2]), world, "FILE_UNREADABLE")  # cut off
    _refused(_upload(tmp_path, "empty.xlsx", b""), world, "FILE_UNREADABLE")
    # a sound zip whose sheet is damaged: read-only workbooks parse the sheet only while it is read
    with (
        zipfile.ZipFile(io.BytesIO(good)) as source,
        zipfile.ZipFile(tmp_path / "sheet.xlsx", "w") as damaged,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            damaged.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    _refused(tmp_path / "sheet.xlsx", world, "FILE_UNREADABLE")


def test_a_sheet_without_a_required_column_names_it_and_changes_nothing(world, case, tmp_path):
    [request] = _sent(world, case, 1)
    header = [c for c in exchange.columns("inquire_deposits") if c != "outcome"]
    book = Workbook()
    book.active.append(header)
    book.active.append([request.pk if c == "id" else "否" if c == "found" else "" for c in header])
    book.save(tmp_path / "no-outcome.xlsx")
    error = _refused(tmp_path / "no-outcome.xlsx", world, "COLUMNS_MISSING")
    assert error.row == 1 and "outcome" in str(error.message)
    csv = "case_number,outcome\n（2026）渝0110执1号,完成\n".encode()
    assert "id" in str(_refused(_upload(tmp_path, "no-id.csv", csv), world, "COLUMNS_MISSING").message)


def test_a_csv_in_neither_utf8_nor_gbk_is_a_coded_error_and_changes_nothing(world, case, tmp_path):
    [request] = _sent(world, case, 1)
    header = ",".join(exchange.columns("inquire_deposits"))
    text = f"{header}\n{request.pk},,,,已完成,,否\n"
    _refused(_upload(tmp_path, "utf16.csv", text.encode("utf-16")), world, "FILE_ENCODING")
    # UTF-8 Chinese damaged part-way: not guessed as GBK (that would import garbled text)
    damaged = text.encode() + "备注".encode()[:-1] + b"\xff\xfe\n"
    error = _refused(_upload(tmp_path, "damaged.csv", damaged), world, "FILE_ENCODING")
    assert error.row == 3


def test_the_upload_page_shows_a_malformed_file_beside_the_field(client, world, case):
    [request] = _sent(world, case, 1)
    client.force_login(world.liaison)
    upload = SimpleUploadedFile("回复.xlsx", b"not a workbook", content_type="application/octet-stream")
    page = client.post(
        reverse("reply-upload"),
        {"request_type": "inquire_deposits", "file": upload},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = page.content.decode()
    assert page.status_code == 200 and "The file is not a readable XLSX workbook." in text
    assert "FILE_UNREADABLE" not in text  # the code is for the API and the logs, not the liaison
    request.refresh_from_db()
    assert request.status == "sent"


def test_a_control_over_the_notices_amount_names_its_column(world, case, tmp_path):
    """R-ASSET-03 checked while reading the sheet, so the error points at the amount, not the id."""
    made = actions.request_send(
        actions.request_create(case, ask(world.unit, "freeze", amount="1000.00"), actor=world.officer),
        actor=world.officer,
    )
    book = Workbook()
    header = exchange.columns("freeze")
    book.active.append(header)
    values = {"id": made.pk, "outcome": "完成", "frozen_amount": "1000.01", "frozen_until": "2099-01-01",
              "account": "6217"}  # fmt: skip
    book.active.append([values.get(column, "") for column in header])
    book.save(tmp_path / "freeze.xlsx")
    report = exchange.replies_import(tmp_path / "freeze.xlsx", "freeze", actor=world.liaison)
    assert not report.written
    assert {(e.row, e.column) for e in report.errors} == {(2, "frozen_amount")}
    made.refresh_from_db()
    assert made.status == "sent"


def test_every_types_sheet_has_distinct_columns():
    for request_type in RequestType.values:
        header = exchange.columns(request_type)
        assert len(header) == len(set(header)), request_type


def test_a_service_of_documents_sheet_round_trip(world, case, tmp_path):
    grid = UnitFactory(region=world.region, name="古南街道网格", unit_type=UnitType.GRID)
    liaison = UserFactory(username="grid_liaison", unit=grid, role=Role.LIAISON)
    served, missed = (
        actions.request_send(actions.request_create(case, ask(grid, "serve_documents"), actor=world.officer),
                             actor=world.officer)
        for _ in range(2)
    )  # fmt: skip
    book = Workbook()
    header = exchange.columns("serve_documents")
    book.active.append(header)
    for values in (
        {"id": served.pk, "outcome": "完成", "served": "是", "served_on": "2026-11-30", "method": "留置送达",
         "recipient": "受送达人之妻"},
        {"id": missed.pk, "outcome": "完成", "served": "否"},
    ):  # fmt: skip
        book.active.append([values.get(column, "") for column in header])
    book.save(tmp_path / "serve.xlsx")
    report = exchange.replies_import(tmp_path / "serve.xlsx", "serve_documents", actor=liaison)
    assert not report.written and {(e.row, e.column) for e in report.errors} == {(3, "failure_reason")}
    book.active.cell(row=3, column=header.index("failure_reason") + 1, value="查无此人")
    book.save(tmp_path / "serve.xlsx")
    report = exchange.replies_import(tmp_path / "serve.xlsx", "serve_documents", actor=liaison)
    assert report.written and report.imported == 2
    served.refresh_from_db()
    missed.refresh_from_db()
    assert served.result["served"] is True and served.result["served_on"] == "2026-11-30"
    assert missed.result == {"served": False, "failure_reason": "查无此人"}
