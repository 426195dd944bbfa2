"""Forms for the case pages. They only carry values: the rules live in actions/policy, and their
errors come back here by field name (STYLE.md: the UI shows the same message beside the field)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcelink.cases.actions import CaseFiling, PartyInput
from enforcelink.cases.models import (
    BasisType,
    CaseStatus,
    CaseType,
    ClosureMode,
    IdType,
    PartyKind,
    SuspensionKind,
)
from enforcelink.cases.queries import officer_labels
from enforcelink.core.errors import DomainError, ErrorList
from enforcelink.core.fields import TextField
from enforcelink.core.forms import DateInput
from enforcelink.orgs.models import Court, User

PARTY_ROLES = {"applicants": "applicant", "respondents": "respondent"}
MAX_PARTIES = 20


class CaseFilingForm(forms.Form):
    """立案: the case itself. Amounts stay text so the domain parser judges them (R-MONEY-01)."""

    type_code = forms.ChoiceField(label=_("Case type"), choices=CaseType.choices, initial=CaseType.FIRST)
    filed_on = forms.DateField(label=_("Filing date"), widget=DateInput())
    basis_type = forms.ChoiceField(label=_("Basis type"), choices=[("", "—"), *BasisType.choices])
    basis_body = TextField(label=_("Issuing body"), max_length=150)
    basis_number = TextField(label=_("Basis document number"), max_length=100)
    basis_effective_on = forms.DateField(label=_("Basis effective date"), required=False, widget=DateInput())
    performance_due_on = forms.DateField(
        label=_("Performance period ends"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "The last day the basis gave the debtor; doubled interest for delay runs from the next day."
        ),
    )
    principal = TextField(label=_("Principal (yuan)"), max_length=30, initial="0")
    interest = TextField(label=_("Interest (yuan)"), max_length=30, initial="0", required=False)
    costs = TextField(label=_("Costs (yuan)"), max_length=30, initial="0", required=False)
    is_money_case = forms.BooleanField(label=_("Money case"), required=False, initial=True)
    is_non_litigation = forms.BooleanField(label=_("Non-litigation case"), required=False)
    is_livelihood = forms.BooleanField(label=_("Livelihood (涉民生)"), required=False)
    is_labour_pay = forms.BooleanField(label=_("Labour pay (劳动报酬)"), required=False)
    is_financial = forms.BooleanField(label=_("Financial (涉金融)"), required=False)
    is_enterprise = forms.BooleanField(label=_("Enterprise (涉企)"), required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["filed_on"].initial = timezone.localdate


class PartyForm(forms.Form):
    """One applicant or respondent row; blank rows are skipped."""

    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices, initial=PartyKind.PERSON)
    name = TextField(label=_("Name"), max_length=150)
    id_type = forms.ChoiceField(
        label=_("ID type"),
        choices=[("", _("By kind (resident ID / USCC)")), *IdType.choices],
        required=False,
    )
    id_number = TextField(label=_("ID number"), max_length=40, required=False)
    legal_representative = TextField(
        label=_("Legal representative (organisations)"), max_length=50, required=False
    )
    actual_controller = TextField(label=_("Actual controller (organisations)"), max_length=50, required=False)

    def has_changed(self) -> bool:
        # The kind select always posts a value; a row counts as entered once a text field is filled.
        return any(self[name].value() for name in ("name", "id_number"))


PartyFormSet: type[BaseFormSet[PartyForm]] = formset_factory(
    PartyForm, extra=1, max_num=MAX_PARTIES, validate_max=True, absolute_max=MAX_PARTIES
)


def party_formsets(data: QueryDict | None = None) -> dict[str, BaseFormSet[PartyForm]]:
    return {prefix: PartyFormSet(data, prefix=prefix) for prefix in PARTY_ROLES}


def _total(data: QueryDict, prefix: str) -> int:
    try:
        return max(0, min(int(data.get(f"{prefix}-TOTAL_FORMS", "0")), MAX_PARTIES))
    except ValueError:
        return 0


def with_row_added(data: QueryDict, prefix: str) -> QueryDict:
    """The posted form with one more blank party row (the "add" button)."""
    data = data.copy()
    data[f"{prefix}-TOTAL_FORMS"] = str(min(_total(data, prefix) + 1, MAX_PARTIES))
    return data


def with_row_removed(data: QueryDict, prefix: str, index: int) -> QueryDict:
    """The posted form without row `index`; later rows move up so the formset stays contiguous."""
    data = data.copy()
    total = _total(data, prefix)
    if not 0 <= index < total:
        return data
    for name in PartyForm.base_fields:
        for row in range(index, total - 1):
            data[f"{prefix}-{row}-{name}"] = data.get(f"{prefix}-{row + 1}-{name}", "")
        data.pop(f"{prefix}-{total - 1}-{name}", None)
    data[f"{prefix}-TOTAL_FORMS"] = str(total - 1)
    return data


def party_inputs(
    formsets: dict[str, BaseFormSet[PartyForm]],
) -> tuple[list[PartyInput], dict[str, list[int]]]:
    """The entered parties, and for each role which form row each came from (actions number parties
    per role in order, e.g. "respondents.0.id_number", and `show_errors` maps that back to the row)."""
    rows: dict[str, list[int]] = {}
    parties: list[PartyInput] = []
    for prefix, role in PARTY_ROLES.items():
        rows[prefix] = []
        for index, party_form in enumerate(formsets[prefix].forms):
            if not party_form.has_changed():
                continue
            rows[prefix].append(index)
            values = party_form.cleaned_data
            parties.append(
                PartyInput(
                    role=role,
                    kind=values["kind"],
                    name=values["name"],
                    id_type=values["id_type"],
                    id_number=values["id_number"],
                    legal_representative=values["legal_representative"],
                    actual_controller=values["actual_controller"],
                )
            )
    return parties, rows


def build_filing(
    form: CaseFilingForm, formsets: dict[str, BaseFormSet[PartyForm]], court: Court
) -> tuple[CaseFiling, dict[str, list[int]]]:
    """The filing to hand to `case_file`, and the form row of each party (see `party_inputs`)."""
    parties, rows = party_inputs(formsets)
    data = form.cleaned_data
    filing = CaseFiling(
        court=court,
        filed_on=data["filed_on"],
        type_code=data["type_code"],
        basis_type=data["basis_type"],
        basis_body=data["basis_body"],
        basis_number=data["basis_number"],
        basis_effective_on=data["basis_effective_on"],
        performance_due_on=data["performance_due_on"],
        principal=data["principal"],
        interest=data["interest"] or "0",
        costs=data["costs"] or "0",
        parties=parties,
        **{name: data[name] for name in FLAGS},
    )
    return filing, rows


FLAGS = (
    "is_money_case",
    "is_non_litigation",
    "is_livelihood",
    "is_labour_pay",
    "is_financial",
    "is_enterprise",
    "urgent",
)


def show_errors(
    error: DomainError,
    form: forms.Form,
    formsets: dict[str, BaseFormSet[PartyForm]],
    rows: dict[str, list[int]],
) -> None:
    """Put each domain error beside its field: "principal" on the form, "applicants.0.id_number" on
    the first entered applicant row, "respondents" (none given) above the respondents."""
    errors = error.errors if isinstance(error, ErrorList) else [error]
    for item in errors:
        message = str(item.message)
        head, _dot, rest = (item.field or "").partition(".")
        if head in formsets:
            index_text, _dot, name = rest.partition(".")
            row = _row(rows[head], index_text)
            if row is None:
                formsets[head].non_form_errors().append(message)
            else:
                party_form = formsets[head].forms[row]
                party_form.add_error(name if name in party_form.fields else None, message)
        elif head in form.fields:
            form.add_error(head, message)
        else:
            form.add_error(None, message)


def _row(rows: list[int], index_text: str) -> int | None:
    if not index_text.isdigit() or int(index_text) >= len(rows):
        return None
    return rows[int(index_text)]


class OfficerChoiceIterator(forms.models.ModelChoiceIterator):
    """The officers with the names `queries.officer_labels` gives (a shared name told apart)."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for officer, label in officer_labels(self.queryset):
            yield (forms.models.ModelChoiceIteratorValue(self.field.prepare_value(officer), officer), label)


