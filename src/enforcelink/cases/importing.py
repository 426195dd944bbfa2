"""Import of cases (issue 2 §8): courts move in with their history, one spreadsheet row per case.

Each row is read into a `CaseFiling` and filed through `cases.actions.case_file` (so numbering,
duplicate detection, clocks and the trail are the same as for a case filed by hand). Closed
historical rows are then closed as the old system says, with their recovered amount kept for the
case-fund ledger. The whole file runs in one transaction with a savepoint per row: by default any
invalid row rolls everything back; `partial` keeps the valid rows. The column layout is in
docs/import.md.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from enforcelink.cases import money
from enforcelink.cases.actions import CaseFiling, PartyInput, case_file, clean_filing
from enforcelink.cases.models import (
    BasisType,
    Case,
    CaseStatus,
    CaseType,
    ClosureMode,
    IdType,
    NodeStatus,
    PartyKind,
    PartyRole,
    ProcessNode,
)
from enforcelink.core import audit
from enforcelink.core.actors import SYSTEM, SystemActor
from enforcelink.core.errors import DomainError, ErrorList, InvalidInput
from enforcelink.core.identifiers import (
    looks_like_resident_id,
    parse_case_number,
    parse_uscc,
    validate_court_code,
)
from enforcelink.core.money import parse_amount
from enforcelink.core.tabular import ImportReport, Row, Table, TableError, cell_text
from enforcelink.core.text import printable, text_error
from enforcelink.orgs.models import Court, User


@dataclass(frozen=True)
class Column:
    name: str
    need: str  # "required" header and value | "conditional" (see help) | "optional"
    help: str  # English msgid, translated where shown
    example: str = ""


# The layout, documented in docs/import.md and written into the templates from this one list.
CASE_COLUMNS: tuple[Column, ...] = (
    Column("法院代码", "required", gettext_noop("Court code (R-ID-03), e.g. 渝0110."), "渝0110"),
    Column(
        "案号",
        "conditional",
        gettext_noop("Case number; required for closed cases, left empty for open cases to get a new one."),
        "（2023）渝0110执1024号",
    ),
    Column(
        "立案日期",
        "required",
        gettext_noop("Filing date: 2024-03-01, 2024/3/1 or 2024年3月1日."),
        "2023-05-08",
    ),
    Column("申请执行人", "required", gettext_noop("Applicant name; several separated by ；"), "张三"),
    Column(
        "申请执行人证件号码",
        "required",
        gettext_noop("Resident ID number or USCC, in the same order as the names; store as text."),
        "11010519491231002X",
    ),
    Column(
        "被执行人", "required", gettext_noop("Respondent name; several separated by ；"), "重庆某建材有限公司"
    ),
    Column(
        "被执行人证件号码",
        "required",
        gettext_noop("Resident ID number or USCC (organisations), in the order of the names."),
        "914403001922038216",
    ),
    Column(
        "执行依据文号",
        "required",
        gettext_noop("Document number of the enforcement basis."),
        "（2022）渝0110民初888号",
    ),
    Column(
        "申请执行标的金额",
        "required",
        gettext_noop("Amount to enforce in yuan, at most two decimals."),
        "120000.00",
    ),
    Column(
        "结案日期", "conditional", gettext_noop("Closing date; filled for closed cases only."), "2023-11-20"
    ),
    Column(
        "结案方式",
        "conditional",
        gettext_noop("Closure mode: 执行完毕, 终本 (终结本次执行程序), 终结执行, 销案, 不予执行, 驳回申请."),
        "执行完毕",
    ),
    Column(
        "执行到位金额", "conditional", gettext_noop("Amount recovered in yuan (empty means 0)."), "120000.00"
    ),
    Column(
        "执行依据类型",
        "optional",
        gettext_noop(
            "民事判决书 (default), 民事裁定书, 民事调解书, 仲裁裁决书, 公证债权文书, 刑事裁判涉财产部分, 行政非诉, 其他."
        ),
        "民事判决书",
    ),
    Column(
        "作出执行依据单位",
        "optional",
        gettext_noop("Issuing body; empty means the court itself."),
        "重庆市綦江区人民法院",
    ),
    Column("执行依据生效日期", "optional", gettext_noop("Date the basis took effect."), "2023-03-15"),
    Column("案件类型", "optional", gettext_noop("Type code (R-ID-04): 执 (default), 执恢, 执保 …"), "执"),
    Column("利息", "optional", gettext_noop("Interest in yuan."), ""),
    Column("费用", "optional", gettext_noop("Costs in yuan."), ""),
    Column("标签", "optional", gettext_noop("Tags separated by 、: 涉民生, 劳动报酬, 涉金融, 涉企."), "涉企"),
    Column(
        "申请执行人证件类型",
        "optional",
        gettext_noop(
            "Document type when not told by form: 居民身份证, 护照, 港澳通行证, 台湾通行证, 外国人永久居留身份证."
        ),
        "",
    ),
    Column("被执行人证件类型", "optional", gettext_noop("As 申请执行人证件类型."), ""),
)
REQUIRED_COLUMNS = tuple(c.name for c in CASE_COLUMNS if c.need == "required")
COLUMN_NAMES = frozenset(c.name for c in CASE_COLUMNS)
# Stripped from both ends of every cell before the text rule (an ID number exported with a leading
# tab, a name ending in a line break); inside a cell they are refused as in the API.
CELL_EDGES = " \t\r\n"

CLOSURE_WORDS = {
    "执行完毕": ClosureMode.FULLY_PERFORMED,
    "终本": ClosureMode.TERMINATED_THIS_ROUND,
    "终结本次执行程序": ClosureMode.TERMINATED_THIS_ROUND,
    "终结本次执行": ClosureMode.TERMINATED_THIS_ROUND,
    "终结执行": ClosureMode.TERMINATED,
    "销案": ClosureMode.WITHDRAWN_ADMIN,
    "不予执行": ClosureMode.REFUSED,
    "驳回申请": ClosureMode.REJECTED,
    "驳回": ClosureMode.REJECTED,
}
BASIS_WORDS = {
    "民事判决书": BasisType.JUDGMENT,
    "判决书": BasisType.JUDGMENT,
    "民事裁定书": BasisType.RULING,
    "裁定书": BasisType.RULING,
    "民事调解书": BasisType.MEDIATION,
    "调解书": BasisType.MEDIATION,
    "仲裁裁决书": BasisType.ARBITRAL_AWARD,
    "公证债权文书": BasisType.NOTARISED_DEBT,
    "刑事裁判涉财产部分": BasisType.CRIMINAL_PROPERTY,
    "刑事判决书": BasisType.CRIMINAL_PROPERTY,
    "行政非诉": BasisType.ADMINISTRATIVE,
    "行政决定": BasisType.ADMINISTRATIVE,
    "其他": BasisType.OTHER,
}
ID_TYPE_WORDS = {
    "居民身份证": IdType.RESIDENT_ID,
    "身份证": IdType.RESIDENT_ID,
    "护照": IdType.PASSPORT,
    "港澳通行证": IdType.HK_MACAO_PERMIT,
    "港澳居民来往内地通行证": IdType.HK_MACAO_PERMIT,
    "台湾通行证": IdType.TAIWAN_PERMIT,
    "台湾居民来往大陆通行证": IdType.TAIWAN_PERMIT,
    "外国人永久居留身份证": IdType.FOREIGN_PR,
    "统一社会信用代码": IdType.USCC,
}
TAG_FIELDS = {
    "涉民生": "is_livelihood",
    "劳动报酬": "is_labour_pay",
    "涉金融": "is_financial",
    "涉企": "is_enterprise",
}
PARTY_SEPARATOR = re.compile(r"[;；]")
TAG_SEPARATOR = re.compile(r"[、,，;；/\s]+")
DATE_FORMS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# Excel keeps 15 significant digits: an ID number typed into a number cell is already damaged.
EXCEL_DIGITS = 10**15
SIDES = (
    (PartyRole.APPLICANT, "申请执行人", "申请执行人证件号码", "申请执行人证件类型"),
    (PartyRole.RESPONDENT, "被执行人", "被执行人证件号码", "被执行人证件类型"),
)
FIELD_COLUMNS = {
    "principal": "申请执行标的金额",
    "interest": "利息",
    "costs": "费用",
    "filed_on": "立案日期",
    "basis_effective_on": "执行依据生效日期",
    "basis_number": "执行依据文号",
    "basis_body": "作出执行依据单位",
    "basis_type": "执行依据类型",
    "type_code": "案件类型",
    "number": "案号",
}


def parse_date(value: Any, *, field_name: str) -> dt.date | None:
    """2024-03-01, 2024/3/1, 2024.3.1, 20240301, 2024年3月1日, or an Excel date cell; blank → None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    for form in DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise InvalidInput(
        "DATE_INVALID", _("%(value)s is not a date like 2024-03-01.") % {"value": text}, field=field_name
    )


