"""The codes the linkage app answers with: assistance requests, their approval and sending,
units' replies (one, a batch, a reply sheet), attachments, messages.

A code is stable, for programs: the API answers `{"code", "message", "field"}` (docs/api.md lists
every code per app, and tests/core/test_error_codes.py keeps this enum, the code and the list in
step). A member is a `str`, so `InvalidInput(LinkageCode.X, …)` and `InvalidInput("X", …)` answer the same.
Codes of the shared kernel and of the API layer (`REQUIRED`, `NOT_FOUND` …) are in `core.codes`.
"""

from __future__ import annotations

from enum import StrEnum


class LinkageCode(StrEnum):
    ATTACHMENTS_INVALID = "ATTACHMENTS_INVALID"
    ATTACHMENTS_NOT_IN_BATCH = "ATTACHMENTS_NOT_IN_BATCH"
    ATTACHMENT_BASE64 = "ATTACHMENT_BASE64"
    ATTACHMENT_INVALID = "ATTACHMENT_INVALID"
    ATTACHMENT_TOO_LARGE = "ATTACHMENT_TOO_LARGE"
    ATTACHMENT_TOO_MANY = "ATTACHMENT_TOO_MANY"
    ATTACHMENT_UNAVAILABLE = "ATTACHMENT_UNAVAILABLE"
    DATETIME_INVALID = "DATETIME_INVALID"
    DETAILS_INVALID = "DETAILS_INVALID"
    DUPLICATE_OPEN = "DUPLICATE_OPEN"
    FOUND_WITHOUT_DETAILS = "FOUND_WITHOUT_DETAILS"
    IDEMPOTENCY_KEY_REQUIRED = "IDEMPOTENCY_KEY_REQUIRED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    MESSAGE_INVALID = "MESSAGE_INVALID"
    NO_RECIPIENT = "NO_RECIPIENT"
    NOT_APPROVER = "NOT_APPROVER"
    NOT_ON_LIST = "NOT_ON_LIST"
    OUTCOME_INVALID = "OUTCOME_INVALID"
    OWN_REQUEST = "OWN_REQUEST"
    PERSON_ONLY_REQUEST = "PERSON_ONLY_REQUEST"
    REASON_REQUIRED = "REASON_REQUIRED"
    REQUEST_STATE = "REQUEST_STATE"
    RESULT_INVALID = "RESULT_INVALID"
    UNIT_NOT_IN_DIRECTORY = "UNIT_NOT_IN_DIRECTORY"
