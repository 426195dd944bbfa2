"""Re-inquiry after 终本 (R-ASSET-05, 终本规定 Art.9): when a case is closed as 终结本次执行程序 the
network is asked again every 6 months for 5 years (`assets.policy.reinquiry_dates`); each result is
recorded and told to the applicant in a 财产查询结果告知书; property first seen by a re-inquiry raises
an alert to the officer, who resumes enforcement (a linked 执恢 case, cases' `case_resume`) in one
click. The schedule stops when the case is resumed, or after the last round.

- `schedule_on_closure` (`case.closed` listener) and `stop_on_resumption` (`case.resumed`).
- `sweep_reinquiries(day)`, the daily sweep: asks the due rounds (each in its own transaction, the
  case locked first, the round claimed by a conditional update), and concludes those whose answers
  are all in, or that waited 30 days by the sweep's day (`waited_enough`).
- `reinquiry_conclude(pk)`: the result, the notice, the alert — run after the last answer commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from enforcelink.assets import normalise, policy
from enforcelink.assets.actions import _inquire
from enforcelink.assets.models import AssetRecord
from enforcelink.assets.queries import shown_identifier
from enforcelink.assets.reports.models import Reinquiry, ReinquiryStatus
from enforcelink.assets.reports.policy import NOT_REPORTABLE
from enforcelink.cases.actions import case_resume
from enforcelink.cases.models import Case, ClosureMode
from enforcelink.core import audit
from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import DomainError
from enforcelink.core.money import format_yuan
from enforcelink.core.notifications import notify
from enforcelink.documents.actions import document_issue
from enforcelink.documents.models import Document, DocumentKind
from enforcelink.documents.placeholders import chinese_date
from enforcelink.linkage.models import FINAL, AssistanceRequest
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can, require

logger = logging.getLogger(__name__)

REINQUIRY = SystemActor("assets:reinquiry")
PURPOSE = "终本后定期查询：查明被执行人有无新的可供执行的财产"  # R-ASSET-05; units and reviewers read it
BASIS = "《最高人民法院关于严格规范终结本次执行程序的规定（试行）》第九条"
WAIT_DAYS = 30  # a round whose units have not all answered after this is concluded with what came


def _trail_case(case_id: int) -> dict[str, Any]:
    return {"object_type": "cases.case", "object_id": str(case_id), "case_id": case_id}


# --- the schedule --------------------------------------------------------------------------------


def schedule_on_closure(
    *, case_id: int, court_id: int, mode: str, closed_on: dt.date, actor: Any, **_payload: Any
) -> list[Reinquiry]:
    """`case.closed` listener: a case closed as 终本 is asked again every 6 months for 5 years."""
    if mode != ClosureMode.TERMINATED_THIS_ROUND:
        return []
    dates = policy.reinquiry_dates(closed_on)
    rows = Reinquiry.objects.bulk_create(
        [Reinquiry(case_id=case_id, round=n, due_on=due) for n, due in enumerate(dates, 1)]
    )
    audit.record(
        "reinquiry.scheduled", None, actor=actor, court_id=court_id, **_trail_case(case_id),
        after={"rounds": len(dates), "first": dates[0], "last": dates[-1]},
    )  # fmt: skip
    return rows


def stop_on_resumption(*, case_id: int, new_case_id: int, court_id: int, actor: Any, **_payload: Any) -> int:
    """`case.resumed` listener: the 终本 case's rounds still scheduled stop (the 执恢 case is asked)."""
    stopped = Reinquiry.objects.filter(case_id=case_id, status=ReinquiryStatus.SCHEDULED).update(
        status=ReinquiryStatus.STOPPED, note=_("Stopped: enforcement resumed.")[:300]
    )
    if stopped:
        audit.record(
            "reinquiry.stopped", None, actor=actor, court_id=court_id, **_trail_case(case_id),
            after={"rounds": stopped, "resumed_as": new_case_id},
        )  # fmt: skip
    return stopped


# --- asking ----------------------------------------------------------------------------------------