@dataclass
class Closure:
    closed_on: dt.date
    mode: str


@dataclass
class Plan:
    """One row read into typed values, with the errors found on the way."""

    row: Row
    filing: CaseFiling | None = None
    closure: Closure | None = None
    recovered: Decimal = Decimal("0")
    errors: list[TableError] = field(default_factory=list)


class RowReader:
    """Reads rows into plans; remembers courts and the keys seen so far to catch in-file duplicates."""

    def __init__(self, table_letters: dict[str, str], courts: dict[str, Court]):
        self.letters = table_letters
        self.courts = courts
        self.numbers: dict[str, int] = {}
        self.filings: dict[tuple[Any, ...], int] = {}
        self.today = timezone.localdate()

    def error(self, plan: Plan, column: str, error: DomainError) -> None:
        plan.errors.append(
            TableError(
                error.code,
                str(error.message),
                row=plan.row.number,
                column=column,
                letter=self.letters.get(column, ""),
            )
        )

    def text(self, plan: Plan, column: str) -> str:
        return cell_text(plan.row.values.get(column))

    def guarded(self, plan: Plan, column: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as error:
            self.error(plan, column, error)
            return None

    def read(self, row: Row) -> Plan:
        plan = Plan(row)
        plan.row = self._cleaned(plan)
        court = self.guarded(plan, "法院代码", self._court, self.text(plan, "法院代码"))
        number = self.guarded(plan, "案号", self._number, plan, court)
        filed_on = self._date(plan, "立案日期", required=True)
        basis_effective_on = self._date(plan, "执行依据生效日期")
        parties = [party for side in SIDES for party in self._parties(plan, *side)]
        plan.closure = self._closure(plan, filed_on, number)
        recovered = self.guarded(plan, "执行到位金额", parse_amount, self.text(plan, "执行到位金额") or "0")
        plan.recovered = recovered if recovered is not None else Decimal("0")
        plan.filing = CaseFiling(
            court=court or Court(code="", name=""),
            filed_on=filed_on or self.today,
            basis_type=self._basis_type(plan),
            basis_body=self.text(plan, "作出执行依据单位") or (court.name if court else "—"),
            basis_number=self.text(plan, "执行依据文号"),
            basis_effective_on=basis_effective_on,
            parties=parties,
            principal=self.text(plan, "申请执行标的金额"),
            interest=self.text(plan, "利息") or "0",
            costs=self.text(plan, "费用") or "0",
            type_code=self._type_code(plan, number),
            number=str(number) if number else "",
            imported=True,
        )
        for name, flag in self._tags(plan).items():
            setattr(plan.filing, name, flag)
        plan.filing.is_non_litigation = plan.filing.basis_type == BasisType.ADMINISTRATIVE
        if court is not None and number is not None:
            self._check_number_free(plan, str(number))
        return plan

    def _cleaned(self, plan: Plan) -> Row:
        """The row's cells under the shared text rule (issue 12), as the API and the forms apply it:
        NFC, and a control or text-direction character refused with TEXT_CONTROL_CHARACTER for its
        column. Such a cell is read on without the characters, so it is reported once, not again by
        the parsers. Lengths are the filing's to check (MAX_LENGTH, as the API: `clean_filing`).

        Spaces, tabs and line breaks around a cell are dropped first (`CELL_EDGES`): Chinese systems
        export an ID number as text with a leading tab, and a name often ends in a line break. Inside
        a cell they are still refused. (The filing applies the rule again: with the `isprintable`
        fast path, a second pass over a Chinese row costs about a microsecond.)"""
        values = dict(plan.row.values)
        for column in COLUMN_NAMES & values.keys():
            value = values[column]
            if not isinstance(value, str):
                continue
            value = value.strip(CELL_EDGES)
            error = text_error(value)
            if error is not None:
                self.error(plan, column, error)
                value = printable(value)[0]
            values[column] = unicodedata.normalize("NFC", value)
        return Row(plan.row.number, values)

    def _court(self, code: str) -> Court:
        code = validate_court_code(code, field_name="法院代码")
        court = self.courts.get(code)
        if court is None:
            raise InvalidInput(
                "COURT_UNKNOWN",
                _("No court has code %(code)s; add it first with `enforcelink court add`.") % {"code": code},
            )
        return court

    def _number(self, plan: Plan, court: Court | None) -> Any:
        text = self.text(plan, "案号")
        if not text:
            return None
        parsed = parse_case_number(text, field_name="案号")
        if court is not None and parsed.court_code != court.code:
            raise InvalidInput(
                "CASE_NUMBER_COURT",
                _("Case number %(number)s belongs to another court than %(code)s.")
                % {"number": text, "code": court.code},
            )
        return parsed

    def _check_number_free(self, plan: Plan, number: str) -> None:
        first = self.numbers.setdefault(number, plan.row.number)
        if first != plan.row.number:
            message = _("Case number %(number)s is also in row %(row)d.") % {"number": number, "row": first}
            self.error(plan, "案号", InvalidInput("DUPLICATE_ROW", message))
        elif Case.objects.filter(number=number).exists():
            message = _("Case number %(number)s already exists.") % {"number": number}
            self.error(plan, "案号", InvalidInput("CASE_NUMBER_TAKEN", message))

    def _date(self, plan: Plan, column: str, *, required: bool = False) -> dt.date | None:
        value = self.guarded(plan, column, parse_date, plan.row.values.get(column), field_name=column)
        if value is None and required and not self.text(plan, column):
            self.error(plan, column, InvalidInput("REQUIRED", _("Enter a date.")))
        if value is not None and value > self.today:
            self.error(plan, column, InvalidInput("DATE_FUTURE", _("The date cannot be in the future.")))
            return None
        return value

    def _closure(self, plan: Plan, filed_on: dt.date | None, number: Any) -> Closure | None:
        closed_on = self._date(plan, "结案日期")
        mode_text = self.text(plan, "结案方式")
        if not closed_on and not mode_text and not self.text(plan, "结案日期"):
            return None
        mode = CLOSURE_WORDS.get(mode_text) or (mode_text if mode_text in ClosureMode.values else None)
        if mode is None:
            message = _("Closure mode must be one of: %(modes)s.") % {"modes": "、".join(CLOSURE_WORDS)}
            self.error(plan, "结案方式", InvalidInput("CLOSURE_MODE_INVALID", message))
        if closed_on is None and self.text(plan, "结案日期") == "":
            self.error(plan, "结案日期", InvalidInput("REQUIRED", _("A closed case needs its closing date.")))
        if closed_on and filed_on and closed_on < filed_on:
            message = _("The closing date is before the filing date.")
            self.error(plan, "结案日期", InvalidInput("CLOSED_BEFORE_FILED", message))
        if number is None and not self.text(plan, "案号"):
            message = _("A closed case must keep its case number.")
            self.error(plan, "案号", InvalidInput("CASE_NUMBER_REQUIRED", message))
        if closed_on is None or mode is None:
            return None
        return Closure(closed_on, mode)

    def _parties(self, plan: Plan, role: str, name_col: str, id_col: str, type_col: str) -> list[PartyInput]:
        names = [n.strip() for n in PARTY_SEPARATOR.split(self.text(plan, name_col)) if n.strip()]
        raw = plan.row.values.get(id_col)
        if isinstance(raw, int | float) and not isinstance(raw, bool) and abs(raw) >= EXCEL_DIGITS:
            message = _(
                "The ID number is stored as a number and Excel has cut its digits; format the column as text."
            )
            self.error(plan, id_col, InvalidInput("ID_STORED_AS_NUMBER", message))
            return []
        numbers = [n.strip() for n in PARTY_SEPARATOR.split(cell_text(raw)) if n.strip()]
        types = [t.strip() for t in PARTY_SEPARATOR.split(self.text(plan, type_col)) if t.strip()]
        if len(numbers) != len(names) or (types and len(types) != len(names)):
            message = _("Give one document number (and type) for each name, separated by ；.")
            self.error(plan, id_col, InvalidInput("PARTY_COUNT_MISMATCH", message))
            return []
        parties = []
        for index, (name, number) in enumerate(zip(names, numbers, strict=True)):
            id_type = self._id_type(plan, type_col, types[index]) if types else _id_type_by_form(number)
            if id_type is None:
                return []
            kind = PartyKind.ORGANISATION if id_type == IdType.USCC else PartyKind.PERSON
            parties.append(PartyInput(role=role, kind=kind, name=name, id_number=number, id_type=id_type))
        return parties

    def _id_type(self, plan: Plan, column: str, text: str) -> str | None:
        id_type = ID_TYPE_WORDS.get(text) or (text if text in IdType.values else None)
        if id_type is None:
            message = _("Unknown document type %(value)s.") % {"value": text}
            self.error(plan, column, InvalidInput("PARTY_DOC_TYPE", message))
        return id_type

    def _basis_type(self, plan: Plan) -> str:
        text = self.text(plan, "执行依据类型")
        if not text:
            return BasisType.JUDGMENT
        value = BASIS_WORDS.get(text) or (text if text in BasisType.values else None)
        if value is None:
            message = _("Unknown basis type %(value)s.") % {"value": text}
            self.error(plan, "执行依据类型", InvalidInput("BASIS_TYPE_INVALID", message))
            return BasisType.JUDGMENT
        return value

    def _type_code(self, plan: Plan, number: Any) -> str:
        text = self.text(plan, "案件类型")
        if text and text not in CaseType.values:
            self.error(
                plan, "案件类型", InvalidInput("TYPE_CODE_INVALID", _("Unknown enforcement type code."))
            )
            return CaseType.FIRST
        if number is not None and text and text != number.type_code:
            message = _("The case number says %(type)s.") % {"type": number.type_code}
            self.error(plan, "案件类型", InvalidInput("TYPE_CODE_MISMATCH", message))
        return number.type_code if number is not None else (text or CaseType.FIRST)

    def _tags(self, plan: Plan) -> dict[str, bool]:
        flags = dict.fromkeys(TAG_FIELDS.values(), False)
        for tag in TAG_SEPARATOR.split(self.text(plan, "标签")):
            if tag in TAG_FIELDS:
                flags[TAG_FIELDS[tag]] = True
            elif tag and tag != "小标的":  # 小标的 is computed from the amount and the court's threshold
                message = _("Unknown tag %(tag)s.") % {"tag": tag}
                self.error(plan, "标签", InvalidInput("TAG_INVALID", message))
        return flags

    def check_duplicate_in_file(self, plan: Plan) -> None:
        filing = plan.filing
        if filing is None:
            return
        key = (
            filing.court.code,
            filing.type_code,
            filing.basis_number,
            frozenset((p.role, p.id_number.strip().upper()) for p in filing.parties),
        )
        first = self.filings.setdefault(key, plan.row.number)
        if first != plan.row.number:
            message = _("Same basis document and parties as row %(row)d.") % {"row": first}
            self.error(plan, "执行依据文号", InvalidInput("DUPLICATE_ROW", message))


def _id_type_by_form(number: str) -> str:
    """Resident ID or USCC, told apart by form (R-ID-01, R-ID-02)."""
    if looks_like_resident_id(number):
        return IdType.RESIDENT_ID
    try:
        parse_uscc(number)
        return IdType.USCC
    except DomainError:
        pass
    # Neither valid: a number whose digits 7–10 read as a birth year is a damaged ID (say what is
    # wrong with it), anything else a damaged USCC.
    digits = re.sub(r"[\s\-]", "", number).upper()
    year = int(digits[6:10]) if len(digits) == 18 and digits[6:10].isdigit() else 0
    return IdType.RESIDENT_ID if 1880 <= year <= dt.date.today().year else IdType.USCC


def _column_for(error_field: str | None) -> str:
    """Map a filing field ("respondents.0.id_number", "principal") to the column it came from."""
    if not error_field:
        return ""
    if error_field in FIELD_COLUMNS:
        return FIELD_COLUMNS[error_field]
    for role, name_col, id_col, _type_col in SIDES:
        if error_field.startswith(f"{role}s"):
            return id_col if error_field.endswith("id_number") else name_col
    return error_field


def _add_errors(reader: RowReader, plan: Plan, error: DomainError) -> None:
    errors = error.errors if isinstance(error, ErrorList) else [error]
    already = {e.column for e in plan.errors}
    for _role, name_col, id_col, _type_col in SIDES:
        if already & {name_col, id_col}:  # unreadable parties: "add an applicant" would only confuse
            already |= {name_col, id_col}
    for item in errors:
        column = _column_for(item.field)
        if column not in already:  # a cell that could not be read is reported once, not again
            reader.error(plan, column, item)


def _write(reader: RowReader, plan: Plan, actor: User | SystemActor) -> list[tuple[int, str, str]]:
    """File the row's case; its parties' warnings (R-ID-01: a 15-digit number converted, an unknown
    region code), to be shown to whoever imports."""
    assert plan.filing is not None
    try:
        with transaction.atomic():
            case = case_file(plan.filing, actor=actor, assign_officer=plan.closure is None)
            _after_filing(case, plan, actor)
    except DomainError as error:
        _add_errors(reader, plan, error)
    except DatabaseError as error:  # a value the checks let through but the database refused
        message = _("The database refused this row: %(error)s") % {"error": error}
        reader.error(plan, "", InvalidInput("ROW_REJECTED", message))
    else:
        parties = case.parties.order_by("pk").values_list("name", "warnings")
        return [(plan.row.number, name, warning) for name, warnings in parties for warning in warnings]
    return []


def _after_filing(case: Case, plan: Plan, actor: User | SystemActor) -> None:
    """Historical closures keep what the old system says (R-CASE-05's data is not required of them);
    what it says was recovered opens the case's fund ledger (an `opening` journal, R-FUND-03), which
    every page reads 执行到位金额 from. `Case.recovered_amount` keeps the old system's figure as imported."""
    closure = plan.closure
    if closure is None and not plan.recovered:
        return
    if plan.recovered:
        money.record_opening(
            case, plan.recovered, value_on=closure.closed_on if closure else case.filed_on, actor=actor
        )
    case.recovered_amount = plan.recovered
    fields = ["recovered_amount"]
    after: dict[str, Any] = {"recovered_amount": plan.recovered}
    if closure is not None:
        case.status, case.closed_on, case.closure_mode = CaseStatus.CLOSED, closure.closed_on, closure.mode
        case.closure_details = {"source": "import", "row": plan.row.number}
        fields += ["status", "closed_on", "closure_mode", "closure_details"]
        after.update(status=case.status, closed_on=closure.closed_on, closure_mode=closure.mode)
        ProcessNode.objects.filter(case=case).exclude(status=NodeStatus.DONE).update(status=NodeStatus.MOOT)
    case.save(update_fields=fields)
    action = "case.imported_closed" if closure is not None else "case.imported_recovered"
    audit.record(action, case, actor=actor, case_id=case.pk, court_id=case.court_id, after=after)


def _validate_only(reader: RowReader, plan: Plan) -> None:
    """A row that is already invalid is not written; still collect the rest of its errors."""
    if plan.filing is None:
        return
    try:
        clean_filing(plan.filing)
    except DomainError as error:
        _add_errors(reader, plan, error)


def import_cases(
    table: Table,
    *,
    rows: Iterable[Row] | None = None,
    partial: bool = False,
    dry_run: bool = False,
    actor: User | SystemActor = SYSTEM,
) -> ImportReport:
    """Import cases row by row (issue 2 §8); see the module docstring for all-or-nothing vs partial.

    `rows` defaults to the table's rows; the command passes them wrapped in a progress bar.
    """
    reader = RowReader(table.letters, {court.code: court for court in Court.objects.all()})
    report = ImportReport()
    with transaction.atomic():
        for row in table if rows is None else rows:
            plan = reader.read(row)
            reader.check_duplicate_in_file(plan)
            if plan.errors:
                _validate_only(reader, plan)
            else:
                report.warnings += _write(reader, plan, actor)
            report.errors += plan.errors
            report.imported += not plan.errors
        if dry_run or (report.errors and not partial):
            transaction.set_rollback(True)
            report.written = False
    return report
