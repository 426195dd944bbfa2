"""The fund pages' forms: they check the form of input only; the actions check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcelink.cases.models import Case, PartyRole
from enforcelink.core.fields import TextField
from enforcelink.core.forms import DateInput


class ReceiptForm(forms.Form):
    """A voluntary payment the fund clerk books by hand (counter, transfer seen on the account)."""

    amount = TextField(label=_("Amount (yuan)"), max_length=20)
    value_on = forms.DateField(label=_("Value date"), widget=DateInput(), initial=timezone.localdate)
    reference = TextField(label=_("Reference (receipt or bank number)"), max_length=100, required=False)


class ProposeForm(forms.Form):
    party = forms.TypedChoiceField(label=_("Applicant"), coerce=int)
    amount = TextField(label=_("Amount (yuan)"), max_length=20)
    account = TextField(label=_("Payee's account"), max_length=64)
    bank = TextField(label=_("Payee's bank"), max_length=200, required=False)
    note = TextField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        applicants = case.parties.filter(role=PartyRole.APPLICANT).order_by("pk")
        self.fields["party"].choices = [  # type: ignore[attr-defined]
            (party.pk, party.name) for party in applicants
        ]


class DecideForm(forms.Form):
    note = TextField(label=_("Note or reason"), max_length=500, required=False)
    account = TextField(label=_("Payee's account"), max_length=64, required=False)
    bank = TextField(label=_("Payee's bank"), max_length=200, required=False)


class PaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput(), initial=timezone.localdate)


class ReasonForm(forms.Form):
    reason = TextField(label=_("Reason"), max_length=500)


class LodgeForm(forms.Form):
    lodged_with = TextField(label=_("Lodged with"), max_length=200)
    reason = TextField(label=_("Why"), max_length=500)
    lodged_on = forms.DateField(label=_("Lodged on"), widget=DateInput(), initial=timezone.localdate)


class AssignForm(forms.Form):
    case = TextField(label=_("Case number or account reference"), max_length=60)
    note = TextField(label=_("Note"), max_length=500, required=False)


class StatementForm(forms.Form):
    file = forms.FileField(label=_("Statement (CSV or XLSX)"))


class FeeForm(forms.Form):
    """The court's decision on the application fee (funds/fees.py): empty puts it back to the scale."""

    amount = TextField(label=_("Application fee decided (yuan)"), max_length=20, required=False)
    reason = TextField(label=_("Reason"), max_length=500)
