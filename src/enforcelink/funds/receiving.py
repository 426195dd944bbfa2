"""Money coming in through the court's custody account (R-FUND-01, R-FUND-03): the statement import,
and the 不明款 queue's two ways out — assigned to a case, or returned to the payer.

**The statement import** (`statement_read`, then `statement_apply`; `statement_import` does both).
One line is one transfer: date, amount, payer name, payer account, remark, bank reference. A line is
matched to its case by the 一案一账号 reference in the remark (`find_references`: spaces and hyphens
inside it and full-width digits are tolerated; the check digits must verify, and the reference must
be one of this court's cases). Everything is read and checked before anything is written, and a
file with any error — a wrong layout (a missing or unknown column), an amount with three decimals,
negative or zero, a date that is not one, a line that matches two cases, a bank reference booked
before for other money — is applied not at all: every error is named with its row and column. A
line whose bank reference was booked before for the same money (the statement imported again, a
deduction the bank confirmed and the statement now shows) books nothing and is reported as such.

A matched line is a `receipt_statement` journal (custody → the case's account); an unmatched one a
`receipt_unidentified` journal (custody → the court's unidentified account) and an
`UnidentifiedReceipt` with its R-FUND-01 deadline (`funds.policy.identify_by`). The whole file is
one transaction written in bulk (COPY on PostgreSQL: `core.rows.insert_rows`), so a statement of
100,000 lines books in seconds (`enforcelink bench funds`); every booked line is on its case's trail
and announced as `payment.received`, and a case whose obligation it meets gets `obligation.met`
once (R-FUND-04), as `receipt_record` does for one receipt.

Locks, in the order every ledger write takes them: the matched cases' rows (by pk), then the
ledger accounts posted to (by pk), then the audit heads.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.models import Case, CaseStatus
from enforcelink.core import audit, events
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.identifiers import case_number_key
from enforcelink.core.money import CENT
from enforcelink.core.rows import insert_rows, insert_values
from enforcelink.core.tabular import SheetLimits, TableError, cell_text, open_table
from enforcelink.core.text import clean_text, text_error
from enforcelink.funds import policy, queries
from enforcelink.funds.actions import (
    _lock_case,
    _post,
    actor_label,
    identify_locked,
    resolve_unidentified,
)
from enforcelink.funds.models import (
    RECEIPT_KINDS,
    RECOVERY_KINDS,
    AccountKind,
    CaseAccount,
    Entry,
    Journal,
    JournalKind,
    LedgerAccount,
)
from enforcelink.funds.statements import StatementImport, UnidentifiedReceipt, UnidentifiedStatus
from enforcelink.orgs.models import Court
from enforcelink.orgs.permissions import Action, require

# The statement's columns: the header a bank's export uses (Chinese) or its English name; any other
# header is a layout error, so a file of another layout is never half-read.
COLUMNS: dict[str, str] = {
    "交易日期": "date", "date": "date",
    "金额": "amount", "amount": "amount",
    "付款人": "payer_name", "payer": "payer_name",
    "付款账号": "payer_account", "payer account": "payer_account",
    "附言": "remark", "remark": "remark",
    "银行流水号": "bank_reference", "bank reference": "bank_reference",
}  # fmt: skip
FIELDS = ("date", "amount", "payer_name", "payer_account", "remark", "bank_reference")
HEADERS = {"date": "交易日期", "amount": "金额", "payer_name": "付款人", "payer_account": "付款账号",
           "remark": "附言", "bank_reference": "银行流水号"}  # fmt: skip
REQUIRED = ("date", "amount", "bank_reference")
MAX_ERRORS = 200  # errors listed for one file; past that the file is plainly of another layout
SOURCE = "statement"
PAGE = 5000  # ids per IN (...) query
LIMITS = {"payer_name": 200, "payer_account": 64, "remark": 500, "bank_reference": 100}  # characters


def identify_period() -> tuple[int, str]:
    """R-FUND-01's period in force (`ENFORCELINK_FUNDS_IDENTIFY_PERIOD`, default 3 working days)."""
    amount, unit = getattr(settings, "FUNDS_IDENTIFY_PERIOD", policy.IDENTIFY_PERIOD)
    return int(amount), str(unit)


# --- references in a remark (R-FUND-01) ------------------------------------------------------------

