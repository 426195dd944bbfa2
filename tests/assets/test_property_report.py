"""The debtor's property report (报告财产令, CPL Art.252; R-LIST-01 (4)): opened by the order with the
period it prints, entered by staff or through a one-time link, compared with what the inquiries
found, and the grounds for sanctions it gives (late, false, none) decided by an officer."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from enforcelink.assets.actions import inquiry_start
from enforcelink.assets.reports import actions, policy
from enforcelink.assets.reports.models import FindingStatus, PropertyReport, ReportFinding, ReportStatus
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.models import AuditEvent
from enforcelink.documents.case_issue import case_document_issue
from tests.assets.conftest import ACCOUNT, answer

pytestmark = pytest.mark.usefixtures("english")


def order(world, case, **extra):
    return case_document_issue(case, kind="property_report_order", actor=world.officer, extra=extra)


def report_of(case) -> PropertyReport:
    return PropertyReport.objects.get(case=case)


def test_the_order_opens_the_report_due_when_the_order_says_r_list_01(world, case):
    """The period the order prints (default 5 days, first day not counted) is the report's."""
    document = order(world, case)
    report = report_of(case)
    today = timezone.localdate()
    assert report.order == document and report.ordered_on == today
    assert report.due_on == policy.report_due(today, 5).due
    assert report.trace["rule_id"] == "R-LIST-01"
    assert report.status == ReportStatus.AWAITING
    assert AuditEvent.objects.filter(action="property_report.opened", case_id=case.pk).exists()


def test_the_officers_period_is_used(world, case):
    order(world, case, report_days="10")
    assert report_of(case).due_on == policy.report_due(timezone.localdate(), 10).due


def test_other_documents_open_nothing(world, case):
    case_document_issue(case, kind="execution_notice", actor=world.officer)
    assert not PropertyReport.objects.exists()


def _found_account(world, units, case):
    """The bank answers the one-click inquiry with an account: one asset record."""
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    answer(units, report.made[0], {"found": True, "accounts": [ACCOUNT]})


def test_report_matching_what_was_found_gives_no_ground(world, units, case):
    _found_account(world, units, case)
    order(world, case)
    report = actions.report_enter(
        report_of(case), actor=world.officer,
        items=[{"kind": "deposit", "institution": "綦江农商银行古南支行", "identifier": "6228480123456789",
                "value": "12345.67"},
               {"kind": "income", "description": "工资每月3000元"}],
    )  # fmt: skip
    items = list(report.items.order_by("pk"))
    assert items[0].record is not None and items[1].record is None  # income: nobody asked
    assert report.status == ReportStatus.REPORTED and report.channel == "staff"
    assert not ReportFinding.objects.exists()


def test_account_matches_though_the_bank_is_written_otherwise(world, units, case):
    _found_account(world, units, case)
    order(world, case)
    report = actions.report_enter(
        report_of(case), actor=world.officer, items=[{"kind": "deposit", "institution": "农商行", "identifier": "6228 4801 2345 6789"}]
    )  # fmt: skip
    assert report.items.get().record is not None


def test_found_property_left_out_is_a_possible_false_report_r_list_01(world, units, case):
    _found_account(world, units, case)
    order(world, case)
    actions.report_enter(report_of(case), actor=world.officer, declares_nothing=True)
    finding = ReportFinding.objects.get()
    assert finding.kind == "false" and finding.status == FindingStatus.OPEN
    assert list(finding.records.values_list("identifier", flat=True)) == [ACCOUNT["account"]]


def test_late_report_is_a_ground_r_list_01(world, case):
    order(world, case)
    report = report_of(case)
    PropertyReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    report.refresh_from_db()
    actions.report_enter(report, actor=world.officer, items=[{"kind": "vehicle", "identifier": "渝A12345"}])
    assert list(ReportFinding.objects.values_list("kind", flat=True)) == ["late"]


