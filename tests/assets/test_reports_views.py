"""The case page's panel for the property report, leads and re-inquiry, its forms, and the debtor's
public form reached by a one-time link: reuse, expiry and tampering answered with a clear page
(410), never a 500; rate-limited per address (429). Another court's case is a 404 everywhere."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.reports import actions
from enforcelink.assets.reports.models import (
    LeadCheck,
    PropertyReport,
    ReportFinding,
    ReportLink,
    ReportStatus,
)
from enforcelink.cases.models import AssetLead
from enforcelink.documents.case_issue import case_document_issue

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def client(client):
    """Pages in English, the language the assertions read."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def report(world, case):
    case_document_issue(case, kind="property_report_order", actor=world.officer)
    return PropertyReport.objects.get(case=case)


def _panel(client, user, case) -> str:
    client.force_login(user)
    body = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    start = body.index('id="property-report"')
    return body[start : body.index("</section>", start)]


def test_panel_shows_the_report_due_date_and_its_forms(client, world, case, report):
    panel = _panel(client, world.officer, case)
    assert report.due_on.isoformat() in panel and report.order.number in panel
    assert reverse("property-report-enter", args=[case.pk, report.pk]) in panel
    assert reverse("lead-add", args=[case.pk]) in panel


def test_staff_enter_the_report_and_decide_a_finding(client, world, case, report):
    PropertyReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(world.officer)
    url = reverse("property-report-enter", args=[case.pk, report.pk])
    response = client.post(
        url, {"items-0-kind": "vehicle", "items-0-identifier": "渝A12345", "items-1-kind": ""}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.REPORTED and report.items.count() == 1
    finding = ReportFinding.objects.get(kind="late")
    panel = _panel(client, world.officer, case)
    assert f'data-finding="{finding.pk}"' in panel and "Reported late" in panel
    assert '<option value="" selected>— choose the decision —</option>' in panel  # nothing preselected
    decide = reverse("report-finding-decide", args=[case.pk, finding.pk])
    client.post(decide, {"decision": "", "reason": "迟延报告无正当理由"})  # refused: no decision chosen
    finding.refresh_from_db()
    assert finding.status == "open"
    client.post(decide, {"decision": "confirmed", "reason": ""})  # refused: no reason
    finding.refresh_from_db()
    assert finding.status == "open"
    client.post(decide, {"decision": "confirmed", "reason": "迟延报告无正当理由"})
    finding.refresh_from_db()
    assert finding.status == "confirmed"


def test_bad_entry_is_a_message_not_a_500(client, world, case, report):
    client.force_login(world.officer)
    url = reverse("property-report-enter", args=[case.pk, report.pk])
    response = client.post(
        url, {"items-0-kind": "deposit", "items-0-identifier": "1", "items-0-value": "1.234"}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200 and "An amount has at most two decimals" in body
    response = client.post(url, {"on": "not-a-date", "declares_nothing": "1"}, follow=True)
    assert response.status_code == 200 and "Enter a date" in response.content.decode()
    assert PropertyReport.objects.get(pk=report.pk).status == ReportStatus.AWAITING


def test_leads_from_the_page(client, world, case):
    client.force_login(world.officer)
    client.post(reverse("lead-add", args=[case.pk]), {"description": "被执行人有一辆货车", "urgent": "1"})
    lead = AssetLead.objects.get(case=case)
    assert lead.urgent and LeadCheck.objects.filter(lead=lead).exists()
    panel = _panel(client, world.officer, case)
    assert f'data-lead="{lead.pk}"' in panel
    client.post(
        reverse("lead-conclude", args=[case.pk, lead.pk]),
        {"outcome": "not_confirmed", "note": "车管所查无此车"},
    )
    assert LeadCheck.objects.get(lead=lead).outcome == "not_confirmed"


def test_an_overdue_lead_lights_up(client, world, case):
    from enforcelink.assets.reports.leads import lead_add
    from enforcelink.cases.models import ProcessNode

    lead = lead_add(case, description="线索", urgent=False, actor=world.officer)
    ProcessNode.objects.filter(lead=lead).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    panel = _panel(client, world.officer, case)
    row = panel[panel.index(f'data-lead="{lead.pk}"') - 40 :]
    assert "row-alert" in row[:200] and "Overdue" in row


@pytest.mark.parametrize(
    "name, args",
    [
        ("property-report-enter", "report"),
        ("property-report-link", "report"),
        ("property-report-compare", "report"),
        ("lead-add", None),
    ],
)
def test_another_courts_case_is_not_found(client, world, case, report, name, args):
    client.force_login(world.outsider)
    url = reverse(name, args=[case.pk, report.pk] if args else [case.pk])
    assert client.post(url, {}).status_code == 404
    missing = reverse(name, args=[999999, report.pk] if args else [999999])
    assert client.post(missing, {}).status_code == 404


# --- the debtor's public form ----------------------------------------------------------------------


def test_public_form_takes_the_report_once(client, world, case, report):
    _link, token = actions.link_create(report, actor=world.officer)
    url = reverse("property-report-public", args=[token])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and case.number in body and 'id="report-form"' in body
    assert world.officer.username not in body and "重庆某建材有限公司" not in body  # only the case number
    done = client.post(
        url, {"items-0-kind": "real_estate", "items-0-identifier": "渝(2020)綦江区不动产权第1号"}
    )
    assert done.status_code == 200 and 'id="report-done"' in done.content.decode()
    again = client.get(url)
    assert again.status_code == 410 and 'data-code="LINK_USED"' in again.content.decode()
    assert client.post(url, {"items-0-kind": "other", "items-0-description": "x"}).status_code == 410
    assert PropertyReport.objects.get(pk=report.pk).items.count() == 1


def test_public_form_bad_input_keeps_the_link(client, world, case, report):
    _link, token = actions.link_create(report, actor=world.officer)
    url = reverse("property-report-public", args=[token])
    response = client.post(url, {"items-0-kind": "deposit"})
    assert response.status_code == 400 and 'id="report-error"' in response.content.decode()
    assert client.get(url).status_code == 200  # not used up


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xy", lambda t: "abc", lambda t: t + "0"])
def test_public_form_refuses_tampering_with_a_clear_page(client, world, case, report, mangle):
    _link, token = actions.link_create(report, actor=world.officer)
    response = client.get(reverse("property-report-public", args=[mangle(token)]))
    assert response.status_code == 410 and 'data-code="LINK_INVALID"' in response.content.decode()


def test_public_form_refuses_an_expired_link(client, world, case, report):
    _link, token = actions.link_create(report, actor=world.officer)
    later = timezone.now() + dt.timedelta(days=actions.LINK_DAYS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(reverse("property-report-public", args=[token]))
    assert response.status_code == 410 and 'data-code="LINK_EXPIRED"' in response.content.decode()


def test_public_form_is_rate_limited(client, world, case, report, settings):
    settings.VERIFY_RATE_LIMIT = 2
    from django.core.cache import cache

    cache.clear()
    url = reverse("property-report-public", args=["whatever"])
    assert [client.get(url).status_code for _ in range(3)] == [410, 410, 429]
    cache.clear()


def test_the_panel_reads_in_seven_queries_however_many_rows(world, case, report, django_assert_num_queries):
    """Reports, items, findings, leads with their clocks, linked records, rounds, records: 7; and the
    open one-time links while a report awaits and the reader is the case's staff: 8."""
    from enforcelink.assets.reports.leads import lead_add
    from enforcelink.assets.reports.panel import report_context

    with django_assert_num_queries(8):
        report_context(case, world.officer)
    actions.report_enter(
        report, items=[{"kind": "other", "description": f"物品{n}"} for n in range(5)], actor=world.officer
    )
    for n in range(4):
        lead_add(case, description=f"线索{n}", urgent=False, actor=world.officer)
    case.refresh_from_db()
    with django_assert_num_queries(7):
        context = report_context(case, world.officer)
    assert len(context["leads"]) == 4 and len(context["reports"][0].item_rows) == 5


def test_a_newer_order_closes_the_old_reports_link_and_the_panel_says_why(client, world, case, report):
    _link, token = actions.link_create(report, actor=world.officer)
    url = reverse("property-report-public", args=[token])
    newer = case_document_issue(case, kind="property_report_order", actor=world.officer)
    page = client.get(url)
    assert page.status_code == 410 and 'data-code="LINK_SUPERSEDED"' in page.content.decode()
    refused = client.post(url, {"items-0-kind": "other", "items-0-description": "x"})
    assert refused.status_code == 410 and not PropertyReport.objects.get(pk=report.pk).items.exists()
    panel = _panel(client, world.officer, case)
    old = panel[panel.index(f'data-report="{report.pk}"') :]
    assert old.startswith(f'data-report="{report.pk}" data-status="superseded"')
    assert "Superseded by a newer order" in old and newer.number in old
    assert reverse("property-report-enter", args=[case.pk, report.pk]) not in panel


def test_the_one_time_link_s_expiry_reads_in_the_court_s_time(client, world, case, report):
    """The officer copies the link and its expiry to the debtor: the time printed is Beijing time, not UTC."""
    client.force_login(world.officer)
    answer = client.post(reverse("property-report-link", args=[case.pk, report.pk]), follow=True)
    link = ReportLink.objects.filter(report=report).order_by("-pk").first()
    shown = timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M")
    assert shown in answer.content.decode()
    assert timezone.localtime(link.expires_at).utcoffset() == dt.timedelta(hours=8)
