"""A seizure waiting in line behind an earlier one (轮候查封, R-ASSET-04) holds nothing until it is
promoted: it is not value under control (R-ASSET-03), uses no budget and stops no freeze. Promoted,
it comes under control from the day it took effect, and whatever is then beyond the budget is
released in the promotion's transaction by the surplus rule (latest under control first)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.budget import case_budget, measures_of
from enforcelink.assets.control.models import ControlMeasure, MeasureKind, MeasureStatus
from enforcelink.assets.expiry import waiting
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.cases.models import Case
from enforcelink.funds.actions import receipt_record
from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")

D = Decimal
UNTIL = (timezone.localdate() + dt.timedelta(days=200)).isoformat()


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def case(world):
    """120,000 owed and the application fee on it, 1,700 (R-FUND-03): budget 121,700; handled by the
    world's officer."""
    made = file_case(world.court, world.officer, principal="120000.00")
    Case.objects.filter(pk=made.pk).update(officer=world.officer)
    return Case.objects.get(pk=made.pk)


@pytest.fixture
def registry(world):
    unit = UnitFactory(region=world.region, name="不动产登记中心", unit_type=UnitType.REAL_ESTATE)
    return unit, UserFactory(unit=unit, role=Role.LIAISON)


def request_of(measure):
    return AssistanceRequest.objects.get(pk=measure.request_id)


def fresh(measure):
    return ControlMeasure.objects.get(pk=measure.pk)


def budget_now(case):
    return case_budget(case, measures_of(case))


def waiting_seizure(world, case, registry, *, value="90000.00", reason="", note="已被江津区人民法院查封"):
    """A flat seized, registered behind another court's seizure (`waiting`, no 轮候 in the note)."""
    unit, liaison = registry
    now = timezone.now()
    flat = AssetRecord.objects.create(
        case=case, kind=AssetKind.REAL_ESTATE, unit=unit, identifier="渝（2020）綦江区不动产权第1234567号",
        key="flat-1", first_seen_at=now, last_seen_at=now, other_measures=["已被重庆市江津区人民法院查封"],
    )  # fmt: skip
    seizure = actions.seize(
        case, record=flat, value=value, actor=world.officer, indivisible_reason=reason
    ).measure
    request_complete(
        request_of(seizure), actor=liaison,
        result={"registered_on": today().isoformat(), "certificate": flat.identifier, "waiting": True, "note": note},
    )  # fmt: skip
    return fresh(seizure)


def frozen(world, case, amount, account="1"):
    measure = actions.freeze(
        case, unit=world.unit, account=account, amount=amount, actor=world.officer
    ).measure
    request_complete(
        request_of(measure), actor=world.liaison,
        result={"frozen_amount": amount, "frozen_until": UNTIL, "account": account},
    )  # fmt: skip
    return fresh(measure)


def back_in_time(measure, days):
    """What the unit confirmed `days` ago (registered, or frozen, then)."""
    moment = timezone.now() - dt.timedelta(days=days)
    ControlMeasure.objects.filter(pk=measure.pk).update(
        confirmed_at=moment, term_start=timezone.localdate(moment)
    )


def lifts(kind):
    return list(ControlMeasure.objects.filter(kind=kind, status=MeasureStatus.SENT).order_by("pk"))


def test_a_waiting_seizure_uses_no_budget_and_stops_no_freeze(world, case, registry):
    seizure = waiting_seizure(world, case, registry)
    assert seizure.status == MeasureStatus.EFFECTIVE and seizure.waiting_position == 1
    found = budget_now(case)
    assert (found.used, found.left) == (D("0.00"), D("121700.00"))
    assert found.waiting == {seizure.pk: D("90000.00")} and seizure.pk not in found.held
    freeze = frozen(world, case, "121700.00")  # the whole budget: the seizure holds nothing yet
    assert fresh(freeze).confirmed_amount == D("121700.00")
    assert lifts(MeasureKind.RELEASE) == [] and lifts(MeasureKind.UNFREEZE) == []
    assert budget_now(case).used == D("121700.00") and budget_now(case).over == 0


def test_a_seizure_confirmed_as_waiting_orders_no_surplus_release(world, case, registry):
    """Seized beyond what is left (with the officer's reason) and registered as waiting: nothing is
    under control beyond the freeze, so nothing is released."""
    frozen(world, case, "100000.00")
    seizure = waiting_seizure(world, case, registry, reason="被执行人无其他可供执行的财产")
    assert seizure.waiting_position == 1
    assert lifts(MeasureKind.RELEASE) == [] and lifts(MeasureKind.UNFREEZE) == []
    assert budget_now(case).used == D("100000.00")


