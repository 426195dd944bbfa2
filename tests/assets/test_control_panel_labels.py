"""What the control table says: a deduction waiting for the leader's approval has not gone to the
bank, so its row reads "Awaiting approval" (待审批), not "Sent, awaiting confirmation"; once approved
it is with the bank. The column of the amount a measure asked for says so ("Amount asked")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from enforcelink.assets.control import actions
from enforcelink.linkage.actions import request_approve
from enforcelink.linkage.models import AssistanceRequest, RequestStatus
from enforcelink.orgs.models import Role
from tests.assets.test_expiry import frozen, handled_by
from tests.factories import UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")


def status_cell(page, pk):
    row = re.search(rf'<tr data-measure="{pk}"[^>]*>(.*?)</tr>', page, re.S)
    assert row is not None
    return re.findall(r"<td>(.*?)</td>", row.group(1), re.S)[2]


def test_a_deduction_awaiting_approval_says_so_and_the_amount_column_is_named(client, world):
    case = handled_by(file_case(world.court, world.officer, principal="120000.00"), world.officer)
    freeze = frozen(world, case, amount="1000.00")
    deduction = actions.deduct(freeze, amount="400.00", actor=world.officer).measure
    request = AssistanceRequest.objects.get(pk=deduction.request_id)
    assert request.status == RequestStatus.PENDING_APPROVAL
    client.force_login(world.officer)
    url = reverse("case-detail", args=[case.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert status_cell(page, deduction.pk).startswith("Awaiting approval")
    assert status_cell(page, freeze.pk).startswith("In effect")
    assert ">Amount asked</th>" in page and ">Asked</th>" not in page
    leader = UserFactory(court=world.court, team=world.team, role=Role.TEAM_LEADER)
    request_approve(request, approve=True, actor=leader)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert status_cell(page, deduction.pk).startswith("Sent, awaiting confirmation")
