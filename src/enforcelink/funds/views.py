"""The fund pages (issue 15 §11): a case's ledger (台账) with its running balance, the manual receipt,
payouts from proposal to payment, the 不明款 queue, the statement import and the court's ledger, with
their Excel exports. Every page asks `can(...)`; another court's case or payout is a 404, as a
missing one."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from enforcelink.cases.queries import visible_case
from enforcelink.core import audit
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.forms import show_form_errors
from enforcelink.core.money import format_yuan
from enforcelink.core.pages import request_page
from enforcelink.core.tabular import SheetLimits
from enforcelink.funds import actions, bookers, correcting, desk, paying, queries, receiving, references
from enforcelink.funds.fee_panel import fee_context
from enforcelink.funds.forms import (
    AssignForm,
    DecideForm,
    LodgeForm,
    PaidForm,
    ProposeForm,
    ReasonForm,
    ReceiptForm,
    StatementForm,
)
from enforcelink.funds.models import Journal, JournalKind
from enforcelink.funds.payouts import Payout, PayoutStatus
from enforcelink.funds.statements import StatementImport
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can, signed_in

PAGE_SIZE = 50


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _fmt(request: HttpRequest) -> str:
    return request.GET.get("format", "") if request.GET.get("format") in ("csv", "xlsx") else ""


# --- a case's ledger -------------------------------------------------------------------------------


def _case_context(request: HttpRequest, user: User, case: Any, **forms: Any) -> dict[str, Any]:
    account = queries.account_of(user, case)
    if account is None:
        raise Http404(_("No such case."))
    today = timezone.localdate()
    standing = queries.standing(case, today)
    # R-FUND-02: money held is paid out after closure too (执行完毕 is often recorded before the last payout).
    may_propose = can(user, Action.PROPOSE_PAYOUT, case)
    lines = desk.case_ledger(user, case)
    bookers.named(line.entry.journal for line in lines)
    payouts = case.payouts.select_related("party").order_by("-proposed_at", "-pk")
    may_book = can(user, Action.BOOK_FUNDS, case)
    journals = [line.entry.journal for line in lines]
    undone = [line.entry.journal_id for line in lines if line.reversed]
    return {
        "case": case,
        "account": account,
        "reference": references.grouped(account.reference),
        "lines": lines,
        "standing": standing,
        "today": today,
        "balance": queries.balance(case),
        "pending": paying.pending_total(case.pk),
        "payouts": bookers.named(payouts, "proposed_label", into="proposed_name"),
        "surplus": paying.surplus_unclaimed(case) if may_propose else None,
        "may_book": may_book,
        # R-FUND-03: the journals the fund clerk may correct by a reversal (correcting.py says which).
        "reversible": correcting.reversible_ids(journals, reversed_ids=undone) if may_book else set(),
        "may_propose": may_propose,
        "receipt_form": forms.get("receipt_form") or ReceiptForm(prefix="receipt"),
        "propose_form": forms.get("propose_form") or ProposeForm(prefix="propose", case=case),
        # R-FUND-03: the application fee, owed first, the court's money (funds/fees.py).
        "fee": fee_context(user, case, standing, forms.get("fee_form")),
    }


@login_required
def case_funds(request: HttpRequest, pk: int) -> HttpResponse:
    """台账: every movement of the case's account with the running balance; `?format=xlsx|csv`."""
    user = signed_in(request)
    case = visible_case(user, pk)
    if not can(user, Action.READ_COURT_RECORDS, case):
        raise Http404(_("No such case."))
    context = _case_context(request, user, case)
    if fmt := _fmt(request):
        return desk.sheet_response(f"ledger-{case.pk}", _("Case ledger"), desk.case_ledger_header(),
                                   desk.case_ledger_rows(context["lines"]), fmt)  # fmt: skip
    return render(request, "funds/case_funds.html", context)


