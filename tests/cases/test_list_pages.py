"""The long lists in keyset pages (issue 14 §12): the case list, the overdue list and the inbox walk
forwards and back by the pager's links, keep their filters on them, swap the table alone under htmx,
and cost the same queries on page 1 and deeper; another court's cursor shows nothing of theirs."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from enforcelink.cases import views as case_views
from enforcelink.cases.models import Case
from enforcelink.linkage import actions
from tests.factories import file_case
from tests.linkage.conftest import ask

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def link(body: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', body)
    return unescape(found.group(1)) if found else None


def rows(response, context_name: str = "page") -> list[int]:
    return [row.pk for row in response.context[context_name].object_list]


def walk(client: Client, url: str) -> tuple[list[list[int]], list]:
    responses = [client.get(url)]
    while (following := link(responses[-1].content.decode(), "next")) is not None:
        assert len(responses) < 20
        responses.append(client.get(url.split("?")[0] + following))
    return [rows(r) for r in responses], responses


@pytest.fixture(autouse=True)
def pages_of_25(monkeypatch):
    """Walks of several pages from a docket small enough to file quickly."""
    monkeypatch.setattr(case_views, "PAGE_SIZE", 25)


@pytest.fixture
def docket(world):
    made = [file_case(world.court, world.officer, basis_number=f"（2023）渝0110民初{n}号") for n in range(28)]
    Case.objects.filter(pk__in=[c.pk for c in made[::2]]).update(status="closed")
    # All the officer's (the random rotation would share them with colleagues, and the overdue walk
    # filtered by this officer then sometimes fitted on one page).
    Case.objects.filter(pk__in=[c.pk for c in made]).update(officer=world.officer)
    return made


def test_the_case_list_walks_by_its_links_and_keeps_its_filters(world, docket):
    client = client_for(world.officer)
    pages, responses = walk(client, reverse("case-list") + "?status=open")
    assert [len(p) for p in pages] == [14]
    pages, responses = walk(client, reverse("case-list"))
    assert [len(p) for p in pages] == [25, 3]
    assert sorted(pk for page in pages for pk in page) == sorted(c.pk for c in docket)
    body = responses[-1].content.decode()
    assert "25 cases" not in body and "28 cases" in body and "Page 2 of" not in body
    back = client.get(reverse("case-list") + link(body, "prev"))
    assert rows(back) == pages[0]
    filtered = client.get(reverse("case-list"), {"status": "closed", "type_code": "执"})
    assert filtered.context["page"].total == 14


def test_the_pager_swaps_the_table_under_htmx(world, docket):
    client = client_for(world.officer)
    first = client.get(reverse("case-list"), {"q": "张三"}, headers={"hx-request": "true"})
    body = first.content.decode()
    assert "<html" not in body and 'hx-target="#case-table"' in body and "q=%E5%BC%A0%E4%B8%89" in body
    following = link(body, "next")
    second = client.get(reverse("case-list") + following, headers={"hx-request": "true"})
    assert "<html" not in second.content.decode() and len(rows(second)) == 3


def test_deeper_case_list_pages_cost_no_more_queries(world, docket, django_assert_max_num_queries):
    client = client_for(world.officer)
    with django_assert_max_num_queries(20) as first:
        body = client.get(reverse("case-list")).content.decode()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("case-list") + link(body, "next"))


def test_another_courts_cursor_lists_only_ones_own(world, docket):
    body = client_for(world.officer).get(reverse("case-list")).content.decode()
    mine = file_case(world.other_court, world.outsider, basis_number="（2023）粤0304民初1号")
    response = client_for(world.outsider).get(reverse("case-list") + link(body, "next"))
    assert set(rows(response)) <= {mine.pk}


def test_the_overdue_list_walks_by_cursor_with_its_officer_filter(
    world, docket, django_assert_max_num_queries
):
    """Filed in 2024, the open cases' clocks are long overdue: more than one page of nodes."""
    client = client_for(world.command)
    url = reverse("command-overdue") + f"?officer={world.officer.pk}"
    with django_assert_max_num_queries(20) as first:
        response = client.get(url)
    body = response.content.decode()
    following = link(body, "next")
    assert following and f"officer={world.officer.pk}" in following
    with django_assert_max_num_queries(len(first.captured_queries)):
        second = client.get(reverse("command-overdue") + following)
    assert not set(rows(response)) & set(rows(second))
    nodes = [node for page in walk(client, url)[0] for node in page]
    assert len(nodes) == len(set(nodes)) == response.context["page"].total


def test_the_inbox_walks_by_cursor(world, docket, django_assert_max_num_queries):
    case = docket[1]  # open
    for _ in range(33):
        actions.request_send(
            actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
        )
    client = client_for(world.liaison)
    with django_assert_max_num_queries(12) as first:
        response = client.get(reverse("inbox"), {"status": "sent"})
    assert len(rows(response)) == 30 and response.context["page"].total == 33
    following = link(response.content.decode(), "next")
    assert "status=sent" in following
    with django_assert_max_num_queries(len(first.captured_queries)):
        second = client.get(reverse("inbox") + following)
    assert len(rows(second)) == 3
