"""Writes on organisations: regions, courts, linkage units and their liaisons; each is on the trail."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from enforcelink.core import audit
from enforcelink.core.actors import AuditActor
from enforcelink.core.errors import DomainError, InvalidInput, RuleViolation
from enforcelink.core.identifiers import validate_court_code
from enforcelink.core.tabular import ImportReport, Row, TableError, cell_text
from enforcelink.core.text import clean_text, column_max_length
from enforcelink.orgs.models import Court, CourtLevel, LinkageUnit, Region, Role, UnitType, User

REGION_CODE = re.compile(r"^\d{6}$")
PHONE = re.compile(r"^\+?[\d\- ()]{7,20}$")
# Division codes that are only a statistical level (市辖区, 县), not a region anyone supervises.
_PSEUDO_LEVELS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


# --- regions ----------------------------------------------------------------------------------


def division_name(code: str) -> str:
    """The current name of a division code from python-stdnum's table ('' when unknown)."""
    from stdnum import numdb

    try:
        info = numdb.get("cn/loc").info(code)
    except Exception:  # the table is a convenience for names, never a gate
        return ""
    if len(info) < 2:
        return ""
    if code.endswith("0000"):
        return info[0][1].get("province", "")
    names = info[1][1].get("county", "")
    # "[1997-2010]万盛区,[2011-]綦江区": the last entry is the name in use now.
    return re.sub(r"^\[[^\]]*\]", "", names.split(",")[-1]) if names else ""


def _parent_codes(code: str) -> list[str]:
    parents = []
    if not code.endswith("0000"):
        parents.append(code[:2] + "0000")
        prefecture = code[:4] + "00"
        if prefecture != code and division_name(prefecture) not in _PSEUDO_LEVELS | {""}:
            parents.append(prefecture)
    return parents


def region_ensure(code: str, *, name: str = "", actor: AuditActor) -> Region:
    """The region with this six-digit division code, created with its missing parents if needed.

    `path` is the parent's path plus the code ("500000/500110/"), so a supervisory body's scope over
    its region is a prefix match. Must run inside a transaction (it may append audit events).
    """
    code = (code or "").strip()
    if not REGION_CODE.match(code):
        raise InvalidInput(
            "REGION_CODE_INVALID", _("A region is given by its six-digit division code."), field="region"
        )
    existing = Region.objects.filter(code=code).first()
    if existing is not None:
        return existing
    parent: Region | None = None
    for parent_code in _parent_codes(code):
        parent = Region.objects.filter(code=parent_code).first() or _region_create(
            parent_code, division_name(parent_code), parent, actor
        )
    return _region_create(code, name.strip() or division_name(code), parent, actor)


def _region_create(code: str, name: str, parent: Region | None, actor: AuditActor) -> Region:
    path = (parent.path if parent else "") + code + "/"
    region = Region.objects.create(code=code, name=(name or code)[:100], parent=parent, path=path)
    audit.record(
        "region.created", region, actor=actor, after={"code": code, "name": region.name, "path": path}
    )
    return region


# --- courts -----------------------------------------------------------------------------------


def court_level_for(code: str) -> str:
    """R-ID-03: 渝 is a high court, 粤07 an intermediate court, 渝0110 a basic court."""
    digits = len(code) - 1
    return {0: CourtLevel.HIGH, 2: CourtLevel.INTERMEDIATE}.get(digits, CourtLevel.BASIC)


