"""Correcting a booked movement from the fund desk (R-FUND-03: a mistake is corrected by a reversing
entry with a reason; funds/correcting.py): the case ledger's "reverse" with its confirmation page, and
`POST /api/v1/funds/journals/<id>/reversal/`. Receipts and imported history are reversed as they
stand, a payout recorded as paid is recorded as returned; the rest is refused. Another court's
journal is the same 404 as a missing one; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from enforcelink.assets.control.budget import case_budget
from enforcelink.cases.models import PartyRole
from enforcelink.core import events
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent
from enforcelink.funds import actions, correcting, paying, queries, receiving
from enforcelink.funds.models import Entry, Journal, JournalKind
from enforcelink.funds.payouts import Payout, PayoutStatus
from enforcelink.funds.statements import UnidentifiedReceipt
from enforcelink.orgs.models import Role
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def today() -> dt.date:
    return timezone.localdate()


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def receipt(case, clerk, amount="300.00", reference="R1"):
    return actions.receipt_record(
        case, amount, source="voluntary", value_on=today(), reference=reference, actor=clerk
    ).journal


def written() -> tuple[int, int, int]:
    """Journals, legs and trail entries: a refusal adds none."""
    return Journal.objects.count(), Entry.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


@pytest.fixture
def paid(world, clerk, case, leader):
    """A payout of 400.00 paid out of a receipt of 50,000.00 (enough for the court's application fee
    too): (payout, its journal)."""
    receipt(case, clerk, "50000.00", reference="P-IN")
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    payout = paying.payout_propose(
        case, party=applicant, amount="400.00", account="6222", actor=world.officer
    )
    paying.payout_approve(payout, actor=leader)
    journal = paying.payout_paid(payout, paid_on=today(), actor=clerk)
    return Payout.objects.get(pk=payout.pk), journal


@pytest.fixture
def identified(world, clerk, case, tmp_path):
    """不明款 of 800.00 assigned to the case: its identify journal."""
    path = tmp_path / "statement.csv"
    path.write_text(
        "交易日期,金额,付款人,付款账号,附言,银行流水号\n2024-05-06,800.00,王五,6222,看不清,B100\n"
    )
    assert receiving.statement_import(path, court=world.court, actor=clerk).applied
    return receiving.unidentified_assign(
        UnidentifiedReceipt.objects.get(), case, actor=clerk, note="电话核实"
    )


# --- which journals, and how (R-FUND-03) ------------------------------------------------------------


def test_a_receipt_is_reversed_with_its_reason_r_fund_03(world, clerk, case):
    original = receipt(case, clerk)
    reversal = correcting.journal_correct(original, reason="记错案件", actor=clerk)
    assert (reversal.kind, reversal.reverses_id, reversal.memo) == (
        JournalKind.REVERSAL,
        original.pk,
        "记错案件",
    )
    assert queries.balance(case) == 0 and queries.recovered(case) == 0
    assert AuditEvent.objects.filter(action="funds.journal_reversed", case_id=case.pk).count() == 1


def test_imported_history_is_not_reversed_at_the_desk_but_its_reversal_passes_the_database(
    world, clerk, case
):
    """Nothing at the desk could book the right figure again, so the desk refuses; the action itself
    undoes the opening's two legs on one account last first, so the database's leg-by-leg check of
    the account's side of zero never sees it above zero (R-FUND-03)."""
    opening = actions.opening_record(case, "5000.00", value_on=dt.date(2024, 1, 2), actor=clerk)
    with pytest.raises(DomainError) as caught:
        correcting.journal_correct(opening, reason="导入金额有误", actor=clerk)
    assert caught.value.code == "JOURNAL_NOT_REVERSIBLE" and queries.recovered(case) == Decimal("5000.00")
    actions.journal_reverse(opening, reason="导入金额有误", actor=clerk)
    assert queries.recovered(case) == 0 and queries.balance(case) == 0


def test_a_paid_payout_is_recorded_as_returned_so_payout_and_ledger_agree_r_fund_03(world, clerk, case, paid):
    payout, journal = paid
    held = queries.balance(case)
    reversal = correcting.journal_correct(journal, reason="误登记为已发放", actor=clerk)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.RETURNED and payout.returned_journal_id == reversal.pk
    assert payout.return_reason == "误登记为已发放" and reversal.reverses_id == journal.pk
    assert queries.balance(case) == held + Decimal("400.00")