def test_no_report_by_the_deadline_is_a_ground_once_and_a_late_report_replaces_it(world, case):
    order(world, case)
    report = report_of(case)
    today = timezone.localdate()
    PropertyReport.objects.filter(pk=report.pk).update(due_on=today - dt.timedelta(days=1))
    assert actions.sweep_reports(today) == 1
    assert actions.sweep_reports(today) == 0  # once
    none = ReportFinding.objects.get(kind="none")
    assert none.status == FindingStatus.OPEN
    report.refresh_from_db()
    actions.report_enter(report, actor=world.officer, items=[{"kind": "vehicle", "identifier": "渝A12345"}])
    none.refresh_from_db()
    assert none.status == FindingStatus.DISMISSED and none.reason
    assert ReportFinding.objects.get(kind="late").status == FindingStatus.OPEN


def test_officer_confirms_or_dismisses_with_a_reason(world, case):
    order(world, case)
    report = report_of(case)
    PropertyReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    actions.sweep_reports(timezone.localdate())
    finding = ReportFinding.objects.get()
    with pytest.raises(InvalidInput) as caught:
        actions.finding_decide(finding, decision="confirmed", reason=" ", actor=world.officer)
    assert caught.value.field == "reason"
    with pytest.raises(NotFound):
        actions.finding_decide(finding, decision="confirmed", reason="逾期未报告", actor=world.outsider)
    decided = actions.finding_decide(
        finding, decision="confirmed", reason="逾期未报告，无正当理由", actor=world.officer
    )
    assert decided.status == "confirmed" and decided.decided_by == world.officer
    with pytest.raises(RuleViolation) as caught:
        actions.finding_decide(finding, decision="dismissed", reason="x", actor=world.officer)
    assert caught.value.code == "FINDING_DECIDED"


def test_bad_reports_are_refused_naming_the_field_and_write_nothing(world, case):
    order(world, case)
    report = report_of(case)
    cases = [
        ([], False, "items"),
        ([{"kind": "boat", "identifier": "x"}], False, "items.0.kind"),
        ([{"kind": "deposit"}], False, "items.0.identifier"),
        ([{"kind": "deposit", "identifier": "1", "value": "1.234"}], False, "items.0.value"),
        ([{"kind": "deposit", "identifier": "1"}], True, "declares_nothing"),
    ]
    for items, nothing, field in cases:
        with pytest.raises(InvalidInput) as caught:
            actions.report_enter(report, items=items, declares_nothing=nothing, actor=world.officer)
        assert caught.value.field == field
    report.refresh_from_db()
    assert report.status == ReportStatus.AWAITING and not report.items.exists()


def test_a_report_is_received_once_and_only_by_the_courts_staff(world, case):
    order(world, case)
    report = report_of(case)
    with pytest.raises(NotFound):
        actions.report_enter(report, items=[{"kind": "other", "description": "x"}], actor=world.outsider)
    actions.report_enter(report, items=[{"kind": "other", "description": "x"}], actor=world.officer)
    with pytest.raises(RuleViolation) as caught:
        actions.report_enter(report, items=[{"kind": "other", "description": "y"}], actor=world.officer)
    assert caught.value.code == "REPORT_ALREADY_RECEIVED"


# --- the one-time link ---------------------------------------------------------------------------


def test_link_takes_the_report_once(world, case):
    order(world, case)
    link, token = actions.link_create(report_of(case), actor=world.officer)
    assert link.secret_hash and token not in link.secret_hash
    report = actions.report_submit(
        token, items=[{"kind": "real_estate", "identifier": "渝(2020)綦江区不动产权第1号"}]
    )
    assert report.channel == "link" and report.entered_by is None
    with pytest.raises(actions.LinkRefused) as caught:
        actions.report_submit(token, items=[{"kind": "other", "description": "x"}])
    assert caught.value.code == "LINK_USED"
    assert AuditEvent.objects.filter(
        action="property_report.received", actor_label="assets:report-link"
    ).exists()


