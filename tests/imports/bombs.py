"""Hostile workbooks for the spreadsheet limits (issue 12, finding 2), built in tmp_path.

`xlsx_bomb` writes a real XLSX whose first sheet is followed by `size` bytes of repeated rows: a few
hundred KB on disk for 100 MB of XML, like the probe's 356 KB file. The sheet has no dimension, so
before the limits openpyxl parsed every byte (42 s for 100 MB here).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
TINY_ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


def _rewrite_sheet(path: Path, headers: Sequence[str], write_body: Callable[[IO[bytes]], None]) -> Path:
    book = Workbook()
    book.active.append(list(headers))
    source = io.BytesIO()
    book.save(source)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename != SHEET:
                out.writestr(item.filename, data)
                continue
            head, tail = re.sub(rb"<dimension[^>]*/>", b"", data).split(b"</sheetData>")
            with out.open(SHEET, "w") as member:
                member.write(head)
                write_body(member)
                member.write(b"</sheetData>" + tail)
    return path


def xlsx_bomb(path: Path, headers: Sequence[str], size: int, row: bytes = TINY_ROW) -> Path:
    """A workbook whose sheet unpacks to at least `size` bytes of XML (rows of one cell each)."""
    chunk = row * ((1 << 20) // len(row))

    def body(member: IO[bytes]) -> None:
        for _ in range(-(-size // len(chunk))):
            member.write(chunk)

    return _rewrite_sheet(path, headers, body)


def xlsx_rows(
    path: Path, headers: Sequence[str], count: int, *, dimension: str | None = None, empty_rows: int = 0
) -> Path:
    """`count` data rows of one cell and no dimension, or the given (possibly false) dimension; then
    `empty_rows` rows without cells (`<row r="…"/>`)."""

    def body(member: IO[bytes]) -> None:
        member.write(
            b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(2, count + 2))
        )
        member.write(b"".join(b'<row r="%d"/>' % n for n in range(count + 2, count + 2 + empty_rows)))

    _rewrite_sheet(path, headers, body)
    if dimension:
        data = path.read_bytes()
        with (
            zipfile.ZipFile(io.BytesIO(data)) as original,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
        ):
            for item in original.infolist():
                content = original.read(item.filename)
                if item.filename == SHEET:
                    content = content.replace(
                        b"<sheetData>", f'<dimension ref="{dimension}"/><sheetData>'.encode(), 1
                    )
                out.writestr(item.filename, content)
    return path


def declare_size(path: Path, member: str, size: int) -> Path:
    """Make the zip lie: its directory (and local header) say `member` unpacks to `size` bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name:
            break
        at += 4
    struct.pack_into("<I", data, at + 24, size)
    local = struct.unpack_from("<I", data, at + 42)[0]
    struct.pack_into("<I", data, local + 22, size)
    path.write_bytes(bytes(data))
    return path