def test_bad_input_is_refused_with_its_code_and_nothing_is_written(world, clerk, case, identified):
    original = receipt(case, clerk)
    before = written()
    for reason in ("", "   ", None):
        with pytest.raises(DomainError) as caught:
            correcting.journal_correct(original, reason=reason, actor=clerk)
        assert (caught.value.code, caught.value.field) == ("REASON_REQUIRED", "reason")
    with pytest.raises(DomainError) as caught:
        correcting.journal_correct(identified, reason="认领错误", actor=clerk)
    assert caught.value.code == "JOURNAL_NOT_REVERSIBLE"
    assert written() == before
    reversal = correcting.journal_correct(original, reason="重复入账", actor=clerk)
    after = written()
    with pytest.raises(DomainError) as caught:
        correcting.journal_correct(original, reason="again", actor=clerk)
    assert caught.value.code == "ALREADY_REVERSED"
    with pytest.raises(DomainError) as caught:
        correcting.journal_correct(reversal, reason="undo the undo", actor=clerk)
    assert caught.value.code == "REVERSAL_OF_REVERSAL"
    assert written() == after


def test_a_receipt_whose_money_was_paid_out_is_not_reversed(world, clerk, case, paid):
    """50,000.00 in, 400.00 paid out: reversing the receipt would leave the case holding −400.00."""
    original = Journal.objects.get(reference="P-IN")
    held = queries.balance(case)
    before = written()
    with pytest.raises(DomainError) as caught:
        correcting.journal_correct(original, reason="退票", actor=clerk)
    assert caught.value.code == "BALANCE_NEGATIVE"
    assert written() == before and queries.balance(case) == held


def test_only_the_courts_fund_clerk_corrects(world, clerk, other_clerk, case):
    original = receipt(case, clerk)
    for who in (world.officer, other_clerk, world.outsider, world.liaison, world.supervisor):
        with pytest.raises(NotFound):
            correcting.journal_correct(original, reason="x", actor=who)
    with pytest.raises(NotFound):
        correcting.journal_correct(999_999_999, reason="x", actor=clerk)
    assert not Journal.objects.filter(reverses=original).exists()


def test_the_desk_offers_receipts_and_paid_payouts_and_nothing_else(world, clerk, case, paid, identified):
    _payout, paid_journal = paid
    opening = actions.opening_record(case, "10.00", value_on=dt.date(2024, 1, 2), actor=clerk)
    undone = receipt(case, clerk, "5.00", reference="R-UNDONE")
    reversal = actions.journal_reverse(undone, reason="重复", actor=clerk)
    journals = list(Journal.objects.filter(case=case))
    offered = correcting.reversible_ids(journals, reversed_ids=[undone.pk])
    received = Journal.objects.get(reference="P-IN")
    assert offered == {received.pk, paid_journal.pk}
    assert not {identified.pk, reversal.pk, opening.pk} & offered


# --- downstream: the standing, the budget, obligation.met (R-FUND-03/04, R-ASSET-03) ------------------


def test_a_reversed_receipt_raises_what_is_owed_and_the_budget_and_met_is_announced_again(world, clerk):
    case = file_case(world.court, world.officer, principal="1000.00")
    seen: list[dict] = []
    events.subscribe("obligation.met", "tests.correcting", lambda **payload: seen.append(payload))
    try:
        owed = queries.standing(case, today()).outstanding  # what the basis fixed, the fee if any
        budget = case_budget(case, []).total
        first = receipt(case, clerk, str(owed), reference="M1")
        assert len(seen) == 1 and queries.standing(case, today()).met
        assert case_budget(case, []).total == 0
        correcting.journal_correct(first, reason="银行退票", actor=clerk)
        standing = queries.standing(case, today())
        assert not standing.met and standing.outstanding == owed
        assert case_budget(case, []).total == budget  # read from the ledger: no event needed
        receipt(case, clerk, str(owed), reference="M2")
        assert len(seen) == 2  # met again by the next receipt
    finally:
        events.unsubscribe("obligation.met", "tests.correcting")


