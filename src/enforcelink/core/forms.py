"""Form helpers every app's pages share: the date widget, and a domain error shown beside the field it
names (STYLE.md: the UI shows the same message as the API, beside the field)."""

from __future__ import annotations

from typing import Any

from django import forms

from enforcelink.core.errors import DomainError, ErrorList


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def show_form_errors(error: DomainError, form: forms.Form) -> None:
    """A domain error beside the form field it names, else above the form."""
    for item in error.errors if isinstance(error, ErrorList) else [error]:
        name = (item.field or "").removeprefix("details.")
        form.add_error(name if name in form.fields else None, str(item.message))
