"""A unit's structured result on the request and case pages reads with the reply form's labels."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from enforcelink.linkage.templatetags.results import labelled


def test_fields_and_list_rows_are_labelled_in_the_readers_language():
    result = {
        "found": True,
        "accounts": [{"institution": "某银行", "account": "6222", "balance": "10.00"}],
        "served_on": "2026-12-01",
        "unknown_field": None,
    }
    with translation.override("zh-hans"):
        fields = labelled(result)
        html = render_to_string("linkage/_result.html", {"result": result})
    assert fields[0] == {"label": "是否查找到财产", "text": "是"}
    assert (
        fields[1]["rows"] and "某银行" in fields[1]["rows"][0] and "institution" not in fields[1]["rows"][0]
    )
    assert fields[2] == {"label": "送达日期", "text": "2026-12-01"}
    assert fields[3] == {"label": "unknown_field", "text": ""}  # a name the form does not know stays as it is
    assert "served_on" not in html and "accounts" not in html and "某银行" in html


def test_an_empty_list_and_a_non_dict_result():
    assert labelled("text") == []
    with translation.override("en"):
        [field] = labelled({"accounts": []})
        assert field == {"label": "Accounts", "rows": []}
        assert "—" in render_to_string("linkage/_result.html", {"result": {"accounts": []}})
        assert labelled({"found": False}) == [{"label": "Anything found", "text": "no"}]
