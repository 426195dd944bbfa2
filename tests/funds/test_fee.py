"""The application fee for enforcement (申请执行费) on the case-fund ledger (funds/fees.py): owed by the
debtor and paid first (R-FUND-03), in what the obligation needs to be met (R-FUND-04), the court's
money — never paid out to the applicant nor returned to the debtor — until the fund clerk collects it
into the court's fee income; the court's decision to waive or reduce it (缓、减、免交), on the trail.

The `case` of these tests owes 120,000.00: the fee on it is 1,700.00 (50 + 1.5% × 110,000)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from enforcelink.cases.models import Case, PartyRole
from enforcelink.core import events, narration
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent
from enforcelink.funds import actions, fees, paying, queries, verify
from enforcelink.funds.models import AccountKind, FeeDecision, Journal, JournalKind, LedgerAccount
from enforcelink.funds.payouts import Payout, PayoutKind
from enforcelink.orgs.models import Role
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")

D = Decimal
FEE = D("1700.00")
ON = dt.date(2024, 5, 2)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


@pytest.fixture
def heard():
    seen: dict[str, list[dict]] = {"fee.decided": [], "obligation.met": []}
    for name in seen:
        events.subscribe(name, f"tests.{name}", lambda _name=name, **payload: seen[_name].append(payload))
    yield seen
    for name in seen:
        events.unsubscribe(name, f"tests.{name}")


def receive(case, clerk, amount, reference=""):
    return actions.receipt_record(
        case, amount, source="voluntary", value_on=timezone.localdate(), reference=reference, actor=clerk
    )


def propose(case, officer, amount):
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    return paying.payout_propose(case, party=applicant, amount=amount, account="6222", actor=officer)


def fee_income(case):
    return LedgerAccount.objects.get(court_id=case.court_id, kind=AccountKind.FEE_INCOME)


# --- owed, paid first, met with it (R-FUND-03, R-FUND-04) --------------------------------------------


def test_the_ledger_owes_the_fee_on_the_amount_fixed_and_is_met_only_with_it_r_fund_03_r_fund_04(
    world, clerk, case, heard
):
    standing = queries.standing(case, ON)
    assert standing.fee == queries.policy.Bucket(FEE, D("0.00")) and standing.outstanding == D("121700.00")
    assert any("Application fee for enforcement" in line for line in standing.trace)
    receive(case, clerk, "120000.00", "A")
    assert not queries.obligation_met(case) and heard["obligation.met"] == []
    now = queries.standing(case, timezone.localdate())
    assert (now.fee.paid, now.principal.outstanding) == (FEE, FEE)  # the fee first, the principal short
    receive(case, clerk, "1700.00", "B")
    assert queries.obligation_met(case) and [p["case_id"] for p in heard["obligation.met"]] == [case.pk]


def test_a_case_without_a_money_obligation_owes_no_fee(world, clerk):
    case = file_case(world.court, world.officer, is_money_case=False, principal="0")
    assert queries.fee_of(case) is None and queries.fee_held(case) == 0
    with pytest.raises(DomainError) as refused:
        fees.fee_decide(case, amount="0", reason="免交", actor=world.officer)
    assert refused.value.code == "FEE_NO_MONEY_OBLIGATION"
    with pytest.raises(DomainError) as refused:
        fees.fee_collect(case, actor=clerk)
    assert refused.value.code == "FEE_NO_MONEY_OBLIGATION"


# --- the court's money: no payout takes it (R-FUND-02, R-FUND-04) ---------------------------------


def test_no_payout_to_the_applicant_takes_the_fee_r_fund_03(world, clerk, case, leader):
    receive(case, clerk, "10000.00")
    fee = queries.fee_of(case)
    assert (fee.owed, fee.paid, fee.collected, fee.held) == (FEE, FEE, D("0.00"), FEE)
    with pytest.raises(DomainError) as refused:
        propose(case, world.officer, "8300.01")
    assert refused.value.code == "PAYOUT_OVER_BALANCE"
    assert "1,700.00" in str(refused.value.message) and "8,300.00" in str(refused.value.message)
    payout = paying.payout_approve(propose(case, world.officer, "8300.00"), actor=leader)
    paying.payout_paid(payout, paid_on=timezone.localdate(), actor=clerk)
    assert queries.balance(case) == FEE == queries.fee_held(case)


def test_a_payout_approved_before_the_fee_grew_is_not_paid_out_of_it_r_fund_03(world, clerk, case, leader):
    """The court put a waived fee back to the scale after a payout was approved: the bank step pays no
    more than the case holds beyond the fee held for the court."""
    fees.fee_decide(case, amount="0", reason="司法救助：免交", actor=world.officer)
    receive(case, clerk, "10000.00")
    payout = paying.payout_approve(propose(case, world.officer, "10000.00"), actor=leader)
    fees.fee_decide(case, amount="", reason="救助决定撤销", actor=world.officer)
    with pytest.raises(DomainError) as refused:
        paying.payout_paid(payout, paid_on=timezone.localdate(), actor=clerk)
    assert refused.value.code == "PAYOUT_OVER_BALANCE" and "1,700.00" in str(refused.value.message)
    assert queries.balance(case) == D("10000.00")


def test_the_surplus_back_to_the_debtor_is_beyond_the_fee_r_fund_04(world, clerk, case):
    receive(case, clerk, "122000.00")
    surplus = Payout.objects.get(case=case, kind=PayoutKind.DEBTOR)  # proposed when the obligation was met
    assert surplus.amount == D("300.00")
    assert paying.surplus_unclaimed(case) == 0 and queries.fee_held(case) == FEE


def test_imported_history_pays_the_fee_but_holds_none_of_it_r_fund_03(world, clerk, case, leader):
    """The old system's 执行到位金额 paid what was owed there, the fee first; none of it is in the
    account, so no share of what the account receives later is held back for it."""
    actions.opening_record(case, "5000.00", value_on=dt.date(2023, 1, 1), actor="import")
    receive(case, clerk, "1000.00")
    fee = queries.fee_of(case)
    assert (fee.paid, fee.held) == (FEE, D("0.00"))
    assert propose(case, world.officer, "1000.00").amount == D("1000.00")


# --- collecting it (R-FUND-03: balanced, append-only) ----------------------------------------------


def test_the_clerk_collects_the_fee_held_into_the_courts_fee_income(world, clerk, case):
    receive(case, clerk, "1000.00")  # pays 1,000 of the 1,700 fee
    journal = fees.fee_collect(case, actor=clerk)
    assert journal.kind == JournalKind.FEE_COLLECTED and journal.amount == D("1000.00")
    legs = {leg.account.kind: leg.amount for leg in journal.entries.select_related("account")}
    assert legs == {AccountKind.CASE: D("1000.00"), AccountKind.FEE_INCOME: D("-1000.00")}
    assert queries.balance(case) == 0 and fee_income(case).balance == D("-1000.00")
    assert queries.recovered(case) == D("1000.00")  # collecting is no recovery undone
    with pytest.raises(DomainError) as none:
        fees.fee_collect(case, actor=clerk)
    assert none.value.code == "FEE_NOTHING_HELD"
    receive(case, clerk, "5000.00")
    assert fees.fee_collect(case, actor=clerk).amount == D("700.00")  # the rest of the fee, no more
    fee = queries.fee_of(case)
    assert (fee.paid, fee.collected, fee.held) == (FEE, FEE, D("0.00"))
    assert queries.balance(case) == D("4300.00") and fee_income(case).balance == -FEE
    event = AuditEvent.objects.filter(action="funds.fee_collected", case_id=case.pk).last()
    assert event.after["amount"] == "700.00" and event.after["collected"] == "1700.00"
    assert list(verify.journals()) == [] and list(verify.balances()) == []


def test_a_collection_is_corrected_by_reversing_it(world, clerk, case):
    receive(case, clerk, "2000.00")
    journal = fees.fee_collect(case, actor=clerk)
    actions.journal_reverse(journal, reason="误收", actor=clerk)
    assert queries.fee_collected(case) == 0 and queries.fee_held(case) == FEE
    assert queries.balance(case) == D("2000.00") and fee_income(case).balance == 0
    assert fees.fee_collect(case, actor=clerk).amount == FEE


def test_only_the_courts_fund_clerk_collects(world, clerk, other_clerk, case, leader):
    receive(case, clerk, "2000.00")
    for who in (world.officer, leader, other_clerk, world.liaison, world.outsider):
        with pytest.raises(NotFound):
            fees.fee_collect(case, actor=who)
    assert not Journal.objects.filter(kind=JournalKind.FEE_COLLECTED).exists()


def test_the_fee_income_account_stays_on_its_side_in_the_database(world, clerk, case):
    """R-FUND-03 kept by the database (funds 0008): fee income is a credit balance; a raw journal
    taking it above 0 is refused, on PostgreSQL by the CHECK, on SQLite by its trigger."""
    from tests.funds.test_guards import accounts, raw_entry, raw_journal, refused

    receive(case, clerk, "2000.00")
    fees.fee_collect(case, actor=clerk)
    own = accounts(case)
    with refused("ledger_account_credit_side"):
        journal = raw_journal(case, "1700.01")
        raw_entry(journal, own[AccountKind.FEE_INCOME], "1700.01")
        raw_entry(journal, own[AccountKind.CASE], "-1700.01")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=own[AccountKind.FEE_INCOME].pk).update(balance=D("5.00"))
    assert fee_income(case).balance == -FEE


# --- the court's decision: waived, reduced, back to the scale --------------------------------------


def test_the_court_waives_the_fee_with_a_reason_on_the_trail(world, clerk, case, heard):
    receive(case, clerk, "120000.00")
    assert not queries.obligation_met(case)
    decision = fees.fee_decide(case, amount="0", reason="申请执行人系残疾人，依法免交", actor=world.officer)
    assert (decision.amount, decision.scale, decision.decided_by) == (D("0.00"), FEE, world.officer)
    now = queries.standing(case, timezone.localdate())
    assert now.fee.owed == 0 and now.met and queries.fee_held(case) == 0
    assert "waived by the court" in now.trace[1]
    assert [(p["before"], p["after"]) for p in heard["fee.decided"]] == [(FEE, D("0.00"))]
    assert [p["case_id"] for p in heard["obligation.met"]] == [case.pk]  # R-FUND-04: met by the waiver
    event = AuditEvent.objects.get(action="funds.fee_decided", case_id=case.pk)
    told = narration.tell([event])[0]
    assert "waiver of the application fee" in told.sentence and "依法免交" in str(told.details)


def test_a_closed_case_takes_no_fee_decision(world, clerk, case):
    """A waived fee put back to the scale after 执行完毕 would make the closed case owe again."""
    Case.objects.filter(pk=case.pk).update(status="closed", closure_mode="fully_performed")
    case.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        fees.fee_decide(case, amount="0", reason="免交", actor=world.officer)
    assert refused.value.code == "CASE_CLOSED" and not FeeDecision.objects.exists()


def test_a_reduced_fee_then_the_scale_again(world, case, heard):
    fees.fee_decide(case, amount="850.00", reason="减半交纳", actor=world.officer)
    assert queries.fee_of(case).owed == D("850.00")
    assert "as the court decided: 850.00 yuan" in queries.standing(case, ON).trace[1]
    fees.fee_decide(case, amount=None, reason="减交决定有误", actor=world.officer)
    assert queries.fee_of(case).owed == FEE and queries.fee_decided(case).amount is None
    assert FeeDecision.objects.filter(case=case).count() == 2  # the history stays
    assert [p["after"] for p in heard["fee.decided"]] == [D("850.00"), FEE]


@pytest.mark.parametrize(
    "amount, reason, code, field",
    [
        ("1700.01", "理由", "FEE_ABOVE_SCALE", "amount"),  # the first refused yuan; 1,700.00 is allowed
        ("-1", "理由", "AMOUNT_NEGATIVE", "amount"),
        ("1.234", "理由", "AMOUNT_PRECISION", "amount"),
        ("abc", "理由", "AMOUNT_INVALID", "amount"),
        ("0", "  ", "REASON_REQUIRED", "reason"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_written(world, case, amount, reason, code, field):
    with pytest.raises(DomainError) as refused:
        fees.fee_decide(case, amount=amount, reason=reason, actor=world.officer)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not FeeDecision.objects.exists()
    assert not AuditEvent.objects.filter(action="funds.fee_decided").exists()
    assert fees.fee_decide(case, amount="1700.00", reason="按标准", actor=world.officer).amount == FEE


def test_a_fee_below_what_was_collected_waits_for_the_collection_to_be_reversed(world, clerk, case):
    receive(case, clerk, "5000.00")
    collected = fees.fee_collect(case, actor=clerk)
    with pytest.raises(DomainError) as refused:
        fees.fee_decide(case, amount="1000.00", reason="减交", actor=world.officer)
    assert refused.value.code == "FEE_BELOW_COLLECTED" and "1,700.00" in str(refused.value.message)
    actions.journal_reverse(collected, reason="减交后重收", actor=clerk)
    fees.fee_decide(case, amount="1000.00", reason="减交", actor=world.officer)
    assert fees.fee_collect(case, actor=clerk).amount == D("1000.00")
    assert queries.fee_of(case).held == 0 and queries.balance(case) == D("4000.00")


def test_who_decides_the_fee(world, clerk, case, leader):
    assert fees.fee_decide(case, amount="0", reason="免交", actor=leader).decided_by == leader
    for who in (clerk, world.liaison, world.outsider, world.command):
        with pytest.raises(NotFound):
            fees.fee_decide(case, amount="0", reason="免交", actor=who)
    assert FeeDecision.objects.count() == 1


# --- the pages ---------------------------------------------------------------------------------------


def test_the_case_ledger_shows_the_fee_and_the_officer_records_a_decision(client, world, clerk, case):
    receive(case, clerk, "1000.00")
    client.force_login(world.officer)
    page = client.get(reverse("case-funds", args=[case.pk]), **EN).content.decode()
    assert 'id="fee"' in page and 'id="fee-owed">1,700.00 元' in page and 'id="fee-held">1,000.00 元' in page
    assert 'id="fee-decide"' in page and 'id="fee-collect"' not in page  # the officer does not collect
    url = reverse("case-funds-fee", args=[case.pk])
    bad = client.post(url, {"fee-amount": "9999", "fee-reason": "减交"}, **EN)
    assert bad.status_code == 200 and "more than the scale gives" in bad.content.decode()
    assert not FeeDecision.objects.exists()
    done = client.post(url, {"fee-amount": "850", "fee-reason": "减半交纳"}, **EN)
    assert done.status_code == 302 and queries.fee_of(case).owed == D("850.00")
    page = client.get(reverse("case-funds", args=[case.pk]), **EN).content.decode()
    assert "As the court decided (1,700.00 元 by the scale): 减半交纳" in page
    detail = client.get(reverse("case-detail", args=[case.pk]), **EN).content.decode()
    assert 'id="funds-fee"' in detail  # the case page's standing shows the fee's own line


def test_the_clerk_collects_from_the_page(client, world, clerk, case):
    receive(case, clerk, "1000.00")
    client.force_login(clerk)
    page = client.get(reverse("case-funds", args=[case.pk]), **EN).content.decode()
    assert 'id="fee-collect"' in page and 'id="fee-decide"' not in page
    answer = client.post(reverse("case-funds-fee-collect", args=[case.pk]))
    assert answer.status_code == 302 and queries.fee_collected(case) == D("1000.00")
    again = client.post(reverse("case-funds-fee-collect", args=[case.pk]), follow=True, **EN)
    assert "holds none of the application fee" in again.content.decode()


def test_the_pages_of_another_courts_case_are_missing_ones(client, world, clerk, other_clerk, case):
    receive(case, clerk, "1000.00")
    for who, name in ((world.outsider, "case-funds-fee"), (other_clerk, "case-funds-fee-collect"),
                      (clerk, "case-funds-fee"), (world.officer, "case-funds-fee-collect")):  # fmt: skip
        client.force_login(who)
        answer = client.post(reverse(name, args=[case.pk]), {"fee-amount": "0", "fee-reason": "x"})
        assert answer.status_code == 404, (who, name)
    assert not FeeDecision.objects.exists() and queries.fee_collected(case) == 0


# --- the API -----------------------------------------------------------------------------------------


def test_the_api_decides_collects_and_reads_the_fee(world, clerk, case, client_for):
    receive(case, clerk, "1000.00")
    url = f"/api/v1/cases/{case.pk}/funds/fee/"
    officer = client_for("officer")
    bad = officer.post(url, {"amount": "1.001", "reason": "减交"}, format="json")
    assert (
        bad.status_code == 400
        and bad.json()["code"] == "AMOUNT_PRECISION"
        and bad.json()["field"] == "amount"
    )
    made = officer.post(url, {"amount": "1200.00", "reason": "减交"}, format="json")
    assert (
        made.status_code == 201 and made.json()["amount"] == "1200.00" and made.json()["scale"] == "1700.00"
    )
    body = officer.get(f"/api/v1/cases/{case.pk}/funds/").json()
    assert body["fee"] == {"owed": "1200.00", "scale": "1700.00", "decided": "1200.00", "reason": "减交",
                           "paid": "1000.00", "collected": "0.00", "held": "1000.00"}  # fmt: skip
    assert body["standing"]["fee"] == {"owed": "1200.00", "paid": "1000.00", "outstanding": "200.00"}
    assert officer.post(f"{url}collect/", format="json").status_code == 404  # the clerk's
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(clerk)
    collected = api.post(f"{url}collect/", format="json")
    assert collected.status_code == 201 and collected.json()["kind"] == "fee_collected"
    assert collected.json()["amount"] == "1000.00"
    again = api.post(f"{url}collect/", format="json")
    assert again.status_code == 400 and again.json()["code"] == "FEE_NOTHING_HELD"
    back = officer.post(url, {"amount": None, "reason": "恢复按标准"}, format="json")
    assert back.status_code == 201 and back.json()["amount"] is None


def test_the_api_answers_another_courts_case_as_a_missing_one(world, clerk, case, client_for):
    url = f"/api/v1/cases/{case.pk}/funds/fee/"
    theirs = client_for("outsider").post(url, {"amount": "0", "reason": "x"}, format="json")
    missing = client_for("outsider").post("/api/v1/cases/999999999/funds/fee/", {"amount": "0", "reason": "x"},
                                          format="json")  # fmt: skip
    assert theirs.status_code == missing.status_code == 404 and theirs.json() == missing.json()
    assert client_for("liaison").post(url, {"amount": "0", "reason": "x"}, format="json").status_code == 404
    assert not FeeDecision.objects.exists()


def test_a_case_whose_amounts_add_up_beyond_one_amounts_limit_still_has_its_fee_r_fund_03(world, client):
    """Each amount the basis fixed is within the largest amount one field takes, their sum may not be:
    the scale is read on the sum (no AMOUNT_TOO_LARGE from a figure nobody typed), and the case page
    and the fee's decision work (review: the case page answered 500)."""
    big = file_case(world.court, world.officer, principal="60000000000000.00", costs="60000000000000.00")
    fixed = D("120000000000000.00")
    scale = D("50") + D("490000") * D("0.015") + D("4500000") * D("0.01") + D("5000000") * D("0.005")
    scale += (fixed - D("10000000")) * D("0.001")
    assert queries.standing(big, ON).fee.owed == scale == queries.policy.enforcement_fee(fixed)
    client.force_login(world.officer)
    assert client.get(reverse("case-detail", args=[big.pk]), **EN).status_code == 200
    assert client.get(reverse("case-funds", args=[big.pk]), **EN).status_code == 200
    assert fees.fee_decide(big, amount="1000.00", reason="减交", actor=world.officer).scale == scale
