"""The codes the orgs app answers with: regions, courts, units and their import, users, API keys.

A code is stable, for programs: the API answers `{"code", "message", "field"}` (docs/api.md lists
every code per app, and tests/core/test_error_codes.py keeps this enum, the code and the list in
step). A member is a `str`, so `InvalidInput(OrgsCode.X, …)` and `InvalidInput("X", …)` answer the same.
Codes of the shared kernel and of the API layer (`REQUIRED`, `NOT_FOUND` …) are in `core.codes`.
"""

from __future__ import annotations

from enum import StrEnum


class OrgsCode(StrEnum):
    API_KEY_NAME = "API_KEY_NAME"
    COURT_CODE_TAKEN = "COURT_CODE_TAKEN"
    COURT_LEVEL_MISMATCH = "COURT_LEVEL_MISMATCH"
    PHONE_INVALID = "PHONE_INVALID"
    REGION_CODE_INVALID = "REGION_CODE_INVALID"
    UNIT_TYPE_CONFLICT = "UNIT_TYPE_CONFLICT"
    UNIT_TYPE_INVALID = "UNIT_TYPE_INVALID"
    USERNAME_INVALID = "USERNAME_INVALID"
    USERNAME_TAKEN = "USERNAME_TAKEN"
