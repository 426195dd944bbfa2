"""The application fee on a case's ledger page (funds/fees.py, R-FUND-03): the court's decision (the
officer) and the collection into the court's fee income (the fund clerk). Another court's case, or a
reader who may not act, is a 404 as a missing one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcelink.cases.queries import visible_case
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.forms import show_form_errors
from enforcelink.core.money import format_yuan
from enforcelink.funds import fees
from enforcelink.funds.forms import FeeForm
from enforcelink.funds.views import _case_context
from enforcelink.orgs.permissions import Action, can, signed_in


@login_required
@require_POST
def case_fee_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The court's decision on the fee: waived, reduced, set otherwise, or back to the scale."""
    user = signed_in(request)
    case = visible_case(user, pk)
    if not can(user, Action.PROPOSE_PAYOUT, case):
        raise Http404(_("No such case."))
    form = FeeForm(request.POST, prefix="fee")
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = fees.fee_decide(case, amount=data["amount"], reason=data["reason"], actor=user)
        except NotFound:
            raise Http404(_("No such case.")) from None
        except DomainError as error:
            show_form_errors(error, form)
        else:
            if decision.amount is None:
                messages.success(request, _("The application fee is the scale's again."))
            else:
                messages.success(request, _("The court's decision on the application fee is recorded: %(amount)s.")
                                 % {"amount": format_yuan(decision.amount)})  # fmt: skip
            return redirect(reverse("case-funds", args=[case.pk]) + "#fee")
    return render(request, "funds/case_funds.html", _case_context(request, user, case, fee_form=form))


@login_required
@require_POST
def case_fee_collect(request: HttpRequest, pk: int) -> HttpResponse:
    """The fee held in the case's account goes to the court's fee income."""
    user = signed_in(request)
    case = visible_case(user, pk)
    if not can(user, Action.BOOK_FUNDS, case):
        raise Http404(_("No such case."))
    try:
        journal = fees.fee_collect(case, actor=user)
    except NotFound:
        raise Http404(_("No such case.")) from None
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(amount)s of application fee collected for the court.")
                         % {"amount": format_yuan(journal.amount)})  # fmt: skip
    return redirect(reverse("case-funds", args=[case.pk]) + "#fee")
