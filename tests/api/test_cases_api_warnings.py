"""The R-ID-01 region warning reaches the API's caller (issue 12 §8: an ID number with region code
000000 was accepted without it): filing answers each party's `warnings`, and the party list has them."""

from __future__ import annotations

from stdnum.cn import ric

from tests.api.conftest import API, filing_body


def with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def test_an_unknown_region_code_is_accepted_with_its_warning(world, client_for):
    client = client_for("officer")
    number = with_check("00000019491231002")
    body = filing_body(applicants=[{"kind": "person", "name": "张三", "id_number": number}])
    response = client.post(f"{API}/cases/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201, response.content
    applicant = next(p for p in response.json()["parties"] if p["role"] == "applicant")
    assert len(applicant["warnings"]) == 1 and "000000" in applicant["warnings"][0]
    respondent = next(p for p in response.json()["parties"] if p["role"] == "respondent")
    assert respondent["warnings"] == []
    listed = client.get(f"{API}/cases/{response.json()['id']}/parties/").json()
    rows = listed  # a plain array (docs/api.md)
    assert any("000000" in w for row in rows for w in row["warnings"])
