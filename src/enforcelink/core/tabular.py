"""Reading spreadsheets people send us: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) and XLSX.

Rows come out as dicts keyed by header name, numbered as the user sees them in Excel (the
header is row 1, the first data row is row 2), so every error can say "row 7, column F (案号)".
Both readers stream: a CSV is decoded once to pick its encoding and once to read it, chunk by
chunk; an XLSX is opened read-only, so a large sheet is never held in memory twice.

Nothing past the limits is read (issue 12, a zip bomb): an XLSX whose members would unpack to more
than `SheetLimits.max_unpacked_bytes`, or whose large members are packed more tightly than any
spreadsheet program packs a sheet, is refused from the zip's directory before any XML is parsed; a
sheet (XLSX or CSV) is refused at its first row past `SheetLimits.max_rows`. The same module writes
the sheets the platform hands out (`xlsx_append`, `csv_row`): a text that a spreadsheet program would
run as a formula is written as text (OWASP CSV injection).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from enforcelink.core.errors import InvalidInput

CHUNK = 1 << 20
MB = 1 << 20
# Columns read from a sheet. Every layout the platform reads has under 40; a header reaching past this
# is refused (FILE_TOO_MANY_COLUMNS), and no row is read wider: a 28 KB sheet declaring 16,384 columns
# and 10,000 empty rows made openpyxl pad 164 million cells (5 s on the upload path).
MAX_COLUMNS = 256


class TableError(InvalidInput):
    """A problem with the file or one cell, located by row number and column (letter and header)."""

    def __init__(
        self, code: str, message: str, *, row: int | None = None, column: str | None = None, letter: str = ""
    ):
        self.row = row
        self.column = column
        self.letter = letter
        super().__init__(code, message, field=column)

    def location(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            label = f"{self.letter} ({self.column})" if self.letter else self.column
            parts.append(_("column %(column)s") % {"column": label})
        return ", ".join(parts)

    def shown(self) -> str:
        """Where and what, for a page; `str()` adds the code for logs and the command line."""
        where = self.location()
        return f"{where}: {self.message}" if where else str(self.message)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message} [{self.code}]" if where else f"{self.message} [{self.code}]"


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it; the header is row 1
    values: dict[str, Any]


@dataclass(frozen=True)
class SheetLimits:
    """How much of a spreadsheet is read before it is refused.

    The zip's directory declares each member's unpacked size; Python's zipfile never inflates more
    than that declared size (it stops there, and a member whose real content is longer then fails
    its CRC check: `FILE_UNREADABLE`), so checking the declared sizes bounds the bytes openpyxl parses
    even when the directory lies. Ordinary sheet XML, even of identical rows, packs about 3–30 to 1;
    a bomb packs hundreds or a thousand to 1, so a large member above `max_ratio` is refused even
    under the size limit.
    """

    max_unpacked_bytes: int
    max_rows: int  # data rows; the header row is not counted
    max_ratio: int = 100
    ratio_from_bytes: int = MB  # smaller members (styles, themes) may pack as tightly as they like
    max_columns: int = MAX_COLUMNS

    @classmethod
    def for_imports(cls) -> SheetLimits:
        """`enforcelink import …`: files an administrator brings, possibly a court's whole caseload."""
        return cls(settings.SHEET_MAX_UNPACKED_MB * MB, settings.SHEET_MAX_ROWS, settings.SHEET_MAX_RATIO)

    @classmethod
    def for_uploads(cls) -> SheetLimits:
        """Sheets sent through the site (a liaison's replies): small, so a request stays seconds long."""
        return cls(
            settings.UPLOAD_SHEET_MAX_UNPACKED_MB * MB,
            settings.UPLOAD_SHEET_MAX_ROWS,
            settings.SHEET_MAX_RATIO,
        )


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (the letters Excel shows above the columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _normalise_header(value: Any) -> str:
    return str(value if value is not None else "").replace("\ufeff", "").strip()


class Table:
    """An opened sheet: its headers, where each header is, and an iterator over its data rows."""

    def __init__(
        self,
        headers: list[str],
        rows: Iterator[tuple[int, Sequence[Any]]],
        total: int | None = None,
        *,
        max_columns: int = MAX_COLUMNS,
    ):
        self.headers = headers
        self.max_columns = max_columns
        self.total = total  # data rows, when the format says (XLSX); for a progress bar only
        self.letters = {name: column_letter(i) for i, name in enumerate(headers) if name}
        self._rows = rows

    def error(
        self, code: str, message: str, *, row: int | None = None, column: str | None = None
    ) -> TableError:
        return TableError(code, message, row=row, column=column, letter=self.letters.get(column or "", ""))

    def __iter__(self) -> Iterator[Row]:
        width = len(self.headers)
        named = [(i, name) for i, name in enumerate(self.headers) if name]  # not every header, per row
        for number, cells in self._rows:
            count = len(cells)
            values = {name: (cells[i] if i < count else None) for i, name in named}
            # A value under no header still makes the row count (it is reported, not skipped); looked
            # for no further than the widest sheet that is read.
            if any(_is_filled(v) for v in values.values()) or any(
                _is_filled(c) for c in cells[width : self.max_columns]
            ):
                yield Row(number, values)


def _is_filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class _Failure:
    offset: int
    line: int
    after_text: bool  # valid non-ASCII text was decoded before the bad bytes


def _scan(path: Path, encoding: str) -> _Failure | None:
    """Decode the whole file chunk by chunk; on failure say where (byte offset and line number)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    consumed, lines, non_ascii = 0, 1, False
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                good = chunk[: max(error.start, 0)]
                return _Failure(
                    consumed + error.start, lines + good.count(b"\n"), non_ascii or not good.isascii()
                )
            if not chunk:
                return None
            consumed += len(chunk)
            lines += chunk.count(b"\n")
            non_ascii = non_ascii or not chunk.isascii()


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (the superset of the GBK that Chinese Excel
    writes); neither → an error naming the row.

    A file that decodes as UTF-8 Chinese up to some bad bytes is a damaged UTF-8 file: GB18030
    would read most of those bytes as other characters, importing garbled names, so it is not tried.
    """
    failure = _scan(path, "utf-8-sig")
    if failure is None:
        return "utf-8-sig"
    with path.open("rb") as handle:
        has_bom = handle.read(3) == codecs.BOM_UTF8
    if not (has_bom or failure.after_text):
        gbk_failure = _scan(path, "gb18030")
        if gbk_failure is None:
            return "gb18030"
        failure = max(failure, gbk_failure, key=lambda f: f.offset)
    raise TableError(
        "FILE_ENCODING",
        _("The file has bytes that are neither UTF-8 nor GBK text; save it again as CSV UTF-8."),
        row=failure.line,
    )


def _too_many_rows(limits: SheetLimits, row: int) -> TableError:
    return TableError(
        "FILE_TOO_MANY_ROWS",
        _(
            "The sheet has more than %(limit)d data rows; split it into several files "
            "(and delete empty rows below the data)."
        )
        % {"limit": limits.max_rows},
        row=row,
    )


def _csv_rows(path: Path, encoding: str, limits: SheetLimits) -> Iterator[tuple[int, Sequence[Any]]]:
    # Numbered by record, as Excel numbers the rows when it opens the file (a quoted cell with a
    # line break is still one row there).
    number = 0
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise _csv_error(error, number + 1) from None
            number += 1
            if number > limits.max_rows + 1:
                raise _too_many_rows(limits, number)
            yield number, [csv_unescape(value) for value in record]


def _csv_error(error: csv.Error, row: int) -> TableError:
    """The csv module stops at a field longer than its limit (131,072 characters), far beyond any
    value the platform keeps: the record cannot be read on, so the file is refused at that row."""
    if "field larger than field limit" in str(error):
        return TableError(
            "FIELD_TOO_LARGE",
            _("A cell is longer than %(limit)d characters, or a quotation mark is not closed.")
            % {"limit": csv.field_size_limit()},
            row=row,
        )
    return TableError("FILE_UNREADABLE", _("The file is not a readable CSV file."), row=row)


def _headers(cells: Sequence[Any], limits: SheetLimits) -> list[str]:
    """The header row without its trailing empty cells; refused when it reaches past the column cap."""
    headers = [_normalise_header(h) for h in cells[: limits.max_columns + 1]]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > limits.max_columns or any(
        _normalise_header(h) for h in cells[limits.max_columns + 1 :]
    ):
        raise _too_many_columns(limits)
    return headers


def _too_many_columns(limits: SheetLimits) -> TableError:
    return TableError(
        "FILE_TOO_MANY_COLUMNS",
        _("The sheet has more than %(limit)d columns; delete the columns that are not in the template.")
        % {"limit": limits.max_columns},
        row=1,
    )


def _open_csv(path: Path, limits: SheetLimits) -> Table:
    encoding = detect_encoding(path)
    rows = _csv_rows(path, encoding, limits)
    first = next(rows, None)
    headers = _headers(first[1], limits) if first else []
    return Table(headers, rows, max_columns=limits.max_columns)


def _unreadable() -> TableError:
    return TableError("FILE_UNREADABLE", _("The file is not a readable XLSX workbook."))


def check_package(path: Path, limits: SheetLimits) -> None:
    """Refuse a zip bomb from the zip's directory alone, before a byte is inflated (see SheetLimits)."""
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _unreadable() from None
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked_bytes:
        raise TableError(
            "FILE_TOO_LARGE_UNPACKED",
            _(
                "The workbook unpacks to %(size)d MB; at most %(limit)d MB can be read. "
                "Split it into several files."
            )
            % {"size": -(-total // MB), "limit": limits.max_unpacked_bytes // MB},
        )
    for member in members:
        packed = max(member.compress_size, 1)
        if member.file_size > limits.ratio_from_bytes and member.file_size > packed * limits.max_ratio:
            raise TableError(
                "FILE_COMPRESSION_RATIO",
                _(
                    "Part of the workbook unpacks to %(ratio)d times its packed size, more than any "
                    "spreadsheet program writes; save it again from Excel or WPS."
                )
                % {"ratio": member.file_size // packed},
            )


def _xlsx_rows(book: Any, limits: SheetLimits) -> Iterator[tuple[int, Sequence[Any]]]:
    try:
        # No row wider than the cap (and one cell to see a header past it): openpyxl pads every row
        # to the width the sheet declares, 16,384 columns in a hostile one.
        sheet_rows = book.worksheets[0].iter_rows(values_only=True, max_col=limits.max_columns + 1)
        for number, cells in enumerate(sheet_rows, start=1):
            if number > limits.max_rows + 1:  # a sheet without a (true) dimension: stop reading here
                raise _too_many_rows(limits, number)
            yield number, cells
    except TableError:
        raise
    except Exception:  # read-only sheets are parsed as they are read: damage past the opening shows here
        raise _unreadable() from None
    finally:
        book.close()  # read-only workbooks keep the file open until closed


def _open_xlsx(path: Path, limits: SheetLimits) -> Table:
    from openpyxl import load_workbook

    check_package(path, limits)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # zip, XML or openpyxl errors alike: the workbook is damaged, say so
        raise _unreadable() from None
    max_row = book.worksheets[0].max_row  # the sheet's declared dimension, when it has one
    if max_row and max_row > limits.max_rows + 1:
        book.close()
        raise _too_many_rows(limits, max_row)
    rows = _xlsx_rows(book, limits)
    first = next(rows, None)
    try:
        headers = _headers(first[1], limits) if first else []
    except TableError:
        book.close()
        raise
    return Table(headers, rows, max_row - 1 if max_row else None, max_columns=limits.max_columns)


def open_table(path: str | Path, *, required: Sequence[str], limits: SheetLimits | None = None) -> Table:
    """Open a CSV or XLSX and check its header row: every missing required column is named at once.

    `limits` defaults to those of the command-line imports (`SheetLimits.for_imports`)."""
    path = Path(path)
    limits = limits or SheetLimits.for_imports()
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError("FILE_NOT_FOUND", _("No file at %(path)s.") % {"path": path})
    if suffix in (".xlsx", ".xlsm"):
        table = _open_xlsx(path, limits)
    elif suffix == ".csv":
        table = _open_csv(path, limits)
    else:
        raise TableError(
            "FILE_TYPE", _("Send a .csv or .xlsx file (old .xls files: save them as .xlsx first).")
        )
    _check_headers(table, required)
    return table


def _check_headers(table: Table, required: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in table.headers:
        if name and name in seen:
            raise table.error(
                "COLUMN_DUPLICATE", _("Column %(name)s appears twice.") % {"name": name}, row=1, column=name
            )
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        raise TableError(
            "COLUMNS_MISSING",
            _("Required columns missing from the header row: %(names)s.") % {"names": "、".join(missing)},
            row=1,
        )


def cell_text(value: Any) -> str:
    """A cell as text: Excel numbers lose their '.0', dates become ISO dates, blanks become ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class ImportReport:
    """What an import did: rows written, and every error with its row and column."""

    imported: int = 0  # valid rows: written, or that would have been (see `written`)
    errors: list[TableError] = field(default_factory=list)
    # (row, whose, warning) of the rows taken: shown to the person importing, never a refusal
    warnings: list[tuple[int, str, str]] = field(default_factory=list)
    written: bool = True  # False when nothing was kept (errors in all-or-nothing mode, or a dry run)

    @property
    def invalid_rows(self) -> int:
        return len({error.row for error in self.errors})


# --- writing: sheets the platform hands out -------------------------------------------------------

# A cell starting with one of these is run (or re-read) as a formula by Excel, WPS and LibreOffice:
# `=HYPERLINK(…)`, `+cmd|…`, `-2+3`, `@SUM(…)`, and a tab or carriage return before any of them
# (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    """A text a spreadsheet program would treat as a formula; numbers (also negative ones) are not."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_cell(value: Any) -> Any:
    """A value for a CSV the platform writes: a formula-like text gets a leading apostrophe, which
    spreadsheet programs show and do not run; `csv_unescape` takes it off when we read the file back."""
    return "'" + value if formula_like(value) else value


def csv_row(values: Sequence[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def csv_unescape(value: str) -> str:
    """Undo `csv_cell`: "'-12" read from a CSV is "-12" again."""
    return value[1:] if value.startswith("'") and formula_like(value[1:]) else value


def xlsx_append(sheet: Any, values: Sequence[Any]) -> None:
    """Append a row to an openpyxl sheet with every text written as a text cell.

    openpyxl makes any text starting with "=" a formula; here the cell stays a string (type "s"),
    its value exactly the text, so our own reply upload reads it back unchanged. Formula-like texts
    also get Excel's quote prefix (the hidden apostrophe), so editing the cell does not turn it into
    a formula either. Numbers stay numbers. Characters XML cannot hold (control characters in an
    old value) are dropped rather than failing the whole download.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

    row: list[Any] = []
    for value in values:
        if not isinstance(value, str):
            row.append(value)
            continue
        cell = Cell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        if formula_like(value):
            cell.quotePrefix = True
        row.append(cell)
    sheet.append(row)


MONEY_FORMAT = "#,##0.00"  # Excel's grouped two decimals: 1,234,567.89, the cell still a number


def xlsx_money(sheet: Any, amount: Any) -> Any:
    """A yuan amount as a number cell shown grouped with two decimals (R-MONEY-01), for
    `xlsx_append`: a spreadsheet still adds the column up; None is an empty cell."""
    from openpyxl.cell.cell import Cell

    cell = Cell(sheet, value=None if amount is None or amount == "" else float(amount))
    cell.number_format = MONEY_FORMAT
    return cell


def write_xlsx_template(
    path: str | Path, columns: Sequence[tuple[str, str, str, str]], *, notes_title: str
) -> None:
    """An empty workbook with the header row and a sheet explaining each column.

    `columns` are (header, need, help, example). Every column is formatted as text, so Excel keeps
    the 18 digits of an ID number and the leading zeros of a code instead of turning them into numbers.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    xlsx_append(sheet, [name for name, *_rest in columns])
    for index, (name, need, _help, _example) in enumerate(columns):
        letter = column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(name) * 2 + 4)
        sheet.column_dimensions[letter].number_format = "@"
        sheet.cell(row=1, column=index + 1).font = Font(bold=need == "required")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(notes_title)
    xlsx_append(notes, [_("Column"), _("Required?"), _("Description"), _("Example")])
    for row in columns:
        xlsx_append(notes, list(row))
    for letter, width in zip("ABCD", (20, 12, 80, 28), strict=True):
        notes.column_dimensions[letter].width = width
    book.save(path)
