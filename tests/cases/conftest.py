"""Fixtures for the case lifecycle after filing: a case filed recently, so its clocks still run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enforcelink.cases.models import Case, NodeKind, ProcessNode
from tests.factories import file_case, restore_default_node_rules  # noqa: F401 (re-exported)


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def node_of(case: Case, kind: str) -> ProcessNode:
    return ProcessNode.objects.get(case=case, kind=kind)


@pytest.fixture
def fresh_case(world) -> Case:
    """Filed 10 days ago by the president, so the rotation gives it to one of the two officers."""
    case = file_case(world.court, world.president, filed_on=days_ago(10))
    assert node_of(case, NodeKind.CLOSURE).status == "open"
    return case


@pytest.fixture
def old_case(world) -> Case:
    """Filed 4 months ago: past the 3-month 终本 waiting period (R-ZB-02)."""
    return file_case(world.court, world.president, filed_on=days_ago(125))
