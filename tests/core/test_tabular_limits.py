"""Issue 12: spreadsheets are read within limits (a zip bomb, too many rows, a CSV field past the csv
module's limit: each a coded error, quickly), and the sheets we write never carry a live formula."""

from __future__ import annotations

import csv
import io
import time

import pytest
from openpyxl import Workbook, load_workbook

from enforcelink.core.tabular import (
    MAX_COLUMNS,
    SheetLimits,
    TableError,
    csv_cell,
    csv_row,
    csv_unescape,
    formula_like,
    open_table,
    xlsx_append,
)
from tests.imports.bombs import SHEET, declare_size, xlsx_bomb, xlsx_rows

MB = 1 << 20
HYPERLINK = '=HYPERLINK("http://example.invalid","点击查看")'


pytestmark = pytest.mark.usefixtures("english")  # messages are asserted in English


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """The probe's shape: ~300 KB on disk, 100 MB of sheet XML."""
    return xlsx_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", ["a"], 100 * MB)


def _refused(path, code, limits=None):
    with pytest.raises(TableError) as caught:
        table = open_table(path, required=[], limits=limits)
        for _row in table:
            pass
    assert caught.value.code == code, str(caught.value)
    return caught.value


def test_a_zip_bomb_is_refused_from_the_zip_directory(bomb):
    assert bomb.stat().st_size < 1 * MB
    error = _refused(bomb, "FILE_TOO_LARGE_UNPACKED", SheetLimits(64 * MB, 100_000))
    assert "64 MB" in str(error.message)
    _refused(bomb, "FILE_TOO_LARGE_UNPACKED", SheetLimits.for_uploads())


def test_a_member_packed_far_tighter_than_any_spreadsheet_is_refused_under_the_size_limit(bomb):
    error = _refused(bomb, "FILE_COMPRESSION_RATIO", SheetLimits(200 * MB, 100_000, max_ratio=100))
    assert "times" in str(error.message)


def test_a_zip_whose_directory_understates_the_size_is_read_no_further_than_declared(tmp_path):
    """zipfile inflates no more than the declared size, then the CRC fails: unreadable, not parsed."""
    path = declare_size(xlsx_bomb(tmp_path / "lie.xlsx", ["a"], 100 * MB), SHEET, 500_000)
    _refused(path, "FILE_UNREADABLE", SheetLimits.for_uploads())


def test_the_declared_dimension_over_the_row_limit_is_refused_before_reading(tmp_path):
    path = xlsx_rows(tmp_path / "dim.xlsx", ["a"], 3, dimension="A1:A1048576")
    error = _refused(path, "FILE_TOO_MANY_ROWS", SheetLimits(MB, 10))
    assert error.row == 1048576


def test_rows_past_the_limit_stop_the_reading_when_no_dimension_says_so(tmp_path):
    path = xlsx_rows(tmp_path / "rows.xlsx", ["a"], 12)
    error = _refused(path, "FILE_TOO_MANY_ROWS", SheetLimits(MB, 10))
    assert error.row == 12  # header + 10 data rows allowed; the 11th data row is refused
    assert len(list(open_table(path, required=[], limits=SheetLimits(MB, 12)))) == 12  # the last allowed


