"""A case of the court, a bank and a police unit with liaisons, a request factory, and the bank's
system on the machine API (`bank`, with `stranger` for another unit's)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from enforcelink.cases.actions import PartyInput
from enforcelink.linkage.actions import Ask, request_create, request_send
from enforcelink.orgs.api_auth import api_key_issue
from enforcelink.orgs.models import Role, UnitType
from tests.factories import PERSON_IDS, UnitFactory, UserFactory, file_case


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer, principal="50000.00")


def file_person_case(world, name="李四"):
    """A case against a natural person: what the police's person-only inquiries need (R-EXIT-01)."""
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_number=PERSON_IDS[0]),
        PartyInput(role="respondent", kind="person", name=name, id_number=PERSON_IDS[1]),
    ]
    return file_case(world.court, world.officer, principal="50000.00", parties=parties)


@pytest.fixture
def person_case(world):
    return file_person_case(world)


@pytest.fixture
def police(world):
    return UnitFactory(region=world.region, name="綦江区公安局", unit_type=UnitType.POLICE)


@pytest.fixture
def police_liaison(police):
    return UserFactory(username="police_liaison", unit=police, role=Role.LIAISON)


def ask(unit, request_type="inquire_deposits", **details):
    return Ask(
        unit,
        request_type,
        purpose="查询被执行人存款以便执行",
        legal_basis="民诉法第二百五十三条",
        details=details,
    )


@pytest.fixture
def draft(world, case):
    return request_create(case, ask(world.unit), actor=world.officer)


@pytest.fixture
def sent(world, draft):
    return request_send(draft, actor=world.officer)


def key_client(secret: str) -> APIClient:
    """An API client calling as a unit's system, with its API key."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def bank(world):
    key, secret = api_key_issue(world.unit, name="核心系统", actor="test")
    return type("Bank", (), {"key": key, "client": key_client(secret)})


@pytest.fixture
def stranger(world):
    """Another unit's system."""
    _key, secret = api_key_issue(world.other_unit, name="别家", actor="test")
    return key_client(secret)
