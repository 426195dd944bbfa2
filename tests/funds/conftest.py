"""Fixtures of the ledger's tests: a fund clerk of the world's court, and a filed case (its account
opened by the `case.filed` listener)."""

from __future__ import annotations

import pytest

from enforcelink.orgs.models import Role
from tests.factories import UserFactory, file_case


@pytest.fixture
def clerk(world):
    return UserFactory(username="clerk", court=world.court, role=Role.FUND_CLERK)


@pytest.fixture
def other_clerk(world):
    return UserFactory(username="other_clerk", court=world.other_court, role=Role.FUND_CLERK)


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer)
