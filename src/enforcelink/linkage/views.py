"""Linkage pages: a case's requests and the send form (court), the liaison's inbox, and one request
page both sides share (details, notice, result, thread, the actions each side may take).

Requests are read through `AssistanceRequest.objects.visible_to(user)`: another unit's or another
court's request answers 404 exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcelink.cases.forms import show_form_errors
from enforcelink.cases.queries import visible_case
from enforcelink.core.errors import DomainError
from enforcelink.core.pages import filter_query
from enforcelink.documents.actions import document_file
from enforcelink.documents.models import DocumentFile, FileFormat
from enforcelink.documents.views import CONTENT_TYPES
from enforcelink.linkage import actions, exchange, policy, queries
from enforcelink.linkage.forms import (
    InboxFilterForm,
    MessageForm,
    ReasonForm,
    ReplyUploadForm,
    ResultForm,
    SendForm,
)
from enforcelink.linkage.models import WITH_UNIT, AssistanceRequest, RequestType
from enforcelink.orgs.models import LinkageUnit, User
from enforcelink.orgs.scoping import get_visible_or_404, region_ancestors

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _region_units(user: User) -> Any:
    """Units of the court's region and the regions above it (a county court asks city units too),
    and of the regions below it."""
    region = user.court.region if user.court else None
    if region is None:
        return LinkageUnit.objects.filter(active=True).order_by("unit_type", "name")
    paths = region_ancestors(region.path)
    near = Q(region__path__in=paths) | Q(region__path__startswith=region.path)
    return LinkageUnit.objects.filter(near, active=True).order_by("unit_type", "name")


@login_required
def case_requests(request: HttpRequest, pk: int) -> HttpResponse:
    """协助执行: every request of the case with its state and result, and the send form."""
    user = _user(request)
    case = visible_case(user, pk)
    writer = user.is_court_staff and user.court_id == case.court_id and not case.is_closed
    form = SendForm(request.POST or None, units=_region_units(user)) if writer else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            asks = [actions.Ask(unit, data["request_type"], data["purpose"], data["legal_basis"], form.details())
                    for unit in data["units"]]  # fmt: skip
            try:
                made = actions.requests_fan_out(case, asks, actor=user)
            except DomainError as error:
                show_form_errors(error, form)
            else:
                messages.success(request, _("%(count)d requests sent.") % {"count": len(made)})
                return redirect("case-requests", pk=case.pk)
    rows = queries.visible_requests(user).filter(case=case).order_by("-created_at", "-pk")
    context = {"case": case, "rows": rows, "form": form, "today": timezone.localdate()}
    return render(request, "linkage/case_requests.html", context, status=400 if form and form.errors else 200)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The liaison's inbox: what the courts sent to this unit, the earliest deadline first."""
    user = _user(request)
    if not user.is_unit_staff:
        raise PermissionDenied(_("The inbox is for linkage-unit staff."))
    form = InboxFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    rows = queries.visible_requests(user).select_related("case__court")
    rows = rows.filter(status=values["status"]) if values.get("status") else rows.filter(status__in=WITH_UNIT)
    if values.get("overdue"):
        rows = rows.filter(status__in=WITH_UNIT, due_on__lt=timezone.localdate())
    page = Paginator(rows.order_by("due_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "today": timezone.localdate(), "query": filter_query(request)}
    return render(request, "linkage/inbox.html", context)


def _visible(user: User, pk: int) -> AssistanceRequest:
    return get_visible_or_404(
        AssistanceRequest.objects.select_related("case__court", "unit", "notice"), user, pk=pk
    )


def _render(
    request: HttpRequest, req: AssistanceRequest, bound: dict[str, Any] | None = None
) -> HttpResponse:
    user = _user(request)
    bound = bound or {}
    on_unit = user.is_unit_staff and user.unit_id == req.unit_id
    on_court = user.is_court_staff and user.court_id == req.case.court_id
    context = {
        "req": req,
        "events": list(req.events.select_related("actor", "api_key")),
        "thread": list(req.messages.select_related("author")),
        "on_unit": on_unit,
        "on_court": on_court,
        "result_form": bound.get("complete") or ResultForm(req.request_type),
        "reason_form": bound.get("reason") or ReasonForm(),
        "message_form": bound.get("message") or MessageForm(),
        "today": timezone.localdate(),
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
        form: Any = ResultForm(req.request_type, request.POST)
        if not form.is_valid():
            return "complete", form
        try:
            actions.request_complete(req, result=form.payload(), actor=user)
        except DomainError as error:
            form.show(error)
            return "complete", form
    elif name in ("reject", "return", "cancel"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return "reason", form
        getattr(actions, f"request_{name}")(req, reason=form.cleaned_data["reason"], actor=user)
    elif name == "resend":
        actions.request_resend(req, actor=user)
    elif name == "message":
        form = MessageForm(request.POST)
        if not form.is_valid():
            return "message", form
        actions.message_post(req, body=form.cleaned_data["body"], actor=user)
    else:
        raise Http404
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
    messages.success(request, _("Done."))
    return redirect("request-detail", pk=req.pk)


@login_required
def notice_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The request's 协助执行通知书, for the court and for the unit it was sent to."""
    req = _visible(_user(request), pk)
    if req.notice is None or fmt not in CONTENT_TYPES:
        raise Http404
    try:
        content = document_file(req.notice, fmt, actor=request.user)
    except DocumentFile.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(content, content_type=CONTENT_TYPES[FileFormat(fmt)])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(req.notice.number + '.' + fmt)}"
    return response


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


def _xlsx(rows: list[dict[str, Any]], start: dt.date, end: dt.date) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Unit performance")[:31]
    heads = [_("Unit"), _("Request"), _("Volume"), _("Answered"), _("Overdue"), _("Acknowledge median (h)"),
             _("Acknowledge p90 (h)"), _("Answer median (h)"), _("Answer p90 (h)"), _("On-time rate %"),
             _("95% interval low %"), _("95% interval high %"), _("Ranked")]  # fmt: skip
    sheet.append([str(head) for head in heads])
    for row in rows:
        sheet.append([row[k] for k in ("unit", "type", "volume", "answered", "overdue", "ack_p50", "ack_p90",
                                       "done_p50", "done_p90", "rate", "low", "high", "ranked")])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"unit-performance-{start.isoformat()}-{end.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def unit_performance(request: HttpRequest) -> HttpResponse:
    """办理效能可视化: per unit and request type over a period; a chart, a table and an Excel export."""
    user = _user(request)
    if not (user.is_court_staff or user.is_supervisor or user.is_unit_staff or user.is_superuser):
        raise PermissionDenied
    start, end = _period(request)
    today = timezone.localdate()
    rows = _rows(queries.unit_performance(user, start=start, end=end, today=today))
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows, start, end)
    chart = [{"name": f"{r['unit']} · {r['type']}", "rate": r["rate"], "low": r["low"], "high": r["high"]}
             for r in rows if r["rate"] is not None]  # fmt: skip
    context = {"rows": rows, "chart": chart, "start": start, "end": end, "today": today,
               "overdue": queries.overdue_requests(user, today), "min_volume": policy.MIN_RANK_VOLUME}  # fmt: skip
    return render(request, "linkage/unit_performance.html", context)


@login_required
def reply_sheet(request: HttpRequest) -> HttpResponse:
    """The unit's waiting requests of one type as an XLSX to fill in."""
    user = _user(request)
    if not user.is_unit_staff:
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
    if not user.is_unit_staff:
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
                form.add_error("file", str(error))
    return render(request, "linkage/reply_upload.html", {"form": form, "report": report})
