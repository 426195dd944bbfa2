"""Forms of the linkage pages. The result form is built from the request type's result fields
(`policy.RESULT_FIELDS`), so a liaison fills in exactly what the court needs back."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcelink.core.errors import DomainError, ErrorList
from enforcelink.linkage import policy
from enforcelink.linkage.models import RequestStatus, RequestType
from enforcelink.orgs.models import LinkageUnit

ITEM_ROWS = 3
DEFAULT_BASIS = "《中华人民共和国民事诉讼法》第二百四十九条、第二百五十三条"
LABELS = {
    "found": _("Anything found"),
    "accounts": _("Accounts"),
    "institution": _("Institution"),
    "account": _("Account"),
    "balance": _("Balance (yuan)"),
    "items": _("Property found"),
    "description": _("Description"),
    "certificate": _("Certificate number"),
    "encumbrance": _("Mortgage or other encumbrance"),
    "note": _("Note"),
    "outcome": _("Outcome"),
    "frozen_amount": _("Amount frozen (yuan)"),
    "frozen_until": _("Frozen until"),
    "released_amount": _("Amount released (yuan)"),
    "deducted_amount": _("Amount deducted (yuan)"),
    "transfer_reference": _("Transfer reference"),
    "registered_on": _("Registered on"),
    "seized_until": _("Seized until"),
    "released_on": _("Released on"),
    "location": _("Location"),
    "seen_at": _("Seen on"),
}


class SendForm(forms.Form):
    """一键查控: one request type to several units of the region at once."""

    request_type = forms.ChoiceField(label=_("Request"), choices=RequestType.choices)
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=LinkageUnit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200, initial=DEFAULT_BASIS)
    measure = forms.CharField(label=_("Exactly what is asked (optional)"), max_length=300, required=False)
    amount = forms.CharField(
        label=_("Amount (yuan, for freezes and deductions)"), max_length=30, required=False
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            cast(forms.ModelMultipleChoiceField, self.fields["units"]).queryset = units

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("measure", "amount") if data.get(name)}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Waiting for us")), *RequestStatus.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


def _field(spec: policy.Field, *, required: bool) -> forms.Field:
    label = LABELS.get(spec.name, spec.name)
    if spec.kind == "bool":
        return forms.TypedChoiceField(
            label=label, choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], required=required,
            coerce=lambda value: value == "yes",
        )  # fmt: skip
    if spec.kind == "date":
        return forms.CharField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    return forms.CharField(label=label, required=required, max_length=500)


class ResultForm(forms.Form):
    """Scalars as fields; a list (accounts, property found) as a few rows `accounts-0-balance` …"""

    def __init__(self, request_type: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = policy.result_fields(request_type)
        for spec in self.specs:
            if spec.kind != "items":
                self.fields[spec.name] = _field(spec, required=False)  # the domain check says what is missing
                continue
            for row in range(ITEM_ROWS):
                for sub in spec.item:
                    self.fields[f"{spec.name}-{row}-{sub.name}"] = _field(sub, required=False)

    def tables(self) -> list[tuple[str, list[str], list[list[forms.BoundField]]]]:
        """The list fields as (label, column labels, rows of bound fields) for the template."""
        out = []
        for spec in self.specs:
            if spec.kind == "items":
                columns = [str(LABELS.get(sub.name, sub.name)) for sub in spec.item]
                rows = [
                    [self[f"{spec.name}-{row}-{sub.name}"] for sub in spec.item] for row in range(ITEM_ROWS)
                ]
                out.append((str(LABELS.get(spec.name, spec.name)), columns, rows))
        return out

    def scalars(self) -> list[forms.BoundField]:
        return [self[spec.name] for spec in self.specs if spec.kind != "items"]

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        payload: dict[str, Any] = {}
        for spec in self.specs:
            if spec.kind != "items":
                if data.get(spec.name) not in (None, ""):
                    payload[spec.name] = data[spec.name]
                continue
            rows = [{sub.name: data.get(f"{spec.name}-{row}-{sub.name}") or None for sub in spec.item}
                    for row in range(ITEM_ROWS)]  # fmt: skip
            filled = [{k: v for k, v in row.items() if v} for row in rows if any(row.values())]
            if filled:
                payload[spec.name] = filled
        return payload

    def show(self, error: DomainError) -> None:
        """`result.accounts.0.balance` → the `accounts-0-balance` input; anything else above the form."""
        for item in error.errors if isinstance(error, ErrorList) else [error]:
            name = (item.field or "").removeprefix("result.").replace(".", "-")
            self.add_error(name if name in self.fields else None, str(item.message))


class ReplyUploadForm(forms.Form):
    request_type = forms.ChoiceField(label=_("Request"), choices=RequestType.choices)
    file = forms.FileField(label=_("Filled-in sheet (.xlsx or .csv)"))
    partial = forms.BooleanField(label=_("Apply the good rows even if some are wrong"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
