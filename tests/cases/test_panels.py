"""The case page is the hub (issue 14 §2): the panels the apps above cases register (`cases.panels`) —
the case's documents with their downloads and codes and what may be issued, its requests by unit and
type with their results in words — shown to those who see them, in the order an officer works."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcelink.cases import panels
from enforcelink.cases.models import Case
from enforcelink.documents.actions import format_code
from enforcelink.documents.case_issue import case_document_issue
from enforcelink.documents.models import Document
from enforcelink.linkage.actions import (
    request_acknowledge,
    request_complete,
    request_reject,
    requests_fan_out,
)
from enforcelink.linkage.panels import result_summary
from enforcelink.orgs.models import Role
from tests.factories import UnitFactory, UserFactory, file_case
from tests.linkage.conftest import ask

pytestmark = pytest.mark.usefixtures("english")


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def page(user, case):
    return client_for(user).get(reverse("case-detail", args=[case.pk]))


def shown(response) -> dict:
    return {
        panel.key: panel for panel in panels.panels_for(response.context["case"], response.wsgi_request.user)
    }


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer, principal="200000.00")


@pytest.fixture
def busy(world, case):
    """A case with an execution notice and three requests: one answered with money, one rejected."""
    notice = case_document_issue(case, kind="execution_notice", actor=world.officer)
    bank2 = UnitFactory(region=world.region, name="工商银行綦江支行")
    deposits, frozen, other = requests_fan_out(
        case,
        [
            ask(world.unit),
            ask(world.unit, "freeze", amount="124700.50", account="6217000012345678"),
            ask(bank2),
        ],
        actor=world.officer,
    )
    request_acknowledge(frozen, actor=world.liaison)
    until = (timezone.localdate() + dt.timedelta(days=300)).isoformat()
    request_complete(
        frozen,
        result={"frozen_amount": "124700.50", "frozen_until": until, "account": "6217000012345678"},
        actor=world.liaison,
    )
    request_complete(
        deposits,
        result={"found": True, "accounts": [{"institution": "綦江农商银行", "account": "6217000099998888", "balance": "8800.00"}]},
        actor=world.liaison,
    )  # fmt: skip
    return {"notice": notice, "deposits": deposits, "frozen": frozen, "other": other, "bank2": bank2}


def test_the_providers_are_registered_by_the_apps_above():
    assert {"documents.issued", "linkage.requests"} <= set(panels.registered())


def test_documents_before_requests_and_both_before_the_actions(world, case):
    response = page(world.officer, case)
    order = list(shown(response))
    assert order[:2] == ["documents", "linkage"] and "assets" in order  # issue 15's panels come after
    body = response.content.decode()
    assert (
        body.index('id="nodes"')
        < body.index('id="documents"')
        < body.index('id="linkage"')
        < body.index('id="actions"')
    )
    assert body.index('id="action-step"') < body.index('id="action-close"')  # closure last


def test_the_issue_offers_come_in_the_officers_order(world, case):
    body = page(world.officer, case).content.decode()
    positions = [body.index(f'id="issue-{kind}"') for kind in ("execution_notice", "property_report_order", "consumption_restriction", "termination_ruling")]  # fmt: skip
    assert positions == sorted(positions)
    assert body.index('id="issue-property_report_order"') < body.index(
        'id="case-requests-link"'
    )  # then the inquiries
    assert 'id="issue-assistance_notice"' not in body and 'id="issue-consumption_lifting"' not in body
    # the notice's clock is pending, and the offer says which day it is due
    notice = case.nodes.get(kind="execution_notice")
    assert f"clock due {notice.due_on:%Y-%m-%d}" in body
    assert (
        "case_number" not in body.split('id="issue-execution_notice"')[1].split("</details>")[0]
    )  # nothing to retype


def test_documents_panel_lists_downloads_and_codes(world, case, busy):
    notice = busy["notice"]
    body = page(world.officer, case).content.decode()
    section = body.split('id="documents"')[1].split("</section>")[0]
    assert notice.number in section and format_code(notice.verification_code) in section
    for fmt in ("pdf", "docx"):
        assert reverse("document-download", args=[notice.pk, fmt]) in section
    assert reverse("document-verify-code", args=[notice.verification_code]) in section
    # the requests' assistance notices are documents of the case too: numbered now, made on first download
    reserved = Document.objects.filter(case=case, kind="assistance_notice").exclude(files__isnull=False)
    assert reserved.exists()
    for document in reserved:
        assert reverse("document-download", args=[document.pk, "docx"]) in section
    response = client_for(world.officer).get(reverse("document-download", args=[reserved[0].pk, "docx"]))
    assert response.status_code == 200
    assert (
        client_for(world.officer)
        .get(reverse("document-download", args=[notice.pk, "pdf"]))
        .content.startswith(b"%PDF")
    )


def test_requests_panel_groups_by_unit_and_type_with_results_in_words(world, case, busy):
    response = page(world.officer, case)
    groups = shown(response)["linkage"].context["groups"]
    assert [group.unit for group in groups] == sorted([world.unit.name, busy["bank2"].name])
    mine = next(group for group in groups if group.unit == world.unit.name)
    assert sorted(kind.requests[0].request_type for kind in mine.kinds) == ["freeze", "inquire_deposits"]
    section = response.content.decode().split('id="linkage"')[1].split("</section>")[0]
    assert "124,700.50 元" in section and "124700.50" not in section  # money as money, never raw
    assert "8,800.00 元" in section and "Anything found: yes" in section
    assert "{" not in section  # no JSON
    for request in (busy["deposits"], busy["frozen"], busy["other"]):
        assert reverse("request-detail", args=[request.pk]) in section
    other = busy["other"]
    other.refresh_from_db()
    assert (
        other.status == "sent" and f"{other.due_on:%Y-%m-%d}" in section
    )  # still with the unit: its due date
    assert 'id="case-requests-link"' in section and "Send a request to units" in section


def test_a_rejected_request_shows_its_reason(world, case, busy):
    liaison = UserFactory(unit=busy["bank2"], role=Role.LIAISON)
    request_reject(busy["other"], reason="查无此人", actor=liaison)
    section = page(world.officer, case).content.decode().split('id="linkage"')[1].split("</section>")[0]
    assert "查无此人" in section


def test_result_summary_formats_each_kind_of_field():
    lines = result_summary(
        "freeze", {"frozen_amount": "1000000", "frozen_until": "2027-01-31", "account": "A1", "note": ""}
    )
    assert lines[0] == "Amount frozen (yuan): 1,000,000.00 元"
    assert lines[1].startswith("Frozen until: ") and "2027" in lines[1] and "2027-01-31" not in lines[1]
    assert lines[3] == "Note: —"
    many = [{"institution": f"银行{i}", "account": str(i), "balance": "1.5"} for i in range(5)]
    lines = result_summary("inquire_deposits", {"found": True, "accounts": many})
    assert lines[:3] == ["Anything found: yes", "Accounts: 5", "银行0 · 0 · 1.50 元"]
    assert lines[-1] == "… and 2 more"
    assert result_summary("freeze", "not a dict") == []
    assert result_summary("freeze", {"frozen_amount": "abc"}) == [
        "Amount frozen (yuan): abc"
    ]  # an old row, as stored


# --- scope ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "liaison", "other_liaison"])
def test_other_courts_and_units_see_nothing_of_it(world, case, busy, who):
    reader = getattr(world, who)
    assert page(reader, case).status_code == 404
    assert panels.panels_for(case, reader) == []  # even asked directly, the providers give nothing


def test_a_liaison_sees_only_its_own_requests_on_the_request_pages(world, case, busy):
    """The liaison reaches requests from its inbox, never the case page; what the case page's panel
    reads (`visible_requests`) holds for a liaison only what was sent to its unit."""
    from enforcelink.linkage.queries import visible_requests

    assert set(visible_requests(world.liaison).filter(case=case)) == {busy["deposits"], busy["frozen"]}


def test_the_supervisor_reads_but_is_offered_nothing(world, case, busy):
    response = page(world.supervisor, case)
    assert response.status_code == 200
    found = shown(response)
    assert found["documents"].context["offers"] == [] and found["documents"].context["issued"]
    assert found["linkage"].context["may_send"] is False
    body = response.content.decode()
    assert 'id="issue-execution_notice"' not in body and "Send a request to units" not in body


def test_a_closed_case_offers_no_issuing_and_no_sending(world, case, busy):
    Case.objects.filter(pk=case.pk).update(status="closed")
    body = page(world.officer, case).content.decode()
    assert 'class="action issue-offer' not in body
    assert "The case is closed: no more documents are issued on it." in body
    assert "Send a request to units" not in body
    assert busy["notice"].number in body  # what was issued stays listed


def test_the_case_page_reads_in_a_fixed_number_of_queries(world, case, django_assert_max_num_queries):
    client = client_for(world.officer)
    case_document_issue(case, kind="execution_notice", actor=world.officer)
    # A property report order opens a report, whose panel reads its one-time link once (a state of
    # the case, not a number of documents): issued before the baseline.
    case_document_issue(case, kind="property_report_order", actor=world.officer)
    requests_fan_out(case, [ask(world.unit)], actor=world.officer)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("case-detail", args=[case.pk]))
    baseline = len(few.captured_queries)
    for kind in ("consumption_restriction", "exit_restriction", "execution_notice"):
        case_document_issue(case, kind=kind, actor=world.officer)
    for _ in range(3):
        requests_fan_out(
            case, [ask(world.unit), ask(world.unit, "inquire_online_funds")], actor=world.officer
        )
    assert Document.objects.filter(case=case).count() >= 10
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("case-detail", args=[case.pk]))
    assert len(shown(response)["documents"].context["issued"]) >= 10
