"""The forms of asset inquiry: the one-click inquiry (purpose and legal basis, R-ASSET-01), the
supervisors' sample of a period, and a verdict on a sampled inquiry. They check only the form of the
input; the actions check the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcelink.assets.actions import DEFAULT_BASIS, DEFAULT_PURPOSE, MAX_SAMPLE
from enforcelink.assets.models import Verdict


class InquiryForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose"), max_length=300, initial=DEFAULT_PURPOSE)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200, initial=DEFAULT_BASIS)


def _last_month() -> tuple[dt.date, dt.date]:
    first = timezone.localdate().replace(day=1)
    end = first - dt.timedelta(days=1)
    return end.replace(day=1), end


class SampleForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    size = forms.IntegerField(label=_("Sample size"), min_value=1, max_value=MAX_SAMPLE, initial=20)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        start, end = _last_month()
        self.fields["start"].initial, self.fields["end"].initial = start, end


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
