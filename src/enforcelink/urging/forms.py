"""Forms of the pre-enforcement pages; they carry values, the rules are in actions/policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcelink.cases.models import BasisType
from enforcelink.core.fields import TextField
from enforcelink.core.forms import DateInput
from enforcelink.urging.models import JudgmentStatus

BASIS_CHOICES = [
    (value, label)
    for value, label in BasisType.choices
    if value in (BasisType.JUDGMENT, BasisType.RULING, BasisType.MEDIATION)
]


class JudgmentForm(forms.Form):
    """登记生效裁判. Amounts and the period stay text so the domain parsers judge them."""

    number = TextField(label=_("Judgment case number"), max_length=64)
    basis_type = forms.ChoiceField(label=_("Kind of judgment"), choices=BASIS_CHOICES)
    judge_name = TextField(label=_("Trial judge"), max_length=50)
    effective_on = forms.DateField(label=_("Effective date"), widget=DateInput())
    performance_days = TextField(label=_("Period to perform (days)"), max_length=4, initial="10")
    principal = TextField(label=_("Principal (yuan)"), max_length=30)
    interest = TextField(label=_("Interest (yuan)"), max_length=30, initial="0", required=False)
    costs = TextField(label=_("Costs (yuan)"), max_length=30, initial="0", required=False)


class PerformanceForm(forms.Form):
    amount = TextField(label=_("Amount paid (yuan)"), max_length=30)
    performed_on = forms.DateField(label=_("Paid on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["performed_on"].initial = timezone.localdate


class WithdrawForm(forms.Form):
    reason = TextField(label=_("Reason"), max_length=200)


class JudgmentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *JudgmentStatus.choices], required=False
    )
    q = TextField(label=_("Case number or party"), max_length=64, required=False)
