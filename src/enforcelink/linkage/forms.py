"""Forms of the linkage pages. The result form is built from the request type's result fields
(`policy.RESULT_FIELDS`), so a liaison fills in exactly what the court needs back."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcelink.cases.models import Case
from enforcelink.core.errors import DomainError, ErrorList
from enforcelink.core.fields import TextField
from enforcelink.core.text import pinyin_key
from enforcelink.linkage import policy
from enforcelink.linkage.models import RequestStatus, RequestType
from enforcelink.linkage.queries import UNIT_TYPE_ORDER
from enforcelink.orgs.models import LinkageUnit, UnitType

ITEM_ROWS = 3
MAX_DUE_WITHIN = 60  # working days: about three months
MIN_YEAR, MAX_YEAR = 2000, 2100
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
    "waiting": _("Registered behind an earlier seizure (轮候查封)"),
    "released_on": _("Released on"),
    "location": _("Location"),
    "seen_at": _("Seen on"),
    "failure_reason": _("Why it was not done"),
    "price": _("Reference price (yuan)"),
    "basis": _("Basis of the price"),
    "valid_until": _("Valid until"),
    "valuer": _("Given by"),
    "served": _("Served"),
    "served_on": _("Served on"),
    "method": _("Method of service (直接送达, 留置送达 …)"),
    "recipient": _("Received by"),
    "vehicle_found": _("Vehicle found"),
    "detained": _("Vehicle detained"),
    "plate": _("Plate number"),
    "kept_at": _("Where it is kept"),
    "detained_on": _("Detained on"),
    "control_placed": _("Control placed"),
    "controlled_until": _("Controlled until"),
    "sightings_via": _("Sightings reported through"),
    "carried_out": _("Carried out"),
    "delivered_to": _("Person delivered to"),
    "carried_out_on": _("Carried out on"),
    "recorded": _("Restriction recorded"),
    "effective_on": _("Effective from"),
    "border_reference": _("Border authority's reference"),
    "notified_body": _("Body notified"),
    "notified_on": _("Notified on"),
    "reference": _("Reference number"),
    "response": _("Its response"),
    "platform": _("Pushed to platform"),
    "record_id": _("Record number on the platform"),
    "pushed_on": _("Pushed on"),
    "vehicles": _("Vehicles registered"),
    "holdings": _("Securities held"),
    "market_value": _("Market value (yuan)"),
    "equity": _("Equity held"),
    "company": _("Company"),
    "share": _("Capital contributed or share held"),
    "tax_records": _("Tax and invoice records"),
    "period": _("Tax period"),
    "tax_kind": _("Tax or invoice kind"),
    "amount": _("Amount (yuan)"),
    "refunds": _("Tax refunds due to the debtor"),
    "employer": _("Employer"),
    "insurance_status": _("Insurance status"),
    "monthly_pension": _("Monthly pension (yuan)"),
    "documents": _("Exit-entry documents"),
    "document_type": _("Kind of document"),
    "number": _("Number"),
    "registered_address": _("Registered residence (户籍地址)"),
    "current_address": _("Current address"),
    "marital_status": _("Marital status"),
    "spouse": _("Spouse's name"),
    "numbers": _("Phone numbers"),
    "status": _("Number status (in use, suspended …)"),
    "address": _("Address given at registration"),
    "registration_authority": _("Registered at (police station)"),
    "last_exit_on": _("Last left the country on"),
}
# A person inquiry finds a record of someone, not property (issue 14 §3): what differs from `LABELS`.
RECORD_FOUND = {"found": _("Record found")}
TYPE_LABELS: dict[str, dict[str, Any]] = {
    "inquire_household": RECORD_FOUND,
    "inquire_exit_entry": {**RECORD_FOUND, "documents": _("Exit-entry documents held")},
    "inquire_marriage": RECORD_FOUND,
    "inquire_phone": RECORD_FOUND,
    "inquire_tax": RECORD_FOUND,
    "inquire_social_insurance": RECORD_FOUND,
    "locate_person": {
        "found": _("Whereabouts found"),
        "location": _("Last known whereabouts"),
        "seen_at": _("Last seen on"),
    },
}


def field_label(name: str, request_type: str = "") -> Any:
    """A result field's label as the request type's reply form shows it; None for an unknown name."""
    return TYPE_LABELS.get(request_type, {}).get(name) or LABELS.get(name)


def _kind_groups() -> list[tuple[Any, list[tuple[str, Any]]]]:
    """The request types as the send form offers them: the inquiries first (一键查询), then the
    measures and other help, each in `RequestType`'s order."""
    inquiries = [(value, label) for value, label in RequestType.choices if value in policy.INQUIRIES]
    others = [(value, label) for value, label in RequestType.choices if value not in policy.INQUIRIES]
    return [(_("Inquiries"), inquiries), (_("Measures and other help"), others)]


