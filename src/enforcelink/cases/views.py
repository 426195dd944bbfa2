"""Server-rendered case pages: workbench, case list, filing, case detail, command-centre overdue list.

Views read through `queries` (scoped by `visible_to`) and write through `actions`; a case of another
court answers 404 exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from enforcelink.cases import queries
from enforcelink.cases.actions import (
    case_amounts_correct,
    case_close,
    case_file,
    case_resume,
    extension_decide,
    extension_request,
    reassign,
    record_step,
    reveal_id,
    suspension_end,
    suspension_start,
)
from enforcelink.cases.exports import overdue_export
from enforcelink.cases.forms import (
    PARTY_ROLES,
    AmountsForm,
    CaseFilingForm,
    CaseSearchForm,
    CloseForm,
    ExtensionDecideForm,
    ExtensionRequestForm,
    ReassignForm,
    ResumeForm,
    RevealForm,
    StepForm,
    SuspensionEndForm,
    SuspensionStartForm,
    build_filing,
    party_formsets,
    show_errors,
    with_row_added,
    with_row_removed,
)
from enforcelink.cases.models import Case, ClosureMode, ExtensionStatus, NodeKind
from enforcelink.cases.search import SearchNote
from enforcelink.core import home, memo
from enforcelink.core.errors import DomainError, NotFound, RuleViolation
from enforcelink.core.forms import show_form_errors
from enforcelink.core.pages import filter_query, request_page
from enforcelink.orgs.adminsite import warn_missing_calendar
from enforcelink.orgs.models import Team, User
from enforcelink.orgs.permissions import Action, can

PAGE_SIZE = 50  # a compact list shows 40+ rows on a 1440 px screen (issue 14 §10)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(int(value or default), high))
    except ValueError:
        return default


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """工作台, a home per role (issue 14 §1): the panels the apps registered in `core.home` that
    answer for this person — an officer's cases and node lights, the approvals queue, the command
    centre's overdue nodes, a unit's inbox, a region's figures, the set-up status — each asking
    `can(...)` itself, so this view names no role and imports no app above cases."""
    panels = home.panels_for(_user(request), timezone.localdate())
    warn_missing_calendar(request)
    return render(request, "core/home.html", {"panels": panels})


@login_required
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    """案件列表: search by 案号, party name, ID number or USCC; filter by status, type, officer."""
    user = _user(request)
    if not can(user, Action.READ_COURT_RECORDS):  # a unit's liaison: the list would only ever be empty
        raise PermissionDenied(_("The case list is for court staff; a unit's requests are in its inbox."))
    search = CaseSearchForm(request.GET or None, officers=queries.officers_for(user))
    values = search.values() if request.GET else {}
    note = SearchNote()
    cases = queries.case_list(
        user,
        text=values.get("q", ""),
        status=values.get("status", ""),
        type_code=values.get("type_code", ""),
        officer=values.get("officer") or None,
        note=note,
    )
    if "q" in search.errors:  # a text that cannot be searched lists nothing; its error is beside the box
        cases = cases.none()
    # A broad search's page: its keys from the list's index first (core.pages, issue 14 §12).
    page = request_page(request, cases, PAGE_SIZE, keys_first=note.broad)
    context = {
        "search": search,
        "page": page,
        "query": filter_query(request),
        "broad": note.broad,
    }
    # htmx swaps only the table; a history restore needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "cases/_case_table.html" if partial else "cases/case_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _filing_user(request: HttpRequest) -> User:
    user = _user(request)
    if not can(user, Action.FILE):
        raise PermissionDenied(_("Only court staff file cases."))
    return user


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """立案: the filing form; the action validates, and its errors appear beside their fields."""
    user = _filing_user(request)
    if request.method != "POST":
        context = {"form": CaseFilingForm(), "formsets": party_formsets()}
        return render(request, "cases/case_new.html", _filing_context(context))
    data = request.POST
    for prefix in PARTY_ROLES:
        if data.get("add") == prefix:
            return _refill(request, with_row_added(data, prefix))
        remove = data.get("remove", "")
        if remove.startswith(f"{prefix}-"):
            index = _int(remove.removeprefix(f"{prefix}-"), -1, -1, 1000)
            return _refill(request, with_row_removed(data, prefix, index))
    form, formsets = CaseFilingForm(data), party_formsets(data)
    if form.is_valid() and all(formset.is_valid() for formset in formsets.values()):
        assert user.court is not None
        filing, rows = build_filing(form, formsets, user.court)
        try:
            case = case_file(filing, actor=user)
        except DomainError as error:
            show_errors(error, form, formsets, rows)
        else:
            messages.success(request, _("Case filed as %(number)s.") % {"number": case.number})
            return redirect("case-detail", pk=case.pk)
    context = {"form": form, "formsets": formsets}
    return render(request, "cases/case_new.html", _filing_context(context))


def _refill(request: HttpRequest, data: Any) -> HttpResponse:
    """Redisplay the form after adding or removing a party row, without judging it yet."""
    form, formsets = CaseFilingForm(data), party_formsets(data)
    form.errors.clear()  # bound forms validate on access; nothing is judged until submit
    for formset in formsets.values():
        for party_form in formset.forms:
            party_form.errors.clear()
    return render(request, "cases/case_new.html", _filing_context({"form": form, "formsets": formsets}))


def _filing_context(context: dict[str, Any]) -> dict[str, Any]:
    labels = {"applicants": _("Applicants (申请执行人)"), "respondents": _("Respondents (被执行人)")}
    context["party_sections"] = [
        (prefix, labels[prefix], formset) for prefix, formset in context["formsets"].items()
    ]
    return context


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """案件详情: header, parties (masked IDs), nodes with their trace, timeline, assignments."""
    return _render_detail(request, queries.visible_case(_user(request), pk))


def _render_detail(
    request: HttpRequest,
    case: Case,
    *,
    revealed: dict[int, bool] | None = None,
    bound: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    user = _user(request)
    detail = queries.case_detail(case, timezone.localdate())
    forms_shown = _action_forms(user, detail, bound or {})
    # R-FUND-04: "close as 执行完毕" from the ledger's proposal opens the closure form, mode chosen.
    preset = request.GET.get("close", "")
    open_action = ""
    if preset in ClosureMode.values and "close" in forms_shown and not forms_shown["close"].is_bound:
        forms_shown["close"] = CloseForm(
            prefix="close", initial={"mode": preset, "closed_on": timezone.localdate()}
        )
        open_action = "close"
    context: dict[str, Any] = {
        "detail": detail,
        "case": case,
        "reveal_form": RevealForm(),
        "revealed": revealed or {},
        "action_forms": forms_shown,
        "open_action": open_action,
    }
    with (
        memo.reading()
    ):  # rendering only reads: the panels' and template tags' reads of the case's receipts run once
        return render(request, "cases/case_detail.html", context)


@login_required
@require_POST
def party_reveal(request: HtmxHttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """R-ID-05: show a party's full ID number to court staff; the action logs the view and its purpose."""
    user = _user(request)
    party = queries.visible_party(user, pk, party_pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Give the purpose for viewing the full number."))
    try:
        full = reveal_id(party, actor=user, purpose=form.cleaned_data["purpose"])
    except NotFound:
        raise Http404(_("No such party.")) from None
    if request.htmx:
        return render(request, "cases/_party_id.html", {"party": party, "full": full})
    return _render_detail(request, queries.visible_case(user, pk), revealed={party.pk: True})


# --- Actions on an open case: each form posts here, the action decides, errors go beside fields -----


Outcome = tuple[Case, str]  # the case to show next, and the message


def _run_step(case: Case, form: Any, user: User) -> Outcome:
    data = form.cleaned_data
    done = record_step(case, step=data["step"], on=data["on"], actor=user)
    return case, ngettext(
        "Step recorded; %(count)d node completed.", "Step recorded; %(count)d nodes completed.", len(done)
    ) % {"count": len(done)}


def _run_suspension_start(case: Case, form: Any, user: User) -> Outcome:
    data = form.cleaned_data
    suspension_start(
        case, kind=data["kind"], started_on=data["started_on"], reason=data["reason"], actor=user
    )
    return case, _("The period not counted has started; the closure clock is paused.")


def _run_suspension_end(case: Case, form: Any, user: User) -> Outcome:
    data = form.cleaned_data
    running = case.open_suspension
    if running is None:
        raise RuleViolation("SUSPENSION_NONE", _("No period not counted is running."))
    suspension_end(running, ended_on=data["ended_on"], actor=user)
    return case, _("The period not counted has ended; the closure deadline was recomputed.")


def _run_extension_request(case: Case, form: Any, user: User) -> Outcome:
    data = form.cleaned_data
    extension_request(case, reason=data["reason"], high_court_ref=data["high_court_ref"], actor=user)
    return case, _("Extension requested; the court president decides.")


def _run_extension_decide(case: Case, form: Any, user: User) -> Outcome:
    data = form.cleaned_data
    pending = case.extension_requests.filter(status=ExtensionStatus.PENDING).first()
    if pending is None:
        raise RuleViolation("EXTENSION_NONE", _("No extension request is waiting."))
    extension_decide(pending, approve=data["decision"] == "approve", note=data["note"], actor=user)
    return case, _("Extension approved.") if data["decision"] == "approve" else _("Extension rejected.")


def _run_close(case: Case, form: Any, user: User) -> Outcome:
    data = form.cleaned_data
    case_close(case, mode=data["mode"], closed_on=data["closed_on"], details=form.details(), actor=user)
    return case, _("Case closed.")


def _run_reassign(case: Case, form: Any, user: User) -> Outcome:
    data = form.cleaned_data
    reassign(case, officer=data["officer"], reason=data["reason"], actor=user)
    return case, _("Case reassigned to %(officer)s.") % {"officer": data["officer"]}


def _run_amounts(case: Case, form: Any, user: User) -> Outcome:
    data = form.cleaned_data
    corrected = case_amounts_correct(
        case, principal=data["principal"], interest=data["interest"], costs=data["costs"], reason=data["reason"],
        actor=user,
    )  # fmt: skip
    return corrected, _("Amounts corrected.")


def _run_resume(case: Case, form: Any, user: User) -> Outcome:
    data = form.cleaned_data
    resumed = case_resume(case, reason=data["reason"], actor=user)
    return resumed, _("Resumed as %(number)s.") % {"number": resumed.number}


Runner = Callable[[Case, Any, User], Outcome]
CASE_ACTIONS: dict[str, tuple[type[forms.Form], Runner]] = {
    "step": (StepForm, _run_step),
    "suspension_start": (SuspensionStartForm, _run_suspension_start),
    "suspension_end": (SuspensionEndForm, _run_suspension_end),
    "extension_request": (ExtensionRequestForm, _run_extension_request),
    "extension_decide": (ExtensionDecideForm, _run_extension_decide),
    "reassign": (ReassignForm, _run_reassign),
    "amounts": (AmountsForm, _run_amounts),
    "close": (CloseForm, _run_close),
    "resume": (ResumeForm, _run_resume),
}


def _offered_actions(user: User, detail: queries.CaseDetail) -> list[str]:
    """Which forms the page offers; the actions themselves re-check everything on submit."""
    case = detail.case
    if not can(user, Action.WRITE, case):
        return []
    if case.is_closed:
        return ["resume"] if case.can_resume() and can(user, Action.RESUME, case) else []
    names = ["step"]
    names.append("suspension_end" if detail.open_suspension else "suspension_start")
    if detail.pending_extension is None:
        names.append("extension_request")
    elif can(user, Action.DECIDE_EXTENSION, case):
        names.append("extension_decide")
    if can(user, Action.REASSIGN, case):
        names.append("reassign")
    if case.is_money_case:
        names.append("amounts")
    return [*names, "close"] if can(user, Action.CLOSE, case) else names


def _make_form(name: str, case: Case, data: Any = None) -> forms.Form:
    form_class = CASE_ACTIONS[name][0]
    if form_class is ReassignForm:
        return ReassignForm(data, prefix=name, court=case.court)
    if form_class is AmountsForm and data is None:
        return AmountsForm(prefix=name, initial={key: getattr(case, key) for key in ("principal", "interest", "costs")})  # fmt: skip
    return form_class(data, prefix=name)


def _action_forms(
    user: User, detail: queries.CaseDetail, bound: dict[str, forms.Form]
) -> dict[str, forms.Form]:
    """The offered forms, plus a just-submitted one even if no longer offered (to show its errors)."""
    names = _offered_actions(user, detail)
    names += [name for name in bound if name not in names]
    return {name: bound.get(name) or _make_form(name, detail.case) for name in names}


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one action on a case from its detail page (record a step, suspension, extension)."""
    user = _user(request)
    case = queries.visible_case(user, pk)
    if name not in CASE_ACTIONS:
        raise Http404(_("No such action."))
    run = CASE_ACTIONS[name][1]
    form = _make_form(name, case, request.POST)
    if form.is_valid():
        try:
            target, message = run(case, form, user)
        except NotFound:
            raise Http404(_("No such case.")) from None
        except DomainError as error:
            show_form_errors(error, form)
        else:
            messages.success(request, message)
            return redirect(reverse("case-detail", args=[target.pk]))
    return _render_detail(request, queries.visible_case(user, pk), bound={name: form})


@login_required
def command_overdue(request: HttpRequest) -> HttpResponse:
    """指挥中心超期节点: overdue nodes across the court, with officer and days overdue."""
    user = _user(request)
    if not can(user, Action.VIEW_OVERDUE):
        raise PermissionDenied(_("The overdue list is for the command centre and leaders."))
    today = timezone.localdate()
    officers = queries.officers_for(user)
    officer = officers.filter(pk=_int(request.GET.get("officer"), 0, 0, 2**62)).first()
    teams = Team.objects.visible_to(user).order_by("name")
    team = (
        teams.filter(pk=_int(request.GET.get("team"), 0, 0, 2**62)).first()
        if request.GET.get("team")
        else None
    )
    kind = request.GET.get("kind", "")
    kind = kind if kind in NodeKind.values else ""
    min_days = _int(request.GET.get("min_days"), 0, 0, 3650)
    nodes = queries.court_overdue(user, today, officer=officer, team=team, kind=kind, min_days=min_days)
    if request.GET.get("format") in ("csv", "xlsx"):
        return overdue_export(nodes, today, request.GET["format"])
    page = request_page(request, nodes, PAGE_SIZE)
    page.object_list = queries.with_days_overdue(page.object_list, today)
    context = {
        "page": page,
        "today": today,
        "officers": queries.officer_labels(officers),
        "officer": officer,
        "teams": teams,
        "team": team,
        "kinds": NodeKind.choices,
        "kind": kind,
        "min_days": min_days or "",
        "query": filter_query(request),
    }
    return render(request, "cases/command_overdue.html", context)
