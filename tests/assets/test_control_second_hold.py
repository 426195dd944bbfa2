"""One asset, one holding measure (R-ASSET-03): an account already under a freeze sent or in effect,
or a property already seized, is not frozen or seized a second time — the second would count the
same value twice under control. The action refuses it (ALREADY_HELD, nothing sent) and the panel
offers no freeze or seizure for that record, only the measure's state. Once the measure holds
nothing any more (all released), the record may be frozen again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.models import ControlMeasure, MeasureKind
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.core.errors import RuleViolation
from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")
HX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}
UNTIL = (timezone.localdate() + dt.timedelta(days=200)).isoformat()


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer, principal="120000.00")


@pytest.fixture
def account(world, case):
    now = timezone.now()
    return AssetRecord.objects.create(
        case=case, kind=AssetKind.DEPOSIT, unit=world.unit, institution="綦江农商银行", identifier="62170001",
        key="62170001", value=Decimal("901.21"), value_on=timezone.localdate(), first_seen_at=now,
        last_seen_at=now,
    )  # fmt: skip


def confirm(world, measure, amount):
    request_complete(
        AssistanceRequest.objects.get(pk=measure.request_id), actor=world.liaison,
        result={"frozen_amount": amount, "frozen_until": UNTIL, "account": measure.identifier},
    )  # fmt: skip


def test_a_second_freeze_of_an_account_sent_or_in_effect_is_refused(world, case, account):
    first = actions.freeze(case, record=account, amount="901.21", actor=world.officer).measure
    with pytest.raises(RuleViolation) as sent:
        actions.freeze(case, record=account, amount="901.21", actor=world.officer)
    assert sent.value.code == "ALREADY_HELD" and sent.value.field == "record"
    confirm(world, first, "901.21")
    with pytest.raises(RuleViolation) as effective:
        actions.freeze(case, record=account, amount="100.00", actor=world.officer)
    assert effective.value.code == "ALREADY_HELD"
    # the same account named at the same bank without the record is the same money
    with pytest.raises(RuleViolation):
        actions.freeze(case, unit=world.unit, account="62170001", amount="100.00", actor=world.officer)
    assert ControlMeasure.objects.filter(kind=MeasureKind.FREEZE).count() == 1
    assert AssistanceRequest.objects.filter(request_type="freeze").count() == 1


def test_an_account_whose_freeze_holds_nothing_any_more_may_be_frozen_again(world, case, account):
    first = actions.freeze(case, record=account, amount="901.21", actor=world.officer).measure
    confirm(world, first, "901.21")
    actions.release(first, reason="申请执行人同意", actor=world.officer)  # the unfreeze ordered: holds 0
    again = actions.freeze(case, record=account, amount="500.00", actor=world.officer).measure
    assert again.pk != first.pk and again.record_id == account.pk


def test_a_second_seizure_of_a_property_is_refused(world, case):
    registry = UnitFactory(region=world.region, name="不动产登记中心", unit_type=UnitType.REAL_ESTATE)
    UserFactory(unit=registry, role=Role.LIAISON)
    now = timezone.now()
    flat = AssetRecord.objects.create(
        case=case, kind=AssetKind.REAL_ESTATE, unit=registry, identifier="渝（2020）綦江区不动产权第1号",
        key="渝（2020）綦江区不动产权第1号", first_seen_at=now, last_seen_at=now,
    )  # fmt: skip
    actions.seize(case, record=flat, value="90000.00", actor=world.officer)
    with pytest.raises(RuleViolation) as refused:
        actions.seize(case, record=flat, value="90000.00", actor=world.officer)
    assert refused.value.code == "ALREADY_HELD"
    assert ControlMeasure.objects.filter(kind=MeasureKind.SEIZE).count() == 1


def test_the_panel_offers_no_second_freeze_and_shows_the_measures_state(client, world, case, account):
    client.force_login(world.officer)
    page = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="freeze-{account.pk}"' in page
    response = client.post(
        reverse("control-freeze", args=[case.pk]), {"record": account.pk, "amount": "901.21"}, **HX
    )
    first = ControlMeasure.objects.get()
    html = response.content.decode()
    assert f'id="freeze-{account.pk}"' not in html
    assert (
        f'data-held-by="{first.pk}"' in html and "Already under a Freeze: Sent, awaiting confirmation" in html
    )
    confirm(world, first, "901.21")
    page = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="freeze-{account.pk}"' not in page and "Already under a Freeze: In effect" in page
    # a post of the old form (a stale page) is refused beside the form, nothing sent
    response = client.post(
        reverse("control-freeze", args=[case.pk]), {"record": account.pk, "amount": "901.21"}, **HX
    )
    assert response.status_code == 200 and 'id="controls-error"' in response.content.decode()
    assert "already under a Freeze" in response.content.decode()
    assert ControlMeasure.objects.filter(kind=MeasureKind.FREEZE).count() == 1
