"""`enforcelink import cases` (issue 2 §8): encodings, XLSX, closed history, numbering, progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from enforcelink.cases.actions import take_number
from enforcelink.cases.models import Case, CaseStatus, ClosureMode, NodeStatus
from enforcelink.core import audit
from enforcelink.core.models import AuditEvent
from tests.imports.files import HEADERS, case_row, closed_row, write_csv, write_xlsx

pytestmark = pytest.mark.usefixtures("english")  # messages are asserted in English


def run(path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", "cases", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding_imports(world, tmp_path, encoding):
    path = write_csv(tmp_path / "cases.csv", [case_row(1), case_row(2)], encoding=encoding)
    out, _err = run(path)
    assert "imported 2, invalid 0" in out
    case = Case.objects.get(basis_number="（2023）渝0110民初1号")
    assert case.imported and case.status == CaseStatus.OPEN
    assert sorted(p.name for p in case.parties.all()) == ["张1", "重庆某建材有限公司"]
    assert case.officer is not None  # open cases go through the rotation (R-CASE-06)


def test_xlsx_with_date_cells_and_number_amounts(world, tmp_path):
    row = case_row(1, 立案日期=dt.datetime(2024, 3, 1), 申请执行标的金额=120000.5)
    out, _err = run(write_xlsx(tmp_path / "cases.xlsx", [row, case_row(2, 立案日期="2024年3月2日")]))
    assert "imported 2" in out
    case = Case.objects.get(basis_number="（2023）渝0110民初1号")
    assert case.filed_on == dt.date(2024, 3, 1) and case.principal == Decimal("120000.50")
    assert Case.objects.get(basis_number="（2023）渝0110民初2号").filed_on == dt.date(2024, 3, 2)


def test_closed_history_keeps_number_mode_and_recovered_amount(world, tmp_path):
    path = write_csv(tmp_path / "c.csv", [closed_row(1, 57, 结案方式="终本", 执行到位金额="3000")])
    run(path)
    case = Case.objects.get(number="（2023）渝0110执57号")
    assert case.status == CaseStatus.CLOSED and case.closed_on == dt.date(2023, 11, 20)
    assert case.closure_mode == ClosureMode.TERMINATED_THIS_ROUND
    assert case.recovered_amount == Decimal("3000.00")
    assert case.officer is None
    assert set(case.nodes.values_list("status", flat=True)) == {NodeStatus.MOOT}
    event = AuditEvent.objects.get(action="case.imported_closed", case_id=case.pk)
    assert event.after["closure_mode"] == "terminated_this_round"
    assert audit.verify() is None


def test_numbering_continues_after_imported_numbers(world, tmp_path):
    """R-ID-03: imported 案号 are kept; new numbers continue after the highest one."""
    rows = [
        closed_row(1, 1200, 立案日期="2024-01-05", 结案日期="2024-02-01"),
        case_row(2, 案号="（2024）渝0110执1350号"),
        case_row(3),  # open, no 案号: gets the next one
    ]
    run(write_csv(tmp_path / "c.csv", rows))
    assert Case.objects.get(basis_number="（2023）渝0110民初3号").number == "（2024）渝0110执1351号"
    assert take_number(world.court, "执", 2024) == 1352


def test_dry_run_writes_nothing(world, tmp_path):
    out, _err = run(write_csv(tmp_path / "c.csv", [case_row(1)]), "--dry-run")
    assert "dry run: 1 valid, 0 invalid" in out
    assert Case.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_several_parties_per_side(world, tmp_path):
    row = case_row(
        1, 被执行人="甲公司；李四", 被执行人证件号码=f"{case_row(1)['被执行人证件号码']}；110105199003074472"
    )
    run(write_csv(tmp_path / "c.csv", [row]))
    case = Case.objects.get()
    kinds = sorted(case.parties.filter(role="respondent").values_list("kind", "name"))
    assert kinds == [("organisation", "甲公司"), ("person", "李四")]


def test_optional_columns(world, tmp_path):
    headers = [*HEADERS, "执行依据类型", "作出执行依据单位", "执行依据生效日期", "标签", "利息"]
    row = case_row(
        1,
        执行依据类型="仲裁裁决书",
        作出执行依据单位="重庆仲裁委员会",
        执行依据生效日期="2023-12-01",
        标签="涉企、劳动报酬",
        利息="100.10",
    )
    run(write_csv(tmp_path / "c.csv", [row], headers=headers))
    case = Case.objects.get()
    assert (case.basis_type, case.basis_body, case.basis_effective_on) == (
        "arbitral_award",
        "重庆仲裁委员会",
        dt.date(2023, 12, 1),
    )
    assert case.is_enterprise and case.is_labour_pay and not case.is_financial
    assert case.interest == Decimal("100.10")


def test_template_written_from_the_column_list(world, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "t.xlsx"
    call_command("import", "template", "cases", str(out), stdout=StringIO())
    sheet = load_workbook(out).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[: len(HEADERS)] == HEADERS


def test_committed_csv_templates_match_the_column_lists():
    from pathlib import Path

    from enforcelink.cases.importing import CASE_COLUMNS
    from enforcelink.orgs.actions import UNIT_COLUMNS

    docs = Path(__file__).resolve().parents[2] / "docs"
    cases = (docs / "import-cases-template.csv").read_text(encoding="utf-8-sig").strip().split(",")
    units = (docs / "import-units-template.csv").read_text(encoding="utf-8-sig").strip().split(",")
    assert cases == [c.name for c in CASE_COLUMNS]
    assert units == [c[0] for c in UNIT_COLUMNS]


def test_units_template_has_notes_sheet(db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "u.xlsx"
    call_command("import", "template", "units", str(out), stdout=StringIO())
    book = load_workbook(out)
    assert [c.value for c in book.worksheets[0][1]][:2] == ["单位名称", "单位类型"]
    assert book.worksheets[1].max_row == 8  # a header and one line per column


def test_imported_template_reads_back_as_no_rows(world, tmp_path):
    """The empty XLSX template is itself a valid (empty) import file."""
    out = tmp_path / "t.xlsx"
    call_command("import", "template", "cases", str(out), stdout=StringIO())
    assert "imported 0, invalid 0" in run(out)[0]


def test_summary_in_the_default_language(world, tmp_path):
    """The UI default is Simplified Chinese; the summary line follows it when translated."""
    path = write_csv(tmp_path / "c.csv", [case_row(1)])
    with translation.override("zh-hans"):
        out, _err = run(path)
    assert "1" in out and "imported" not in out
