"""Filing: validation, 案号 (R-ID-03), duplicates, assignment (R-CASE-06), clocks (R-CASE-01..04)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from enforcelink.cases.actions import PartyInput, reassign
from enforcelink.cases.models import Assignment, Case, Party, ProcessNode
from enforcelink.core.errors import ErrorList, RuleViolation
from enforcelink.core.models import AuditEvent
from tests.factories import PERSON_IDS, USCCS, file_case


def test_case_number_per_court_type_and_year_r_id_03(world):
    first = file_case(world.court, world.officer)
    second = file_case(world.court, world.officer)
    assert first.number == "（2024）渝0110执1号"
    assert second.number == "（2024）渝0110执2号"
    other = file_case(world.other_court, world.outsider)
    assert other.number == "（2024）粤0304执1号"
    preservation = file_case(world.court, world.officer, type_code="执保")
    assert preservation.number == "（2024）渝0110执保1号"


def test_imported_number_kept_and_new_numbers_continue_after_it(world):
    imported = file_case(world.court, world.officer, number="(2024)渝0110执1234号", imported=True)
    assert imported.number == "（2024）渝0110执1234号"
    assert file_case(world.court, world.officer).number == "（2024）渝0110执1235号"


def test_failed_filing_leaves_no_gap_and_nothing_written(world):
    before = (Case.objects.count(), Party.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ErrorList) as caught:
        file_case(
            world.court,
            world.officer,
            principal="-5",
            parties=[
                PartyInput(role="applicant", kind="person", name="张三", id_number="110105194912310021"),
                PartyInput(
                    role="respondent", kind="organisation", name="某公司", id_number="91440300192203821X"
                ),
            ],
        )
    fields = {error.field for error in caught.value.errors}
    assert {"principal", "applicants.0.id_number", "respondents.0.id_number"} <= fields
    assert (Case.objects.count(), Party.objects.count(), AuditEvent.objects.count()) == before
    assert file_case(world.court, world.officer).number == "（2024）渝0110执1号"


def test_future_basis_date_names_the_field(world):
    with pytest.raises(ErrorList) as caught:
        file_case(world.court, world.officer, basis_effective_on=dt.date.today() + dt.timedelta(days=3))
    assert caught.value.errors[0].code == "BASIS_DATE_FUTURE"
    assert caught.value.errors[0].field == "basis_effective_on"


def test_three_decimals_refused(world):
    with pytest.raises(ErrorList) as caught:
        file_case(world.court, world.officer, principal="10.005")
    assert caught.value.errors[0].code == "AMOUNT_PRECISION"


def test_duplicate_filing_detected(world):
    case = file_case(world.court, world.officer, basis_number="（2023）渝0110民初77号")
    with pytest.raises(RuleViolation) as caught:
        file_case(world.court, world.officer, basis_number="（2023）渝0110民初77号")
    assert caught.value.code == "DUPLICATE_FILING"
    assert case.number in str(caught.value.message)
    other_parties = [
        PartyInput(role="applicant", kind="person", name="李四", id_number=PERSON_IDS[1]),
        PartyInput(role="respondent", kind="organisation", name="重庆某公司", id_number=USCCS[1]),
    ]
    assert file_case(world.court, world.officer, basis_number="（2023）渝0110民初77号", parties=other_parties)


def test_small_claim_tag_uses_court_threshold_in_force(world):
    small = file_case(world.court, world.officer, principal="49999.99")
    large = file_case(world.court, world.officer, principal="50000.00")
    assert small.is_small_claim and not large.is_small_claim
    assert small.small_claim_threshold == Decimal("50000.00")


def test_random_balanced_assignment_r_case_06(world):
    cases = [file_case(world.court, world.president) for _ in range(6)]
    per_officer: dict[int, int] = {}
    for case in cases:
        per_officer[case.officer_id] = per_officer.get(case.officer_id, 0) + 1
    assert sorted(per_officer) == sorted([world.officer.pk, world.colleague.pk])
    assert set(per_officer.values()) == {3}
    assignment = Assignment.objects.filter(case=cases[0]).get()
    assert {c["officer_id"] for c in assignment.candidates} == {world.officer.pk, world.colleague.pk}


def test_filing_opens_statutory_clocks_with_trace_r_time_02(world):
    case = file_case(world.court, world.officer, filed_on=dt.date(2024, 9, 27))
    nodes = {node.kind: node for node in ProcessNode.objects.filter(case=case)}
    notice = nodes["execution_notice"]
    # 7 days after 27 Sep is 4 Oct, inside the National Day holiday: moved to 8 Oct (R-TIME-01).
    assert notice.due_on == dt.date(2024, 10, 8)
    assert notice.rule_id == "R-CASE-01"
    assert notice.rule_values["amount"] == 7
    assert notice.trace["start_event"] == "case.filed"
    assert any("not a working day" in step for step in notice.trace["steps"])
    assert nodes["closure"].due_on == dt.date(2025, 3, 27)


def test_every_filing_is_on_the_trail(world):
    case = file_case(world.court, world.officer)
    actions = list(AuditEvent.objects.filter(case_id=case.pk).values_list("action", flat=True))
    assert actions[:2] == ["case.filed", "case.assigned"]
    assert "funds.account_opened" in actions  # its 一案一账号 (R-FUND-01), opened on `case.filed`


def test_reassignment_needs_a_reason_and_a_team_leader_or_president_r_case_06(world):
    case = file_case(world.court, world.president)
    other = world.colleague if case.officer_id == world.officer.pk else world.officer
    with pytest.raises(RuleViolation) as caught:
        reassign(case, officer=other, reason="工作量调整", actor=world.officer)
    assert caught.value.code == "REASSIGN_ROLE"
    with pytest.raises(RuleViolation) as caught:
        reassign(case, officer=other, reason="", actor=world.president)
    assert caught.value.code == "REASON_REQUIRED"
    assignment = reassign(case, officer=other, reason="工作量调整", actor=world.president)
    case.refresh_from_db()
    assert case.officer_id == other.pk and assignment.reason == "工作量调整"
    assert AuditEvent.objects.filter(case_id=case.pk, action="case.reassigned").count() == 1
