"""GET /api/v1/cases/ in keyset pages (issue 14 §12): `next` and `previous` carry cursors, the old
`offset` still works up to 10,000, bad cursors and offsets are 400s naming the parameter, and the
schema documents it all."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from enforcelink.core.api import KeysetPagination
from enforcelink.core.pages import encode_cursor
from tests.api.conftest import API
from tests.factories import file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def docket(world):
    """Seven cases of the officer's court, and one of another court."""
    ours = [file_case(world.court, world.officer, basis_number=f"（2023）渝0110民初{n}号") for n in range(7)]
    theirs = file_case(world.other_court, world.outsider, basis_number="（2023）粤0304民初9号")
    return ours, theirs


def _path(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_next_links_walk_every_visible_case_once_and_previous_walks_back(world, docket, client_for):
    ours, theirs = docket
    client = client_for("officer")
    body = client.get(f"{API}/cases/?limit=3").json()
    assert (body["count"], body["count_is_estimate"], body["previous"]) == (7, False, None)
    pages = [body]
    while pages[-1]["next"]:
        assert "after=" in pages[-1]["next"] and "limit=3" in pages[-1]["next"]
        pages.append(client.get(_path(pages[-1]["next"])).json())
    seen = [row["id"] for page in pages for row in page["results"]]
    assert seen == sorted((c.pk for c in ours), reverse=True)  # same filing date: newest id first
    assert theirs.pk not in seen
    back = client.get(_path(pages[-1]["previous"])).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in pages[-2]["results"]]


def test_filters_stay_on_the_links(world, docket, client_for):
    query = {"limit": 2, "status": "open", "party_name": "张三"}
    body = client_for("officer").get(f"{API}/cases/", query).json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert query["status"] == ["open"] and query["party_name"] == ["张三"] and "after" in query


def test_offsets_of_old_still_answer_and_lead_on_by_cursor(world, docket, client_for):
    client = client_for("officer")
    everything = [row["id"] for row in client.get(f"{API}/cases/?limit=10").json()["results"]]
    body = client.get(f"{API}/cases/?limit=2&offset=3").json()
    assert [row["id"] for row in body["results"]] == everything[3:5]
    assert "offset" not in body["next"] and "after=" in body["next"]
    assert [row["id"] for row in client.get(_path(body["next"])).json()["results"]] == everything[5:7]
    assert [row["id"] for row in client.get(_path(body["previous"])).json()["results"]] == everything[1:3]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        (f"offset={KeysetPagination.MAX_OFFSET + 1}", "offset", "OFFSET_TOO_LARGE"),
        ("offset=-1", "offset", "INVALID_INPUT"),
        ("limit=0", "limit", "INVALID_INPUT"),
        ("limit=abc", "limit", "INVALID_INPUT"),
        ("after=zz", "after", "CURSOR_INVALID"),
        ("before=WyJ4Il0", "before", "CURSOR_INVALID"),
        (f"after={encode_cursor(['2024-13-01', 1])}", "after", "CURSOR_INVALID"),
    ],
)
def test_bad_positions_are_400s_naming_the_parameter(world, docket, client_for, query, field, code):
    response = client_for("officer").get(f"{API}/cases/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert (body["field"], body["code"]) == (field, code)
    assert body["message"]


def test_a_limit_over_the_maximum_is_cut_to_it(world, docket, client_for):
    assert client_for("officer").get(f"{API}/cases/?limit=100000").status_code == 200


def test_another_courts_cursor_shows_only_ones_own_cases(world, docket, client_for):
    """A cursor is a place in the order, not a key to rows: the outsider still sees only theirs."""
    _ours, theirs = docket
    first = client_for("officer").get(f"{API}/cases/?limit=1").json()
    cursor = parse_qs(urlsplit(first["next"]).query)["after"][0]
    body = client_for("outsider").get(f"{API}/cases/?after={cursor}").json()
    assert {row["id"] for row in body["results"]} <= {theirs.pk}


def test_deeper_pages_cost_no_more_queries(world, docket, client_for, django_assert_max_num_queries):
    client = client_for("officer")
    with django_assert_max_num_queries(6) as first:
        body = client.get(f"{API}/cases/?limit=2").json()
    for _ in range(2):
        with django_assert_max_num_queries(len(first.captured_queries)):
            body = client.get(_path(body["next"])).json()


def test_the_schema_documents_the_cursors(world, client_for):
    schema = client_for("officer").get(f"{API}/openapi.json")
    assert schema.status_code == 200
    operation = schema.json()["paths"]["/api/v1/cases/"]["get"]
    names = {param["name"] for param in operation["parameters"]}
    assert {"limit", "after", "before", "offset"} <= names
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[-1]
    properties = schema.json()["components"]["schemas"][ref]["properties"]
    assert {"count", "count_is_estimate", "next", "previous", "results"} <= set(properties)


def test_a_search_that_finds_nothing_is_an_empty_page(world, docket, client_for):
    """The schemathesis run's find: ?q= matching no case made PostgreSQL's estimate read an empty plan."""
    response = client_for("officer").get(f"{API}/cases/?offset=123&q=auth.2fa_disabled&limit=391")
    assert response.status_code == 200
    assert response.json()["count"] == 0 and response.json()["results"] == []
