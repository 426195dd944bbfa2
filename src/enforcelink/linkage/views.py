"""Linkage pages: a case's requests and the send form (court), the liaison's inbox, and one request
page both sides share (details, notice, result, thread, the actions each side may take).

Requests are read through `AssistanceRequest.objects.visible_to(user)`: another unit's or another
court's request answers 404 exactly like a missing one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from enforcelink.cases.forms import RevealForm
from enforcelink.cases.models import Case
from enforcelink.cases.queries import normalise_case_number, visible_case
from enforcelink.core.calendar import compute_deadline
from enforcelink.core.errors import DomainError
from enforcelink.core.forms import show_form_errors
from enforcelink.core.pages import filter_query, request_page
from enforcelink.core.tabular import csv_row, xlsx_append
from enforcelink.core.text import pinyin_key
from enforcelink.documents.actions import document_file
from enforcelink.documents.models import Document, DocumentFile, FileFormat
from enforcelink.documents.views import CONTENT_TYPES
from enforcelink.linkage import actions, exchange, policy, queries, subjects
from enforcelink.linkage.attachments import download_response
from enforcelink.linkage.forms import (
    BATCH_MAX_CASES,
    ApprovalForm,
    BatchForm,
    InboxFilterForm,
    MessageForm,
    ReasonForm,
    ReplyReasonForm,
    ReplyUploadForm,
    ResultForm,
    SendForm,
)
from enforcelink.linkage.models import (
    WITH_UNIT,
    AssistanceRequest,
    RequestAttachment,
    RequestEvent,
    RequestStatus,
    RequestType,
)
from enforcelink.orgs.models import LinkageUnit, User
from enforcelink.orgs.permissions import Action, actor_of, can, is_own_request
from enforcelink.orgs.scoping import get_visible_or_404, unit_directory_scope

PAGE_SIZE = 30


def _sent_message(made: list[AssistanceRequest]) -> str:
    """What a batch did: how many went out, and how many wait for an approver (a deduction)."""
    sent = sum(1 for r in made if r.status == RequestStatus.SENT)
    waiting = sum(1 for r in made if r.status == RequestStatus.PENDING_APPROVAL)
    parts = []
    if sent or not waiting:
        parts.append(ngettext("%(count)d request sent.", "%(count)d requests sent.", sent) % {"count": sent})
    if waiting:
        parts.append(
            ngettext("%(count)d request awaits approval.", "%(count)d requests await approval.", waiting)
            % {"count": waiting}
        )
    return " ".join(parts)


def _done(name: str, req: AssistanceRequest, user: User) -> str:
    """What a step on the request page did, naming the request (its type and case) and who now has it,
    so that the message read after the redirect says which request of which case changed."""
    names = {
        "type": req.get_request_type_display(),
        "case": req.case.number,
        "unit": req.unit.name,
        "court": req.case.court.name,
    }
    if name == "message":
        # The thread has two sides; the message goes to the other one.
        to = names["court"] if can(user, Action.REPLY, req) else names["unit"]
        return _("Message sent to %(to)s.") % {"to": to}
    done = {
        "acknowledge": _("Acknowledged the “%(type)s” request of case %(case)s."),
        "start": _("Work started on the “%(type)s” request of case %(case)s."),
        "complete": _("Result of the “%(type)s” request of case %(case)s sent to %(court)s."),
        "reject": _("Refused to assist with the “%(type)s” request of case %(case)s; %(court)s is told why."),
        "return": _("The “%(type)s” request of case %(case)s went back to %(court)s for correction."),
        "cancel": _("The “%(type)s” request of case %(case)s to %(unit)s was cancelled."),
        "resend": _("The “%(type)s” request of case %(case)s was sent to %(unit)s again."),
    }
    return done[name] % names


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _with_subjects(page: Any) -> Any:
    """Each row of a list with whom and what it is about (`req.subject`), the respondents' numbers
    masked: a list logs no reveal, the request's page does (R-ID-05)."""
    page.object_list = list(page.object_list)
    for req in page.object_list:
        req.subject = subjects.subject_of(req, full=False)
    return page


