"""core.tabular: rows numbered as Excel shows them, columns by letter and header, encodings detected."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from enforcelink.core.tabular import TableError, cell_text, column_letter, detect_encoding, open_table

pytestmark = pytest.mark.usefixtures("english")  # messages are asserted in English


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030")]
)
def test_encoding_detected(tmp_path, encoding, expected):
    path = tmp_path / "t.csv"
    path.write_bytes("名称,金额\n綦江区人民法院,1\n".encode(encoding))
    assert detect_encoding(path) == expected
    table = open_table(path, required=["名称"])
    assert table.headers == ["名称", "金额"]  # the BOM is not part of the first header
    assert [(r.number, r.values["名称"]) for r in table] == [(2, "綦江区人民法院")]


def test_gbk_file_with_bad_bytes_names_the_row(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("名称\n甲\n乙\n".encode("gbk") + b"\xff\xff\n")
    with pytest.raises(TableError) as caught:
        open_table(path, required=["名称"])
    assert (caught.value.code, caught.value.row) == ("FILE_ENCODING", 4)


def test_blank_rows_skipped_but_numbers_kept(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n,\n\n3,4\n", encoding="utf-8")
    assert [(r.number, r.values) for r in open_table(path, required=["a"])] == [
        (2, {"a": "1", "b": "2"}),
        (5, {"a": "3", "b": "4"}),
    ]


def test_xlsx_rows_and_letters(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["x", " 案号 ", "日期"])
    sheet.append([1, "（2024）渝0110执1号", dt.datetime(2024, 3, 1)])
    sheet.append([None, None, None])
    sheet.append([2, None, None])
    book.save(tmp_path / "t.xlsx")
    table = open_table(tmp_path / "t.xlsx", required=["案号"])
    rows = list(table)
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].values["日期"] == dt.datetime(2024, 3, 1)
    assert table.letters["案号"] == "B"
    error = table.error("X", "bad", row=4, column="日期")
    assert str(error) == "row 4, column C (日期): bad [X]"


def test_duplicate_and_missing_headers(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,a\n", encoding="utf-8")
    with pytest.raises(TableError, match="COLUMN_DUPLICATE"):
        open_table(path, required=["a"])
    path.write_text("a\n", encoding="utf-8")
    with pytest.raises(TableError) as caught:
        open_table(path, required=["a", "b", "c"])
    assert caught.value.code == "COLUMNS_MISSING" and "b、c" in str(caught.value.message)


def test_missing_file(tmp_path):
    with pytest.raises(TableError, match="FILE_NOT_FOUND"):
        open_table(tmp_path / "nope.csv", required=[])


def test_cell_text():
    assert cell_text(None) == "" and cell_text(12.0) == "12" and cell_text(12.5) == "12.5"
    assert cell_text(dt.datetime(2024, 3, 1)) == "2024-03-01" and cell_text("  x ") == "x"
