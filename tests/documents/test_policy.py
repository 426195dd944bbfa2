"""Template rules: only catalogue placeholders, no logic in braces, required data named with the case."""

from __future__ import annotations

import pytest

from enforcelink.core.errors import DomainError
from enforcelink.documents import policy
from enforcelink.documents.models import DocumentKind
from enforcelink.documents.placeholders import catalogue

ALLOWED = catalogue(DocumentKind.EXECUTION_NOTICE)


def test_known_placeholders_are_listed_in_order():
    body = "# {{ court_name }}\n{{case_number}} {{ court_name }} {{ amount_total_capital }}"
    assert policy.check_template(body, ALLOWED) == ["court_name", "case_number", "amount_total_capital"]


def test_unknown_placeholder_is_refused_by_name():
    with pytest.raises(DomainError) as caught:
        policy.check_template("{{ case_number }} {{ debtor_salary }} {{ shoe_size }}", ALLOWED)
    assert caught.value.code == "UNKNOWN_PLACEHOLDER"
    assert "debtor_salary" in str(caught.value.message) and "shoe_size" in str(caught.value.message)
    assert caught.value.params["names"] == ["debtor_salary", "shoe_size"]
    assert caught.value.field == "body"


def test_full_ids_refused_in_a_public_template():
    """R-ID-05: the bounty notice may not print full ID numbers."""
    with pytest.raises(DomainError) as caught:
        policy.check_template("{{ respondents_detail }}", catalogue(DocumentKind.BOUNTY_NOTICE))
    assert caught.value.code == "UNKNOWN_PLACEHOLDER"


@pytest.mark.parametrize(
    "body", ["ok\n{% if x %}y{% endif %}", "{{ case_number|upper }}", "{{ case.number }}", "a }} b"]
)
def test_logic_and_filters_are_refused_with_the_line(body):
    with pytest.raises(DomainError) as caught:
        policy.check_template(body, ALLOWED)
    assert caught.value.code == "TEMPLATE_SYNTAX"
    assert caught.value.params["line"] == body.count("\n") + 1


def test_empty_template_refused():
    with pytest.raises(DomainError) as caught:
        policy.check_template("  \n ", ALLOWED)
    assert caught.value.code == "TEMPLATE_EMPTY"


def test_missing_required_data_names_field_and_case():
    with pytest.raises(DomainError) as caught:
        policy.check_required(
            ["addressee", "measure", "interest"],
            {"addressee": " ", "interest": ""},
            {"addressee", "measure"},
            case_number="（2024）渝0110执1号",
        )
    assert caught.value.code == "MISSING_DATA"
    assert caught.value.field == "addressee"
    assert "（2024）渝0110执1号" in str(caught.value.message)
    assert "measure" in str(caught.value.message)
    assert "interest" not in str(caught.value.message)


def test_document_number_per_court_kind_and_year():
    assert policy.document_number(2026, "渝0110", "execution_notice", 12) == "（2026）渝0110执通12号"
    assert set(policy.NUMBER_WORDS) == set(DocumentKind.values)
    assert len(set(policy.NUMBER_WORDS.values())) == len(policy.NUMBER_WORDS)
