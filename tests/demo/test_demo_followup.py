"""Issue 15 in `make demo` beyond the first inquiry: every kind the one-click inquiry asks is answered
by a simulated unit, so its clock completes (R-ASSET-01, R-CASE-02); 终本 cases carry re-inquiry
schedules, one round concluded with new property and the alert that resumes (R-ASSET-05); measures
end within the reminder window and a seizure waits behind another court's (R-ASSET-02, R-ASSET-04);
payouts wait for approval, one above the president's threshold (R-FUND-02)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from enforcelink.assets import normalise
from enforcelink.assets.control.models import IN_EFFECT, ControlMeasure, MeasureKind
from enforcelink.assets.expiry import queries as expiring
from enforcelink.assets.models import InquiryRequest
from enforcelink.assets.reports.models import Reinquiry, ReinquiryStatus
from enforcelink.assets.reports.reinquiry import resume_from_reinquiry
from enforcelink.cases.models import Case, CaseType, ClosureMode
from enforcelink.core.errors import RuleViolation
from enforcelink.core.models import Notification
from enforcelink.demo import loader
from enforcelink.demo.followup import load_followup
from enforcelink.demo.linkage import INBOX, human_units, load_requests
from enforcelink.demo.story import ENDING, load_story
from enforcelink.demo.world import PAYOUT_PRESIDENT_ABOVE, PRIMARY_LOGINS, build_world
from enforcelink.funds import paying
from enforcelink.funds.payouts import Payout, PayoutStatus
from enforcelink.linkage import queries
from enforcelink.linkage.management.commands.simulate import DEFAULT_TYPES, simulated_units
from enforcelink.linkage.models import FINAL, AssistanceRequest
from enforcelink.orgs.models import Court, Role, User


def login(role: str) -> User:
    return User.objects.get(username=PRIMARY_LOGINS[role])


def test_exit_entry_goes_to_a_simulated_unit_and_the_printed_liaison_keeps_an_inbox(db):
    """R-ASSET-01 / R-CASE-02: every kind the one-click inquiry asks is on the list of a unit that
    `simulate agencies` answers by default; the printed liaison's unit (people's) is asked none of
    them, and its list still holds every kind of its inbox."""
    with transaction.atomic():
        build_world(1)
    officer = login(Role.OFFICER)
    police = login(Role.LIAISON).unit
    simulated, left = simulated_units(DEFAULT_TYPES.split(","))
    assert [unit.pk for unit in left] == [police.pk] == sorted(human_units())
    directory = list(queries.directory_units(officer))
    lists = queries.responsibility_lists(directory)
    for kind in normalise.INQUIRY_TYPES:
        asked = [unit for unit in directory if kind in lists[unit.pk]]
        assert asked and all(unit in simulated for unit in asked), kind
    exit_entry = next(unit for unit in asked if "出入境" in unit.name)
    assert exit_entry.unit_type == police.unit_type == "police"
    assert {"inquire_exit_entry", "exit_restriction"} <= set(lists[exit_entry.pk])
    assert "locate_person" not in lists[exit_entry.pk]
    assert "inquire_exit_entry" not in lists[police.pk]
    assert {kind for kind, _days, _acknowledged in INBOX} <= set(lists[police.pk])
    # R-FUND-02: above this amount the president approves a payout, in every demo court
    assert set(Court.objects.values_list("payout_president_above", flat=True)) == {PAYOUT_PRESIDENT_ABOVE}


@pytest.fixture
def followed(db):
    """As `make demo` loads it: cases up to today (what the re-inquiries' schedules count from)."""
    loader.load(cases=800, seed=3, as_of=timezone.localdate(), parallel=False)
    story = load_story(seed=3)
    load_requests(6, seed=3, skip_cases=story.cases)
    return story, load_followup(seed=3)


def test_every_one_click_inquiry_of_the_demo_is_answered_r_case_02(followed):
    """No request of an asset inquiry waits on people: each clock can complete from the answers."""
    sent = AssistanceRequest.objects.filter(inquiry_link__isnull=False)
    assert sent.count() == InquiryRequest.objects.count() > 0
    assert set(sent.values_list("status", flat=True)) <= set(FINAL)
    kinds = set(sent.filter(status="completed").values_list("request_type", flat=True))
    assert {"inquire_tax", "inquire_securities", "inquire_ships", "inquire_exit_entry"} <= kinds
    assert not sent.filter(unit_id__in=human_units()).exists()


def test_terminated_cases_have_re_inquiries_one_found_property_and_resumes_r_asset_05(followed):
    _story, done = followed
    officer = login(Role.OFFICER)
    assert len(done.terminated) >= 3
    schedules = Reinquiry.objects.filter(case__in=done.terminated)
    assert schedules.count() == 10 * len(done.terminated)  # every 6 months for 5 years
    assert {case.closure_mode for case in Case.objects.filter(pk__in=done.terminated)} == {
        ClosureMode.TERMINATED_THIS_ROUND
    }
    concluded = schedules.filter(status=ReinquiryStatus.DONE)
    assert concluded.count() == len(done.concluded) >= 1
    assert all(row.notice_id and row.due_on <= timezone.localdate() for row in concluded)
    assert schedules.filter(status=ReinquiryStatus.SCHEDULED, due_on__gt=timezone.localdate()).exists()
    found = Reinquiry.objects.get(pk=done.new_property[0])
    assert found.new_records.exists() and found.case.court_id == officer.court_id
    alert = Notification.objects.get(
        user=found.case.officer, kind="reinquiry.new_property", case_id=found.case_id
    )
    assert alert.url.endswith("#reinquiry")
    resumed = resume_from_reinquiry(found, actor=found.case.officer)  # the alert's one click
    assert resumed.type_code == CaseType.RESUMED and resumed.resumed_from_id == found.case_id
    assert not Reinquiry.objects.filter(case=found.case, status=ReinquiryStatus.SCHEDULED).exists()


def test_measures_end_within_the_reminder_window_and_one_waits_r_asset_02_r_asset_04(followed):
    story, done = followed
    today = timezone.localdate()
    officer = login(Role.OFFICER)
    mine = list(expiring.mine(officer, today))
    assert mine and {m.case_id for m in mine} <= set(story.cases)
    assert {(m.term_end - today).days for m in mine} <= set(ENDING)
    court = list(expiring.court(login(Role.COMMAND), today))
    assert {m.pk for m in mine} | set(done.expiring) <= {m.pk for m in court}
    assert len(court) >= 3 and all(m.kind == MeasureKind.FREEZE and m.status in IN_EFFECT for m in court)
    [waiting] = ControlMeasure.objects.filter(pk__in=done.waiting)
    assert waiting.kind == MeasureKind.SEIZE and waiting.waiting_position == 1 and waiting.term_end is None
    assert waiting.record is not None and waiting.record.other_measures  # another court's seizure first


def test_a_payout_above_the_threshold_waits_for_the_president_r_fund_02(followed):
    _story, done = followed
    payouts = Payout.objects.filter(pk__in=done.payouts)
    assert set(payouts.values_list("status", flat=True)) == {PayoutStatus.PROPOSED}
    above = payouts.filter(amount__gt=PAYOUT_PRESIDENT_ABOVE).first()
    below = payouts.filter(amount__lte=PAYOUT_PRESIDENT_ABOVE).first()
    assert above is not None and below is not None
    leader = User.objects.filter(role=Role.TEAM_LEADER, court_id=above.court_id).order_by("pk").first()
    with pytest.raises(RuleViolation) as refused:
        paying.payout_approve(above, actor=leader)
    assert refused.value.code == "PAYOUT_NEEDS_PRESIDENT"
    approved = paying.payout_approve(above, actor=login(Role.PRESIDENT))
    assert approved.status == PayoutStatus.APPROVED and approved.amount > Decimal("500000.00")
