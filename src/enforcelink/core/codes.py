"""Error codes of the shared kernel and of the API layer.

A code is stable, for programs: the API answers `{"code", "message", "field"}` (docs/api.md lists
every code per app; tests/core/test_error_codes.py keeps the enums, the code and that list in step).
Each app has its own enum in its `codes.py`; a code any app may answer with (`REQUIRED`,
`NOT_FOUND` …) is here. A member is a `str`, so `InvalidInput(CoreCode.X, …)` and
`InvalidInput("X", …)` answer the same.
"""

from __future__ import annotations

from enum import StrEnum


class CoreCode(StrEnum):
    """Raised by the shared kernel: identifiers, money, dates and the holiday table, texts, spreadsheets."""

    AMOUNT_INVALID = "AMOUNT_INVALID"
    AMOUNT_NEGATIVE = "AMOUNT_NEGATIVE"
    AMOUNT_PRECISION = "AMOUNT_PRECISION"
    AMOUNT_TOO_LARGE = "AMOUNT_TOO_LARGE"
    AMOUNT_ZERO = "AMOUNT_ZERO"
    CASE_NUMBER_INVALID = "CASE_NUMBER_INVALID"
    COLUMNS_MISSING = "COLUMNS_MISSING"
    COLUMN_DUPLICATE = "COLUMN_DUPLICATE"
    COURT_CODE_INVALID = "COURT_CODE_INVALID"
    DATE_DUPLICATE = "DATE_DUPLICATE"
    DATE_INVALID = "DATE_INVALID"
    DATE_OUTSIDE_YEAR = "DATE_OUTSIDE_YEAR"
    FIELD_TOO_LARGE = "FIELD_TOO_LARGE"
    FILE_COMPRESSION_RATIO = "FILE_COMPRESSION_RATIO"
    FILE_EMPTY = "FILE_EMPTY"
    FILE_ENCODING = "FILE_ENCODING"
    FILE_HEADER = "FILE_HEADER"
    FILE_NOT_FOUND = "FILE_NOT_FOUND"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_TOO_LARGE_UNPACKED = "FILE_TOO_LARGE_UNPACKED"
    FILE_TOO_MANY_COLUMNS = "FILE_TOO_MANY_COLUMNS"
    FILE_TOO_MANY_ROWS = "FILE_TOO_MANY_ROWS"
    FILE_TYPE = "FILE_TYPE"
    FILE_UNREADABLE = "FILE_UNREADABLE"
    ID_BAD_BIRTH_DATE = "ID_BAD_BIRTH_DATE"
    ID_BAD_CHECK = "ID_BAD_CHECK"
    ID_BAD_FORMAT = "ID_BAD_FORMAT"
    KIND_INVALID = "KIND_INVALID"
    MAX_LENGTH = "MAX_LENGTH"
    ROW_COLUMNS = "ROW_COLUMNS"
    SOURCE_REQUIRED = "SOURCE_REQUIRED"
    TEXT_CONTROL_CHARACTER = "TEXT_CONTROL_CHARACTER"
    USCC_INVALID = "USCC_INVALID"
    YEAR_RANGE = "YEAR_RANGE"
    YEAR_WITHOUT_HOLIDAYS = "YEAR_WITHOUT_HOLIDAYS"


class ApiCode(StrEnum):
    """The API layer's answers, which any endpoint may give: authentication and permission, the form
    of the input (Django REST framework's own checks, their codes upper-cased, `invalid` answered as
    `INVALID_INPUT`), missing or not-yours objects, and the body-size limits of the middleware."""

    NOT_FOUND = "NOT_FOUND"
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    AUTHENTICATION_FAILED = "AUTHENTICATION_FAILED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    PARSE_ERROR = "PARSE_ERROR"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    REQUIRED = "REQUIRED"
    NULL = "NULL"
    BLANK = "BLANK"
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_CHOICE = "INVALID_CHOICE"
    NOT_A_LIST = "NOT_A_LIST"
    NOT_A_STRING = "NOT_A_STRING"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    LENGTH_REQUIRED = "LENGTH_REQUIRED"
    CURSOR_INVALID = "CURSOR_INVALID"
    OFFSET_TOO_LARGE = "OFFSET_TOO_LARGE"
