"""Rules of assistance requests as pure functions: the shipped responsibility lists, the SLA clock,
the lifecycle, and the shape of each request type's result.

SLA defaults follow DOMAIN.md §10: where a seed gives none, inquiries 3 working days, controls
2 working days, urgent police help the same day (0 working days: due on the day it is sent). They are
configurable per unit type and per unit (`Responsibility` rows).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.core.calendar import Deadline, add_months, compute_deadline, is_working_day
from enforcelink.core.errors import InvalidInput, RuleViolation
from enforcelink.core.money import parse_amount
from enforcelink.core.text import clean_text
from enforcelink.documents.policy import RULING_VARIANTS


@dataclass(frozen=True)
class Entry:
    """One line of a responsibility list."""

    sla_amount: int
    sla_unit: str = "working_days"
    needs_approval: bool = False
    # Document kinds sent with the request: the generated notice, and for a control measure the
    # enforcement ruling it executes (DOMAIN.md §11; an inquiry needs only the notice).
    attachments: tuple[str, ...] = ("assistance_notice",)


WITH_RULING = ("assistance_notice", "ruling")
INQUIRY = Entry(3)
CONTROL = Entry(2, attachments=WITH_RULING)
# Deductions move money out of the debtor's account for good: approved before they go out.
DEDUCTION = Entry(2, needs_approval=True, attachments=WITH_RULING)
URGENT = Entry(0)
NOTICE = Entry(5)

# Shipped responsibility lists per unit type (DOMAIN.md §10, seeds 000–004).
DEFAULT_LISTS: dict[str, dict[str, Entry]] = {
    "police": {
        "locate_person": URGENT,
        "temporary_control": URGENT,
        "assist_detention": URGENT,
        "detain_vehicle": CONTROL,
        "inquire_household": INQUIRY,
        "inquire_exit_entry": INQUIRY,
        "exit_restriction": CONTROL,
    },
    "vehicle": {"inquire_vehicles": INQUIRY, "seize": CONTROL, "release": CONTROL, "renew_seizure": CONTROL},
    "bank": {
        "inquire_deposits": INQUIRY,
        "inquire_online_funds": INQUIRY,
        "freeze": CONTROL,
        "renew_freeze": CONTROL,
        "unfreeze": CONTROL,
        "deduct": DEDUCTION,
    },
    "real_estate": {
        "inquire_real_estate": INQUIRY,
        "archive_search": INQUIRY,
        "seize": CONTROL,
        "release": CONTROL,
        "renew_seizure": CONTROL,
    },
    "market": {"inquire_equity": INQUIRY, "freeze": CONTROL, "unfreeze": CONTROL, "renew_freeze": CONTROL},
    "tax": {"inquire_tax": INQUIRY},
    "housing_fund": {
        "inquire_housing_fund": INQUIRY,
        "freeze": CONTROL,
        "unfreeze": CONTROL,
        "deduct": DEDUCTION,
    },
    "social_security": {"inquire_social_insurance": INQUIRY, "official_notification": NOTICE},
    "civil_affairs": {"inquire_marriage": INQUIRY},
    "telecom": {"inquire_phone": INQUIRY},
    "credit": {"joint_punishment": NOTICE},
    "discipline": {"official_notification": NOTICE},
    "organisation": {"official_notification": NOTICE},
    "congress": {"official_notification": NOTICE},
    "notary": {"archive_search": Entry(15)},
    "grid": {"serve_documents": Entry(5), "locate_person": Entry(5)},
    "soe": {"official_notification": NOTICE},
    "media": {"joint_punishment": NOTICE},
    "justice": {"serve_documents": Entry(5)},
    # R-ASSET-01 securities and ships: the securities depository (中国证券登记结算) and the maritime
    # authority's ship registry (海事局船舶登记) answer the network inquiry.
    "securities": {"inquire_securities": INQUIRY},
    "maritime": {"inquire_ships": INQUIRY},
    "other": {"price_inquiry": Entry(3)},
}

# The inquiries (查询, R-ASSET-01's network inquiry and the other registries' look-ups): what the
# send form offers first, for 一键查询 — they change nothing at the unit and need no ruling.
INQUIRIES = frozenset(
    {kind for entries in DEFAULT_LISTS.values() for kind in entries if kind.startswith("inquire_")}
    | {"archive_search"}
)

# Requests that lift a measure (解除冻结, 解除查封): they may still go out for a closed case, whose
# controls outlive the closure (R-ZB-04 after 终本; R-FUND-04 and R-ASSET-03 release what a closed
# case no longer needs), where every other request of a closed case is refused.
LIFTS = frozenset({"unfreeze", "release"})
# Renewals (续行冻结, 续行查封) keep a measure in force: a 终本 case's controls outlive the closure
# (R-ZB-04), so they are renewed before they lapse (R-ASSET-02) like an open case's.
RENEWALS = frozenset({"renew_freeze", "renew_seizure"})

# Which shipped assistance-notice variant (documents.policy.ASSISTANCE_VARIANTS) a request prints.
NOTICE_VARIANTS = {
    "inquire_deposits": "inquiry",
    "inquire_online_funds": "inquiry",
    "freeze": "freeze",
    "unfreeze": "unfreeze",
    "renew_freeze": "renew_freeze",
    "deduct": "deduct",
    "seize": "seize",
    "release": "release",
    "renew_seizure": "renew_seizure",
    "detain_vehicle": "vehicle_detention",
    "locate_person": "locate",
    "archive_search": "archive",
}

# What a responsibility list may require to go with a request (`Entry.attachments`): the documents
# the platform makes itself. The notice goes with every request; the ruling (执行裁定书) with those
# whose list names it (DOMAIN.md §11: CPL Art.253 and 255 rule before a freeze, deduction or seizure).
RULING = "ruling"
ATTACHMENT_KINDS = {
    "assistance_notice": gettext_lazy("Assistance notice"),
    RULING: gettext_lazy("Enforcement ruling"),
}


def check_attachments(kinds: Any, *, unit: str = "", field: str = "attachments") -> tuple[str, ...]:
    """A list's required attachments are documents the platform can provide; anything else (a
    bank's own form, a kind nobody makes) would be a request that cannot go out complete."""
    if not isinstance(kinds, list | tuple) or not all(isinstance(kind, str) for kind in kinds):
        raise InvalidInput(
            "ATTACHMENTS_INVALID",
            _("Required attachments are a list of document kinds."),
            field=field,
        )
    unknown = [kind for kind in kinds if kind not in ATTACHMENT_KINDS]
    if unknown:
        raise RuleViolation(
            "ATTACHMENT_UNAVAILABLE",
            _("%(unit)s requires a document the platform cannot provide: %(kinds)s.")
            % {"unit": unit or _("The responsibility list"), "kinds": ", ".join(unknown)},
            field=field,
        )
    return tuple(dict.fromkeys(kinds))


