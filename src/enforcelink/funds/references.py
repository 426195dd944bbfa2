"""一案一账号 references (R-FUND-01): the digits a payer types in a bank transfer's remark.

    court (7) + year (4) + case type (1) + sequence (6 or more) + check (2)
    （2026）渝0110执133号 → 04 4 0110 · 2026 · 1 · 000133 · 65 → "04401102026100013365"

- court: the province's place in `core.identifiers.PROVINCE_SHORT` (渝 → 04), how many digits the
  code has (0, 2 or 4) and those digits padded on the right to four (渝0110 → 0440110, 渝01 →
  0420100, 渝 → 0400000): each court code its own seven digits (渝01 and a 渝0100 never meet), so the
  reference follows from the 案号 alone;
- the case type: a digit of its own (`TYPE_DIGITS`: 执 → 1, 执恢 → 2 …), since 执 and 执恢 number
  from 1 each year;
- check: ISO 7064 MOD 97-10 (`stdnum.iso7064.mod_97_10`, as an IBAN's), which catches every single
  mistyped digit and every swap of two neighbouring digits, so a payer's typo matches no case
  instead of the wrong one.
Digits only, no spaces: banks' remark fields keep digits whatever else they drop.
"""

from __future__ import annotations

import re

from stdnum.iso7064 import mod_97_10

from enforcelink.core.identifiers import PROVINCE_SHORT
from enforcelink.documents import case_account

_DIGITS = re.compile(r"\d+")
# Fixed here, not read from `cases.CaseType`'s order: printed references never change meaning.
TYPE_DIGITS = {"执": 1, "执恢": 2, "执保": 3, "执异": 4, "执复": 5, "执监": 6, "执协": 7, "执他": 8}


def court_digits(code: str) -> str:
    """渝0110 → 0440110; 渝01 → 0420100; 渝 → 0400000 (R-ID-03 court codes)."""
    province = PROVINCE_SHORT.index(code[0]) + 1
    digits = code[1:]
    if not (digits == "" or (digits.isascii() and digits.isdigit())):
        raise ValueError(f"not a court code: {code!r}")
    return f"{province:02d}{len(digits)}{digits.ljust(4, '0')}"


def make(court_code: str, year: int, type_code: str, sequence: int) -> str:
    """The reference of the case numbered （year）court_code type_code sequence 号, check digits included."""
    body = f"{court_digits(court_code)}{year:04d}{TYPE_DIGITS[type_code]}{sequence:06d}"
    return body + mod_97_10.calc_check_digits(body)


def clean(text: str) -> str | None:
    """The reference in a remark ("执行款 0440 1102 0261 0001 3365"): the digits, if they form a valid
    reference (the check holds); None otherwise."""
    digits = "".join(_DIGITS.findall(text or ""))
    if len(digits) < 20 or not mod_97_10.is_valid(digits):
        return None
    return digits


def grouped(reference: str) -> str:
    """For people: groups of four, as banks show account numbers (0440 1102 0261 0001 3365), the one
    grouping the execution notice prints too (`documents.case_account.grouped`)."""
    return case_account.grouped(reference)