class UnitsField(forms.TypedMultipleChoiceField):
    """Units by id. Offered (`choices`) are the units that handle a chosen kind; accepted is any
    active unit of the court's directory (`directory`), so a unit ticked before the kinds changed is
    answered in the report ("does not handle this kind") rather than lost. Anything else — another
    court's unit, an id that is no unit, a negative or absurd number, text — is named as invalid."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, **kwargs)
        self.directory: dict[int, LinkageUnit] = {}

    def valid_value(self, value: Any) -> bool:
        text = str(value)
        return text.isascii() and text.isdigit() and len(text) < 19 and int(text) in self.directory

    def clean(self, value: Any) -> list[LinkageUnit]:
        pks = super().clean(value)
        return [self.directory[pk] for pk in dict.fromkeys(pks)]


class SendForm(forms.Form):
    """一键查控: one or several kinds of request to several units of the court's directory at once.
    The units offered are those whose responsibility list covers a chosen kind (grouped by unit type,
    in pinyin order); each unit chosen is asked for every chosen kind it handles."""

    request_type = forms.MultipleChoiceField(
        label=_("What to ask"), choices=_kind_groups, widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose what to ask."),
            "invalid_choice": _("%(value)s is not a kind of request."),
        },
    )  # fmt: skip
    units = UnitsField(
        label=_("Units"), widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one unit."),
            "invalid_choice": _("%(value)s is not a unit your court can send to."),
        },
    )  # fmt: skip
    purpose = TextField(label=_("Purpose"), max_length=300)
    legal_basis = TextField(label=_("Legal basis"), max_length=200, initial=DEFAULT_BASIS)
    measure = TextField(label=_("Exactly what is asked (optional)"), max_length=300, required=False)
    amount = TextField(label=_("Amount (yuan, for freezes and deductions)"), max_length=30, required=False)
    account = TextField(label=_("Account or certificate number (optional)"), max_length=300, required=False)

    def __init__(
        self, *args: Any, groups: Any = (), directory: dict[int, LinkageUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(UnitsField, self.fields["units"])
        field.choices = [(group.label, [(unit.pk, unit.name) for unit in group.units]) for group in groups]
        field.directory = directory or {}

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("measure", "amount", "account") if data.get(name)}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Optional files (`<input type=file multiple>`); their checks are the action's
    (`linkage.attachments`), so a refusal reads the same on the page as in the API."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", _("PDF, OFD, Word, Excel, JPEG, PNG, text or CSV; at most 10 files."))
        super().__init__(required=False, widget=MultipleFileInput(), **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [file for file in files if file]


class ReasonForm(forms.Form):
    reason = TextField(label=_("Reason"), max_length=500)


class ReplyReasonForm(ReasonForm):
    """The unit's rejection or return, with the files that explain it."""

    attachments = AttachmentsField()