def test_promoted_today_the_seizure_is_the_latest_under_control_and_is_released_as_surplus(
    world, case, registry
):
    seizure = waiting_seizure(world, case, registry)
    back_in_time(seizure, 10)
    freeze = frozen(world, case, "121700.00")  # the whole budget
    back_in_time(freeze, 5)
    promoted = waiting.earlier_freed(seizure.record_id, how="released", on=today(), actor=world.officer)
    assert promoted.pk == seizure.pk and fresh(seizure).waiting_position is None
    [release] = lifts(MeasureKind.RELEASE)
    assert release.parent_id == seizure.pk and release.requested_amount == D("90000.00") and release.automatic
    assert lifts(MeasureKind.UNFREEZE) == []
    found = budget_now(case)
    assert (found.used, found.over) == (D("121700.00"), 0)


def test_promoted_from_a_day_before_the_freeze_the_freeze_gives_way(world, case, registry):
    """The other court's seizure was released a week ago: ours held the flat from then, before the
    freeze was confirmed, so the freeze is the surplus — unfrozen down to exactly the budget."""
    seizure = waiting_seizure(world, case, registry)
    back_in_time(seizure, 10)
    freeze = frozen(world, case, "121700.00")  # the whole budget
    back_in_time(freeze, 5)
    waiting.earlier_freed(
        seizure.record_id, how="released", on=today() - dt.timedelta(days=7), actor=world.officer
    )
    [unfreeze] = lifts(MeasureKind.UNFREEZE)
    assert unfreeze.parent_id == freeze.pk and unfreeze.requested_amount == D("90000.00")
    assert lifts(MeasureKind.RELEASE) == []
    found = budget_now(case)
    assert found.held == {freeze.pk: D("31700.00"), seizure.pk: D("90000.00")} and found.over == 0


def test_a_promotion_whose_officer_left_has_its_surplus_sent_by_a_colleague(world, case, registry):
    """The case's officer left the court: a colleague who may send for the case orders the release
    (`actions.sender_for`), the case's team leader first."""
    seizure = waiting_seizure(world, case, registry)
    back_in_time(seizure, 10)
    frozen(world, case, "120000.00")
    leader = UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)
    type(world.officer).objects.filter(pk=world.officer.pk).update(is_active=False)
    waiting.promote_next(seizure.pk, today(), cause="released")
    [lift] = lifts(MeasureKind.UNFREEZE) + lifts(MeasureKind.RELEASE)
    assert lift.request.created_by_id == leader.pk
    assert budget_now(case).over == 0


def test_a_promotion_nobody_can_send_the_surplus_for_stands_and_says_why(world, case, registry):
    seizure = waiting_seizure(world, case, registry)
    back_in_time(seizure, 10)
    frozen(world, case, "120000.00")
    # Nobody of the court who may send requests is left (`orgs.permissions.holders`).
    type(world.officer).objects.filter(court=world.court).exclude(role=Role.FUND_CLERK).update(
        is_active=False
    )
    promoted = waiting.promote_next(seizure.pk, today(), cause="released")
    assert promoted is not None and fresh(seizure).waiting_position is None
    assert "assign an officer" in fresh(seizure).note
    assert lifts(MeasureKind.RELEASE) == [] and lifts(MeasureKind.UNFREEZE) == []


def test_a_waiting_seizure_is_released_by_the_officer_and_when_the_obligation_is_met(world, case, registry):
    seizure = waiting_seizure(world, case, registry)
    release = actions.release(seizure, reason="案外人提供担保", actor=world.officer)
    assert release.kind == MeasureKind.RELEASE and release.requested_amount == D("90000.00")
    request_complete(request_of(release), result={"released_on": today().isoformat()}, actor=registry[1])
    assert fresh(seizure).status == MeasureStatus.RELEASED and fresh(seizure).waiting_position is None
    other = file_case(world.court, world.officer, principal="50000.00", basis_number="（2023）渝0110民初77号")
    again = waiting_seizure(world, other, registry, reason="被执行人无其他可供执行的财产")
    clerk = UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)
    receipt_record(other, "50750.00", source="voluntary", value_on=today(), actor=clerk)  # and the fee, 750
    [lift] = [m for m in lifts(MeasureKind.RELEASE) if m.parent_id == again.pk]
    assert lift.requested_amount == D("90000.00") and lift.automatic


def test_the_panel_offers_to_release_a_waiting_seizure_and_counts_it_nowhere(client, world, case, registry):
    seizure = waiting_seizure(world, case, registry)
    client.force_login(world.officer)
    page = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="release-{seizure.pk}"' in page
    assert 'data-figure="used">0.00' in page
