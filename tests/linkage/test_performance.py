"""Issue 4 §6: unit performance — volume, time to acknowledge and answer, on-time rate with its
Wilson interval, a minimum volume before ranking, overdue count; the page and its Excel export."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enforcelink.linkage import actions, queries
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role
from tests.factories import UnitFactory, UserFactory
from tests.linkage.conftest import ask


def _sent(world, case, unit, count):
    made = []
    for _ in range(count):
        made.append(
            actions.request_send(
                actions.request_create(case, ask(unit), actor=world.officer), actor=world.officer
            )
        )
    return made


def test_figures_per_unit_and_type(world, case):
    today = timezone.localdate()
    on_time, late, open_late = _sent(world, case, world.unit, 3)
    sent_at = timezone.now() - dt.timedelta(days=10)
    AssistanceRequest.objects.filter(pk__in=[on_time.pk, late.pk, open_late.pk]).update(
        sent_at=sent_at, due_on=today - dt.timedelta(days=5))  # fmt: skip
    actions.request_acknowledge(on_time, actor=world.liaison)
    AssistanceRequest.objects.filter(pk=on_time.pk).update(
        acknowledged_at=sent_at + dt.timedelta(hours=2))  # fmt: skip
    actions.request_complete(on_time, result={"found": False}, actor=world.liaison)
    AssistanceRequest.objects.filter(pk=on_time.pk).update(completed_at=sent_at + dt.timedelta(days=1))
    actions.request_complete(late, result={"found": False}, actor=world.liaison)  # answered today: late
    [row] = queries.unit_performance(
        world.officer, start=today - dt.timedelta(days=30), end=today, today=today
    )
    assert (row.volume, row.answered, row.on_time, row.overdue) == (3, 2, 1, 2)
    assert row.on_time_rate == 0.5 and row.interval[0] < 0.5 < row.interval[1]
    assert row.hours("ack", 0.5) == 2.0 and row.hours("done", 0.5) == 24.0
    assert not row.ranked  # 2 answered: shown, not ranked


def test_ranked_units_come_first_by_the_lower_bound(world, case, police):
    busy = UnitFactory(region=world.region, name="大银行", unit_type="bank")
    busy_liaison = UserFactory(username="busy", unit=busy, role=Role.LIAISON)
    for request in _sent(world, case, busy, 20):
        actions.request_complete(request, result={"found": False}, actor=busy_liaison)
    for request in _sent(world, case, world.unit, 2):
        actions.request_complete(request, result={"found": False}, actor=world.liaison)
    today = timezone.localdate()
    rows = queries.unit_performance(world.officer, start=today, end=today, today=today)
    assert [r.unit for r in rows] == [
        "大银行",
        world.unit.name,
    ]  # 2 of 2 on time is not ranked above 20 of 20
    assert rows[0].ranked and not rows[1].ranked


def test_page_chart_export_and_scoping(client, world, case):
    for request in _sent(world, case, world.unit, 2):
        actions.request_complete(request, result={"found": False}, actor=world.liaison)
    client.force_login(world.officer)
    page = client.get(reverse("unit-performance")).content.decode()
    assert world.unit.name in page and 'id="perf-data"' in page
    export = client.get(reverse("unit-performance") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == world.unit.name and rows[1][2] == 2 and rows[1][9] == 100.0
    client.force_login(world.outsider)
    assert world.unit.name not in client.get(reverse("unit-performance")).content.decode()
    client.force_login(world.supervisor)
    assert world.unit.name in client.get(reverse("unit-performance")).content.decode()
    assert client.get(reverse("unit-performance") + "?start=garbage&end=2020-99-01").status_code == 200


def test_supervisors_see_overdue_requests(client, world, case):
    [request] = _sent(world, case, world.unit, 1)
    AssistanceRequest.objects.filter(pk=request.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    client.force_login(world.supervisor)
    page = client.get(reverse("unit-performance")).content.decode()
    assert reverse("request-detail", args=[request.pk]) in page
