"""The fund desk's court ledger shows each movement as money in, money out or within the court (the
custody account's side: 收/支), on the page, in its export and through the API; the 不明款 queue shows
the parties of the case a clerk names (and of the cases whose respondent bears the payer's name)
before the money is assigned (R-FUND-01); a payout paid out is not labelled as paid by the debtor."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from enforcelink.cases.actions import PartyInput
from enforcelink.cases.models import PartyRole
from enforcelink.funds import actions, desk, paying, receiving
from enforcelink.funds.models import CaseAccount, Journal
from enforcelink.funds.statements import UnidentifiedReceipt
from enforcelink.orgs.models import Role
from tests.factories import PERSON_IDS, USCCS, UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
COMPANY = "重庆某建材有限公司"  # the respondent of `file_case`'s cases


def today() -> dt.date:
    return timezone.localdate()


def statement(world, clerk, tmp_path, lines: str) -> None:
    path = tmp_path / "statement.csv"
    path.write_text("交易日期,金额,付款人,付款账号,附言,银行流水号\n" + lines, encoding="utf-8")
    assert receiving.statement_import(path, court=world.court, actor=clerk).applied


@pytest.fixture
def movements(world, clerk, case, tmp_path):
    """A receipt of 50,000.00, its payout of 400.00 paid, 不明款 of 800.00 assigned to the case, and a
    receipt of 5.00 reversed: {name: journal}."""
    leader = UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)
    received = actions.receipt_record(case, "50000.00", source="voluntary", value_on=today(), reference="IN-1",
                                      actor=clerk).journal  # fmt: skip
    payout = paying.payout_propose(case, party=case.parties.get(role=PartyRole.APPLICANT), amount="400.00",
                                   account="6222", actor=world.officer)  # fmt: skip
    paying.payout_approve(payout, actor=leader)
    paid = paying.payout_paid(payout, paid_on=today(), actor=clerk)
    statement(world, clerk, tmp_path, "2024-05-06,800.00,王五,6222,看不清,B100\n")
    identified = receiving.unidentified_assign(UnidentifiedReceipt.objects.get(), case, actor=clerk)
    small = actions.receipt_record(case, "5.00", source="voluntary", value_on=today(), reference="IN-2",
                                   actor=clerk).journal  # fmt: skip
    reversal = actions.journal_reverse(small, reason="重复", actor=clerk)
    return {"received": received, "paid": paid, "identified": identified, "reversal": reversal}


# --- the court ledger: 收/支 -------------------------------------------------------------------------


def test_each_journal_has_its_direction_on_the_custody_account(world, clerk, movements):
    rows = {journal.pk: desk.direction(journal) for journal in desk.court_ledger(clerk, desk.LedgerFilters())}
    assert rows[movements["received"].pk] == desk.IN
    assert rows[movements["paid"].pk] == desk.OUT
    assert rows[movements["identified"].pk] == desk.WITHIN  # 不明款 → the case: no money moved at the bank
    assert rows[movements["reversal"].pk] == desk.OUT  # a receipt undone: money out of the custody account
    unidentified = Journal.objects.get(reference="B100")
    assert rows[unidentified.pk] == desk.IN


def test_the_court_ledger_page_shows_money_in_and_money_out(client, world, clerk, movements):
    client.force_login(clerk)
    page = client.get(reverse("funds-ledger"), **EN).content.decode()
    assert ">In/out</th>" in page and ">Money in</th>" in page and ">Money out</th>" in page
    received, paid = movements["received"].pk, movements["paid"].pk
    row_in = page[page.index(f'id="journal-{received}"') :].split("</tr>")[0]
    row_out = page[page.index(f'id="journal-{paid}"') :].split("</tr>")[0]
    row_within = page[page.index(f'id="journal-{movements["identified"].pk}"') :].split("</tr>")[0]
    assert (
        'data-direction="in"' in row_in and '<td class="num">50,000.00 元</td><td class="num"></td>' in row_in
    )
    assert (
        'data-direction="out"' in row_out and '<td class="num"></td><td class="num">400.00 元</td>' in row_out
    )
    assert 'data-direction="within"' in row_within and "Within the court</span> 800.00 元" in row_within


def test_the_court_ledger_export_has_direction_and_columns_a_spreadsheet_adds_up(
    client, world, clerk, movements
):
    client.force_login(clerk)
    sheet = client.get(reverse("funds-ledger") + "?format=xlsx", **EN)
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[5:9] == ["In/out", "Money in", "Money out", "Amount"]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[movements["received"].pk][5:9] == ("Money in", 50000.0, None, 50000.0)
    assert by_id[movements["paid"].pk][5:9] == ("Money out", None, 400.0, 400.0)
    assert by_id[movements["identified"].pk][5:9] == ("Within the court", None, None, 800.0)
    csv = client.get(reverse("funds-ledger") + "?format=csv", **EN).content.decode("utf-8-sig")
    assert "In/out,Money in,Money out,Amount" in csv.splitlines()[0]


def test_the_court_ledger_api_gives_the_direction(world, clerk, movements):
    client = APIClient()
    client.force_login(clerk)
    rows = client.get("/api/v1/funds/journals/").json()["results"]
    direction = {row["id"]: row["direction"] for row in rows}
    assert direction[movements["received"].pk] == "in" and direction[movements["paid"].pk] == "out"
    assert direction[movements["identified"].pk] == "within"
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["CourtJournal"]["properties"]["direction"]["allOf"] == [
        {"$ref": "#/components/schemas/DirectionEnum"}
    ]
    assert schema["DirectionEnum"]["enum"] == ["in", "out", "within"]


def test_the_button_that_records_a_payout_paid_says_paid_out(client, world, clerk, case):
    """“Paid” meant both the debtor's payment and a payout made: the payout's button and status
    have their own words (msgid context "payout status")."""
    leader = UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)
    actions.receipt_record(case, "50000.00", source="voluntary", value_on=today(), actor=clerk)
    payout = paying.payout_propose(case, party=case.parties.get(role=PartyRole.APPLICANT), amount="10.00",
                                   account="6222", actor=world.officer)  # fmt: skip
    paying.payout_approve(payout, actor=leader)
    client.force_login(clerk)
    page = client.get(reverse("funds-payouts"), **EN).content.decode()
    assert f'id="paid-{payout.pk}">Record as paid out</button>' in page


# --- the 不明款 queue: whose case is it? ------------------------------------------------------------


@pytest.fixture
def waiting(world, clerk, tmp_path):
    """不明款 paid by the respondent of the case (its name in the payer column, no reference)."""
    statement(world, clerk, tmp_path, f"2024-05-06,800.00,{COMPANY},6222,还款,B200\n")
    return UnidentifiedReceipt.objects.get()


def test_the_case_a_clerk_types_shows_its_parties_and_whether_the_payer_is_one(
    client, world, clerk, case, waiting
):
    client.force_login(clerk)
    queue = client.get(reverse("funds-unidentified"), **EN).content.decode()
    url = reverse("funds-unidentified-case", args=[waiting.pk])
    assert f'hx-get="{url}"' in queue and f'id="assign-case-{waiting.pk}"' in queue
    shown = client.get(url, {"case": case.number}, **EN).content.decode()
    assert case.number in shown and "张三" in shown and COMPANY in shown
    assert f"The payer {COMPANY} is a respondent of this case." in shown
    by_reference = client.get(
        url, {"case": CaseAccount.objects.get(case=case).reference}, **EN
    ).content.decode()
    assert case.number in by_reference
    other = file_case(world.court, world.officer, parties=[
        PartyInput(role="applicant", kind="person", name="李四", id_number=PERSON_IDS[1]),
        PartyInput(role="respondent", kind="organisation", name="重庆另一公司", id_number=USCCS[1]),
    ])  # fmt: skip
    wrong = client.get(url, {"case": other.number}, **EN).content.decode()
    assert (
        "is not a party of this case: check the transfer before assigning" in wrong
        and "重庆另一公司" in wrong
    )
    none = client.get(url, {"case": "（2099）渝0110执99999号"}, **EN).content.decode()
    assert "No case of this court has that number or account reference." in none
    assert UnidentifiedReceipt.objects.get().status == "waiting"  # looking assigns nothing


def test_the_queue_lists_the_cases_whose_respondent_is_the_payer_with_their_parties(
    client, world, clerk, case, waiting
):
    foreign = file_case(world.other_court, world.outsider)  # the same respondent in another court
    client.force_login(clerk)
    queue = client.get(reverse("funds-unidentified"), **EN).content.decode()
    assert f'id="payer-cases-{waiting.pk}"' in queue and f"Cases where {COMPANY} is a respondent" in queue
    assert f'id="assign-{waiting.pk}-to-{case.pk}"' in queue and foreign.number not in queue
    done = client.post(
        reverse("funds-unidentified-action", args=[waiting.pk, "assign"]), {"case": case.number}
    )
    assert done.status_code == 302 and UnidentifiedReceipt.objects.get().case_id == case.pk


def test_the_queues_candidates_cost_the_same_queries_for_one_or_many(
    client, world, clerk, tmp_path, django_assert_max_num_queries
):
    file_case(world.court, world.officer)
    statement(world, clerk, tmp_path, f"2024-05-06,1.00,{COMPANY},1,x,C1\n")
    client.force_login(clerk)
    with django_assert_max_num_queries(60) as one:
        client.get(reverse("funds-unidentified"))
    for _ in range(4):
        file_case(world.court, world.officer)
    statement(world, clerk, tmp_path, "".join(f"2024-05-06,{n}.00,{COMPANY},1,x,C{n}\n" for n in range(2, 8)))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("funds-unidentified"), **EN)
    assert page.content.decode().count('class="payer-case"') == 7 * 5  # at most 5 cases per payer


def test_the_parties_lookup_is_the_clerks_and_anothers_receipt_is_a_missing_one(
    client, world, clerk, other_clerk, case, waiting
):
    url = reverse("funds-unidentified-case", args=[waiting.pk])
    for who in (world.officer, other_clerk, world.liaison):
        client.force_login(who)
        assert client.get(url, {"case": case.number}).status_code == 404
    client.force_login(clerk)
    assert (
        client.get(reverse("funds-unidentified-case", args=[999_999_999]), {"case": "x"}).status_code == 404
    )
    assert client.post(url, {"case": case.number}).status_code == 405


def test_a_nul_byte_typed_as_the_case_is_no_500(client, world, clerk, case, waiting):
    """PostgreSQL refuses a NUL byte in a query's text: the lookup and the court ledger's case filter
    answer as for a case that does not exist (the bug showed on PostgreSQL only)."""
    client.force_login(clerk)
    url = reverse("funds-unidentified-case", args=[waiting.pk])
    looked = client.get(url, {"case": "（2099）\x00渝0110执9号"}, **EN)
    assert looked.status_code == 200
    assert "No case of this court has that number or account reference." in looked.content.decode()
    assert client.get(url, {"case": f"{case.number}\x00"}, **EN).status_code == 200
    for fmt in ("", "csv"):
        ledger = client.get(reverse("funds-ledger"), {"case": "\x00", **({"format": fmt} if fmt else {})})
        assert ledger.status_code == 200
