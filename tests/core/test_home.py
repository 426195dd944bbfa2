"""Issue 14 §1: a home per role at "/" (core.home and the panels the apps register), what each shows
and must not show, their query counts, the navigation's badges and the command centre's filters and
export."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcelink.cases.actions import extension_request
from enforcelink.cases.models import Case, NodeKind, ProcessNode
from enforcelink.core import home
from enforcelink.core.models import Notification
from enforcelink.linkage import actions
from enforcelink.linkage.models import RequestType
from enforcelink.orgs.models import Role
from tests.factories import TeamFactory, UnitFactory, UserFactory, file_case
from tests.linkage.conftest import ask

pytestmark = pytest.mark.usefixtures("english")


def panels(client) -> dict[str, home.Panel]:
    response = client.get(reverse("workbench"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return {panel.key: panel for panel in response.context["panels"]}


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


@pytest.fixture
def mine(world):
    """An officer's case, its nodes long overdue (filed 2024), and another court's case."""
    case = file_case(world.court, world.officer, principal="50000.00")
    Case.objects.filter(pk=case.pk).update(officer=world.officer)
    case.refresh_from_db()
    file_case(world.other_court, world.outsider)
    return case


@pytest.fixture
def waiting_approval(world, mine):
    request = actions.request_create(mine, ask(world.unit, "deduct", amount="1000.00"), actor=world.officer)
    return actions.request_send(request, actor=world.officer)


def test_the_officer_lands_on_own_cases_and_notifications(world, client_for, mine, waiting_approval):
    shown = panels(client_for("officer"))
    assert set(shown) == {"my-cases", "my-approvals", "notifications"}
    [row] = shown["my-cases"].data["rows"]
    assert row.case == mine and row.light == "red" and row.overdue_days > 0
    assert [item.subject for item in shown["my-approvals"].data["items"]] == [mine.number]
    assert shown["my-cases"].data["rows"][0].case.court_id == world.court.pk


def test_an_officer_sees_no_colleagues_case(world, client_for, mine):
    assert panels(client_for("colleague"))["my-cases"].data["rows"] == []


def test_an_officer_moved_to_another_court_no_longer_lists_the_old_courts_cases(world, client_for, mine):
    """The home reads through the court's scope: the old court's 案号 would lead to 404s."""
    world.officer.court, world.officer.team = world.other_court, None
    world.officer.save()
    response = client_for("officer").get(reverse("workbench"))
    shown = {panel.key: panel for panel in response.context["panels"]}
    assert mine.number not in response.content.decode()
    assert "my-cases" not in shown or not shown["my-cases"].data["rows"]


def test_node_lights_red_amber_green(world, client_for):
    today = timezone.localdate()
    lights = {}
    for label, days in (("red", -2), ("amber", 1), ("green", 40)):
        case = file_case(world.court, world.officer, filed_on=today)
        Case.objects.filter(pk=case.pk).update(officer=world.officer)
        ProcessNode.objects.filter(case=case).update(due_on=today + timezone.timedelta(days=90))
        node = ProcessNode.objects.filter(case=case, kind=NodeKind.EXECUTION_NOTICE).first()
        ProcessNode.objects.filter(pk=node.pk).update(due_on=today + timezone.timedelta(days=days))
        lights[case.pk] = label
    rows = panels(client_for("officer"))["my-cases"].data["rows"]
    assert {row.case.pk: row.light for row in rows} == lights
    assert [row.light for row in rows] == ["red", "amber", "green"]  # the most urgent first
    assert [row.days_left for row in rows] == [-2, 1, 40]


def test_the_president_decides_in_one_queue(world, client_for, mine, waiting_approval):
    case = file_case(world.court, world.officer, filed_on=timezone.localdate())
    extension = extension_request(case, reason="拍卖程序未完成", actor=world.officer)
    foreign = file_case(world.other_court, world.outsider)
    other_unit = UnitFactory(region=world.other_court.region, name="福田某银行")
    other = actions.request_create(foreign, ask(other_unit, "deduct", amount="9.00"), actor=world.outsider)
    actions.request_send(other, actor=world.outsider)
    shown = panels(client_for("president"))
    assert "approvals" in shown and "my-cases" not in shown and "court-overdue" not in shown
    items = shown["approvals"].data["items"]
    assert {item.subject for item in items} == {mine.number, extension.case.number}
    assert foreign.number not in {item.subject for item in items}
    assert {item.what for item in items} == {"Deadline extension", f"{RequestType.DEDUCT.label} request"}


def test_a_team_leader_sees_approvals_and_own_cases_but_not_own_request(world, client, leader, mine):
    own = actions.request_create(mine, ask(world.unit, "deduct", amount="5.00"), actor=leader)
    actions.request_send(own, actor=leader)
    client.force_login(leader)
    shown = panels(client)
    assert {"approvals", "my-cases"} <= set(shown)
    assert shown["approvals"].data["items"] == []  # four eyes: their own draft waits for another


def test_the_command_centre_watches_the_court(world, client_for, mine):
    sent = actions.request_send(
        actions.request_create(mine, ask(world.unit), actor=world.officer), actor=world.officer
    )
    shown = panels(client_for("command"))
    assert {"court-overdue", "unanswered-by-unit"} <= set(shown)
    assert "approvals" not in shown and "my-cases" not in shown
    assert {node.case_id for node in shown["court-overdue"].data["rows"]} == {mine.pk}
    [unit] = shown["unanswered-by-unit"].data["rows"]
    assert unit["unit__name"] == world.unit.name and unit["waiting"] == 1
    assert sent.pk


def test_the_liaison_sees_the_inbox_in_figures(world, client_for, mine):
    sent = actions.request_send(
        actions.request_create(mine, ask(world.unit), actor=world.officer), actor=world.officer
    )
    shown = panels(client_for("liaison"))
    assert set(shown) == {"inbox", "notifications"}
    states = {label: count for label, count, _url in shown["inbox"].data["states"]}
    # The unit's words (the court's "Sent" is, for the unit, new and not yet acknowledged: 待签收).
    assert list(states) == ["New, not yet acknowledged", "Acknowledged, not yet started", "In progress"]
    assert states["New, not yet acknowledged"] == 1 and shown["inbox"].data["total"] == 1
    urls = [url for _label, _count, url in shown["inbox"].data["states"]]
    assert urls[0] == reverse("inbox") + "?status=sent"
    other = panels(client_for("other_liaison"))["inbox"]
    assert other.data["total"] == 0  # another unit's inbox
    assert sent.pk


def test_the_supervisor_sees_the_region(world, client_for, mine):
    shown = panels(client_for("supervisor"))
    assert "region" in shown and "my-cases" not in shown and "inbox" not in shown
    assert [court.pk for court in shown["region"].data["courts"]] == [world.court.pk]
    assert shown["region"].link == reverse("unit-performance")


def test_administrators_see_the_setup_status(world, client):
    admin = UserFactory(username="admin", court=world.court, role=Role.ADMIN)
    lonely = UnitFactory(region=world.region, name="綦江区不动产登记中心")
    client.force_login(admin)
    shown = panels(client)
    assert {"setup", "setup-lists"} <= set(shown) and "my-cases" not in shown
    names = {unit.name for unit in shown["setup"].data["units"]}
    assert lonely.name in names and world.unit.name not in names  # the bank has a liaison
    assert world.other_unit.name not in names  # another region's
    operator = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(operator)
    assert {court.pk for court in panels(client)["setup"].data["courts"]} == {
        world.court.pk,
        world.other_court.pk,
    }


# Queries of each home, whatever the data: the session and user, the panels', the badges' in the
# navigation. A panel that fills up (10 rows) counts its total once more, capped. Issue 15: payouts
# awaiting approval (president) and money held past its pay-out date (command) add one query each.
BUDGET = {"officer": 13, "president": 14, "command": 15, "liaison": 9, "supervisor": 10}


@pytest.mark.parametrize("who", sorted(BUDGET))
def test_each_home_takes_few_queries_whatever_the_data(world, client_for, who, mine):
    client = client_for(who)
    with CaptureQueriesContext(connection) as few:
        panels(client)
    for _ in range(11):
        case = file_case(world.court, world.officer)
        Case.objects.filter(pk=case.pk).update(officer=world.officer)
        request = actions.request_create(case, ask(world.unit), actor=world.officer)
        actions.request_send(request, actor=world.officer)
        Notification.objects.create(user=getattr(world, who), kind="k", message="m")
    with CaptureQueriesContext(connection) as more:
        panels(client)
    assert len(few.captured_queries) <= len(more.captured_queries) <= BUDGET[who]


def test_badges_count_lazily_and_cap(world, rf, mine, waiting_approval):
    request = rf.get("/")
    request.user = world.president
    badges = home.badges(request)["badges"]
    with CaptureQueriesContext(connection) as nothing:
        assert set(badges) == {"notifications", "approvals", "inbox", "waiting", "overdue"}
    assert nothing.captured_queries == []
    assert badges["approvals"] == 1 and badges["inbox"] == 0
    with CaptureQueriesContext(connection) as again:
        assert badges["approvals"] == 1
    assert again.captured_queries == []  # once per page
    Notification.objects.bulk_create(
        Notification(user=world.president, kind="k", message="m") for _ in range(120)
    )
    assert home.badges(request)["badges"]["notifications"] == "99+"
    request.user = world.command
    assert home.badges(request)["badges"]["overdue"] == len(
        [n for n in ProcessNode.objects.filter(case=mine) if n.is_overdue]
    )
    request.user = world.officer
    assert home.badges(request)["badges"]["waiting"] == 0  # awaiting approval, not yet with the unit
    with pytest.raises(KeyError):
        home.badges(request)["badges"]["inboxx"]


def test_the_overdue_list_filters_by_team_node_and_days_and_exports(world, client_for, mine):
    client = client_for("command")
    everything = client.get(reverse("command-overdue")).context["page"].object_list
    kind = everything[0].kind
    only = client.get(reverse("command-overdue"), {"kind": kind}).context["page"].object_list
    assert {n.kind for n in only} == {kind}
    none = client.get(reverse("command-overdue"), {"min_days": 3650}).context["page"].object_list
    assert list(none) == []
    foreign_team = TeamFactory(court=world.other_court, name="执行二组")
    other_team = client.get(reverse("command-overdue"), {"team": foreign_team.pk}).context["team"]
    assert other_team is None  # another court's team is no filter
    exported = client.get(
        reverse("command-overdue"), {"format": "csv", "kind": kind}, HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Case number" and {row[0] for row in rows[1:]} == {mine.number}
    xlsx = client.get(reverse("command-overdue"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for("officer").get(reverse("command-overdue"), {"format": "csv"}).status_code == 403