def test_a_csv_with_too_many_rows(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("a\n" + "".join(f"{n}\n" for n in range(11)), encoding="utf-8")
    assert _refused(path, "FILE_TOO_MANY_ROWS", SheetLimits(MB, 10)).row == 12
    path.write_text("a\n" + "".join(f"{n}\n" for n in range(10)), encoding="utf-8")
    assert len(list(open_table(path, required=[], limits=SheetLimits(MB, 10)))) == 10


def test_a_csv_field_past_the_csv_modules_limit_names_its_row(tmp_path):
    """Before: `_csv.Error: field larger than field limit (131072)` escaped as a traceback."""
    path = tmp_path / "long.csv"
    path.write_text("名称,金额\n甲,1\n" + "乙" * 131_073 + ",2\n", encoding="utf-8")
    error = _refused(path, "FIELD_TOO_LARGE")
    assert error.row == 3 and "131072" in str(error.message)
    path.write_text("名称,金额\n" + "乙" * 131_072 + ",2\n", encoding="utf-8")  # the last allowed length
    assert [len(row.values["名称"]) for row in open_table(path, required=[])] == [131_072]


def test_an_unclosed_quote_is_a_coded_error_too(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('名称\n"甲\n' + "乙,\n" * 70_000, encoding="utf-8")
    assert _refused(path, "FIELD_TOO_LARGE").row == 2


@pytest.mark.parametrize(
    ("value", "like"),
    [(HYPERLINK, True), ("+1", True), ("-2+3+cmd|' /C calc'!A0", True), ("@SUM(A1)", True), ("\t=1", True),
     ("\r=1", True), ("张三", False), ("a=b", False), ("", False), (-5, False), (-1.5, False), (None, False)],
)  # fmt: skip
def test_formula_like(value, like):
    assert formula_like(value) is like
    assert csv_cell(value) == ("'" + value if like else value)


def test_csv_escape_round_trips_through_our_reader(tmp_path):
    values = [HYPERLINK, "-120.50", "-某单位", "'quoted", 7, -3]
    out = io.StringIO()
    csv.writer(out).writerow(["a", "b", "c", "d", "e", "f"])
    csv.writer(out).writerow(csv_row(values))
    assert out.getvalue().splitlines()[1].startswith('"\'=HYPERLINK(""http')  # quoted: it holds quotes
    path = tmp_path / "back.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    [row] = open_table(path, required=[])
    assert list(row.values.values()) == [HYPERLINK, "-120.50", "-某单位", "'quoted", "7", "-3"]
    assert csv_unescape("'=1") == "=1" and csv_unescape("'abc") == "'abc"


def test_xlsx_append_writes_text_as_text_and_numbers_as_numbers():
    book = Workbook()
    xlsx_append(book.active, [HYPERLINK, "-某单位", "@x", "张\x0b三", -5, 2.5, None])
    out = io.BytesIO()
    book.save(out)
    cells = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.data_type for c in cells[:6]] == ["s", "s", "s", "s", "n", "n"]
    assert [c.value for c in cells[:6]] == [HYPERLINK, "-某单位", "@x", "张三", -5, 2.5]
    assert cells[0].quotePrefix and cells[1].quotePrefix and not cells[3].quotePrefix


def _wide_xlsx(path, rows: int = 10_000):
    """The review's sheet: 28 KB, a dimension of A1:XFD10001 (16,384 columns) and empty rows."""
    return xlsx_rows(path, ["id", "outcome"], 0, dimension=f"A1:XFD{rows + 1}", empty_rows=rows)


def test_a_sheet_declaring_16384_columns_is_read_quickly(tmp_path):
    """Review of issue 12, finding 6: openpyxl padded every empty row to the declared 16,384 columns
    (5 s on the upload path for 28 KB); rows are now read no wider than the column cap."""
    path = _wide_xlsx(tmp_path / "wide.xlsx")
    assert path.stat().st_size < 64 * 1024
    started = time.perf_counter()
    table = open_table(path, required=["id", "outcome"], limits=SheetLimits.for_uploads())
    assert table.headers == ["id", "outcome"] and list(table) == []
    assert time.perf_counter() - started < 2  # 5.1 s before, 0.2 s after, measured here


def test_a_csv_header_of_16383_commas_is_read_quickly(tmp_path):
    """Review of issue 12, finding 6: each of 10,000 blank lines walked all 16,384 header cells (4 s)."""
    path = tmp_path / "wide.csv"
    path.write_text("id,outcome" + "," * 16_381 + "\n" * 10_001, encoding="utf-8")
    started = time.perf_counter()
    table = open_table(path, required=["id", "outcome"], limits=SheetLimits.for_uploads())
    assert table.headers == ["id", "outcome"] and list(table) == []
    assert time.perf_counter() - started < 1  # 4.4 s before, 0.01 s after


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_header_wider_than_the_cap_is_refused(tmp_path, suffix):
    """Review of issue 12, finding 6: the last allowed width is read, one more column is refused."""
    headers = [f"c{n}" for n in range(MAX_COLUMNS)]

    def write(names):
        path = tmp_path / f"h{len(names)}.{suffix}"
        if suffix == "csv":
            path.write_text(",".join(names) + "\n" + ",".join("1" for _ in names) + "\n", encoding="utf-8")
        else:
            book = Workbook()
            book.active.append(names)
            book.active.append([1 for _ in names])
            book.save(path)
        return path

    [row] = open_table(write(headers), required=["c0"])
    assert len(row.values) == MAX_COLUMNS and row.values[f"c{MAX_COLUMNS - 1}"] in (1, "1")
    error = _refused(write([*headers, "extra"]), "FILE_TOO_MANY_COLUMNS")
    assert error.row == 1 and str(MAX_COLUMNS) in str(error.message)
