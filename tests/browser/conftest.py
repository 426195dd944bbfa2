"""Playwright against Debian's chromium (Playwright's own browser download cannot work here)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from enforcelink.orgs.models import Role
from tests.factories import CourtFactory, RegionFactory, TeamFactory, UserFactory, restore_default_node_rules

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the test makes
# between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (make system-deps)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A court clerk's browser: Simplified Chinese, a laptop-sized window.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def officer():
    """The court's only officer, so the random rotation (R-CASE-06) must give the case to them."""
    restore_default_node_rules()  # a transactional test before this one (the live API checks) flushed them
    region = RegionFactory(code="500110", name="綦江区", path="500000/500110/")
    court = CourtFactory(code="渝0110", name="重庆市綦江区人民法院", region=region)
    team = TeamFactory(court=court, name="执行一组")
    return UserFactory(
        username="zhang.officer", full_name="张执行", court=court, team=team, role=Role.OFFICER
    )
