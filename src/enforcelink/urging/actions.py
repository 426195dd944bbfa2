"""Writes of pre-enforcement supervision (执前督促): register a judgment, send the risk notice and the
urging letter, record what the obligor paid, and turn an unpaid judgment into an enforcement case.

Each write locks the judgment, checks that the actor is staff of its court ("not found" otherwise)
and appends an audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.actions import CaseFiling, PartyInput, case_file, clean_party, staff_lock
from enforcelink.cases.models import Case, PartyRole
from enforcelink.core import audit
from enforcelink.core.calendar import with_history
from enforcelink.core.errors import DomainError, ErrorList, InvalidInput, RuleViolation
from enforcelink.core.money import parse_amount
from enforcelink.core.notifications import Note, notify_all
from enforcelink.core.sweeps import claim_each
from enforcelink.documents.actions import document_issue
from enforcelink.documents.models import Document, DocumentKind
from enforcelink.orgs.models import Court, User
from enforcelink.orgs.permissions import Action, Actor, require
from enforcelink.urging import policy
from enforcelink.urging.models import Judgment, JudgmentParty, JudgmentStatus

NOTICE_KINDS = (DocumentKind.RISK_NOTICE, DocumentKind.URGING_NOTICE)
PARTY_FIELDS = ("role", "kind", "name", "id_type", "id_number", "legal_representative", "actual_controller")


@dataclass
class JudgmentRegistration:
    """An effective judgment as entered; validated by `judgment_register`."""

    court: Court
    number: str
    judge_name: str
    effective_on: dt.date
    parties: list[PartyInput]
    principal: Any = "0"
    interest: Any = "0"
    costs: Any = "0"
    performance_days: Any = 10
    basis_type: str = "judgment"
    judge: User | None = None
    extra_errors: list[DomainError] = field(default_factory=list)


def _collect(errors: list[DomainError], fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except DomainError as error:
        errors.append(error)
        return None


def _clean_parties(parties: list[PartyInput], errors: list[DomainError]) -> list[JudgmentParty]:
    """R-ID-01 / R-ID-02 as for a case filing: the parties become the case's parties on conversion."""
    counters = {PartyRole.APPLICANT: 0, PartyRole.RESPONDENT: 0}
    cleaned: list[JudgmentParty] = []
    for party in parties:
        index = counters.get(party.role, 0)  # type: ignore[call-overload]
        counters[party.role] = index + 1  # type: ignore[index]
        row = _collect(errors, clean_party, party, index)
        if row is not None:
            values = {name: getattr(row, name) for name in PARTY_FIELDS}
            cleaned.append(JudgmentParty(position=index, address=party.address, phone=party.phone, **values))
    for role, label in ((PartyRole.APPLICANT, _("an applicant")), (PartyRole.RESPONDENT, _("a respondent"))):
        if not counters[role]:
            errors.append(
                InvalidInput("PARTY_REQUIRED", _("Add %(who)s.") % {"who": label}, field=f"{role}s")
            )
    return cleaned


def _clean(reg: JudgmentRegistration, today: dt.date) -> tuple[str, list[Decimal], int, list[JudgmentParty]]:
    errors = list(reg.extra_errors)
    number = _collect(errors, policy.clean_judgment_number, reg.number)
    _collect(errors, policy.clean_effective_on, reg.effective_on, today)
    days = _collect(errors, policy.clean_performance_days, reg.performance_days)
    amounts = [
        _collect(errors, parse_amount, getattr(reg, name), field_name=name)
        for name in ("principal", "interest", "costs")
    ]
    if amounts[0] is not None and amounts[0] <= 0:
        errors.append(InvalidInput("AMOUNT_REQUIRED", _("Enter the amount to be paid."), field="principal"))
    if not reg.judge_name.strip():
        errors.append(InvalidInput("REQUIRED", _("Enter the trial judge."), field="judge_name"))
    parties = _clean_parties(reg.parties, errors)
    if errors:
        raise ErrorList(errors)
    return number, amounts, days, parties


def judgment_register(reg: JudgmentRegistration, *, actor: User) -> Judgment:
    """登记生效裁判: the judgment, its parties and its performance deadline (R-TIME-01/02)."""
    require(actor, Action.FILE, reg.court)
    number, (principal, interest, costs), days, parties = _clean(reg, timezone.localdate())
    due = policy.performance_due(reg.effective_on, days)
    duplicate = RuleViolation(
        "JUDGMENT_DUPLICATE",
        _("Judgment %(number)s is already registered.") % {"number": number},
        field="number",
    )
    if Judgment.objects.filter(court=reg.court, number=number).exists():
        raise duplicate
    try:
        return _create(reg, number, (principal, interest, costs), days, parties, due, actor)
    except IntegrityError:  # registered by a colleague at the same moment
        raise duplicate from None


