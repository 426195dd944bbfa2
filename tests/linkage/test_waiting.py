"""Issue 4 §5: the officer sees every request still unanswered on their cases, earliest deadline
first, overdue ones marked; a team leader may widen it to the team, the command centre to the court."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from enforcelink.cases.models import Case
from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role
from tests.factories import UnitFactory, UserFactory, file_case
from tests.linkage.conftest import ask


def _send(case, unit, actor, request_type="inquire_deposits", **details):
    return actions.request_send(
        actions.request_create(case, ask(unit, request_type, **details), actor=actor), actor=actor
    )


def _own(case, officer):
    """Cases are assigned at random among the court's officers: give this one to `officer`."""
    Case.objects.filter(pk=case.pk).update(officer=officer, team=officer.team)
    return Case.objects.get(pk=case.pk)


def _ids(client, **query):
    response = client.get(reverse("request-waiting"), query)
    assert response.status_code == 200
    return [row.pk for row in response.context["page"].object_list]


def test_the_officer_sees_what_is_still_unanswered_on_their_cases(client, world, case):
    case = _own(case, world.officer)
    today = timezone.localdate()
    late = _send(case, world.unit, world.officer)
    AssistanceRequest.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=2))
    acked = actions.request_acknowledge(_send(case, world.unit, world.officer), actor=world.liaison)
    working = _send(case, world.unit, world.officer)
    actions.request_start(actions.request_acknowledge(working, actor=world.liaison), actor=world.liaison)
    returned = actions.request_return(
        _send(case, world.unit, world.officer), reason="缺账号", actor=world.liaison
    )
    pending = _send(case, world.unit, world.officer, "deduct", amount="100.00")
    done = actions.request_complete(
        _send(case, world.unit, world.officer), result={"found": False}, actor=world.liaison
    )
    cancelled = actions.request_cancel(
        _send(case, world.unit, world.officer), reason="已履行", actor=world.officer
    )
    draft = actions.request_create(case, ask(world.unit), actor=world.officer)
    client.force_login(world.officer)
    response = client.get(reverse("request-waiting"))
    ids = [row.pk for row in response.context["page"].object_list]
    assert ids[0] == late.pk and ids[-1] == pending.pk  # sorted by due date; no deadline yet comes last
    assert set(ids) == {late.pk, acked.pk, working.pk, returned.pk, pending.pk}
    assert not {done.pk, cancelled.pk, draft.pk} & set(ids)
    text = response.content.decode()
    assert f'<tr data-request="{late.pk}" class="row-alert">' in text and "badge-overdue" in text
    assert world.unit.name in text and reverse("request-detail", args=[late.pk]) in text
    assert reverse("request-waiting") in text  # in the navigation


def test_another_officers_and_another_courts_requests_do_not_appear(client, world, case):
    mine = _send(_own(case, world.officer), world.unit, world.officer)
    colleagues = _send(
        _own(file_case(world.court, world.colleague), world.colleague), world.unit, world.colleague
    )
    other_unit = UnitFactory(region=world.other_court.region, name="福田某银行")
    theirs = _send(file_case(world.other_court, world.outsider), other_unit, world.outsider)
    client.force_login(world.officer)
    assert _ids(client) == [mine.pk]
    assert _ids(client, scope="court") == [mine.pk]  # an officer cannot widen the list
    client.force_login(world.outsider)
    assert _ids(client) == [theirs.pk]
    client.force_login(world.command)
    assert set(_ids(client, scope="court")) == {mine.pk, colleagues.pk}
    leader = UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)
    client.force_login(leader)
    assert _ids(client) == []
    assert set(_ids(client, scope="team")) == {mine.pk, colleagues.pk}


def test_the_list_is_for_court_staff_and_paginated(client, world, case, django_assert_max_num_queries):
    case = _own(case, world.officer)
    for _ in range(32):
        _send(case, world.unit, world.officer)
    client.force_login(world.officer)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("request-waiting"))
    assert len(first.context["page"].object_list) == 30
    after = first.context["page"].next_cursor
    second = client.get(reverse("request-waiting"), {"after": after}).context["page"]
    assert len(second.object_list) == 2 and not second.has_next and second.has_previous
    assert not {r.pk for r in second} & {r.pk for r in first.context["page"]}
    assert client.get(reverse("request-waiting"), {"after": "x²", "page": "x²"}).status_code == 200
    for who in (world.liaison, world.supervisor):
        client.force_login(who)
        assert client.get(reverse("request-waiting")).status_code == 403


def test_who_has_no_cases_of_their_own_starts_with_the_court(client, world, case):
    """The command centre's nav link (协执 › 待答复请求) shows the court's waiting requests, as the
    home's count does, not an empty "my cases"; an officer and a team leader still start with their own."""
    mine = _send(_own(case, world.officer), world.unit, world.officer)
    colleagues = _send(
        _own(file_case(world.court, world.colleague), world.colleague), world.unit, world.colleague
    )
    for who in (world.command, world.president):
        client.force_login(who)
        response = client.get(reverse("request-waiting"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.context["scope"] == "court"
        assert {row.pk for row in response.context["page"].object_list} == {mine.pk, colleagues.pk}
        assert _ids(client, scope="mine") == []  # still there to choose
    client.force_login(world.officer)
    assert client.get(reverse("request-waiting")).context["scope"] == "mine"
    leader = UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)
    client.force_login(leader)
    assert client.get(reverse("request-waiting")).context["scope"] == "mine"