class OfficerChoiceField(forms.ModelChoiceField):
    iterator = OfficerChoiceIterator


class CaseSearchForm(forms.Form):
    """The case list's search box and filters: an unknown filter value is ignored, never an error page;
    a search text that cannot be searched (too long, a control character) is answered beside the box."""

    q = TextField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Case number, party name, ID number or USCC"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *CaseStatus.choices]
    )
    type_code = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All")), *CaseType.choices]
    )
    officer = OfficerChoiceField(label=_("Officer"), required=False, queryset=User.objects.none())

    def __init__(self, *args: Any, officers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if officers is not None:
            field = self.fields["officer"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = officers
            field.empty_label = str(_("All"))

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {name: self.cleaned_data.get(name) or "" for name in ("q", "status", "type_code")}
        return dict(self.cleaned_data)


class RevealForm(forms.Form):
    """Why the full ID number is needed; recorded with the view (R-ID-05)."""

    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[
            ("document", _("Preparing a document")),
            ("inquiry", _("Asset inquiry")),
            ("verification", _("Identity verification")),
            ("linkage", _("Assistance request to a unit")),
        ],
    )


# --- Forms for the actions on an open case (case detail page) ------------------------------------


class StepForm(forms.Form):
    """Record a procedural step; the action completes the nodes it closes (R-CASE-01, R-CASE-02)."""

    step = forms.ChoiceField(
        label=_("Step"),
        choices=[
            ("notice_and_report_sent", _("Execution notice and property-report order sent")),
            ("execution_notice_sent", _("Execution notice sent")),
            ("property_report_sent", _("Property-report order sent")),
            ("network_inquiry_done", _("Network inquiry done (总对总)")),
            ("local_inquiry_done", _("Local inquiry done (点对点)")),
            ("four_inquiries_done", _("Four inquiries and two reports done")),
        ],
    )
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate


class SuspensionStartForm(forms.Form):
    """R-CASE-03: a period not counted toward the closure deadline begins."""

    kind = forms.ChoiceField(label=_("Kind"), choices=SuspensionKind.choices)
    started_on = forms.DateField(label=_("From"), widget=DateInput())
    reason = TextField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate


class SuspensionEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Until"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate


class ExtensionRequestForm(forms.Form):
    """R-CASE-03: three more months, asked at least 5 days before the deadline."""

    reason = TextField(
        label=_("Reason"), max_length=500, multiline=True, widget=forms.Textarea(attrs={"rows": 2})
    )
    high_court_ref = TextField(
        label=_("High-court filing reference (for a further extension)"), max_length=100, required=False
    )


class ExtensionDecideForm(forms.Form):
    """The president's decision on a pending extension request."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = TextField(label=_("Note"), max_length=300, required=False)


ZB_LABELS = {
    "execution_notice_sent": _("Execution notice sent"),
    "property_report_order_sent": _("Property-report order sent"),
    "consumption_restriction_issued": _("Consumption restriction issued"),
    "dishonest_listing_done_where_eligible": _("Listed as dishonest where eligible"),
    "applicant_leads_checked": _("The applicant's asset leads checked"),
    "network_inquiry_done": _("Network inquiry done"),
    "onsite_investigation_done": _("On-site investigation done"),
    "hidden_assets_searched_where_needed": _("Hidden assets searched where needed"),
    "missing_debtor_searched_where_needed": _("Missing debtor searched for where needed"),
    "obstruction_sanctioned_where_found": _("Obstruction sanctioned where found"),
    "no_undisposed_property": _("No property left undisposed"),
    "debtor_home_visited": _("The debtor's home visited"),
    "applicant_interviewed": _("The applicant interviewed"),
    "applicant_informed_and_heard": _("The applicant informed and heard"),
}
TERMINATION_LABELS = {
    "application_withdrawn": _("The applicant withdrew the application"),
    "basis_revoked": _("The basis document was revoked"),
    "debtor_dead_no_estate": _("The debtor died with no estate and no successor to the obligation"),
    "maintenance_creditor_dead": _("The maintenance creditor died"),
    "debtor_destitute": _("The debtor is destitute and unable to work"),
    "other_by_court": _("Other ground decided by the court"),
}


class CloseForm(forms.Form):
    """R-CASE-05: the closure mode and the data that mode requires (checked by the action)."""

    mode = forms.ChoiceField(label=_("Closure mode"), choices=[("", "—"), *ClosureMode.choices])
    closed_on = forms.DateField(label=_("Closing date"), widget=DateInput())
    settlement_performed = forms.BooleanField(label=_("A settlement was performed"), required=False)
    ground = forms.ChoiceField(
        label=_("Ground"), required=False, choices=[("", "—"), *TERMINATION_LABELS.items()]
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[
            ("", "—"),
            ("transfer", _("Transferred to another court")),
            ("duplicate", _("Duplicate filing")),
        ],
    )
    ruling_number = TextField(label=_("Ruling document number"), max_length=60, required=False)
    note = TextField(label=_("Note"), max_length=300, required=False)

    GROUPS = {
        "fully_performed": ("settlement_performed",),
        "terminated_this_round": tuple(ZB_LABELS),
        "terminated": ("ground", "note"),
        "cancelled": ("reason", "note"),
        "refused": ("ruling_number",),
        "rejected": ("ruling_number",),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate
        for key, label in ZB_LABELS.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)

    def details(self) -> dict[str, Any]:
        """The details for the chosen mode only, keyed as the policy expects."""
        data = self.cleaned_data
        return {key: data.get(key) for key in self.GROUPS.get(data.get("mode", ""), ())}

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Field groups per mode for the template (CSS shows the chosen mode's group)."""
        shown: list[tuple[str, list[forms.BoundField]]] = []
        for mode, names in self.GROUPS.items():
            if mode != "rejected":  # same fields as "refused": one group serves both
                shown.append((mode, [self[name] for name in names]))
        return shown


class AmountsForm(forms.Form):
    """Correct the amounts the basis fixed (a correcting ruling, part of the application withdrawn);
    what is owed follows, and with it the budget of the case's controls (R-ASSET-03). Text, so the
    domain parser judges the amounts (R-MONEY-01)."""

    principal = TextField(label=_("Principal (yuan)"), max_length=30)
    interest = TextField(label=_("Interest (yuan)"), max_length=30, required=False)
    costs = TextField(label=_("Costs (yuan)"), max_length=30, required=False)
    reason = TextField(label=_("Reason"), max_length=300)


class ResumeForm(forms.Form):
    """R-CASE-05: a 终本 case is resumed as a new, linked 执恢 case."""

    reason = TextField(label=_("Reason"), max_length=300)


class ReassignForm(forms.Form):
    """R-CASE-06: move the case to another officer of its court, with the reason."""

    officer = forms.ModelChoiceField(label=_("New officer"), queryset=User.objects.none())
    reason = TextField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, court: Court | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(court=court, role="officer", is_active=True).order_by("username")
