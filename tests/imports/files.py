"""Builders for import files: rows as dicts, written as CSV (any encoding) or XLSX in tmp_path."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from stdnum.cn import ric

from tests.factories import PERSON_IDS, USCCS

HEADERS = [
    "法院代码",
    "案号",
    "立案日期",
    "申请执行人",
    "申请执行人证件号码",
    "被执行人",
    "被执行人证件号码",
    "执行依据文号",
    "申请执行标的金额",
    "结案日期",
    "结案方式",
    "执行到位金额",
]


def resident_id(serial: int, born: str = "19850715", region: str = "500110") -> str:
    """A valid resident ID (R-ID-01) for any serial 0–999; stdnum wants all 18 characters."""
    body = f"{region}{born}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def case_row(n: int = 1, **overrides: Any) -> dict[str, Any]:
    """An open case of 渝0110 (no 案号): person applicant, organisation respondent."""
    row = {
        "法院代码": "渝0110",
        "案号": "",
        "立案日期": "2024-03-01",
        "申请执行人": f"张{n}",
        "申请执行人证件号码": resident_id(n),
        "被执行人": "重庆某建材有限公司",
        "被执行人证件号码": USCCS[0],
        "执行依据文号": f"（2023）渝0110民初{n}号",
        "申请执行标的金额": "120000.00",
        "结案日期": "",
        "结案方式": "",
        "执行到位金额": "",
    }
    row.update(overrides)
    return row


def closed_row(n: int, sequence: int, **overrides: Any) -> dict[str, Any]:
    values = {
        "案号": f"（2023）渝0110执{sequence}号",
        "立案日期": "2023/5/8",
        "结案日期": "2023年11月20日",
        "结案方式": "执行完毕",
        "执行到位金额": "120000.00",
        "申请执行人证件号码": PERSON_IDS[n % len(PERSON_IDS)],
    }
    values.update(overrides)
    return case_row(n, **values)


def csv_bytes(
    rows: Sequence[dict[str, Any]], headers: Sequence[str] = HEADERS, encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue().encode(encoding)


def write_csv(
    path: Path, rows: Sequence[dict[str, Any]], headers: Sequence[str] = HEADERS, encoding: str = "utf-8"
) -> Path:
    path.write_bytes(csv_bytes(rows, headers, encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[dict[str, Any]], headers: Sequence[str] = HEADERS) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    book.save(path)
    return path
