"""API fixtures: a case in each court, a unit API key, and clients signed in as each member of `world`."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from enforcelink.orgs.api_auth import api_key_issue
from tests.factories import PERSON_IDS, USCCS

API = "/api/v1"


# A valid filing body (R-ID-01 / R-ID-02 numbers from tests.factories).
def filing_body(**overrides: object) -> dict:
    body = {
        "filed_on": "2024-03-01",
        "type_code": "执",
        "basis_type": "judgment",
        "basis_body": "重庆市綦江区人民法院",
        "basis_number": "（2023）渝0110民初4321号",
        "basis_effective_on": "2023-12-01",
        "principal": "120000.00",
        "interest": "3500.50",
        "costs": "0",
        "applicants": [{"kind": "person", "name": "张三", "id_number": PERSON_IDS[0]}],
        "respondents": [{"kind": "organisation", "name": "重庆某建材有限公司", "id_number": USCCS[0]}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def cases(world):
    """One case in the officer's court, one in the outsider's court (filed through the real action)."""
    from tests.factories import file_case

    return SimpleNamespace(
        mine=file_case(world.court, world.officer, basis_number="（2023）渝0110民初1号"),
        theirs=file_case(world.other_court, world.outsider, basis_number="（2023）粤0304民初1号"),
    )


@pytest.fixture
def unit_key(world) -> str:
    """A working API key of the officer's region's bank (a linkage unit, not court staff)."""
    _key, secret = api_key_issue(world.unit, name="bank core system", actor="test")
    return secret


@pytest.fixture
def key_client(unit_key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {unit_key}")
    return client
