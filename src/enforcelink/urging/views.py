"""Pre-enforcement supervision pages (执前督促): the register, registration, a judgment with its
notices, payments and conversion, and the voluntary-performance rates.

Reads go through `queries` (scoped); writes through `actions`. Another court's judgment answers 404
exactly like a missing one.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcelink.cases.forms import (
    PARTY_ROLES,
    party_formsets,
    party_inputs,
    show_errors,
    with_row_added,
    with_row_removed,
)
from enforcelink.core.errors import DomainError
from enforcelink.core.forms import show_form_errors
from enforcelink.core.money import format_yuan, parse_amount
from enforcelink.core.pages import filter_query, request_page
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can
from enforcelink.urging import actions, queries
from enforcelink.urging.forms import JudgmentFilterForm, JudgmentForm, PerformanceForm, WithdrawForm
from enforcelink.urging.models import Judgment

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _staff(request: HttpRequest) -> User:
    user = _user(request)
    if not can(user, Action.FILE):
        raise PermissionDenied(_("Only court staff register judgments."))
    return user


@login_required
def judgment_list(request: HttpRequest) -> HttpResponse:
    form = JudgmentFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    judgments = queries.judgment_list(
        _user(request), status=values.get("status", ""), search=values.get("q", "").strip()
    )
    page = request_page(request, judgments, PAGE_SIZE)
    context = {"form": form, "page": page, "today": timezone.localdate(), "query": filter_query(request)}
    return render(request, "urging/judgment_list.html", context)


def _party_context(context: dict[str, Any]) -> dict[str, Any]:
    labels = {"applicants": _("Obligees (权利人)"), "respondents": _("Obligors (义务人)")}
    context["party_sections"] = [(p, labels[p], fs) for p, fs in context["formsets"].items()]
    return context


def _registration(form: JudgmentForm, formsets: Any, user: User) -> tuple[actions.JudgmentRegistration, Any]:
    parties, rows = party_inputs(formsets)
    data = form.cleaned_data
    assert user.court is not None
    reg = actions.JudgmentRegistration(
        court=user.court,
        number=data["number"],
        basis_type=data["basis_type"],
        judge_name=data["judge_name"],
        effective_on=data["effective_on"],
        performance_days=data["performance_days"],
        principal=data["principal"],
        interest=data["interest"] or "0",
        costs=data["costs"] or "0",
        parties=parties,
    )
    return reg, rows


def _refill(request: HttpRequest, data: Any) -> HttpResponse:
    form, formsets = JudgmentForm(data), party_formsets(data)
    form.errors.clear()
    for formset in formsets.values():
        for party_form in formset.forms:
            party_form.errors.clear()
    return render(request, "urging/judgment_new.html", _party_context({"form": form, "formsets": formsets}))


@login_required
def judgment_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if request.method != "POST":
        context = {"form": JudgmentForm(), "formsets": party_formsets()}
        return render(request, "urging/judgment_new.html", _party_context(context))
    data = request.POST
    for prefix in PARTY_ROLES:
        if data.get("add") == prefix:
            return _refill(request, with_row_added(data, prefix))
        remove = data.get("remove", "")
        index = remove.removeprefix(f"{prefix}-")
        if remove.startswith(f"{prefix}-") and index.isascii() and index.isdigit() and len(index) < 4:
            return _refill(request, with_row_removed(data, prefix, int(remove.removeprefix(f"{prefix}-"))))
    form, formsets = JudgmentForm(data), party_formsets(data)
    if form.is_valid() and all(formset.is_valid() for formset in formsets.values()):
        reg, rows = _registration(form, formsets, user)
        try:
            judgment = actions.judgment_register(reg, actor=user)
        except DomainError as error:
            show_errors(error, form, formsets, rows)
        else:
            messages.success(request, _("Judgment %(number)s registered.") % {"number": judgment.number})
            return redirect("judgment-detail", pk=judgment.pk)
    context = {"form": form, "formsets": formsets}
    return render(request, "urging/judgment_new.html", _party_context(context))


def _render_detail(
    request: HttpRequest, judgment: Judgment, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    bound = bound or {}
    user = _user(request)
    context = {
        "judgment": judgment,
        "parties": list(judgment.parties.all()),
        "documents": list(judgment.documents.order_by("issued_at", "pk")),
        "today": timezone.localdate(),
        "can_write": can(user, Action.WRITE, judgment),
        "can_convert": judgment.can_convert(timezone.localdate()),
        "performance_form": bound.get("performance") or PerformanceForm(),
        "withdraw_form": bound.get("withdraw") or WithdrawForm(),
    }
    return render(request, "urging/judgment_detail.html", context, status=400 if bound else 200)


@login_required
def judgment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, queries.visible_judgment(_user(request), pk))


def _notify(request: HttpRequest, judgment: Judgment, user: User) -> None:
    documents = actions.judgment_notify(judgment, actor=user)
    issued = "、".join(f"{d.get_kind_display()} {d.number}" for d in documents)
    messages.success(
        request,
        _("Issued for judgment %(number)s: %(documents)s.")
        % {"number": judgment.number, "documents": issued},
    )


def _perform(request: HttpRequest, judgment: Judgment, user: User, form: forms.Form) -> None:
    amount = form.cleaned_data["amount"]
    actions.judgment_record_performance(
        judgment, amount=amount, performed_on=form.cleaned_data["performed_on"], actor=user
    )
    # The action took the amount, so it reads; shown as the ledger holds it (R-MONEY-01).
    said = {"amount": format_yuan(parse_amount(amount, field_name="amount")), "number": judgment.number}
    messages.success(request, _("Payment of %(amount)s recorded on judgment %(number)s.") % said)


def _withdraw(request: HttpRequest, judgment: Judgment, user: User, form: forms.Form) -> None:
    actions.judgment_withdraw(judgment, reason=form.cleaned_data["reason"], actor=user)
    messages.success(
        request, _("Supervision of judgment %(number)s withdrawn.") % {"number": judgment.number}
    )


FORMS: dict[str, type[forms.Form]] = {"performance": PerformanceForm, "withdraw": WithdrawForm}


@login_required
@require_POST
def judgment_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One POST per action; a domain error is shown beside its field (or above the page)."""
    user = _user(request)
    judgment = queries.visible_judgment(user, pk)
    if name not in ("notify", "convert", *FORMS):
        raise Http404
    form = FORMS[name](request.POST) if name in FORMS else None
    if form is not None and not form.is_valid():
        return _render_detail(request, judgment, {name: form})
    try:
        if name == "convert":
            case = actions.judgment_convert(judgment, actor=user)
            messages.success(request, _("Enforcement case %(number)s filed.") % {"number": case.number})
            return redirect("case-detail", pk=case.pk)
        if name == "notify":
            _notify(request, judgment, user)
        elif name == "performance":
            _perform(request, judgment, user, cast(forms.Form, form))
        else:
            _withdraw(request, judgment, user, cast(forms.Form, form))
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        if form is None:
            messages.error(request, str(error.message))
            return redirect("judgment-detail", pk=judgment.pk)
        show_form_errors(error, form)
        return _render_detail(request, judgment, {name: form})
    return redirect("judgment-detail", pk=judgment.pk)


@login_required
def voluntary_rates(request: HttpRequest) -> HttpResponse:
    """自动履行率 per court and judge."""
    year_text = request.GET.get("year", "")
    year = (
        int(year_text)
        if year_text.isascii() and year_text.isdigit() and 2000 <= int(year_text) <= 2100
        else None
    )
    rows = queries.voluntary_rates(_user(request), year=year)
    context = {"rows": rows, "totals": queries.court_totals(rows), "year": year}
    return render(request, "urging/rates.html", context)
