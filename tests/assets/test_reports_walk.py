"""Findings of the browser walk of the property report and the leads (issue 15 §3):

- the debtor's one-time link stays in the report's panel while it is open, with its expiry in the
  court's time, for the case's staff only (it is a key to the report: R-LIST-01 (4));
- the debtor's public form keeps every row typed when it is refused, and the error names the row and
  the field as the debtor sees them;
- a lead's records are ticked, not Ctrl-clicked, and no outcome is chosen for the officer.
"""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.assets.reports import actions
from enforcelink.assets.reports.leads import lead_add
from enforcelink.assets.reports.models import PropertyReport, ReportLink, ReportStatus
from enforcelink.documents.case_issue import case_document_issue
from enforcelink.orgs.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def client(client):
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


def _shown_url(panel: str, report) -> str:
    found = re.search(rf'id="report-link-url-{report.pk}"[^>]*value="([^"]+)"', panel)
    assert found, "the open link is not in the panel"
    return found[1]


# --- 1. the one-time link in the panel ----------------------------------------------------------------


def test_the_open_link_stays_in_the_panel_with_its_expiry_in_beijing_time_and_opens_the_form(
    client, world, case, report
):
    client.force_login(world.officer)
    made = client.post(reverse("property-report-link", args=[case.pk, report.pk]), follow=True)
    link = ReportLink.objects.get(report=report)
    until = timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M")
    assert until in made.content.decode() and "panel shows it until then" in made.content.decode()
    panel = _panel(client, world.officer, case)  # a later visit: the flash is gone, the link is not
    url = _shown_url(panel, report)
    assert (
        url.startswith(f"{settings.PUBLIC_URL}/report/")
        and f"{settings.PUBLIC_URL}/report/" in made.content.decode()
    )
    assert actions.link_open(url.rsplit("/", 2)[-2]).pk == link.pk  # the same link, signed again
    assert f"Valid until {until} (Beijing time)" in panel
    assert "Make a new one-time link (the open one stops working)" in panel
    client.logout()
    form = client.get(url.removeprefix(settings.PUBLIC_URL))
    assert form.status_code == 200 and 'id="report-form"' in form.content.decode()


