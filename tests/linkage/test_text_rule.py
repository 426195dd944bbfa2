"""Issue 12, finding 1 for the linkage texts that reach a notice or a record: a request's purpose,
legal basis and measure, a unit's result, a message. Same rule, same code, page or API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from enforcelink.core.errors import InvalidInput
from enforcelink.linkage import exchange
from enforcelink.linkage.actions import Ask, request_cancel, request_create, request_reject
from enforcelink.linkage.forms import MessageForm, SendForm
from enforcelink.linkage.models import AssistanceRequest, RequestMessage
from tests.api.conftest import API


@pytest.mark.parametrize(
    ("ask_fields", "field"),
    [
        ({"purpose": "查询\u202e存款"}, "purpose"),
        ({"legal_basis": "民诉法\x0b第二百五十三条"}, "legal_basis"),
        ({"details": {"measure": "冻结\x1b存款"}}, "details.measure"),
    ],
)
def test_a_request_refuses_the_characters_whichever_way_it_comes(world, case, ask_fields, field):
    values = {"purpose": "查询存款", "legal_basis": "民诉法第二百五十三条", "details": {}, **ask_fields}
    with pytest.raises(InvalidInput) as caught:
        request_create(case, Ask(world.unit, "inquire_deposits", **values), actor=world.officer)
    assert (caught.value.code, caught.value.field) == ("TEXT_CONTROL_CHARACTER", field)
    assert not AssistanceRequest.objects.exists()


def test_an_over_long_purpose_is_refused_not_cut(world, case):
    with pytest.raises(InvalidInput) as caught:
        request_create(case, Ask(world.unit, "inquire_deposits", "查" * 301, "民诉法"), actor=world.officer)
    assert (caught.value.code, caught.value.field) == ("MAX_LENGTH", "purpose")


def test_the_request_is_stored_composed(world, case):
    request = request_create(
        case, Ask(world.unit, "inquire_deposits", "Caf\u0065\u0301 查询", "民诉法"), actor=world.officer
    )
    assert request.purpose == "Café 查询"


def test_the_send_form_and_the_api_batch_give_the_same_code(world, case, client_for):
    form = SendForm(data={"request_type": "inquire_deposits", "units": [world.unit.pk],
                          "purpose": "查询\u202e存款", "legal_basis": "民诉法"}, directory={world.unit.pk: world.unit})  # fmt: skip
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["purpose"]] == ["TEXT_CONTROL_CHARACTER"]
    body = {"unit": world.unit.pk, "request_type": "inquire_deposits", "purpose": "查询\u202e存款",
            "legal_basis": "民诉法", "cases": [case.pk]}  # fmt: skip
    response = client_for("officer").post(f"{API}/requests/batch/", body, format="json")
    assert response.status_code == 400, response.json()
    assert (response.json()["code"], response.json()["field"]) == ("TEXT_CONTROL_CHARACTER", "purpose")
    assert not AssistanceRequest.objects.exists()


def test_a_units_result_note_is_checked_and_may_have_line_breaks(world, bank, sent):
    url = f"{API}/requests/{sent.pk}/reply/"
    bad = {"result": {"found": False, "note": "未查到\x1b"}}
    response = bank.client.post(url, bad, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert response.status_code == 400, response.json()
    assert (response.json()["code"], response.json()["field"]) == ("TEXT_CONTROL_CHARACTER", "result.note")
    good = {"result": {"found": False, "note": "未查到。\n已核对两次。"}}
    response = bank.client.post(url, good, format="json", HTTP_IDEMPOTENCY_KEY="t-2")
    assert response.status_code == 200, response.json()
    assert AssistanceRequest.objects.get(pk=sent.pk).result["note"] == "未查到。\n已核对两次。"


def test_a_message_keeps_its_lines_but_not_an_override(world, sent):
    form = MessageForm(data={"body": "第一行\r\n第二行"})
    assert form.is_valid() and form.cleaned_data["body"] == "第一行\r\n第二行"
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.officer)
    url = reverse("request-action", args=[sent.pk, "message"])
    response = client.post(url, {"body": "请补充\u202e材料"})
    assert not RequestMessage.objects.exists()
    assert "is not allowed" in response.content.decode()


def _reply_sheet(tmp_path, rows):
    book = Workbook()
    header = exchange.columns("inquire_deposits")
    book.active.append(header)
    for values in rows:
        book.active.append([values.get(column, "") for column in header])
    book.save(tmp_path / "replies.xlsx")
    return tmp_path / "replies.xlsx"


def test_a_reply_sheets_reason_is_held_to_the_text_rule_and_its_length(world, sent, tmp_path):
    """Review of issue 12, finding 2a: the reply sheet's reason reached the record through `_reason`,
    which only stripped it and cut it to 500 characters; now the rule and MAX_LENGTH, naming the cell."""
    path = _reply_sheet(tmp_path, [{"id": sent.pk, "outcome": "退回补正", "reason": "请提供\u202e证件号码"}])
    report = exchange.replies_import(path, "inquire_deposits", actor=world.liaison)
    assert not report.written
    assert [(e.code, e.row, e.column) for e in report.errors] == [("TEXT_CONTROL_CHARACTER", 2, "reason")]
    path = _reply_sheet(tmp_path, [{"id": sent.pk, "outcome": "退回补正", "reason": "补" * 501}])
    report = exchange.replies_import(path, "inquire_deposits", actor=world.liaison)
    assert [(e.code, e.column) for e in report.errors] == [("MAX_LENGTH", "reason")]
    assert AssistanceRequest.objects.get(pk=sent.pk).status == "sent"


def test_cancel_and_reject_refuse_a_bad_or_over_long_reason(world, sent, bank):
    """Review of issue 12, finding 2a: `_reason` itself applies the rule, so cancel and the API too."""
    with pytest.raises(InvalidInput) as caught:
        request_cancel(sent, reason="已履行\x1b", actor=world.officer)
    assert (caught.value.code, caught.value.field) == ("TEXT_CONTROL_CHARACTER", "reason")
    with pytest.raises(InvalidInput) as caught:
        request_reject(sent, reason="不符" * 251, actor=bank.key)
    assert (caught.value.code, caught.value.field) == ("MAX_LENGTH", "reason")
    done = request_reject(sent, reason="  户名与证件号不符\n请核对  ", actor=bank.key)
    assert done.reason == "户名与证件号不符\n请核对"


@pytest.mark.parametrize(
    ("details", "code", "field"),
    [
        ({"measure": ["冻结", "\x1b"]}, "DETAILS_INVALID", "details.measure"),
        ({"measure": {"text": "冻结"}}, "DETAILS_INVALID", "details.measure"),
        ({"mea\u202esure": "冻结"}, "TEXT_CONTROL_CHARACTER", "details.mea\u202esure"),
        # A second review: JSON's NaN and Infinity passed as numbers and the JSON column refused them (500).
        ({"amount": float("nan")}, "DETAILS_INVALID", "details.amount"),
        ({"amount": float("inf")}, "DETAILS_INVALID", "details.amount"),
        ({"measure": "冻" * 1001}, "MAX_LENGTH", "details.measure"),
        ({"k" * 300: "冻结"}, "MAX_LENGTH", "details." + "k" * 100),
    ],
)
def test_request_details_are_flat_and_every_text_is_checked(world, case, details, code, field):
    """Review of issue 12, finding 2c: `clean_ask` cleaned only string values, so a list holding
    `\\x1b`, a nested object or an override in a key reached the record and the notice."""
    with pytest.raises(InvalidInput) as caught:
        request_create(
            case, Ask(world.unit, "inquire_deposits", "查询存款", "民诉法", details), actor=world.officer
        )
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not AssistanceRequest.objects.exists()


def test_flat_details_with_numbers_and_flags_are_kept(world, case):
    details = {"measure": "Caf\u0065\u0301", "months": 6, "urgent": True}
    request = request_create(
        case, Ask(world.unit, "inquire_deposits", "查询存款", "民诉法", details), actor=world.officer
    )
    assert request.details == {"measure": "Café", "months": 6, "urgent": True}
