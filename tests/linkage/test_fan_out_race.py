"""Two submissions of the same fan-out at once (a double click, or two colleagues on one case): the
second waits for the first and finds its request open (DUPLICATE_OPEN) instead of sending it again.
PostgreSQL: SQLite runs one writer at a time anyway."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from enforcelink.linkage.actions import batches
from enforcelink.linkage.models import AssistanceRequest
from tests.factories import file_case
from tests.linkage.conftest import ask

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_double_submit_sends_the_request_once(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks")
    case = file_case(world.court, world.officer)
    real = batches.requests_check

    def slow_check(pairs, **kwargs):
        checked = real(pairs, **kwargs)
        time.sleep(1)  # both submissions would pass the check in this window if it ran unlocked
        return checked

    monkeypatch.setattr(batches, "requests_check", slow_check)
    reports, errors = [], []

    def submit():
        try:
            reports.append(batches.requests_send_each([(case, ask(world.unit))], actor=world.officer))
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    made = AssistanceRequest.objects.filter(case=case, unit=world.unit, request_type="inquire_deposits")
    assert made.count() == 1
    refused = [refusal.code for report in reports for refusal in report.refused]
    assert refused == ["DUPLICATE_OPEN"] and sorted(len(report.made) for report in reports) == [0, 1]
