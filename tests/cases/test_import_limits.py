"""Issue 12: `enforcelink import cases FILE` refuses a zip bomb and a CSV field past the csv module's
limit with a coded error, not minutes of parsing or a traceback, and writes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enforcelink.cases.models import Case, Party
from tests.imports.bombs import xlsx_bomb, xlsx_rows
from tests.imports.files import HEADERS, case_row, write_csv

MB = 1 << 20


pytestmark = pytest.mark.usefixtures("english")  # messages are asserted in English


def run(path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", "cases", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue() + str(caught.value)


def test_a_zip_bomb_is_refused_before_parsing(world, tmp_path):
    """The probe: an XLSX whose sheet unpacks to 200 MB kept the command busy for over two minutes."""
    bomb = xlsx_bomb(tmp_path / "cases.xlsx", HEADERS, 120 * MB)
    _out, err = run(bomb)
    assert "FILE_TOO_LARGE_UNPACKED" in err and "Traceback" not in err
    assert not Case.objects.exists()


def test_a_sheet_past_the_row_limit_is_refused_and_nothing_is_written(world, tmp_path, settings):
    settings.SHEET_MAX_ROWS = 3
    _out, err = run(xlsx_rows(tmp_path / "cases.xlsx", HEADERS, 4), "--partial")
    assert "row 5" in err and "FILE_TOO_MANY_ROWS" in err
    assert not Case.objects.exists()


def test_a_csv_field_past_the_csv_limit_is_a_coded_error_naming_the_row(world, tmp_path):
    """Before: `_csv.Error: field larger than field limit (131072)` and a traceback."""
    rows = [case_row(1), case_row(2, 申请执行人="张" * 131_073)]
    _out, err = run(write_csv(tmp_path / "cases.csv", rows), "--partial")
    assert "row 3" in err and "FIELD_TOO_LARGE" in err and "Traceback" not in err
    assert not Case.objects.exists() and not Party.objects.exists()  # refused whole, even with --partial