def court_add(
    *, code: str, name: str, level: str | None = None, region_code: str | None = None, actor: AuditActor
) -> Court:
    """Create a court; the code is checked against R-ID-03 and the level follows from its form."""
    code = validate_court_code(code, field_name="code")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("REQUIRED", _("Enter the court's name."), field="name")
    # The text rule (issue 12): the name heads every document of the court; refused, not cut.
    name = clean_text(name, field="name", max_length=column_max_length(Court, "name"))
    inferred = court_level_for(code)
    if level and level != inferred:
        raise InvalidInput(
            "COURT_LEVEL_MISMATCH",
            _("Court code %(code)s is the form of a %(level)s.")
            % {"code": code, "level": CourtLevel(inferred).label},
            field="level",
        )
    with transaction.atomic():
        if Court.objects.filter(code=code).exists():
            raise RuleViolation(
                "COURT_CODE_TAKEN",
                _("A court with code %(code)s already exists.") % {"code": code},
                field="code",
            )
        region = region_ensure(region_code, actor=actor) if region_code else None
        court = Court.objects.create(code=code, name=name, level=inferred, region=region)
        audit.record(
            "court.added",
            court,
            actor=actor,
            court_id=court.pk,
            after={"code": code, "name": court.name, "level": inferred, "region": region_code or None},
        )
    return court


# --- linkage units and liaisons ---------------------------------------------------------------

# (header, need, help, example): the layout of `enforcelink import units`, documented in docs/import.md.
UNIT_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("单位名称", "required", gettext_noop("Unit name; repeat it on a row per liaison."), "綦江区公安局"),
    (
        "单位类型",
        "required",
        gettext_noop("Unit type, e.g. 公安, 银行, 不动产登记, 车管所, 市场监管, 税务."),
        "公安",
    ),
    ("分管领导", "optional", gettext_noop("Supervising leader."), "李四"),
    ("分管领导电话", "optional", gettext_noop("Leader's phone."), "023-48661234"),
    ("联络人姓名", "optional", gettext_noop("Liaison's name."), "王五"),
    ("联络人电话", "optional", gettext_noop("Liaison's phone."), "13800000000"),
    (
        "联络人账号",
        "conditional",
        gettext_noop("Liaison's login name; required with a liaison."),
        "qj_police_ww",
    ),
)
UNIT_COLUMNS_REQUIRED = tuple(c[0] for c in UNIT_COLUMNS if c[1] == "required")
UNIT_COLUMNS_OPTIONAL = tuple(c[0] for c in UNIT_COLUMNS if c[1] != "required")

# The names people write in 单位类型; the codes of UnitType are accepted as well.
UNIT_TYPE_WORDS: dict[str, str] = {
    "公安": UnitType.POLICE,
    "公安局": UnitType.POLICE,
    "银行": UnitType.BANK,
    "保险": UnitType.BANK,
    "金融机构": UnitType.BANK,
    "不动产登记": UnitType.REAL_ESTATE,
    "自然资源": UnitType.REAL_ESTATE,
    "不动产": UnitType.REAL_ESTATE,
    "车管所": UnitType.VEHICLE,
    "车辆管理": UnitType.VEHICLE,
    "市场监管": UnitType.MARKET,
    "市场监督管理局": UnitType.MARKET,
    "税务": UnitType.TAX,
    "税务局": UnitType.TAX,
    "住房公积金": UnitType.HOUSING_FUND,
    "公积金": UnitType.HOUSING_FUND,
    "人社": UnitType.SOCIAL_SECURITY,
    "人力资源和社会保障": UnitType.SOCIAL_SECURITY,
    "社保": UnitType.SOCIAL_SECURITY,
    "民政": UnitType.CIVIL_AFFAIRS,
    "通信": UnitType.TELECOM,
    "电信": UnitType.TELECOM,
    "通信运营商": UnitType.TELECOM,
    "发改": UnitType.CREDIT,
    "信用办": UnitType.CREDIT,
    "纪委": UnitType.DISCIPLINE,
    "纪委监委": UnitType.DISCIPLINE,
    "组织部": UnitType.ORGANISATION,
    "人大": UnitType.CONGRESS,
    "政协": UnitType.CONGRESS,
    "公证": UnitType.NOTARY,
    "公证处": UnitType.NOTARY,
    "网格": UnitType.GRID,
    "网格办": UnitType.GRID,
    "国企": UnitType.SOE,
    "国有企业": UnitType.SOE,
    "融媒体": UnitType.MEDIA,
    "融媒体中心": UnitType.MEDIA,
    "司法局": UnitType.JUSTICE,
    "司法": UnitType.JUSTICE,
    "证券登记结算": UnitType.SECURITIES,
    "中国结算": UnitType.SECURITIES,
    "海事": UnitType.MARITIME,
    "海事局": UnitType.MARITIME,
    "其他": UnitType.OTHER,
}


