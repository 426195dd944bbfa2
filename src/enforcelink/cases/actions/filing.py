"""Filing a case: validation (R-ID-01, R-ID-02), 案号 (R-ID-03, R-ID-04), duplicates, clocks opened on
filing (R-CASE-01..04) and random balanced assignment (R-CASE-06)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases import policy
from enforcelink.cases.actions.access import ensure_open
from enforcelink.cases.clocks import build_nodes, rules_for
from enforcelink.cases.models import (
    PERSON_ID_TYPES,
    Assignment,
    BasisType,
    Case,
    CaseStatus,
    CaseType,
    IdType,
    Party,
    PartyKind,
    PartyRole,
    ProcessNode,
)
from enforcelink.core import audit, events, numbering
from enforcelink.core.actors import SystemActor
from enforcelink.core.errors import DomainError, ErrorList, InvalidInput, RuleViolation
from enforcelink.core.identifiers import parse_case_number, parse_resident_id, parse_uscc
from enforcelink.core.money import parse_amount
from enforcelink.core.text import clean_text, column_max_length
from enforcelink.orgs.models import Court, Role, User
from enforcelink.orgs.permissions import Action, can, person

OTHER_DOCUMENT = re.compile(r"^[A-Z0-9]{5,20}$")


@dataclass
class PartyInput:
    """One applicant or respondent as entered (form, API or import row)."""

    role: str
    kind: str
    name: str
    id_number: str
    id_type: str = ""
    legal_representative: str = ""
    actual_controller: str = ""
    address: str = ""
    phone: str = ""


@dataclass
class CaseFiling:
    """Everything needed to file a case; values as entered, validated by `case_file`."""

    court: Court
    filed_on: dt.date
    basis_type: str
    basis_body: str
    basis_number: str
    parties: list[PartyInput]
    principal: Any = "0"
    interest: Any = "0"
    costs: Any = "0"
    type_code: str = CaseType.FIRST
    basis_effective_on: dt.date | None = None
    performance_due_on: dt.date | None = None  # 履行期限届满日 (R-MONEY-02)
    is_money_case: bool = True
    is_non_litigation: bool = False
    is_livelihood: bool = False
    is_labour_pay: bool = False
    is_financial: bool = False
    is_enterprise: bool = False
    urgent: bool = False
    number: str = ""  # only imports bring their own 案号
    imported: bool = False
    resumed_from: Case | None = None
    warnings: list[str] = field(default_factory=list)


def _party_field(index: int, role: str, name: str) -> str:
    return f"{role}s.{index}.{name}"


PARTY_TEXTS = ("name", "legal_representative", "actual_controller", "address", "phone")


def _party_texts(party: PartyInput, index: int, role: str) -> dict[str, str]:
    """The party's free texts under the shared text rule (issue 12): NFC, no control or
    text-direction character, and no longer than the column. Refused, never cut: an import once
    stored the first 150 characters of a 100,000-character name."""
    return {
        name: clean_text(
            str(getattr(party, name) or "").strip(),
            field=_party_field(index, role, name),
            max_length=column_max_length(Party, name),
        )
        for name in PARTY_TEXTS
    }


def clean_party(party: PartyInput, index: int) -> Party:
    """R-ID-01 / R-ID-02: check the document number by its type; organisations need a USCC."""
    role = party.role
    if role not in PartyRole.values:
        raise InvalidInput(
            "PARTY_ROLE_INVALID", _("Unknown party role."), field=_party_field(index, "party", "role")
        )
    texts = _party_texts(party, index, role)
    name = texts.pop("name")
    if not name:
        raise InvalidInput(
            "PARTY_NAME_REQUIRED", _("Enter the party's name."), field=_party_field(index, role, "name")
        )
    id_field = _party_field(index, role, "id_number")
    clean_text(str(party.id_number or ""), field=id_field)
    kind = party.kind or PartyKind.PERSON
    id_type = party.id_type or (IdType.USCC if kind == PartyKind.ORGANISATION else IdType.RESIDENT_ID)
    row = Party(
        role=role,
        kind=kind,
        name=name,
        id_type=id_type,
        position=index,
        **texts,
    )
    if kind == PartyKind.ORGANISATION:
        if id_type != IdType.USCC:
            raise InvalidInput(
                "PARTY_DOC_TYPE",
                _("An organisation is identified by its unified social credit code."),
                field=id_field,
            )
        row.id_number = parse_uscc(party.id_number, field_name=id_field)
        return row
    if kind != PartyKind.PERSON or id_type not in PERSON_ID_TYPES:
        raise InvalidInput("PARTY_DOC_TYPE", _("Unknown identity document type."), field=id_field)
    if id_type == IdType.RESIDENT_ID:
        rid = parse_resident_id(party.id_number, field_name=id_field, allow_15=True)
        row.id_number, row.birth_date, row.sex, row.warnings = (
            rid.number,
            rid.birth_date,
            rid.sex,
            list(rid.warnings),
        )
        return row
    number = re.sub(r"[\s\-]", "", party.id_number or "").upper()
    if not OTHER_DOCUMENT.match(number):
        raise InvalidInput(
            "PARTY_DOC_NUMBER", _("A document number has 5 to 20 letters and digits."), field=id_field
        )
    row.id_number = number
    return row


@dataclass
class Cleaned:
    parties: list[Party]
    principal: Decimal
    interest: Decimal
    costs: Decimal
    basis_body: str = ""  # in NFC, under the text rule: what is stored
    basis_number: str = ""


def _collect(errors: list[DomainError], fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except DomainError as error:
        errors.append(error)
        return None


def clean_filing(filing: CaseFiling) -> Cleaned:
    """Validate every field at once, so a form or import row shows all its errors together."""
    errors: list[DomainError] = []
    amounts = [
        _collect(errors, parse_amount, getattr(filing, name), field_name=name)
        for name in ("principal", "interest", "costs")
    ]
    if filing.type_code not in CaseType.values:
        errors.append(
            InvalidInput("TYPE_CODE_INVALID", _("Unknown enforcement type code."), field="type_code")
        )
    if filing.basis_type not in BasisType.values:
        errors.append(
            InvalidInput("BASIS_TYPE_INVALID", _("Choose the type of enforcement basis."), field="basis_type")
        )
    basis: dict[str, str] = {}
    for name, label in (
        ("basis_body", _("the issuing body")),
        ("basis_number", _("the basis document number")),
    ):
        if not str(getattr(filing, name) or "").strip():
            errors.append(InvalidInput("REQUIRED", _("Enter %(what)s.") % {"what": label}, field=name))
        else:
            limit = column_max_length(Case, name)
            value = str(getattr(filing, name)).strip()
            basis[name] = _collect(errors, clean_text, value, field=name, max_length=limit)
    _collect(errors, policy.check_filing_date, filing.filed_on, timezone.localdate())
    _collect(errors, policy.check_basis_date, filing.basis_effective_on, filing.filed_on)
    _collect(errors, policy.check_performance_due, filing.performance_due_on, filing.basis_effective_on)
    counters = {PartyRole.APPLICANT: 0, PartyRole.RESPONDENT: 0}
    parties: list[Party] = []
    for party in filing.parties:
        index = counters.get(party.role, 0)  # type: ignore[call-overload]
        counters[party.role] = index + 1  # type: ignore[index]
        cleaned = _collect(errors, clean_party, party, index)
        if cleaned is not None:
            parties.append(cleaned)
    for role, label in ((PartyRole.APPLICANT, _("an applicant")), (PartyRole.RESPONDENT, _("a respondent"))):
        if not counters[role]:
            errors.append(
                InvalidInput("PARTY_REQUIRED", _("Add %(who)s.") % {"who": label}, field=f"{role}s")
            )
    if errors:
        raise ErrorList(errors)
    principal, interest, costs = amounts
    return Cleaned(parties, principal, interest, costs, basis["basis_body"], basis["basis_number"])


def find_duplicate(court: Court, type_code: str, basis_number: str, parties: list[Party]) -> Case | None:
    """A filing is a duplicate when the same basis document already has a case of this type with the
    same applicants and respondents (by document number)."""
    wanted = {(p.role, p.id_number) for p in parties}
    candidates = Case.objects.filter(court=court, type_code=type_code, basis_number=basis_number.strip())
    for case in candidates.prefetch_related("parties"):
        if {(p.role, p.id_number) for p in case.parties.all()} == wanted:
            return case
    return None


def counter_kind(type_code: str) -> str:
    """The numbering scope's kind of a 案号 with this type code (core.numbering)."""
    return f"case:{type_code}"


