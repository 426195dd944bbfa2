"""/api/v1/cases/<id>/funds/ and …/funds/entries/ (issue 15 §11): read-only, ownership-tested —
another court's case is the same 404 as a missing one (STYLE.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from enforcelink.funds import actions, references
from tests.factories import file_case

ON = dt.date(2024, 5, 2)


@pytest.fixture
def booked(world, clerk, case):
    first = actions.receipt_record(
        case, "700.00", source="voluntary", value_on=ON, reference="A1", actor=clerk
    )
    actions.receipt_record(case, "300.00", source="deduction", value_on=ON, reference="A2", actor=clerk)
    actions.journal_reverse(first.journal, reason="退回付款人", actor=clerk)
    return case


def test_the_case_account_with_balance_recovered_and_standing(world, client_for, booked):
    body = client_for("officer").get(f"/api/v1/cases/{booked.pk}/funds/").json()
    reference = booked.fund_account.reference
    assert body["reference"] == reference and body["reference_grouped"] == references.grouped(reference)
    assert body["balance"] == "300.00" and body["recovered"] == "300.00"
    standing = body["standing"]
    # R-FUND-03: what was received pays the application fee (1,700.00 on 120,000.00) first.
    assert standing["fee"] == {"owed": "1700.00", "paid": "300.00", "outstanding": "1400.00"}
    assert standing["principal"] == {"owed": "120000.00", "paid": "0.00", "outstanding": "120000.00"}
    assert standing["doubled_interest_computed"] is False and standing["met"] is False
    assert standing["outstanding"] == "121400.00" and standing["trace"]
    assert body["fee"] == {"owed": "1700.00", "scale": "1700.00", "decided": None, "reason": "", "paid": "300.00",
                           "collected": "0.00", "held": "300.00"}  # fmt: skip


def test_the_entries_newest_first_with_reversals_marked(world, client_for, booked):
    body = client_for("officer").get(f"/api/v1/cases/{booked.pk}/funds/entries/").json()
    rows = body["results"]
    assert [row["kind"] for row in rows] == ["reversal", "receipt_deduction", "receipt_voluntary"]
    assert [row["amount"] for row in rows] == ["700.00", "-300.00", "-700.00"]
    assert rows[2]["reversed"] is True and rows[1]["reversed"] is False
    assert rows[0]["reverses"] == rows[2]["journal"] and rows[0]["memo"] == "退回付款人"


@pytest.mark.parametrize("path", ["funds/", "funds/entries/"])
@pytest.mark.parametrize("who", ["outsider", "liaison", "other_liaison"])
def test_another_courts_case_is_the_same_404_as_a_missing_one(world, client_for, booked, path, who):
    client = client_for(who)
    theirs = client.get(f"/api/v1/cases/{booked.pk}/{path}")
    missing = client.get(f"/api/v1/cases/99999999/{path}")
    malformed = client.get(f"/api/v1/cases/abc/{path}")
    assert theirs.status_code == missing.status_code == malformed.status_code == 404
    assert theirs.json() == missing.json() == malformed.json()


@pytest.mark.parametrize("path", ["funds/", "funds/entries/"])
def test_anonymous_callers_are_refused(world, client_for, booked, path):
    assert client_for(None).get(f"/api/v1/cases/{booked.pk}/{path}").status_code == 401


@pytest.mark.parametrize("path", ["funds/", "funds/entries/"])
def test_the_ledger_api_writes_nothing(world, client_for, booked, clerk, path):
    client = client_for("officer")
    for method in ("post", "put", "patch", "delete"):
        assert (
            getattr(client, method)(f"/api/v1/cases/{booked.pk}/{path}", {}, format="json").status_code == 405
        )


def test_the_fund_clerk_reads_it_too(world, clerk, booked):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(clerk)
    assert client.get(f"/api/v1/cases/{booked.pk}/funds/").json()["balance"] == "300.00"


def test_a_non_money_case_has_no_standing(world, client_for):
    case = file_case(world.court, world.officer, is_money_case=False, principal="0")
    assert client_for("officer").get(f"/api/v1/cases/{case.pk}/funds/").json()["standing"] is None


def test_the_schema_documents_both_paths(world, client_for):
    schema = client_for("officer").get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/{case_id}/funds/" in schema["paths"]
    assert "/api/v1/cases/{case_id}/funds/entries/" in schema["paths"]
