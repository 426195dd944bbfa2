"""`enforcelink import cases` shows each row's party warnings (R-ID-01: a warning is shown to the
officer): a 15-digit number converted to 18 digits, a region code that is no division (000000).
Before, they were stored on the party and the command printed none."""

from __future__ import annotations

import pytest

from enforcelink.cases.models import Party
from tests.cases.test_import_errors import run
from tests.imports.files import case_row, resident_id, write_csv

FIFTEEN = "110105491231002"  # 1949-12-31, the old 15-digit form


def _clean(n: int) -> str:
    return resident_id(n, region="110105")  # a division every table knows: no warning


pytestmark = pytest.mark.usefixtures("english")  # messages are asserted in English


def _lines_for(out: str, name: str) -> list[str]:
    """Printed lines naming one party; the words around the row number and the name are not
    asserted, the stored warning is."""
    return [line for line in out.splitlines() if f" {name}" in line or line.startswith(name)]


def test_each_rows_party_warnings_are_printed_with_the_row(world, tmp_path):
    rows = [
        case_row(1, 申请执行人证件号码=_clean(1)),
        case_row(2, 申请执行人证件号码=FIFTEEN),
        case_row(3, 申请执行人证件号码=resident_id(3, region="000000")),
    ]
    out, err, code = run(write_csv(tmp_path / "cases.csv", rows))
    assert code == 0 and err == "", err
    assert Party.objects.filter(role="applicant").count() == 3
    assert _lines_for(out, "张1") == []
    for name, row, marker in (("张2", 3, "15"), ("张3", 4, "000000")):
        stored = Party.objects.get(name=name).warnings
        assert len(stored) == 1 and marker in stored[0]
        lines = _lines_for(out, name)
        assert len(lines) == 1 and lines[0].endswith(stored[0]) and str(row) in lines[0], out


def test_a_dry_run_shows_the_warnings_too(world, tmp_path):
    rows = [case_row(1, 申请执行人证件号码=resident_id(1, region="000000"))]
    out, _err, code = run(write_csv(tmp_path / "cases.csv", rows), "--dry-run")
    assert code == 0 and Party.objects.count() == 0
    lines = _lines_for(out, "张1")
    assert len(lines) == 1 and "000000" in lines[0] and "2" in lines[0]
