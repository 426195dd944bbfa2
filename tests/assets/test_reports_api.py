"""/api/v1/ for the property report, the applicant's leads and re-inquiry after 终本: the same actions
as the case page, errors as {code, message, field}, another court's case the same 404 as a missing
one, and every endpoint in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enforcelink.assets.reports.models import PropertyReport, Reinquiry, ReportFinding
from enforcelink.cases import policy as cases_policy
from enforcelink.cases.actions import case_close
from enforcelink.documents.case_issue import case_document_issue

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def report(world, case):
    case_document_issue(case, kind="property_report_order", actor=world.officer)
    return PropertyReport.objects.get(case=case)


def base(case) -> str:
    return f"/api/v1/cases/{case.pk}/"


def test_report_list_enter_and_decide(client_for, world, case, report):
    api = client_for("officer")
    listed = api.get(base(case) + "property-reports/").json()
    assert [row["due_on"] for row in listed] == [report.due_on.isoformat()] and listed[0][
        "status"
    ] == "awaiting"
    bad = api.post(base(case) + f"property-reports/{report.pk}/report/",
                   {"items": [{"kind": "deposit", "identifier": "1", "value": "1.005"}]}, format="json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["field"] == "items.0.value"
    PropertyReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    done = api.post(base(case) + f"property-reports/{report.pk}/report/",
                    {"items": [{"kind": "vehicle", "identifier": "渝A12345"}]}, format="json")  # fmt: skip
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["status"] == "reported" and [f["kind"] for f in body["findings"]] == ["late"]
    finding = ReportFinding.objects.get()
    decided = api.post(base(case) + f"report-findings/{finding.pk}/decision/",
                       {"decision": "dismissed", "reason": "送达地址有误，报告期限重新起算"}, format="json")  # fmt: skip
    assert decided.status_code == 200 and decided.json()["status"] == "dismissed"


def test_link_is_made_and_works_once(client_for, client, world, case, report, settings):
    settings.PUBLIC_URL = "https://zxlf.example.gov.cn"  # the address the debtor opens, not the API's host
    made = client_for("officer").post(base(case) + f"property-reports/{report.pk}/link/")
    assert made.status_code == 201
    url = made.json()["url"]
    assert url.startswith("https://zxlf.example.gov.cn/") and "/report/" in url
    path = url[url.index("/report/") :]
    assert client.post(path, {"declares_nothing": "1"}).status_code == 200
    assert client.get(path).status_code == 410


def test_leads_through_the_api(client_for, world, case):
    api = client_for("officer")
    made = api.post(
        base(case) + "leads/", {"description": "被执行人持有某公司股权", "urgent": True}, format="json"
    )
    assert made.status_code == 201 and made.json()["verify_by"] and made.json()["outcome"] == "pending"
    lead = made.json()["id"]
    refused = api.post(
        base(case) + f"leads/{lead}/verification/", {"outcome": "not_confirmed"}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "note"
    done = api.post(base(case) + f"leads/{lead}/verification/",
                    {"outcome": "not_confirmed", "note": "市场监管局查无登记"}, format="json")  # fmt: skip
    assert done.status_code == 200 and done.json()["outcome"] == "not_confirmed"
    assert [row["id"] for row in api.get(base(case) + "leads/").json()] == [lead]


def test_reinquiry_rounds_are_listed(client_for, world, case):
    case_close(case, mode="terminated_this_round", closed_on=timezone.localdate(),
               details={key: True for key in cases_policy.ZB_CHECKLIST}, actor=world.officer)  # fmt: skip
    rows = client_for("officer").get(base(case) + "reinquiries/").json()
    assert [row["round"] for row in rows] == list(range(1, 11))
    first = Reinquiry.objects.get(case=case, round=1)
    assert client_for("outsider").post(base(case) + f"reinquiries/{first.pk}/resume/").status_code == 404


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "property-reports/"),
        ("post", "property-reports/{report}/report/"),
        ("post", "property-reports/{report}/link/"),
        ("get", "leads/"),
        ("post", "leads/"),
        ("get", "reinquiries/"),
    ],
)
def test_another_courts_case_is_the_same_404_as_a_missing_one(client_for, world, case, report, method, path):
    api = client_for("outsider")
    theirs = getattr(api, method)(base(case) + path.format(report=report.pk), {}, format="json")
    missing = getattr(api, method)(f"/api/v1/cases/999999/{path.format(report=report.pk)}", {}, format="json")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/cases/{case_id}/property-reports/",
        "/api/v1/cases/{case_id}/property-reports/{report_id}/report/",
        "/api/v1/cases/{case_id}/property-reports/{report_id}/link/",
        "/api/v1/cases/{case_id}/report-findings/{finding_id}/decision/",
        "/api/v1/cases/{case_id}/leads/",
        "/api/v1/cases/{case_id}/leads/{lead_id}/inquiry/",
        "/api/v1/cases/{case_id}/leads/{lead_id}/records/",
        "/api/v1/cases/{case_id}/leads/{lead_id}/verification/",
        "/api/v1/cases/{case_id}/reinquiries/",
        "/api/v1/cases/{case_id}/reinquiries/{round_id}/resume/",
    ):
        assert path in paths, path


def test_a_superseded_report_says_by_which_and_why(client_for, world, case, report):
    case_document_issue(case, kind="property_report_order", actor=world.officer)
    newer = PropertyReport.objects.exclude(pk=report.pk).get(case=case)
    api = client_for("officer")
    rows = {row["id"]: row for row in api.get(base(case) + "property-reports/").json()}
    assert rows[report.pk]["status"] == "superseded" and rows[report.pk]["superseded_by"] == newer.pk
    assert rows[report.pk]["closed_reason"] and rows[newer.pk]["superseded_by"] is None
    refused = api.post(base(case) + f"property-reports/{report.pk}/report/",
                       {"items": [{"kind": "vehicle", "identifier": "渝A12345"}]}, format="json")  # fmt: skip
    assert refused.status_code == 400 and refused.json()["code"] == "REPORT_SUPERSEDED"
