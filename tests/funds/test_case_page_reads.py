"""The case page reads the case's receipts once for all its panels (core.memo): the 执行款 card, the
payouts card and the asset panel's budget each need them."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enforcelink.core import memo
from enforcelink.funds import actions, queries


def receipt_reads(captured: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in captured.captured_queries
        if query["sql"].startswith(
            'SELECT "funds_journal"."value_on" AS "value_on", "funds_journal"."amount"'
        )
    )


def test_the_case_page_reads_the_receipts_once(client, world, clerk, case):
    on = dt.date.today() - dt.timedelta(days=3)
    actions.receipt_record(case, "100.00", source="voluntary", value_on=on, reference="P1", actor=clerk)
    client.force_login(world.officer)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("case-detail", args=[case.pk]))
    assert page.status_code == 200
    assert receipt_reads(captured) == 1


def test_outside_a_page_every_read_is_fresh(world, clerk, case):
    """Writes never see a kept answer: only a `reading()` block keeps one, and only inside it."""
    on = dt.date.today() - dt.timedelta(days=3)
    assert queries.payments(case) == []
    actions.receipt_record(case, "100.00", source="voluntary", value_on=on, reference="P1", actor=clerk)
    assert len(queries.payments(case)) == 1
    with memo.reading():
        first = queries.payments(case)
        first.append("not shared")  # a caller's list is its own
        assert len(queries.payments(case)) == 1
    actions.receipt_record(case, "5.00", source="voluntary", value_on=on, reference="P2", actor=clerk)
    assert len(queries.payments(case)) == 2