def _send_form(request: HttpRequest, user: User, *, bound: bool) -> tuple[SendForm, list[queries.UnitGroup]]:
    """The send form with the units that handle the kinds chosen (posted, or in the query string
    when htmx asks for the units again): three queries, whatever the number of units."""
    source = request.POST if request.method == "POST" else request.GET
    kinds = source.getlist("request_type")
    directory = list(queries.directory_units(user))
    groups = queries.offered_units(user, kinds, directory)
    labels = dict(RequestType.choices)
    for group in groups:
        for unit in group.units:
            unit.handles_labels = "、".join(str(labels[kind]) for kind in unit.handles)  # type: ignore[attr-defined]
    by_pk = {unit.pk: unit for unit in directory}
    if bound:
        return SendForm(request.POST, groups=groups, directory=by_pk), groups
    initial: dict[str, Any] = {
        name: source.get(name)
        for name in ("purpose", "legal_basis", "measure", "amount", "account")
        if source.get(name) is not None
    }
    initial.update({"request_type": kinds, "units": source.getlist("units")})
    return SendForm(initial=initial, groups=groups, directory=by_pk), groups


def _units_context(form: SendForm, groups: list[queries.UnitGroup]) -> dict[str, Any]:
    chosen = form["units"].value() or []
    kinds = form["request_type"].value() or []
    return {"form": form, "groups": groups, "chosen": {str(pk) for pk in chosen}, "kinds": list(kinds)}


def _send_pairs(case: Case, form: SendForm) -> list[tuple[Case, actions.Ask]]:
    """Each unit chosen, asked for each chosen kind it handles; a unit that handles none of them (its
    box was ticked before the kinds changed) is asked for all, and the report says it does not."""
    data = form.cleaned_data
    pairs = []
    for unit in data["units"]:
        for kind in getattr(unit, "handles", None) or data["request_type"]:
            pairs.append(
                (case, actions.Ask(unit, kind, data["purpose"], data["legal_basis"], form.details()))
            )
    return pairs


REFUSED_KEY = "linkage.refused"
REFUSED_KEPT = 10  # batches whose refusals the session keeps for their result page


def _to_result(request: HttpRequest, report: actions.SendReport, *, case: Case | None = None) -> HttpResponse:
    """After a send that made requests: say so and go to the batch's result page, keeping for it the
    refused pairs (they are written nowhere else) and the case whose form sent the batch (None from
    the many-cases page): the result answers where one came from."""
    kept = dict(request.session.get(REFUSED_KEY, {}))
    kept[str(report.batch)] = {
        "refused": [refusal.as_dict() for refusal in report.refused],
        "case": case.pk if case is not None else None,
    }
    request.session[REFUSED_KEY] = dict(list(kept.items())[-REFUSED_KEPT:])
    messages.success(request, _sent_message(report.made))
    return redirect("request-batch", batch=report.batch)


def _refused_rows(refused: list[dict[str, Any]]) -> list[dict[str, Any]]:
    labels = dict(RequestType.choices)
    return [{**row, "request_label": labels.get(row["request_type"], row["request_type"])} for row in refused]


@login_required
def case_requests(request: HttpRequest, pk: int) -> HttpResponse:
    """协助执行: every request of the case with its state and result, and the send form (issue 14 §6):
    what can go is sent, and the page says of each unit and kind that could not why not."""
    user = _user(request)
    case = visible_case(user, pk)
    writer = can(user, Action.SEND_REQUEST, case) and not case.is_closed
    if request.method == "POST" and not writer:
        raise Http404
    refresh = request.method == "POST" and "refresh" in request.POST  # without JS: show the units
    form, groups = (
        _send_form(request, user, bound=request.method == "POST" and not refresh) if writer else (None, [])
    )
    refused: list[dict[str, Any]] = []
    if form is not None and form.is_bound and form.is_valid():
        try:
            report = actions.requests_send_each(_send_pairs(case, form), actor=user)
        except DomainError as error:
            if error.status == 404:
                raise Http404 from error
            show_form_errors(error, form)
        else:
            if report.made:
                return _to_result(request, report, case=case)
            refused = [refusal.as_dict() for refusal in report.refused]
    rows = queries.visible_requests(user).filter(case=case).order_by("-created_at", "-pk")
    context = {"case": case, "rows": rows, "today": timezone.localdate(), "refused": _refused_rows(refused),
               **(_units_context(form, groups) if form is not None else {"form": None})}  # fmt: skip
    failed = form is not None and form.is_bound and (bool(form.errors) or bool(refused))
    return render(request, "linkage/case_requests.html", context, status=400 if failed else 200)


