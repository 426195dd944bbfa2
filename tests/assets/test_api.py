"""/api/v1/ for asset inquiry: start an inquiry, a case's inquiries and asset records, the
supervisors' sample and verdicts; errors {code, message, field}; another court's case answers like
a missing one, and a unit's liaison or system reads no asset record."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from enforcelink.assets.actions import inquiry_sample, inquiry_start
from enforcelink.assets.models import Inquiry
from enforcelink.orgs.api_auth import api_key_issue
from tests.assets.conftest import ACCOUNT, answer

pytestmark = pytest.mark.usefixtures("english")


def _url(case, what):
    return f"/api/v1/cases/{case.pk}/{what}/"


def test_start_an_inquiry_and_read_it_back(client_for, world, units, case):
    api = client_for("officer")
    response = api.post(
        _url(case, "inquiries"), {"kinds": ["inquire_deposits", "inquire_exit_entry"]}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kinds"] == ["inquire_deposits", "inquire_exit_entry"] and body["automatic"] is False
    assert [(r["unit_name"], r["request_type"], r["status"], r["answer"]) for r in body["requests"]] == [
        ("綦江农商银行", "inquire_deposits", "sent", "pending")
    ]
    assert [(r["request_type"], r["code"]) for r in body["refusals"]] == [
        ("inquire_exit_entry", "PERSON_ONLY_REQUEST")
    ]
    assert body["purpose"] and body["legal_basis"]  # the defaults, recorded (R-ASSET-01)
    listed = api.get(_url(case, "inquiries")).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_bad_input_is_coded_and_names_the_field(client_for, world, units, case):
    api = client_for("officer")
    response = api.post(_url(case, "inquiries"), {"kinds": ["freeze"]}, format="json")
    assert response.status_code == 400 and response.json()["field"].startswith("kinds")
    response = api.post(_url(case, "inquiries"), {"purpose": "   "}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "purpose"
    assert not Inquiry.objects.exists()


def test_asset_records_with_their_sources(client_for, world, units, case):
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    answer(units, report.made[0], {"found": True, "accounts": [ACCOUNT]})
    [record] = client_for("officer").get(_url(case, "assets")).json()["results"]
    assert (
        record["kind"] == "deposit"
        and record["value"] == "12345.67"
        and record["sources"] == [report.made[0].pk]
    )
    assert record["unit_name"] == "綦江农商银行" and record["identifier"] == "6228 4801 2345 6789"


@pytest.mark.parametrize("what", ["inquiries", "assets"])
def test_another_courts_case_is_the_same_404_as_a_missing_one(client_for, world, units, case, what):
    api = client_for("outsider")
    other = api.get(_url(case, what))
    missing = api.get(f"/api/v1/cases/{case.pk + 1000}/{what}/")
    assert other.status_code == missing.status_code == 404 and other.json() == missing.json()
    assert client_for("outsider").post(_url(case, "inquiries"), {}, format="json").status_code == 404


@pytest.mark.parametrize("what", ["inquiries", "assets"])
def test_a_units_liaison_or_system_reads_no_asset_record(client_for, world, units, case, what):
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    answer(units, report.made[0], {"found": True, "accounts": [ACCOUNT]})
    assert client_for("liaison").get(_url(case, what)).status_code == 404
    _key, secret = api_key_issue(world.unit, name="核心系统", actor="test")
    system = APIClient()
    system.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert system.get(_url(case, what)).status_code == 404


def test_a_supervisor_reads_but_does_not_inquire(client_for, world, units, case):
    api = client_for("supervisor")
    assert api.get(_url(case, "inquiries")).status_code == 200
    assert api.post(_url(case, "inquiries"), {}, format="json").status_code == 403  # reads, never writes
    assert not Inquiry.objects.exists()


def test_the_sample_and_the_verdict(client_for, world, units, case):
    inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    api = client_for("supervisor")
    today = timezone.localdate().isoformat()
    drawn = api.post(
        "/api/v1/inquiry-samples/", {"start": today, "end": today, "size": 5, "seed": 42}, format="json"
    )
    assert drawn.status_code == 201, drawn.json()
    body = drawn.json()
    assert body["seed"] == 42 and body["population"] == 1 and len(body["items"]) == 1
    item = body["items"][0]
    assert item["case_number"] == case.number and item["inquiry"]["purpose"]
    verdict = api.post(f"/api/v1/inquiry-samples/{body['id']}/items/{item['id']}/verdict/",
                       {"verdict": "no_basis", "note": "依据写错"}, format="json")  # fmt: skip
    assert verdict.status_code == 200 and verdict.json()["verdict"] == "no_basis"
    again = api.post(f"/api/v1/inquiry-samples/{body['id']}/items/{item['id']}/verdict/",
                     {"verdict": "proper"}, format="json")  # fmt: skip
    assert (
        again.status_code >= 400
        and again.json()["code"] == "ALREADY_REVIEWED"
        and again.json()["field"] == "verdict"
    )
    assert [row["id"] for row in api.get("/api/v1/inquiry-samples/").json()["results"]] == [body["id"]]


@pytest.mark.parametrize("who", ["officer", "liaison", "outsider"])
def test_samples_are_the_supervisors(client_for, world, units, case, who):
    inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    today = timezone.localdate()
    sample = inquiry_sample(world.body, start=today, end=today, size=1, actor=world.supervisor)
    api = client_for(who)
    assert api.get(f"/api/v1/inquiry-samples/{sample.pk}/").status_code == 404
    assert api.get("/api/v1/inquiry-samples/").json()["results"] == []
    item = sample.items.get()
    response = api.post(f"/api/v1/inquiry-samples/{sample.pk}/items/{item.pk}/verdict/", {"verdict": "proper"},
                        format="json")  # fmt: skip
    assert response.status_code == 404
    drawn = api.post("/api/v1/inquiry-samples/", {"start": today.isoformat(), "end": today.isoformat(), "size": 1},
                     format="json")  # fmt: skip
    assert drawn.status_code == 404


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/cases/{case_id}/inquiries/", "/api/v1/cases/{case_id}/assets/", "/api/v1/inquiry-samples/",
            "/api/v1/inquiry-samples/{sample_id}/items/{item_id}/verdict/"} <= set(paths)  # fmt: skip
    assert "post" in paths["/api/v1/cases/{case_id}/inquiries/"]
