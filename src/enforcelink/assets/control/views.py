"""The controls part of the case page's 财产 panel (issue 15 §4–§5, §11): the budget (total, used, left,
with the R-MONEY-02 note), each measure with its status, amount, term end and days left, and the forms
to freeze (from an account found, the amount pre-filled with min(balance, left)), seize, deduct from a
freeze in effect and release. HTMX swaps the section in place with the error beside its field; without
JavaScript the page reloads with a message. For the case's officers and team leaders; anyone else
who reads the case sees the figures only, and a write by anyone else is a 404. On a seizure of ours
first in line behind another court's (R-ASSET-04), the form recording that the other court's
seizure was freed (`earlier_freed`, the API's `asset-records/<id>/earlier-freed/` on the page)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcelink.assets.control import actions, queries
from enforcelink.assets.control.actions import FREEZABLE, SEIZABLE
from enforcelink.assets.control.models import IN_EFFECT, ControlMeasure, MeasureKind
from enforcelink.assets.expiry import waiting
from enforcelink.assets.models import AssetRecord
from enforcelink.cases.models import Case
from enforcelink.cases.queries import visible_case
from enforcelink.core.errors import DomainError, RuleViolation
from enforcelink.core.money import format_yuan
from enforcelink.linkage import queries as linkage_queries
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can

TEMPLATE = "assets/control/_controls.html"


def _yuan(amount: Decimal | None) -> str:
    """An amount in a message as pages show money (R-MONEY-01: 1,000.00 元)."""
    return format_yuan(amount) if amount is not None else "—"


def controls_context(case: Case, user: Any) -> dict[str, Any]:
    """What the section shows: the figures, the measures, and for who may act the records to freeze
    or seize with their pre-filled amounts, and the police units that detain vehicles — none of them
    when nothing is owed any more (the ledger's standing, R-ASSET-03), and `nothing_left` says why."""
    found = queries.controls(user, case)
    may = can(user, Action.CONTROL_ASSETS, case)
    left: Decimal = found["budget"]["left"]
    nothing_left = found["raw"].nothing_left
    freezable, seizable, police = [], [], []
    if may and not case.is_closed and not nothing_left:
        units = None
        for record in (
            AssetRecord.objects.visible_to(user).filter(case=case).select_related("unit").order_by("pk")
        ):
            if record.unit_id is None:
                continue
            # R-ASSET-03: a record already held (or its measure awaiting an answer) offers no second
            # freeze or seizure; its row shows that measure's state instead (`actions.ALREADY_HELD`).
            record.held_by = actions.holding_measure(record, found["measures"], found["raw"])
            if record.kind in FREEZABLE:
                # What the request will carry, from the record: the account, the institution, the
                # unit it goes to (`actions.route`), and at most what the budget has left.
                units = actions.directory(user) if units is None else units
                record.route = actions.route(record, MeasureKind.FREEZE, units)
                record.prefill = min(record.value, left) if record.value is not None else left
                freezable.append(record)
            elif record.kind in SEIZABLE:
                seizable.append(record)
        police = [unit for unit in linkage_queries.directory_units(user) if unit.unit_type == "police"]
    if may and not case.is_closed:
        _deduct_prefill(found["measures"], found["raw"])
    return {
        "case": case, "budget": found["budget"], "measures": found["measures"], "may_control": may,
        "open": not case.is_closed, "freezable": freezable, "seizable": seizable, "police": police,
        "nothing_left": nothing_left,
    }  # fmt: skip


def _deduct_prefill(measures: list[ControlMeasure], figures: Any) -> None:
    """Each freeze in effect's deduction form starts at what it can still give — what it holds less
    the deductions already asked of it — and no more than is still owed less every deduction asked
    (the budget's total, R-ASSET-03): money deducted beyond what is owed goes back as surplus."""
    asked = sum(figures.deducting.values(), Decimal("0.00"))
    owed = max(figures.total - asked, Decimal("0.00"))
    for measure in measures:
        held = getattr(measure, "held", None)
        if measure.kind == MeasureKind.FREEZE and held:
            free = max(held - figures.deducting.get(measure.pk, Decimal("0.00")), Decimal("0.00"))
            measure.deduct_prefill = min(free, owed)  # type: ignore[attr-defined]


def _answer(request: HttpRequest, case: Case, *, flash: str = "", error: DomainError | None = None,
            form: str = "") -> HttpResponse:  # fmt: skip
    if not request.headers.get("HX-Request"):
        if error is not None:
            messages.error(request, str(error.message))
        else:
            messages.success(request, flash)
        return redirect(reverse("case-detail", args=[case.pk]) + "#assets-controls")
    context = controls_context(case, request.user)
    context.update({
        "flash": flash, "error": str(error.message) if error else "",
        "error_field": f"{form}-{error.field}" if error and error.field else "", "posted": request.POST,
    })  # fmt: skip
    return render(request, TEMPLATE, context, status=200)


def _case(request: HttpRequest, pk: int) -> tuple[User, Case]:
    user = cast(User, request.user)
    case = visible_case(user, pk)
    if not can(user, Action.CONTROL_ASSETS, case):
        raise Http404
    return user, case


def _measure(request: HttpRequest, pk: int) -> tuple[User, ControlMeasure]:
    user = cast(User, request.user)
    measure = ControlMeasure.objects.visible_to(user).select_related("case").filter(pk=pk).first()
    if measure is None or not can(user, Action.CONTROL_ASSETS, measure.case):
        raise Http404
    return user, measure


@login_required
@require_POST
def freeze(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    form = f"freeze-{request.POST.get('record', '')}"
    try:
        sent = actions.freeze(case, record=_int(request.POST.get("record")), amount=request.POST.get("amount", ""),
                              actor=user)  # fmt: skip
    except DomainError as error:
        return _answer(request, case, error=error, form=form)
    flash = _("Freeze of %(amount)s sent to %(unit)s.") % {
        "amount": _yuan(sent.measure.requested_amount), "unit": sent.measure.unit.name,
    }  # fmt: skip
    if sent.fallback and sent.measure.record is not None:
        flash += " " + _fallback_note(sent.measure.record.institution, sent.measure.unit.name)
    return _answer(request, case, flash=flash)


def _fallback_note(institution: str, unit: str) -> str:
    return _(
        "No unit of the court's directory is %(institution)s (taking freezes): the request went to %(unit)s, "
        "which reported the account."
    ) % {"institution": institution, "unit": unit}


@login_required
@require_POST
def seize(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    record = _int(request.POST.get("record"))
    form = f"seize-{record or ''}"
    police = _int(request.POST.get("police"))
    try:
        if police:
            unit = linkage_queries.directory_units(user).filter(pk=police).first()
            if unit is None:
                raise DomainError("NOT_FOUND", _("Not found."), field="police")
            sent = actions.detain_vehicle(case, record=record or 0, unit=unit, value=request.POST.get("value", ""),
                                          actor=user, indivisible_reason=request.POST.get("indivisible_reason", ""))  # fmt: skip
        else:
            sent = actions.seize(case, record=record or 0, value=request.POST.get("value", ""), actor=user,
                                 indivisible_reason=request.POST.get("indivisible_reason", ""))  # fmt: skip
    except DomainError as error:
        return _answer(request, case, error=error, form=form)
    return _answer(request, case, flash=_("%(kind)s sent to %(unit)s.")
                   % {"kind": sent.measure.get_kind_display(), "unit": sent.measure.unit.name})  # fmt: skip


@login_required
@require_POST
def deduct(request: HttpRequest, pk: int) -> HttpResponse:
    user, measure = _measure(request, pk)
    try:
        sent = actions.deduct(measure, amount=request.POST.get("amount", ""), actor=user)
    except DomainError as error:
        return _answer(request, measure.case, error=error, form=f"deduct-{measure.pk}")
    return _answer(request, measure.case, flash=_("Deduction of %(amount)s sent for approval.")
                   % {"amount": _yuan(sent.measure.requested_amount)})  # fmt: skip


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    user, measure = _measure(request, pk)
    try:
        done = actions.release(measure, reason=request.POST.get("reason", ""), amount=request.POST.get("amount") or None,
                               actor=user)  # fmt: skip
    except DomainError as error:
        return _answer(request, measure.case, error=error, form=f"release-{measure.pk}")
    text = (_("The unanswered measure was withdrawn.") if done.pk == measure.pk
            else _("%(kind)s of %(amount)s sent.") % {"kind": done.get_kind_display(), "amount": _yuan(done.requested_amount)})  # fmt: skip
    return _answer(request, measure.case, flash=text)


@login_required
@require_POST
def earlier_freed(request: HttpRequest, pk: int) -> HttpResponse:
    """R-ASSET-04 from the waiting seizure's row: the officer records, from what the registry says,
    that the other court's seizure ahead of it was released on `on`, or lapsed with `on` its last
    day; the first of the court's seizures waiting on the property takes effect (the release day, or
    the day after), within the budget (`expiry.waiting`). A measure not waiting first in line:
    NOT_WAITING; anyone who may not control the case's property: 404."""
    user, measure = _measure(request, pk)
    form = f"freed-{measure.pk}"
    try:
        if not (measure.kind == MeasureKind.SEIZE and measure.status in IN_EFFECT and measure.record_id
                and measure.waiting_position == 1):  # fmt: skip
            raise RuleViolation(
                "NOT_WAITING", _("This seizure is not first in line behind another court's."), field="measure"
            )
        promoted = waiting.earlier_freed(
            measure.record_id, how=request.POST.get("how", ""), on=request.POST.get("on", ""),
            note=request.POST.get("note", ""), actor=user,
        )  # fmt: skip
    except DomainError as error:
        return _answer(request, measure.case, error=error, form=form)
    if promoted is None:
        flash = _(
            "Recorded. A seizure of the court still holds the property ahead of the line: none took effect."
        )
    else:
        flash = _("The waiting seizure took effect on %(on)s; it holds until %(end)s.") % {
            "on": promoted.term_start, "end": promoted.term_end,
        }  # fmt: skip
    return _answer(request, measure.case, flash=flash)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


__all__ = ["MeasureKind", "controls_context", "deduct", "earlier_freed", "freeze", "release", "seize"]
