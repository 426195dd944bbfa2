"""Bad input on /api/v1/: always {code, message, field}, in the caller's language, never a 500,
and nothing half-written (issue 2 "Bad input")."""

from __future__ import annotations

import json

import pytest

from enforcelink.cases.models import Case, Party, ProcessNode
from enforcelink.core.models import AuditEvent, NumberCounter
from tests.api.conftest import API, filing_body

BAD_CHECK_ID = "110105194912310021"  # PERSON_IDS[0] with the wrong check character (R-ID-01)


def rows() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Case, Party, ProcessNode, AuditEvent, NumberCounter))


def post(client, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{API}/cases/", data, content_type="application/json", **extra)


def person(id_number: str, name: str = "张三") -> dict:
    return {"kind": "person", "name": name, "id_number": id_number}


BAD_BODIES = [
    pytest.param("{not json", "PARSE_ERROR", None, id="malformed-json"),
    pytest.param([1, 2], "INVALID_INPUT", None, id="body-not-an-object"),
    pytest.param(filing_body(principal=["1"]), "INVALID_INPUT", "principal", id="amount-wrong-type"),
    pytest.param(filing_body(principal=True), "INVALID_INPUT", "principal", id="amount-boolean"),
    pytest.param(filing_body(applicants="张三"), "NOT_A_LIST", "applicants", id="parties-not-a-list"),
    pytest.param(filing_body(filed_on=20240301), "INVALID_INPUT", "filed_on", id="date-wrong-type"),
    pytest.param(filing_body(urgent="maybe"), "INVALID_INPUT", "urgent", id="boolean-wrong-value"),
    pytest.param(
        filing_body(applicants=[person(BAD_CHECK_ID)]),
        "ID_BAD_CHECK",
        "applicants.0.id_number",
        id="bad-id-check-char-r-id-01",
    ),
    pytest.param(
        filing_body(
            respondents=[{"kind": "organisation", "name": "某公司", "id_number": "91440300192203821X"}]
        ),
        "USCC_INVALID",
        "respondents.0.id_number",
        id="bad-uscc-r-id-02",
    ),
    pytest.param(filing_body(principal="1234.567"), "AMOUNT_PRECISION", "principal", id="three-decimals"),
    pytest.param(filing_body(interest="-5"), "AMOUNT_NEGATIVE", "interest", id="negative-amount"),
    pytest.param(
        filing_body(basis_effective_on="2099-01-01"),
        "BASIS_DATE_FUTURE",
        "basis_effective_on",
        id="future-effective-date",
    ),
    pytest.param(filing_body(filed_on="2099-01-01"), "FILED_ON_FUTURE", "filed_on", id="future-filing-date"),
    pytest.param(filing_body(applicants=[]), "PARTY_REQUIRED", "applicants", id="missing-applicants"),
    pytest.param(
        {k: v for k, v in filing_body().items() if k != "respondents"},
        "PARTY_REQUIRED",
        "respondents",
        id="missing-respondents",
    ),
    pytest.param(filing_body(basis_type="edict"), "INVALID_CHOICE", "basis_type", id="unknown-basis-type"),
    pytest.param(filing_body(type_code="执X"), "INVALID_CHOICE", "type_code", id="unknown-type-code"),
    pytest.param(filing_body(basis_body="法" * 151), "MAX_LENGTH", "basis_body", id="oversized-string"),
    pytest.param(
        filing_body(applicants=[person(BAD_CHECK_ID, name="张" * 151)]),
        "MAX_LENGTH",
        "applicants.0.name",
        id="oversized-party-name",
    ),
    # Issue 12: NUL is one of the control characters the shared text rule refuses, with its code.
    pytest.param(filing_body(basis_number="A\x00B"), "TEXT_CONTROL_CHARACTER", "basis_number", id="nul-byte"),
    pytest.param(
        filing_body(applicants=[person(BAD_CHECK_ID)] * 51), "MAX_LENGTH", "applicants", id="too-many-parties"
    ),
]


@pytest.mark.parametrize(("body", "code", "field"), BAD_BODIES)
def test_bad_filing_names_the_field_and_writes_nothing(world, client_for, body, code, field):
    before = rows()
    response = post(client_for("officer"), body)
    assert response.status_code == 400, response.content
    data = response.json()
    assert {"code", "message", "field"} <= set(data)
    assert (data["code"], data["field"]) == (code, field)
    assert data["message"]
    assert rows() == before


def test_several_errors_are_all_listed(world, client_for):
    body = filing_body(principal="1.001", applicants=[person(BAD_CHECK_ID)], respondents=[])
    data = post(client_for("officer"), body).json()
    assert {(e["code"], e["field"]) for e in data["errors"]} == {
        ("AMOUNT_PRECISION", "principal"),
        ("ID_BAD_CHECK", "applicants.0.id_number"),
        ("PARTY_REQUIRED", "respondents"),
    }
    assert (data["code"], data["field"]) == (data["errors"][0]["code"], data["errors"][0]["field"])


def test_json_numbers_are_exact_decimals_r_money_01(world, client_for):
    """12345.67 as a JSON number is taken as exactly 12345.67, never through a float."""
    response = post(client_for("officer"), filing_body(principal=12345.67, interest=10))
    assert response.status_code == 201, response.json()
    assert (response.json()["principal"], response.json()["interest"]) == ("12345.67", "10.00")
    three = post(client_for("officer"), filing_body(principal=0.105, basis_number="（2023）渝0110民初2号"))
    assert three.json()["code"] == "AMOUNT_PRECISION"


def test_duplicate_filing_is_refused_with_nothing_written(world, client_for):
    client = client_for("officer")
    assert post(client, filing_body()).status_code == 201
    before = rows()
    response = post(client, filing_body())
    assert (response.status_code, response.json()["code"]) == (400, "DUPLICATE_FILING")
    assert rows() == before


def test_message_follows_accept_language(world, client_for):
    client = client_for("officer")
    english = post(client, filing_body(basis_body="x" * 151), HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = post(client, filing_body(basis_body="x" * 151), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english["code"] == chinese["code"] == "MAX_LENGTH"
    assert "150" in english["message"] and english["message"].isascii()
    assert not chinese["message"].isascii()


@pytest.mark.parametrize(
    "path",
    [
        "cases/abc/",
        "cases/1.5/",
        "cases/-1/",
        "cases/99999999999999999999999/",
        "cases/9223372036854775807/",
        "cases/１/",
        "cases/abc/parties/",
        "cases/abc/nodes/",
        "cases/abc/events/",
        "no-such-endpoint/",
    ],
)
def test_malformed_or_unknown_path_is_the_api_404(world, client_for, path):
    response = client_for("officer").get(f"{API}/{path}")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert response.json()["field"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=lost", "status"),
        ("type_code=民", "type_code"),
        ("officer=abc", "officer"),
        ("officer=1.5", "officer"),
        ("officer=99999999999999999999999", "officer"),
        ("filed_on_after=2024-13-01", "filed_on"),
        ("filed_on_before=yesterday", "filed_on"),
        ("party_name=" + "名" * 151, "party_name"),
    ],
)
def test_unknown_filter_values_answer_400(world, client_for, query, field):
    response = client_for("officer").get(f"{API}/cases/?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field


def test_unsupported_media_type_and_method(world, client_for):
    client = client_for("officer")
    form = client.post(f"{API}/cases/", "a=b", content_type="text/plain")
    assert (form.status_code, form.json()["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    delete = client.delete(f"{API}/cases/1/")
    assert (delete.status_code, delete.json()["code"]) == (405, "METHOD_NOT_ALLOWED")


def test_unmatched_path_404_is_byte_identical_to_a_view_404(world, client_for):
    client = client_for("officer")
    assert client.get(f"{API}/cases/1.5/").content == client.get(f"{API}/cases/987654/").content
