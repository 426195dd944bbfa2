"""The codes the assets app answers with: property inquiries (R-ASSET-01), the supervisors' sample
of them, and the rules of control measures (R-ASSET-02/03, `assets.policy`).

A code is stable, for programs: the API answers `{"code", "message", "field"}` (docs/api.md lists
every code per app, and tests/core/test_error_codes.py keeps this enum, the code and the list in
step). A member is a `str`, so `InvalidInput(AssetsCode.X, …)` and `InvalidInput("X", …)` answer the
same. Codes of the shared kernel and of the API layer (`REQUIRED`, `NOT_FOUND` …) are in `core.codes`.
"""

from __future__ import annotations

from enum import StrEnum


class AssetsCode(StrEnum):
    ALREADY_REVIEWED = "ALREADY_REVIEWED"
    DECISION_INVALID = "DECISION_INVALID"
    FINDING_DECIDED = "FINDING_DECIDED"
    ITEMS_INVALID = "ITEMS_INVALID"
    ITEM_EMPTY = "ITEM_EMPTY"
    KINDS_INVALID = "KINDS_INVALID"
    LEAD_ALREADY_VERIFIED = "LEAD_ALREADY_VERIFIED"
    LINK_CLOSED = "LINK_CLOSED"
    LINK_EXPIRED = "LINK_EXPIRED"
    LINK_INVALID = "LINK_INVALID"
    LINK_REPLACED = "LINK_REPLACED"
    LINK_USED = "LINK_USED"
    MEASURE_LAPSED = "MEASURE_LAPSED"
    MEASURE_UNKNOWN = "MEASURE_UNKNOWN"
    NOTE_REQUIRED = "NOTE_REQUIRED"
    NO_OFFICER = "NO_OFFICER"
    NO_UNIT = "NO_UNIT"
    OUTCOME_INVALID = "OUTCOME_INVALID"
    OVER_SEIZURE = "OVER_SEIZURE"
    PERIOD_INVALID = "PERIOD_INVALID"
    PERIOD_NOT_OVER = "PERIOD_NOT_OVER"
    RATE_LIMITED = "RATE_LIMITED"
    RECORDS_INVALID = "RECORDS_INVALID"
    RECORDS_REQUIRED = "RECORDS_REQUIRED"
    REMIND_INVALID = "REMIND_INVALID"
    REPORT_ALREADY_RECEIVED = "REPORT_ALREADY_RECEIVED"
    REPORT_CONTRADICTS = "REPORT_CONTRADICTS"
    REPORT_EMPTY = "REPORT_EMPTY"
    REPORT_NOT_RECEIVED = "REPORT_NOT_RECEIVED"
    SAMPLE_EXISTS = "SAMPLE_EXISTS"
    SIZE_INVALID = "SIZE_INVALID"
    TERM_INVALID = "TERM_INVALID"
    TERM_TOO_LONG = "TERM_TOO_LONG"
    VERDICT_INVALID = "VERDICT_INVALID"