@login_required
def case_request_units(request: HttpRequest, pk: int) -> HttpResponse:
    """The send form's units for the kinds in the query string (htmx swaps them in when the kinds
    change; without JS the page's "show the units" button does the same)."""
    user = _user(request)
    case = visible_case(user, pk)
    if not can(user, Action.SEND_REQUEST, case) or case.is_closed:
        raise Http404
    form, groups = _send_form(request, user, bound=False)
    return render(request, "linkage/_send_units.html", {"case": case, **_units_context(form, groups)})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The liaison's inbox: what the courts sent to this unit, the earliest deadline first."""
    user = _user(request)
    if not can(user, Action.USE_INBOX):
        raise PermissionDenied(_("The inbox is for linkage-unit staff."))
    form = InboxFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    values = form.cleaned_data if form.is_bound and valid else {}
    rows = (
        queries.visible_requests(user)
        .select_related("case__court")
        .prefetch_related(subjects.respondents_prefetch())
    )
    rows = rows.filter(status=values["status"]) if values.get("status") else rows.filter(status__in=WITH_UNIT)
    rows = _due_filter(rows, values, timezone.localdate())
    page = _with_subjects(request_page(request, rows.order_by("due_on", "pk"), PAGE_SIZE))
    context = {"form": form, "page": page, "today": timezone.localdate(), "query": filter_query(request)}
    return render(request, "linkage/inbox.html", context, status=200 if valid else 400)


def _due_filter(rows: Any, values: dict[str, Any], today: dt.date) -> Any:
    """The inbox's deadline filters: overdue, a range of due dates, or due within N working days
    from today (counted as the SLA is, R-TIME-01: today not counted, holidays skipped)."""
    if values.get("overdue"):
        rows = rows.filter(status__in=WITH_UNIT, due_on__lt=today)
    if values.get("due_after"):
        rows = rows.filter(due_on__gte=values["due_after"])
    if values.get("due_before"):
        rows = rows.filter(due_on__lte=values["due_before"])
    if values.get("due_within") is not None:
        limit = compute_deadline(
            today, values["due_within"], "working_days", rule_id="R-TIME-01", start_event="today"
        ).due
        rows = rows.filter(due_on__gte=today, due_on__lte=limit)
    return rows


def _visible(user: User, pk: int) -> AssistanceRequest:
    return get_visible_or_404(
        AssistanceRequest.objects.select_related("case__court", "unit", "notice", "ruling"), user, pk=pk
    )