@login_required
@require_POST
def case_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A voluntary payment booked by the fund clerk (Action.BOOK_FUNDS)."""
    user = signed_in(request)
    case = visible_case(user, pk)
    if not can(user, Action.BOOK_FUNDS, case):
        raise Http404(_("No such case."))
    form = ReceiptForm(request.POST, prefix="receipt")
    if form.is_valid():
        data = form.cleaned_data
        try:
            booked = actions.receipt_record(case, data["amount"], source="voluntary", value_on=data["value_on"],
                                            reference=data["reference"], actor=user)  # fmt: skip
        except NotFound:
            raise Http404(_("No such case.")) from None
        except DomainError as error:
            show_form_errors(error, form)
        else:
            messages.success(request, _("Booked before: nothing new was written.") if booked.duplicate
                             else _("Payment booked."))  # fmt: skip
            return redirect(reverse("case-funds", args=[case.pk]))
    return render(request, "funds/case_funds.html", _case_context(request, user, case, receipt_form=form))


@login_required
@require_POST
def case_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer proposes a payout to an applicant (R-FUND-02)."""
    user = signed_in(request)
    case = visible_case(user, pk)
    if not can(user, Action.PROPOSE_PAYOUT, case):
        raise Http404(_("No such case."))
    form = ProposeForm(request.POST, prefix="propose", case=case)
    if form.is_valid():
        data = form.cleaned_data
        try:
            paying.payout_propose(case, party=data["party"], amount=data["amount"], account=data["account"],
                                  bank=data["bank"], note=data["note"], actor=user)  # fmt: skip
        except NotFound:
            raise Http404(_("No such case.")) from None
        except DomainError as error:
            show_form_errors(error, form)
        else:
            messages.success(request, _("Payout proposed; a team leader or the president approves it."))
            return redirect(reverse("case-funds", args=[case.pk]))
    return render(request, "funds/case_funds.html", _case_context(request, user, case, propose_form=form))


@login_required
@require_POST
def case_surplus(request: HttpRequest, pk: int) -> HttpResponse:
    """R-FUND-04: the surplus put on a return to the debtor."""
    user = signed_in(request)
    case = visible_case(user, pk)
    try:
        paying.surplus_return_propose(case, actor=user)
    except NotFound:
        raise Http404(_("No such case.")) from None
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The surplus is proposed for return to the debtor."))
    return redirect(reverse("case-funds", args=[case.pk]))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_journal_reverse(request: HttpRequest, pk: int, journal_pk: int) -> HttpResponse:
    """R-FUND-03: the fund clerk corrects a movement of the case's ledger by a reversal — first a page
    that shows the movement and what reversing it changes, then, with the reason, the reversal
    (`correcting.journal_correct`). Another court's case or journal, a journal of another case, or a
    reader who may not book: 404, as a missing one."""
    user = signed_in(request)
    case = visible_case(user, pk)
    if not can(user, Action.BOOK_FUNDS, case):
        raise Http404(_("No such case."))
    journal = Journal.objects.visible_to(user).filter(pk=journal_pk, case_id=case.pk).first()
    if journal is None:
        raise Http404(_("No such journal."))
    form = ReasonForm(request.POST or None, prefix="reverse")
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            reversal = correcting.journal_correct(journal, reason=form.cleaned_data["reason"], actor=user)
        except NotFound:
            raise Http404(_("No such journal.")) from None
        except DomainError as error:
            if error.field == "reason":
                show_form_errors(error, form)
            else:  # reversed meanwhile, or the money has gone out since the page was shown
                refused = error.shown()
        else:
            messages.success(request, _("Journal #%(journal)s reversed by journal #%(reversal)s.")
                             % {"journal": journal.pk, "reversal": reversal.pk})  # fmt: skip
            return redirect(reverse("case-funds", args=[case.pk]) + "#ledger")
    elif request.method != "POST":
        try:
            correcting.check_reversible(journal)
        except DomainError as error:
            refused = error.shown()
    effect = correcting.effect(journal, case) if refused is None else None
    if effect is not None and effect.held_after < 0:
        refused = _(
            "Reversing this would leave the case holding %(amount)s: the money has already gone out."
        ) % {"amount": format_yuan(effect.held_after)}
    bookers.named([journal])
    return render(request, "funds/journal_reverse.html", {
        "case": case, "journal": journal, "form": form, "refused": refused, "effect": effect,
    })  # fmt: skip


# --- payouts ---------------------------------------------------------------------------------------

VERBS: dict[str, tuple[Any, Any]] = {
    "approve": (DecideForm, lambda p, d, u: paying.payout_approve(p, actor=u, note=d["note"], account=d["account"], bank=d["bank"])),
    "refuse": (ReasonForm, lambda p, d, u: paying.payout_refuse(p, reason=d["reason"], actor=u)),
    "cancel": (ReasonForm, lambda p, d, u: paying.payout_cancel(p, reason=d["reason"], actor=u)),
    "paid": (PaidForm, lambda p, d, u: paying.payout_paid(p, paid_on=d["paid_on"], actor=u)),
    "returned": (ReasonForm, lambda p, d, u: paying.payout_returned(p, reason=d["reason"], actor=u)),
    "lodge": (LodgeForm, lambda p, d, u: paying.payout_lodge(p, lodged_with=d["lodged_with"], reason=d["reason"],
                                                            lodged_on=d["lodged_on"], actor=u)),
}  # fmt: skip
DONE = {
    "approve": _("Payout approved; the fund clerk pays it."),
    "refuse": _("Payout refused."),
    "cancel": _("Payout withdrawn."),
    "paid": _("Payout recorded as paid."),
    "returned": _("Payout recorded as returned by the bank; the money is the case's again."),
    "lodge": _("Money lodged (提存) and recorded."),
}


