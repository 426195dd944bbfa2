"""The codes the funds app answers with: the ledger's receipts and reversals (R-FUND-03) and the
rules of funds/policy.py (R-MONEY-02, R-FUND-01/02 periods).

A code is stable, for programs: the API answers `{"code", "message", "field"}` (docs/api.md lists
every code per app; tests/core/test_error_codes.py keeps this enum, the code and the list in step).
Codes of the shared kernel (`AMOUNT_PRECISION`, `DATE_INVALID`, `MAX_LENGTH` …) are in `core.codes`.
"""

from __future__ import annotations

from enum import StrEnum


class FundsCode(StrEnum):
    ALREADY_REVERSED = "ALREADY_REVERSED"
    BALANCE_NEGATIVE = "BALANCE_NEGATIVE"
    COLUMN_UNKNOWN = "COLUMN_UNKNOWN"
    LEDGER_APPEND_ONLY = "LEDGER_APPEND_ONLY"
    PAYEE_INVALID = "PAYEE_INVALID"
    PAYOUT_ACCOUNT_FIXED = "PAYOUT_ACCOUNT_FIXED"
    PAYOUT_KIND = "PAYOUT_KIND"
    PAYOUT_NEEDS_PRESIDENT = "PAYOUT_NEEDS_PRESIDENT"
    PAYOUT_OVER_BALANCE = "PAYOUT_OVER_BALANCE"
    PAYOUT_STATUS = "PAYOUT_STATUS"
    PERIOD_INVALID = "PERIOD_INVALID"
    PERIOD_UNIT_INVALID = "PERIOD_UNIT_INVALID"
    REASON_REQUIRED = "REASON_REQUIRED"
    REFERENCE_AMBIGUOUS = "REFERENCE_AMBIGUOUS"
    REFERENCE_CONFLICT = "REFERENCE_CONFLICT"
    REVERSAL_OF_REVERSAL = "REVERSAL_OF_REVERSAL"
    SOURCE_INVALID = "SOURCE_INVALID"
    SURPLUS_NONE = "SURPLUS_NONE"
    UNIDENTIFIED_RESOLVED = "UNIDENTIFIED_RESOLVED"
    VALUE_DATE_FUTURE = "VALUE_DATE_FUTURE"