def shipped_attachments(request_type: str) -> tuple[str, ...]:
    """What a request type carries by default, for a responsibility row that names no attachments
    (an administrator who only changed a time limit must not drop a freeze's ruling)."""
    for entries in DEFAULT_LISTS.values():
        if request_type in entries:
            return entries[request_type].attachments
    return Entry(0).attachments


def ruling_variant(request_type: str) -> str:
    """The shipped ruling text a request's measure is decided by: the notice's variant where a ruling
    text exists for it (documents.policy.RULING_VARIANTS), else the general ruling."""
    variant = NOTICE_VARIANTS.get(request_type, "")
    return variant if variant in RULING_VARIANTS else ""


# --- whom a request can be about -------------------------------------------------------------------

# Requests about a natural person only: a household register, exit-entry documents, a marriage and
# a whereabouts exist for people, not for a company. Where the respondent is an organisation, the
# measures that reach a person bind its legal representative, principal or responsible person
# (R-EXIT-01, R-RESTRICT-02) — a case of its own against them, not an inquiry about the company.
PERSON_ONLY = frozenset({"inquire_household", "inquire_exit_entry", "inquire_marriage", "locate_person"})


def check_subject(request_type: str, respondent_kinds: Iterable[str]) -> None:
    """R-EXIT-01 / R-RESTRICT-02: a person-only request (`PERSON_ONLY`) needs at least one respondent
    who is a natural person ("person"); a case against organisations only is refused, coded."""
    if request_type in PERSON_ONLY and "person" not in set(respondent_kinds):
        raise RuleViolation(
            "PERSON_ONLY_REQUEST",
            _(
                "This inquiry is about a natural person, and none of the case's respondents is one: "
                "ask it about the legal representative or responsible person in their own case."
            ),
            field="request_type",
        )