class MessageForm(forms.Form):
    body = TextField(
        label=_("Message"),
        max_length=4000,
        required=False,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = AttachmentsField()


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Waiting for us")), *RequestStatus.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_after = forms.DateField(
        label=_("Due on or after"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_before = forms.DateField(
        label=_("Due on or before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_within = forms.IntegerField(
        label=_("Due within (working days)"), required=False, min_value=0, max_value=MAX_DUE_WITHIN,
        widget=forms.NumberInput(attrs={"size": 3}),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        after, before = data.get("due_after"), data.get("due_before")
        if after and before and after > before:
            self.add_error("due_before", _("The end of the range is before its start."))
        for name in ("due_after", "due_before"):
            day = data.get(name)
            if day is not None and not (MIN_YEAR <= day.year <= MAX_YEAR) and name not in self.errors:
                self.add_error(
                    name, _("Give a date between %(low)d and %(high)d.") % {"low": MIN_YEAR, "high": MAX_YEAR}
                )
        return data


class ApprovalForm(forms.Form):
    """The approver's decision on a request awaiting approval; a refusal says why."""

    note = TextField(label=_("Reason (required to refuse)"), max_length=500, required=False)


BATCH_MAX_CASES = 500


def grouped_units(units: Any) -> list[tuple[Any, Any]]:
    """A unit select's options: grouped by unit type in `queries.UNIT_TYPE_ORDER`, names in pinyin
    order, instead of the type codes' alphabet and code-point order."""
    labels = dict(UnitType.choices)
    groups: dict[str, list[LinkageUnit]] = {}
    for unit in units:
        groups.setdefault(unit.unit_type, []).append(unit)
    return [("", "---------")] + [
        (
            labels.get(kind, kind),
            [(unit.pk, unit.name) for unit in sorted(groups[kind], key=lambda u: pinyin_key(u.name))],
        )
        for kind in sorted(groups, key=lambda kind: UNIT_TYPE_ORDER.get(kind, len(UNIT_TYPE_ORDER)))
    ]


class BatchForm(forms.Form):
    """Many cases to one unit (a bank's daily batch, issue 4 §3): the cases pasted by 案号 or id, one
    a line, and/or ticked from the officer's open cases."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=LinkageUnit.objects.none())
    request_type = forms.ChoiceField(label=_("Request"), choices=RequestType.choices)
    purpose = TextField(label=_("Purpose"), max_length=300)
    legal_basis = TextField(label=_("Legal basis"), max_length=200, initial=DEFAULT_BASIS)
    measure = TextField(label=_("Exactly what is asked (optional)"), max_length=300, required=False)
    amount = TextField(label=_("Amount (yuan, for freezes and deductions)"), max_length=30, required=False)
    account = TextField(label=_("Account or certificate number (optional)"), max_length=300, required=False)
    numbers = TextField(
        label=_("Case numbers or ids, one a line"), required=False, max_length=50000, multiline=True,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    cases = forms.ModelMultipleChoiceField(
        label=_("My open cases"), queryset=Case.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, units: Any = None, cases: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            field = cast(forms.ModelChoiceField, self.fields["unit"])
            field.queryset = units
            field.choices = grouped_units(units)
        if cases is not None:
            cast(forms.ModelMultipleChoiceField, self.fields["cases"]).queryset = cases

    def lines(self) -> list[str]:
        """The pasted lines, stripped, blanks dropped, each once in the order given."""
        seen: dict[str, None] = {}
        for line in self.cleaned_data.get("numbers", "").splitlines():
            if line.strip():
                seen.setdefault(line.strip(), None)
        return list(seen)

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("measure", "amount", "account") if data.get(name)}


def _field(spec: policy.Field, *, required: bool, request_type: str = "") -> forms.Field:
    label = field_label(spec.name, request_type) or spec.name
    if spec.kind == "bool":
        return forms.TypedChoiceField(
            label=label, choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], required=required,
            coerce=lambda value: value == "yes",
        )  # fmt: skip
    if spec.kind == "date":
        return TextField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    return TextField(label=label, required=required, max_length=500)


class ResultForm(forms.Form):
    """Scalars as fields; a list (accounts, property found) as a few rows `accounts-0-balance` …"""

    def __init__(self, request_type: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_type = request_type
        self.specs = policy.result_fields(request_type)
        for spec in self.specs:
            if spec.kind != "items":  # the domain check says what is missing
                self.fields[spec.name] = _field(spec, required=False, request_type=request_type)
                continue
            for row in range(ITEM_ROWS):
                for sub in spec.item:
                    self.fields[f"{spec.name}-{row}-{sub.name}"] = _field(
                        sub, required=False, request_type=request_type
                    )
        self.fields["attachments"] = AttachmentsField()  # the statement or extract behind the result

    def tables(self) -> list[tuple[str, list[str], list[list[forms.BoundField]]]]:
        """The list fields as (label, column labels, rows of bound fields) for the template."""
        out = []
        for spec in self.specs:
            if spec.kind == "items":
                columns = [str(field_label(sub.name, self.request_type) or sub.name) for sub in spec.item]
                rows = [
                    [self[f"{spec.name}-{row}-{sub.name}"] for sub in spec.item] for row in range(ITEM_ROWS)
                ]
                out.append((str(field_label(spec.name, self.request_type) or spec.name), columns, rows))
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
            spec = next((spec for spec in self.specs if spec.name == name and spec.kind == "items"), None)
            if spec is not None:  # a list that must not be empty: beside its first row's first cell
                name = f"{name}-0-{spec.item[0].name}"
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