def _render(
    request: HttpRequest, req: AssistanceRequest, bound: dict[str, Any] | None = None
) -> HttpResponse:
    user = _user(request)
    bound = bound or {}
    on_unit = can(user, Action.REPLY, req)
    on_court = can(user, Action.SEND_REQUEST, req)
    approver = on_court and req.status == RequestStatus.PENDING_APPROVAL and _approver(user)
    # The files' names and hashes, never their bytes (a download reads those).
    without_bytes = Prefetch("attachments", queryset=RequestAttachment.objects.defer("content"))
    files = list(req.attachments.defer("content").filter(message__isnull=True))  # the reply's
    events = list(req.events.select_related("actor", "api_key"))
    # Whom and what: the unit that must act sees the respondents' whole numbers, logged (R-ID-05).
    full = actions.respondents_reveal(req, actor=user, via="page")
    context = {
        "req": req,
        "subject": subjects.subject_of(req, full=full),
        # Court staff reveal a number as on the case page: with a purpose, logged (cases.reveal_id).
        "court_reveal": can(user, Action.REVEAL_ID, req.case),
        "reveal_form": RevealForm(initial={"purpose": "linkage"}),
        "events": events,
        "thread": list(req.messages.select_related("author").prefetch_related(without_bytes)),
        "on_unit": on_unit,
        "on_court": on_court,
        "result_form": bound.get("complete") or ResultForm(req.request_type),
        "reason_form": bound.get("reason") or (ReplyReasonForm() if on_unit else ReasonForm()),
        "message_form": bound.get("message") or MessageForm(),
        "reply_files": files,
        "today": timezone.localdate(),
        "approver": approver,
        # As `request_approve` judges it: neither the author nor who put it before an approver.
        "own_request": approver and is_own_request(user, req),
        "approval_form": bound.get("approval") or ApprovalForm(),
    }
    return render(request, "linkage/request_detail.html", context, status=400 if bound else 200)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _visible(_user(request), pk))


def _run(name: str, req: AssistanceRequest, user: User, request: HttpRequest) -> tuple[str, Any] | None:
    """Carry out one action; returns (form key, bound form) when the form itself is invalid."""
    if name in ("acknowledge", "start"):
        getattr(actions, f"request_{name}")(req, actor=user)
    elif name == "complete":
        form: Any = ResultForm(req.request_type, request.POST, request.FILES)
        if not form.is_valid():
            return "complete", form
        try:
            actions.request_complete(
                req, result=form.payload(), actor=user, attachments=form.cleaned_data["attachments"]
            )
        except DomainError as error:
            form.show(error)
            return "complete", form
    elif name in ("reject", "return"):
        form = ReplyReasonForm(request.POST, request.FILES)
        if not form.is_valid():
            return "reason", form
        act = getattr(actions, f"request_{name}")
        return _on_form(form, "reason", lambda: act(req, reason=form.cleaned_data["reason"], actor=user,
                                                     attachments=form.cleaned_data["attachments"]))  # fmt: skip
    elif name == "cancel":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return "reason", form
        actions.request_cancel(req, reason=form.cleaned_data["reason"], actor=user)
    elif name == "resend":
        actions.request_resend(req, actor=user)
    elif name == "message":
        form = MessageForm(request.POST, request.FILES)
        if not form.is_valid():
            return "message", form
        return _on_form(form, "message", lambda: actions.message_post(
            req, body=form.cleaned_data["body"], actor=user, attachments=form.cleaned_data["attachments"]))  # fmt: skip
    else:
        raise Http404
    return None


def _on_form(form: Any, key: str, run: Callable[[], Any]) -> tuple[str, Any] | None:
    """Run the action; a refusal naming one of the form's fields (a bad attachment, an empty
    message) is shown beside it, anything else as the page's message."""
    try:
        run()
    except DomainError as error:
        if error.status == 404 or error.field not in form.fields:
            raise
        show_form_errors(error, form)
        return key, form
    return None


@login_required
@require_POST
def request_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = _user(request)
    req = _visible(user, pk)
    try:
        invalid = _run(name, req, user, request)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, str(error.message))
        return redirect("request-detail", pk=req.pk)
    if invalid is not None:
        return _render(request, req, {invalid[0]: invalid[1]})
    messages.success(request, _done(name, req, user))
    return redirect("request-detail", pk=req.pk)


@login_required
def notice_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The request's 协助执行通知书, for the court and for the unit it was sent to."""
    return _document_download(request, _visible(_user(request), pk).notice, fmt)