# --- the lifecycle ---------------------------------------------------------------------------------

# (from status) -> {transition: to status}; who may make it is checked by the action.
TRANSITIONS: dict[str, dict[str, str]] = {
    "draft": {"submit": "sent", "submit_for_approval": "pending_approval", "cancel": "cancelled"},
    "pending_approval": {"approve": "sent", "refuse": "draft", "cancel": "cancelled"},
    "sent": {"acknowledge": "acknowledged", "reject": "rejected", "return": "returned", "cancel": "cancelled",
             "complete": "completed"},
    "acknowledged": {"start": "in_progress", "complete": "completed", "reject": "rejected", "return": "returned",
                     "cancel": "cancelled"},
    "in_progress": {"complete": "completed", "reject": "rejected", "return": "returned", "cancel": "cancelled"},
    "returned": {"resend": "sent", "cancel": "cancelled"},
}  # fmt: skip


def next_status(status: str, transition: str) -> str:
    """The status a transition leads to, or a coded refusal (a reply after cancellation, say)."""
    target = TRANSITIONS.get(status, {}).get(transition)
    if target is None:
        from enforcelink.linkage.models import RequestStatus  # labels only; the rule itself is above

        label = RequestStatus(status).label if status in RequestStatus.values else status
        raise RuleViolation(
            "REQUEST_STATE",
            _("The request is now “%(status)s”: this step is not possible any more.") % {"status": label},
            field="status",
        )
    return target


# --- the SLA clock ---------------------------------------------------------------------------------


def due_date(sent_on: dt.date, amount: int, unit: str, *, paused_days: int = 0) -> Deadline:
    """R-TIME-01 / R-TIME-02: the SLA counted from the day the request was first sent; days spent back
    with the court for correction are not counted, and re-sending does not restart the clock. An SLA
    of 0 (urgent police help) is due the day it is sent, or the next working day."""
    if unit == "working_days":
        deadline = compute_deadline(
            sent_on, amount + paused_days, "working_days", rule_id="R-TIME-01", start_event="request_sent"
        )
        if paused_days:  # the unit gets back the working days the request spent with the court
            deadline.trace["steps"].append(f"+ {paused_days} working days back with the court (not counted)")
            deadline.trace["paused_working_days"] = paused_days
        return deadline
    return compute_deadline(
        sent_on, amount, "days", rule_id="R-TIME-01", start_event="request_sent", excluded_days=paused_days
    )


def paused_between(returned_on: dt.date, resent_on: dt.date, unit: str = "days") -> int:
    """What the request spent back with the court, in the SLA's own unit: working days for a
    working-day SLA (a weekend in between costs the unit nothing), else calendar days."""
    if resent_on <= returned_on:
        return 0
    if unit != "working_days":
        return (resent_on - returned_on).days
    days = (returned_on + dt.timedelta(days=n) for n in range(1, (resent_on - returned_on).days + 1))
    return sum(1 for day in days if is_working_day(day))


# --- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | amount | date | bool | items
    required: bool = True
    item: tuple[Field, ...] = field(default_factory=tuple)


ACCOUNT = (Field("institution", "text"), Field("account", "text"), Field("balance", "amount"))
PROPERTY = (Field("description", "text"), Field("certificate", "text", required=False),
            Field("encumbrance", "text", required=False))  # fmt: skip
FOUND = Field("found", "bool")
NOTE = Field("note", "text", required=False)
WHY_NOT = Field("failure_reason", "text", required=False)  # not "reason": the reply's own field


def _optional(name: str, kind: str) -> Field:
    return Field(name, kind, required=False)