def _create(
    reg: JudgmentRegistration, number: str, amounts: tuple[Decimal, Decimal, Decimal], days: int,
    parties: list[JudgmentParty], due: Any, actor: User,
) -> Judgment:  # fmt: skip
    principal, interest, costs = amounts
    with transaction.atomic():
        judgment = Judgment.objects.create(
            court=reg.court,
            number=number,
            basis_type=reg.basis_type,
            judge=reg.judge,
            judge_name=reg.judge_name.strip(),
            effective_on=reg.effective_on,
            performance_days=days,
            due_on=due.due,
            due_trace=due.trace,
            principal=principal,
            interest=interest,
            costs=costs,
            registered_by=actor,
        )
        for party in parties:
            party.judgment = judgment
        JudgmentParty.objects.bulk_create(parties)
        audit.record(
            "judgment.registered",
            judgment,
            actor=actor,
            court_id=reg.court.pk,
            after={"number": number, "due_on": due.due, "amount": judgment.amount_total},
        )
    return judgment


def _set_status(judgment: Judgment, status: str, *, actor: User, action: str, **after: Any) -> None:
    before = judgment.status
    judgment.status = status
    judgment.save()
    audit.record(
        action,
        judgment,
        actor=actor,
        court_id=judgment.court_id,
        before={"status": before},
        after={"status": status, **after},
    )


def judgment_notify(judgment: Judgment, *, actor: User) -> list[Document]:
    """Send the 执行风险提示书 and the 督促履行告知书 together: both documents or neither."""
    with transaction.atomic():
        locked = staff_lock(judgment, actor)
        if not locked.can_notify():
            raise RuleViolation(
                "JUDGMENT_NOT_OPEN", _("Notices can only be sent before the deadline is decided.")
            )
        documents = [document_issue(locked, kind=kind, actor=actor) for kind in NOTICE_KINDS]
        locked.notified_on = timezone.localdate()
        _set_status(
            locked,
            JudgmentStatus.NOTIFIED,
            actor=actor,
            action="judgment.notified",
            documents=[d.number for d in documents],
        )
    return documents


def judgment_record_performance(
    judgment: Judgment, *, amount: Any, performed_on: dt.date, actor: User
) -> Judgment:
    """The obligor paid (part of) the judgment before enforcement; paid in full → performed voluntarily."""
    paid = parse_amount(amount, field_name="amount", allow_zero=False)
    if performed_on > timezone.localdate():
        raise InvalidInput(
            "DATE_IN_FUTURE", _("The payment date cannot be in the future."), field="performed_on"
        )
    with transaction.atomic():
        locked = staff_lock(judgment, actor)
        if not locked.is_open:
            raise RuleViolation("JUDGMENT_NOT_OPEN", _("This judgment is no longer being supervised."))
        if locked.performed_amount + paid > locked.amount_total:
            raise RuleViolation(
                "AMOUNT_OVER_OWED", _("The payments would exceed the amount owed."), field="amount"
            )
        locked.performed_amount += paid
        locked.performed_on = performed_on
        full = locked.performed_amount == locked.amount_total
        # Voluntary performance is performance by the deadline; paid in full later still ends the
        # supervision, but does not count towards the 自动履行率.
        late = JudgmentStatus.PERFORMED_LATE if performed_on > locked.due_on else JudgmentStatus.PERFORMED
        status = late if full else locked.status
        _set_status(
            locked, status, actor=actor, action="judgment.performance_recorded", paid=paid, on=performed_on
        )
    return locked


def judgment_withdraw(judgment: Judgment, *, reason: str, actor: User) -> Judgment:
    """Stop supervising (set aside on retrial, registered in error); the reason is kept on the trail."""
    if not reason.strip():
        raise InvalidInput("REASON_REQUIRED", _("Give a reason."), field="reason")
    with transaction.atomic():
        locked = staff_lock(judgment, actor)
        if not locked.is_open:
            raise RuleViolation("JUDGMENT_NOT_OPEN", _("This judgment is no longer being supervised."))
        _set_status(locked, JudgmentStatus.WITHDRAWN, actor=actor, action="judgment.withdrawn", reason=reason)
    return locked


def _filing(judgment: Judgment, today: dt.date) -> CaseFiling:
    principal, interest, costs = policy.outstanding(
        judgment.principal, judgment.interest, judgment.costs, judgment.performed_amount
    )
    parties = [
        PartyInput(**{name: getattr(p, name) for name in PARTY_FIELDS}, address=p.address, phone=p.phone)
        for p in judgment.parties.all()
    ]
    return CaseFiling(
        court=judgment.court,
        filed_on=today,
        basis_type=judgment.basis_type,
        basis_body=judgment.court.name,
        basis_number=judgment.number,
        basis_effective_on=judgment.effective_on,
        parties=parties,
        principal=principal,
        interest=interest,
        costs=costs,
    )


