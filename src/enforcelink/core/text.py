"""The one rule for text that reaches a record or a document (issue 12, finding 1).

Every text typed into a form, sent to the API or read from an import is normalised to Unicode NFC
and refused, with the code TEXT_CONTROL_CHARACTER naming the field, when it holds a character that
has no business in a name or a sentence:

- control characters (C0, DEL, C1; NUL included): python-docx refuses them ("All strings must be
  XML compatible"), so one `\\x0b` in a party's name broke every document of the case;
- format characters (Unicode category Cf): the text-direction overrides, embeddings, isolates and
  marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) that turn `张\\u202e三` into a
  sentence read backwards, and the invisible ones (zero-width space, word joiner, soft hyphen, BOM)
  that make two names look alike to a person and differ to the screening index. Three are kept
  between two letters of the scripts that need them (`SCRIPT_JOINERS`, `JOINING_SCRIPTS`): the
  zero-width non-joiner and joiner (U+200C, U+200D) and the Mongolian vowel separator (U+180E) are part
  of how Uyghur, Kazakh, Persian and Mongolian words are written; they shape letters and cannot reorder
  a sentence. Anywhere else (`张\u200d三`) they are as invisible as a zero-width space, and refused;
- lone surrogates and the noncharacters XML cannot carry (U+FFFE, U+FFFF, …).

Multi-line free text (a message, a template body) keeps tab, line feed, carriage return and the
Unicode line/paragraph separators; single-line values (names, numbers, a purpose) keep none of them.
Full-width forms and the middle dot of transliterated names (买买提·艾力) are ordinary characters.

Documents already numbered with such a value still render: `printable` drops the characters as the
value is placed into the document (see `documents.actions`).
"""

from __future__ import annotations

import unicodedata

from django.db.models import Model
from django.utils.translation import gettext as _

from enforcelink.core.errors import InvalidInput

