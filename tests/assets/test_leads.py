"""The applicant's asset leads (R-CASE-04) verified from the assets side: one click asks the unit,
the records its answer produces are linked, and the outcome completes the lead's clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from enforcelink.assets.models import Inquiry
from enforcelink.assets.reports import leads
from enforcelink.assets.reports.models import LeadCheck, LeadOutcome
from enforcelink.cases.models import NodeKind, NodeStatus, ProcessNode
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from tests.assets.conftest import answer

pytestmark = pytest.mark.usefixtures("english")

HOUSE = {"found": True, "items": [{"certificate": "渝(2021)綦江区不动产权第0012345号", "description": "古南街道某小区3-2",
                                   "encumbrance": "无"}]}  # fmt: skip


def _node(lead):
    return ProcessNode.objects.get(kind=NodeKind.LEAD_VERIFICATION, lead=lead)


def test_lead_opens_its_clock_7_days_3_if_urgent_r_case_04(world, case):
    lead = leads.lead_add(case, description="被执行人在古南街道有房产", urgent=False, actor=world.officer)
    urgent = leads.lead_add(case, description="被执行人明日转移车辆", urgent=True, actor=world.officer)
    today = timezone.localdate()
    assert _node(lead).due_on >= today + dt.timedelta(days=7)
    assert _node(urgent).due_on < _node(lead).due_on
    assert LeadCheck.objects.filter(lead=lead, outcome=LeadOutcome.PENDING).exists()


def test_one_click_asks_the_unit_and_links_what_it_found_r_case_04(world, units, case):
    lead = leads.lead_add(case, description="被执行人在古南街道有房产", urgent=False, actor=world.officer)
    report = leads.lead_inquire(lead, kind="inquire_real_estate", actor=world.officer)
    assert [req.request_type for req in report.made] == ["inquire_real_estate"]
    inquiry = Inquiry.objects.get()
    assert inquiry.purpose.startswith("核查申请执行人提供的财产线索") and inquiry.legal_basis
    answer(units, report.made[0], HOUSE)
    check = LeadCheck.objects.get(lead=lead)
    assert [r.identifier for r in check.records.all()] == [HOUSE["items"][0]["certificate"]]
    done = leads.lead_conclude(lead, outcome="confirmed", actor=world.officer)
    assert done.outcome == LeadOutcome.CONFIRMED
    node = _node(lead)
    assert node.status == NodeStatus.DONE
    lead.refresh_from_db()
    assert lead.verified_on == timezone.localdate()
    with pytest.raises(RuleViolation) as caught:
        leads.lead_conclude(lead, outcome="not_confirmed", note="x", actor=world.officer)
    assert caught.value.code == "LEAD_ALREADY_VERIFIED"


def test_outcome_needs_its_grounds(world, case):
    lead = leads.lead_add(case, description="线索", urgent=False, actor=world.officer)
    with pytest.raises(InvalidInput) as caught:
        leads.lead_conclude(lead, outcome="confirmed", actor=world.officer)
    assert caught.value.field == "records"
    with pytest.raises(InvalidInput) as caught:
        leads.lead_conclude(lead, outcome="not_confirmed", actor=world.officer)
    assert caught.value.field == "note"
    with pytest.raises(InvalidInput):
        leads.lead_conclude(lead, outcome="maybe", note="x", actor=world.officer)
    assert _node(lead).status == NodeStatus.OPEN  # nothing written
    leads.lead_conclude(lead, outcome="not_confirmed", note="登记中心查无此房", actor=world.officer)
    assert _node(lead).status == NodeStatus.DONE


def test_linking_takes_only_this_cases_records_and_another_court_gets_not_found(world, case):
    lead = leads.lead_add(case, description="线索", urgent=False, actor=world.officer)
    with pytest.raises(InvalidInput):
        leads.lead_link(lead, records=[999999], actor=world.officer)
    with pytest.raises(InvalidInput):
        leads.lead_link(lead, records=["x"], actor=world.officer)
    for act in (
        lambda: leads.lead_link(lead, records=[1], actor=world.outsider),
        lambda: leads.lead_inquire(lead, kind="inquire_vehicles", actor=world.outsider),
        lambda: leads.lead_conclude(lead, outcome="not_confirmed", note="x", actor=world.outsider),
        lambda: leads.lead_add(case, description="x", urgent=False, actor=world.outsider),
    ):
        with pytest.raises(NotFound):
            act()
    with pytest.raises(InvalidInput):
        leads.lead_inquire(lead, kind="freeze", actor=world.officer)