def judgment_convert(judgment: Judgment, *, actor: User) -> Case:
    """One click once the deadline passed unpaid: file the enforcement case with the judgment's
    parties and what is still owed, and link the two."""
    today = timezone.localdate()
    with transaction.atomic():
        locked = staff_lock(judgment, actor)
        if not locked.can_convert(today):
            raise RuleViolation(
                "JUDGMENT_NOT_DUE",
                _("A judgment can be sent to enforcement only after its deadline has passed unpaid."),
            )
        case = case_file(_filing(locked, today), actor=actor)
        locked.converted_case = case
        _set_status(
            locked, JudgmentStatus.CONVERTED, actor=actor, action="judgment.converted", case=case.number
        )
    return case


# --- the daily sweep ------------------------------------------------------------------------------


def _notify_people(judgments: list[Judgment], kind: str, message: str) -> None:
    notes = []
    for judgment in judgments:
        recipients = {judgment.judge_id, judgment.registered_by_id}
        for user_id in sorted(pk for pk in recipients if pk is not None):
            text = message % {"number": judgment.number, "due": judgment.due_on.isoformat()}
            notes.append(Note(user_id, kind, text, f"/urging/{judgment.pk}/"))
    notify_all(notes)


OPEN_STATES = (JudgmentStatus.REGISTERED, JudgmentStatus.NOTIFIED)


def sweep_deadlines(today: dt.date) -> int:
    """Remind before the deadline and mark judgments unpaid after it, each exactly once however many
    workers run the sweep: every row is claimed by a conditional UPDATE on its old state."""
    return _remind_due_soon(today) + _mark_unpaid(today)


def _remind_due_soon(today: dt.date) -> int:
    window = (today, today + dt.timedelta(days=policy.REMIND_DAYS_BEFORE))
    due = Q(status__in=OPEN_STATES, reminded_on__isnull=True, due_on__range=window)

    def remind(won: list[dict[str, Any]]) -> None:
        message = _("Judgment %(number)s must be performed by %(due)s.")
        _notify_people(
            list(Judgment.objects.filter(pk__in=[row["pk"] for row in won])), "urging.due_soon", message
        )

    return claim_each(Judgment.objects.all(), due, {"reminded_on": today}, remind)


def _mark_unpaid(today: dt.date) -> int:
    due = Q(status__in=OPEN_STATES, due_on__lt=today)

    def mark(won: list[dict[str, Any]]) -> None:
        before = {row["pk"]: row["status"] for row in won}
        judgments = list(Judgment.objects.filter(pk__in=before).order_by("pk"))
        audit.append_many(
            audit.Entry("judgment.unpaid", judgment, actor=None, court_id=judgment.court_id,
                        before={"status": before[judgment.pk]},
                        after={"status": JudgmentStatus.UNPAID, "due_on": judgment.due_on})
            for judgment in judgments
        )  # fmt: skip
        message = _("Judgment %(number)s was not performed by %(due)s: it can be sent to enforcement.")
        _notify_people(judgments, "urging.unpaid", message)

    return claim_each(Judgment.objects.all(), due, {"status": JudgmentStatus.UNPAID}, mark, keep=("status",))


def judgments_recompute_for_calendar(*, dates: frozenset[dt.date], actor: Actor, change: int) -> int:
    """Listener of `calendar.changed` (R-TIME-01/02): an open judgment's performance deadline that ends
    on or rolls across a changed day is recomputed; one that moves keeps the earlier date in its trace,
    with a `judgment.due_recomputed` event each; decided judgments keep theirs. Returns how many moved."""
    if not dates:
        return 0
    candidates = Judgment.objects.select_for_update().filter(
        status__in=OPEN_STATES, effective_on__lt=max(dates), due_on__gte=min(dates)
    )
    moved, entries = [], []
    for judgment in candidates.order_by("pk"):
        touched = sorted(day.isoformat() for day in dates if judgment.effective_on < day <= judgment.due_on)
        if not touched:
            continue
        before, reason = judgment.due_on, {"calendar": change, "dates": touched}
        due = policy.performance_due(judgment.effective_on, judgment.performance_days)
        if due.due == before:
            continue
        judgment.due_trace = with_history(before, judgment.due_trace, due, reason)
        judgment.due_on, judgment.reminded_on = due.due, None
        moved.append(judgment)
        entries.append(
            audit.Entry(
                "judgment.due_recomputed", judgment, actor=actor, court_id=judgment.court_id,
                before={"due_on": before}, after={"due_on": judgment.due_on, **reason},
            )
        )  # fmt: skip
    Judgment.objects.bulk_update(moved, ["due_on", "due_trace", "reminded_on"])
    audit.append_many(entries)
    return len(moved)
