"""A control measure's request cancelled from linkage's side (the request's page, the API, a closing
case) cancels the measure through `request.cancelled`: it stops waiting and stops counting, and a
cancelled unfreeze or release leaves its measure holding, the surplus ordered again (R-ASSET-03)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.budget import case_budget, measures_of
from enforcelink.assets.control.models import ControlMeasure, MeasureKind, MeasureStatus
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.cases.actions import case_close
from enforcelink.core.models import AuditEvent
from enforcelink.linkage.actions import request_cancel, request_complete
from enforcelink.linkage.models import AssistanceRequest, RequestStatus
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")

D = Decimal
UNTIL = (timezone.localdate() + dt.timedelta(days=200)).isoformat()


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer, principal="120000.00")


def fresh(measure):
    return ControlMeasure.objects.get(pk=measure.pk)


def request_of(measure):
    return AssistanceRequest.objects.get(pk=measure.request_id)


def frozen(world, case, amount, account="62170000000000001"):
    return confirmed(
        world,
        actions.freeze(case, unit=world.unit, account=account, amount=amount, actor=world.officer).measure,
        amount,
    )


def confirmed(world, measure, amount):
    account = measure.identifier
    request_complete(
        request_of(measure), actor=world.liaison,
        result={"frozen_amount": amount, "frozen_until": UNTIL, "account": account},
    )  # fmt: skip
    return fresh(measure)


def budget_now(case):
    return case_budget(case, measures_of(case))


def test_a_freeze_cancelled_from_the_requests_page_is_cancelled_and_no_longer_pending(client, world, case):
    measure = actions.freeze(case, unit=world.unit, amount="5000.00", actor=world.officer).measure
    assert budget_now(case).pending == D("5000.00")
    client.force_login(world.officer)
    response = client.post(
        reverse("request-action", args=[measure.request_id, "cancel"]), {"reason": "账号填错"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 302
    assert request_of(measure).status == RequestStatus.CANCELLED
    measure = fresh(measure)
    assert measure.status == MeasureStatus.CANCELLED and measure.note == "账号填错"
    assert budget_now(case).pending == 0
    entry = AuditEvent.objects.get(action="control.cancelled", object_id=str(measure.pk))
    assert entry.after["reason"] == "账号填错"


def test_a_deduction_cancelled_gives_its_freeze_back_to_deduct_from(world, case):
    freeze = frozen(world, case, "10000.00")
    deduction = actions.deduct(freeze, amount="10000.00", actor=world.officer).measure
    assert request_of(deduction).status == RequestStatus.PENDING_APPROVAL
    with pytest.raises(actions.DomainError) as refused:
        actions.deduct(freeze, amount="1.00", actor=world.officer)
    assert refused.value.code == "DEDUCT_BEYOND_FROZEN"
    request_cancel(request_of(deduction), reason="金额有误", actor=world.officer)
    assert fresh(deduction).status == MeasureStatus.CANCELLED
    again = actions.deduct(freeze, amount="10000.00", actor=world.officer).measure
    assert again.status == MeasureStatus.SENT and again.requested_amount == D("10000.00")


def test_a_closing_case_withdraws_a_deduction_awaiting_approval_and_its_measure(world, case):
    freeze = frozen(world, case, "10000.00")
    deduction = actions.deduct(freeze, amount="4000.00", actor=world.officer).measure
    case_close(
        case, mode="terminated", closed_on=timezone.localdate(), details={"ground": "application_withdrawn"},
        actor=world.officer,
    )  # fmt: skip
    assert request_of(deduction).status == RequestStatus.CANCELLED
    assert fresh(deduction).status == MeasureStatus.CANCELLED
    assert fresh(freeze).status == MeasureStatus.EFFECTIVE  # a closed case's controls stay (R-ZB-04)


def test_a_cancelled_surplus_release_is_ordered_again_and_the_budget_holds(world, case):
    """Two freezes of 100,000 confirmed on one budget: the surplus unfreeze is ordered at once; the
    officer cancels it, so the freeze holds it again and a new unfreeze of the same excess goes."""
    sent = [
        actions.freeze(
            case, unit=world.unit, account=account, amount="100000.00", actor=world.officer
        ).measure
        for account in ("1", "2")
    ]
    confirmed(world, sent[0], "100000.00")
    second = confirmed(world, sent[1], "100000.00")
    [lift] = ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE, status=MeasureStatus.SENT)
    assert lift.parent_id == second.pk and lift.automatic
    excess = lift.requested_amount
    assert budget_now(case).over == 0
    request_cancel(request_of(lift), reason="解冻账户有误", actor=world.officer)
    assert fresh(lift).status == MeasureStatus.CANCELLED
    [again] = ControlMeasure.objects.filter(kind=MeasureKind.UNFREEZE, status=MeasureStatus.SENT)
    assert again.pk != lift.pk and again.requested_amount == excess and again.parent_id == second.pk
    assert budget_now(case).over == 0


def test_a_cancelled_release_of_a_waiting_seizure_leaves_it_waiting_in_its_place(world, case):
    registry = UnitFactory(region=world.region, name="不动产登记中心", unit_type=UnitType.REAL_ESTATE)
    liaison = UserFactory(unit=registry, role=Role.LIAISON)
    now = timezone.now()
    flat = AssetRecord.objects.create(
        case=case, kind=AssetKind.REAL_ESTATE, unit=registry, identifier="渝（2020）綦江区不动产权第7号",
        key="k7", first_seen_at=now, last_seen_at=now,
    )  # fmt: skip
    seizure = actions.seize(case, record=flat, value="90000.00", actor=world.officer).measure
    request_complete(
        request_of(seizure), actor=liaison,
        result={"registered_on": timezone.localdate().isoformat(), "certificate": flat.identifier,
                "waiting": True, "note": "轮候查封"},
    )  # fmt: skip
    assert fresh(seizure).waiting_position == 1
    lift = actions.release(seizure, reason="案外人提供担保", actor=world.officer)
    request_cancel(request_of(lift), reason="担保未到位", actor=world.officer)
    assert fresh(lift).status == MeasureStatus.CANCELLED
    seizure = fresh(seizure)
    assert seizure.status == MeasureStatus.EFFECTIVE and seizure.waiting_position == 1
    assert not ControlMeasure.objects.filter(kind=MeasureKind.RELEASE, status=MeasureStatus.SENT).exists()


def test_an_officer_withdrawing_a_measure_writes_one_trail_entry(world, case):
    measure = actions.freeze(case, unit=world.unit, amount="5000.00", actor=world.officer).measure
    actions.release(measure, reason="误发", actor=world.officer)
    assert fresh(measure).status == MeasureStatus.CANCELLED
    assert AuditEvent.objects.filter(action="control.cancelled", object_id=str(measure.pk)).count() == 1
