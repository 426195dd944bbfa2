"""Issue 12, finding 3: the batch zip's failures.csv never carries a formula a spreadsheet would run."""

from __future__ import annotations

import csv
import io

from enforcelink.documents.batch import batch_create, failures_csv
from enforcelink.documents.models import DocumentBatchItem, ItemStatus
from tests.factories import file_case

HYPERLINK = '=HYPERLINK("http://example.invalid","点击查看")'


def test_a_reason_starting_like_a_formula_is_written_as_text(world):
    cases = [file_case(world.court, world.officer) for _ in range(2)]
    batch = batch_create(
        court_cases=[case.pk for case in cases],
        kind="execution_notice",
        formats=["docx"],
        actor=world.officer,
    )
    items = DocumentBatchItem.objects.filter(batch=batch).order_by("position")
    items.filter(case=cases[0]).update(status=ItemStatus.FAILED, error_code="MISSING_DATA", error=HYPERLINK)
    items.filter(case=cases[1]).update(status=ItemStatus.FAILED, error_code="MISSING_DATA", error="缺少金额")
    rows = list(csv.reader(io.StringIO(failures_csv(batch).decode("utf-8-sig"))))
    assert rows[1] == [cases[0].number, "MISSING_DATA", "'" + HYPERLINK]
    assert rows[2] == [cases[1].number, "MISSING_DATA", "缺少金额"]  # ordinary texts are untouched
