"""The language menu names each language in itself (issue 14 §7): a reader who cannot read the page's
language must still find their own. The menu used settings.LANGUAGES through gettext, so "English"
read 英语 on a Chinese page, a name an English reader does not recognise."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _options(html: str) -> list[tuple[str, str, str]]:
    menu = re.search(r'<select id="language-select".*?</select>', html, flags=re.S)
    assert menu is not None
    return re.findall(r'<option value="([^"]+)" lang="([^"]+)"[^>]*>([^<]+)</option>', menu.group(0))


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_each_language_is_named_in_itself_whatever_the_page_language(client, language):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert _options(html) == [
        ("zh-hans", "zh-hans", "简体中文"),
        ("zh-hant", "zh-hant", "繁體中文"),
        ("en", "en", "English"),
    ]
    assert "英语" not in html


def test_the_page_language_is_the_selected_one(client):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert re.search(r'<option value="zh-hant" lang="zh-hant" selected>', html)
