"""A case of the court, a bank and a police unit with liaisons, and a request factory."""

from __future__ import annotations

import pytest

from enforcelink.linkage.actions import Ask, request_create
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UnitFactory, UserFactory, file_case


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer, principal="50000.00")


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