# --- the page ---------------------------------------------------------------------------------------


def test_the_clerk_reverses_a_receipt_from_the_case_ledger_after_a_confirmation(client, world, clerk, case):
    owed = queries.standing(case, today()).outstanding
    original = receipt(case, clerk, "300.00")
    client.force_login(clerk)
    ledger = client.get(reverse("case-funds", args=[case.pk]), **EN).content.decode()
    url = reverse("case-funds-reverse", args=[case.pk, original.pk])
    assert f'href="{url}"' in ledger
    shown = client.get(url, **EN).content.decode()
    assert 'id="reverse-confirm"' in shown
    assert 'id="reverse-held-after">0.00 元' in shown and f'id="reverse-owed-after">{owed:,} 元' in shown
    assert not Journal.objects.filter(reverses=original).exists()  # showing it wrote nothing
    blank = client.post(url, {"reverse-reason": "  "}, **EN)
    assert blank.status_code == 200 and "This field is required." in blank.content.decode()
    assert not Journal.objects.filter(reverses=original).exists()
    done = client.post(url, {"reverse-reason": "记错案件"}, **EN)
    assert done.status_code == 302 and done["Location"].startswith(reverse("case-funds", args=[case.pk]))
    reversal = Journal.objects.get(reverses=original)
    assert reversal.memo == "记错案件" and queries.balance(case) == 0
    after = client.get(reverse("case-funds", args=[case.pk]), **EN).content.decode()
    assert f'href="{url}"' not in after and 'class="badge">reversed</span>' in after
    again = client.get(url, **EN).content.decode()
    assert "This journal has already been reversed." in again and 'id="reverse-confirm"' not in again
    of_reversal = client.get(
        reverse("case-funds-reverse", args=[case.pk, reversal.pk]), **EN
    ).content.decode()
    assert "A reversal is not reversed" in of_reversal and 'id="reverse-confirm"' not in of_reversal
    late = client.post(url, {"reverse-reason": "again"}, **EN)
    assert late.status_code == 200 and "already been reversed" in late.content.decode()
    assert Journal.objects.filter(reverses=original).count() == 1
    assert client.put(url, **EN).status_code == 405 and client.delete(url, **EN).status_code == 405


def test_the_case_page_panel_links_to_the_reversal_for_the_clerk_only(client, world, clerk, case):
    original = receipt(case, clerk)
    url = reverse("case-funds-reverse", args=[case.pk, original.pk])
    client.force_login(clerk)
    assert f'href="{url}"' in client.get(reverse("case-detail", args=[case.pk]), **EN).content.decode()
    client.force_login(world.officer)
    assert f'href="{url}"' not in client.get(reverse("case-detail", args=[case.pk]), **EN).content.decode()
    assert f'href="{url}"' not in client.get(reverse("case-funds", args=[case.pk]), **EN).content.decode()


def test_the_page_says_a_paid_payout_is_recorded_as_returned(client, world, clerk, case, paid):
    payout, journal = paid
    client.force_login(clerk)
    url = reverse("case-funds-reverse", args=[case.pk, journal.pk])
    shown = client.get(url, **EN).content.decode()
    assert f"Payout {payout.reference} to 张三 is recorded as returned" in shown
    assert client.post(url, {"reverse-reason": "未实际支付"}).status_code == 302
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.RETURNED


def test_the_page_refuses_what_is_not_reversed_here_without_a_form(client, world, clerk, case, identified):
    client.force_login(clerk)
    url = reverse("case-funds-reverse", args=[case.pk, identified.pk])
    not_here = client.get(url, **EN).content.decode()
    assert "is not reversed here" in not_here and 'id="reverse-confirm"' not in not_here
    before = written()
    refused = client.post(url, {"reverse-reason": "x"}, **EN)
    assert refused.status_code == 200 and "is not reversed here" in refused.content.decode()
    assert written() == before