RESULT_FIELDS: dict[str, tuple[Field, ...]] = {
    "inquire_deposits": (FOUND, Field("accounts", "items", required=False, item=ACCOUNT), NOTE),
    "inquire_online_funds": (FOUND, Field("accounts", "items", required=False, item=ACCOUNT), NOTE),
    "inquire_housing_fund": (FOUND, Field("accounts", "items", required=False, item=ACCOUNT), NOTE),
    "freeze": (Field("frozen_amount", "amount"), Field("frozen_until", "date"), Field("account", "text"), NOTE),
    "renew_freeze": (Field("frozen_amount", "amount"), Field("frozen_until", "date"), NOTE),
    "unfreeze": (Field("released_amount", "amount"), NOTE),
    "deduct": (Field("deducted_amount", "amount"), Field("transfer_reference", "text"), NOTE),
    # A seizure registered behind another court's (轮候查封, R-ASSET-04) says `waiting`: its term starts
    # only when the earlier seizure is lifted, so it has no `seized_until` yet.
    "seize": (Field("registered_on", "date"), _optional("seized_until", "date"), Field("certificate", "text"),
              _optional("waiting", "bool"), NOTE),
    "renew_seizure": (Field("seized_until", "date"), NOTE),
    "release": (Field("released_on", "date"), NOTE),
    "locate_person": (FOUND, Field("location", "text", required=False), Field("seen_at", "date", required=False),
                      NOTE),
    # 定向询价: the price the asked body gives, on what it rests, how long it holds, and who gave it.
    "price_inquiry": (Field("price", "amount"), Field("basis", "text"), Field("valid_until", "date"),
                      Field("valuer", "text"), NOTE),
    "serve_documents": (Field("served", "bool"), _optional("served_on", "date"), _optional("method", "text"),
                        _optional("recipient", "text"), WHY_NOT, NOTE),
    "detain_vehicle": (Field("vehicle_found", "bool"), Field("detained", "bool"), Field("plate", "text"),
                       _optional("kept_at", "text"), _optional("detained_on", "date"), NOTE),
    "temporary_control": (Field("control_placed", "bool"), _optional("controlled_until", "date"),
                          _optional("sightings_via", "text"), WHY_NOT, NOTE),
    "assist_detention": (Field("carried_out", "bool"), _optional("delivered_to", "text"),
                         _optional("carried_out_on", "date"), WHY_NOT, NOTE),
    "exit_restriction": (Field("recorded", "bool"), _optional("effective_on", "date"),
                         _optional("border_reference", "text"), WHY_NOT, NOTE),
    "official_notification": (Field("notified_body", "text"), Field("notified_on", "date"),
                              _optional("reference", "text"), _optional("response", "text"), NOTE),
    "joint_punishment": (Field("platform", "text"), Field("record_id", "text"), Field("pushed_on", "date"), NOTE),
}  # fmt: skip
# What a yes/no answer makes necessary: done → when, how and by whom; not done → why not.
REQUIRED_WHEN: dict[str, tuple[tuple[str, bool, tuple[str, ...]], ...]] = {
    "serve_documents": (("served", True, ("served_on", "method", "recipient")), ("served", False, ("failure_reason",))),
    "detain_vehicle": (("detained", True, ("kept_at", "detained_on")),),
    "temporary_control": (("control_placed", True, ("controlled_until",)),
                          ("control_placed", False, ("failure_reason",))),
    "assist_detention": (("carried_out", True, ("delivered_to", "carried_out_on")),
                         ("carried_out", False, ("failure_reason",))),
    "exit_restriction": (("recorded", True, ("effective_on", "border_reference")),
                         ("recorded", False, ("failure_reason",))),
}  # fmt: skip
# Dates of something done are not after the day of the answer; a term still running is not over.
PAST_DATES = ("registered_on", "released_on", "seen_at", "served_on", "detained_on", "carried_out_on",
              "notified_on", "pushed_on", "last_exit_on")  # fmt: skip
FUTURE_DATES = ("valid_until", "controlled_until", "frozen_until", "seized_until")
GENERIC_RESULT = (Field("outcome", "text"), NOTE)