def reinquiry_run(pk: int, today: dt.date | None = None) -> Reinquiry | None:
    """Ask one due round, once: the case locked first, the round claimed from "scheduled". The
    requests go in the officer's name, as the inquiry at filing does; the inquiry is the platform's
    (`automatic`), with its purpose and basis recorded (R-ASSET-01)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        row = Reinquiry.objects.filter(pk=pk).values("case_id").first()
        if row is None:
            return None
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("officer")
            .filter(pk=row["case_id"])
            .first()
        )
        won = Reinquiry.objects.filter(pk=pk, status=ReinquiryStatus.SCHEDULED, due_on__lte=today).update(
            status=ReinquiryStatus.SENT, ran_at=timezone.now()
        )
        if not won or case is None:
            return None
        found = Reinquiry.objects.get(pk=pk)
        if not (case.is_closed and case.can_resume()):
            return _end(found, ReinquiryStatus.STOPPED, _("Stopped: the case is no longer closed as 终本."))
        officer = case.officer
        if officer is None or not can(officer, Action.SEND_REQUEST, case):
            return _end(found, ReinquiryStatus.FAILED, _("The case has no officer in whose name to ask."))
        try:
            with transaction.atomic():
                report = _inquire(
                    case, sender=officer, requested_by=None, automatic=True, kinds=list(normalise.INQUIRY_TYPES),
                    purpose=PURPOSE, basis=BASIS, trail_actor=REINQUIRY, after_termination=True,
                )  # fmt: skip
        except DomainError as error:
            return _end(found, ReinquiryStatus.FAILED, str(error.message))
        found.inquiry = report.inquiry
        found.save(update_fields=["inquiry"])
        if not report.made:  # nobody could be asked: the applicant is told so now
            transaction.on_commit(lambda: reinquiry_conclude_task.enqueue(pk))
    return found


def _end(row: Reinquiry, status: str, note: str) -> Reinquiry:
    """A round that could not be asked (`failed`) or need not be (`stopped`), with why."""
    row.status, row.note, row.concluded_at = status, note[:300], timezone.now()
    row.save(update_fields=["status", "note", "concluded_at"])
    action = "reinquiry.failed" if status == ReinquiryStatus.FAILED else "reinquiry.stopped"
    audit.record(
        action, row, actor=REINQUIRY, court_id=row.case.court_id, case_id=row.case_id,
        after={"round": row.round, "note": row.note},
    )  # fmt: skip
    return row


# --- concluding ------------------------------------------------------------------------------------


def conclude_on_answer(*, request_id: int, request_type: str, **_payload: Any) -> bool:
    """`request.completed` / `request.rejected` listener: when a round's last answer is in, conclude
    it after the commit (issuing the notice renders a PDF: not inside the unit's reply)."""
    if request_type not in normalise.INQUIRY_TYPES:
        return False
    row = (
        Reinquiry.objects.filter(status=ReinquiryStatus.SENT, inquiry__sent__request_id=request_id)
        .values_list("pk", "inquiry_id")
        .first()
    )
    if row is None or not _all_answered(row[1]):
        return False
    pk = row[0]
    transaction.on_commit(lambda: reinquiry_conclude_task.enqueue(pk))
    return True


def _all_answered(inquiry_id: int | None) -> bool:
    if inquiry_id is None:
        return False
    statuses = AssistanceRequest.objects.filter(inquiry_link__inquiry_id=inquiry_id).values_list(
        "status", flat=True
    )
    return all(status in FINAL for status in statuses)


@task()
def reinquiry_conclude_task(pk: int) -> bool:
    return reinquiry_conclude(pk) is not None


# Printed words (the notice is Chinese whatever the officer's language), not the UI labels.
PRINTED_KINDS = {
    "deposit": "存款", "online_funds": "网络资金", "real_estate": "不动产", "vehicle": "车辆",
    "securities": "证券", "ship": "船舶", "equity": "股权", "housing_fund": "住房公积金",
    "social_insurance": "社会保险", "tax_refund": "应退税款", "tax_record": "纳税记录", "exit_entry": "出入境证件",
}  # fmt: skip


# What each inquiry asked, in the notice's words.
PRINTED_INQUIRIES = {
    "inquire_deposits": "存款及金融理财产品", "inquire_real_estate": "不动产及土地", "inquire_vehicles": "车辆",
    "inquire_securities": "证券", "inquire_ships": "船舶", "inquire_online_funds": "网络资金",
    "inquire_equity": "股权及工商登记", "inquire_housing_fund": "住房公积金", "inquire_social_insurance": "社会保险及养老金",
    "inquire_tax": "纳税记录及应退税款", "inquire_exit_entry": "出入境证件",
}  # fmt: skip


def _record_line(record: AssetRecord) -> str:
    parts = [PRINTED_KINDS.get(record.kind, record.kind), record.institution, shown_identifier(record),
             record.description]  # fmt: skip
    if record.value is not None:
        parts.append(f"余额或价值{format_yuan(record.value, space='')}")
    return " ".join(part for part in parts if part)


def _notice_extra(row: Reinquiry, new: list[AssetRecord]) -> dict[str, str]:
    """What the notice prints: the day asked, the kinds asked, what was found new."""
    kinds = row.inquiry.kinds if row.inquiry else []
    asked = "、".join(PRINTED_INQUIRIES.get(kind, kind) for kind in kinds)
    if new:
        found = "发现被执行人名下新的财产：" + "；".join(_record_line(record) for record in new) + "。"
    else:
        found = "未发现被执行人名下有新的可供执行的财产。"
    asked_on = timezone.localdate(row.ran_at) if row.ran_at else timezone.localdate()
    return {"inquiry_date": chinese_date(asked_on), "inquired": asked or "—", "found": found}


def reinquiry_conclude(pk: int) -> Reinquiry | None:
    """A round's result: the property first seen since it was asked, recorded on the round; the
    applicant's notice issued (in the officer's name, who answers for the case); the officer alerted
    when there is new property, with a link to resume (R-ASSET-05). Once."""
    with transaction.atomic():
        case_id = Reinquiry.objects.filter(pk=pk).values_list("case_id", flat=True).first()
        if case_id is None:
            return None
        case = Case.objects.select_for_update(of=("self",)).select_related("officer", "court").get(pk=case_id)
        row = (
            Reinquiry.objects.select_for_update(of=("self",)).select_related("inquiry").filter(pk=pk).first()
        )
        if row is None or row.status != ReinquiryStatus.SENT:
            return None
        since = row.ran_at or timezone.now()
        new = list(
            AssetRecord.objects.filter(case_id=case_id, first_seen_at__gte=since)
            .exclude(kind__in=NOT_REPORTABLE)
            .order_by("pk")
        )
        notice = _notice(case, row, new)
        row.status, row.concluded_at, row.notice = ReinquiryStatus.DONE, timezone.now(), notice
        row.save(update_fields=["status", "concluded_at", "notice"])
        row.new_records.set(new)
        audit.record(
            "reinquiry.concluded", row, actor=REINQUIRY, court_id=case.court_id, case_id=case_id,
            after={"round": row.round, "new": [record.pk for record in new],
                   "notice": notice.number if notice else ""},
        )  # fmt: skip
        if new and case.officer_id:
            notify(
                [case.officer_id], kind="reinquiry.new_property", case_id=case_id,
                message=_("%(number)s (终本): the re-inquiry found %(count)d new assets. Resume enforcement?")
                % {"number": case.number, "count": len(new)},
                url=reverse("case-detail", args=[case_id]) + "#reinquiry",
            )  # fmt: skip
    return row


def _notice(case: Case, row: Reinquiry, new: list[AssetRecord]) -> Document | None:
    officer = case.officer
    if officer is None or not can(officer, Action.ISSUE_DOCUMENTS, case):
        return None
    try:
        with transaction.atomic():
            return document_issue(
                case, kind=DocumentKind.REINQUIRY_NOTICE, actor=officer, extra=_notice_extra(row, new)
            )
    except DomainError as error:  # a template the court broke, say: the result is kept, the officer sees it
        logger.warning("re-inquiry notice of case %s not issued: %s", case.pk, error.code)
        row.note = str(error.message)[:300]
        return None


# --- the daily sweep -----------------------------------------------------------------------------


def sweep_reinquiries(today: dt.date) -> int:
    """Daily: ask the due rounds of cases still 终本, then conclude the rounds whose answers are all
    in (a lost task) or that waited WAIT_DAYS. Returns how many rounds were asked or concluded."""
    done = 0
    due = Reinquiry.objects.filter(status=ReinquiryStatus.SCHEDULED, due_on__lte=today)
    for pk in list(due.order_by("due_on", "pk").values_list("pk", flat=True)[:5000]):
        if reinquiry_run(pk, today) is not None:
            done += 1
    sent = Reinquiry.objects.filter(status=ReinquiryStatus.SENT)
    for pk, inquiry_id, due_on, ran_at in list(
        sent.values_list("pk", "inquiry_id", "due_on", "ran_at")[:5000]
    ):
        asked_on = timezone.localdate(ran_at) if ran_at else None
        ready = waited_enough(due_on, asked_on, today) or _all_answered(inquiry_id)
        if ready and reinquiry_conclude(pk) is not None:
            done += 1
    return done


def waited_enough(
    due_on: dt.date, asked_on: dt.date | None, today: dt.date, wait_days: int = WAIT_DAYS
) -> bool:
    """Has a round waited `wait_days` by the sweep's day `today`, so that it is concluded with the
    answers that came (R-ASSET-05)? Counted on the sweep's calendar, not the machine's clock
    (`enforcelink sweep --date`): the round counts as asked on its due day, or on the later day it
    really went out (`asked_on`, a sweep that ran late) when that day is not after the sweep's."""
    asked = max(due_on, asked_on) if asked_on is not None and asked_on <= today else due_on
    return (today - asked).days >= wait_days


# --- one-click resumption ----------------------------------------------------------------------------


def resume_from_reinquiry(row: Reinquiry, *, actor: User) -> Case:
    """Resume enforcement (a linked 执恢 case, `case_resume`) because a re-inquiry found property."""
    require(actor, Action.RESUME, row.case, field="case")
    count = row.new_records.count()
    reason = _("The re-inquiry after 终本 of %(day)s found %(count)d new assets.") % {  # R-ASSET-05
        "day": timezone.localdate(row.ran_at) if row.ran_at else row.due_on, "count": count,
    }  # fmt: skip
    return case_resume(row.case, reason=reason, actor=actor)


__all__ = [
    "BASIS",
    "PURPOSE",
    "conclude_on_answer",
    "reinquiry_conclude",
    "reinquiry_run",
    "resume_from_reinquiry",
    "schedule_on_closure",
    "stop_on_resumption",
    "sweep_reinquiries",
    "waited_enough",
]