def unit_type_from(text: str) -> str | None:
    text = text.strip()
    if text in UnitType.values:
        return text
    if text in UNIT_TYPE_WORDS:
        return UNIT_TYPE_WORDS[text]
    by_label = {str(label).lower(): value for value, label in UnitType.choices}
    return by_label.get(text.lower())


@dataclass
class UnitRow:
    number: int
    name: str
    unit_type: str
    leader_name: str
    leader_phone: str
    liaison_name: str
    liaison_phone: str
    username: str


@dataclass
class _UnitPlan:
    rows: list[UnitRow] = field(default_factory=list)
    errors: list[TableError] = field(default_factory=list)


def _row_error(row: Row, column: str, error: DomainError, letters: dict[str, str]) -> TableError:
    return TableError(
        error.code, str(error.message), row=row.number, column=column, letter=letters.get(column, "")
    )


def _check_phone(value: str, column: str, row: Row, letters: dict[str, str]) -> TableError | None:
    if value and not PHONE.match(value):
        return _row_error(row, column, InvalidInput("PHONE_INVALID", _("Enter a phone number.")), letters)
    return None


def _unit_text_limits() -> dict[str, int | None]:
    """The sheet's text columns and the lengths of the columns they are stored in."""
    return {
        "单位名称": column_max_length(LinkageUnit, "name"),
        "分管领导": column_max_length(LinkageUnit, "leader_name"),
        "联络人姓名": column_max_length(User, "full_name"),
        "联络人账号": column_max_length(User, "username"),
    }


def _parse_unit_row(
    row: Row, letters: dict[str, str], types: dict[str, tuple[str, int]]
) -> tuple[UnitRow | None, list[TableError]]:
    text = {name: cell_text(row.values.get(name)) for name in UNIT_COLUMNS_REQUIRED + UNIT_COLUMNS_OPTIONAL}
    errors: list[TableError] = []
    for column, limit in _unit_text_limits().items():  # the text rule and the column's length (issue 12)
        try:
            text[column] = clean_text(text[column], max_length=limit)
        except DomainError as error:
            errors.append(_row_error(row, column, error, letters))
    if not text["单位名称"]:
        errors.append(
            _row_error(row, "单位名称", InvalidInput("REQUIRED", _("Enter the unit's name.")), letters)
        )
    known = types.get(text["单位名称"])
    # A unit named again (or already in the region) may leave its type blank on later rows.
    unit_type = known[0] if known and not text["单位类型"] else unit_type_from(text["单位类型"])
    if unit_type is None:
        message = _("Unknown unit type %(value)s.") % {"value": text["单位类型"] or "—"}
        errors.append(_row_error(row, "单位类型", InvalidInput("UNIT_TYPE_INVALID", message), letters))
    for column in ("分管领导电话", "联络人电话"):
        problem = _check_phone(text[column], column, row, letters)
        if problem:
            errors.append(problem)
    username = text["联络人账号"]
    if (text["联络人姓名"] or text["联络人电话"]) and not username:
        message = _("A liaison needs an account name.")
        errors.append(_row_error(row, "联络人账号", InvalidInput("REQUIRED", message), letters))
    if username and not text["联络人姓名"]:
        message = _("Enter the liaison's name.")
        errors.append(_row_error(row, "联络人姓名", InvalidInput("REQUIRED", message), letters))
    if username:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            message = _("An account name has letters, digits and @.+-_ only.")
            errors.append(_row_error(row, "联络人账号", InvalidInput("USERNAME_INVALID", message), letters))
    if errors:
        return None, errors
    return UnitRow(
        row.number,
        text["单位名称"],
        unit_type or "",
        text["分管领导"],
        text["分管领导电话"],
        text["联络人姓名"],
        text["联络人电话"],
        username,
    ), []