_RUN = re.compile(r"\d(?:[\s\-‐‑–—_./]*\d)*")
REFERENCE_LENGTHS = range(20, 23)  # court 7 + year 4 + type 1 + sequence 6–8 + check 2


def find_references(remark: str) -> set[str]:
    """Every digit string in the remark that could be a 一案一账号 reference: runs of digits (full-width
    ones read as ASCII, spaces, hyphens and dots inside a run ignored) and their windows of 20–22
    digits whose ISO 7064 MOD 97-10 check holds. Whether one is a case's reference is the caller's
    question (a window passing the check by chance matches no case)."""
    text = _nfkc(remark or "")
    found: set[str] = set()
    for run in _RUN.findall(text):
        digits = run if run.isdigit() else _NOT_DIGIT.sub("", run)
        for length in REFERENCE_LENGTHS:
            for start in range(0, len(digits) - length + 1):
                window = digits[start : start + length]
                if int(window) % 97 == 1:  # ISO 7064 MOD 97-10 of a digit string (stdnum's is_valid)
                    found.add(window)
    return found


_NOT_DIGIT = re.compile(r"\D")


def _nfkc(text: str) -> str:
    """NFKC (full-width digits and letters as ASCII), skipped for ASCII text, which it leaves as is."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


# --- reading the file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One checked transfer of the statement."""

    row: int
    value_on: dt.date
    amount: Decimal
    payer_name: str
    payer_account: str
    remark: str
    bank_reference: str
    candidates: frozenset[str]


@dataclass
class Statement:
    filename: str
    sha256: str
    lines: list[Line]
    errors: list[TableError] = field(default_factory=list)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _date_text(_nfkc(cell_text(value)).strip())


