"""Coded domain errors: the API returns them as {code, message, field}, forms show them by the field."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule said no. `code` is stable for machines, `message` is for people."""

    status = 400

    def __init__(self, code: str, message: str | Promise, *, field: str | None = None, **params: Any):
        self.code = code
        self.message = message
        self.field = field
        self.params = params
        super().__init__(f"{code}: {message}")

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "field": self.field}

    def shown(self) -> str:
        """The error as a page shows it: the message only (the code stays in the API's JSON and logs)."""
        return str(self.message)


class RuleViolation(DomainError):
    """A legal rule from DOMAIN.md forbids the operation."""


class InvalidInput(DomainError):
    """A value does not have the required form."""


class NotFound(DomainError):
    """Missing and not-yours are the same answer."""

    status = 404

    def __init__(self, message: str | Promise = "", *, field: str | None = None):
        from django.utils.translation import gettext

        super().__init__("NOT_FOUND", message or gettext("Not found."), field=field)


class ErrorList(DomainError):
    """Several field errors at once (a form or an import row)."""

    def __init__(self, errors: list[DomainError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.code, first.message, field=first.field)
