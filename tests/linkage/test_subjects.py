"""Issue 14 §3: a request says whom and what — the case's respondents (name, ID type, the number),
the measure, the amount as money and the account. The unit the request was sent to sees the whole
number, each view logged once a day as a reveal (R-ID-05); everyone else reads it masked."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enforcelink.cases.actions import PartyInput
from enforcelink.core.models import AuditEvent
from enforcelink.linkage import actions, exchange, subjects
from enforcelink.linkage.actions import access
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role
from tests.api.conftest import API
from tests.factories import PERSON_IDS, USCCS, CourtFactory, UserFactory, file_case
from tests.linkage.conftest import ask
from tests.linkage.test_api_agrees import openapi, violations  # noqa: F401  (the module's schema fixture)

DEBTOR_ID = PERSON_IDS[1]  # 110105199003074472
MASKED = "1101051990****4472"  # R-ID-05: birth month and day hidden
ACCOUNT = "6217000012345678"


def debtor_case(world, court=None, officer=None):
    """A person and a company owe; the applicant is a lender."""
    return file_case(
        court or world.court,
        officer or world.officer,
        parties=[
            PartyInput(
                role="applicant", kind="organisation", name="重庆某小额贷款有限公司", id_number=USCCS[1]
            ),
            PartyInput(role="respondent", kind="person", name="王五", id_number=DEBTOR_ID),
            PartyInput(role="respondent", kind="organisation", name="重庆某建材有限公司", id_number=USCCS[0]),
        ],
    )


@pytest.fixture
def freeze(world):
    """A freeze of 124,700.50 yuan on a named account, sent to the bank."""
    asked = ask(world.unit, "freeze", amount="124700.5", account=ACCOUNT, measure="冻结被执行人王五名下存款")
    made = actions.request_create(debtor_case(world), asked, actor=world.officer)
    return actions.request_send(made, actor=world.officer)


@pytest.fixture
def deduction(world):
    """A deduction awaiting the president's approval."""
    asked = ask(world.unit, "deduct", amount="124700.50", account=ACCOUNT)
    made = actions.request_create(debtor_case(world), asked, actor=world.officer)
    return actions.request_send(made, actor=world.officer)


def reveals():
    return AuditEvent.objects.filter(action="party.id_revealed")


def page_of(client, user, request):
    client.force_login(user)
    return client.get(reverse("request-detail", args=[request.pk]))


# --- the request page ------------------------------------------------------------------------------


def test_the_liaison_sees_whom_and_what_with_the_whole_id_and_the_view_is_logged(client, world, freeze):
    page = page_of(client, world.liaison, freeze)
    text = page.content.decode()
    assert page.status_code == 200
    assert "王五" in text and DEBTOR_ID in text and MASKED not in text
    assert "重庆某建材有限公司" in text and USCCS[0] in text
    assert "124,700.50 元" in text and ACCOUNT in text and "冻结被执行人王五名下存款" in text
    assert "124700.5<" not in text  # the raw detail is not shown beside it
    [logged] = reveals()  # the company's USCC is never masked: nothing to log for it
    wang = freeze.case.parties.get(name="王五")
    assert (logged.object_id, logged.actor_id, logged.case_id, logged.court_id) == (
        str(wang.pk),
        world.liaison.pk,
        freeze.case_id,
        world.court.pk,
    )
    assert logged.after == {"party": "王五", "masked": MASKED, "purpose": "linkage", "request": freeze.pk,
                            "via": "page"}  # fmt: skip