def take_number(court: Court, type_code: str, year: int) -> int:
    """R-ID-03: the next sequence per court, type and year, gapless under concurrent filing.

    The counter row is locked for the rest of the filing transaction, so a failed filing rolls
    its number back and the next filing gets it: no gaps (core.numbering).
    """
    return numbering.next_number(court_id=court.pk, kind=counter_kind(type_code), year=year)


def keep_imported_number(court: Court, number: str) -> tuple[int, str, int]:
    """R-ID-03: an imported 案号 is kept as given; new numbers continue after the highest one."""
    parsed = parse_case_number(number, field_name="number")
    if parsed.court_code != court.code:
        raise InvalidInput(
            "CASE_NUMBER_COURT",
            _("Case number %(number)s belongs to another court.") % {"number": number},
            field="number",
        )
    numbering.raise_to(
        court_id=court.pk, kind=counter_kind(parsed.type_code), year=parsed.year, at_least=parsed.sequence
    )
    return parsed.year, parsed.type_code, parsed.sequence


def officer_loads(court: Court) -> dict[int, int]:
    """Open cases per active officer of the court: the rotation balances on this."""
    officers = User.objects.filter(court=court, role=Role.OFFICER, is_active=True).filter(
        Q(team__isnull=True) | Q(team__active=True)
    )
    counted = officers.annotate(load=Count("cases", filter=Q(cases__status=CaseStatus.OPEN)))
    return {officer.pk: officer.load for officer in counted}