def test_link_refuses_tampering_expiry_and_replacement(world, case):
    order(world, case)
    report = report_of(case)
    _link, token = actions.link_create(report, actor=world.officer)
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "nonsense", ""):
        with pytest.raises(actions.LinkRefused) as caught:
            actions.link_open(bad)
        assert caught.value.code == "LINK_INVALID"
    _newer, newest = actions.link_create(report, actor=world.officer)
    with pytest.raises(actions.LinkRefused) as caught:
        actions.link_open(token)
    assert caught.value.code == "LINK_REPLACED"
    later = timezone.now() + dt.timedelta(days=actions.LINK_DAYS, seconds=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        pytest.raises(actions.LinkRefused) as caught,
    ):
        actions.link_open(newest)
    assert caught.value.code == "LINK_EXPIRED"
    assert actions.link_open(newest).report == report


# --- a second order supersedes the open report ---------------------------------------------------


def test_a_second_order_supersedes_the_open_report_its_link_and_its_deadline(world, case):
    order(world, case)
    first = report_of(case)
    _link, token = actions.link_create(first, actor=world.officer)
    second_order = order(world, case, report_days="10")
    first.refresh_from_db()
    second = PropertyReport.objects.get(case=case, order=second_order)
    assert first.status == ReportStatus.SUPERSEDED and first.superseded_by == second
    assert second_order.number in first.closed_reason and second.due_on.isoformat() in first.closed_reason
    assert list(PropertyReport.objects.filter(case=case, status=ReportStatus.AWAITING)) == [second]
    event = AuditEvent.objects.get(action="property_report.superseded", object_id=str(first.pk))
    assert event.after["superseded_by"] == second.pk and event.after["links_revoked"] == 1
    # The old link no longer opens and takes nothing.
    with pytest.raises(actions.LinkRefused) as caught:
        actions.link_open(token)
    assert caught.value.code == "LINK_SUPERSEDED"
    with pytest.raises(actions.LinkRefused):
        actions.report_submit(token, items=[{"kind": "other", "description": "x"}])
    for attempt in (
        lambda: actions.report_enter(
            first, actor=world.officer, items=[{"kind": "other", "description": "x"}]
        ),
        lambda: actions.link_create(first, actor=world.officer),
    ):
        with pytest.raises(RuleViolation) as refused:
            attempt()
        assert refused.value.code == "REPORT_SUPERSEDED"
    assert not first.items.exists()
    # Its deadline gives no ground any more; the newer order's deadline does.
    today = timezone.localdate()
    PropertyReport.objects.filter(pk__in=[first.pk, second.pk]).update(due_on=today - dt.timedelta(days=1))
    assert actions.sweep_reports(today) == 1
    assert list(ReportFinding.objects.values_list("report_id", "kind")) == [(second.pk, "none")]
    assert not PropertyReport.objects.get(pk=first.pk).is_late


def test_a_received_report_stays_and_a_ground_already_given_stays_to_decide(world, case):
    order(world, case)
    received = report_of(case)
    actions.report_enter(received, actor=world.officer, items=[{"kind": "vehicle", "identifier": "渝A12345"}])
    order(world, case)
    received.refresh_from_db()
    assert received.status == ReportStatus.REPORTED and received.superseded_by is None
    awaited = PropertyReport.objects.get(case=case, status=ReportStatus.AWAITING)
    today = timezone.localdate()
    PropertyReport.objects.filter(pk=awaited.pk).update(due_on=today - dt.timedelta(days=1))
    assert actions.sweep_reports(today) == 1
    order(world, case)
    awaited.refresh_from_db()
    assert awaited.status == ReportStatus.SUPERSEDED
    # The deadline it missed before the newer order stays a ground for the officer to decide.
    assert ReportFinding.objects.get(report=awaited).status == FindingStatus.OPEN
    assert PropertyReport.objects.filter(case=case, status=ReportStatus.AWAITING).count() == 1
