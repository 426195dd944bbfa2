"""Pages of the property report, the applicant's leads and re-inquiry after 终本: the case page's
forms (each a POST that redirects back to the panel with a message) and the debtor's public form
reached by a one-time link (no sign-in; rate-limited per address like /verify/; a used, expired,
replaced or altered link gets a clear page, never a 500)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enforcelink.assets.reports import actions, leads, reinquiry
from enforcelink.assets.reports.models import PropertyReport, Reinquiry, ReportedKind, ReportFinding
from enforcelink.assets.reports.panel import ITEM_ROWS
from enforcelink.cases.models import Case
from enforcelink.cases.queries import visible_case
from enforcelink.core.errors import DomainError, InvalidInput
from enforcelink.core.ratelimit import over_limit
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can

WINDOW_SECONDS = 600  # settings.VERIFY_RATE_LIMIT requests per address in this time, as /verify/


def _case(request: HttpRequest, pk: int) -> tuple[User, Case]:
    user = cast(User, request.user)
    case = visible_case(user, pk)
    if not can(user, Action.INQUIRE_ASSETS, case):
        raise Http404
    return user, case


def _back(request: HttpRequest, case: Case, anchor: str = "property-report") -> HttpResponse:
    return redirect(reverse("case-detail", args=[case.pk]) + f"#{anchor}")


def _run(
    request: HttpRequest, case: Case, done: str, act: Any, anchor: str = "property-report"
) -> HttpResponse:
    try:
        act()
    except DomainError as failure:
        messages.error(request, str(failure.message))
    else:
        messages.success(request, done)
    return _back(request, case, anchor)


def posted_items(data: Any) -> list[dict[str, str]]:
    """The filled rows of the items table (`items-N-kind` …); blank rows are left out."""
    rows = []
    for n in range(ITEM_ROWS):
        row = {name: str(data.get(f"items-{n}-{name}", "")).strip()
               for name in ("kind", "institution", "identifier", "description", "value")}  # fmt: skip
        if any(row.values()):
            rows.append(row)
    return rows


def _report(case: Case, pk: int) -> PropertyReport:
    report = PropertyReport.objects.filter(case=case, pk=pk).select_related("case").first()
    if report is None:
        raise Http404
    return report


@login_required
@require_POST
def report_enter(request: HttpRequest, pk: int, report: int) -> HttpResponse:
    user, case = _case(request, pk)
    found = _report(case, report)
    on = request.POST.get("on") or None

    def act() -> None:
        day = None
        if on:
            try:
                day = dt.date.fromisoformat(on)
            except ValueError:
                raise InvalidInput("DATE_INVALID", _("Enter a date."), field="on") from None
        actions.report_enter(
            found, items=posted_items(request.POST), declares_nothing=bool(request.POST.get("declares_nothing")),
            statement=request.POST.get("statement", ""), on=day, actor=user,
        )  # fmt: skip

    return _run(request, case, _("The report was saved and compared with what the inquiries found."), act)


@login_required
@require_POST
def report_link(request: HttpRequest, pk: int, report: int) -> HttpResponse:
    user, case = _case(request, pk)
    try:
        link, token = actions.link_create(_report(case, report), actor=user)
    except DomainError as failure:
        messages.error(request, str(failure.message))
    else:
        url = request.build_absolute_uri(reverse("property-report-public", args=[token]))
        messages.info(
            request,
            _("One-time link for the respondent, valid until %(until)s (shown only now): %(url)s")
            % {"until": timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M"), "url": url},
        )
    return _back(request, case)


@login_required
@require_POST
def report_compare(request: HttpRequest, pk: int, report: int) -> HttpResponse:
    user, case = _case(request, pk)
    found = _report(case, report)
    return _run(request, case, _("Compared again."), lambda: actions.report_compare(found, actor=user))


@login_required
@require_POST
def finding_decide(request: HttpRequest, pk: int, finding: int) -> HttpResponse:
    user, case = _case(request, pk)
    row = ReportFinding.objects.filter(case=case, pk=finding).select_related("case").first()
    if row is None:
        raise Http404
    return _run(
        request, case, _("Decision recorded."),
        lambda: actions.finding_decide(row, decision=request.POST.get("decision", ""),
                                       reason=request.POST.get("reason", ""), actor=user),
    )  # fmt: skip


@login_required
@require_POST
def lead_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    return _run(
        request, case, _("Lead recorded; verify it by the date shown."),
        lambda: leads.lead_add(case, description=request.POST.get("description", ""),
                               urgent=bool(request.POST.get("urgent")), actor=user),
        "leads",
    )  # fmt: skip


@login_required
@require_POST
def lead_inquire(request: HttpRequest, pk: int, lead: int) -> HttpResponse:
    user, case = _case(request, pk)
    if not _exists(case, lead):
        raise Http404
    found = leads.lead_of(case, lead)
    return _run(
        request, case, _("Inquiry sent for the lead."),
        lambda: leads.lead_inquire(found, kind=request.POST.get("kind", ""), actor=user), "leads",
    )  # fmt: skip


def _exists(case: Case, lead: int) -> bool:
    return case.asset_leads.filter(pk=lead).exists()


@login_required
@require_POST
def lead_link(request: HttpRequest, pk: int, lead: int) -> HttpResponse:
    user, case = _case(request, pk)
    if not _exists(case, lead):
        raise Http404
    found = leads.lead_of(case, lead)
    return _run(
        request, case, _("Records linked to the lead."),
        lambda: leads.lead_link(found, records=request.POST.getlist("records"), actor=user), "leads",
    )  # fmt: skip


@login_required
@require_POST
def lead_conclude(request: HttpRequest, pk: int, lead: int) -> HttpResponse:
    user, case = _case(request, pk)
    if not _exists(case, lead):
        raise Http404
    found = leads.lead_of(case, lead)
    return _run(
        request, case, _("Verification recorded."),
        lambda: leads.lead_conclude(found, outcome=request.POST.get("outcome", ""),
                                    note=request.POST.get("note", ""), actor=user),
        "leads",
    )  # fmt: skip


@login_required
@require_POST
def reinquiry_resume(request: HttpRequest, pk: int, row: int) -> HttpResponse:
    """One click: resume enforcement because a re-inquiry found property (R-ASSET-05)."""
    user = cast(User, request.user)
    case = visible_case(user, pk)
    found = Reinquiry.objects.filter(case=case, pk=row).select_related("case").first()
    if found is None or not can(user, Action.RESUME, case):
        raise Http404
    try:
        new = reinquiry.resume_from_reinquiry(found, actor=user)
    except DomainError as failure:
        messages.error(request, str(failure.message))
        return _back(request, case, "reinquiry")
    messages.success(request, _("Enforcement resumed as %(number)s.") % {"number": new.number})
    return redirect("case-detail", pk=new.pk)


# --- the debtor's one-time form --------------------------------------------------------------------


def _public(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "assets/report_public.html", {"public_page": True, **context}, status=status)


@require_http_methods(["GET", "POST"])
def report_public(request: HttpRequest, token: str) -> HttpResponse:
    """The debtor's report through a one-time link: the case number and what to fill, nothing more."""
    if over_limit(request, "report-link", limit=settings.VERIFY_RATE_LIMIT, window_seconds=WINDOW_SECONDS):
        response = _public(request, {"refused": _("Too many attempts from this address. Wait %(minutes)d minutes "
                                                  "and try again.") % {"minutes": WINDOW_SECONDS // 60},
                                     "code": "RATE_LIMITED"}, status=429)  # fmt: skip
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    try:
        link = actions.link_open(token)
    except actions.LinkRefused as refused:
        return _public(request, {"refused": refused.message, "code": refused.code}, status=410)
    report = link.report
    context = {
        "case_number": report.case.number, "court": report.case.court.name, "due_on": report.due_on,
        "kinds": ReportedKind.choices, "item_rows": range(ITEM_ROWS),
    }  # fmt: skip
    if request.method == "POST":
        try:
            actions.report_submit(
                token, items=posted_items(request.POST), declares_nothing=bool(request.POST.get("declares_nothing")),
                statement=request.POST.get("statement", ""),
            )  # fmt: skip
        except actions.LinkRefused as refused:
            return _public(request, {"refused": refused.message, "code": refused.code}, status=410)
        except DomainError as failure:
            return _public(
                request, {**context, "error": failure.message, "error_field": failure.field}, status=400
            )
        return _public(request, {"done": True})
    return _public(request, context)
