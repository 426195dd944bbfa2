"""What the court or a unit writes into a request, cleaned before anything is written: the officer's
`Ask` with its purpose, legal basis and details (R-ASSET-01: the unit must handle the type; the text
rule of issue 12), and the reason of a rejection, return or cancellation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from enforcelink.core.errors import InvalidInput, RuleViolation
from enforcelink.core.money import parse_amount
from enforcelink.core.text import clean_text, column_max_length
from enforcelink.documents.policy import AMOUNT_VARIANTS
from enforcelink.linkage import policy, queries
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.models import LinkageUnit


@dataclass
class Ask:
    """What the officer asks one unit to do."""

    unit: LinkageUnit
    request_type: str
    purpose: str
    legal_basis: str
    details: dict[str, Any] = field(default_factory=dict)


def _clean_ask_texts(ask: Ask) -> None:
    """The shared text rule (issue 12) for what the notice prints: NFC, no control or text-direction
    character, no longer than its column (refused, not cut), whichever page or API call it came by."""
    for name in ("purpose", "legal_basis"):
        limit = column_max_length(AssistanceRequest, name)
        setattr(ask, name, clean_text(str(getattr(ask, name)).strip(), field=name, max_length=limit))


DETAIL_SCALARS = (str, int, float, bool)


MAX_DETAIL_KEY = 100


MAX_DETAIL_TEXT = 1000  # a measure, an account, a certificate: never a document's worth


def _clean_details(details: dict[Any, Any]) -> dict[str, Any]:
    """The request's details (the measure, an amount, an account): flat, text keys and text, number
    or yes/no values, every text under the text rule. They are printed in the notice and shown to the
    unit, so a nested list or object, or a key with a control character, is refused naming it."""
    cleaned: dict[str, Any] = {}
    for key, value in details.items():
        if not isinstance(key, str):
            raise InvalidInput(
                "DETAILS_INVALID", _("The request details must be an object."), field="details"
            )
        name = clean_text(key, field=f"details.{key[:MAX_DETAIL_KEY]}", max_length=MAX_DETAIL_KEY)
        if value is not None and not isinstance(value, DETAIL_SCALARS):
            raise InvalidInput(
                "DETAILS_INVALID",
                _("Give text, a number or yes/no here, not a list or an object."),
                field=f"details.{name}",
            )
        if isinstance(value, float) and not math.isfinite(value):  # JSON's NaN/Infinity: no column takes it
            raise InvalidInput("DETAILS_INVALID", _("Give a number."), field=f"details.{name}")
        if isinstance(value, str):
            value = clean_text(value, field=f"details.{name}", max_length=MAX_DETAIL_TEXT)
        cleaned[name] = value
    return cleaned


def clean_ask(ask: Ask, responsibilities: dict[str, policy.Entry] | None = None) -> policy.Entry:
    """R-ASSET-01: every request records its purpose and legal basis; the unit must handle the type."""
    for name in ("purpose", "legal_basis"):
        if not str(getattr(ask, name) or "").strip():
            raise InvalidInput(
                "REQUIRED", _("Enter the %(what)s.") % {"what": _(name.replace("_", " "))}, field=name
            )
    _clean_ask_texts(ask)
    if responsibilities is None:
        responsibilities = queries.responsibility_list(ask.unit)
    entry = responsibilities.get(ask.request_type) if ask.unit.active else None
    if entry is None:
        raise RuleViolation(
            "NOT_ON_LIST",
            _("%(unit)s does not handle this kind of request.") % {"unit": ask.unit.name},
            field="request_type",
        )
    # The documents the list requires must be ones the platform makes (notice, ruling): a request
    # that could not go out complete is refused before anything is written.
    policy.check_attachments(entry.attachments, unit=ask.unit.name, field="request_type")
    if not isinstance(ask.details, dict):
        raise InvalidInput("DETAILS_INVALID", _("The request details must be an object."), field="details")
    ask.details = _clean_details(ask.details)
    variant = policy.NOTICE_VARIANTS.get(ask.request_type, "")
    if variant in AMOUNT_VARIANTS.get("assistance_notice", ()):
        ask.details["amount"] = str(
            parse_amount(ask.details.get("amount"), field_name="details.amount", allow_zero=False)
        )
    return entry


def clean_reason(reason: Any) -> str:
    """A rejection, return or cancellation reason: required, the text rule (issue 12) and no longer
    than its column, refused rather than cut, whether it came by a page, the API or a reply sheet."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("REASON_REQUIRED", _("Give a reason."), field="reason")
    limit = column_max_length(AssistanceRequest, "reason")
    return clean_text(reason.strip(), field="reason", multiline=True, max_length=limit)
