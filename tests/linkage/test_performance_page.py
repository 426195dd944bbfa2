"""The unit-performance page offers its table as CSV and XLSX, as the platform's other exports do,
and its chart says what the bars and the dots are (a legend), the unit names given room."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from enforcelink.linkage import actions
from tests.linkage.conftest import ask

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def answered(world, case):
    for _ in range(2):
        request = actions.request_send(
            actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
        )
        actions.request_complete(request, result={"found": False}, actor=world.liaison)


def test_the_exports_are_csv_and_xlsx_like_elsewhere(client, world, answered):
    client.force_login(world.officer)
    page = client.get(reverse("unit-performance"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Export to Excel" not in page
    assert 'id="export-csv"' in page and "format=csv" in page and 'id="export-xlsx"' in page
    export = client.get(reverse("unit-performance") + "?format=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert export["Content-Disposition"].endswith('.csv"')
    text = export.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel on a Chinese Windows reads UTF-8 with it
    head, row = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert head[:3] == ["Unit", "Request", "Volume"] and head[9] == "On-time rate %"
    assert row[0] == world.unit.name and row[2] == "2" and row[9] == "100.0"


def test_the_csv_export_is_scoped_like_the_page(client, world, answered):
    client.force_login(world.outsider)
    export = client.get(reverse("unit-performance") + "?format=csv").content.decode("utf-8")
    assert world.unit.name not in export


def test_the_chart_has_a_legend_for_its_bars_and_dots(client, world, answered):
    client.force_login(world.officer)
    page = client.get(reverse("unit-performance"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # escapejs writes the hyphen as \u002D: JavaScript reads "On-time rate"
    assert 'var rate = "On\\u002Dtime rate", low = "Lower end of the 95% interval (the rank)";' in page
    assert "legend: {top: 0, left: 0, data: [rate, low]}" in page
    assert "containLabel: true" in page
