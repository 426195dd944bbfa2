"""Issue 4 §3: many cases to one unit (a bank's daily batch) from the page and from the API, all
sent or none; another court's case is "not found" like a missing one, a closed case refuses."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from enforcelink.cases.models import Case, CaseStatus
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.api_auth import api_key_issue
from tests.api.conftest import API
from tests.factories import file_case


@pytest.fixture
def three(world):
    """Three open cases of the officer's court, all the officer's."""
    cases = [file_case(world.court, world.officer) for _ in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(officer=world.officer, team=world.team)
    return [Case.objects.get(pk=c.pk) for c in cases]


@pytest.fixture
def foreign(world):
    return file_case(world.other_court, world.outsider)


def _form(world, **extra):
    return {"unit": world.unit.pk, "request_type": "inquire_deposits", "purpose": "查询存款",
            "legal_basis": "民诉法第二百五十三条", **extra}  # fmt: skip


# --- the page -----------------------------------------------------------------------------------------


def test_pasted_and_ticked_cases_go_to_one_unit(client, world, three):
    client.force_login(world.officer)
    page = client.get(reverse("request-batch-new"))
    assert page.status_code == 200 and three[2].number in page.content.decode()  # offered to tick
    pasted = f"{three[0].number.replace('（', '(').replace('）', ')')}\n\n {three[1].pk} \n{three[0].number}"
    response = client.post(
        reverse("request-batch-new"), _form(world, numbers=pasted, cases=[three[2].pk, three[1].pk])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    made = AssistanceRequest.objects.order_by("pk")
    assert [r.case_id for r in made] == [c.pk for c in three]  # each case once
    assert {r.status for r in made} == {"sent"} and len({r.batch for r in made}) == 1
    assert all(r.notice_id for r in made)
    result = client.get(response["Location"])
    assert result.status_code == 200
    assert all(case.number in result.content.decode() for case in three)


def test_another_courts_case_is_no_such_case_like_a_missing_one(client, world, three, foreign):
    client.force_login(world.officer)
    theirs = client.post(
        reverse("request-batch-new"), _form(world, numbers=f"{three[0].number}\n{foreign.number}")
    )
    missing = client.post(
        reverse("request-batch-new"), _form(world, numbers=f"{three[0].number}\n（2099）渝0110执1号")
    )
    by_id = client.post(reverse("request-batch-new"), _form(world, numbers=f"{foreign.pk}"))
    shapes = set()
    for response, line in (
        (theirs, foreign.number),
        (missing, "（2099）渝0110执1号"),
        (by_id, str(foreign.pk)),
    ):
        assert response.status_code == 400
        [error] = response.context["form"].errors["numbers"]
        assert line in error
        shapes.add(error.replace(line, "…"))
    assert len(shapes) == 1  # the same words whether the case is another court's or missing
    assert not AssistanceRequest.objects.exists()


def test_a_closed_case_refuses_the_whole_batch(client, world, three):
    Case.objects.filter(pk=three[1].pk).update(status=CaseStatus.CLOSED)
    client.force_login(world.officer)
    numbers = "\n".join(c.number for c in three)
    response = client.post(reverse("request-batch-new"), _form(world, numbers=numbers))
    assert response.status_code == 400 and three[1].number in str(response.context["form"].errors["numbers"])
    assert not AssistanceRequest.objects.exists()


def test_the_unit_must_handle_the_type_and_be_in_the_directory(client, world, three, police):
    client.force_login(world.officer)
    wrong = client.post(
        reverse("request-batch-new"), {**_form(world, numbers=three[0].number), "unit": police.pk}
    )
    assert wrong.status_code == 400 and 'id="id_request_type_error"' in wrong.content.decode()
    far = client.post(
        reverse("request-batch-new"), _form(world, numbers=three[0].number, unit=world.other_unit.pk)
    )
    assert far.status_code == 400 and 'id="id_unit_error"' in far.content.decode()
    empty = client.post(reverse("request-batch-new"), _form(world))
    assert empty.status_code == 400 and 'id="id_numbers_error"' in empty.content.decode()
    assert not AssistanceRequest.objects.exists()


def test_the_page_is_for_court_staff_and_the_result_for_its_court(client, world, three):
    for who in (world.liaison, world.supervisor):
        client.force_login(who)
        assert client.get(reverse("request-batch-new")).status_code == 403
    client.force_login(world.officer)
    response = client.post(reverse("request-batch-new"), _form(world, numbers=three[0].number))
    client.force_login(world.outsider)
    theirs = client.get(response["Location"])
    missing = client.get(reverse("request-batch", args=[uuid.uuid4()]))
    assert theirs.status_code == missing.status_code == 404 and theirs.content == missing.content


# --- the API ------------------------------------------------------------------------------------------


def _body(world, cases, **extra):
    return {"unit": world.unit.pk, "request_type": "inquire_deposits", "purpose": "查询存款",
            "legal_basis": "民诉法第二百五十三条", "cases": [c.pk for c in cases], **extra}  # fmt: skip


def test_api_sends_all_and_answers_with_the_requests(world, three, client_for):
    response = client_for("officer").post(
        f"{API}/requests/batch/", _body(world, [*three, three[0]]), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [r["case_number"] for r in body["requests"]] == [c.number for c in three]
    assert {r["status"] for r in body["requests"]} == {"sent"} and all(
        r["notice_number"] for r in body["requests"]
    )
    assert set(AssistanceRequest.objects.values_list("batch", flat=True)) == {uuid.UUID(body["batch"])}


def test_api_a_deduction_amount_as_a_number_goes_before_an_approver(world, three, client_for):
    body = _body(world, three[:1], request_type="deduct", details={"amount": 1500.5})
    response = client_for("officer").post(f"{API}/requests/batch/", body, format="json")
    assert response.status_code == 201, response.json()
    [made] = response.json()["requests"]
    assert made["status"] == "pending_approval" and made["details"]["amount"] == "1500.50"


def test_api_another_courts_case_answers_like_a_missing_one(world, three, foreign, client_for):
    officer = client_for("officer")
    theirs = officer.post(f"{API}/requests/batch/", _body(world, [three[0], foreign]), format="json")
    missing = officer.post(f"{API}/requests/batch/", {**_body(world, three[:1]), "cases": [three[0].pk, foreign.pk + 1000]},
                           format="json")  # fmt: skip
    assert theirs.status_code == missing.status_code == 404 and theirs.json() == missing.json()
    assert (theirs.json()["code"], theirs.json()["field"]) == ("NOT_FOUND", "cases.1")
    far = officer.post(f"{API}/requests/batch/", _body(world, three, unit=world.other_unit.pk), format="json")
    assert (far.status_code, far.json()["field"]) == (404, "unit")
    assert not AssistanceRequest.objects.exists()


@pytest.mark.parametrize(
    "change, status, code, field",
    [
        ({"purpose": ""}, 400, "BLANK", "purpose"),
        ({"cases": []}, 400, "EMPTY", "cases"),
        ({"cases": ["abc"]}, 400, "INVALID_INPUT", "cases.0"),
        ({"request_type": "teleport"}, 400, "INVALID_CHOICE", "request_type"),
        ({"request_type": "inquire_household"}, 400, "NOT_ON_LIST", "request_type"),
        (
            {"request_type": "deduct", "details": {"amount": "5.001"}},
            400,
            "AMOUNT_PRECISION",
            "details.amount",
        ),
    ],
)
def test_api_bad_input_is_a_coded_error_and_nothing_is_sent(
    world, three, client_for, change, status, code, field
):
    response = client_for("officer").post(
        f"{API}/requests/batch/", {**_body(world, three), **change}, format="json"
    )
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (status, code, field)
    assert not AssistanceRequest.objects.exists()


def test_api_a_closed_case_refuses_the_whole_batch(world, three, client_for):
    Case.objects.filter(pk=three[2].pk).update(status=CaseStatus.CLOSED)
    response = client_for("officer").post(f"{API}/requests/batch/", _body(world, three), format="json")
    assert (response.status_code, response.json()["code"]) == (400, "CASE_CLOSED")
    assert not AssistanceRequest.objects.exists()


def test_api_batches_are_for_court_staff(world, three, client_for):
    _key, secret = api_key_issue(world.unit, name="核心系统", actor="test")
    bank = client_for(None)
    bank.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for client in (client_for("liaison"), client_for("supervisor"), bank):
        assert client.post(f"{API}/requests/batch/", _body(world, three), format="json").status_code == 403
    assert client_for(None).post(
        f"{API}/requests/batch/", _body(world, three), format="json"
    ).status_code in (401, 403)
    assert not AssistanceRequest.objects.exists()


def test_batch_result_query_count_does_not_grow(client, world, three, django_assert_max_num_queries):
    client.force_login(world.officer)
    response = client.post(
        reverse("request-batch-new"), _form(world, numbers="\n".join(c.number for c in three))
    )
    with django_assert_max_num_queries(8):
        assert client.get(response["Location"]).status_code == 200


def test_an_amount_past_28_digits_is_a_coded_error_not_a_server_error(world, case):
    """Decimal.quantize raises past its 28-digit precision: the size is checked first."""
    from enforcelink.core.errors import InvalidInput
    from enforcelink.core.money import parse_amount

    with pytest.raises(InvalidInput) as caught:
        parse_amount("9" * 29, field_name="details.amount")
    assert caught.value.code == "AMOUNT_TOO_LARGE" and caught.value.field == "details.amount"


def test_a_29_digit_amount_is_refused_on_the_page_and_the_api(client, world, three, client_for):
    huge = "9" * 29
    client.force_login(world.officer)
    page = client.post(
        reverse("request-batch-new"),
        _form(world, numbers=three[0].number, request_type="freeze", amount=huge),
    )
    assert page.status_code == 400 and not AssistanceRequest.objects.exists()
    for amount in (huge, int(huge)):
        body = _body(world, three[:1], request_type="freeze", details={"amount": amount})
        response = client_for("officer").post(f"{API}/requests/batch/", body, format="json")
        assert response.status_code == 400, response.content[:300]
        assert response.json()["code"] == "AMOUNT_TOO_LARGE" and response.json()["field"] == "details.amount"
    assert not AssistanceRequest.objects.exists()


def test_the_page_says_which_requests_went_out_and_which_wait_for_an_approver(client, world, three):
    client.force_login(world.officer)
    response = client.post(
        reverse("request-batch-new"),
        _form(world, numbers="\n".join(c.number for c in three[:2]), request_type="deduct", amount="100.00"),
        HTTP_ACCEPT_LANGUAGE="en", follow=True,
    )  # fmt: skip
    assert {r.status for r in AssistanceRequest.objects.all()} == {"pending_approval"}
    text = response.content.decode()
    assert "2 requests await approval." in text and "requests sent" not in text
