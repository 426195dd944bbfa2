"""Text fields for forms and the API that apply the shared text rule (`core.text`).

One field per framework, so a page and the API refuse the same value with the same code
(TEXT_CONTROL_CHARACTER) and store the same NFC text. The raw value is checked before the
framework strips it: a name ending in `\\x0b` is refused, not silently trimmed. Every text input of
the case, linkage, urging and document forms and serializers uses them (tests/core/test_text.py
checks that none is left a plain CharField).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.fields import empty

from enforcelink.core.errors import DomainError
from enforcelink.core.text import NFC_SHRINK, character_error, clean_text


class TextField(forms.CharField):
    """A form text field: NFC, no control or text-direction characters (`multiline` keeps line breaks
    and tabs, for a textarea)."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            if self.max_length is not None and len(value) > self.max_length * NFC_SHRINK:
                MaxLengthValidator(self.max_length)(value)  # refused before the rule walks it
            try:
                value = clean_text(value, multiline=self.multiline)
            except DomainError as error:
                raise forms.ValidationError(str(error.message), code=error.code) from None
        return super().to_python(value)


class StrictCharField(serializers.CharField):
    """Text that must arrive as a JSON string: DRF's CharField turns `0` or `12.5` into "0" or
    "12.5", which would store a number where a person's words belong. Refused with NOT_A_STRING.
    Its schema says what it takes (`core.api.ApiSchema`): not blank means some non-space character.
    Machine values (a key, base64, a file's name that is cleaned on storing) take this field alone:
    the text rule walks every character, too slow for megabytes of base64."""

    default_error_messages = {
        "not_a_string": gettext_lazy("Give text (a JSON string), not a number or another type.")
    }

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)

    def run_validation(self, data: Any = empty) -> Any:
        # NUL answers TEXT_CONTROL_CHARACTER here too, as in every text the rule checks (one code
        # for one mistake), not DRF's NULL_CHARACTERS_NOT_ALLOWED; only NUL is looked for: fast.
        if isinstance(data, str) and "\x00" in data:
            error = character_error(data, data.index("\x00"))
            raise serializers.ValidationError(str(error.message), code=error.code)
        return super().run_validation(data)


class ApiTextField(StrictCharField):
    """An API text field for words people write: a JSON string (NOT_A_STRING otherwise), NFC, no
    control or text-direction characters; the error's code is TEXT_CONTROL_CHARACTER with the
    field's dotted path, as every other API error."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        if isinstance(data, str):
            if self.max_length is not None and len(data) > self.max_length * NFC_SHRINK:
                # Refused on length before the rule walks it: a 100-million-character reason cost
                # 30 s of CPU in NFC (issue 12 review). DRF checks the length again after NFC.
                self.fail("max_length", max_length=self.max_length)
            try:
                data = clean_text(data, multiline=self.multiline)
            except DomainError as error:
                raise serializers.ValidationError(str(error.message), code=error.code) from None
        return super().run_validation(data)