def test_the_reveal_is_logged_once_per_request_reader_and_day(client, world, freeze, monkeypatch):
    for _ in range(3):
        assert DEBTOR_ID in page_of(client, world.liaison, freeze).content.decode()
    assert reveals().count() == 1
    # the next day: logged again
    monkeypatch.setattr(access, "_today_began", lambda: timezone.now() + dt.timedelta(seconds=1))
    page_of(client, world.liaison, freeze)
    assert reveals().count() == 2
    # another request of the same case is another view
    again = actions.request_send(
        actions.request_create(freeze.case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    page_of(client, world.liaison, again)
    assert reveals().count() == 3


def test_another_units_liaison_gets_404_and_nothing_is_logged(client, world, freeze):
    assert page_of(client, world.other_liaison, freeze).status_code == 404
    assert not reveals().exists()


def test_a_request_not_yet_sent_is_not_the_units(client, world, deduction):
    assert page_of(client, world.liaison, deduction).status_code == 404
    assert not subjects.shows_full(world.liaison, deduction)


@pytest.mark.parametrize("who", ["supervisor", "officer", "president"])
def test_everyone_else_reads_the_number_masked_and_no_reveal_is_logged(client, world, freeze, who):
    text = page_of(client, getattr(world, who), freeze).content.decode()
    assert "王五" in text and MASKED in text and DEBTOR_ID not in text
    assert "124,700.50 元" in text and ACCOUNT in text
    assert not reveals().exists()


def test_court_staff_reveal_as_on_the_case_page_and_a_supervisor_cannot(client, world, freeze):
    wang = freeze.case.parties.get(name="王五")
    reveal = reverse("party-reveal", args=[freeze.case_id, wang.pk])
    officer_page = page_of(client, world.officer, freeze).content.decode()
    assert reveal in officer_page and 'value="linkage" selected' in officer_page
    assert reveal not in page_of(client, world.supervisor, freeze).content.decode()
    client.force_login(world.officer)
    shown = client.post(reveal, {"purpose": "linkage"}, HTTP_HX_REQUEST="true")
    assert DEBTOR_ID in shown.content.decode()
    assert reveals().get().actor_id == world.officer.pk


# --- approval ----------------------------------------------------------------------------------------


def test_the_approver_sees_the_debtor_the_amount_as_money_and_the_account(client, world, deduction):
    client.force_login(world.president)
    listing = client.get(reverse("request-approvals")).content.decode()
    assert "王五" in listing and MASKED in listing and "重庆某建材有限公司" in listing
    assert "124,700.50 元" in listing and ACCOUNT in listing and "124700.50" not in listing
    page = client.get(reverse("request-detail", args=[deduction.pk])).content.decode()
    assert 'id="approval"' in page and "王五" in page and "124,700.50 元" in page and ACCOUNT in page
    assert MASKED in page and DEBTOR_ID not in page
    assert not reveals().exists()


# --- the inbox ---------------------------------------------------------------------------------------


def test_inbox_rows_name_the_respondent_masked_and_log_nothing(client, world, freeze):
    client.force_login(world.liaison)
    text = client.get(reverse("inbox")).content.decode()
    assert "王五" in text and MASKED in text and DEBTOR_ID not in text
    assert "124,700.50 元" in text and ACCOUNT in text
    assert not reveals().exists()


def count(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_inbox_and_approvals_queries_do_not_grow_with_their_rows(client, world):
    """The respondents come in one query for the page, whatever its length."""

    def send(n, request_type="freeze"):
        for _ in range(n):
            asked = ask(world.unit, request_type, amount="100.00")
            actions.request_send(actions.request_create(debtor_case(world), asked, actor=world.officer),
                                 actor=world.officer)  # fmt: skip

    client.force_login(world.liaison)
    send(2)
    inbox = lambda: client.get(reverse("inbox"))  # noqa: E731
    inbox()
    few = count(inbox)
    send(6)
    assert count(inbox) == few
    client.force_login(world.president)
    send(2, "deduct")
    approvals = lambda: client.get(reverse("request-approvals"))  # noqa: E731
    approvals()
    few = count(approvals)
    send(6, "deduct")
    assert count(approvals) == few


# --- the machine API ---------------------------------------------------------------------------------


def test_api_detail_gives_the_unit_the_whole_number_logged_once_a_day(world, freeze, bank, openapi):  # noqa: F811
    url = f"{API}/requests/{freeze.pk}/"
    body = bank.client.get(url).json()
    assert body["respondents"] == [
        {"name": "王五", "kind": "person", "id_type": "resident_id", "id_number": DEBTOR_ID,
         "id_number_masked": False},
        {"name": "重庆某建材有限公司", "kind": "organisation", "id_type": "uscc", "id_number": USCCS[0],
         "id_number_masked": False},
    ]  # fmt: skip
    assert (body["measure"], body["amount"], body["account"]) == ("冻结", "124700.50", ACCOUNT)
    assert violations(openapi, "RequestDetail", body) == []
    bank.client.get(url)
    [logged] = reveals()
    assert logged.actor_id is None and logged.actor_label == f"api-key:{bank.key.prefix}"
    assert logged.after["via"] == "api" and logged.after["request"] == freeze.pk


def test_api_list_carries_the_respondents_masked_and_logs_nothing(world, freeze, bank, openapi):  # noqa: F811
    [row] = bank.client.get(f"{API}/requests/").json()["results"]
    assert row["respondents"][0] == {"name": "王五", "kind": "person", "id_type": "resident_id",
                                     "id_number": MASKED, "id_number_masked": True}  # fmt: skip
    assert row["amount"] == "124700.50" and row["account"] == ACCOUNT
    assert violations(openapi, "RequestDetail", row) == []
    assert not reveals().exists()


@pytest.mark.parametrize("who", ["officer", "supervisor"])
def test_api_detail_is_masked_for_the_court_side(world, freeze, client_for, who):
    body = client_for(who).get(f"{API}/requests/{freeze.pk}/").json()
    assert body["respondents"][0]["id_number"] == MASKED and body["respondents"][0]["id_number_masked"]
    assert not reveals().exists()


def test_api_detail_of_another_units_request_is_404(world, freeze, stranger):
    assert stranger.get(f"{API}/requests/{freeze.pk}/").status_code == 404
    assert not reveals().exists()


def test_the_schema_describes_whom_and_what(openapi):  # noqa: F811
    detail = openapi["components"]["schemas"]["RequestDetail"]["properties"]
    assert {"respondents", "measure", "amount", "account"} <= set(detail)
    respondent = openapi["components"]["schemas"]["Respondent"]["properties"]
    assert {"name", "kind", "id_type", "id_number", "id_number_masked"} <= set(respondent)
    paths = openapi["paths"]
    for path in ("/api/v1/requests/", "/api/v1/requests/{request_id}/"):
        assert "RequestDetail" in str(paths[path]["get"]["responses"]["200"])


# --- the reply sheet ---------------------------------------------------------------------------------


def test_the_reply_sheet_carries_whom_and_what_logged_once_for_the_sheet(world, freeze):
    book = load_workbook(io.BytesIO(exchange.reply_sheet(world.liaison, "freeze")))
    header, *rows = list(book.active.iter_rows(values_only=True))
    [row] = [dict(zip(header, values, strict=True)) for values in rows]
    assert row["id"] == freeze.pk
    assert row["respondent"] == "王五；重庆某建材有限公司"
    assert row["respondent_id"] == f"{DEBTOR_ID}；{USCCS[0]}"
    assert row["respondent_id_type"].count("；") == 1
    assert row["measure"] == "冻结：冻结被执行人王五名下存款"
    assert (row["amount_asked"], row["account_asked"]) == ("124,700.50 元", ACCOUNT)
    [logged] = AuditEvent.objects.filter(action="party.ids_revealed")
    assert (logged.actor_id, logged.court_id, logged.case_id) == (world.liaison.pk, world.court.pk, None)
    assert logged.after["requests"] == [freeze.pk] and logged.after["via"] == "reply_sheet"
    assert not reveals().exists()  # one entry for the sheet, not one per row


def test_a_sheet_of_two_courts_logs_one_entry_on_each_courts_trail(world, freeze):
    court = CourtFactory(code="渝01", name="重庆市第一中级人民法院", region=world.region)
    officer = UserFactory(court=court, role=Role.OFFICER)
    asked = ask(world.unit, "freeze", amount="10.00")
    others = [actions.request_send(actions.request_create(debtor_case(world, court, officer), asked, actor=officer),
                                   actor=officer) for _ in range(2)]  # fmt: skip
    exchange.reply_sheet(world.liaison, "freeze")
    logged = {event.court_id: event.after["requests"] for event in AuditEvent.objects.filter(
        action="party.ids_revealed")}  # fmt: skip
    assert logged == {world.court.pk: [freeze.pk], court.pk: sorted(other.pk for other in others)}


def test_another_units_sheet_has_no_row_and_logs_nothing(world, freeze):
    book = load_workbook(io.BytesIO(exchange.reply_sheet(world.other_liaison, "freeze")))
    assert len(list(book.active.iter_rows(values_only=True))) == 1
    assert not AuditEvent.objects.filter(action__in=["party.ids_revealed", "party.id_revealed"]).exists()


def test_a_filled_in_sheet_with_the_subject_columns_still_answers(world, freeze, tmp_path):
    book = load_workbook(io.BytesIO(exchange.reply_sheet(world.liaison, "freeze")))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    for name, value in {"outcome": "完成", "frozen_amount": "124700.50", "account": ACCOUNT,
                        "frozen_until": (timezone.localdate() + dt.timedelta(days=300)).isoformat()}.items():  # fmt: skip
        sheet.cell(row=2, column=header.index(name) + 1, value=value)
    book.save(tmp_path / "filled.xlsx")
    report = exchange.replies_import(tmp_path / "filled.xlsx", "freeze", actor=world.liaison)
    assert report.errors == [] and report.imported == 1
    freeze.refresh_from_db()
    assert freeze.status == "completed" and freeze.result["frozen_amount"] == "124700.50"


# --- what the subject reads out of the details --------------------------------------------------------


def test_amounts_that_are_not_money_are_shown_as_sent(world):
    case = debtor_case(world)
    request = AssistanceRequest(case=case, unit=world.unit, request_type="inquire_deposits",
                                details={"amount": 100.5, "certificate": "渝（2020）綦江区不动产权第1号", "plate": "渝B·12345"})  # fmt: skip
    subject = subjects.subject_of(request, full=False)
    assert subject.amount is None and subject.amount_text == "100.5"  # a float is never read as money
    assert subject.account == "渝（2020）綦江区不动产权第1号" and subject.others == (("plate", "渝B·12345"),)
    request.details = {"amount": "12,345.6元"}
    subject = subjects.subject_of(request, full=True)
    assert subject.amount == Decimal("12345.60") and subject.amount_text == "12,345.60 元"
    assert [r.id_number for r in subject.respondents] == [DEBTOR_ID, USCCS[0]]
    request.details = {"amount": "许多"}
    assert subjects.subject_of(request, full=False).amount_text == "许多"


def test_the_send_form_takes_the_account(client, world):
    case = debtor_case(world)
    client.force_login(world.officer)
    client.post(reverse("case-requests", args=[case.pk]), {
        "request_type": "freeze", "units": [world.unit.pk], "purpose": "冻结存款", "legal_basis": "民诉法",
        "amount": "5000", "account": ACCOUNT,
    })  # fmt: skip
    assert AssistanceRequest.objects.get().details == {"amount": "5000.00", "account": ACCOUNT}
