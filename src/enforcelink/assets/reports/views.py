"""Pages of the property report, the applicant's leads and re-inquiry after 终本: the case page's
forms (each a POST that redirects back to the panel with a message) and the debtor's public form
reached by a one-time link (no sign-in; rate-limited per address like /verify/; a used, expired,
replaced or altered link gets a clear page, never a 500)."""

from __future__ import annotations

import datetime as dt
import re
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
from enforcelink.assets.reports.panel import ITEM_ROWS, link_url
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


ITEM_FIELDS = ("kind", "institution", "identifier", "description", "value")
_ITEM_FIELD = re.compile(r"^items\.(\d+)\.(\w+)$")


def form_rows(data: Any = None) -> list[dict[str, Any]]:
    """Every row of the items table as typed (`items-N-kind` …), blank ones too, each with its
    place `n` on the form: what a form with an error shows again."""
    data = data or {}
    return [
        {"n": n, **{name: str(data.get(f"items-{n}-{name}", "")).strip() for name in ITEM_FIELDS}}
        for n in range(ITEM_ROWS)
    ]


def posted_items(data: Any) -> tuple[list[dict[str, str]], list[int]]:
    """The filled rows of the items table, blank rows left out, and each one's place on the form
    (the actions name an item by its place in the list: `items.1.value` may be the form's row 3)."""
    filled = [row for row in form_rows(data) if any(row[name] for name in ITEM_FIELDS)]
    return [{name: row[name] for name in ITEM_FIELDS} for row in filled], [row["n"] for row in filled]


def _field_label(name: str) -> str:
    labels = {
        "kind": _("Kind"), "institution": _("Held at"), "identifier": _("Account, certificate, plate or company"),
        "description": _("Description"), "value": _("Value (yuan)"),
    }  # fmt: skip
    return str(labels.get(name, name))


def item_error(failure: DomainError, places: list[int]) -> tuple[str, str]:
    """The error as the form shows it, and the form field it names (`items-2-value`): an item's
    error names its row as the debtor sees it (row 3, not item 1 of the filled ones) and the field."""
    found = _ITEM_FIELD.match(failure.field or "")
    if found is None or int(found[1]) >= len(places):
        return str(failure.message), failure.field or ""
    n, name = places[int(found[1])], found[2]
    message = _("Row %(row)d, %(field)s: %(message)s") % {
        "row": n + 1, "field": _field_label(name), "message": failure.message,
    }  # fmt: skip
    return message, f"items-{n}-{name}"


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
    items, places = posted_items(request.POST)
    try:
        day = None
        if on:
            try:
                day = dt.date.fromisoformat(on)
            except ValueError:
                raise InvalidInput("DATE_INVALID", _("Enter a date."), field="on") from None
        actions.report_enter(
            found, items=items, declares_nothing=bool(request.POST.get("declares_nothing")),
            statement=request.POST.get("statement", ""), on=day, actor=user,
        )  # fmt: skip
    except DomainError as failure:
        messages.error(request, item_error(failure, places)[0])
    else:
        messages.success(request, _("The report was saved and compared with what the inquiries found."))
    return _back(request, case)


@login_required
@require_POST
def report_link(request: HttpRequest, pk: int, report: int) -> HttpResponse:
    user, case = _case(request, pk)
    try:
        link, token = actions.link_create(_report(case, report), actor=user)
    except DomainError as failure:
        messages.error(request, str(failure.message))
    else:
        messages.info(
            request,
            _("One-time link for the respondent, valid until %(until)s (the report's panel shows it until "
              "then): %(url)s")
            % {"until": timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M"), "url": link_url(token)},
        )  # fmt: skip
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
        "kinds": ReportedKind.choices, "rows": form_rows(),
    }  # fmt: skip
    if request.method == "POST":
        items, places = posted_items(request.POST)
        try:
            actions.report_submit(
                token, items=items, declares_nothing=bool(request.POST.get("declares_nothing")),
                statement=request.POST.get("statement", ""),
            )  # fmt: skip
        except actions.LinkRefused as refused:
            return _public(request, {"refused": refused.message, "code": refused.code}, status=410)
        except DomainError as failure:
            return _public(request, {**context, **_typed(request.POST, failure, places)}, status=400)
        return _public(request, {"done": True})
    return _public(request, context)


def _typed(data: Any, failure: DomainError, places: list[int]) -> dict[str, Any]:
    """What the debtor typed, shown again with the error beside the row and field it names."""
    message, field = item_error(failure, places)
    rows = form_rows(data)
    for row in rows:
        prefix = f"items-{row['n']}-"
        row["invalid"] = field.removeprefix(prefix) if field.startswith(prefix) else ""
    return {
        "rows": rows, "declares_nothing": bool(data.get("declares_nothing")),
        "statement": str(data.get("statement", "")), "error": message, "error_field": field,
    }  # fmt: skip