def _found(*fields: Field) -> tuple[Field, ...]:
    """An inquiry's answer: whether anything was found, what (each type asks its own), a note."""
    return (FOUND, *fields, NOTE)


def _list(name: str, *item: Field) -> Field:
    return Field(name, "items", required=False, item=item)


# Inquiries ask what the unit keeps (DOMAIN.md §10): a registry its titles, a tax office its tax
# records and the refunds due to the debtor, a civil-affairs office the marriage — never another
# type's property certificate.
RESULT_FIELDS.update({
    "inquire_real_estate": _found(_list("items", *PROPERTY)),
    "archive_search": _found(_list("items", *PROPERTY)),
    "inquire_ships": _found(_list("items", *PROPERTY)),
    "inquire_vehicles": _found(_list("vehicles", Field("plate", "text"), Field("description", "text"),
                                     _optional("encumbrance", "text"))),
    "inquire_securities": _found(_list("accounts", Field("institution", "text"), Field("account", "text"),
                                       _optional("holdings", "text"), _optional("market_value", "amount"))),
    "inquire_equity": _found(_list("equity", Field("company", "text"), Field("share", "text"),
                                   _optional("encumbrance", "text"))),
    "inquire_tax": _found(_list("tax_records", Field("period", "text"), Field("tax_kind", "text"),
                                _optional("amount", "amount")),
                          _list("refunds", Field("tax_kind", "text"), Field("amount", "amount"))),
    "inquire_social_insurance": _found(_optional("employer", "text"), _optional("insurance_status", "text"),
                                       _optional("monthly_pension", "amount")),
    "inquire_exit_entry": _found(_list("documents", Field("document_type", "text"), Field("number", "text"),
                                       _optional("valid_until", "date")), _optional("last_exit_on", "date")),
    "inquire_household": _found(_optional("registered_address", "text"), _optional("current_address", "text"),
                                _optional("registration_authority", "text")),
    "inquire_marriage": _found(_optional("marital_status", "text"), _optional("spouse", "text"),
                               _optional("registered_on", "date")),
    "inquire_phone": _found(_list("numbers", Field("number", "text"), _optional("status", "text"),
                                  _optional("address", "text"))),
})  # fmt: skip


# What an answer of "found" must name (issue 14 §3): for each type, groups of fields of which at least
# one is given — a vehicle with its plate, an address, a document — never a bare {"found": true}.
FOUND_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    **dict.fromkeys(("inquire_deposits", "inquire_online_funds", "inquire_housing_fund", "inquire_securities"),
                    (("accounts",),)),
    **dict.fromkeys(("inquire_real_estate", "archive_search", "inquire_ships"), (("items",),)),
    "inquire_vehicles": (("vehicles",),),
    "inquire_equity": (("equity",),),
    "inquire_tax": (("tax_records", "refunds"),),
    "inquire_social_insurance": (("employer", "insurance_status", "monthly_pension"),),
    "inquire_exit_entry": (("documents",),),
    "inquire_household": (("registered_address",),),
    "inquire_marriage": (("marital_status",),),
    "inquire_phone": (("numbers",),),
    "locate_person": (("location",), ("seen_at",)),
}  # fmt: skip


def check_found(request_type: str, cleaned: dict[str, Any]) -> None:
    """An answer that says found names what was found (`FOUND_NEEDS`), coded FOUND_WITHOUT_DETAILS
    with the field to fill in; an answer of not found needs nothing more."""
    if cleaned.get("found") is not True:
        return
    for group in FOUND_NEEDS.get(request_type, ()):
        if not any(cleaned.get(name) not in (None, "", []) for name in group):
            raise InvalidInput(
                "FOUND_WITHOUT_DETAILS",
                _("The answer says found: name what was found here."),
                field=f"result.{group[0]}",
            )


def result_fields(request_type: str) -> tuple[Field, ...]:
    return RESULT_FIELDS.get(request_type, GENERIC_RESULT)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _bad(path: str, message: str) -> InvalidInput:
    return InvalidInput("RESULT_INVALID", message, field=f"result.{path}" if path else "result")


