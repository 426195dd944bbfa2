"""Identity documents and case numbers (DOMAIN.md R-ID-01 … R-ID-05)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from enforcelink.core.errors import InvalidInput

RESIDENT_ID_18 = re.compile(r"^\d{17}[\dX]$")
RESIDENT_ID_15 = re.compile(r"^\d{15}$")
EARLIEST_BIRTH = dt.date(1880, 1, 1)


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    region_code: str
    warnings: tuple[str, ...] = field(default=())


def _compact(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "").upper()


def _birth_date(digits: str, field_name: str) -> dt.date:
    try:
        born = dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidInput(
            "ID_BAD_BIRTH_DATE",
            _("The birth date %(digits)s in the ID number is not a real date.") % {"digits": digits},
            field=field_name,
        ) from None
    if born > dt.date.today() or born < EARLIEST_BIRTH:
        raise InvalidInput(
            "ID_BAD_BIRTH_DATE",
            _("The birth date %(date)s in the ID number is impossible.") % {"date": born.isoformat()},
            field=field_name,
        )
    return born


def _region_warning(number: str) -> tuple[str, ...]:
    """R-ID-01: an unknown region code is a warning, never a rejection (codes change over time)."""
    try:
        known = bool(ric.get_birth_place(number))
    except Exception:  # stdnum raises on codes missing from its table; that is only a warning here
        known = False
    if known:
        return ()
    return (
        _("Region code %(code)s is not in the division-code table; check the number.") % {"code": number[:6]},
    )


def parse_resident_id(value: str, *, field_name: str = "id_number", allow_15: bool = False) -> ResidentId:
    """R-ID-01: validate a resident ID number and read its birth date and sex.

    The check character uses python-stdnum (ISO 7064 MOD 11-2); stdnum's own birthplace check is
    bypassed because it rejects real numbers from renamed or merged divisions. 15-digit
    first-generation numbers are converted to 18 digits when `allow_15` (imports of old records).
    """
    number = _compact(value)
    warnings: tuple[str, ...] = ()
    if allow_15 and RESIDENT_ID_15.match(number):
        number17 = number[:6] + "19" + number[6:]
        # stdnum's calc_check_digit expects the check position present and ignores it.
        number = number17 + ric.calc_check_digit(number17 + "0")
        warnings = (_("15-digit ID number converted to 18 digits."),)
    if not RESIDENT_ID_18.match(number):
        raise InvalidInput(
            "ID_BAD_FORMAT",
            _("A resident ID number has 17 digits followed by a digit or X (18 characters)."),
            field=field_name,
        )
    born = _birth_date(number[6:14], field_name)
    # python-stdnum 2.2: calc_check_digit drops the last character itself, so pass all 18 (R-ID-01).
    if ric.calc_check_digit(number) != number[17]:
        raise InvalidInput(
            "ID_BAD_CHECK",
            _("The check character of ID number %(number)s is wrong.") % {"number": number},
            field=field_name,
        )
    sex = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number, born, sex, number[:6], warnings + _region_warning(number))


def parse_uscc(value: str, *, field_name: str = "id_number") -> str:
    """R-ID-02: validate a unified social credit code with python-stdnum."""
    code = _compact(value)
    try:
        return uscc.validate(code)
    except StdnumError:
        raise InvalidInput(
            "USCC_INVALID",
            _("%(code)s is not a valid unified social credit code (18 characters, GB 32100-2015).")
            % {"code": code or "—"},
            field=field_name,
        ) from None


def looks_like_resident_id(value: str) -> bool:
    """Tell a resident ID from a USCC by form (both can be 18 digits).

    A resident ID is 15 digits, or 17 digits plus a digit or X whose digits 7–14 are a plausible
    birth date; a USCC's digits 7–14 are part of a registration number and almost never are.
    """
    code = _compact(value)
    if RESIDENT_ID_15.match(code):
        return True
    if not RESIDENT_ID_18.match(code):
        return False
    try:
        born = dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    return EARLIEST_BIRTH <= born <= dt.date.today()


def mask_id(number: str) -> str:
    """R-ID-05: hide the birth month and day (digits 11–14) of a resident ID number."""
    if len(number) == 18 and RESIDENT_ID_18.match(number):
        return number[:10] + "****" + number[14:]
    return number


# --- case numbers, R-ID-03 / R-ID-04 -------------------------------------------------------------

TYPE_CODES = ("执恢", "执保", "执异", "执复", "执监", "执协", "执他", "执")
PROVINCE_SHORT = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼内兵"
SPECIAL_CHARS = "知海铁金互林垦"
COURT_CODE = re.compile(rf"^[{PROVINCE_SHORT}](\d{{2}}|\d{{4}})?$")
_ORDINALS = "一二三四五六七八九十"
CASE_NUMBER = re.compile(
    rf"^[（(](?P<year>\d{{4}})[）)]"
    rf"(?P<court>[{PROVINCE_SHORT}](?:\d{{4}}|\d{{2}})?)"
    rf"(?P<special>[{SPECIAL_CHARS}])?"
    rf"(?P<type>{'|'.join(TYPE_CODES)})"
    rf"(?P<seq>[1-9]\d*)号"
    rf"(?P<suffix>之[{_ORDINALS}]+)?$"
)


@dataclass(frozen=True)
class CaseNumber:
    year: int
    court_code: str
    type_code: str
    sequence: int
    special: str = ""
    suffix: str = ""

    def __str__(self) -> str:
        return f"（{self.year}）{self.court_code}{self.special}{self.type_code}{self.sequence}号{self.suffix}"


def validate_court_code(code: str, *, field_name: str = "court_code") -> str:
    """R-ID-03: 渝 (high court), 粤07 (intermediate), 渝0110 (basic)."""
    code = (code or "").strip()
    if not COURT_CODE.match(code):
        raise InvalidInput(
            "COURT_CODE_INVALID",
            _("%(code)s is not a court code (province short name, optionally followed by 2 or 4 digits).")
            % {"code": code or "—"},
            field=field_name,
        )
    return code


def parse_case_number(value: str, *, field_name: str = "number") -> CaseNumber:
    """R-ID-03: parse a 案号; half-width brackets are accepted and normalised to full-width."""
    text = re.sub(r"\s", "", value or "")
    match = CASE_NUMBER.match(text)
    if not match:
        raise InvalidInput(
            "CASE_NUMBER_INVALID",
            _("%(value)s is not a case number like （2024）渝0110执1234号.") % {"value": value or "—"},
            field=field_name,
        )
    return CaseNumber(
        year=int(match["year"]),
        court_code=match["court"],
        type_code=match["type"],
        sequence=int(match["seq"]),
        special=match["special"] or "",
        suffix=match["suffix"] or "",
    )


# --- case numbers as people type them (issue 14 §5) ----------------------------------------------

# Left out of a 案号's search key: brackets of either width (and the 〔〕【】[] people reach for) and
# spaces. `Case.number_key` stores the same for every case: （2026）渝0110执133号 → 2026渝0110执133号.
# 号 stays: typed, it ends the sequence (执133号 is not 执1330号).
_KEY_NOISE = str.maketrans("", "", "（）()〔〕【】[]")
# Every character a 案号 key can hold; a text with any other is not (part of) a case number.
CASE_KEY_CHARACTERS = frozenset(
    "0123456789" + PROVINCE_SHORT + SPECIAL_CHARS + "".join(TYPE_CODES) + "号之" + _ORDINALS
)
# A key from its start: a year, then a court's province (digits before a province are nowhere else).
CASE_KEY_START = re.compile(rf"^\d{{4}}[{PROVINCE_SHORT}]")
# The longest run of digits in a key: a sequence number (a year or a court's digits are 4).
CASE_KEY_MAX_DIGITS = 9
CASE_NUMBER_PARTS = re.compile(
    rf"^(?P<year>(?:19|20)\d{{2}})?"
    rf"(?P<court>[{PROVINCE_SHORT}](?:\d{{4}}|\d{{2}})?)?"
    rf"(?P<special>[{SPECIAL_CHARS}])?"
    rf"(?P<type>{'|'.join(TYPE_CODES)})"
    rf"(?P<seq>[1-9]\d{{0,{CASE_KEY_MAX_DIGITS - 1}}})号?"
    rf"(?P<suffix>之[{_ORDINALS}]+)?$"
)


@dataclass(frozen=True)
class CaseNumberParts:
    """What a typed 案号 gives: always the type code and sequence, the rest when typed (2026执133)."""

    type_code: str
    sequence: int
    year: int | None = None
    court_code: str = ""
    special: str = ""

    @property
    def complete(self) -> bool:
        """Year, court, type and sequence: one case at most."""
        return self.year is not None and bool(self.court_code)


def case_number_key(text: str) -> str:
    """The search key of a 案号 or of a part of one, as `Case.number_key` stores it: NFKC (full-width
    digits and brackets become plain), without brackets and white space; "" if the text holds a
    character no 案号 has or a longer run of digits (an ID number is not part of a case number)."""
    key = "".join(unicodedata.normalize("NFKC", text or "").split()).translate(_KEY_NOISE)
    if not set(key) <= CASE_KEY_CHARACTERS:
        return ""
    if any(len(run) > CASE_KEY_MAX_DIGITS for run in re.findall(r"\d+", key)):
        return ""
    return key


def case_number_parts(key: str) -> CaseNumberParts | None:
    """R-ID-03/04 read from a search key: （2026）渝0110执133号, 2026执133, 渝0110执133号 or 执133."""
    match = CASE_NUMBER_PARTS.match(key)
    if not match:
        return None
    return CaseNumberParts(
        type_code=match["type"],
        sequence=int(match["seq"]),
        year=int(match["year"]) if match["year"] else None,
        court_code=match["court"] or "",
        special=match["special"] or "",
    )
