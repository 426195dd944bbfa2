"""The shared text rule (issue 12, finding 1): NFC, and control / text-direction characters refused
with TEXT_CONTROL_CHARACTER naming the field and the character; every text input uses it."""

from __future__ import annotations

import importlib

import pytest
from django import forms
from django.utils import translation
from rest_framework import serializers

from enforcelink.core.errors import InvalidInput
from enforcelink.core.fields import ApiTextField, TextField
from enforcelink.core.text import clean_text, printable, unsafe_characters

# The probe's inputs and the rest of the refused families, each inside an otherwise good name.
REFUSED = [
    ("\x0b", 2, "U+000B"),  # vertical tab: python-docx "All strings must be XML compatible"
    ("\x1b", 2, "U+001B"),  # escape
    ("\x00", 2, "U+0000"),  # NUL
    ("\x7f", 2, "U+007F"),  # DEL
    ("\x85", 2, "U+0085"),  # C1 next line
    ("\u202e", 2, "U+202E"),  # right-to-left override: 张\u202e三
    ("\u202a", 2, "U+202A"),  # left-to-right embedding
    ("\u2066", 2, "U+2066"),  # left-to-right isolate
    ("\u2069", 2, "U+2069"),  # pop directional isolate
    ("\u200e", 2, "U+200E"),  # left-to-right mark
    ("\u200f", 2, "U+200F"),  # right-to-left mark
    ("\u061c", 2, "U+061C"),  # Arabic letter mark
    ("\u200b", 2, "U+200B"),  # zero-width space: two names that look alike
    ("\ufeff", 2, "U+FEFF"),  # byte-order mark
    ("\u00ad", 2, "U+00AD"),  # soft hyphen
    ("\ufffe", 2, "U+FFFE"),  # noncharacter XML cannot carry
    ("\ud800", 2, "U+D800"),  # lone surrogate (JSON can carry one)
    ("\n", 2, "U+000A"),  # line break: not in a single-line value
    ("\t", 2, "U+0009"),
]


@pytest.mark.parametrize(("char", "position", "codepoint"), REFUSED)
def test_refused_with_the_code_the_field_and_the_character(char, position, codepoint):
    with pytest.raises(InvalidInput) as caught:
        clean_text(f"张{char}三", field="respondents.0.name")
    error = caught.value
    assert (error.code, error.field) == ("TEXT_CONTROL_CHARACTER", "respondents.0.name")
    assert error.params == {"position": position, "codepoint": codepoint}
    with translation.override("en"):
        assert codepoint in str(error.message) and "position 2" in str(error.message)


@pytest.mark.parametrize(
    "name",
    [
        "买买提·艾力",  # middle dot U+00B7 of transliterated names
        "阿卜杜勒・热合曼",  # katakana middle dot, as some input methods type it
        "重庆某建材有限公司（綦江分公司）",  # full-width brackets
        "ＡＢＣ科技１２３",  # full-width letters and digits stay full-width (NFC, not NFKC)
        "O'Brien-Smith Zoë",
        "𠀀𪚥",  # CJK extensions outside the BMP
        "张　三",  # ideographic space
    ],
)
def test_legitimate_names_pass_unchanged(name):
    assert clean_text(name, field="name") == name


def test_text_is_stored_composed():
    assert clean_text("Rene\u0301 e\u0301") == "René é"
    assert clean_text("e\u0301", max_length=1) == "é"  # the limit counts the composed text


def test_multiline_keeps_line_breaks_and_tabs_only():
    assert clean_text("第一行\r\n第二行\t完", multiline=True) == "第一行\r\n第二行\t完"
    with pytest.raises(InvalidInput):
        clean_text("第一行\n\u202e第二行", multiline=True)
    assert unsafe_characters("a\x0bb\x1bc", multiline=True) == [(1, "\x0b"), (3, "\x1b")]


def test_max_length_is_the_apis_code_and_message():
    with pytest.raises(InvalidInput) as caught, translation.override("en"):
        clean_text("张" * 151, field="applicants.0.name", max_length=150)
    assert caught.value.code == "MAX_LENGTH"
    assert str(caught.value.message) == "Ensure this field has no more than 150 characters."


def test_printable_drops_what_documents_cannot_hold_and_says_what():
    assert printable("张\x0b\x1b三\u202e四") == ("张三四", ["U+000B", "U+001B", "U+202E"])
    assert printable("一行\n二行\t完") == ("一行\n二行\t完", [])
    assert printable("买买提·艾力") == ("买买提·艾力", [])


def test_form_and_api_fields_give_the_same_code():
    field = TextField(max_length=150)
    with pytest.raises(forms.ValidationError) as form_error:
        field.clean("张三\x0b")  # refused, not trimmed away
    assert form_error.value.code == "TEXT_CONTROL_CHARACTER"
    assert field.clean("e\u0301") == "é"

    class Body(serializers.Serializer):
        name = ApiTextField(max_length=150)
        body = ApiTextField(max_length=4000, multiline=True)

    bad = Body(data={"name": "张\u202e三", "body": "x"})
    assert not bad.is_valid()
    assert bad.errors["name"][0].code == "TEXT_CONTROL_CHARACTER"
    good = Body(data={"name": "e\u0301", "body": "一\n二"})
    assert good.is_valid(), good.errors
    assert good.validated_data == {"name": "é", "body": "一\n二"}


FORM_MODULES = ("cases.forms", "linkage.forms", "urging.forms", "documents.forms")
SERIALIZER_MODULES = ("cases.serializers", "linkage.api")


def _classes(module_names, base):
    for name in module_names:
        module = importlib.import_module(f"enforcelink.{name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, base) and value.__module__ == module.__name__:
                yield value


def test_every_text_input_of_the_forms_applies_the_rule():
    """One mechanism, not a check per field: a plain CharField added later fails here."""
    plain = []
    for form_class in _classes(FORM_MODULES, forms.BaseForm):
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field, TextField):
                plain.append(f"{form_class.__name__}.{name}")
    assert plain == []


def test_every_text_input_of_the_api_applies_the_rule():
    plain = []
    for serializer_class in _classes(SERIALIZER_MODULES, serializers.Serializer):
        for name, field in serializer_class._declared_fields.items():
            if (
                isinstance(field, serializers.CharField)
                and not field.read_only
                and not isinstance(field, ApiTextField)
            ):
                plain.append(f"{serializer_class.__name__}.{name}")
    # Answer shapes are written by us, never read; machine values (base64, a key, a media type and a
    # file's name, cleaned on storing by `linkage.attachments`) are not words people write.
    answers = ("ReplyRefusedSerializer.", "RevealedIdSerializer.", "RequestSerializer.")
    machine = {
        "AttachmentInSerializer.name",
        "AttachmentInSerializer.content_type",
        "AttachmentInSerializer.content_base64",
        "BatchReplySerializer.idempotency_key",
    }
    assert [name for name in plain if not name.startswith(answers) and name not in machine] == []
