"""Expiring control measures as a spreadsheet (CSV or XLSX) for the command centre (issue 15 §11).

Texts are written as texts (`core.tabular.csv_row`, `xlsx_append`), so an identifier a unit typed
that starts with "=" cannot become a formula. At most `EXPORT_LIMIT` rows, read in chunks, the
nearest end first."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from enforcelink.assets.control.models import ControlMeasure
from enforcelink.core.tabular import csv_row, xlsx_append, xlsx_money

EXPORT_LIMIT = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _heads() -> list[str]:
    return [str(h) for h in (_("Ends on"), _("Days left"), _("Case number"), _("Measure"),
                             _("Account, certificate or plate"), _("Holding unit"), _("Still held (yuan)"),
                             _("Officer"), _("Team"))]  # fmt: skip


AMOUNT = 6  # the column of the amount: a number in the XLSX, plain "1000.00" in the CSV


def _rows(measures: QuerySet[ControlMeasure], today: dt.date) -> Iterator[list[Any]]:
    for measure in measures[:EXPORT_LIMIT].iterator(chunk_size=2000):
        assert measure.term_end is not None
        # What it still holds (`queries.with_held`), not what its unit first confirmed.
        amount = measure.held  # type: ignore[attr-defined]
        yield [measure.term_end.isoformat(), (measure.term_end - today).days, measure.case.number,
               measure.get_kind_display(), measure.identifier, measure.unit.name,
               amount, str(measure.case.officer or ""),
               str(measure.case.team or "")]  # fmt: skip


def expiring_export(measures: QuerySet[ControlMeasure], today: dt.date, fmt: str) -> HttpResponse:
    name = f"controls-expiring-{today.isoformat()}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = str(_("Measures ending soon"))[:31]
        xlsx_append(sheet, _heads())
        for row in _rows(measures, today):
            row[AMOUNT] = xlsx_money(sheet, row[AMOUNT])
            xlsx_append(sheet, row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(_heads())
    for row in _rows(measures, today):
        row[AMOUNT] = f"{row[AMOUNT]:.2f}" if row[AMOUNT] is not None else ""
        writer.writerow(csv_row(row))
    response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