@pytest.mark.parametrize("who", ["president", "command", "supervisor", "outsider", "fund_clerk", "operator"])
def test_only_the_case_s_staff_see_the_link(client, world, case, report, who):
    """The president, the command centre, a supervisor and the operator read the case (or not at all,
    another court's officer); none of them may make a link, so none is shown one."""
    actions.link_create(report, actor=world.officer)
    people = {
        "fund_clerk": lambda: UserFactory(court=world.court, role=Role.FUND_CLERK),
        "operator": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    user = people[who]() if who in people else getattr(world, who)
    client.force_login(user)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "/report/" not in page and "report-link-url" not in page
    assert 'id="report-link-url' in _panel(client, world.colleague, case)  # a colleague of the court does


def test_a_used_replaced_or_expired_link_leaves_the_panel(client, world, case, report):
    first, _token = actions.link_create(report, actor=world.officer)
    second, _token = actions.link_create(report, actor=world.officer)  # replaces the first
    panel = _panel(client, world.officer, case)
    assert f'data-link="{second.pk}"' in panel and f'data-link="{first.pk}"' not in panel
    later = timezone.now() + dt.timedelta(days=actions.LINK_DAYS, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "report-link-url" not in _panel(client, world.officer, case)
    url = _shown_url(_panel(client, world.officer, case), report)
    client.logout()
    client.post(url.removeprefix(settings.PUBLIC_URL), {"declares_nothing": "1"})
    assert PropertyReport.objects.get(pk=report.pk).status == ReportStatus.REPORTED
    assert "report-link-url" not in _panel(client, world.officer, case)


def test_a_link_whose_secret_cannot_be_derived_says_to_make_a_new_one(client, world, case, report):
    """A link made before secrets were derived (or under a former secret key) still opens, but the
    panel cannot show it again: it says so rather than showing a wrong address."""
    link, _token = actions.link_create(report, actor=world.officer)
    ReportLink.objects.filter(pk=link.pk).update(secret_hash=actions._hash("a random secret of old"))
    token = actions._token(link, "a random secret of old")
    assert actions.link_token(ReportLink.objects.get(pk=link.pk)) is None
    panel = _panel(client, world.officer, case)
    assert "cannot be shown again: make a new one" in panel and "report-link-url" not in panel
    client.logout()
    assert client.get(reverse("property-report-public", args=[token])).status_code == 200  # still opens


def test_the_link_shown_again_is_the_same_link(world, case, report):
    link, token = actions.link_create(report, actor=world.officer)
    again = actions.link_token(ReportLink.objects.get(pk=link.pk))
    assert again is not None and actions.link_open(again).pk == link.pk == actions.link_open(token).pk
    assert token not in link.secret_hash and again not in link.secret_hash


# --- 2. the debtor's form keeps the rows and names the row ------------------------------------------------


def _public(client, world, report):
    _link, token = actions.link_create(report, actor=world.officer)
    return reverse("property-report-public", args=[token])


def test_a_refused_report_keeps_every_row_typed_and_names_the_row_and_field(client, world, case, report):
    url = _public(client, world, report)
    typed = {
        "items-0-kind": "vehicle", "items-0-identifier": "渝A12345", "items-0-value": "80000",
        # row 2 left blank: the refused item is the form's row 3, the second filled one
        "items-2-kind": "deposit", "items-2-institution": "綦江农商银行", "items-2-identifier": "6217 0001",
        "items-2-value": "12.345",
        "items-3-kind": "other", "items-3-description": "一台挖掘机",
        "statement": "去年卖了一套房",
    }  # fmt: skip
    response = client.post(url, typed)
    body = response.content.decode()
    assert response.status_code == 400
    error = re.search(r'id="report-error" data-field="([^"]+)">([^<]+)<', body)
    assert error[1] == "items-2-value"
    assert error[2].startswith("Row 3, Value (yuan):") and "two decimals" in error[2]
    for name, value in typed.items():
        if name == "items-0-kind" or name == "items-2-kind" or name == "items-3-kind":
            assert f'<option value="{value}" selected>' in body
        elif name == "statement":
            assert f">{value}</textarea>" in body
        else:
            assert f'name="{name}" maxlength' in body or f'name="{name}" inputmode' in body
            assert re.search(rf'name="{name}"[^>]*value="{re.escape(value)}"', body), name
    assert re.search(r'name="items-2-value"[^>]*aria-invalid="true"', body)
    assert 'data-row="2" class="row-alert"' in body and 'data-row="0" class="row-alert"' not in body
    assert not PropertyReport.objects.get(pk=report.pk).items.exists()
    assert client.get(url).status_code == 200  # the link is not used up


def test_a_row_without_a_kind_is_named_and_the_declaration_kept(client, world, case, report):
    url = _public(client, world, report)
    response = client.post(url, {"items-1-identifier": "渝B00001", "declares_nothing": "1"})
    body = response.content.decode()
    assert response.status_code == 400 and 'data-field="items-1-kind"' in body
    assert "Row 2, Kind: Choose the kind of property." in body
    assert 'name="declares_nothing" value="1" checked' in body
    assert re.search(r'name="items-1-identifier"[^>]*value="渝B00001"', body)


def test_an_error_not_of_a_row_is_shown_as_it_is(client, world, case, report):
    url = _public(client, world, report)
    body = client.post(url, {"statement": "无"}).content.decode()
    assert 'data-field="items"' in body and "List the property, or state that the debtor has none." in body


def test_the_staff_entry_names_the_row_too(client, world, case, report):
    client.force_login(world.officer)
    answer = client.post(
        reverse("property-report-enter", args=[case.pk, report.pk]),
        {
            "items-0-kind": "other",
            "items-0-description": "x",
            "items-4-kind": "deposit",
            "items-4-value": "1",
        },
        follow=True,
    )
    text = answer.content.decode()
    assert "Row 5, Account, certificate, plate or company:" in text
    assert PropertyReport.objects.get(pk=report.pk).status == ReportStatus.AWAITING


# --- 7. the leads row ---------------------------------------------------------------------------------


def test_a_lead_s_records_are_checkboxes_and_no_outcome_is_chosen(client, world, case):
    lead = lead_add(case, description="被执行人有一辆货车", urgent=False, actor=world.officer)
    now = timezone.now()
    records = [
        AssetRecord.objects.create(case=case, kind=AssetKind.VEHICLE, unit=world.unit, identifier=f"渝A0000{n}",
                                   key=f"渝A0000{n}", first_seen_at=now, last_seen_at=now)
        for n in range(2)
    ]  # fmt: skip
    panel = _panel(client, world.officer, case)
    row = panel[panel.index(f'data-lead="{lead.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "multiple" not in row
    for record in records:
        assert f'type="checkbox" name="records" value="{record.pk}"' in row
    outcome = row[row.index('name="outcome"') :]
    outcome = outcome[: outcome.index("</select>")]
    assert 'required><option value="" selected>' in outcome
    assert outcome.count("selected") == 1  # the empty choice only
    client.post(reverse("lead-link", args=[case.pk, lead.pk]), {"records": [r.pk for r in records]})
    client.post(reverse("lead-conclude", args=[case.pk, lead.pk]), {"outcome": "", "note": ""})  # refused
    assert not lead.verification.decided_at
    panel = _panel(client, world.officer, case)
    row = panel[panel.index(f'data-lead="{lead.pk}"') :]
    assert f'value="{records[0].pk}" checked disabled' in row[: row.index("</tr>")]  # already linked
