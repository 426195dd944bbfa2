"""Query-count tests (STYLE.md): the unit-performance page and `GET /api/v1/requests/` take as many
queries for twelve rows as for two, so an N+1 (a query per unit, case, court or notice) fails here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest
from tests.api.conftest import API
from tests.factories import UnitFactory, file_case
from tests.linkage.conftest import ask


def send(world, units):
    """One sent request per unit, each on its own case (so units, cases and notices all differ)."""
    made = []
    for unit in units:
        case = file_case(world.court, world.officer)
        made.append(actions.request_send(actions.request_create(case, ask(unit), actor=world.officer),
                                         actor=world.officer))  # fmt: skip
    return made


def count(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_unit_performance_page_queries_do_not_grow_with_its_rows(client, world):
    """Rows of the table are (unit, request type); the overdue list below it names unit and case."""
    today = timezone.localdate()
    send(world, [world.unit, UnitFactory(region=world.region)])
    AssistanceRequest.objects.update(due_on=today - dt.timedelta(days=5))
    client.force_login(world.officer)
    page = lambda: client.get(reverse("unit-performance"))  # noqa: E731
    page()  # warm: whatever a first call caches is not what is measured
    few, response = count(page)
    assert len(response.context["rows"]) == 2 and len(response.context["overdue"]) == 2
    send(world, [UnitFactory(region=world.region) for _ in range(10)])
    AssistanceRequest.objects.update(due_on=today - dt.timedelta(days=5))
    many, response = count(page)
    assert len(response.context["rows"]) == 12 and len(response.context["overdue"]) == 12
    assert many == few


def test_the_request_list_as_a_unit_key_does_not_grow_with_its_rows(world, bank):
    """The bank's system polls what waits for it: a case, its court and a notice per row."""
    send(world, [world.unit] * 2)
    listing = lambda: bank.client.get(f"{API}/requests/")  # noqa: E731
    listing()
    few, response = count(listing)
    assert len(response.json()["results"]) == 2
    send(world, [world.unit] * 10)
    many, response = count(listing)
    assert len(response.json()["results"]) == 12
    assert many == few


@pytest.mark.parametrize("query", ["", "?all=1"])
def test_the_request_list_as_an_officer_does_not_grow_with_its_rows(world, client_for, query):
    """The court's side sees every unit's requests: a unit, a case and a notice per row."""
    officer = client_for("officer")
    send(world, [world.unit, UnitFactory(region=world.region)])
    listing = lambda: officer.get(f"{API}/requests/{query}")  # noqa: E731
    listing()
    few, response = count(listing)
    assert len(response.json()["results"]) == 2
    send(world, [UnitFactory(region=world.region) for _ in range(10)])
    many, response = count(listing)
    assert len(response.json()["results"]) == 12
    assert {row["unit"] for row in response.json()["results"]} >= {world.unit.name}
    assert many == few