@functools.lru_cache(maxsize=4096)  # a statement's lines share a few hundred dates at most
def _date_text(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            return None
    return None


def _amount(value: Any) -> tuple[Decimal | None, str, str]:
    """(amount, code, message): a transfer's amount, > 0 with at most two decimals (R-MONEY-01). An
    XLSX number comes as a float: its shortest decimal form is what the cell shows."""
    if isinstance(value, bool):
        return None, "AMOUNT_INVALID", _("Enter an amount in yuan, e.g. 12345.67.")
    text = repr(value) if isinstance(value, float) else _nfkc(cell_text(value))
    text = text.replace(",", "").replace("，", "").replace(" ", "").removesuffix("元")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None, "AMOUNT_INVALID", _("Enter an amount in yuan, e.g. 12345.67.")
    if not amount.is_finite():
        return None, "AMOUNT_INVALID", _("Enter an amount in yuan, e.g. 12345.67.")
    if abs(amount) >= Decimal("1e13"):  # the ledger's columns hold 14 digits before the point
        return None, "AMOUNT_TOO_LARGE", _("The amount is too large.")
    if amount != amount.quantize(CENT):
        return None, "AMOUNT_PRECISION", _("An amount has at most two decimals (fen).")
    if amount < 0:
        return None, "AMOUNT_NEGATIVE", _("A transfer into the account is never negative.")
    if amount == 0:
        return None, "AMOUNT_ZERO", _("The amount must be greater than zero.")
    return amount.quantize(CENT), "", ""


def _layout(headers: Sequence[str], letters: dict[str, str]) -> tuple[dict[str, str], list[TableError]]:
    """The file's header → our field, or the layout errors (unknown, repeated or missing columns)."""
    errors: list[TableError] = []
    mapping: dict[str, str] = {}
    for header in headers:
        if not header:
            continue
        key = COLUMNS.get(header) or COLUMNS.get(header.lower())
        if key is None:
            errors.append(TableError(
                "COLUMN_UNKNOWN",
                _("Column %(name)s is not part of the statement layout (交易日期, 金额, 付款人, 付款账号, 附言, 银行流水号).")
                % {"name": header}, row=1, column=header, letter=letters.get(header, ""),
            ))  # fmt: skip
        elif key in mapping.values():
            errors.append(TableError(
                "COLUMN_DUPLICATE", _("Column %(name)s appears twice.") % {"name": header}, row=1, column=header,
                letter=letters.get(header, ""),
            ))  # fmt: skip
        else:
            mapping[header] = key
    missing = [HEADERS[key] for key in REQUIRED if key not in mapping.values()]
    if missing:
        errors.append(TableError(
            "COLUMNS_MISSING",
            _("Required columns missing from the header row: %(names)s.") % {"names": "、".join(missing)}, row=1,
        ))  # fmt: skip
    return mapping, errors


def statement_read(path: str | Path, *, filename: str = "", limits: SheetLimits | None = None) -> Statement:
    """Read and check a statement (CSV or XLSX); nothing is written. Layout errors stop the reading
    (no line is checked against a layout we do not know); line errors are all collected."""
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    statement = Statement(filename or path.name, digest, [])
    try:
        table = open_table(path, required=(), limits=limits)
    except TableError as error:
        statement.errors.append(error)
        return statement
    mapping, layout_errors = _layout(table.headers, table.letters)
    if layout_errors:
        statement.errors.extend(layout_errors)
        return statement
    column = {key: header for header, key in mapping.items()}
    today = timezone.localdate()
    try:
        for row in table:
            _read_line(row.number, row.values, mapping, column, table.letters, statement, today)
            if len(statement.errors) >= MAX_ERRORS:
                break
    except TableError as error:
        statement.errors.append(error)
    if not statement.lines and not statement.errors:
        statement.errors.append(TableError("FILE_EMPTY", _("The statement has no lines.")))
    return statement


def _read_line(
    number: int,
    values: dict[str, Any],
    mapping: dict[str, str],
    column: dict[str, str],
    letters: dict[str, str],
    statement: Statement,
    today: dt.date,
) -> None:
    cells = {key: values.get(header) for header, key in mapping.items()}

    def fail(key: str, code: str, message: str) -> None:
        header = column.get(key, HEADERS[key])
        statement.errors.append(
            TableError(code, message, row=number, column=header, letter=letters.get(header, ""))
        )

    before = len(statement.errors)
    value_on = _date(cells.get("date"))
    if value_on is None:
        fail("date", "DATE_INVALID", _("Enter the transfer's date, e.g. 2026-03-01."))
    elif value_on > today:
        fail("date", "VALUE_DATE_FUTURE", _("Money cannot arrive after today: check the date."))
    amount, code, message = _amount(cells.get("amount"))
    if amount is None:
        fail("amount", code, message)
    texts = {key: _nfkc(cell_text(cells.get(key))).strip() for key in FIELDS[2:]}
    for key, limit in LIMITS.items():
        if len(texts[key]) > limit:
            fail(key, "MAX_LENGTH", _("At most %(limit)d characters.") % {"limit": limit})
        elif (error := text_error(texts[key])) is not None:  # a NUL: PostgreSQL cannot even store it
            fail(key, error.code, str(error.message))
    if not texts["bank_reference"]:
        fail("bank_reference", "REQUIRED", _("Each transfer needs the bank's reference (流水号)."))
    if len(statement.errors) > before or value_on is None or amount is None:
        return
    statement.lines.append(
        Line(number, value_on, amount, texts["payer_name"], texts["payer_account"], texts["remark"],
             texts["bank_reference"], frozenset(find_references(texts["remark"])))
    )  # fmt: skip


# --- applying it -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What an import did, line by line: `booked` (row, case number, journal id), `unidentified`
    (row, the 不明款 id), `repeated` (row, the journal booked before)."""

    statement: StatementImport | None = None
    booked: list[tuple[int, str, int]] = field(default_factory=list)
    unidentified: list[tuple[int, int]] = field(default_factory=list)
    repeated: list[tuple[int, int]] = field(default_factory=list)
    errors: list[TableError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def applied(self) -> bool:
        return not self.errors


def _chunks(values: Sequence[Any], size: int = PAGE) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _matches(court_id: int, lines: list[Line]) -> dict[str, tuple[int, str]]:
    """Candidate reference → (case id, case number) for this court's case accounts."""
    wanted = sorted({ref for line in lines for ref in line.candidates})
    found: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(wanted):
        rows = CaseAccount.objects.filter(reference__among=chunk, case__court_id=court_id).values_list(
            "reference", "case_id", "case__number"
        )
        found.update({reference: (case_id, number) for reference, case_id, number in rows})
    return found


def _booked_before(court_id: int, lines: list[Line]) -> dict[str, tuple[int, int | None, Decimal, str]]:
    """Bank reference → (journal id, case id, amount, kind) of this court's journals."""
    wanted = sorted({line.bank_reference for line in lines})
    found: dict[str, tuple[int, int | None, Decimal, str]] = {}
    for chunk in _chunks(wanted):
        rows = Journal.objects.filter(court_id=court_id, reference__among=chunk).values_list(
            "reference", "pk", "case_id", "amount", "kind"
        )
        found.update({ref: (pk, case_id, amount, kind) for ref, pk, case_id, amount, kind in rows})
    return found


@dataclass
class _Plan:
    to_case: list[tuple[Line, int, str]] = field(default_factory=list)  # line, case id, case number
    unidentified: list[Line] = field(default_factory=list)
    repeated: list[tuple[int, int]] = field(default_factory=list)
    errors: list[TableError] = field(default_factory=list)


def _plan(court_id: int, lines: list[Line]) -> _Plan:
    """Each line's destination, or the errors that stop the file (nothing written yet)."""
    plan = _Plan()
    matches = _matches(court_id, lines)
    before = _booked_before(court_id, lines)
    seen: dict[str, Line] = {}
    for line in lines:
        cases = sorted({matches[ref] for ref in line.candidates if ref in matches})
        if len(cases) > 1:
            plan.errors.append(TableError("REFERENCE_AMBIGUOUS",
                _("The remark names more than one case (%(numbers)s): book it by hand from the 不明款 queue.")
                % {"numbers": "、".join(number for _pk, number in cases)}, row=line.row, column=HEADERS["remark"]))  # fmt: skip
            continue
        case = cases[0] if cases else None
        earlier = seen.get(line.bank_reference)
        if earlier is not None:
            if earlier.amount != line.amount:
                plan.errors.append(TableError("REFERENCE_CONFLICT",
                    _("Bank reference %(ref)s is on row %(row)d with another amount.")
                    % {"ref": line.bank_reference, "row": earlier.row}, row=line.row, column=HEADERS["bank_reference"]))  # fmt: skip
            else:
                plan.repeated.append((line.row, 0))
            continue
        seen[line.bank_reference] = line
        booked = before.get(line.bank_reference)
        if booked is not None:
            journal_id, case_id, amount, kind = booked
            same = amount == line.amount and (
                kind == JournalKind.RECEIPT_UNIDENTIFIED
                or (kind in RECEIPT_KINDS and (case is None or case[0] == case_id))
            )
            if not same:
                plan.errors.append(TableError("REFERENCE_CONFLICT",
                    _("Bank reference %(ref)s was booked before for other money (journal #%(id)s).")
                    % {"ref": line.bank_reference, "id": journal_id}, row=line.row, column=HEADERS["bank_reference"]))  # fmt: skip
            else:
                plan.repeated.append((line.row, journal_id))
            continue
        if case is None:
            plan.unidentified.append(line)
        else:
            plan.to_case.append((line, case[0], case[1]))
    return plan


def statement_import(
    path: str | Path, *, court: Court, actor: Any, filename: str = "", limits: SheetLimits | None = None
) -> Outcome:
    """Read, check and apply a statement of `court`'s custody account (R-FUND-01, R-FUND-03); the fund
    clerk imports (Action.BOOK_FUNDS). All or nothing: any error, and `Outcome.errors` lists them."""
    require(actor, Action.BOOK_FUNDS, court)
    started = time.perf_counter()
    statement = statement_read(path, filename=filename, limits=limits)
    if statement.errors:
        return Outcome(errors=statement.errors, seconds=time.perf_counter() - started)
    outcome = statement_apply(statement, court=court, actor=actor)
    outcome.seconds = time.perf_counter() - started
    if outcome.statement is not None:
        StatementImport.objects.filter(pk=outcome.statement.pk).update(seconds=outcome.seconds)
    return outcome


CHUNK = 2000  # statement lines written per transaction


def statement_apply(statement: Statement, *, court: Court, actor: Any, chunk: int = CHUNK) -> Outcome:
    """Apply a statement read without errors (see the module's docstring). Every line is checked
    first; a file with an error writes nothing. The lines are then written `chunk` to a transaction,
    so that no transaction grows with the file (the entry triggers' work on the court's custody
    account and the deferred balance checks at commit grow faster than the lines within one): each
    line is whole, and should the writing stop half-way (the database gone), importing the same file
    again books the rest, once (the bank references of the lines already written are repeats)."""
    require(actor, Action.BOOK_FUNDS, court)
    plan = _plan(court.pk, statement.lines)
    if plan.errors:
        return Outcome(errors=plan.errors)
    label = actor_label(actor)
    with transaction.atomic():
        record = StatementImport.objects.create(
            court=court, filename=statement.filename[:200], sha256=statement.sha256,
            imported_by=actor if getattr(actor, "pk", None) and hasattr(actor, "username") else None,
            created_by=label, lines=len(statement.lines), booked=0, unidentified=0, repeated=len(plan.repeated),
            amount=Decimal(0),
        )  # fmt: skip
    outcome = Outcome(statement=record, repeated=list(plan.repeated))
    rows: list[tuple[Line, int | None, str]] = [
        *plan.to_case,
        *((line, None, "") for line in plan.unidentified),
    ]
    parts = list(_chunks(rows, chunk)) or [[]]
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        try:
            with transaction.atomic():
                _apply_part(court, record, list(part), outcome, actor, label, last=last, recheck=False)
        except IntegrityError as error:  # another booking took one of the part's bank references since
            if not _reference_taken(error):
                raise
            with transaction.atomic():
                _apply_part(court, record, list(part), outcome, actor, label, last=last, recheck=True)
    return outcome


def _reference_taken(error: IntegrityError) -> bool:
    """The journal's bank reference was booked before for this court (the unique index refused it)."""
    text = str(error)
    return "journal_reference_per_court" in text or "funds_journal.court_id, funds_journal.reference" in text


def _apply_part(
    court: Court,
    record: StatementImport,
    part: list[tuple[Line, int | None, str]],
    outcome: Outcome,
    actor: Any,
    label: str,
    *,
    last: bool,
    recheck: bool,
) -> None:
    """One transaction of the import: the part's cases locked (by pk), then the accounts (by pk); then
    the journals, the trail, the events. A line another booking took meanwhile (since `_plan` read the
    references) is refused by the unique index of the court's references, and the caller applies the
    part again with `recheck`: each line booked meanwhile is then a repeat. (Reading every reference
    again for the rare race cost a tenth of the import.)"""
    case_ids = sorted({case_id for _line, case_id, _n in part if case_id is not None})
    for ids in _chunks(case_ids):
        list(Case.objects.select_for_update().filter(pk__among=ids).order_by("pk").values_list("pk"))
    accounts = _court_and_case_accounts(court.pk, case_ids)
    meanwhile = _booked_before(court.pk, [line for line, _c, _n in part]) if recheck else {}
    outcome.repeated += [(line.row, meanwhile[line.bank_reference][0]) for line, _c, _n in part
                         if line.bank_reference in meanwhile]  # fmt: skip
    to_case = [(line, case_id, number) for line, case_id, number in part
               if case_id is not None and line.bank_reference not in meanwhile]  # fmt: skip
    unidentified = [
        line for line, case_id, _n in part if case_id is None and line.bank_reference not in meanwhile
    ]
    booked = _book_to_cases(court.pk, to_case, accounts, label)
    waiting = _book_unidentified(court.pk, record, unidentified, accounts, label)
    moved = sum((line.amount for line in [*(row[0] for row in to_case), *unidentified]), Decimal(0))
    StatementImport.objects.filter(pk=record.pk).update(
        booked=F("booked") + len(booked), unidentified=F("unidentified") + len(waiting),
        repeated=F("repeated") + len(meanwhile), amount=F("amount") + moved,
    )  # fmt: skip
    outcome.booked += [
        (line.row, number, journal) for (line, _c, number), journal in zip(to_case, booked, strict=True)
    ]
    outcome.unidentified += [(item.line or 0, item.pk) for item in waiting]
    if last:
        record.refresh_from_db()
    _trail(court.pk, record, to_case, booked, waiting, actor, last=last)
    _announce_received(court.pk, to_case, booked, actor)
    _announce_met(case_ids, set(booked), actor)


def _court_and_case_accounts(court_id: int, case_ids: list[int]) -> dict[tuple[str, int | None], int]:
    """The ids of the court's custody and unidentified accounts and of the matched cases' accounts,
    locked by pk."""
    from enforcelink.funds.actions import _court_accounts

    _court_accounts(court_id)
    ids = list(
        LedgerAccount.objects.filter(court_id=court_id, case__isnull=True).values_list("pk", flat=True)
    )
    for chunk in _chunks(case_ids):
        ids += LedgerAccount.objects.filter(case_id__among=chunk, kind=AccountKind.CASE).values_list(
            "pk", flat=True
        )
    found: dict[tuple[str, int | None], int] = {}
    for chunk in _chunks(sorted(ids)):
        rows = (
            LedgerAccount.objects.select_for_update()
            .filter(pk__among=chunk)
            .order_by("pk")
            .values_list("pk", "kind", "case_id")
        )
        found.update({(kind, case_id): pk for pk, kind, case_id in rows})
    return found


JOURNAL_COLUMNS = ("court_id", "case_id", "kind", "value_on", "amount", "memo", "reverses_id", "reference",
                   "created_by", "created_at", "leg_count")  # fmt: skip
ENTRY_COLUMNS = ("journal_id", "account_id", "amount", "case_id")


def _journals(court_id: int, rows: list[tuple[Line, int | None]], kind: str, label: str) -> list[int]:
    """Each line's two-legged journal, written as tuples (`core.rows.insert_values`): their ids."""
    now, kind = timezone.now(), str(kind)
    return insert_values(Journal, JOURNAL_COLUMNS, [
        (court_id, case_id, kind, line.value_on, line.amount, line.remark[:500], None, line.bank_reference, label,
         now, 2)
        for line, case_id in rows
    ])  # fmt: skip


def _book_to_cases(
    court_id: int,
    rows: list[tuple[Line, int, str]],
    accounts: dict[tuple[str, int | None], int],
    label: str,
) -> list[int]:
    """Custody → the case's account, one journal a line: the journals' ids, in the lines' order."""
    if not rows:
        return []
    custody = accounts[(AccountKind.CUSTODY, None)]
    journals = _journals(
        court_id, [(line, case_id) for line, case_id, _n in rows], JournalKind.RECEIPT_STATEMENT, label
    )
    legs = []
    for (line, case_id, _number), journal in zip(rows, journals, strict=True):
        legs.append((journal, custody, line.amount, case_id))
        legs.append((journal, accounts[(AccountKind.CASE, case_id)], -line.amount, case_id))
    insert_values(Entry, ENTRY_COLUMNS, legs)
    return journals


def _book_unidentified(
    court_id: int,
    record: StatementImport,
    lines: list[Line],
    accounts: dict[tuple[str, int | None], int],
    label: str,
) -> list[UnidentifiedReceipt]:
    if not lines:
        return []
    custody = accounts[(AccountKind.CUSTODY, None)]
    unidentified = accounts[(AccountKind.UNIDENTIFIED, None)]
    journals = _journals(court_id, [(line, None) for line in lines], JournalKind.RECEIPT_UNIDENTIFIED, label)
    insert_values(Entry, ENTRY_COLUMNS, [
        leg
        for line, journal in zip(lines, journals, strict=True)
        for leg in ((journal, custody, line.amount, None), (journal, unidentified, -line.amount, None))
    ])  # fmt: skip
    amount, unit = identify_period()
    return insert_rows([
        UnidentifiedReceipt(
            court_id=court_id, statement=record, line=line.row, journal_id=journal, arrived_on=line.value_on,
            identify_by=policy.identify_by(line.value_on, amount=amount, unit=unit).due, amount=line.amount,
            payer_name=line.payer_name, payer_account=line.payer_account, remark=line.remark,
            bank_reference=line.bank_reference,
        )
        for line, journal in zip(lines, journals, strict=True)
    ])  # fmt: skip


def _trail(
    court_id: int,
    record: StatementImport,
    to_case: list[tuple[Line, int, str]],
    booked: list[int],
    waiting: list[UnidentifiedReceipt],
    actor: Any,
    *,
    last: bool,
) -> None:
    """One trail entry per line booked to a case (its case's timeline reads it as any receipt), one
    per 不明款, and with the last part one for the file; appended together, under the court's head."""
    kind, journal_type = str(JournalKind.RECEIPT_STATEMENT), Journal._meta.label_lower
    entries = [  # `after` as the column gives it back (strings for amounts and dates): no JSON round trip
        audit.Entry("funds.receipt_recorded", None, actor, case_id=case_id, court_id=court_id,
                    object_type=journal_type, object_id=str(journal),
                    after={"kind": kind, "amount": str(line.amount), "value_on": line.value_on.isoformat(),
                           "reference": line.bank_reference})
        for (line, case_id, _number), journal in zip(to_case, booked, strict=True)
    ]  # fmt: skip
    entries += [
        audit.Entry("funds.unidentified_received", item, actor, court_id=court_id,
                    after={"amount": item.amount, "arrived_on": item.arrived_on, "identify_by": item.identify_by,
                           "reference": item.bank_reference, "payer": item.payer_name})
        for item in waiting
    ]  # fmt: skip
    if last:
        entries.append(audit.Entry("funds.statement_imported", record, actor, court_id=court_id,
            after={"file": record.filename, "sha256": record.sha256, "lines": record.lines, "booked": record.booked,
                   "unidentified": record.unidentified, "repeated": record.repeated, "amount": record.amount}))  # fmt: skip
    if entries:
        audit.append_many(entries)


def _announce_received(
    court_id: int, rows: list[tuple[Line, int, str]], booked: list[int], actor: Any
) -> None:
    """`payment.received` once per case the statement paid into, in the file's order, all together
    (`events.announce_many`: a listener with a batch form reads what it needs in one query): the sum of
    its lines as `amount`, its last journal as `journal_id` and all of them as `journal_ids` (a case
    paid twice in one statement is told once, as a listener would act once)."""
    by_case: dict[int, list[tuple[Decimal, int]]] = {}
    for (line, case_id, _number), journal in zip(rows, booked, strict=True):
        by_case.setdefault(case_id, []).append((line.amount, journal))
    events.announce_many("payment.received", [
        {"case_id": case_id, "court_id": court_id, "journal_id": paid[-1][1], "journal_ids": [pk for _a, pk in paid],
         "amount": sum((a for a, _pk in paid), Decimal(0)), "source": SOURCE, "actor": actor}
        for case_id, paid in by_case.items()
    ])  # fmt: skip


def _announce_met(case_ids: list[int], new: set[int], actor: Any) -> None:
    """R-FUND-04: `obligation.met` once for each open case this import took from owing to met. Only
    the cases whose 执行到位金额 reaches what the basis fixed are read further (doubled interest and
    the application fee only add to what is owed): the database picks them (`_reaching`), their
    receipts and fee decisions are read in one query each per page."""
    today = timezone.localdate()
    for chunk in _chunks(case_ids):
        candidates = list(Case.objects.filter(pk__among=_reaching(list(chunk))).order_by("pk"))
        if not candidates:
            continue
        receipts: dict[int, list[tuple[int, policy.Payment]]] = {case.pk: [] for case in candidates}
        rows = (
            Journal.objects.filter(
                case_id__among=list(receipts), kind__in=RECOVERY_KINDS, reversed_by__isnull=True
            )
            .order_by("case_id", "value_on", "pk")
            .values_list("case_id", "pk", "value_on", "amount", "reference", "kind")
        )
        for case_id, pk, on, amount, reference, kind in rows:  # as queries.payments reads them
            receipts[case_id].append(
                (pk, policy.Payment(on, amount, reference, held=kind != JournalKind.OPENING))
            )
        decided = queries.fee_decided_many(list(receipts))
        for case in candidates:
            paid, decision = receipts[case.pk], decided.get(case.pk)
            now = queries.standing(case, today, paid=[p for _pk, p in paid], decision=decision)
            if now is None or not now.met:
                continue
            earlier = [p for pk, p in paid if pk not in new]
            if sum((p.amount for p in earlier), Decimal(0)) >= case.amount_total:
                was = queries.standing(case, today, paid=earlier, decision=decision)
                if was is not None and was.met:
                    continue
            events.announce("obligation.met", case_id=case.pk, court_id=case.court_id, actor=actor)


def _reaching(case_ids: list[int]) -> list[int]:
    """Of `case_ids`, the open money cases whose 执行到位金额 (`queries.recovered`: receipts and
    history net of their reversals) reaches what the basis fixed: one query, summed in the database."""
    journals = Journal.objects.filter(case_id=OuterRef("pk")).order_by().values("case_id")
    received = journals.filter(kind__in=RECOVERY_KINDS).annotate(total=Sum("amount")).values("total")
    undone = (
        journals.filter(kind=JournalKind.REVERSAL, reverses__kind__in=RECOVERY_KINDS)
        .annotate(total=Sum("amount"))
        .values("total")
    )
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
    return list(
        Case.objects.filter(pk__among=case_ids, is_money_case=True)
        .exclude(status=CaseStatus.CLOSED)
        .annotate(recovered=Coalesce(Subquery(received), zero) - Coalesce(Subquery(undone), zero))
        .filter(recovered__gte=F("principal") + F("interest") + F("costs"))
        .values_list("pk", flat=True)
    )


# --- the 不明款 queue (R-FUND-01) -------------------------------------------------------------------


def _locked_item(item: UnidentifiedReceipt | int, actor: Any) -> UnidentifiedReceipt:
    pk = item if isinstance(item, int) else item.pk
    found = UnidentifiedReceipt.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound()
    require(actor, Action.BOOK_FUNDS, found)
    if found.status != UnidentifiedStatus.WAITING:
        raise RuleViolation(
            "UNIDENTIFIED_RESOLVED",
            _("This money was already %(status)s.") % {"status": found.get_status_display().lower()},
        )
    return found


def unidentified_assign(
    item: UnidentifiedReceipt | int, case: Case, *, actor: Any, note: str = ""
) -> Journal:
    """R-FUND-01: the fund clerk assigns unidentified money to its case — an `identify` journal from the
    court's unidentified account to the case's, value-dated the day the money arrived (R-MONEY-02: the
    debtor paid then). It counts in 执行到位金额, is announced as `payment.received` (source
    `statement`), and `obligation.met` follows when it meets what is owed (R-FUND-04)."""
    note = clean_text(str(note or "").strip(), field="note", max_length=500)
    require(actor, Action.BOOK_FUNDS, case)
    with transaction.atomic():
        case = _lock_case(case, actor, None)
        found = _locked_item(item, actor)
        if found.court_id != case.court_id:
            raise NotFound(field="case")
        journal = identify_locked(found, case, actor=actor, note=note, source=SOURCE)
    return journal


def unidentified_return(item: UnidentifiedReceipt | int, *, reason: str, actor: Any) -> Journal:
    """R-FUND-01: money nobody could tie to a case goes back to the payer — an `unidentified_return`
    journal from the unidentified account out of the custody account, with the reason."""
    reason = clean_text(str(reason or "").strip(), field="reason", max_length=500)
    if not reason:
        raise InvalidInput("REASON_REQUIRED", _("Give the reason for returning the money."), field="reason")
    with transaction.atomic():
        found = _locked_item(item, actor)
        court_id = found.court_id
        locked = {
            account.kind: account
            for account in LedgerAccount.objects.select_for_update()
            .filter(court_id=court_id, case__isnull=True)
            .order_by("pk")
        }
        journal = _post(
            None, JournalKind.UNIDENTIFIED_RETURN, timezone.localdate(),
            [(locked[AccountKind.UNIDENTIFIED], found.amount), (locked[AccountKind.CUSTODY], -found.amount)],
            actor=actor, memo=reason, court_id=court_id,
        )  # fmt: skip
        resolve_unidentified(found, UnidentifiedStatus.RETURNED, journal, actor, reason)
        audit.record("funds.unidentified_returned", found, actor=actor, court_id=court_id,
                     after={"amount": found.amount, "reference": found.bank_reference, "payer": found.payer_name,
                            "payer_account": found.payer_account, "reason": reason})  # fmt: skip
    return journal


def case_by_reference_or_number(actor: Any, text: str) -> Case:
    """The case a clerk names when assigning money: its 一案一账号 (spaces allowed) or its 案号."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    digits = re.sub(r"[\s\-]", "", text)
    cases = Case.objects.visible_to(actor)
    found = None
    if digits.isascii() and digits.isdigit():
        found = cases.filter(fund_account__reference=digits).first()
    if found is None and text:
        found = cases.filter(Q(number=text) | Q(number_key=case_number_key(text))).first()
    if found is None:
        raise NotFound(field="case")
    return found