def test_the_page_refuses_a_receipt_whose_money_has_gone_out(client, world, clerk, case, paid):
    client.force_login(clerk)
    url = reverse("case-funds-reverse", args=[case.pk, Journal.objects.get(reference="P-IN").pk])
    gone = client.get(url, **EN).content.decode()
    assert "the money has already gone out" in gone and 'id="reverse-confirm"' not in gone
    before = written()
    refused = client.post(url, {"reverse-reason": "退票"}, **EN)
    assert refused.status_code == 200 and "the money has already gone out" in refused.content.decode()
    assert written() == before


def test_the_page_is_the_same_404_for_a_missing_or_anothers_journal(client, world, clerk, other_clerk, case):
    original = receipt(case, clerk)
    sibling = file_case(world.court, world.officer)
    url = reverse("case-funds-reverse", args=[case.pk, original.pk])
    for who in (world.officer, other_clerk, world.liaison):
        client.force_login(who)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reverse-reason": "x"}).status_code == 404
    client.force_login(clerk)
    assert client.get(reverse("case-funds-reverse", args=[case.pk, 999_999_999])).status_code == 404
    assert (
        client.get(reverse("case-funds-reverse", args=[sibling.pk, original.pk])).status_code == 404
    )  # not its case
    assert not Journal.objects.filter(reverses=original).exists()


# --- the API ----------------------------------------------------------------------------------------


def reversal_url(pk) -> str:
    return f"/api/v1/funds/journals/{pk}/reversal/"


def test_api_reverses_and_refuses_with_codes(world, clerk, case, identified):
    original = receipt(case, clerk)
    no_reason = api(clerk).post(reversal_url(original.pk), {"reason": " "}, format="json")
    assert no_reason.status_code == 400
    assert (no_reason.json()["code"], no_reason.json()["field"]) == ("REASON_REQUIRED", "reason")
    missing_field = api(clerk).post(reversal_url(original.pk), {}, format="json")
    assert missing_field.status_code == 400 and missing_field.json()["field"] == "reason"
    not_here = api(clerk).post(reversal_url(identified.pk), {"reason": "x"}, format="json")
    assert not_here.status_code == 400 and not_here.json()["code"] == "JOURNAL_NOT_REVERSIBLE"
    assert not Journal.objects.filter(kind=JournalKind.REVERSAL).exists()
    made = api(clerk).post(reversal_url(original.pk), {"reason": "记错案件"}, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["kind"], body["reverses"], body["memo"], body["amount"]) == (
        "reversal",
        original.pk,
        "记错案件",
        "300.00",
    )
    again = api(clerk).post(reversal_url(original.pk), {"reason": "again"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "ALREADY_REVERSED"
    undo = api(clerk).post(reversal_url(body["id"]), {"reason": "undo"}, format="json")
    assert undo.status_code == 400 and undo.json()["code"] == "REVERSAL_OF_REVERSAL"
    assert Journal.objects.filter(kind=JournalKind.REVERSAL).count() == 1


def test_api_a_paid_payout_and_money_gone_out(world, clerk, case, paid):
    payout, journal = paid
    gone = api(clerk).post(
        reversal_url(Journal.objects.get(reference="P-IN").pk), {"reason": "x"}, format="json"
    )
    assert gone.status_code == 400 and gone.json()["code"] == "BALANCE_NEGATIVE"
    back = api(clerk).post(reversal_url(journal.pk), {"reason": "未实际支付"}, format="json")
    assert back.status_code == 201 and back.json()["reverses"] == journal.pk
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.RETURNED


def test_api_ownership_another_courts_journal_is_a_missing_one(world, clerk, other_clerk, case):
    original = receipt(case, clerk)
    body = {"reason": "x"}
    foreign = api(other_clerk).post(reversal_url(original.pk), body, format="json")
    missing = api(other_clerk).post(reversal_url(999_999_999), body, format="json")
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
    for who in (world.officer, world.liaison, world.supervisor):
        assert api(who).post(reversal_url(original.pk), body, format="json").status_code == 404, who
    for bad in ("abc", "99999999999999999999999"):
        assert api(clerk).post(reversal_url(bad), body, format="json").status_code == 404
    assert not Journal.objects.filter(reverses=original).exists()


def test_api_the_reversal_is_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/api/v1/funds/journals/{journal_id}/reversal/"]["post"]
    assert set(operation["responses"]) >= {"201", "400", "404"}
