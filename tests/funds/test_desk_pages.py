"""The fund desk's pages and API (issue 15 §11): statement upload, the 不明款 queue, payouts and the
bank's payment file, the court's and a case's ledgers with their Excel exports, the fund clerk's home
panels, the closure form opened by the R-FUND-04 proposal; and ownership: another court's case,
payout or receipt is the same 404 as a missing one, a liaison or an officer cannot book."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from enforcelink.cases.models import PartyRole
from enforcelink.core.models import AuditEvent
from enforcelink.funds import actions, paying, queries
from enforcelink.funds.models import CaseAccount, Journal
from enforcelink.funds.payouts import Payout, PayoutStatus
from enforcelink.funds.statements import UnidentifiedReceipt
from enforcelink.orgs.models import Role
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ON = dt.date(2024, 5, 6)
# The application fee on the cases' 120,000.00 (R-FUND-03): paid first out of what is received, the
# court's money, so what a payout may take is what is received beyond it.
FEE = Decimal("1700.00")


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


def login(client, user):
    client.force_login(user)
    return client


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def statement(text: str, name: str = "statement.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, ("交易日期,金额,付款人,付款账号,附言,银行流水号\n" + text).encode(), "text/csv"
    )


def reference(case) -> str:
    return CaseAccount.objects.get(case=case).reference


def test_the_clerk_imports_a_statement_on_the_page_and_assigns_the_rest(client, world, clerk, case):
    login(client, clerk)
    body = f"2024-05-06,1000.00,甲,1,执行款{reference(case)},B1\n2024-05-06,300.00,乙,2,不明,B2\n"
    page = client.post(reverse("funds-statements"), {"file": statement(body)}, **EN)
    assert page.status_code == 200
    assert "1 lines booked to cases, 1 to the unidentified money queue" in page.content.decode()
    queue = client.get(reverse("funds-unidentified"), **EN)
    item = UnidentifiedReceipt.objects.get()
    assert f'id="unidentified-{item.pk}"' in queue.content.decode()
    done = client.post(
        reverse("funds-unidentified-action", args=[item.pk, "assign"]), {"case": case.number}, **EN
    )
    assert done.status_code == 302
    assert queries.balance(case) == Decimal("1300.00")


def test_a_bad_statement_shows_every_error_with_row_and_column(client, world, clerk, case):
    login(client, clerk)
    page = client.post(reverse("funds-statements"), {"file": statement("2024-05-06,1.005,甲,1,x,B1\n")}, **EN)
    text = page.content.decode()
    assert "Nothing was booked" in text and "row 2, column B (金额)" in text
    assert not Journal.objects.exists()


def test_the_case_ledger_shows_the_running_balance_and_exports_it(client, world, clerk, case):
    for n, amount in enumerate(("100.00", "250.50")):
        actions.receipt_record(case, amount, source="voluntary", value_on=ON, reference=f"R{n}", actor=clerk)
    login(client, world.officer)
    page = client.get(reverse("case-funds", args=[case.pk]), **EN)
    assert page.status_code == 200 and "350.50" in page.content.decode()
    sheet = client.get(reverse("case-funds", args=[case.pk]) + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert [row[5] for row in rows[1:]] == [100.0, 350.5]  # the balance after each movement
    csv = client.get(reverse("case-funds", args=[case.pk]) + "?format=csv").content.decode("utf-8-sig")
    assert "350.50" in csv


def test_the_clerk_books_a_voluntary_payment_on_the_case_page_and_an_officer_cannot(
    client, world, clerk, case
):
    url = reverse("case-funds-receipt", args=[case.pk])
    data = {"receipt-amount": "500.00", "receipt-value_on": "2024-05-06", "receipt-reference": "柜台001"}
    assert login(client, world.officer).post(url, data).status_code == 404
    assert login(client, clerk).post(url, data).status_code == 302
    assert queries.balance(case) == Decimal("500.00")
    bad = client.post(url, {**data, "receipt-amount": "1.234", "receipt-reference": "柜台002"}, **EN)
    assert bad.status_code == 200 and "at most two decimals" in bad.content.decode()


def test_payouts_from_the_pages_and_the_bank_file(client, world, clerk, case, leader):
    actions.receipt_record(case, Decimal("1000.00") + FEE, source="voluntary", value_on=ON, actor=clerk)
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    login(client, world.officer)
    over = client.post(reverse("case-funds-propose", args=[case.pk]), {
        "propose-party": applicant.pk, "propose-amount": "1000.01", "propose-account": "6222"}, **EN)  # fmt: skip
    assert "is more than the case can pay" in over.content.decode() and not Payout.objects.exists()
    client.post(reverse("case-funds-propose", args=[case.pk]), {
        "propose-party": applicant.pk, "propose-amount": "800.00", "propose-account": "6222", "propose-bank": "农行"})  # fmt: skip
    payout = Payout.objects.get()
    login(client, leader)
    page = client.get(reverse("funds-payouts"), **EN).content.decode()
    assert f'id="payout-{payout.pk}"' in page and '<td class="num">800.00 元</td>' in page
    assert f"<td>{world.officer.full_name}<br>" in page  # who proposed, by name: never the login
    assert world.officer.full_name in client.get("/", **EN).content.decode()  # the approvals queue too
    client.post(reverse("funds-payout-action", args=[payout.pk, "approve"]), {"note": "同意"})
    login(client, clerk)
    sheet = client.post(reverse("funds-payment-file"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][:5] == ("张三", "6222", "农行", 800.0, case.number) and rows[1][5] == payout.reference
    assert AuditEvent.objects.filter(action="funds.payment_file_made").exists()
    client.post(
        reverse("funds-payout-action", args=[payout.pk, "paid"]),
        {"paid_on": timezone.localdate().isoformat()},
    )
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID and queries.balance(case) == Decimal("200.00") + FEE


def test_the_court_ledger_filters_and_exports(client, world, clerk, case):
    actions.receipt_record(case, "10.00", source="voluntary", value_on=ON, reference="流水-X1", actor=clerk)
    login(client, clerk)
    page = client.get(reverse("funds-ledger") + "?kind=receipt_voluntary&since=2024-05-01", **EN)
    assert page.status_code == 200 and "流水-X1" in page.content.decode()
    assert "流水-X1" not in client.get(reverse("funds-ledger") + "?kind=payout", **EN).content.decode()
    sheet = client.get(reverse("funds-ledger") + "?format=xlsx")
    assert len(list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows())) == 2
    for who in (world.officer, world.liaison):
        assert login(client, who).get(reverse("funds-ledger")).status_code == 403


def test_the_clerks_home_shows_the_queue_payouts_to_pay_and_money_held(client, world, clerk, case):
    login(client, clerk)
    page = client.get("/", **EN).content.decode()
    for key in ("funds-unidentified", "funds-to-pay", "funds-overdue"):
        assert f'id="{key}"' in page


def test_the_obligation_met_opens_the_closure_form_with_the_mode_chosen(client, world, clerk):
    case = file_case(world.court, world.officer, principal="100.00")  # the application fee: 50.00
    actions.receipt_record(case, "150.00", source="voluntary", value_on=timezone.localdate(), actor=clerk)
    login(client, case.officer)
    page = client.get(reverse("case-detail", args=[case.pk]), **EN).content.decode()
    assert 'id="funds-close-button"' in page
    opened = client.get(
        reverse("case-detail", args=[case.pk]) + "?close=fully_performed", **EN
    ).content.decode()
    assert '<details class="action" open id="action-close">' in opened
    assert '<option value="fully_performed" selected>' in opened


# --- the API ---------------------------------------------------------------------------------------


def test_api_the_whole_desk(world, clerk, case, leader):
    booked = api(clerk).post(f"/api/v1/cases/{case.pk}/funds/receipts/",
                             {"amount": "2600.00", "value_on": "2024-05-06", "reference": "API1"}, format="json")  # fmt: skip
    assert booked.status_code == 201, booked.json()
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    over = api(world.officer).post(f"/api/v1/cases/{case.pk}/funds/payouts/",
                                   {"party": applicant.pk, "amount": "900.01", "account": "6222"}, format="json")  # fmt: skip
    assert over.status_code == 400 and over.json()["code"] == "PAYOUT_OVER_BALANCE"
    made = api(world.officer).post(f"/api/v1/cases/{case.pk}/funds/payouts/",
                                   {"party": applicant.pk, "amount": "900.00", "account": "6222"}, format="json")  # fmt: skip
    assert made.status_code == 201
    pk = made.json()["id"]
    assert (
        api(world.officer).post(f"/api/v1/funds/payouts/{pk}/approve/", {}, format="json").status_code == 404
    )
    assert (
        api(leader).post(f"/api/v1/funds/payouts/{pk}/approve/", {}, format="json").json()["status"]
        == "approved"
    )
    paid = api(clerk).post(f"/api/v1/funds/payouts/{pk}/paid/", {}, format="json")
    assert paid.json()["status"] == "paid"
    ledger = api(world.officer).get(f"/api/v1/cases/{case.pk}/funds/ledger/").json()
    assert [line["balance"] for line in ledger] == ["2600.00", "1700.00"]  # the court's fee stays
    journals = api(clerk).get("/api/v1/funds/journals/?kind=payout").json()
    assert [row["kind"] for row in journals["results"]] == ["payout"]


def test_api_statement_import_and_the_queue(world, clerk, case):
    upload = statement(f"2024-05-06,5.00,甲,1,{reference(case)},S1\n2024-05-06,7.00,乙,2,无,S2\n")
    done = api(clerk).post("/api/v1/funds/statements/", {"file": upload}, format="multipart")
    assert done.status_code == 201 and done.json()["applied"] is True
    bad = api(clerk).post("/api/v1/funds/statements/", {"file": statement("2024-05-06,-1,甲,1,x,S3\n")},
                          format="multipart")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "AMOUNT_NEGATIVE"
    [item] = api(clerk).get("/api/v1/funds/unidentified/").json()["results"]
    back = api(clerk).post(
        f"/api/v1/funds/unidentified/{item['id']}/return/", {"reason": "汇错"}, format="json"
    )
    assert back.status_code == 201 and back.json()["kind"] == "unidentified_return"


def test_api_ownership_another_courts_records_are_missing_ones(world, clerk, other_clerk, case):
    foreign = file_case(world.other_court, world.outsider)
    actions.receipt_record(case, "1800.00", source="voluntary", value_on=ON, actor=clerk)
    payout = paying.payout_propose(case, party=case.parties.get(role=PartyRole.APPLICANT), amount="10",
                                   account="1", actor=world.officer)  # fmt: skip
    body = {"amount": "1.00", "value_on": "2024-05-06"}
    missing = api(clerk).post("/api/v1/cases/999999999/funds/receipts/", body, format="json")
    foreign_case = api(clerk).post(f"/api/v1/cases/{foreign.pk}/funds/receipts/", body, format="json")
    assert missing.status_code == foreign_case.status_code == 404 and missing.json() == foreign_case.json()
    assert (
        api(other_clerk).post(f"/api/v1/funds/payouts/{payout.pk}/paid/", {}, format="json").status_code
        == 404
    )
    assert api(other_clerk).get(f"/api/v1/cases/{case.pk}/funds/ledger/").status_code == 404
    for who in (world.officer, world.liaison, world.supervisor):
        answer = api(who).post(f"/api/v1/cases/{case.pk}/funds/receipts/", body, format="json")
        assert answer.status_code == 404, who
    assert api(world.liaison).get("/api/v1/funds/unidentified/").json()["results"] == []
    assert Journal.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("back", ["/\\evil.example/", "//evil.example/", "https://evil.example/"])
def test_a_payout_action_never_sends_the_browser_to_another_site(client, world, clerk, case, leader, back):
    actions.receipt_record(case, Decimal("1000.00") + FEE, source="voluntary", value_on=ON, actor=clerk)
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    login(client, world.officer)
    client.post(reverse("case-funds-propose", args=[case.pk]), {
        "propose-party": applicant.pk, "propose-amount": "800.00", "propose-account": "6222"})  # fmt: skip
    payout = Payout.objects.get()
    login(client, leader)
    answer = client.post(
        reverse("funds-payout-action", args=[payout.pk, "approve"]), {"note": "同意", "next": back}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("funds-payouts")
    local = client.post(reverse("funds-payout-action", args=[payout.pk, "approve"]), {"next": "/cases/"})
    assert local["Location"] == "/cases/"
