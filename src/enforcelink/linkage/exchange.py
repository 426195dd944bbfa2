"""Replies by spreadsheet, for units without an integration (issue 4 §7): the liaison downloads the
waiting requests of one type as XLSX, fills in the results, and uploads the sheet (XLSX, or CSV in
UTF-8 or GBK as Chinese Excel writes it).

Every row is checked as a reply through the API would be (`policy.clean_result`, the request's state,
that it was sent to this unit); every error names its row and column. By default nothing is applied
when any row is wrong; with `partial` the good rows are. Each row is applied through the same
actions, so the trail and the figures are the same as for any other reply.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.core.errors import DomainError, ErrorList
from enforcelink.core.tabular import (
    ImportReport,
    Row,
    SheetLimits,
    Table,
    TableError,
    cell_text,
    open_table,
    xlsx_append,
)
from enforcelink.linkage import actions, policy, subjects
from enforcelink.linkage.models import WITH_UNIT, AssistanceRequest
from enforcelink.orgs.permissions import Actor

ITEM_GROUPS = 3  # columns accounts.1.… to accounts.3.… for a list field
OUTCOMES = {"completed": "completed", "完成": "completed", "已完成": "completed", "rejected": "rejected",
            "拒绝": "rejected", "returned": "returned", "退回": "returned", "退回补正": "returned"}  # fmt: skip
YES = {"1", "true", "yes", "是", "有", "y"}
NO = {"0", "false", "no", "否", "无", "n"}
# Whom and what (issue 14 §3): the respondents' whole ID numbers, for the unit that must act on them,
# logged once for the sheet (R-ID-05); several respondents are joined by "；" in the same order.
SUBJECT = ("respondent", "respondent_id_type", "respondent_id", "measure", "amount_asked", "account_asked")
FIXED = ("id", "case_number", *SUBJECT, "purpose", "details", "outcome", "reason")
JOIN = "；"


def columns(request_type: str) -> list[str]:
    """The sheet's header: fixed columns, then the type's result fields (lists as numbered groups)."""
    names = list(FIXED)
    for spec in policy.result_fields(request_type):
        if spec.kind != "items":
            names.append(spec.name)
            continue
        for group in range(1, ITEM_GROUPS + 1):
            names += [f"{spec.name}.{group}.{sub.name}" for sub in spec.item]
    return names


def reply_sheet(user: Any, request_type: str) -> bytes:
    """The unit's requests of this type that wait for an answer, one row each."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    header = columns(request_type)
    xlsx_append(sheet, header)
    waiting = list(
        AssistanceRequest.objects.visible_to(user)
        .filter(request_type=request_type, status__in=WITH_UNIT)
        .select_related("case")
        .prefetch_related(subjects.respondents_prefetch())
        .order_by("due_on", "pk")
    )
    full = (
        actions.respondents_reveal_sheet(waiting, actor=user, request_type=request_type) if waiting else set()
    )
    for request in waiting:
        details = "；".join(f"{k}：{v}" for k, v in request.details.items())
        subject = subjects.subject_of(request, full=request.pk in full)
        # the court's texts are written as text cells: a purpose "=HYPERLINK(…)" is not run (issue 12)
        xlsx_append(
            sheet,
            [request.pk, request.case.number, *_subject_cells(subject), request.purpose, details, "", ""],
        )
    for index in range(len(header)):
        sheet.cell(row=1, column=index + 1).number_format = "@"
    notes = book.create_sheet(_("How to fill in"))
    xlsx_append(
        notes,
        [_("outcome: completed (完成), rejected (拒绝) or returned (退回补正); a reason for the last two.")],
    )
    xlsx_append(
        notes, [_("Yes/no fields: 是 or 否. Amounts in yuan with at most two decimals. Dates as 2026-03-01.")]
    )
    xlsx_append(notes, [_("Leave a row's outcome empty to skip it.")])
    xlsx_append(
        notes,
        [
            _(
                "The respondents' whole ID numbers are for your unit's work on these requests; each download is logged."
            )
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _subject_cells(subject: subjects.Subject) -> list[str]:
    people = subject.respondents
    return [
        JOIN.join(person.name for person in people),
        JOIN.join(person.id_type_label for person in people),
        JOIN.join(person.id_number for person in people),
        subject.measure + (f"：{subject.asked}" if subject.asked else ""),
        subject.amount_text,
        subject.account,
    ]


def _flag(text: str) -> bool | str:
    lowered = text.lower()
    return (
        True if lowered in YES else False if lowered in NO else text
    )  # anything else: the policy refuses it


def _payload(row: Row, request_type: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for spec in policy.result_fields(request_type):
        if spec.kind != "items":
            text = cell_text(row.values.get(spec.name))
            if text:
                result[spec.name] = _flag(text) if spec.kind == "bool" else text
            continue
        items = []
        for group in range(1, ITEM_GROUPS + 1):
            item = {
                sub.name: cell_text(row.values.get(f"{spec.name}.{group}.{sub.name}")) for sub in spec.item
            }
            if any(item.values()):
                items.append({k: v for k, v in item.items() if v})
        if items:
            result[spec.name] = items
    return result


def _column(field: str | None) -> str | None:
    """`result.accounts.0.balance` → the sheet column `accounts.1.balance`."""
    parts = (field or "").removeprefix("result.").split(".")
    if len(parts) == 3 and parts[1].isdigit():
        return f"{parts[0]}.{int(parts[1]) + 1}.{parts[2]}"
    return parts[0] or None


@dataclass
class Reply:
    row: int
    request: AssistanceRequest
    outcome: str
    result: dict[str, Any]
    reason: str


def _check(table: Table, row: Row, user: Any, request_type: str) -> Reply | None:
    outcome_text = cell_text(row.values.get("outcome"))
    if not outcome_text:
        return None
    outcome = OUTCOMES.get(outcome_text.lower())
    if outcome is None:
        raise table.error(
            "OUTCOME_INVALID", _("Write completed, rejected or returned."), row=row.number, column="outcome"
        )
    pk = cell_text(row.values.get("id"))
    number = int(pk) if pk.isascii() and pk.isdigit() and len(pk) < 19 else 0
    request = AssistanceRequest.objects.visible_to(user).filter(pk=number).first()
    if request is None or request.request_type != request_type:
        raise table.error("NOT_FOUND", _("No such request for your unit."), row=row.number, column="id")
    reason = cell_text(row.values.get("reason"))
    result: dict[str, Any] = {}
    try:
        if outcome == "completed":
            result = policy.clean_result(request_type, _payload(row, request_type))
            # checked here too, so that a wrong amount or date names its column, not the row's id
            policy.check_result_against(request_type, result, request.details, timezone.localdate())
        elif not reason:
            raise table.error("REASON_REQUIRED", _("Give a reason."), row=row.number, column="reason")
        else:
            reason = actions.clean_reason(reason)  # the text rule and its length, naming the column
        if not request.is_with_unit:
            policy.next_status(request.status, "complete")
    except TableError:
        raise
    except DomainError as error:
        raise table.error(
            error.code, str(error.message), row=row.number, column=_column(error.field)
        ) from None
    return Reply(row.number, request, outcome, result, reason)


def _apply(reply: Reply, actor: Actor) -> None:
    if reply.outcome == "completed":
        actions.request_complete(reply.request, result=reply.result, actor=actor)
    elif reply.outcome == "rejected":
        actions.request_reject(reply.request, reason=reply.reason, actor=actor)
    else:
        actions.request_return(reply.request, reason=reply.reason, actor=actor)


def replies_import(
    path: str | Path, request_type: str, *, actor: Actor, partial: bool = False
) -> ImportReport:
    """Check every row, then apply: all of them in one transaction, or with `partial` the good ones."""
    report = ImportReport()
    table = open_table(path, required=["id", "outcome"], limits=SheetLimits.for_uploads())
    replies: list[Reply] = []
    for row in table:
        try:
            reply = _check(table, row, actor, request_type)
        except TableError as error:
            report.errors.append(error)
            continue
        if reply is not None:
            replies.append(reply)
    if report.errors and not partial:
        report.written = False
        report.imported = len(replies)
        return report
    try:
        with transaction.atomic():
            for reply in replies:
                _apply_one(reply, actor, table, report, partial)
    except _Abort:
        report.written, report.imported = False, 0
    return report


class _Abort(Exception):
    """A row failed while applying in all-or-nothing mode: roll every row back."""


def _apply_one(reply: Reply, actor: Actor, table: Table, report: ImportReport, partial: bool) -> None:
    try:
        with transaction.atomic():
            _apply(reply, actor)
    except DomainError as error:  # changed since it was checked (answered by another liaison meanwhile)
        errors = error.errors if isinstance(error, ErrorList) else [error]
        report.errors += [table.error(e.code, str(e.message), row=reply.row, column="id") for e in errors]
        if not partial:
            raise _Abort from error
        return
    report.imported += 1
