"""A bad import file changes nothing, and every error names its row and column (issue 2 §8, "Bad input")."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enforcelink.cases.models import Case, Party
from enforcelink.core.models import AuditEvent
from tests.factories import file_case
from tests.imports.files import HEADERS, case_row, closed_row, csv_bytes, write_csv, write_xlsx

pytestmark = pytest.mark.usefixtures("english")  # messages are asserted in English


TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
BAD_CHECK_ID = "11010519491231002" + "1"  # R-ID-01: the right check character is X


def counts() -> tuple[int, int, int]:
    return Case.objects.count(), Party.objects.count(), AuditEvent.objects.count()


def run(path, *args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import", "cases", str(path), *args, stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        err.write(str(error))
        code = error.returncode
    return out.getvalue(), err.getvalue(), code


BAD_ROWS = [
    # (row builder, column letter, column, code); the file's row number is index + 2
    (lambda: case_row(10, 申请执行人证件号码=BAD_CHECK_ID), "E", "申请执行人证件号码", "ID_BAD_CHECK"),
    (lambda: case_row(11, 被执行人证件号码="91440300192203821X"), "G", "被执行人证件号码", "USCC_INVALID"),
    (lambda: case_row(12, 申请执行标的金额="-5"), "I", "申请执行标的金额", "AMOUNT_NEGATIVE"),
    (lambda: case_row(13, 申请执行标的金额="10.123"), "I", "申请执行标的金额", "AMOUNT_PRECISION"),
    (lambda: case_row(14, 法院代码="渝9999"), "A", "法院代码", "COURT_UNKNOWN"),
    (lambda: case_row(15, 案号="（2024）渝0110民1号"), "B", "案号", "CASE_NUMBER_INVALID"),
    (lambda: case_row(16, 立案日期=TOMORROW), "C", "立案日期", "DATE_FUTURE"),
    (lambda: case_row(17, 立案日期="2024-02-30"), "C", "立案日期", "DATE_INVALID"),
    (
        lambda: case_row(18, 申请执行人证件号码="110105194913310025"),
        "E",
        "申请执行人证件号码",
        "ID_BAD_BIRTH_DATE",
    ),
    (lambda: closed_row(19, 5, 案号=""), "B", "案号", "CASE_NUMBER_REQUIRED"),
    (lambda: closed_row(20, 6, 结案方式="结了"), "K", "结案方式", "CLOSURE_MODE_INVALID"),
    (lambda: case_row(21, 执行依据文号=""), "H", "执行依据文号", "REQUIRED"),
    (lambda: case_row(22, 案号="（2024）粤0304执1号"), "B", "案号", "CASE_NUMBER_COURT"),
]


def test_bad_rows_reported_with_row_and_column_and_nothing_written(world, tmp_path):
    """R-ID-01, R-ID-02, R-ID-03, R-MONEY-01: every bad cell is named; the good rows are not kept."""
    file_case(world.court, world.officer)
    before = counts()
    rows = [case_row(1)] + [build() for build, *_ in BAD_ROWS] + [case_row(2)]
    out, err, code = run(write_csv(tmp_path / "bad.csv", rows))
    assert code != 0
    for index, (_build, letter, column, error_code) in enumerate(BAD_ROWS):
        line = next((line for line in err.splitlines() if line.startswith(f"row {index + 3},")), "")
        assert f"column {letter} ({column})" in line and error_code in line, (index, err)
    assert f"imported 0, invalid {len(BAD_ROWS)} — 2 valid rows not written" in out
    assert counts() == before


def test_all_errors_of_one_row_are_reported(world, tmp_path):
    row = case_row(1, 申请执行人证件号码=BAD_CHECK_ID, 申请执行标的金额="1.001", 立案日期="yesterday")
    _out, err, _code = run(write_csv(tmp_path / "bad.csv", [row]))
    assert "ID_BAD_CHECK" in err and "AMOUNT_PRECISION" in err and "DATE_INVALID" in err


def test_partial_imports_only_valid_rows(world, tmp_path):
    rows = [case_row(1), case_row(2, 申请执行人证件号码=BAD_CHECK_ID), case_row(3)]
    out, err, code = run(write_csv(tmp_path / "p.csv", rows), "--partial")
    assert code != 0 and "imported 2, invalid 1" in out
    assert "row 3, column E (申请执行人证件号码)" in err
    assert set(Case.objects.values_list("basis_number", flat=True)) == {
        "（2023）渝0110民初1号",
        "（2023）渝0110民初3号",
    }


def test_missing_columns_listed_at_once(world, tmp_path):
    headers = [h for h in HEADERS if h not in ("被执行人证件号码", "立案日期")]
    _out, err, code = run(write_csv(tmp_path / "m.csv", [case_row(1)], headers=headers))
    assert code != 0 and "COLUMNS_MISSING" in err
    assert "立案日期" in err and "被执行人证件号码" in err
    assert Case.objects.count() == 0


def test_undecodable_bytes_named_by_row(world, tmp_path):
    data = csv_bytes([case_row(1), case_row(2), case_row(3)])
    lines = data.split(b"\n")
    lines[3] = lines[3].replace("张3".encode(), b"\xff\xfe")
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\n".join(lines))
    _out, err, code = run(path)
    assert code != 0 and "FILE_ENCODING" in err and "row 4" in err
    assert Case.objects.count() == 0


def test_duplicates_inside_the_file_and_of_existing_cases(world, tmp_path):
    existing = file_case(world.court, world.officer, basis_number="（2023）渝0110民初999号")
    rows = [
        case_row(1),
        case_row(1),  # same basis and parties as row 2
        closed_row(2, 77),
        closed_row(3, 77, 执行依据文号="（2023）渝0110民初78号"),  # same 案号 as row 4
        case_row(4, 案号=existing.number),
        case_row(
            5,
            执行依据文号="（2023）渝0110民初999号",
            申请执行人="张三",
            申请执行人证件号码=existing.parties.get(role="applicant").id_number,
            被执行人证件号码=existing.parties.get(role="respondent").id_number,
        ),
    ]
    before = counts()
    _out, err, code = run(write_csv(tmp_path / "d.csv", rows))
    assert code != 0
    assert "row 3, column H (执行依据文号)" in err and "row 2" in err.split("row 3,")[1].splitlines()[0]
    assert "row 5, column B (案号)" in err
    assert "row 6, column B (案号)" in err and "CASE_NUMBER_TAKEN" in err
    assert "row 7, column H (执行依据文号)" in err and "DUPLICATE_FILING" in err
    assert counts() == before


def test_id_number_stored_as_excel_number(world, tmp_path):
    row = case_row(1, 申请执行人证件号码=110105194912310020)
    _out, err, code = run(write_xlsx(tmp_path / "n.xlsx", [row]))
    assert code != 0 and "ID_STORED_AS_NUMBER" in err and "row 2, column E" in err


@pytest.mark.parametrize("name", ["cases.xls", "cases.json"])
def test_unsupported_file_type(world, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"x")
    _out, err, code = run(path)
    assert code != 0 and "FILE_TYPE" in err


def test_corrupt_xlsx(world, tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_bytes(b"not a zip")
    _out, err, code = run(path)
    assert code != 0 and "FILE_UNREADABLE" in err


def test_names_and_numbers_must_pair_up(world, tmp_path):
    row = case_row(1, 被执行人="甲公司；乙公司")
    _out, err, code = run(write_csv(tmp_path / "x.csv", [row]))
    assert code != 0 and "row 2, column G (被执行人证件号码)" in err and "PARTY_COUNT_MISMATCH" in err
    assert "column F" not in err  # no second, confusing "add a respondent"


def test_over_long_text_refused_not_crashing(world, tmp_path):
    row = case_row(1, 执行依据文号="（2023）" + "民" * 120 + "号")
    _out, err, code = run(write_csv(tmp_path / "x.csv", [row]))
    # The API's code for the same value (issue 12): MAX_LENGTH, not a code of the import's own.
    assert code != 0 and "row 2, column H (执行依据文号)" in err and "MAX_LENGTH" in err


def test_database_refusal_is_a_row_error_not_a_crash(world, tmp_path, monkeypatch):
    from django.db import IntegrityError

    def refuse(*args, **kwargs):
        raise IntegrityError("value too long")

    monkeypatch.setattr("enforcelink.cases.importing.case_file", refuse)
    _out, err, code = run(write_csv(tmp_path / "x.csv", [case_row(1)]))
    assert code != 0 and "row 2" in err and "ROW_REJECTED" in err
