"""The shared text rule (issue 12, finding 1): NFC, and control / text-direction characters refused
with TEXT_CONTROL_CHARACTER naming the field and the character; every text input uses it."""

from __future__ import annotations

import importlib
import time
import types
import unicodedata

import pytest
from django import forms
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from enforcelink.core import text as text_module
from enforcelink.core.errors import InvalidInput
from enforcelink.core.fields import ApiTextField, StrictCharField, TextField
from enforcelink.core.text import clean_text, describe, printable, unsafe_characters

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
    ("\u200d", 2, "U+200D"),  # a joiner between Chinese characters: as invisible (second review)
    ("\u200c", 2, "U+200C"),
    ("\ufeff", 2, "U+FEFF"),  # byte-order mark
    ("\u00ad", 2, "U+00AD"),  # soft hyphen
    ("\ufffe", 2, "U+FFFE"),  # noncharacter XML cannot carry
    ("\ud800", 2, "U+D800"),  # lone surrogate (JSON can carry one)
    ("\n", 2, "U+000A"),  # line break: not in a single-line value
    ("\t", 2, "U+0009"),
]


@pytest.mark.parametrize(("char", "position", "codepoint"), REFUSED)
def test_refused_with_the_code_the_field_and_the_character(char, position, codepoint):
    with pytest.raises(InvalidInput) as caught, translation.override("en"):
        clean_text(f"张{char}三", field="respondents.0.name")
    error = caught.value
    assert (error.code, error.field) == ("TEXT_CONTROL_CHARACTER", "respondents.0.name")
    assert error.params == {"position": position, "codepoint": codepoint}
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
        "می‌خواهم",  # zero-width non-joiner: part of how Persian and Uyghur words are written
        "ᠮᠣᠩᠭᠣᠯ᠎ᠠ",  # Mongolian vowel separator
        "ᠪᠠ‍ᠶᠠᠷ",  # zero-width joiner
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


FORM_MODULES = ("cases.forms", "linkage.forms", "urging.forms", "documents.forms", "documents.batch_views")
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
    answers = (
        "ReplyRefusedSerializer.",
        "RefusedSerializer.",  # a batch's per-pair report (linkage.api)
        "RevealedIdSerializer.",
        "RequestSerializer.",
        "RequestDetailSerializer.",
        "RespondentSerializer.",
    )
    machine = {
        "AttachmentInSerializer.name",
        "AttachmentInSerializer.content_type",
        "AttachmentInSerializer.content_base64",
        "BatchReplySerializer.idempotency_key",
    }
    assert [name for name in plain if not name.startswith(answers) and name not in machine] == []


def _slow_unsafe(value: str, *, multiline: bool) -> list[tuple[int, str]]:
    """The rule walked character by character, without the `isprintable` fast path."""
    kept = text_module.MULTILINE_KEPT if multiline else frozenset()
    return [(i, c) for i, c in enumerate(value) if c not in kept and text_module.refused_at(value, i)]


def test_every_refused_character_is_one_isprintable_rejects():
    """Review of issue 12, finding 4: the fast path (`str.isprintable`) is only right if no refused
    character is printable; checked over every code point of this Python's Unicode database."""
    printable_refused = [
        f"U+{point:04X}"
        for point in range(0x110000)
        if chr(point).isprintable() and text_module._refused(chr(point))
    ]
    assert printable_refused == []


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.characters(codec=None), max_size=40)
    | st.text(
        alphabet=st.sampled_from("张三\t\n\r\x0b\x1b\u2028\u2029\u202e\u200c\u200d\u180e\ufffe·"), max_size=20
    ),
    st.booleans(),
)
def test_the_fast_path_answers_as_the_slow_walk(value, multiline):
    """Review of issue 12, finding 4: same answer with and without the fast path."""
    assert unsafe_characters(value, multiline=multiline) == _slow_unsafe(value, multiline=multiline)


def test_a_cjk_row_is_not_walked_character_by_character(monkeypatch):
    """Review of issue 12, finding 4: every character of a Chinese name cost a `unicodedata.category`
    call; a printable text now takes the C fast path and never reaches `_refused`."""
    calls = []
    monkeypatch.setattr(text_module, "_refused", lambda char: calls.append(char) or False)
    clean_text("重庆某建材有限公司綦江分公司")
    clean_text("第一行\r\n第二行\t完", multiline=True)
    assert calls == []


def test_a_huge_value_is_refused_on_length_before_the_rule_walks_it(monkeypatch):
    """Review of issue 12, finding 3: `ApiTextField` ran NFC over the whole value before DRF's length
    check (a 100-million-character reason cost ~30 s of CPU); the forms' field and `clean_text` too."""
    walked = []
    monkeypatch.setattr(text_module, "text_error", lambda *args, **kwargs: walked.append(1))
    spy = types.SimpleNamespace(normalize=lambda *args: walked.append(1), category=unicodedata.category)
    monkeypatch.setattr(text_module, "unicodedata", spy)
    huge = "张" * 10_000_000

    class Reply(serializers.Serializer):
        reason = ApiTextField(max_length=500)

    started = time.perf_counter()
    answer = Reply(data={"reason": huge})
    assert not answer.is_valid()
    assert answer.errors["reason"][0].code == "max_length"
    with pytest.raises(forms.ValidationError) as form_error:
        TextField(max_length=500).clean(huge)
    assert form_error.value.code == "max_length"
    with pytest.raises(InvalidInput) as caught:
        clean_text(huge, field="reason", max_length=500)
    assert caught.value.code == "MAX_LENGTH"
    assert walked == [] and time.perf_counter() - started < 1


def test_composition_is_not_mistaken_for_over_long():
    """The early refusal leaves room for NFC: 3 jamo compose into 1 Hangul syllable."""
    assert clean_text("\u1100\u1161\u11a8" * 5, max_length=5) == "각" * 5


def test_machine_values_refuse_nul_with_the_same_code():
    """Review of issue 12, finding 7: an idempotency key, a file's name or its media type answered
    DRF's NULL_CHARACTERS_NOT_ALLOWED; now TEXT_CONTROL_CHARACTER, as every other text."""

    class Attachment(serializers.Serializer):
        name = StrictCharField(max_length=200)

    answer = Attachment(data={"name": "回执\x00.pdf"})
    assert not answer.is_valid()
    assert answer.errors["name"][0].code == "TEXT_CONTROL_CHARACTER"
    assert "U+0000" in str(answer.errors["name"][0])


def test_the_control_character_label_is_translated():
    """Review of issue 12, finding 8: the Chinese message carried English "(control character)"."""
    with translation.override("en"):
        assert describe("\x0b") == "U+000B (control character)"


def test_the_control_character_label_goes_through_the_catalogue(monkeypatch):
    """The label is a msgid of its own (the lead merges its Chinese into the catalogue)."""
    monkeypatch.setattr(
        text_module,
        "_",
        lambda msgid: {"%(codepoint)s (control character)": "%(codepoint)s（控制字符）"}[msgid],
    )
    assert describe("\x0b") == "U+000B（控制字符）"
