"""The expiring lists show what a measure still holds (R-ASSET-02, R-ASSET-03): the officer's list,
the command centre's list and its export give what its unit confirmed less the releases ordered and
the deductions confirmed (`budget.remaining`), not the amount first confirmed; a freeze all deducted
holds nothing and is not listed for renewal."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.budget import case_budget, measures_of
from enforcelink.assets.expiry import queries
from enforcelink.linkage.actions import request_approve, request_complete
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import Role
from tests.assets.test_expiry import frozen, handled_by
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def case(world):
    return handled_by(file_case(world.court, world.officer, principal="120000.00"), world.officer)


def deducted(world, freeze, amount, reference):
    leader = UserFactory(court=world.court, team=world.team, role=Role.TEAM_LEADER)
    measure = actions.deduct(freeze, amount=amount, actor=world.officer).measure
    request = request_approve(
        AssistanceRequest.objects.get(pk=measure.request_id), approve=True, actor=leader
    )
    request_complete(
        request, result={"deducted_amount": amount, "transfer_reference": reference}, actor=world.liaison
    )


@pytest.fixture
def two(world, case):
    """A freeze of 901.21 with 720.97 deducted (180.24 left), and one of 500.00 all deducted."""
    ends = timezone.localdate() + dt.timedelta(days=10)
    part = frozen(world, case, amount="901.21", ends_on=ends, account="62170000000000001")
    whole = frozen(world, case, amount="500.00", ends_on=ends, account="62170000000000002")
    deducted(world, part, "720.97", "HZ1")
    deducted(world, whole, "500.00", "HZ2")
    return part, whole


def test_the_lists_read_what_the_budget_reads_and_leave_out_what_holds_nothing(world, case, two):
    part, whole = two
    today = timezone.localdate()
    budget = case_budget(case, measures_of(case))
    assert budget.held[part.pk] == Decimal("180.24") and whole.pk not in budget.held
    mine = list(queries.mine(world.officer, today))
    assert [(m.pk, m.held) for m in mine] == [(part.pk, Decimal("180.24"))]
    assert [(m.pk, m.held) for m in queries.court(world.command, today)] == [(part.pk, Decimal("180.24"))]


def test_the_pages_and_the_export_show_what_is_still_held(client, world, two):
    part, whole = two
    client.force_login(world.officer)
    page = client.get(reverse("controls-expiring")).content.decode()
    assert f'value="{part.pk}"' in page and f'value="{whole.pk}"' not in page
    assert "180.24" in page and "901.21" not in page and "Still held" in page
    client.force_login(world.command)
    page = client.get(reverse("command-controls-expiring")).content.decode()
    assert "180.24" in page and "901.21" not in page
    body = client.get(reverse("command-controls-expiring") + "?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][6] == "Still held (yuan)"
    assert [row[6] for row in rows[1:]] == ["180.24"]
