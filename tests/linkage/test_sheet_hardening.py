"""Issue 12, findings 2 and 3, on the liaisons' sheets: a zip bomb sent to /inbox/upload/ is refused
with a coded error before it is parsed, and a court's purpose such as `=HYPERLINK(…)` comes out of
/inbox/sheet/ (and the unit-performance export) as a text cell, never a live formula."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from enforcelink.core.tabular import TableError
from enforcelink.linkage import actions, exchange
from enforcelink.linkage.actions import Ask
from enforcelink.linkage.models import AssistanceRequest, RequestEvent
from tests.imports.bombs import xlsx_bomb, xlsx_rows
from tests.linkage.conftest import ask

MB = 1 << 20
HYPERLINK = '=HYPERLINK("http://example.invalid","点击查看")'


def _send(world, case, purpose):
    made = Ask(
        world.unit, "inquire_deposits", purpose=purpose, legal_basis="民诉法第二百五十三条", details={}
    )
    return actions.request_send(actions.request_create(case, made, actor=world.officer), actor=world.officer)


def _nothing_applied():
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"sent"}
    assert not RequestEvent.objects.filter(kind__in=["completed", "rejected", "returned"]).exists()


def test_the_upload_page_refuses_a_zip_bomb_with_a_coded_error(client, world, case, tmp_path):
    """The probe: ~300 KB that unpacks to 100 MB of XML took 47 s; now refused from the zip directory."""
    actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", exchange.columns("inquire_deposits"), 100 * MB)
    assert bomb.stat().st_size < MB  # under the form's 10 MB cap
    client.force_login(world.liaison)
    upload = SimpleUploadedFile("回复.xlsx", bomb.read_bytes(), content_type="application/octet-stream")
    page = client.post(
        reverse("reply-upload"),
        {"request_type": "inquire_deposits", "file": upload},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    shown = page.content.decode()
    assert page.status_code == 200 and "Split it into several files." in shown  # the reason, in words
    assert "FILE_TOO_LARGE_UNPACKED" not in shown  # the code is for programs (the API's `code`), not people
    _nothing_applied()


def test_the_reply_import_uses_the_upload_limits(world, case, tmp_path, settings):
    actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    settings.UPLOAD_SHEET_MAX_ROWS = 5
    path = xlsx_rows(tmp_path / "rows.xlsx", exchange.columns("inquire_deposits"), 6)
    with pytest.raises(TableError) as caught:
        exchange.replies_import(path, "inquire_deposits", actor=world.liaison)
    assert (caught.value.code, caught.value.row) == ("FILE_TOO_MANY_ROWS", 7)
    settings.UPLOAD_SHEET_MAX_UNPACKED_MB = 1
    bomb = xlsx_bomb(tmp_path / "small.xlsx", exchange.columns("inquire_deposits"), 2 * MB)
    with pytest.raises(TableError) as caught:
        exchange.replies_import(bomb, "inquire_deposits", actor=world.liaison)
    assert caught.value.code == "FILE_TOO_LARGE_UNPACKED"
    _nothing_applied()


def test_a_formula_purpose_is_a_text_cell_in_the_reply_sheet(client, world, case):
    request = _send(world, case, HYPERLINK)
    client.force_login(world.liaison)
    download = client.get(reverse("reply-sheet") + "?request_type=inquire_deposits")
    sheet = load_workbook(io.BytesIO(download.content)).active
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=False)}
    assert row["id"].value == request.pk and row["id"].data_type == "n"
    assert row["purpose"].value == HYPERLINK and row["purpose"].data_type == "s"
    assert row["purpose"].quotePrefix  # editing the cell in Excel keeps it text
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)


def test_the_downloaded_sheet_round_trips_with_texts_starting_with_minus(world, case, tmp_path):
    """Our own upload reads back what /inbox/sheet/ wrote: a purpose starting with '-' is not changed,
    and the reply it carries is applied."""
    request = _send(world, case, "-依法查询存款")
    book = load_workbook(io.BytesIO(exchange.reply_sheet(world.liaison, "inquire_deposits")))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=header.index("purpose") + 1).value == "-依法查询存款"
    sheet.cell(row=2, column=header.index("outcome") + 1, value="完成")
    sheet.cell(row=2, column=header.index("found") + 1, value="否")
    book.save(tmp_path / "filled.xlsx")
    report = exchange.replies_import(tmp_path / "filled.xlsx", "inquire_deposits", actor=world.liaison)
    assert report.written and report.imported == 1 and not report.errors
    request.refresh_from_db()
    assert request.status == "completed" and request.purpose == "-依法查询存款"


def test_the_unit_performance_export_writes_names_as_text_and_figures_as_numbers(client, world, case):
    world.unit.name = "=1+1"
    world.unit.save(update_fields=["name"])
    for request in (_send(world, case, "查询"), _send(world, case, "查询")):
        actions.request_complete(request, result={"found": False}, actor=world.liaison)
    client.force_login(world.officer)
    export = client.get(reverse("unit-performance") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    unit, _type, volume = sheet[2][:3]
    assert (unit.value, unit.data_type) == ("=1+1", "s")
    assert (volume.value, volume.data_type) == (2, "n")
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)