@login_required
@require_POST
def payout_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    user = signed_in(request)
    if verb not in VERBS:
        raise Http404(_("No such action."))
    payout = Payout.objects.visible_to(user).filter(pk=pk).first()
    if payout is None:
        raise Http404(_("No such payout."))
    form_class, run = VERBS[verb]
    form = form_class(request.POST)
    back = request.POST.get("next", "")
    local = back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    target = back if local else reverse("funds-payouts")  # a browser takes `/\host` for another site
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(target)
    try:
        run(payout, form.cleaned_data, user)
    except NotFound:
        raise Http404(_("No such payout.")) from None
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, str(DONE[verb]))
    return redirect(target)


@login_required
def payouts_page(request: HttpRequest) -> HttpResponse:
    """Payouts: awaiting my approval, approved to pay (the payment file), money held past its
    R-FUND-02 date, and the latest payouts of the court."""
    user = signed_in(request)
    if not (can(user, Action.PAY_OUT) or can(user, Action.APPROVE_PAYOUT) or can(user, Action.MONITOR_COURT)
            or can(user, Action.PROPOSE_PAYOUT)):  # fmt: skip
        raise PermissionDenied(_("Payouts are for the fund clerk, approvers and the command centre."))
    today = timezone.localdate()
    watch = Action.PAY_OUT if can(user, Action.PAY_OUT) else Action.READ_COURT_RECORDS
    held = desk.held_money(user, watch, today=today) if user.court_id else []
    status = request.GET.get("status", "")
    status = status if status in PayoutStatus.values else ""
    context = {
        "today": today,
        "awaiting": (
            bookers.named(desk.awaiting_approval(user)[:200], "proposed_label", into="proposed_name")
            if can(user, Action.APPROVE_PAYOUT)
            else []
        ),
        "to_pay": list(desk.to_pay(user)[:500]) if can(user, Action.PAY_OUT) else [],
        "held": held,
        "overdue": [row for row in held if row.overdue(today)],
        "page": request_page(
            request, desk.payouts(user, status=status).order_by("-proposed_at", "-pk"), PAGE_SIZE
        ),
        "status": status,
        "status_query": f"status={status}" if status else "",
        "statuses": PayoutStatus.choices,
        "may_pay": can(user, Action.PAY_OUT),
        "may_approve": can(user, Action.APPROVE_PAYOUT),
        "paid_form": PaidForm(),
    }
    return render(request, "funds/payouts.html", context)


@login_required
@require_POST
def payment_file(request: HttpRequest) -> HttpResponse:
    """The bank's payment file of every approved payout (XLSX, or CSV with `format=csv`); recorded on
    the trail with its references."""
    user = signed_in(request)
    if not can(user, Action.PAY_OUT):
        raise PermissionDenied(_("The payment file is the fund clerk's."))
    rows = list(desk.to_pay(user))
    with transaction.atomic():
        audit.record("funds.payment_file_made", None, actor=user, court_id=user.court_id,
                     after={"count": len(rows), "amount": sum((p.amount for p in rows), 0),
                            "references": [p.reference for p in rows]})  # fmt: skip
    fmt = "csv" if request.POST.get("format") == "csv" else "xlsx"
    name = f"payments-{timezone.localdate().isoformat()}"
    return desk.sheet_response(
        name, _("Payments"), desk.payment_file_header(), desk.payment_file_rows(rows), fmt
    )


# --- 不明款 --------------------------------------------------------------------------------------


@login_required
def unidentified_page(request: HttpRequest) -> HttpResponse:
    """The 不明款 queue, the oldest first, past its R-FUND-01 date marked."""
    user = signed_in(request)
    if not can(user, Action.BOOK_FUNDS):
        raise PermissionDenied(_("The unidentified money is the fund clerk's."))
    today = timezone.localdate()
    page = request_page(request, desk.unidentified_waiting(user), PAGE_SIZE)
    # R-FUND-01: beside each, the cases whose respondent bears the payer's name, with their parties.
    candidates = desk.payer_cases(user, page.object_list)
    for item in page.object_list:
        item.payer_cases = candidates.get(item.pk, [])
    return render(request, "funds/unidentified.html", {
        "today": today,
        "page": page,
        "counts": desk.unidentified_counts(user, today),
        "assign_form": AssignForm(),
        "return_form": ReasonForm(),
    })  # fmt: skip