def assign(case: Case, *, actor: User | SystemActor, method: str = "random_rotation") -> Assignment | None:
    """R-CASE-06: random balanced rotation among the court's officers, recorded with the candidates."""
    loads = officer_loads(case.court)
    if not loads:
        return None
    pick = policy.pick_officer(loads)
    officer = User.objects.get(pk=pick.officer_id)
    case.officer, case.team = officer, officer.team
    case.save(update_fields=["officer", "team"])
    candidates = [{"officer_id": pk, "load": load} for pk, load in sorted(pick.loads.items())]
    assignment = Assignment.objects.create(
        case=case,
        officer=officer,
        team=officer.team,
        method=method,
        candidates=candidates,
        actor=person(actor),
    )
    audit.record(
        "case.assigned",
        case,
        actor=actor,
        case_id=case.pk,
        court_id=case.court_id,
        after={"officer": officer.username, "method": method, "candidates": candidates},
    )
    return assignment


def reassign(case: Case, *, officer: User, reason: str, actor: User) -> Assignment:
    """R-CASE-06: moving a case to another officer needs a reason, and is recorded."""
    reason = policy.check_reassignment_reason(reason)
    if officer.court_id != case.court_id or officer.role != Role.OFFICER or not officer.is_active:
        raise RuleViolation("OFFICER_INVALID", _("Choose an active officer of this court."), field="officer")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        ensure_open(case)
        policy.check_may_reassign(can(actor, Action.REASSIGN, case))
        before = {"officer": case.officer.username if case.officer else None}
        case.officer, case.team = officer, officer.team
        case.save(update_fields=["officer", "team"])
        assignment = Assignment.objects.create(
            case=case,
            officer=officer,
            team=officer.team,
            method="reassignment",
            reason=reason,
            actor=person(actor),
        )
        audit.record(
            "case.reassigned",
            case,
            actor=actor,
            case_id=case.pk,
            court_id=case.court_id,
            before=before,
            after={"officer": officer.username, "reason": reason},
        )
    return assignment


