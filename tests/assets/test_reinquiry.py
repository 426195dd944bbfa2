"""Re-inquiry after 终本 (R-ASSET-05): every 6 months for 5 years, the result recorded and told to the
applicant in a notice, new property alerting the officer with one-click resumption, stopped when the
case is resumed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from enforcelink.assets.policy import reinquiry_dates
from enforcelink.assets.reports import reinquiry
from enforcelink.assets.reports.models import Reinquiry, ReinquiryStatus
from enforcelink.cases import policy as cases_policy
from enforcelink.cases.actions import case_close
from enforcelink.core.errors import NotFound
from enforcelink.core.models import AuditEvent, Notification
from enforcelink.documents.models import Document
from enforcelink.linkage.models import AssistanceRequest, RequestStatus
from enforcelink.orgs.models import UnitType
from tests.assets.conftest import ACCOUNT, NOTHING, answer

pytestmark = pytest.mark.usefixtures("english")

ZB = {key: True for key in cases_policy.ZB_CHECKLIST}


def close_zb(world, case):
    return case_close(
        case, mode="terminated_this_round", closed_on=timezone.localdate(), details=ZB, actor=world.officer
    )


def test_closure_as_zb_schedules_ten_rounds_r_asset_05(world, case):
    close_zb(world, case)
    rows = list(Reinquiry.objects.filter(case=case))
    assert [row.due_on for row in rows] == reinquiry_dates(timezone.localdate())
    assert len(rows) == 10 and {row.status for row in rows} == {ReinquiryStatus.SCHEDULED}
    assert AuditEvent.objects.filter(action="reinquiry.scheduled", case_id=case.pk).exists()


def test_other_closures_schedule_nothing(world, case):
    case_close(case, mode="terminated", closed_on=timezone.localdate(), details={"ground": "basis_revoked"},
               actor=world.officer)  # fmt: skip
    assert not Reinquiry.objects.exists()


def test_due_round_asks_the_network_of_the_closed_case_and_tells_the_applicant(
    world, units, case, django_capture_on_commit_callbacks
):
    close_zb(world, case)
    first = Reinquiry.objects.get(case=case, round=1)
    assert reinquiry.sweep_reinquiries(first.due_on - dt.timedelta(days=1)) == 0  # not due yet
    assert reinquiry.sweep_reinquiries(first.due_on) == 1
    first.refresh_from_db()
    assert first.status == ReinquiryStatus.SENT and first.inquiry is not None
    inquiry = first.inquiry
    assert (
        inquiry.automatic and inquiry.purpose == reinquiry.PURPOSE and inquiry.legal_basis == reinquiry.BASIS
    )
    sent = list(AssistanceRequest.objects.filter(inquiry_link__inquiry=inquiry).order_by("pk"))
    assert len(sent) == 9 and all(req.status == RequestStatus.SENT for req in sent)
    assert reinquiry.sweep_reinquiries(first.due_on) == 0  # asked once
    # The bank finds a new account, every other unit nothing; the last answer queues the conclusion.
    with django_capture_on_commit_callbacks(execute=True):
        for req in sent:
            answer(
                units,
                req,
                {"found": True, "accounts": [ACCOUNT]} if req.request_type == "inquire_deposits" else NOTHING,
            )
    assert (
        DBTaskResult.objects.filter(
            task_path="enforcelink.assets.reports.reinquiry.reinquiry_conclude_task"
        ).count()
        == 1
    )
    done = reinquiry.reinquiry_conclude(first.pk)
    assert done is not None and done.status == ReinquiryStatus.DONE
    assert [r.identifier for r in done.new_records.all()] == [ACCOUNT["account"]]
    notice = Document.objects.get(kind="reinquiry_notice", case=case)
    assert done.notice == notice
    assert "发现被执行人名下新的财产" in notice.values["found"] and "存款" in notice.values["inquired"]
    alert = Notification.objects.get(kind="reinquiry.new_property")
    assert alert.user_id == case.officer_id and alert.url.endswith("#reinquiry")
    assert reinquiry.reinquiry_conclude(first.pk) is None  # once
    # One click: resumed as a 执恢 case; the remaining rounds stop.
    resumed = reinquiry.resume_from_reinquiry(done, actor=case.officer)
    assert resumed.resumed_from_id == case.pk
    assert set(Reinquiry.objects.filter(case=case).exclude(round=1).values_list("status", flat=True)) == {
        ReinquiryStatus.STOPPED
    }


def test_nothing_found_is_told_too_and_alerts_nobody(world, units, case):
    close_zb(world, case)
    first = Reinquiry.objects.get(case=case, round=1)
    reinquiry.sweep_reinquiries(first.due_on)
    first.refresh_from_db()
    for req in AssistanceRequest.objects.filter(inquiry_link__inquiry=first.inquiry):
        answer(units, req, NOTHING)
    assert reinquiry.sweep_reinquiries(first.due_on) == 1  # the sweep concludes what a lost task left
    first.refresh_from_db()
    assert first.status == ReinquiryStatus.DONE and not first.new_records.exists()
    assert "未发现" in first.notice.values["found"]
    assert not Notification.objects.filter(kind="reinquiry.new_property").exists()


def test_resumed_case_is_not_asked_and_resumption_is_for_the_courts_staff(world, units, case):
    close_zb(world, case)
    first = Reinquiry.objects.get(case=case, round=1)
    with pytest.raises(NotFound):
        reinquiry.resume_from_reinquiry(first, actor=world.outsider)
    reinquiry.resume_from_reinquiry(first, actor=world.officer)
    assert reinquiry.sweep_reinquiries(reinquiry_dates(timezone.localdate())[-1]) == 0
    assert not AssistanceRequest.objects.filter(case=case).exists()


def test_an_open_case_still_refuses_inquiries_from_closed_ones_only_zb(world, units, case):
    """Only 终本 lets a closed case be asked: after 终结执行 the linkage check refuses (CASE_CLOSED)."""
    from enforcelink.assets.actions import _inquire

    case_close(case, mode="terminated", closed_on=timezone.localdate(), details={"ground": "basis_revoked"},
               actor=world.officer)  # fmt: skip
    case.refresh_from_db()
    with pytest.raises(Exception) as caught:
        _inquire(case, sender=world.officer, requested_by=None, automatic=True, kinds=["inquire_deposits"],
                 purpose="p", basis="b", trail_actor=reinquiry.REINQUIRY, after_termination=True)  # fmt: skip
    assert getattr(caught.value, "code", "") == "CASE_CLOSED"


def test_the_alert_on_the_case_page_resumes_in_one_click(client, world, units, case):
    close_zb(world, case)
    first = Reinquiry.objects.get(case=case, round=1)
    reinquiry.sweep_reinquiries(first.due_on)
    first.refresh_from_db()
    for req in AssistanceRequest.objects.filter(inquiry_link__inquiry=first.inquiry):
        answer(
            units,
            req,
            {"found": True, "accounts": [ACCOUNT]} if req.request_type == "inquire_deposits" else NOTHING,
        )
    reinquiry.reinquiry_conclude(first.pk)
    client.force_login(case.officer)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    resume = reverse("reinquiry-resume", args=[case.pk, first.pk])
    assert 'id="reinquiry-alert"' in page and resume in page
    client.force_login(world.outsider)
    assert client.post(resume).status_code == 404
    client.force_login(case.officer)
    response = client.post(resume)
    case.refresh_from_db()
    resumed = case.resumptions.get()
    assert response.status_code == 302 and response.url == reverse("case-detail", args=[resumed.pk])


def test_a_zb_case_takes_property_inquiries_and_nothing_else(world, units, case):
    """R-ASSET-05 / R-ZB-04: linkage lets an inquiry go on a case closed as 终本; a freeze is still
    refused as on any closed case (CASE_CLOSED)."""
    from enforcelink.linkage.actions import Ask, requests_send_each

    close_zb(world, case)
    case.refresh_from_db()
    bank = units.by_type[UnitType.BANK]
    inquiry = Ask(bank, "inquire_deposits", "终本后查询", "终本规定第九条", {})
    freeze = Ask(bank, "freeze", "冻结", "民诉法第二百五十三条", {"account": "1", "amount": "100.00"})
    report = requests_send_each([(case, inquiry), (case, freeze)], actor=case.officer)
    assert [req.request_type for req in report.made] == ["inquire_deposits"]
    assert [(row.request_type, row.code) for row in report.refused] == [("freeze", "CASE_CLOSED")]
