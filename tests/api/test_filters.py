"""GET /api/v1/cases/ filters (django-filter), pagination and query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from enforcelink.cases.actions import PartyInput
from enforcelink.cases.models import Case
from tests.api.conftest import API
from tests.factories import PERSON_IDS, USCCS, file_case


@pytest.fixture
def docket(world):
    """Four cases of the officer's court in different states; one case of another court."""
    first = file_case(world.court, world.officer, basis_number="B1", filed_on=dt.date(2023, 5, 10))
    second = file_case(
        world.court,
        world.officer,
        basis_number="B2",
        filed_on=dt.date(2024, 2, 1),
        parties=[
            PartyInput(role="applicant", kind="person", name="李四", id_number=PERSON_IDS[1]),
            PartyInput(role="respondent", kind="person", name="王五", id_number=PERSON_IDS[2]),
        ],
    )
    preservation = file_case(world.court, world.officer, basis_number="B3", type_code="执保")
    closed = file_case(world.court, world.officer, basis_number="B4")
    Case.objects.filter(pk=closed.pk).update(status="closed")  # test set-up, not a domain write
    file_case(
        world.other_court,
        world.outsider,
        basis_number="B5",
        parties=[
            PartyInput(role="applicant", kind="person", name="李四", id_number=PERSON_IDS[1]),
            PartyInput(role="respondent", kind="organisation", name="某公司", id_number=USCCS[1]),
        ],
    )
    return {"first": first, "second": second, "preservation": preservation, "closed": closed}


def ids(client, query: str) -> set[int]:
    response = client.get(f"{API}/cases/?{query}")
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"first", "second", "preservation", "closed"}),
        ("status=closed", {"closed"}),
        ("status=open", {"first", "second", "preservation"}),
        ("type_code=执保", {"preservation"}),
        ("filed_on_after=2024-01-01&filed_on_before=2024-03-01", {"second", "preservation", "closed"}),
        ("filed_on_after=2024-02-01&filed_on_before=2024-02-29", {"second"}),
        ("filed_on_before=2023-12-31", {"first"}),
        ("party_name=李", {"second"}),
        ("party_name=张三", {"first", "preservation", "closed"}),
        (f"party_id_number={PERSON_IDS[2]}", {"second"}),
        (f"party_id_number={PERSON_IDS[1].lower()}", {"second"}),
        ("number_contains=执保", {"preservation"}),
    ],
)
def test_filters_stay_inside_the_callers_scope(world, docket, client_for, query, expected):
    assert ids(client_for("officer"), query) == {docket[name].pk for name in expected}


def test_exact_number_and_officer_filters(world, docket, client_for):
    client = client_for("officer")
    second = docket["second"]
    assert ids(client, f"number={second.number}") == {second.pk}
    assert ids(client, f"number={second.number[:-1]}") == set()
    assert ids(client, f"officer={second.officer_id}") == {
        case.pk for case in docket.values() if case.officer_id == second.officer_id
    }
    assert ids(client, f"officer={world.outsider.pk}") == set()


def test_pagination_limits_and_counts(world, docket, client_for):
    body = client_for("officer").get(f"{API}/cases/?limit=2&offset=1").json()
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"] and body["previous"]


def test_list_query_count_does_not_grow_with_rows(world, docket, client_for, django_assert_max_num_queries):
    """No N+1: court and officer come with the cases (session + user + count + page)."""
    client = client_for("officer")
    for extra in range(5):
        file_case(world.court, world.officer, basis_number=f"N{extra}")
    with django_assert_max_num_queries(6):
        assert client.get(f"{API}/cases/").status_code == 200


def test_detail_query_count(world, docket, client_for, django_assert_max_num_queries):
    client = client_for("officer")
    with django_assert_max_num_queries(6):
        assert client.get(f"{API}/cases/{docket['second'].pk}/").status_code == 200
