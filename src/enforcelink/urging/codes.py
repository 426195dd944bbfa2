"""The codes the urging app (pre-enforcement supervision) answers with: registered judgments,
payments, notices, conversion into a case.

A code is stable, for programs: the API answers `{"code", "message", "field"}` (docs/api.md lists
every code per app, and tests/core/test_error_codes.py keeps this enum, the code and the list in
step). A member is a `str`, so `InvalidInput(UrgingCode.X, …)` and `InvalidInput("X", …)` answer the same.
Codes of the shared kernel and of the API layer (`REQUIRED`, `NOT_FOUND` …) are in `core.codes`.
"""

from __future__ import annotations

from enum import StrEnum


class UrgingCode(StrEnum):
    AMOUNT_OVER_OWED = "AMOUNT_OVER_OWED"
    AMOUNT_REQUIRED = "AMOUNT_REQUIRED"
    DATE_IN_FUTURE = "DATE_IN_FUTURE"
    JUDGMENT_DUPLICATE = "JUDGMENT_DUPLICATE"
    JUDGMENT_NOT_DUE = "JUDGMENT_NOT_DUE"
    JUDGMENT_NOT_OPEN = "JUDGMENT_NOT_OPEN"
    JUDGMENT_NUMBER_INVALID = "JUDGMENT_NUMBER_INVALID"
    NUMBER_RANGE = "NUMBER_RANGE"
    PARTY_REQUIRED = "PARTY_REQUIRED"
    REASON_REQUIRED = "REASON_REQUIRED"
