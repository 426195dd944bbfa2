"""The controls part of the case page's 财产 panel (issue 15 §11): the budget with its R-MONEY-02 note,
the measures with their status, amounts and days left, and the HTMX forms — freeze from an account
found (pre-filled with min(balance, left)), deduct, release — with the error shown, for the case's
officers only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.control.models import ControlMeasure, MeasureStatus
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")
HX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}
UNTIL = timezone.localdate() + dt.timedelta(days=20)


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer, principal="120000.00")


@pytest.fixture
def record(world, case):
    now = timezone.now()
    return AssetRecord.objects.create(
        case=case, kind=AssetKind.DEPOSIT, unit=world.unit, institution="綦江农商银行", identifier="62170001",
        key="62170001", value="500000.00", value_on=timezone.localdate(), first_seen_at=now, last_seen_at=now,
    )  # fmt: skip


def test_the_panel_shows_the_budget_and_prefills_a_freeze_with_what_is_left(client, world, case, record):
    client.force_login(world.officer)
    page = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="controls-budget"' in page and 'data-figure="left">121,700.00 元</dd>' in page
    assert "Doubled interest for delayed performance not computed" in page  # R-MONEY-02 note
    assert 'value="121700.00"' in page  # min(balance 500,000, left 121,700: the application fee included)
    assert "the application fee 1,700.00 元 included" in page


def test_freeze_then_deduct_and_release_through_the_panel(client, world, case, record):
    client.force_login(world.officer)
    response = client.post(
        reverse("control-freeze", args=[case.pk]), {"record": record.pk, "amount": "1000.005"}, **HX
    )
    assert response.status_code == 200 and "two decimals" in response.content.decode()
    assert f'data-field="freeze-{record.pk}-amount"' in response.content.decode()
    assert not ControlMeasure.objects.exists()
    response = client.post(
        reverse("control-freeze", args=[case.pk]), {"record": record.pk, "amount": "1000.00"}, **HX
    )
    assert 'id="controls-flash"' in response.content.decode()
    measure = ControlMeasure.objects.get()
    request_complete(AssistanceRequest.objects.get(pk=measure.request_id), actor=world.liaison,
                     result={"frozen_amount": "1000.00", "frozen_until": UNTIL.isoformat(), "account": "62170001"})  # fmt: skip
    page = client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-status="effective"' in page and "20 days left" in page
    response = client.post(reverse("control-deduct", args=[measure.pk]), {"amount": "2000.00"}, **HX)
    assert "more than" in response.content.decode()
    response = client.post(reverse("control-release", args=[measure.pk]), {"reason": "申请执行人同意"}, **HX)
    assert response.status_code == 200 and 'data-kind="unfreeze"' in response.content.decode()


def test_who_may_not_control_sees_no_form_and_gets_a_404(client, world, case, record):
    client.force_login(world.command)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'id="controls-budget"' in page and 'id="controls-freeze"' not in page
    response = client.post(reverse("control-freeze", args=[case.pk]), {"record": record.pk, "amount": "1.00"})
    assert response.status_code == 404
    client.force_login(world.outsider)
    assert (
        client.post(
            reverse("control-freeze", args=[case.pk]), {"record": record.pk, "amount": "1.00"}
        ).status_code
        == 404
    )
    assert not ControlMeasure.objects.exists()


def test_without_htmx_the_page_reloads_with_a_message(client, world, case, record):
    client.force_login(world.officer)
    response = client.post(
        reverse("control-freeze", args=[case.pk]), {"record": record.pk, "amount": "999999"}
    )
    assert response.status_code == 302 and response.url.endswith("#assets-controls")
    assert ControlMeasure.objects.filter(status=MeasureStatus.SENT).count() == 0
