"""The pages, API and home panels of expiring control measures (issue 15 §6, §11; R-ASSET-02): the
officer's list with one-click renewal, the command centre's list with its filters and exports, the
API's ownership (another court's measure is the same 404 as a missing one) and the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.models import ControlMeasure, MeasureKind, MeasureStatus
from enforcelink.linkage.models import AssistanceRequest
from tests.assets.test_expiry import frozen, handled_by
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def client(client):
    """Pages asserted in English ask for it (the UI's default is zh-hans)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def case(world):
    return handled_by(file_case(world.court, world.officer, principal="120000.00"), world.officer)


@pytest.fixture
def soon(world, case):
    """Two freezes ending in 5 and 40 days."""
    return (
        frozen(world, case, ends_on=today() + dt.timedelta(days=5)),
        frozen(
            world,
            case,
            amount="2000.00",
            ends_on=today() + dt.timedelta(days=40),
            account="62170000000000007",
        ),
    )


def test_the_officer_lists_what_ends_within_n_days_and_renews_the_chosen_in_one_click(client, world, soon):
    near, far = soon
    client.force_login(world.officer)
    page = client.get(reverse("controls-expiring")).content.decode()
    assert f'value="{near.pk}"' in page and f'value="{far.pk}"' not in page
    wider = client.get(reverse("controls-expiring") + "?days=60").content.decode()
    assert wider.index(f'value="{near.pk}"') < wider.index(f'value="{far.pk}"')  # the nearest first
    response = client.post(reverse("controls-expiring"), {"measures": [near.pk, far.pk], "days": "60"})
    assert response.status_code == 200 and "2 renewals sent." in response.content.decode()
    assert ControlMeasure.objects.filter(kind=MeasureKind.RENEW, status=MeasureStatus.SENT).count() == 2
    again = client.post(reverse("controls-expiring"), {"measures": [near.pk], "days": "60"}).content.decode()
    assert "RENEWAL_OPEN" in again and "renewal sent" in again


def test_anothers_measure_on_the_page_is_not_found(client, world, soon):
    client.force_login(world.outsider)
    assert client.post(reverse("controls-expiring"), {"measures": [soon[0].pk]}).status_code == 404
    assert f'value="{soon[0].pk}"' not in client.get(reverse("controls-expiring")).content.decode()
    client.force_login(world.liaison)
    assert client.get(reverse("controls-expiring")).status_code == 404


def test_the_command_centre_lists_the_courts_measures_with_filters_and_exports(client, world, soon):
    client.force_login(world.command)
    page = client.get(reverse("command-controls-expiring") + "?days=60").content.decode()
    assert page.count("62170000000000001") == 1 and "62170000000000007" in page
    assert 'class="num">1,000.00 元</td>' in page
    assert "62170000000000007" not in client.get(reverse("command-controls-expiring")).content.decode()
    assert (
        "62170000000000001"
        not in client.get(
            reverse("command-controls-expiring") + f"?officer={world.colleague.pk}"
        ).content.decode()
    )
    assert (
        "62170000000000001"
        not in client.get(reverse("command-controls-expiring") + "?kind=seize").content.decode()
    )
    csv = client.get(reverse("command-controls-expiring") + "?days=60&format=csv", HTTP_ACCEPT_LANGUAGE="en")
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv") and text.splitlines()[0].startswith("Ends on,Days left")
    assert len(text.splitlines()) == 3 and "1000.00" in text
    xlsx = client.get(reverse("command-controls-expiring") + "?format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 2 and sheet.cell(2, 5).value == "62170000000000001"
    amount = sheet.cell(2, 7)  # a number Excel adds up, shown grouped; the CSV keeps "1000.00"
    assert amount.value == 1000.0 and amount.number_format == "#,##0.00"
    client.force_login(world.officer)
    assert client.get(reverse("command-controls-expiring")).status_code == 403


def test_the_homes_show_the_officers_count_and_the_command_centres_panel(client, world, soon):
    client.force_login(world.officer)
    home = client.get(reverse("workbench")).content.decode()
    assert 'id="controls-expiring"' in home and "Ending within 30 days: 1" in home
    client.force_login(world.command)
    home = client.get(reverse("workbench")).content.decode()
    assert 'id="court-controls-expiring"' in home and "62170000000000001" in home
    client.force_login(world.colleague)  # nothing of theirs ends soon: no card
    assert 'id="controls-expiring"' not in client.get(reverse("workbench")).content.decode()


# --- API ------------------------------------------------------------------------------------------------


def test_the_api_lists_mine_and_the_courts(client_for, world, soon):
    mine = client_for("officer").get("/api/v1/controls/expiring/?days=60").json()
    assert [row["id"] for row in mine["results"]] == [soon[0].pk, soon[1].pk]
    assert mine["results"][0]["days_left"] == 5 and mine["results"][0]["confirmed_amount"] == "1000.00"
    assert client_for("outsider").get("/api/v1/controls/expiring/?days=60").json()["results"] == []
    court = client_for("command").get("/api/v1/controls/expiring/?scope=court").json()
    assert [row["id"] for row in court["results"]] == [soon[0].pk]
    assert client_for("officer").get("/api/v1/controls/expiring/?scope=court").status_code == 403
    bad = client_for("officer").get("/api/v1/controls/expiring/?days=999")
    assert bad.status_code == 400 and bad.json()["field"] == "days"


def test_the_api_gives_what_each_measure_still_holds(client_for, world, soon):
    """`held` is what the pages' "still held" column shows (R-ASSET-03): the confirmed amount less the
    unfreezes ordered from it, not what the bank first confirmed."""
    near, far = soon
    actions.release(near, reason="部分解冻", actor=world.officer, amount="300.00")
    mine = client_for("officer").get("/api/v1/controls/expiring/?days=60").json()["results"]
    held = {row["id"]: (row["confirmed_amount"], row["held"]) for row in mine}
    assert held[near.pk] == ("1000.00", "700.00") and held[far.pk] == ("2000.00", "2000.00")
    court = client_for("command").get("/api/v1/controls/expiring/?scope=court").json()["results"]
    assert [(row["id"], row["held"]) for row in court] == [(near.pk, "700.00")]
    page = client_for("officer").get(reverse("controls-expiring") + "?days=60").content.decode()
    assert "700.00" in page  # the same figure on the page


def test_the_api_renews_a_batch_and_another_courts_measure_is_the_same_404_as_a_missing_one(
    client_for, world, soon
):
    near, far = soon
    answer = client_for("outsider").post("/api/v1/controls/renewals/", {"measures": [near.pk]}, format="json")
    missing = client_for("officer").post("/api/v1/controls/renewals/", {"measures": [999999]}, format="json")
    assert answer.status_code == missing.status_code == 404
    assert answer.json() == missing.json()
    assert not ControlMeasure.objects.filter(kind=MeasureKind.RENEW).exists()
    ControlMeasure.objects.filter(pk=far.pk).update(term_end=today() - dt.timedelta(days=1))
    made = client_for("officer").post(
        "/api/v1/controls/renewals/", {"measures": [near.pk, far.pk]}, format="json"
    )
    assert made.status_code == 201
    body = made.json()
    assert [row["renews"] for row in body["made"]] == [near.pk]
    assert body["refused"] == [
        {
            "measure": far.pk,
            "case_number": near.case.number,
            "code": "MEASURE_LAPSED",
            "message": body["refused"][0]["message"],
        }
    ]
    request = AssistanceRequest.objects.get(pk=body["made"][0]["request"])
    assert request.request_type == "renew_freeze" and body["made"][0]["until"] == request.details["until"]


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/controls/expiring/", "/api/v1/controls/renewals/",
                 "/api/v1/asset-records/{record_id}/earlier-freed/"):  # fmt: skip
        assert path in paths
