"""What a request is about, as the unit and the approver must see it (issue 14 §3): whom (the
case's respondents: name, document type and number), what (the measure), how much (the amount, as
money) and where (the account or certificate the officer named).

A respondent's whole number goes only to the unit the request was sent to, once sent, which must
act on it (`Action.SEE_RESPONDENT_IDS`); that view is logged (R-ID-05,
`actions.respondents_reveal`). Everyone else reads it masked, as on the case page: court staff open
it there or with the same logged reveal on the request page.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from enforcelink.cases.models import Party, PartyRole
from enforcelink.core.errors import DomainError
from enforcelink.core.money import format_yuan, parse_amount
from enforcelink.linkage.models import AssistanceRequest, RequestType
from enforcelink.orgs.permissions import Action, can

# The details keys this module reads out; any other key the court's system sent is shown as it came.
MEASURE, AMOUNT = "measure", "amount"
ACCOUNT_KEYS = ("account", "certificate")
KNOWN_DETAILS = (MEASURE, AMOUNT, *ACCOUNT_KEYS, "term")  # term: the term class the answer is held to
RESPONDENTS = "respondent_parties"  # the prefetched list's attribute on a request's case


@dataclass(frozen=True)
class Respondent:
    """One respondent as one reader may see them: `id_number` whole or masked (`masked`: digits
    are hidden, R-ID-05; a USCC or a passport number is never masked)."""

    party_id: int
    name: str
    kind: str
    id_type: str
    id_type_label: str
    id_number: str
    masked: bool


@dataclass(frozen=True)
class Subject:
    respondents: tuple[Respondent, ...]
    measure: str  # the request type in Chinese, as the notice prints it
    asked: str  # "exactly what is asked", when the officer said
    amount: Decimal | None  # R-MONEY-01; None when the request names none (or not as money)
    amount_text: str  # "124,700.50 元", or the officer's text when it is not an amount
    account: str  # the account, certificate … the officer named
    others: tuple[tuple[str, str], ...]  # any other details, as sent
    full: bool  # whole numbers shown (and logged)

    def lines(self) -> list[tuple[str, str, str]]:
        """What is asked as (label, value, css class) lines in the reader's language, for a list's
        narrow cell: the amount kept on one line (`num`)."""
        lines = [("", self.asked, "")] if self.asked else []
        if self.amount_text:
            lines.append((_("Amount"), self.amount_text, "num"))
        if self.account:
            lines.append((_("Account or certificate"), self.account, ""))
        return lines + [(key, value, "") for key, value in self.others]


def respondents_prefetch(path: str = "case") -> Prefetch:
    """The case's respondents in their order, for a list of requests (one query for the page)."""
    parties = Party.objects.filter(role=PartyRole.RESPONDENT).order_by("position", "pk")
    return Prefetch(f"{path}__parties", queryset=parties, to_attr=RESPONDENTS)


def respondent_parties(request: AssistanceRequest) -> list[Party]:
    prefetched = getattr(request.case, RESPONDENTS, None)
    if prefetched is not None:
        return list(prefetched)
    return list(request.case.parties.filter(role=PartyRole.RESPONDENT).order_by("position", "pk"))


def shows_full(actor: Any, request: AssistanceRequest) -> bool:
    """The unit the request was sent to, once sent: it must find the respondent in its own records."""
    return request.was_sent and can(actor, Action.SEE_RESPONDENT_IDS, request)


@functools.cache
def printed_measure(request_type: str) -> str:
    """The request type in Chinese whatever the reader's language, as the notice names the measure."""
    with translation.override("zh-hans"):
        return str(RequestType(request_type).label) if request_type in RequestType.values else request_type


def _amount(value: Any) -> tuple[Decimal | None, str]:
    if value is None or value == "" or isinstance(value, bool):
        return None, ""
    if isinstance(value, float):  # R-MONEY-01: never read as money; shown as the court's system sent it
        return None, str(value)
    try:
        amount = parse_amount(value, field_name="details.amount")
    except DomainError:
        return None, str(value)
    return amount, format_yuan(amount)


def _respondent(party: Party, full: bool) -> Respondent:
    shown = party.id_number if full else party.masked_id
    return Respondent(party.pk, party.name, party.kind, party.id_type, str(party.get_id_type_display()),
                      shown, shown != party.id_number)  # fmt: skip


def subject_of(request: AssistanceRequest, *, full: bool) -> Subject:
    """The request's subject for one reader: `full` only for whom `shows_full` says (and who has been
    logged); the respondents come from `respondents_prefetch` when the list prefetched them."""
    details = request.details if isinstance(request.details, dict) else {}
    amount, amount_text = _amount(details.get(AMOUNT))
    account = "；".join(str(details[key]) for key in ACCOUNT_KEYS if details.get(key) not in (None, ""))
    others = tuple((str(key), str(value)) for key, value in details.items() if key not in KNOWN_DETAILS)
    return Subject(
        respondents=tuple(_respondent(party, full) for party in respondent_parties(request)),
        measure=printed_measure(request.request_type),
        asked=str(details.get(MEASURE) or ""),
        amount=amount,
        amount_text=amount_text,
        account=account,
        others=others,
        full=full,
    )
