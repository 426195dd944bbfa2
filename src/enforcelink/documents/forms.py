"""The administrators' form for a new template version (issue 3 §1).

The form only checks the shape of the input (a kind, a court the administrator may pick, a body typed
or uploaded as UTF-8 text). Whether the body is a valid template is decided by `template_save`, which
the admin view calls; its coded error is then shown beside the field it names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcelink.core.fields import TextField
from enforcelink.documents import policy
from enforcelink.documents.batch import EXTRA_FIELDS
from enforcelink.documents.models import DocumentKind
from enforcelink.orgs.models import Court
from enforcelink.orgs.permissions import Action, can

MAX_UPLOAD_BYTES = policy.MAX_BODY * 4  # UTF-8 takes up to 4 bytes a character


def variant_choices() -> list[tuple[str, Any]]:
    """The general text, then each kind's catalogued variants grouped under the kind's name."""
    groups: list[tuple[Any, Any]] = [("", _("General text (no variant)"))]
    for kind, catalogue in policy.TEMPLATE_VARIANTS.items():
        label = DocumentKind(kind).label
        groups.append((label, [(code, f"{name} ({code})") for code, name in catalogue.items()]))
    return groups


class TemplateVersionForm(forms.Form):
    """Kind, variant, court, body (or a .txt upload) and a change note; never an existing row."""

    kind = forms.ChoiceField(label=_("document kind"), choices=DocumentKind.choices)
    variant = forms.ChoiceField(
        label=_("variant"),
        required=False,
        choices=variant_choices,
        help_text=_("Only the assistance notice has variants, one per kind of request."),
    )
    court = forms.ModelChoiceField(label=_("court"), queryset=Court.objects.none(), required=False)
    body = TextField(
        label=_("template body"),
        required=False,
        strip=False,
        multiline=True,
        widget=forms.Textarea(
            attrs={"rows": 28, "cols": 100, "class": "vLargeTextField", "spellcheck": "false"}
        ),
        help_text=_("One paragraph per line; {{ name }} placeholders from the list below."),
    )
    body_file = forms.FileField(
        label=_("or upload a .txt file"),
        required=False,
        help_text=_("UTF-8 text; when a file is chosen it replaces the text typed above."),
    )
    note = TextField(label=_("change note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        court = self.fields["court"]
        assert isinstance(court, forms.ModelChoiceField)
        if can(user, Action.EDIT_DEFAULTS):
            court.queryset = Court.objects.order_by("code")
            court.empty_label = str(_("Platform default (all courts)"))
            court.help_text = _("Empty: the default every court uses unless it has its own version.")
        else:
            # A court administrator writes their own court's versions only (the defaults belong to all).
            court.queryset = Court.objects.filter(pk=user.court_id)
            court.required = True
            court.empty_label = None
            court.initial = getattr(user, "court_id", None)

    def clean_body_file(self) -> str | None:
        upload = self.cleaned_data.get("body_file")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large for a template."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        uploaded = data.get("body_file")
        if uploaded is not None:
            data["body"] = uploaded
        # One line-ending convention, whatever editor or browser the text came from.
        data["body"] = (data.get("body") or "").replace("\r\n", "\n").replace("\r", "\n")
        return data


# --- issuing from the case page (issue 14 §2) ------------------------------------------------------


class CaseIssueForm(forms.Form):
    """What a document issued from the case page needs beyond the case: nothing for the notice and
    the order (their days have defaults), the act and the amount for a fine … — the fields of the
    batch's `EXTRA_FIELDS`, so one check (`batch.clean_extra`) judges both. The case number is
    never asked: the document is filled from the case."""

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, **kwargs)
        self.kind = kind
        for entry in EXTRA_FIELDS.get(kind, ()):
            self.fields[entry.name] = _extra_field(entry.name, entry.label, entry.required)

    def extra(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None, [])}


def _extra_field(name: str, label: Any, required: bool) -> forms.Field:
    if name == "grounds":  # R-LIST-01: one or more of the six grounds, as the decision cites them
        return forms.MultipleChoiceField(
            label=_("Listing grounds"),
            choices=[(str(number), f"{number}. {text}") for number, text in policy.LISTING_GROUNDS.items()],
            widget=forms.CheckboxSelectMultiple,
        )
    if name == "subject_kind":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "—"), ("person", _("Natural person")), ("organisation", _("Organisation"))],
        )
    long_text = name in ("act", "measures", "property_found", "applicant_view", "reason", "wanted")
    return TextField(
        label=label,
        required=required,
        max_length=500,
        multiline=long_text,
        widget=forms.Textarea(attrs={"rows": 2}) if long_text else forms.TextInput,
    )
