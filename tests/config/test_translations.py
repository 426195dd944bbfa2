"""Translations: zh_Hant is generated from zh_Hans with OpenCC s2t (`enforcelink translate-hant`)."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from enforcelink.core.management.commands.translate_hant import convert_po, converter

SAMPLE = """msgid ""
msgstr ""
"Language: zh_Hans\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

#: cases/models.py:1
msgid "Applicant"
msgstr "申请执行人"

#, python-format
msgid "%(count)d case"
msgid_plural "%(count)d cases"
msgstr[0] "%(count)d 件执行案件"

msgid "Respondent"
msgstr ""
"被执行人"
"（终本）"
"""


def test_convert_po_converts_translations_and_keeps_everything_else():
    out = convert_po(SAMPLE, converter())
    assert 'msgstr "申請執行人"' in out
    assert 'msgstr[0] "%(count)d 件執行案件"' in out
    assert '"被執行人"\n"（終本）"' in out
    assert 'msgid "Applicant"' in out and "#, python-format" in out
    assert '"Language: zh_Hant\\n"' in out
    assert out.startswith("# Generated from zh_Hans")


def test_the_committed_zh_hant_catalogue_is_up_to_date():
    """Fails when zh_Hans was edited without re-running `enforcelink translate-hant`."""
    call_command("translate_hant", "--check", stdout=io.StringIO())


@pytest.mark.parametrize(("language", "word"), [("zh-hans", "登录"), ("zh-hant", "登錄"), ("en", "Log in")])
def test_login_page_in_each_language(client, db, language, word):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert word in html


def test_every_language_has_a_catalogue():
    locale = settings.LOCALE_PATHS[0]
    for name in ("zh_Hans", "zh_Hant", "en"):
        assert (locale / name / "LC_MESSAGES" / "django.po").exists()
