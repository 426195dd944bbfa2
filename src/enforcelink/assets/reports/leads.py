"""The applicant's asset leads (财产线索, R-CASE-04), verified from the assets side: one click asks the
unit that can check the lead (an inquiry of the lead's kind, through linkage), the asset records its
answers produce are linked to the lead, and the verification's outcome (confirmed: property found,
or not confirmed) completes the lead's clock through cases' `record_step`.

The lead itself and its clock are cases' (`AssetLead`, `lead_submit`); this module adds a
`LeadCheck` beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.assets import normalise
from enforcelink.assets.actions import InquiryReport, inquiry_start
from enforcelink.assets.models import AssetRecord, AssetSource
from enforcelink.assets.reports import policy
from enforcelink.assets.reports.models import LeadCheck, LeadOutcome
from enforcelink.cases.actions import lead_submit, record_step
from enforcelink.cases.models import AssetLead, Case
from enforcelink.core import audit
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.text import clean_text
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, require

LEAD_BASIS = (
    "《中华人民共和国民事诉讼法》第二百五十三条；《最高人民法院关于民事执行中财产调查若干问题的规定》第二条"
)


def lead_add(case: Case, *, description: str, urgent: bool, actor: User) -> AssetLead:
    """The applicant's lead, kept by cases with its verification clock (7 days, 3 if urgent,
    R-CASE-04), and its check opened here."""
    require(actor, Action.INQUIRE_ASSETS, case, field="case")
    with transaction.atomic():
        lead = lead_submit(case, description=description, urgent=urgent, actor=actor)
        LeadCheck.objects.create(lead=lead, case=case)
    return lead


def _check(lead: AssetLead, actor: User) -> LeadCheck:
    """The lead's check, locked; created for a lead recorded before this module existed."""
    require(actor, Action.INQUIRE_ASSETS, lead.case, field="lead")
    # The case first, as every writer of the case takes it (record_step, the inquiry), then the check.
    list(Case.objects.select_for_update().filter(pk=lead.case_id).values_list("pk", flat=True))
    LeadCheck.objects.get_or_create(lead=lead, defaults={"case_id": lead.case_id})
    return LeadCheck.objects.select_for_update(of=("self",)).select_related("lead", "case").get(lead=lead)


def lead_inquire(lead: AssetLead, *, kind: str, actor: User) -> InquiryReport:
    """One click from the lead: an inquiry of the lead's kind (`inquire_real_estate` …) of every
    unit that handles it, with the lead as its purpose (R-ASSET-01: purpose and basis recorded)."""
    if kind not in normalise.INQUIRY_TYPES:
        raise InvalidInput("KINDS_INVALID", _("Choose the kind of property to ask about."), field="kind")
    with transaction.atomic():
        check = _check(lead, actor)
        if check.outcome != LeadOutcome.PENDING:
            raise RuleViolation("LEAD_ALREADY_VERIFIED", _("This lead has been verified."), field="lead")
        purpose = clean_text(f"核查申请执行人提供的财产线索：{lead.description}"[:300], field="purpose")
        report = inquiry_start(check.case, actor=actor, kinds=[kind], purpose=purpose, legal_basis=LEAD_BASIS)
        check.inquiries.add(report.inquiry)
        audit.record(
            "lead_check.inquired", check, actor=actor, case_id=check.case_id, court_id=check.case.court_id,
            after={"lead": lead.pk, "inquiry": report.inquiry.pk, "kind": kind, "sent": len(report.made)},
        )  # fmt: skip
    return report


def lead_link(lead: AssetLead, *, records: Iterable[int | str], actor: User) -> LeadCheck:
    """Link asset records of the case to the lead that produced them."""
    try:
        wanted = sorted({int(pk) for pk in records})
    except (TypeError, ValueError):
        raise InvalidInput(
            "RECORDS_INVALID", _("Choose asset records of this case."), field="records"
        ) from None
    with transaction.atomic():
        check = _check(lead, actor)
        found = list(
            AssetRecord.objects.filter(case_id=check.case_id, pk__in=wanted).values_list("pk", flat=True)
        )
        if not wanted or len(found) != len(wanted):
            raise InvalidInput("RECORDS_INVALID", _("Choose asset records of this case."), field="records")
        check.records.add(*found)
        audit.record(
            "lead_check.linked", check, actor=actor, case_id=check.case_id, court_id=check.case.court_id,
            after={"lead": lead.pk, "records": found},
        )  # fmt: skip
    return check


def lead_conclude(lead: AssetLead, *, outcome: str, note: Any = "", actor: User) -> LeadCheck:
    """R-CASE-04: the verification's outcome, which completes the lead's clock (`record_step`
    "lead_verified"); once."""
    note = clean_text(str(note or "").strip(), field="note", multiline=True, max_length=500)
    with transaction.atomic():
        check = _check(lead, actor)
        if check.outcome != LeadOutcome.PENDING:
            raise RuleViolation("LEAD_ALREADY_VERIFIED", _("This lead has been verified."), field="outcome")
        policy.lead_outcome(outcome, check.records.count(), note)
        record_step(check.case, step="lead_verified", actor=actor, lead=lead)
        check.outcome, check.note, check.decided_by, check.decided_at = outcome, note, actor, timezone.now()
        check.save(update_fields=["outcome", "note", "decided_by", "decided_at"])
        audit.record(
            "lead_check.concluded", check, actor=actor, case_id=check.case_id, court_id=check.case.court_id,
            after={"lead": lead.pk, "outcome": outcome, "note": note,
                   "records": list(check.records.values_list("pk", flat=True))},
        )  # fmt: skip
    return check


def records_for_leads(*, request_id: int, case_id: int, **_payload: Any) -> int:
    """`request.completed` listener (after the records are made): the records a lead's inquiry's
    answer named are linked to the lead."""
    checks = list(LeadCheck.objects.filter(inquiries__sent__request_id=request_id, case_id=case_id))
    if not checks:
        return 0
    named = list(AssetSource.objects.filter(request_id=request_id).values_list("record_id", flat=True))
    for check in checks:
        check.records.add(*named)
    return len(named)


def lead_of(case: Case, pk: int) -> AssetLead:
    lead = AssetLead.objects.filter(case=case, pk=pk).select_related("case").first()
    if lead is None:
        raise NotFound(field="lead")
    return lead