def _value(spec: Field, value: Any, path: str) -> Any:
    if spec.kind == "text":
        if not isinstance(value, str) or len(value) > 500:
            raise _bad(path, _("Expected text of at most 500 characters."))
        # The shared text rule (issue 12), whether the result came by API, page or sheet.
        return clean_text(value.strip(), field=f"result.{path}", multiline=True)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise _bad(path, _("Expected true or false."))
        return value
    if spec.kind == "amount":
        if isinstance(value, float):  # R-MONEY-01: never a float; send the amount as a string
            raise _bad(path, _('Send amounts as strings such as "1234.56", not as floating-point numbers.'))
        return str(parse_amount(value, field_name=f"result.{path}"))
    if spec.kind == "date":
        # Exactly YYYY-MM-DD: Python 3.11's fromisoformat would also take 20260301 or 2026-W10-1.
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise _bad(path, _("Expected a date like 2026-03-01."))
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise _bad(path, _("Expected a date like 2026-03-01.")) from None
    if not isinstance(value, list) or len(value) > 200:
        raise _bad(path, _("Expected a list of at most 200 entries."))
    return [clean_object(spec.item, entry, f"{path}.{index}") for index, entry in enumerate(value)]


def clean_object(specs: tuple[Field, ...], payload: Any, path: str = "") -> dict[str, Any]:
    """Check a structured result against its fields; unknown keys are refused so typos show."""
    prefix = f"{path}." if path else ""
    if not isinstance(payload, dict):
        raise _bad(path, _("Expected an object."))
    known = {spec.name for spec in specs}
    unknown = sorted(set(payload) - known)
    if unknown:
        raise _bad(f"{prefix}{unknown[0]}", _("Unknown field."))
    cleaned: dict[str, Any] = {}
    for spec in specs:
        value = payload.get(spec.name)
        if value is None or (isinstance(value, str) and not value.strip()):  # blank is missing
            if spec.required:
                raise _bad(f"{prefix}{spec.name}", _("This field is required."))
            continue
        cleaned[spec.name] = _value(spec, value, f"{prefix}{spec.name}")
    return cleaned


def clean_result(request_type: str, payload: Any) -> dict[str, Any]:
    """The structured result a request type must return (issue 4 §1), checked field by field, then
    as a whole (`REQUIRED_WHEN`: what a yes or a no makes necessary)."""
    cleaned = clean_object(result_fields(request_type), payload)
    for flag, value, needed in REQUIRED_WHEN.get(request_type, ()):
        for name in needed:
            if cleaned.get(flag) is value and name not in cleaned:
                raise _bad(name, _("This field is required."))
    check_found(request_type, cleaned)
    if request_type == "seize" and not cleaned.get("waiting") and "seized_until" not in cleaned:
        raise _bad("seized_until", _("This field is required."))  # a seizure in effect has its term
    if cleaned.get("detained") and not cleaned.get("vehicle_found"):
        raise _bad("detained", _("A vehicle that was not found cannot have been detained."))
    if "price" in cleaned and Decimal(cleaned["price"]) <= 0:  # a price inquiry that names no price
        raise _bad("price", _("The amount must be greater than zero."))
    return cleaned


# --- unit performance (办理效能, issue 4 §6) -------------------------------------------------------