CODE = "TEXT_CONTROL_CHARACTER"
LENGTH_CODE = "MAX_LENGTH"  # DRF's code for an over-long value: the import answers the same
MULTILINE_KEPT = frozenset("\t\n\r\u2028\u2029")
# Format characters that real names need (ZWNJ, ZWJ, the Mongolian vowel separator), kept between two
# letters of the scripts that are written with them: Arabic-script (Uyghur, Kazakh, Persian) with
# Syriac and Thaana, the Indic scripts, Mongolian, and the Arabic presentation forms.
SCRIPT_JOINERS = frozenset("\u200c\u200d\u180e")
JOINING_SCRIPTS = ((0x0600, 0x08FF), (0x0900, 0x0DFF), (0x1800, 0x18AF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_WITHOUT_MULTILINE_KEPT = str.maketrans("", "", "".join(MULTILINE_KEPT))
# NFC can compose several characters into one (a Hangul syllable from three jamo): a text longer than
# this many times the limit cannot fit after it, and is refused before anything walks it.
NFC_SHRINK = 4
# A value printed in a document may break a line (python-docx writes \n and \t as breaks and tabs).
_DOCUMENT_KEPT = frozenset("\t\n")


def _refused(char: str) -> bool:
    """A control, format or surrogate character, or a noncharacter (XML cannot carry U+FFFE/U+FFFF).

    Every one of them is also one that `str.isprintable` rejects (categories Cc, Cf, Cs, Cn, Zl, Zp),
    which is what lets `unsafe_characters` answer a printable text without walking it."""
    if char in SCRIPT_JOINERS:
        return False
    point = ord(char)
    if point < 0x20 or 0x7F <= point <= 0x9F:
        return True
    if 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE:
        return True
    return unicodedata.category(char) in ("Cf", "Cs", "Zl", "Zp")


def unsafe_characters(value: str, *, multiline: bool = False) -> list[tuple[int, str]]:
    """(0-based position, character) of every refused character in `value`."""
    # The fast path (issue 12 review): `isprintable` runs in C, and a text it accepts holds no refused
    # character; a Chinese name cost a `unicodedata.category` call per character before.
    if value.isprintable() or (multiline and value.translate(_WITHOUT_MULTILINE_KEPT).isprintable()):
        return []
    kept = MULTILINE_KEPT if multiline else frozenset()
    return [
        (index, char)
        for index, char in enumerate(value)
        if (char < " " or char > "~") and char not in kept and refused_at(value, index)
    ]


def refused_at(value: str, index: int) -> bool:
    """`_refused` for the character at `index`, with a joiner judged by its neighbours."""
    char = value[index]
    if char in SCRIPT_JOINERS:
        return not (_joining_letter(value, index - 1) and _joining_letter(value, index + 1))
    return _refused(char)


def _joining_letter(value: str, index: int) -> bool:
    if not 0 <= index < len(value):
        return False
    point = ord(value[index])
    return any(low <= point <= high for low, high in JOINING_SCRIPTS) and not _refused(value[index])


def describe(char: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE, U+000B (a control character): what the message shows."""
    point = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    return f"{point} {name}" if name else _("%(codepoint)s (control character)") % {"codepoint": point}


def text_error(value: str, *, field: str | None = None, multiline: bool = False) -> InvalidInput | None:
    """The coded error for the first refused character of `value`, or None when the text is clean."""
    found = unsafe_characters(value, multiline=multiline)
    if not found:
        return None
    return character_error(value, found[0][0], field=field)


def character_error(value: str, position: int, *, field: str | None = None) -> InvalidInput:
    """TEXT_CONTROL_CHARACTER for the character at `position` (0-based) of `value`."""
    char = value[position]
    message = _(
        "The character %(char)s at position %(position)d is not allowed: remove control and "
        "text-direction characters."
    ) % {"char": describe(char), "position": position + 1}
    return InvalidInput(CODE, message, field=field, position=position + 1, codepoint=f"U+{ord(char):04X}")


def clean_text(
    value: str, *, field: str | None = None, multiline: bool = False, max_length: int | None = None
) -> str:
    """`value` in NFC, or InvalidInput(TEXT_CONTROL_CHARACTER) naming `field` and the character's
    position; with `max_length`, InvalidInput(MAX_LENGTH) when the normalised text is longer."""
    if max_length is not None and len(value) > max_length * NFC_SHRINK:
        raise length_error(max_length, field=field)  # before the walk: a 100 MB text costs nothing
    error = text_error(value, field=field, multiline=multiline)
    if error is not None:
        raise error
    text = unicodedata.normalize("NFC", value)
    if max_length is not None and len(text) > max_length:
        raise length_error(max_length, field=field)
    return text


def column_max_length(model: type[Model], name: str) -> int | None:
    """The max_length of a model's text column: the limit the API, the forms and the import share."""
    return getattr(model._meta.get_field(name), "max_length", None)


def length_error(max_length: int, *, field: str | None = None) -> InvalidInput:
    """The API's own MAX_LENGTH answer (DRF's message, already translated), for imports and actions."""
    message = _("Ensure this field has no more than {max_length} characters.").format(max_length=max_length)
    return InvalidInput(LENGTH_CODE, message, field=field)


def printable(value: str) -> tuple[str, list[str]]:
    """`value` without the refused characters (tab and line feed kept), and the code points dropped
    ("U+000B", …): for values stored before the rule that must still print."""
    dropped = {index: char for index, char in unsafe_characters(value) if char not in _DOCUMENT_KEPT}
    if not dropped:
        return value, []
    kept = "".join(char for index, char in enumerate(value) if index not in dropped)
    return kept, [f"U+{ord(char):04X}" for char in dropped.values()]


def pinyin_key(value: str) -> tuple[str, str]:
    """Sort Chinese names as a Chinese reader expects, by pinyin (北京银行, 重庆农商银行, 綦江农商银行,
    中国工商银行), where code-point order puts 中 before 北 and 綦 before 重. Phrases read as words
    (重庆 is chong2 qing4); Latin letters and digits stay as typed; homophones fall back to the text,
    so the order is total."""
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(value, style=Style.TONE3, errors="default")).casefold(), value
