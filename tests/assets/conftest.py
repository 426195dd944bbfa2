"""Asset inquiry fixtures: a unit of every type that answers an R-ASSET-01 inquiry (each with a
liaison, so a request reaches someone), cases against a company and against a person, and helpers
that answer a request as its unit would."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from enforcelink.cases.actions import PartyInput
from enforcelink.linkage.actions import request_complete, request_reject
from enforcelink.orgs.models import Role, UnitType
from tests.factories import PERSON_IDS, USCCS, UnitFactory, UserFactory, file_case

# The unit types that answer R-ASSET-01's kinds besides the world's bank (which takes deposits and
# online funds); no maritime administration, so ships are asked of nobody (NO_UNIT).
ANSWERING = {
    UnitType.POLICE: "綦江区公安局",
    UnitType.REAL_ESTATE: "綦江区不动产登记中心",
    UnitType.VEHICLE: "綦江区车管所",
    UnitType.MARKET: "綦江区市场监督管理局",
    UnitType.TAX: "綦江区税务局",
    UnitType.HOUSING_FUND: "綦江区住房公积金中心",
    UnitType.SOCIAL_SECURITY: "綦江区人力资源和社会保障局",
    UnitType.SECURITIES: "中国证券登记结算重庆分公司",
}


@pytest.fixture
def units(world):
    """Each answering unit by type, with a liaison (`units.liaisons[type]`)."""
    found = {UnitType.BANK: world.unit}
    liaisons = {UnitType.BANK: world.liaison}
    for kind, name in ANSWERING.items():
        found[kind] = UnitFactory(region=world.region, name=name, unit_type=kind)
        liaisons[kind] = UserFactory(unit=found[kind], role=Role.LIAISON)
    return SimpleNamespace(by_type=found, liaisons=liaisons)


@pytest.fixture
def case(world):
    """A money case against a company (the factory's respondent)."""
    return file_case(world.court, world.officer, principal="80000.00")


@pytest.fixture
def person_case(world):
    parties = [
        PartyInput(role="applicant", kind="organisation", name="重庆某银行", id_number=USCCS[1]),
        PartyInput(role="respondent", kind="person", name="李四", id_number=PERSON_IDS[1]),
    ]
    return file_case(world.court, world.officer, principal="50000.00", parties=parties)


def liaison_of(units, request):
    return next(user for kind, user in units.liaisons.items() if units.by_type[kind].pk == request.unit_id)


def answer(units, request, result):
    """The unit's liaison completes the request with `result`."""
    return request_complete(request, result=result, actor=liaison_of(units, request))


def refuse(units, request, reason="查无此人"):
    return request_reject(request, reason=reason, actor=liaison_of(units, request))


NOTHING = {"found": False}
ACCOUNT = {"institution": "綦江农商银行古南支行", "account": "6228 4801 2345 6789", "balance": "12345.67"}