@login_required
def ruling_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The 执行裁定书 the request's notice executes, for the same people as the notice: the case's
    court and the unit it was sent to (the ruling is the case's; access goes by the request)."""
    return _document_download(request, _visible(_user(request), pk).ruling, fmt)


def _document_download(request: HttpRequest, document: Document | None, fmt: str) -> HttpResponse:
    """A request's document in one format, rendered on its first download."""
    if document is None or fmt not in CONTENT_TYPES:
        raise Http404
    try:
        content = document_file(document, fmt, actor=actor_of(request))
    except DocumentFile.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(content, content_type=CONTENT_TYPES[FileFormat(fmt)])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.number + '.' + fmt)}"
    return response


@login_required
def attachment_download(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    """A file of the request's reply or thread, for whoever may open the request; an attachment of
    another request answers 404 like a missing one."""
    req = _visible(_user(request), pk)
    attachment = RequestAttachment.objects.filter(request=req, pk=aid).first()
    if attachment is None:
        raise Http404
    return download_response(attachment)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        end = dt.date.fromisoformat(request.GET.get("end", "")) if request.GET.get("end") else today
        start = (
            dt.date.fromisoformat(request.GET["start"])
            if request.GET.get("start")
            else end - dt.timedelta(days=89)
        )
        if start.year < 2000 or end.year > 2100:
            raise ValueError("out of range")
    except (ValueError, OverflowError):  # 0001-01-01 parses, and 89 days before it overflows
        return today - dt.timedelta(days=89), today
    return (start, end) if start <= end else (end, start)


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _rows(figures: list[queries.UnitFigures]) -> list[dict[str, Any]]:
    return [
        {
            "unit": f.unit, "type": f.label, "volume": f.volume, "answered": f.answered, "overdue": f.overdue,
            "ack_p50": _hours(f.hours("ack", 0.5)), "ack_p90": _hours(f.hours("ack", 0.9)),
            "done_p50": _hours(f.hours("done", 0.5)), "done_p90": _hours(f.hours("done", 0.9)),
            "rate": None if f.on_time_rate is None else round(f.on_time_rate * 100, 1),
            "low": None if f.interval is None else round(f.interval[0] * 100, 1),
            "high": None if f.interval is None else round(f.interval[1] * 100, 1),
            "ranked": f.ranked,
        }
        for f in figures
    ]  # fmt: skip


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _performance_file(rows: list[dict[str, Any]], start: dt.date, end: dt.date, fmt: str) -> HttpResponse:
    """The table as CSV or XLSX, as every export of the platform offers (the overdue list's too)."""
    heads = [_("Unit"), _("Request"), _("Volume"), _("Answered"), _("Overdue"), _("Acknowledge median (h)"),
             _("Acknowledge p90 (h)"), _("Answer median (h)"), _("Answer p90 (h)"), _("On-time rate %"),
             _("95% interval low %"), _("95% interval high %"), _("Ranked")]  # fmt: skip
    keys = ("unit", "type", "volume", "answered", "overdue", "ack_p50", "ack_p90", "done_p50", "done_p90",
            "rate", "low", "high", "ranked")  # fmt: skip
    name = f"unit-performance-{start.isoformat()}-{end.isoformat()}.{fmt}"
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow([str(head) for head in heads])
        for row in rows:
            writer.writerow(csv_row([row[k] for k in keys]))
        # A BOM so that Excel on a Chinese Windows opens the UTF-8 file with its characters intact.
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = _("Unit performance")[:31]
        xlsx_append(sheet, [str(head) for head in heads])
        for row in rows:
            xlsx_append(sheet, [row[k] for k in keys])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def unit_performance(request: HttpRequest) -> HttpResponse:
    """办理效能可视化: per unit and request type over a period; a chart, a table and its export."""
    user = _user(request)
    if not can(user, Action.VIEW_PERFORMANCE):
        raise PermissionDenied
    start, end = _period(request)
    today = timezone.localdate()
    rows = _rows(queries.unit_performance(user, start=start, end=end, today=today))
    if request.GET.get("format") in ("csv", "xlsx"):
        return _performance_file(rows, start, end, request.GET["format"])
    chart = [{"name": f"{r['unit']} · {r['type']}", "unit": r["unit"], "type": str(r["type"]), "rate": r["rate"],
              "low": r["low"], "high": r["high"]} for r in rows if r["rate"] is not None]  # fmt: skip
    context = {"rows": rows, "chart": chart, "start": start, "end": end, "today": today,
               "overdue": queries.overdue_requests(user, today), "min_volume": policy.MIN_RANK_VOLUME}  # fmt: skip
    return render(request, "linkage/unit_performance.html", context)


@login_required
def reply_sheet(request: HttpRequest) -> HttpResponse:
    """The unit's waiting requests of one type as an XLSX to fill in."""
    user = _user(request)
    if not can(user, Action.USE_INBOX):
        raise PermissionDenied
    request_type = request.GET.get("request_type", "")
    if request_type not in RequestType.values:
        raise Http404
    response = HttpResponse(exchange.reply_sheet(user, request_type), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="replies-{request_type}.xlsx"'
    return response


@login_required
def reply_upload(request: HttpRequest) -> HttpResponse:
    """Upload the filled-in sheet: every row checked, errors by row and column, nothing half applied."""
    user = _user(request)
    if not can(user, Action.USE_INBOX):
        raise PermissionDenied
    form = ReplyUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                report = exchange.replies_import(
                    handle.name,
                    form.cleaned_data["request_type"],
                    actor=user,
                    partial=form.cleaned_data["partial"],
                )
            except DomainError as error:
                form.add_error("file", error.shown())
    return render(request, "linkage/reply_upload.html", {"form": form, "report": report})


# --- approval, the officer's waiting requests, many cases to one unit (issue 4 §2, §3, §5) ---------


def _approver(user: User) -> bool:
    """Who decides on requests awaiting approval: the court's president or a team leader, the roles
    `actions.request_approve` accepts (a deduction is approved before it goes out)."""
    return can(user, Action.APPROVE_REQUEST)


def _awaiting_approval(user: User) -> QuerySet[AssistanceRequest]:
    """The court's requests awaiting approval, the longest waiting first, with when they were put
    before an approver (the latest "submitted" event)."""
    submitted = RequestEvent.objects.filter(request=OuterRef("pk"), kind="submitted").order_by("-at", "-pk")
    return (
        queries.visible_requests(user)
        .filter(status=RequestStatus.PENDING_APPROVAL)
        .select_related("created_by")
        .prefetch_related(subjects.respondents_prefetch())
        .annotate(
            asked_at=Subquery(submitted.values("at")[:1]), asked_by=Subquery(submitted.values("actor_id")[:1])
        )
        .order_by(F("asked_at").asc(nulls_last=True), "pk")
    )


def _approvals_page(
    request: HttpRequest, user: User, bound: tuple[int, ApprovalForm] | None = None
) -> HttpResponse:
    page = _with_subjects(request_page(request, _awaiting_approval(user), PAGE_SIZE))
    context = {
        "page": page,
        "bound_pk": bound[0] if bound else None,
        "bound_form": bound[1] if bound else None,
        "query": filter_query(request),
    }
    return render(request, "linkage/approvals.html", context, status=400 if bound else 200)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """待审批: the court's requests awaiting approval, each with approve and refuse."""
    user = _user(request)
    if not _approver(user):
        raise PermissionDenied(_("Approvals are for the court president and team leaders."))
    return _approvals_page(request, user)


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Approve (the request goes out with its notice) or refuse (back to draft, with the reason),
    from the approvals page or the request page; another court's request is a 404 like a missing one."""
    if decision not in ("approve", "refuse"):
        raise Http404
    user = _user(request)
    req = _visible(user, pk)
    from_list = request.POST.get("from") == "approvals"
    form = ApprovalForm(request.POST)
    if form.is_valid():
        try:
            actions.request_approve(
                req, approve=decision == "approve", actor=user, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            if error.status == 404:
                raise Http404 from error
            if error.field != "note":
                messages.error(request, str(error.message))
                return _back(from_list, req.pk)
            form.add_error("note", str(error.message))
        else:
            names = {"type": req.get_request_type_display(), "case": req.case.number, "unit": req.unit.name}
            done = (
                _("Approved: the “%(type)s” request of case %(case)s has been sent to %(unit)s.")
                if decision == "approve"
                else _(
                    "Not approved: the “%(type)s” request of case %(case)s is back with %(author)s as a draft."
                )
            )
            messages.success(request, done % {**names, "author": req.created_by})
            return _back(from_list, req.pk)
    if from_list:
        return _approvals_page(request, user, bound=(req.pk, form))
    return _render(request, req, {"approval": form})


def _back(from_list: bool, pk: int) -> HttpResponse:
    return redirect("request-approvals") if from_list else redirect("request-detail", pk=pk)


# §5: still unanswered, whichever side it waits on (an approver, the unit, or the court's correction).
WAITING = (
    RequestStatus.PENDING_APPROVAL,
    RequestStatus.SENT,
    RequestStatus.ACKNOWLEDGED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.RETURNED,
)


def _waiting_scopes(user: User) -> dict[str, tuple[str, Q]]:
    """Whose cases the list may show: one's own; a team leader also the team's; the command centre
    and the president the whole court (as the overdue-nodes list does)."""
    scopes = {"mine": (_("My cases"), Q(case__officer_id=user.pk))}
    if can(user, Action.OVERSEE_TEAM) and user.team_id is not None:
        scopes["team"] = (_("My team's cases"), Q(case__team_id=user.team_id))
    if can(user, Action.OVERSEE_COURT):
        scopes["court"] = (_("The whole court"), Q())
    return scopes


def _default_scope(user: User, scopes: dict[str, tuple[str, Q]]) -> str:
    """Whoever handles cases starts with their own; who has none (the command centre, the president)
    starts with the widest scope they may see, not an empty "my cases"."""
    if can(user, Action.HANDLE_CASES):
        return "mine"
    return next(name for name in ("court", "team", "mine") if name in scopes)


@login_required
def waiting(request: HttpRequest) -> HttpResponse:
    """The officer's requests still unanswered (issue 4 §5), the earliest deadline first."""
    user = _user(request)
    if not can(user, Action.FOLLOW_REQUESTS):
        raise PermissionDenied(_("This list is for court staff."))
    scopes = _waiting_scopes(user)
    scope = request.GET.get("scope", "")
    scope = scope if scope in scopes else _default_scope(user, scopes)
    rows = (
        queries.visible_requests(user)
        .filter(scopes[scope][1], status__in=WAITING)
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    page = request_page(request, rows, PAGE_SIZE)
    context = {
        "page": page,
        "today": timezone.localdate(),
        "scopes": [(name, label) for name, (label, _q) in scopes.items()],
        "scope": scope,
        "query": filter_query(request),
    }
    return render(request, "linkage/waiting.html", context)


def _as_id(line: str) -> int | None:
    return int(line) if line.isascii() and line.isdigit() and len(line) < 19 else None


def _batch_cases(user: User, form: BatchForm) -> list[Case] | None:
    """The cases of a batch: the pasted 案号 or ids (of the user's court: another court's case, like
    a missing one, is "no such case") and the ticked ones, each once; None when the form says why not."""
    lines = form.lines()
    visible = Case.objects.visible_to(user)
    by_id = visible.in_bulk([pk for pk in map(_as_id, lines) if pk is not None])
    numbers = [normalise_case_number(line) for line in lines]
    by_number = {case.number: case for case in visible.filter(number__in=numbers)}
    picked: dict[int, Case] = {}
    missing = []
    for line, number in zip(lines, numbers, strict=True):
        pk = _as_id(line)
        case = by_number.get(number) or (by_id.get(pk) if pk is not None else None)
        if case is None:
            missing.append(line)
        else:
            picked.setdefault(case.pk, case)
    for case in form.cleaned_data.get("cases") or []:
        picked.setdefault(case.pk, case)
    if missing:
        form.add_error("numbers", _("No such case: %(cases)s.") % {"cases": "、".join(missing[:20])})
    # Named here so the officer knows which; the action refuses them too (all or nothing).
    closed = [case.number for case in picked.values() if case.is_closed]
    if closed:
        form.add_error(
            "numbers",
            _("Closed, nothing can be sent on them: %(cases)s.") % {"cases": "、".join(closed[:20])},
        )
    if not picked and not missing:
        form.add_error("numbers", _("Choose at least one case."))
    if len(picked) > BATCH_MAX_CASES:
        form.add_error("numbers", _("At most %(max)d cases at once.") % {"max": BATCH_MAX_CASES})
    return None if form.errors else list(picked.values())


def _unit_refusals_beside_fields(refused: list[actions.Refusal], form: BatchForm) -> list[dict[str, Any]]:
    """The unit's refusals (it does not handle the request, nobody there receives requests) once,
    beside the field that chose it; what is left, per case, for the table."""
    rest = []
    shown: set[str] = set()
    for refusal in refused:
        field = actions.UNIT_REFUSALS.get(refusal.code)
        if field is None:
            rest.append(refusal.as_dict())
        elif refusal.message not in shown:
            shown.add(refusal.message)
            form.add_error(field, refusal.message)
    return rest


@login_required
def batch_new(request: HttpRequest) -> HttpResponse:
    """Many cases to one unit in one step (issue 4 §3, a bank's daily batch): the cases that can be
    sent are, and the page says of the others why not (issue 14 §6)."""
    user = _user(request)
    if not can(user, Action.SEND_REQUEST):
        raise PermissionDenied(_("Only court staff send requests."))
    units = LinkageUnit.objects.filter(unit_directory_scope(user), active=True)
    own = Case.objects.visible_to(user).open().filter(officer_id=user.pk).order_by("filed_on", "pk")
    form = BatchForm(request.POST or None, units=units, cases=own)
    refused: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        cases = _batch_cases(user, form)
        if cases is not None:
            data = form.cleaned_data
            pairs = [(case, actions.Ask(data["unit"], data["request_type"], data["purpose"], data["legal_basis"],
                                        form.details())) for case in cases]  # fmt: skip
            try:
                report = actions.requests_send_each(pairs, actor=user)
            except DomainError as error:
                show_form_errors(error, form)
            else:
                if report.made:
                    return _to_result(request, report)
                refused = _refused_rows(_unit_refusals_beside_fields(report.refused, form))
    context = {"form": form, "refused": refused}
    return render(request, "linkage/batch_new.html", context, status=400 if form.errors or refused else 200)


@login_required
def batch_result(request: HttpRequest, batch: Any) -> HttpResponse:
    """What one batch made: each request (its unit, kind, state, deadline, result and notice), and
    the pairs that could not be sent with the reason, kept in the sender's session. A batch sent from
    a case's form is that case's page (back to the case, no case column); one from the many-cases
    page lists the cases and offers another such batch."""
    rows = list(
        queries.visible_requests(_user(request)).filter(batch=batch).select_related("notice").order_by("pk")
    )
    if not rows:
        raise Http404
    kinds = {kind: index for index, kind in enumerate(RequestType.values)}
    rows.sort(key=lambda r: (r.case.number, queries.UNIT_TYPE_ORDER.get(r.unit.unit_type, 99),
                             pinyin_key(r.unit.name), kinds.get(r.request_type, 99)))  # fmt: skip
    kept = request.session.get(REFUSED_KEY, {}).get(str(batch))
    if not isinstance(kept, dict):  # not sent from this session (or kept before the origin was)
        kept = {
            "refused": kept or [],
            "case": rows[0].case_id if len({r.case_id for r in rows}) == 1 else None,
        }
    refused = _refused_rows(kept["refused"])
    units = {row.unit_id for row in rows} | {row["unit"] for row in refused}
    context = {
        "rows": rows,
        "refused": refused,
        "unit": rows[0].unit if len(units) == 1 else None,
        "case": rows[0].case if kept["case"] == rows[0].case_id else None,
        "today": timezone.localdate(),
    }
    return render(request, "linkage/batch_result.html", context)
