"""Registering, notifying, payments, the daily sweep and conversion (issue 3 §4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcelink.cases.actions import PartyInput
from enforcelink.cases.models import Case
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent, Notification
from enforcelink.documents.models import Document
from enforcelink.documents.queries import Verdict, document_verify, file_content
from enforcelink.urging import actions, queries
from enforcelink.urging.models import Judgment, JudgmentStatus
from tests.documents.conftest import pdf_text
from tests.factories import PERSON_IDS
from tests.urging.conftest import registration


def test_register_keeps_parties_amounts_and_the_traced_deadline(world, judgment):
    assert judgment.status == JudgmentStatus.REGISTERED
    assert judgment.amount_total == Decimal("81500.50")
    assert judgment.due_on >= judgment.effective_on + dt.timedelta(days=10)
    assert judgment.due_trace["due"] == judgment.due_on.isoformat()  # R-TIME-02
    assert [p.role for p in judgment.parties.all()] == ["applicant", "respondent"]
    assert AuditEvent.objects.filter(action="judgment.registered", object_id=str(judgment.pk)).exists()


def test_every_bad_field_is_reported_at_once_and_nothing_is_written(world):
    bad = registration(
        world.court,
        number="（2026）渝0110执1号",
        effective_on=timezone.localdate() + dt.timedelta(days=1),
        principal="12.345",
        parties=[PartyInput(role="respondent", kind="person", name="李四", id_number="110105199003074473")],
    )
    with pytest.raises(DomainError) as caught:
        actions.judgment_register(bad, actor=world.officer)
    fields = {error.field for error in caught.value.errors}
    assert {"number", "effective_on", "principal", "respondents.0.id_number", "applicants"} <= fields
    assert not Judgment.objects.exists()


def test_a_judgment_is_registered_once_per_court(world, judgment):
    with pytest.raises(DomainError) as caught:
        actions.judgment_register(registration(world.court), actor=world.colleague)
    assert caught.value.code == "JUDGMENT_DUPLICATE" and caught.value.field == "number"


@pytest.mark.parametrize("who", ["outsider", "supervisor", "liaison"])
def test_only_the_courts_staff_register(world, who):
    with pytest.raises(NotFound):
        actions.judgment_register(registration(world.court), actor=getattr(world, who))


def test_notify_issues_both_notices_on_the_judgment(world, judgment):
    risk, urging = actions.judgment_notify(judgment, actor=world.officer)
    judgment.refresh_from_db()
    assert judgment.status == JudgmentStatus.NOTIFIED and judgment.notified_on == timezone.localdate()
    assert (risk.kind, urging.kind) == ("risk_notice", "urging_notice")
    assert risk.judgment_id == judgment.pk and risk.case_id is None
    assert "风险" in risk.number and "督促" in urging.number
    text = pdf_text(risk)
    # R-MONEY-01: the amount in figures and in capitals; the deadline and the risks.
    assert "81,500.50元" in text and "捌万壹仟伍佰元伍角" in text
    assert judgment.number in text and "失信被执行人名单" in text and "拒不执行判决、裁定罪" in text
    assert document_verify(risk.verification_code, file_content(risk, "pdf")).verdict == Verdict.GENUINE


def test_notify_on_another_courts_judgment_is_not_found(world, judgment):
    with pytest.raises(NotFound):
        actions.judgment_notify(judgment, actor=world.outsider)
    assert not Document.objects.exists()


def test_payments_in_part_then_in_full_make_it_performed(world, judgment):
    today = timezone.localdate()
    actions.judgment_record_performance(judgment, amount="50000", performed_on=today, actor=world.officer)
    judgment.refresh_from_db()
    assert judgment.status == JudgmentStatus.REGISTERED and judgment.performed_amount == Decimal("50000")
    actions.judgment_record_performance(judgment, amount="31500.50", performed_on=today, actor=world.officer)
    judgment.refresh_from_db()
    assert judgment.status == JudgmentStatus.PERFORMED


@pytest.mark.parametrize(
    ("amount", "code"), [("90000", "AMOUNT_OVER_OWED"), ("0", None), ("-5", None), ("1.234", None)]
)
def test_bad_payments_are_refused_and_change_nothing(world, judgment, amount, code):
    with pytest.raises(DomainError) as caught:
        actions.judgment_record_performance(
            judgment, amount=amount, performed_on=timezone.localdate(), actor=world.officer
        )
    assert caught.value.field == "amount" and (code is None or caught.value.code == code)
    judgment.refresh_from_db()
    assert judgment.performed_amount == 0


def test_sweep_reminds_once_then_marks_unpaid_once(world, judgment):
    before = judgment.due_on - dt.timedelta(days=1)
    assert actions.sweep_deadlines(before) == 1
    assert actions.sweep_deadlines(before) == 0  # a second worker, or a rerun: nothing twice
    assert Notification.objects.filter(kind="urging.due_soon", user=world.officer).count() == 1
    after = judgment.due_on + dt.timedelta(days=1)
    assert actions.sweep_deadlines(after) == 1
    assert actions.sweep_deadlines(after) == 0
    judgment.refresh_from_db()
    assert judgment.status == JudgmentStatus.UNPAID
    assert Notification.objects.filter(kind="urging.unpaid").count() == 1
    assert AuditEvent.objects.filter(action="judgment.unpaid").count() == 1


def test_sweep_leaves_performed_judgments_alone(world, judgment):
    actions.judgment_record_performance(
        judgment, amount="81500.50", performed_on=timezone.localdate(), actor=world.officer
    )
    assert actions.sweep_deadlines(judgment.due_on + dt.timedelta(days=5)) == 0


def test_convert_before_the_deadline_is_refused(world, judgment):
    with pytest.raises(DomainError) as caught:
        actions.judgment_convert(judgment, actor=world.officer)
    assert caught.value.code == "JUDGMENT_NOT_DUE"
    assert not Case.objects.exists()


def test_convert_files_the_case_for_what_is_still_owed(world, overdue_judgment):
    actions.judgment_record_performance(
        overdue_judgment, amount="30000", performed_on=timezone.localdate(), actor=world.officer
    )
    case = actions.judgment_convert(overdue_judgment, actor=world.officer)
    overdue_judgment.refresh_from_db()
    assert overdue_judgment.status == JudgmentStatus.CONVERTED and overdue_judgment.converted_case == case
    assert (
        case.basis_number == overdue_judgment.number
        and case.basis_effective_on == overdue_judgment.effective_on
    )
    assert (case.principal, case.interest) == (Decimal("51500.50"), Decimal("0.00"))  # interest paid first
    assert sorted(p.id_number for p in case.parties.all())[0] in {PERSON_IDS[0], "914403001922038216"}
    assert case.number.startswith(f"（{timezone.localdate().year}）渝0110执")
    with pytest.raises(DomainError):
        actions.judgment_convert(overdue_judgment, actor=world.officer)
    assert Case.objects.count() == 1


def test_withdraw_needs_a_reason_and_ends_supervision(world, judgment):
    with pytest.raises(DomainError) as caught:
        actions.judgment_withdraw(judgment, reason=" ", actor=world.officer)
    assert caught.value.field == "reason"
    actions.judgment_withdraw(judgment, reason="再审撤销原判", actor=world.officer)
    judgment.refresh_from_db()
    assert judgment.status == JudgmentStatus.WITHDRAWN
    with pytest.raises(DomainError):
        actions.judgment_notify(judgment, actor=world.officer)


def test_rates_per_court_and_judge(world, judgment, overdue_judgment):
    other = actions.judgment_register(
        registration(world.court, number="（2026）渝0110民初88号", days_ago=3, judge_name="李法官"),
        actor=world.officer,
    )
    actions.judgment_record_performance(
        other, amount="81500.50", performed_on=timezone.localdate(), actor=world.officer
    )
    actions.sweep_deadlines(timezone.localdate())  # the overdue one becomes unpaid
    rows = {row.judge: row for row in queries.voluntary_rates(world.officer)}
    assert (rows["李法官"].decided, rows["李法官"].performed, rows["李法官"].rate) == (1, 1, 1.0)
    assert (rows["王法官"].registered, rows["王法官"].decided, rows["王法官"].rate) == (2, 1, 0.0)
    [total] = queries.court_totals(list(rows.values()))
    assert (total.registered, total.decided, total.performed) == (3, 2, 1)
    assert queries.voluntary_rates(world.outsider) == []


def test_demo_judgments_cover_every_outcome(world, django_user_model):
    from enforcelink.demo.judgments import load_judgments
    from enforcelink.demo.world import PRIMARY_LOGINS
    from enforcelink.orgs.models import Role

    django_user_model.objects.create_user(PRIMARY_LOGINS[Role.OFFICER], court=world.court, role=Role.OFFICER)
    assert load_judgments(30, seed=1) == 30
    assert load_judgments(30, seed=1) == 0  # the same numbers again: nothing twice
    states = set(Judgment.objects.values_list("status", flat=True))
    assert {JudgmentStatus.PERFORMED, JudgmentStatus.UNPAID} <= states
    assert Document.objects.filter(judgment__isnull=False).exists()


def test_paying_after_the_deadline_is_not_voluntary_performance(world, overdue_judgment):
    actions.sweep_deadlines(timezone.localdate())
    actions.judgment_record_performance(
        overdue_judgment, amount="81500.50", performed_on=timezone.localdate(), actor=world.officer
    )
    overdue_judgment.refresh_from_db()
    assert overdue_judgment.status == JudgmentStatus.PERFORMED_LATE
    [row] = queries.voluntary_rates(world.officer)
    assert (row.decided, row.performed, row.rate) == (1, 0, 0.0)
