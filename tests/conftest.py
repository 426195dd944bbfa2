"""The base fixture: an owner, a colleague and an outsider per organisation (STYLE.md)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from enforcelink.core import calendar
from enforcelink.orgs.models import Role
from tests.factories import (
    BodyFactory,
    CourtFactory,
    RegionFactory,
    TeamFactory,
    UnitFactory,
    UserFactory,
    restore_default_node_rules,
)


@pytest.fixture
def world(db):
    """Two courts in two regions, each with a team, officers, a president, a unit and a supervisor."""
    restore_default_node_rules()  # a transactional test before this one may have flushed them
    region = RegionFactory(code="500110", name="綦江区", path="500000/500110/")
    other_region = RegionFactory(code="440300", name="深圳市", path="440000/440300/")
    court = CourtFactory(code="渝0110", name="重庆市綦江区人民法院", region=region)
    other_court = CourtFactory(code="粤0304", name="深圳市福田区人民法院", region=other_region)
    team = TeamFactory(court=court, name="执行一组")
    other_team = TeamFactory(court=other_court, name="执行一组")
    unit = UnitFactory(region=region, name="綦江农商银行")
    other_unit = UnitFactory(region=other_region, name="深圳某银行")
    body = BodyFactory(region=region, name="綦江区人大常委会")
    return SimpleNamespace(
        region=region,
        court=court,
        other_court=other_court,
        team=team,
        unit=unit,
        other_unit=other_unit,
        body=body,
        officer=UserFactory(username="officer", court=court, team=team, role=Role.OFFICER),
        colleague=UserFactory(username="colleague", court=court, team=team, role=Role.OFFICER),
        president=UserFactory(username="president", court=court, role=Role.PRESIDENT),
        command=UserFactory(username="command", court=court, role=Role.COMMAND),
        outsider=UserFactory(username="outsider", court=other_court, team=other_team, role=Role.OFFICER),
        liaison=UserFactory(username="liaison", unit=unit, role=Role.LIAISON),
        other_liaison=UserFactory(username="other_liaison", unit=other_unit, role=Role.LIAISON),
        supervisor=UserFactory(username="supervisor", body=body, role=Role.SUPERVISOR),
    )


@pytest.fixture(autouse=True)
def _empty_holiday_table():
    """Each test starts with an empty holiday table held in memory: no query for it, and nothing kept
    from a rolled-back test; a change through `core.holidays` reloads it from the test database."""
    calendar.use_table(calendar.HolidayTable(), hold=True)
    yield
    calendar.use_table(calendar.HolidayTable(), hold=True)


@pytest.fixture
def english():
    """Messages asserted in English (the UI's default, zh-hans, is checked separately); a module takes
    it with `pytestmark = pytest.mark.usefixtures("english")`."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Argon2 is right for production and needlessly slow for hundreds of test users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (core.ratelimit) live in the process's cache: one test's requests must
    not count against the next one's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def client_for(world) -> Callable[..., APIClient]:
    """`client_for("officer")`: an API client signed in by session as that member of `world`."""

    def make(who: str | None, *, csrf: bool = False) -> APIClient:
        client = APIClient(enforce_csrf_checks=csrf)
        if who is not None:
            client.force_login(getattr(world, who))
        return client

    return make