MIN_RANK_VOLUME = 20  # fewer answered requests than this: shown, but not ranked


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95% Wilson score interval of an on-time rate: honest for small volumes, where 3 of 3 on
    time says much less than 300 of 300."""
    if total <= 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    spread = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - spread)
    high = 1.0 if successes == total else min(1.0, centre + spread)  # exact at the ends, not 0.9999…
    return low, high


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (median: 0.5, p90: 0.9) of durations; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = math.ceil(round(share * len(ordered), 9))  # round: 0.9 × 10 is 9.000000000000002 in floats
    return ordered[min(max(rank, 1), len(ordered)) - 1]


# R-ASSET-02 maximum terms (民诉解释 Art.485), in calendar years from the day of effect (not counted,
# R-TIME-01): 冻结银行存款 ≤ 1 year; 查封、扣押动产 ≤ 2 years; 查封不动产、冻结其他财产权 ≤ 3 years. Kept here,
# below assets, so that both the unit's answer (`check_result_against`) and assets' own terms
# (`assets.policy.term_end`) read the same maxima.
TERM_YEARS = {"deposit": 1, "movable": 2, "real_estate": 3, "property_right": 3}

# Which term an asset kind's measure has. Money held in an account (deposits, financial products,
# online-payment funds, housing fund, securities cash) takes the deposit's year: the shortest maximum,
# so a measure whose class is arguable is renewed too early rather than held beyond the law. Ships and
# vehicles are movables; securities and equity are other property rights.
TERM_OF_KIND = {
    "deposit": "deposit",
    "financial_product": "deposit",
    "online_funds": "deposit",
    "housing_fund": "deposit",
    "securities_cash": "deposit",
    "vehicle": "movable",
    "ship": "movable",
    "movable": "movable",
    "real_estate": "real_estate",
    "land": "real_estate",
    "securities": "property_right",
    "equity": "property_right",
    "property_right": "property_right",
    "other_right": "property_right",
}
# A control notice names its term class in `details["term"]` (assets puts it there from what is
# frozen or seized); a notice without one (linkage's own send form, a batch) is held to its request
# type's: a freeze a deposit's year, a seizure the three years of real estate.
TERM_DETAIL = "term"
TERM_OF_REQUEST = {"freeze": "deposit", "renew_freeze": "deposit", "seize": "real_estate",
                   "renew_seizure": "real_estate"}  # fmt: skip


def max_term_end(request_type: str, details: dict[str, Any], start: dt.date) -> dt.date | None:
    """R-ASSET-02: the latest day a control measure of `request_type` taking effect (or running on)
    from `start` may hold: the legal maximum of its term class in calendar months, `start` not
    counted. None for a request that holds nothing."""
    default = TERM_OF_REQUEST.get(request_type)
    if default is None:
        return None
    named = details.get(TERM_DETAIL) if isinstance(details, dict) else None
    term = named if isinstance(named, str) and named in TERM_YEARS else default
    return add_months(start, 12 * TERM_YEARS[term])


CAPPED_AMOUNTS = {"freeze": "frozen_amount", "renew_freeze": "frozen_amount", "deduct": "deducted_amount",
                  "unfreeze": "released_amount"}  # fmt: skip


def check_result_against(
    request_type: str, result: dict[str, Any], details: dict[str, Any], today: dt.date
) -> None:
    """A result must fit what was asked: no more frozen or deducted than the notice's amount (R-ASSET-03,
    no over-seizure), and no term beyond the legal maximum (R-ASSET-02). Its dates must fit the day of
    the answer: what was done is not dated later (`PAST_DATES`), what still holds has not ended
    (`FUTURE_DATES`)."""
    name = CAPPED_AMOUNTS.get(request_type)
    if (
        name
        and name in result
        and details.get("amount")
        and Decimal(result[name]) > Decimal(str(details["amount"]))
    ):
        raise _bad(
            name, _("More than the %(amount)s yuan the notice asks for.") % {"amount": details["amount"]}
        )
    # A renewal runs on from the current term's last day (民诉解释 Art.485 para.2): its limit counts
    # from the end the notice names (`current_until`), not from the day of the answer.
    start = today  # a renewal without the current end: counted from the day of the answer
    if request_type in RENEWALS:
        with contextlib.suppress(ValueError):
            start = max(today, dt.date.fromisoformat(str(details.get("current_until") or "")))
    latest = max_term_end(request_type, details, start)
    for field_name in ("frozen_until", "seized_until"):
        if latest and field_name in result and dt.date.fromisoformat(result[field_name]) > latest:
            raise _bad(field_name, _("Longer than the legal maximum term (民诉解释 Art. 485)."))
    for field_name in PAST_DATES:
        if field_name in result and dt.date.fromisoformat(result[field_name]) > today:
            raise _bad(field_name, _("This date is in the future."))
    for field_name in FUTURE_DATES:
        if field_name in result and dt.date.fromisoformat(result[field_name]) < today:
            raise _bad(field_name, _("This date has already passed."))