def _plan_units(rows: Iterable[Row], letters: dict[str, str], region: Region) -> _UnitPlan:
    plan = _UnitPlan()
    # Row 0: the unit is already in the region.
    types = {unit.name: (unit.unit_type, 0) for unit in LinkageUnit.objects.filter(region=region)}
    accounts: dict[str, int] = {}
    for row in rows:
        parsed, errors = _parse_unit_row(row, letters, types)
        if parsed is not None:
            errors += _cross_check(parsed, row, types, accounts, letters)
        plan.errors += errors
        if parsed is not None and not errors:
            plan.rows.append(parsed)
    return plan


def _cross_check(
    unit: UnitRow,
    row: Row,
    types: dict[str, tuple[str, int]],
    accounts: dict[str, int],
    letters: dict[str, str],
) -> list[TableError]:
    errors = []
    first_type, first_row = types.setdefault(unit.name, (unit.unit_type, row.number))
    if first_type != unit.unit_type:
        message = (
            _("Row %(row)d gives this unit another type.") % {"row": first_row}
            if first_row
            else _("The unit already exists in this region with another type.")
        )
        errors.append(_row_error(row, "单位类型", InvalidInput("UNIT_TYPE_CONFLICT", message), letters))
    if unit.username:
        taken = unit.username in accounts or User.objects.filter(username=unit.username).exists()
        if taken:
            where = accounts.get(unit.username)
            message = (
                _("Account %(name)s is already used in row %(row)d.") % {"name": unit.username, "row": where}
                if where
                else _("Account %(name)s already exists.") % {"name": unit.username}
            )
            errors.append(_row_error(row, "联络人账号", InvalidInput("USERNAME_TAKEN", message), letters))
        else:
            accounts[unit.username] = row.number
    return errors


def units_import(
    rows: Iterable[Row],
    *,
    region: Region,
    actor: AuditActor,
    partial: bool = False,
    letters: dict[str, str] | None = None,
) -> ImportReport:
    """Load a region's linkage units and their liaisons in bulk (issue 2 §3).

    One row per liaison; a unit named again in a later row gets another liaison. Liaisons become
    users with the liaison role and no usable password until they set one. All or nothing unless
    `partial`, in which case the valid rows are loaded and the invalid ones reported.
    """
    plan = _plan_units(rows, letters or {}, region)
    report = ImportReport(imported=len(plan.rows), errors=plan.errors)
    if plan.errors and not partial:
        report.written = False
        return report
    with transaction.atomic():
        units = {unit.name: unit for unit in LinkageUnit.objects.filter(region=region)}
        entries: list[audit.Entry] = []
        for unit_row in plan.rows:
            unit = units.get(unit_row.name)
            if unit is None:
                unit = units[unit_row.name] = _unit_create(unit_row, region, actor, entries)
            if unit_row.username:
                _liaison_create(unit_row, unit, actor, entries)
        audit.append_many(entries)
    return report


def _unit_create(
    unit_row: UnitRow, region: Region, actor: AuditActor, entries: list[audit.Entry]
) -> LinkageUnit:
    unit = LinkageUnit.objects.create(
        region=region,
        name=unit_row.name,
        unit_type=unit_row.unit_type,
        leader_name=unit_row.leader_name,
        leader_phone=unit_row.leader_phone,
    )
    after = {"name": unit.name, "type": unit.unit_type, "region": region.code, "leader": unit.leader_name}
    entries.append(audit.Entry("unit.created", unit, actor, after=after))
    return unit


def _liaison_create(
    unit_row: UnitRow, unit: LinkageUnit, actor: AuditActor, entries: list[audit.Entry]
) -> User:
    user = User(
        username=unit_row.username,
        full_name=unit_row.liaison_name,
        phone=unit_row.liaison_phone,
        role=Role.LIAISON,
        unit=unit,
    )
    user.set_unusable_password()  # the liaison sets one through the password-reset flow
    user.save()
    after = {"username": user.username, "full_name": user.full_name, "role": user.role, "unit": unit.name}
    entries.append(audit.Entry("user.created", user, actor, after=after))
    return user