def snapshot(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "court": case.court.code,
        "type_code": case.type_code,
        "filed_on": case.filed_on,
        "status": case.status,
        "basis_number": case.basis_number,
        "principal": case.principal,
        "interest": case.interest,
        "costs": case.costs,
    }


def case_file(filing: CaseFiling, *, actor: User | SystemActor, assign_officer: bool = True) -> Case:
    """File an enforcement case: validate, number (R-ID-03), detect duplicates, assign (R-CASE-06),
    open its statutory clocks (R-CASE-01..04) and record it — all or nothing."""
    cleaned = clean_filing(filing)
    court = filing.court
    total = cleaned.principal + cleaned.interest + cleaned.costs
    with transaction.atomic():
        if filing.number:
            year, type_code, sequence = keep_imported_number(court, filing.number)
        else:
            year, type_code = filing.filed_on.year, filing.type_code
            sequence = 0
        # A resumed case (执恢) repeats its basis and parties on purpose; resumption has its own check.
        duplicate = None
        if filing.resumed_from is None:
            duplicate = find_duplicate(court, type_code, cleaned.basis_number, cleaned.parties)
        if duplicate is not None:
            raise RuleViolation(
                "DUPLICATE_FILING",
                _("This basis document and these parties are already filed as %(number)s.")
                % {"number": duplicate.number},
                field="basis_number",
            )
        if not sequence:
            sequence = take_number(court, type_code, year)
        number = str(parse_case_number(f"（{year}）{court.code}{type_code}{sequence}号"))
        if filing.number:
            number = str(parse_case_number(filing.number))
        if Case.objects.filter(number=number).exists():
            raise RuleViolation(
                "CASE_NUMBER_TAKEN",
                _("Case number %(number)s already exists.") % {"number": number},
                field="number",
            )
        case = Case.objects.create(
            court=court,
            number=number,
            year=year,
            type_code=type_code,
            sequence=sequence,
            filed_on=filing.filed_on,
            basis_type=filing.basis_type,
            basis_body=cleaned.basis_body,
            basis_number=cleaned.basis_number,
            basis_effective_on=filing.basis_effective_on,
            performance_due_on=filing.performance_due_on,
            principal=cleaned.principal,
            interest=cleaned.interest,
            costs=cleaned.costs,
            is_money_case=filing.is_money_case,
            is_non_litigation=filing.is_non_litigation,
            is_livelihood=filing.is_livelihood,
            is_labour_pay=filing.is_labour_pay,
            is_financial=filing.is_financial,
            is_enterprise=filing.is_enterprise,
            is_small_claim=policy.is_small_claim(total, court.small_claim_threshold),
            small_claim_threshold=court.small_claim_threshold,
            imported=filing.imported,
            resumed_from=filing.resumed_from,
        )
        for party in cleaned.parties:
            party.case = case
        Party.objects.bulk_create(cleaned.parties)
        ProcessNode.objects.bulk_create(build_nodes(case, rules_for(court.pk), urgent=filing.urgent))
        audit.record(
            "case.filed",
            case,
            actor=actor,
            case_id=case.pk,
            court_id=court.pk,
            after={**snapshot(case), "parties": [(p.role, p.name, p.id_number) for p in cleaned.parties]},
        )
        if assign_officer:
            assign(case, actor=actor)
        events.announce(
            "case.filed", case_id=case.pk, court_id=court.pk, number=case.number, type_code=type_code,
            resumed_from_id=case.resumed_from_id, actor=actor,
        )  # fmt: skip
    return case
