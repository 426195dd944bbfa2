"""The overdue-nodes list as a spreadsheet (CSV or XLSX) for the command centre (issue 14 §1).

Texts are written as texts (`core.tabular.csv_row`, `xlsx_append`), so a party-made case field that
starts with "=" cannot become a formula in whoever opens the file. The export stops at
`EXPORT_LIMIT` rows, read in chunks, the longest overdue first.

The legal basis is written in words (issue 14 §4); the rule id follows in the last column, for the
specialist who filters or joins by it (a stable key, where the words change with the language).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from enforcelink.cases.models import ProcessNode
from enforcelink.core.rule_titles import rule_title
from enforcelink.core.tabular import csv_row, xlsx_append

EXPORT_LIMIT = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _heads() -> list[str]:
    return [str(h) for h in (_("Case number"), _("Node"), _("Legal basis"), _("Due date"), _("Days overdue"),
                             _("Officer"), _("Team"), _("Rule reference (docs/rules.md)"))]  # fmt: skip


def _rows(nodes: QuerySet[ProcessNode], today: dt.date) -> Iterator[list[Any]]:
    for node in nodes[:EXPORT_LIMIT].iterator(chunk_size=2000):
        case = node.case
        yield [case.number, node.get_kind_display(), rule_title(node.rule_id), node.due_on.isoformat(),
               (today - node.due_on).days, str(case.officer or ""), str(case.team or ""), node.rule_id]  # fmt: skip


def overdue_export(nodes: QuerySet[ProcessNode], today: dt.date, fmt: str) -> HttpResponse:
    name = f"overdue-{today.isoformat()}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = str(_("Overdue nodes"))[:31]
        xlsx_append(sheet, _heads())
        for row in _rows(nodes, today):
            xlsx_append(sheet, row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(_heads())
    for row in _rows(nodes, today):
        writer.writerow(csv_row(row))
    # A BOM so that Excel on a Chinese Windows opens the UTF-8 file with its characters intact.
    response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
