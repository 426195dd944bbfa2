"""Issue 15 §13: one-click inquiry → the bank's replies → freezes within the budget (a second freeze
beyond it refused with the figures, R-ASSET-03) → a deduction → the ledger shows the receipt
(R-FUND-03) → a payout proposed and approved (R-FUND-02) → the debtor pays the rest: the surplus
freeze is released and 执行完毕 is proposed (R-FUND-04) — in headless Debian chromium, a screenshot
of each step in /tmp/shots-n/ (or $SHOTS)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from enforcelink.assets.control.models import ControlMeasure, MeasureKind
from enforcelink.assets.models import AssetRecord
from enforcelink.cases.actions import PartyInput
from enforcelink.funds.models import Journal, Payout
from enforcelink.linkage.actions import request_approve, request_complete
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role, UnitType
from tests.browser.pages import log_in, log_out
from tests.factories import PERSON_IDS, UnitFactory, UserFactory, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SHOTS", "/tmp/shots-n"))


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _confirm(case, kind: str, result: dict[str, str], teller) -> ControlMeasure:
    """The bank confirms the newest measure of `kind` (as its system would, through linkage)."""
    measure = ControlMeasure.objects.filter(case=case, kind=kind).order_by("-pk").first()
    assert measure is not None
    request_complete(AssistanceRequest.objects.get(pk=measure.request_id), result=result, actor=teller)
    measure.refresh_from_db()
    return measure


def test_inquiry_to_payout_and_closure_proposed(live_server, page: Page, officer):
    base = live_server.url
    region = officer.court.region
    bank = UnitFactory(region=region, name="綦江农商银行", unit_type=UnitType.BANK)
    teller = UserFactory(unit=bank, role=Role.LIAISON)
    leader = UserFactory(username="li.leader", full_name="李组长", court=officer.court, team=officer.team,
                         role=Role.TEAM_LEADER)  # fmt: skip
    UserFactory(username="qian.funds", full_name="钱出纳", court=officer.court, role=Role.FUND_CLERK)
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_number=PERSON_IDS[0]),
        PartyInput(role="respondent", kind="person", name="李四", id_number=PERSON_IDS[1]),
    ]
    case = file_case(officer.court, officer, parties=parties, principal="10000.00")
    done = timezone.localdate() - dt.timedelta(days=1)

    # 1. one-click inquiry
    log_in(page, base)
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("#inquiry-start").click()
    expect(page.locator("#inquiry-flash")).to_be_visible()
    _shot(page, "01-inquiry-sent")

    # 2. the bank answers: two accounts
    deposits = AssistanceRequest.objects.get(case=case, request_type="inquire_deposits")
    accounts = [
        {"institution": "綦江农商银行古南支行", "account": "6228480123456789", "balance": "15000.00"},
        {"institution": "綦江农商银行文龙支行", "account": "6228480987654321", "balance": "3000.00"},
    ]
    request_complete(deposits, result={"found": True, "accounts": accounts}, actor=teller)
    page.reload()
    expect(page.locator("#assets-found tr[data-kind='deposit']")).to_have_count(2)
    _shot(page, "02-records")

    # 3. freeze the first account for what the budget allows; the bank confirms
    first = AssetRecord.objects.get(case=case, identifier="6228480123456789")
    second = AssetRecord.objects.get(case=case, identifier="6228480987654321")
    budget = Decimal(
        page.locator("#controls-budget [data-figure='left']").inner_text().split()[0].replace(",", "")
    )
    page.locator(f"#freeze-{first.pk} input[name=amount]").fill(str(budget))
    page.locator(f"#freeze-{first.pk} button").click()
    expect(page.locator("#controls-flash")).to_be_visible()
    frozen = _confirm(case, MeasureKind.FREEZE, {"frozen_amount": str(budget), "account": first.identifier,
                      "frozen_until": (done + dt.timedelta(days=365)).isoformat(), "note": "已按通知冻结"}, teller)  # fmt: skip
    page.reload()
    expect(page.locator(f"#controls-measures tr[data-measure='{frozen.pk}']")).to_have_attribute(
        "data-status", "effective"
    )
    _shot(page, "03-freeze-effective")

    # 4. a second freeze beyond the budget: refused, with the budget's figures
    page.locator(f"#freeze-{second.pk} input[name=amount]").fill("3000.00")
    page.locator(f"#freeze-{second.pk} button").click()
    expect(page.locator("#controls-error")).to_be_visible()
    expect(page.locator("#controls-error")).to_contain_text("3,000.00")
    assert ControlMeasure.objects.filter(case=case, kind=MeasureKind.FREEZE).count() == 1
    _shot(page, "04-over-seizure-refused")

    # 5. deduct 6,000 from the freeze; the team leader approves (four eyes); the bank transfers
    page.locator(f"#deduct-{frozen.pk} input[name=amount]").fill("6000.00")
    page.locator(f"#deduct-{frozen.pk} button").click()
    expect(page.locator("#controls-flash")).to_be_visible()
    _shot(page, "05-deduction-sent")
    deduction = ControlMeasure.objects.get(case=case, kind=MeasureKind.DEDUCT)
    request = AssistanceRequest.objects.get(pk=deduction.request_id)
    if request.status == "pending_approval":
        request_approve(request, approve=True, actor=leader)
    _confirm(case, MeasureKind.DEDUCT, {"deducted_amount": "6000.00", "transfer_reference": "HZ202612070001",
             "note": "已划至法院执行款专户"}, teller)  # fmt: skip
    assert Journal.objects.filter(case=case, kind="receipt_deduction").count() == 1

    # 6. the ledger shows the receipt
    page.goto(f"{base}/cases/{case.pk}/funds/")
    _shot(page, "06-ledger")
    expect(page.locator("#ledger-lines")).to_contain_text("6,000.00 元")
    expect(page.locator("#ledger-balance")).to_contain_text("6,000.00 元")

    # 7. payout proposed to the applicant: what was received but the application fee it paid first,
    # 50.00, the court's (R-FUND-03) …
    expect(page.locator("#fee-held")).to_contain_text("50.00 元")
    propose = page.locator(f"form[action='/cases/{case.pk}/funds/propose/']")
    propose.locator("[name=propose-amount]").fill("5950.00")
    propose.locator("[name=propose-account]").fill("6217000012345678")
    propose.locator("[name=propose-bank]").fill("中国建设银行綦江支行")
    propose.locator("button[type=submit]").click()
    expect(page.locator("#case-payouts")).to_contain_text("5,950.00 元")
    _shot(page, "07-payout-proposed")

    # … and approved by the team leader
    log_out(page, base)
    log_in(page, base, "li.leader")
    page.goto(f"{base}/funds/payouts/")
    _shot(page, "08-payouts-awaiting")
    page.locator("#awaiting button[id^=approve-]").first.click()
    expect(page.locator("#awaiting button[id^=approve-]")).to_have_count(0)
    _shot(page, "09-payout-approved")
    assert Payout.objects.get(case=case).status == "approved"

    # 8. the debtor pays the rest by transfer; the fund clerk books it: the obligation is met
    log_out(page, base)
    log_in(page, base, "qian.funds")
    page.goto(f"{base}/cases/{case.pk}/funds/")
    outstanding = page.locator("#ledger-outstanding").inner_text().replace(",", "").split()[0]
    receipt = page.locator(f"form[action='/cases/{case.pk}/funds/receipt/']")
    receipt.locator("[name=receipt-amount]").fill(outstanding)
    receipt.locator("[name=receipt-reference]").fill("DSZ20261207-88")
    receipt.locator("button[type=submit]").click()
    expect(page.locator("#ledger-outstanding")).to_contain_text("0.00")
    _shot(page, "10-paid-in-full")

    # 9. what the freeze still held is released, and 执行完毕 proposed to the officer
    lifts = ControlMeasure.objects.filter(case=case, kind=MeasureKind.UNFREEZE)
    assert lifts.exists() and all(m.automatic for m in lifts)
    log_out(page, base)
    log_in(page, base)
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.locator("#controls-measures tr[data-kind='unfreeze']")).to_have_count(lifts.count())
    _shot(page, "11-surplus-released")
    page.goto(f"{base}/notifications/")
    expect(page.locator("body")).to_contain_text(case.number)
    _shot(page, "12-closure-proposed")
