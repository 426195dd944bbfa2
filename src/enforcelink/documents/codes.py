"""The codes the documents app answers with: templates, issuing, variants, batches and the
figures a document carries (fines, listing terms).

A code is stable, for programs: the API answers `{"code", "message", "field"}` (docs/api.md lists
every code per app, and tests/core/test_error_codes.py keeps this enum, the code and the list in
step). A member is a `str`, so `InvalidInput(DocumentsCode.X, …)` and `InvalidInput("X", …)` answer the same.
Codes of the shared kernel and of the API layer (`REQUIRED`, `NOT_FOUND` …) are in `core.codes`.
"""

from __future__ import annotations

from enum import StrEnum


class DocumentsCode(StrEnum):
    BATCH_CASES = "BATCH_CASES"
    BATCH_EMPTY = "BATCH_EMPTY"
    BATCH_EXTRA_MISSING = "BATCH_EXTRA_MISSING"
    BATCH_EXTRA_TOO_LONG = "BATCH_EXTRA_TOO_LONG"
    BATCH_EXTRA_UNKNOWN = "BATCH_EXTRA_UNKNOWN"
    BATCH_FINISHED = "BATCH_FINISHED"
    BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
    DOCUMENT_FORMAT = "DOCUMENT_FORMAT"
    DOCUMENT_KIND = "DOCUMENT_KIND"
    DOCUMENT_NOT_FOR_CASE = "DOCUMENT_NOT_FOR_CASE"
    DOCUMENT_NOT_RENDERABLE = "DOCUMENT_NOT_RENDERABLE"
    DOCUMENT_SUBJECT = "DOCUMENT_SUBJECT"
    DOCUMENT_VARIANT = "DOCUMENT_VARIANT"
    FINE_LIMIT = "FINE_LIMIT"
    ISSUE_ERROR = "ISSUE_ERROR"
    LISTING_EXTENSION = "LISTING_EXTENSION"
    LISTING_GROUND = "LISTING_GROUND"
    MISSING_DATA = "MISSING_DATA"
    NUMBER_RANGE = "NUMBER_RANGE"
    TEMPLATE_EMPTY = "TEMPLATE_EMPTY"
    TEMPLATE_MISSING = "TEMPLATE_MISSING"
    TEMPLATE_SYNTAX = "TEMPLATE_SYNTAX"
    TEMPLATE_TOO_LONG = "TEMPLATE_TOO_LONG"
    UNKNOWN_PLACEHOLDER = "UNKNOWN_PLACEHOLDER"
