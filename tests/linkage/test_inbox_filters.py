"""The liaison's inbox filters (issue 4 §4): by status, overdue, a range of due dates and "due within
N working days" (R-TIME-01: today not counted, holidays skipped); bad input is a form error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.core.calendar import compute_deadline
from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest
from tests.linkage.conftest import ask


@pytest.fixture
def spread(world, case):
    """Four requests to the bank: overdue, due today, due in 2 working days, due in 20 working days."""
    today = timezone.localdate()
    made = []
    for days in (-3, 0, 2, 20):
        request = actions.request_send(
            actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
        )
        due = today + dt.timedelta(days=days) if days <= 0 else _working(today, days)
        AssistanceRequest.objects.filter(pk=request.pk).update(due_on=due)
        made.append(AssistanceRequest.objects.get(pk=request.pk))
    return made


def _working(day, amount):
    return compute_deadline(day, amount, "working_days", rule_id="R-TIME-01", start_event="test").due


def _ids(client, **query):
    response = client.get(reverse("inbox"), query)
    assert response.status_code == 200, response.content.decode()[:2000]
    return [row.pk for row in response.context["page"].object_list]


@pytest.fixture
def liaison(client, world):
    client.force_login(world.liaison)
    return client


def test_status_filter(liaison, world, spread):
    overdue, today, soon, later = spread
    actions.request_acknowledge(soon, actor=world.liaison)
    actions.request_complete(later, result={"found": False}, actor=world.liaison)
    assert _ids(liaison) == [overdue.pk, today.pk, soon.pk]  # what waits for the unit, earliest first
    assert _ids(liaison, status="acknowledged") == [soon.pk]
    assert _ids(liaison, status="completed") == [later.pk]
    assert _ids(liaison, status="sent") == [overdue.pk, today.pk]


def test_overdue_and_due_date_range(liaison, spread):
    overdue, today, soon, later = spread
    assert _ids(liaison, overdue="on") == [overdue.pk]
    assert _ids(liaison, due_after=today.due_on.isoformat()) == [today.pk, soon.pk, later.pk]
    assert _ids(liaison, due_before=today.due_on.isoformat()) == [overdue.pk, today.pk]
    assert _ids(liaison, due_after=soon.due_on.isoformat(), due_before=soon.due_on.isoformat()) == [soon.pk]


def test_due_within_working_days(liaison, spread):
    _overdue, today, soon, _later = spread
    assert _ids(liaison, due_within="2") == [today.pk, soon.pk]
    assert _ids(liaison, due_within="1") == [today.pk]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"due_after": "2026-13-01"}, "due_after"),
        ({"due_before": "yesterday"}, "due_before"),
        ({"due_after": "2026-03-10", "due_before": "2026-03-01"}, "due_before"),
        ({"due_after": "0001-01-01"}, "due_after"),
        ({"due_within": "-1"}, "due_within"),
        ({"due_within": "９９999"}, "due_within"),
        ({"due_within": "soon"}, "due_within"),
        ({"status": "nonsense"}, "status"),
    ],
)
def test_bad_filters_are_form_errors(liaison, spread, query, field):
    response = liaison.get(reverse("inbox"), query)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()


def test_another_units_requests_never_show(client, world, spread):
    client.force_login(world.other_liaison)
    assert _ids(client) == [] and _ids(client, due_within="60") == []