@login_required
@require_safe
def unidentified_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The case the clerk typed beside a 不明款 (number or 一案一账号), with its applicants and
    respondents and whether the payer is one of them, shown before the money is assigned (the
    queue asks it as the clerk types, HTMX). Another court's receipt: 404, as a missing one."""
    user = signed_in(request)
    if not can(user, Action.BOOK_FUNDS):
        raise Http404(_("No such unidentified receipt."))
    item = desk.unidentified_waiting(user).filter(pk=pk).first()
    if item is None:
        raise Http404(_("No such unidentified receipt."))
    text = request.GET.get("case", "").replace("\x00", "").strip()[:60]  # NUL: as the court ledger's
    found = None
    if text:
        with contextlib.suppress(NotFound):  # nothing matched: the fragment says so
            found = desk.case_parties([receiving.case_by_reference_or_number(user, text)])[0]
    return render(request, "funds/_unidentified_case.html", {
        "item": item, "text": text, "found": found, "payer_is": found.payer_is(item.payer_name) if found else "",
    })  # fmt: skip


@login_required
@require_POST
def unidentified_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    user = signed_in(request)
    if verb not in ("assign", "return"):
        raise Http404(_("No such action."))
    try:
        if verb == "assign":
            form: Any = AssignForm(request.POST)
            if form.is_valid():
                case = receiving.case_by_reference_or_number(user, form.cleaned_data["case"])
                receiving.unidentified_assign(pk, case, actor=user, note=form.cleaned_data["note"])
                messages.success(request, _("Assigned to %(case)s.") % {"case": case.number})
        else:
            form = ReasonForm(request.POST)
            if form.is_valid():
                receiving.unidentified_return(pk, reason=form.cleaned_data["reason"], actor=user)
                messages.success(request, _("Returned to the payer."))
    except NotFound as error:
        if error.field == "case":
            messages.error(request, _("No case of this court has that number or account reference."))
        else:
            raise Http404(_("No such unidentified receipt.")) from None
    except DomainError as error:
        messages.error(request, str(error.message))
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("funds-unidentified"))


# --- statements ------------------------------------------------------------------------------------


@login_required
def statements_page(request: HttpRequest) -> HttpResponse:
    """Import a custody account statement (CSV or XLSX): all lines or none, errors by row and column."""
    user = signed_in(request)
    if not can(user, Action.BOOK_FUNDS) or user.court is None:
        raise PermissionDenied(_("Statements are imported by the fund clerk."))
    form = StatementForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                outcome = receiving.statement_import(handle.name, court=user.court, actor=user,
                                                     filename=upload.name, limits=SheetLimits.for_imports())  # fmt: skip
            except DomainError as error:
                form.add_error("file", error.shown())
    imports = StatementImport.objects.visible_to(user).order_by("-created_at", "-pk")[:20]
    return render(request, "funds/statements.html", {"form": form, "outcome": outcome, "imports": bookers.named(imports),
                                                     "layout": receiving.HEADERS})  # fmt: skip


# --- the court's ledger ----------------------------------------------------------------------------


@login_required
def court_ledger(request: HttpRequest) -> HttpResponse:
    """The court's journals with filters (kind, value dates, case), and the accounts' balances."""
    user = signed_in(request)
    if not can(user, Action.BOOK_FUNDS):
        raise PermissionDenied(_("The court's ledger is the fund clerk's."))
    kind = request.GET.get("kind", "")
    filters = desk.LedgerFilters(
        kind=kind if kind in JournalKind.values else "",
        since=_date(request.GET.get("since")),
        until=_date(request.GET.get("until")),
        # A NUL byte no PostgreSQL text holds (psycopg refuses the query): no case number has one.
        case=request.GET.get("case", "").replace("\x00", "").strip()[:60],
    )
    journals = desk.court_ledger(user, filters)
    if fmt := _fmt(request):
        return desk.sheet_response("court-ledger", _("Court ledger"), desk.court_ledger_header(),
                                   desk.court_ledger_rows(bookers.named_in_chunks(journals.iterator(chunk_size=2000))), fmt)  # fmt: skip
    query = request.GET.copy()
    for key in ("after", "before", "format"):
        query.pop(key, None)
    page = request_page(request, journals, PAGE_SIZE)
    bookers.named(page.object_list)
    return render(request, "funds/court_ledger.html", {
        "page": page, "filters": filters, "kinds": JournalKind.choices,
        "totals": desk.held_total(user), "query": query.urlencode(),
    })  # fmt: skip
