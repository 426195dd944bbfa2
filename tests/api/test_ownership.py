"""Every endpoint's ownership test (STYLE.md): owner and colleague see, the outsider from another court
gets the very 404 a missing id gets, a liaison or unit API key gets nothing, and the region's supervisor
reads but never writes."""

from __future__ import annotations

import pytest

from enforcelink.cases.models import Case
from tests.api.conftest import API, filing_body

CHILDREN = ["", "parties/", "nodes/", "events/"]
MISSING = 987654


def case_url(case_id: object, child: str = "") -> str:
    return f"{API}/cases/{case_id}/{child}"


@pytest.mark.parametrize("child", CHILDREN)
@pytest.mark.parametrize("who", ["officer", "colleague", "president", "command", "supervisor"])
def test_court_staff_and_region_supervisor_read_the_case(world, cases, client_for, who, child):
    response = client_for(who).get(case_url(cases.mine.pk, child))
    assert response.status_code == 200, response.json()
    if child == "":
        assert response.json()["number"] == cases.mine.number


@pytest.mark.parametrize("child", CHILDREN)
@pytest.mark.parametrize("who", ["outsider", "liaison", "other_liaison"])
def test_not_yours_is_the_same_404_as_missing(world, cases, client_for, who, child):
    client = client_for(who)
    not_yours = client.get(case_url(cases.mine.pk, child))
    missing = client.get(case_url(MISSING, child))
    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.content == missing.content
    assert not_yours.json() == {"code": "NOT_FOUND", "message": not_yours.json()["message"], "field": None}


@pytest.mark.parametrize("child", CHILDREN)
def test_supervisor_reads_only_inside_the_region(world, cases, client_for, child):
    """court_scope: a supervisory body reads the courts under its region's path, no others."""
    client = client_for("supervisor")
    other_region = client.get(case_url(cases.theirs.pk, child))
    missing = client.get(case_url(MISSING, child))
    assert other_region.status_code == 404
    assert other_region.content == missing.content


@pytest.mark.parametrize("child", CHILDREN)
def test_unit_api_key_sees_no_court_case(cases, key_client, child):
    """Unit principals are not court staff: a court case is 'not found' to them."""
    not_yours = key_client.get(case_url(cases.mine.pk, child))
    missing = key_client.get(case_url(MISSING, child))
    assert not_yours.status_code == 404
    assert not_yours.content == missing.content


def test_case_list_is_scoped_per_caller(world, cases, client_for, key_client):
    def numbers(client):
        response = client.get(f"{API}/cases/")
        assert response.status_code == 200
        return {row["number"] for row in response.json()["results"]}

    assert numbers(client_for("officer")) == {cases.mine.number}
    assert numbers(client_for("colleague")) == {cases.mine.number}
    assert numbers(client_for("supervisor")) == {cases.mine.number}
    assert numbers(client_for("outsider")) == {cases.theirs.number}
    assert numbers(client_for("liaison")) == set()
    assert numbers(key_client) == set()


def test_officer_files_a_case_in_own_court(world, client_for):
    response = client_for("officer").post(f"{API}/cases/", filing_body(), format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert case.court == world.court
    assert response.json()["court"] == world.court.code


@pytest.mark.parametrize("who", ["supervisor", "liaison"])
def test_readers_without_a_court_cannot_file(world, client_for, who):
    response = client_for(who).post(f"{API}/cases/", filing_body(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "PERMISSION_DENIED"
    assert Case.objects.count() == 0


def test_unit_api_key_cannot_file(world, key_client):
    response = key_client.post(f"{API}/cases/", filing_body(), format="json")
    assert response.status_code == 403
    assert set(response.json()) == {"code", "message", "field"}
    assert Case.objects.count() == 0


@pytest.mark.parametrize("who", ["officer", "supervisor", "liaison"])
def test_me_describes_the_caller(world, client_for, who):
    body = client_for(who).get(f"{API}/me/").json()
    user = getattr(world, who)
    assert body["username"] == user.username
    assert body["role"] == user.role
    assert body["is_api_key"] is False


def test_me_for_a_unit_key(world, key_client):
    body = key_client.get(f"{API}/me/").json()
    assert body["is_api_key"] is True
    assert body["unit"] == {"id": world.unit.pk, "name": world.unit.name}
    assert body["court"] is None
