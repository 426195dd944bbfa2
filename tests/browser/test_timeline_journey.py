"""Issue 14 §4: a clerk reads a case's timeline and a request's steps in plain Chinese: who did what
to whom, a bank's system by the bank's name, the statutory clocks explained in words; no
`request.sent`, `api-key:…` or rule ids in the words (a rule id only as a small reference).

With ENFORCELINK_SCREENSHOTS=<dir>, the two sections are saved there as timeline-case.png and
timeline-request.png."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from enforcelink.cases import actions as case_actions
from enforcelink.cases.models import ExtensionRequest
from enforcelink.linkage import actions
from enforcelink.orgs.api_auth import api_key_issue
from enforcelink.orgs.models import Role
from tests.browser.pages import log_in
from tests.factories import UnitFactory, UserFactory, file_case
from tests.linkage.conftest import ask

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"\b[a-z]+(?:[._][a-z0-9]+)+\b|api-key")


def _history(officer):
    """A case filed twenty days ago by the clerk 杨玉英: a step, a freeze the bank's system answers, an
    inquiry the bank's liaison returns and the clerk re-sends, a period not counted, an extension."""
    court, today = officer.court, timezone.localdate()
    clerk = UserFactory(
        username="yang.clerk", full_name="杨玉英", court=court, team=officer.team, role=Role.OFFICER
    )
    president = UserFactory(username="wang.president", full_name="王院长", court=court, role=Role.PRESIDENT)
    bank = UnitFactory(region=court.region, name="重庆农村商业银行綦江支行", unit_type="bank")
    liaison = UserFactory(username="bank.liaison", full_name="李联络", unit=bank, role=Role.LIAISON)
    key, _secret = api_key_issue(bank, name="核心系统", actor="test")
    case = file_case(
        court, clerk, filed_on=today - dt.timedelta(days=20), principal="124700.50", costs="694.63"
    )
    case_actions.record_step(
        case, step="notice_and_report_sent", on=today - dt.timedelta(days=18), actor=clerk
    )
    freeze = actions.request_send(
        actions.request_create(case, ask(bank, "freeze", amount="124700.50"), actor=clerk), actor=clerk
    )
    actions.request_acknowledge(freeze, actor=key)
    result = {"frozen_amount": "124700.50", "frozen_until": (today + dt.timedelta(days=365)).isoformat(),
              "account": "6217000012345678"}  # fmt: skip
    actions.request_complete(freeze, result=result, actor=key)
    inquiry = actions.request_send(actions.request_create(case, ask(bank), actor=clerk), actor=clerk)
    actions.request_return(inquiry, reason="被执行人证件号码有误，请核对后补正", actor=liaison)
    actions.request_resend(inquiry, actor=clerk, note="已核对证件号码")
    suspension = case_actions.suspension_start(
        case, kind="audit", started_on=today - dt.timedelta(days=10), reason="委托审计机构审计", actor=clerk
    )
    case_actions.suspension_end(suspension, ended_on=today - dt.timedelta(days=3), actor=clerk)
    case_actions.extension_request(case, reason="财产尚在处置中", actor=clerk)
    extension = ExtensionRequest.objects.get(case=case)
    case_actions.extension_decide(extension, approve=True, note="同意延长", actor=president)
    return case, freeze


def _text(page: Page, selector: str) -> str:
    return page.locator(selector).inner_text()


def test_the_timeline_and_the_request_steps_read_in_words(live_server, page: Page, officer):
    case, freeze = _history(officer)
    base = live_server.url
    shots = os.environ.get("ENFORCELINK_SCREENSHOTS")

    log_in(page, base)
    page.goto(f"{base}/cases/{case.pk}/")
    timeline = _text(page, "#timeline")
    assert "杨玉英" in timeline and "重庆农村商业银行綦江支行" in timeline and "王院长" in timeline
    assert case.number in timeline and freeze.notice.number in timeline
    assert "124,700.50" in timeline  # money grouped by thousands
    assert not CODE.search(timeline), CODE.search(timeline)
    page.locator("#nodes details.trace").last.evaluate("node => node.open = true")  # the closure clock
    clocks = _text(page, "#nodes")
    assert "case.filed" not in clocks and " + " not in clocks  # the trace in words, not its stored steps
    if shots:
        page.locator("#timeline").screenshot(path=str(Path(shots) / "timeline-case.png"))
        page.locator("#nodes").screenshot(path=str(Path(shots) / "timeline-case-clocks.png"))

    page.goto(f"{base}/requests/{freeze.pk}/")
    events = _text(page, "#events")
    expect(page.locator("#events li")).to_have_count(4)  # drafted, sent, acknowledged, answered
    assert "杨玉英" in events and "重庆农村商业银行綦江支行" in events
    assert not CODE.search(events) and "→" not in events, events
    if shots:
        page.locator("#events").screenshot(path=str(Path(shots) / "timeline-request.png"))
