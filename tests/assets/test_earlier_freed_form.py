"""The waiting seizure's row on the asset panel carries the form the API had alone: "the other court's
seizure was freed" (R-ASSET-04) — POST only, for who may control the case's property, 404 for
anyone else, errors shown in the panel and nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.models import ControlMeasure
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.core.models import AuditEvent
from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")
HX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer, principal="120000.00")


@pytest.fixture
def seizure(world, case):
    """A flat of the case seized behind another court's seizure: first in line."""
    unit = UnitFactory(region=world.region, name="不动产登记中心", unit_type=UnitType.REAL_ESTATE)
    liaison = UserFactory(unit=unit, role=Role.LIAISON)
    now = timezone.now()
    flat = AssetRecord.objects.create(
        case=case, kind=AssetKind.REAL_ESTATE, unit=unit, identifier="渝（2020）綦江区不动产权第1234567号",
        key="flat-1", first_seen_at=now, last_seen_at=now, other_measures=["已被重庆市江津区人民法院查封"],
    )  # fmt: skip
    measure = actions.seize(case, record=flat, value="90000.00", actor=world.officer).measure
    request_complete(
        AssistanceRequest.objects.get(pk=measure.request_id), actor=liaison,
        result={"registered_on": today().isoformat(), "certificate": flat.identifier, "waiting": True},
    )  # fmt: skip
    found = ControlMeasure.objects.get(pk=measure.pk)
    assert found.waiting_position == 1
    return found


def url(measure):
    return reverse("control-earlier-freed", args=[measure.pk])


def page(client, user, case):
    client.force_login(user)
    return client.get(reverse("case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def still_waiting(measure):
    return ControlMeasure.objects.get(pk=measure.pk).waiting_position == 1


def test_the_waiting_seizures_row_offers_the_form_to_who_may_control(client, world, case, seizure):
    shown = page(client, world.officer, case)
    assert f'id="freed-form-{seizure.pk}"' in shown and f'action="{url(seizure)}"' in shown
    assert "seizure was freed" in shown
    assert f'id="freed-form-{seizure.pk}"' not in page(client, world.command, case)  # reads, may not control


def test_recording_the_release_promotes_the_seizure_from_that_day(client, world, case, seizure):
    client.force_login(world.officer)
    freed_on = today() - dt.timedelta(days=1)
    response = client.post(
        url(seizure), {"how": "released", "on": freed_on.isoformat(), "note": "登记中心告知"}, **HX
    )
    assert response.status_code == 200 and 'id="controls-flash"' in response.content.decode()
    assert f"took effect on {freed_on.isoformat()}" in response.content.decode()
    promoted = ControlMeasure.objects.get(pk=seizure.pk)
    assert promoted.waiting_position is None and promoted.term_start == freed_on and promoted.term_end
    entry = AuditEvent.objects.get(action="control.earlier_freed")
    assert entry.after["note"] == "登记中心告知" and entry.after["promoted"] == seizure.pk


def test_without_htmx_the_page_reloads_with_the_message(client, world, case, seizure):
    client.force_login(world.officer)
    response = client.post(
        url(seizure), {"how": "lapsed", "on": today().isoformat()}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302 and response["Location"].endswith("#assets-controls")
    assert ControlMeasure.objects.get(pk=seizure.pk).term_start == today() + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"how": "released", "on": (dt.date.today() + dt.timedelta(days=30)).isoformat()}, "in the future"),
        ({"how": "gone", "on": "2026-01-05"}, "released or lapsed"),
        ({"how": "released", "on": "5 January"}, "Expected a date"),
    ],
)
def test_bad_input_is_shown_in_the_panel_and_nothing_changes(client, world, case, seizure, data, message):
    client.force_login(world.officer)
    response = client.post(url(seizure), data, **HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="controls-error"' in body and message in body
    assert still_waiting(seizure) and not AuditEvent.objects.filter(action="control.earlier_freed").exists()


def test_a_measure_not_waiting_is_refused_with_a_clear_error(client, world, case, seizure):
    freeze = actions.freeze(case, unit=world.unit, account="1", amount="100.00", actor=world.officer).measure
    client.force_login(world.officer)
    response = client.post(url(freeze), {"how": "released", "on": today().isoformat()}, **HX)
    assert response.status_code == 200 and "not first in line" in response.content.decode()
    assert still_waiting(seizure)


def test_post_only_and_404_for_anyone_who_may_not_control_the_case(client, world, case, seizure):
    client.force_login(world.officer)
    assert client.get(url(seizure)).status_code == 405
    data = {"how": "released", "on": today().isoformat()}
    for who in (world.outsider, world.command, world.liaison):
        client.force_login(who)
        assert client.post(url(seizure), data).status_code == 404
    client.force_login(world.officer)
    assert client.post(reverse("control-earlier-freed", args=[seizure.pk + 1000]), data).status_code == 404
    assert still_waiting(seizure)
    client.logout()
    assert client.post(url(seizure), data).status_code == 302  # to the sign-in page
    assert still_waiting(seizure)
