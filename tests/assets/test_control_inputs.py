"""Bad input to control measures (issue 15 "Bad input"): each a clear coded error naming the field,
nothing half-written — no measure, no request, no ledger entry; and the same through /api/v1/, where
another court's case or measure answers like a missing one and a liaison cannot create measures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.models import ControlMeasure, MeasureStatus
from enforcelink.core.errors import DomainError
from enforcelink.funds.models import Journal
from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")

UNTIL = (timezone.localdate() + dt.timedelta(days=300)).isoformat()


@pytest.fixture
def case(world):
    """Budget 121,700: what the ledger says is still owed — 120,000 and the application fee on it,
    1,700 (R-FUND-03; no costs, no interest)."""
    return file_case(world.court, world.officer, principal="120000.00")


def _effective_freeze(world, case, amount="50000.00"):
    measure = actions.freeze(case, unit=world.unit, amount=amount, actor=world.officer).measure
    request = AssistanceRequest.objects.get(pk=measure.request_id)
    request_complete(request, result={"frozen_amount": amount, "frozen_until": UNTIL, "account": "62170001"},
                     actor=world.liaison)  # fmt: skip
    return ControlMeasure.objects.get(pk=measure.pk)


def _counts():
    return (ControlMeasure.objects.count(), AssistanceRequest.objects.count(), Journal.objects.count())


BAD_FREEZES = [
    ("121700.01", "OVER_SEIZURE", "amount"),  # beyond the budget, with its figures
    ("100.005", "AMOUNT_PRECISION", "amount"),  # three decimals
    ("-5", "AMOUNT_NEGATIVE", "amount"),
    ("0", "AMOUNT_ZERO", "amount"),
    ("十万", "AMOUNT_INVALID", "amount"),
]


@pytest.mark.parametrize(("amount", "code", "field"), BAD_FREEZES)
def test_a_bad_freeze_is_refused_with_its_code_and_nothing_written(world, case, amount, code, field):
    before = _counts()
    with pytest.raises(DomainError) as error:
        actions.freeze(case, unit=world.unit, amount=amount, actor=world.officer)
    assert (error.value.code, error.value.field) == (code, field)
    assert _counts() == before


def test_over_seizure_names_the_budgets_figures(world, case):
    _effective_freeze(world, case, "100000.00")
    with pytest.raises(DomainError) as error:
        actions.freeze(case, unit=world.unit, account="2", amount="30000.00", actor=world.officer)
    assert error.value.code == "OVER_SEIZURE"
    assert error.value.params == {"total": "121700.00", "used": "100000.00", "left": "21700.00"}
    message = str(error.value.message)
    assert "121,700.00" in message and "100,000.00" in message and "21,700.00" in message


BAD_DEDUCTIONS = [
    ("50000.01", "DEDUCT_BEYOND_FROZEN"),  # more than the freeze holds
    ("1.001", "AMOUNT_PRECISION"),
    ("0", "AMOUNT_ZERO"),
]


@pytest.mark.parametrize(("amount", "code"), BAD_DEDUCTIONS)
def test_a_bad_deduction_is_refused_and_nothing_written(world, case, amount, code):
    freeze = _effective_freeze(world, case)
    before = _counts()
    with pytest.raises(DomainError) as error:
        actions.deduct(freeze, amount=amount, actor=world.officer)
    assert (error.value.code, error.value.field) == (code, "amount")
    assert _counts() == before


def test_a_second_deduction_counts_the_first_still_awaiting_its_bank(world, case):
    freeze = _effective_freeze(world, case)
    actions.deduct(freeze, amount="30000.00", actor=world.officer)
    with pytest.raises(DomainError) as error:
        actions.deduct(freeze, amount="20000.01", actor=world.officer)
    assert error.value.code == "DEDUCT_BEYOND_FROZEN"


def test_a_deduction_from_a_freeze_not_in_effect_is_refused(world, case):
    sent = actions.freeze(case, unit=world.unit, amount="10.00", actor=world.officer).measure
    with pytest.raises(DomainError) as error:
        actions.deduct(sent, amount="5.00", actor=world.officer)
    assert error.value.code == "MEASURE_STATE"


def test_a_duplicate_confirmation_has_one_effect(world, case, banks_of_two):
    """The same bank's confirmation again (another key, or the page twice) is refused by linkage: the
    measure, the budget and the surplus released stay as the first confirmation left them."""
    (first_unit, first), (second_unit, second) = banks_of_two
    one = actions.freeze(case, unit=first_unit, amount="100000.00", actor=world.officer).measure
    two = actions.freeze(case, unit=second_unit, amount="100000.00", actor=world.officer).measure
    for measure, liaison in ((one, first), (two, second)):
        request_complete(AssistanceRequest.objects.get(pk=measure.request_id), actor=liaison,
                         result={"frozen_amount": "100000.00", "frozen_until": UNTIL, "account": "1"})  # fmt: skip
    before = (
        _counts(),
        list(ControlMeasure.objects.values_list("status", "confirmed_amount", "requested_amount")),
    )
    with pytest.raises(DomainError) as error:
        request_complete(AssistanceRequest.objects.get(pk=two.request_id), actor=second,
                         result={"frozen_amount": "100000.00", "frozen_until": UNTIL, "account": "1"})  # fmt: skip
    assert error.value.code == "REQUEST_STATE"
    after = (
        _counts(),
        list(ControlMeasure.objects.values_list("status", "confirmed_amount", "requested_amount")),
    )
    assert after == before


def test_a_confirmation_for_a_cancelled_measure_is_refused(world, case):
    measure = actions.freeze(case, unit=world.unit, amount="1000.00", actor=world.officer).measure
    actions.release(measure, reason="误发", actor=world.officer)
    assert ControlMeasure.objects.get(pk=measure.pk).status == MeasureStatus.CANCELLED
    with pytest.raises(DomainError) as error:
        request_complete(AssistanceRequest.objects.get(pk=measure.request_id), actor=world.liaison,
                         result={"frozen_amount": "1000.00", "frozen_until": UNTIL, "account": "1"})  # fmt: skip
    assert error.value.code in ("REQUEST_STATE", "NOT_FOUND")
    found = ControlMeasure.objects.get(pk=measure.pk)
    assert found.status == MeasureStatus.CANCELLED and found.confirmed_amount is None


def test_releasing_a_released_measure_or_more_than_it_holds_is_refused(world, case):
    freeze = _effective_freeze(world, case, "1000.00")
    with pytest.raises(DomainError) as error:
        actions.release(freeze, amount="1000.01", reason="x", actor=world.officer)
    assert error.value.code == "RELEASE_BEYOND_HELD"
    with pytest.raises(DomainError) as error:
        actions.release(freeze, reason="", actor=world.officer)
    assert (error.value.code, error.value.field) == ("REASON_REQUIRED", "reason")
    actions.release(freeze, reason="申请执行人同意", actor=world.officer)
    with pytest.raises(DomainError) as error:
        actions.release(freeze, reason="again", actor=world.officer)
    assert error.value.code == "MEASURE_STATE"


@pytest.fixture
def banks_of_two(world):
    from enforcelink.orgs.models import Role
    from tests.factories import UnitFactory, UserFactory

    other = UnitFactory(region=world.region, name="第二家银行")
    return [(world.unit, world.liaison), (other, UserFactory(unit=other, role=Role.LIAISON))]


# --- /api/v1/ ---------------------------------------------------------------------------------------


def _url(case):
    return f"/api/v1/cases/{case.pk}/controls/"


def test_the_api_freezes_reads_the_budget_and_refuses_three_decimals(client_for, world, case):
    api = client_for("officer")
    response = api.post(
        _url(case), {"kind": "freeze", "unit": world.unit.pk, "amount": "1000.00"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["budget"]["total"] == "121700.00" and body["budget"]["pending"] == "1000.00"
    assert [(m["kind"], m["status"], m["requested_amount"]) for m in body["measures"]] == [
        ("freeze", "sent", "1000.00")
    ]
    bad = api.post(_url(case), {"kind": "freeze", "unit": world.unit.pk, "amount": "1.234"}, format="json")
    assert (
        bad.status_code == 400
        and bad.json()["code"] == "AMOUNT_PRECISION"
        and bad.json()["field"] == "amount"
    )
    over = api.post(_url(case), {"kind": "freeze", "unit": world.unit.pk, "amount": "999999"}, format="json")
    assert over.status_code == 400 and over.json()["code"] == "OVER_SEIZURE"
    assert ControlMeasure.objects.count() == 1


def test_the_api_deducts_and_releases(client_for, world, case):
    freeze = _effective_freeze(world, case, "1000.00")
    api = client_for("officer")
    response = api.post(f"/api/v1/controls/{freeze.pk}/deduct/", {"amount": "400.00"}, format="json")
    assert response.status_code == 201, response.json()
    too_much = api.post(f"/api/v1/controls/{freeze.pk}/deduct/", {"amount": "600.01"}, format="json")
    assert too_much.json()["code"] == "DEDUCT_BEYOND_FROZEN"
    released = api.post(f"/api/v1/controls/{freeze.pk}/release/", {"reason": "部分解冻", "amount": "100.00"},
                        format="json")  # fmt: skip
    assert released.status_code == 201
    kinds = [m["kind"] for m in released.json()["measures"]]
    assert kinds.count("unfreeze") == 1 and kinds.count("deduct") == 1


def test_another_courts_case_and_measure_are_the_same_404_as_missing(client_for, world, case):
    freeze = _effective_freeze(world, case, "1000.00")
    outsider = client_for("outsider")
    missing = outsider.get("/api/v1/cases/999999/controls/")
    for response in (
        outsider.get(_url(case)),
        outsider.post(_url(case), {"kind": "freeze", "unit": world.unit.pk, "amount": "1.00"}, format="json"),
        outsider.post(f"/api/v1/controls/{freeze.pk}/deduct/", {"amount": "1.00"}, format="json"),
        outsider.post(f"/api/v1/controls/{freeze.pk}/release/", {"reason": "x"}, format="json"),
    ):
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json()
    assert ControlMeasure.objects.count() == 1


@pytest.mark.parametrize("who", ["liaison", "command", "president"])
def test_who_is_no_officer_or_team_leader_cannot_create_measures(client_for, world, case, who):
    response = client_for(who).post(_url(case), {"kind": "freeze", "unit": world.unit.pk, "amount": "1.00"},
                                    format="json")  # fmt: skip
    assert response.status_code in (403, 404)
    assert not ControlMeasure.objects.exists()


def test_the_budget_reads_decimal_strings(client_for, world, case):
    body = client_for("officer").get(_url(case)).json()
    assert body["budget"]["owed"] == "120000.00" and body["budget"]["costs"] == "1700.00"
    assert body["budget"]["fee"] == "1700.00"  # the application fee, all of the costs here
    assert Decimal(body["budget"]["left"]) == Decimal("121700.00") and body["budget"]["note"]
