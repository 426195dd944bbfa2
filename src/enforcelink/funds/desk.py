"""Reads of the fund clerk's desk (issue 15 §11): the 不明款 queue, payouts, the money held past its
R-FUND-02 pay-out date, the court's ledger and a case's ledger with its running balance, and their
Excel/CSV exports. Each starts from `visible_to` / `restrict`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases.models import Case, Party, PartyRole
from enforcelink.core.tabular import csv_row, xlsx_append, xlsx_money
from enforcelink.funds import policy, queries
from enforcelink.funds.models import RECOVERY_KINDS, AccountKind, Entry, Journal, JournalKind, LedgerAccount
from enforcelink.funds.paying import pay_out_period
from enforcelink.funds.payouts import PENDING, Payout, PayoutStatus
from enforcelink.funds.statements import UnidentifiedReceipt, UnidentifiedStatus
from enforcelink.orgs.models import Role
from enforcelink.orgs.permissions import Action, hats, restrict

ZERO = Decimal("0.00")


# --- 不明款 (R-FUND-01) -----------------------------------------------------------------------------


def unidentified_waiting(actor: Any) -> QuerySet[UnidentifiedReceipt]:
    """The court's unidentified money still waiting, the oldest first (by the queue's index)."""
    return (
        restrict(UnidentifiedReceipt.objects.all(), actor, Action.BOOK_FUNDS)
        .filter(status=UnidentifiedStatus.WAITING)
        .order_by("arrived_on", "pk")
    )


def unidentified_counts(actor: Any, today: dt.date) -> dict[str, Any]:
    """How much waits, how much of it is past its R-FUND-01 date, and its total."""
    return (
        unidentified_waiting(actor)
        .order_by()
        .aggregate(
            waiting=Count("pk"),
            overdue=Count("pk", filter=Q(identify_by__lt=today)),
            amount=Sum("amount", default=ZERO),
        )
    )


@dataclass(frozen=True)
class CaseParties:
    """A case with the names of its applicants and respondents: whom the fund clerk checks the payer
    of unidentified money against before assigning it (R-FUND-01)."""

    case: Case
    applicants: list[str]
    respondents: list[str]

    def payer_is(self, payer: str) -> str:
        """`respondent`, `applicant` or "" (the payer's name is none of the case's parties')."""
        name = payer.strip()
        if name and name in self.respondents:
            return "respondent"
        if name and name in self.applicants:
            return "applicant"
        return ""


def case_parties(cases: Sequence[Case]) -> list[CaseParties]:
    """The cases with their parties' names, in one query."""
    names: dict[int, dict[str, list[str]]] = {case.pk: defaultdict(list) for case in cases}
    rows = Party.objects.filter(case_id__in=list(names)).order_by("case_id", "position", "pk")
    for case_id, role, name in rows.values_list("case_id", "role", "name"):
        names[case_id][role].append(name)
    return [
        CaseParties(case, names[case.pk][PartyRole.APPLICANT], names[case.pk][PartyRole.RESPONDENT])
        for case in cases
    ]


PAYER_CASES = 5  # the cases a payer's name is a respondent of, shown beside a 不明款


def payer_cases(actor: Any, items: Iterable[UnidentifiedReceipt]) -> dict[int, list[CaseParties]]:
    """For each unidentified receipt, the court's cases whose respondent bears the payer's name (open
    ones first, the newest first, at most PAYER_CASES): likely where the money belongs. Two queries
    for a page of the queue, whatever its length."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for item in items:
        if item.payer_name.strip():
            by_name[item.payer_name.strip()].append(item.pk)
    if not by_name:
        return {}
    newest_open_first = [F("case__status").desc(), F("case__filed_on").desc(), F("case_id").desc()]
    respondents = (
        restrict(Party.objects.all(), actor, Action.BOOK_FUNDS, "case__court")
        .filter(role=PartyRole.RESPONDENT, name__in=list(by_name))
        .annotate(rank=Window(RowNumber(), partition_by=[F("name")], order_by=newest_open_first))
        .filter(rank__lte=PAYER_CASES)
        .select_related("case")
        .order_by("name", "rank")
    )
    cases: dict[str, list[Case]] = defaultdict(list)
    for party in respondents:
        if all(case.pk != party.case_id for case in cases[party.name]):  # two respondents of one name
            cases[party.name].append(party.case)
    shown = {entry.case.pk: entry for entry in case_parties([c for found in cases.values() for c in found])}
    return {
        pk: [shown[case.pk] for case in cases.get(name, [])] for name, pks in by_name.items() for pk in pks
    }


# --- payouts (R-FUND-02) ---------------------------------------------------------------------------


def payouts(actor: Any, *, status: str = "") -> QuerySet[Payout]:
    rows = Payout.objects.visible_to(actor).select_related("case", "party")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("proposed_at", "pk")


def to_pay(actor: Any) -> QuerySet[Payout]:
    """Approved payouts the fund clerk has to pay (the bank's payment file)."""
    return (
        restrict(Payout.objects.all(), actor, Action.PAY_OUT)
        .filter(status=PayoutStatus.APPROVED)
        .select_related("case")
        .order_by("decided_at", "pk")
    )


def awaiting_approval(actor: Any) -> QuerySet[Payout]:
    """Proposals this actor may decide: the court's, not their own (four eyes, R-FUND-02); for anyone
    but the president, none above the court's `payout_president_above` (`policy.needs_president`)."""
    rows = restrict(Payout.objects.all(), actor, Action.APPROVE_PAYOUT).filter(status=PayoutStatus.PROPOSED)
    if Role.PRESIDENT not in hats(actor):
        rows = rows.filter(
            Q(court__payout_president_above__isnull=True) | Q(amount__lte=F("court__payout_president_above"))
        )
    return (
        rows.exclude(proposed_by_id=actor.pk)
        .select_related("case", "proposed_by")
        .order_by("proposed_at", "pk")
    )


@dataclass(frozen=True)
class Held:
    """Money a case holds and since when (R-FUND-02): the oldest receipt not yet paid on, its
    pay-out date, and the payouts pending on it."""

    case: Case
    balance: Decimal
    since: dt.date
    due: dt.date
    pending: Decimal
    days_late: int = 0  # days past `due` on the day it was read

    def overdue(self, today: dt.date) -> bool:
        return self.due < today

    def days_overdue(self, today: dt.date) -> int:
        return max((today - self.due).days, 0)


def held_money(actor: Any, action: Action = Action.PAY_OUT, *, today: dt.date) -> list[Held]:
    """Cases of the actor's court holding money to pay out, the longest held first. The application
    fee held for the court (`queries.fee_held`: paid first, collected by the court, never paid out)
    is not money to pay out: the balance less it is. The money paid out is taken from the oldest
    receipts first, so what is held arrived with the newest receipts that add up to that; the oldest
    of those starts the R-FUND-02 clock (`funds.policy.pay_out_by`)."""
    accounts = restrict(LedgerAccount.objects.all(), actor, action).filter(
        kind=AccountKind.CASE, balance__lt=0
    )
    balances = dict(accounts.values_list("case_id", "balance"))
    if not balances:
        return []
    ids = sorted(balances)
    receipts: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    rows = (
        Journal.objects.filter(case_id__in=ids, kind__in=RECOVERY_KINDS, reversed_by__isnull=True)
        .exclude(kind=JournalKind.OPENING)
        .order_by("case_id", "-value_on", "-pk")
        .values_list("case_id", "value_on", "amount")
    )
    for case_id, on, amount in rows:
        receipts[case_id].append((on, amount))
    pending = dict(
        Payout.objects.filter(case_id__in=ids, status__in=PENDING)
        .values("case_id")
        .annotate(total=Sum("amount"))
        .values_list("case_id", "total")
    )
    cases = Case.objects.in_bulk(ids)
    fees = queries.fee_held_many(list(cases.values()), today)
    period, unit = pay_out_period()
    found = []
    for case_id in ids:
        held = -balances[case_id] - fees.get(case_id, ZERO)
        if held <= 0:
            continue
        since = _oldest_held(receipts.get(case_id, []), held)
        if since is None:
            continue
        due = policy.pay_out_by(since, amount=period, unit=unit).due
        found.append(
            Held(cases[case_id], held, since, due, pending.get(case_id) or ZERO, max((today - due).days, 0))
        )
    return sorted(found, key=lambda held: (held.due, held.case.pk))


def _oldest_held(receipts_newest_first: Sequence[tuple[dt.date, Decimal]], held: Decimal) -> dt.date | None:
    left, since = held, None
    for on, amount in receipts_newest_first:
        if left <= 0:
            break
        since, left = on, left - amount
    return since


def overdue_money(actor: Any, action: Action, today: dt.date) -> list[Held]:
    return [held for held in held_money(actor, action, today=today) if held.overdue(today)]


# --- ledgers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One movement on a case's account with the balance after it (yuan held for the case)."""

    entry: Entry
    received: Decimal | None
    paid: Decimal | None
    balance: Decimal
    reversed: bool


def case_ledger(actor: Any, case: Case) -> list[Line]:
    """Every movement of the case's account, oldest first, with the running balance (台账)."""
    entries = (
        Entry.objects.visible_to(actor)
        .filter(case_id=case.pk, account__kind=AccountKind.CASE)
        .select_related("journal")
        .annotate(undone=Exists(Journal.objects.filter(reverses_id=OuterRef("journal_id"))))
        .order_by("journal__created_at", "journal_id", "id")
    )
    lines, running = [], ZERO
    for entry in entries:
        running -= entry.amount
        lines.append(Line(entry, -entry.amount if entry.amount < 0 else None,
                          entry.amount if entry.amount > 0 else None, running, getattr(entry, "undone", False)))  # fmt: skip
    return lines


@dataclass(frozen=True)
class LedgerFilters:
    kind: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    case: str = ""


# A journal's direction as the court's custody account (执行款专户) sees it: money in (收), money out
# (支), or moved within the court without touching the bank account (不明款 assigned to its case, the
# imported history).
IN, OUT, WITHIN = "in", "out", "within"


def _custody_move() -> Subquery:
    """The journal's legs on the custody account, added up: + money in, − money out, none within."""
    legs = (
        Entry.objects.filter(journal_id=OuterRef("pk"), account__kind=AccountKind.CUSTODY)
        .order_by()
        .values("journal_id")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return Subquery(legs, output_field=Journal._meta.get_field("amount"))


def _direction() -> DbCase:
    return DbCase(
        When(custody_move__gt=0, then=Value(IN)),
        When(custody_move__lt=0, then=Value(OUT)),
        default=Value(WITHIN),
        output_field=CharField(),
    )


def direction(journal: Journal) -> str:
    """`IN`, `OUT` or `WITHIN` for a journal read by `court_ledger` (its `direction`)."""
    return str(getattr(journal, "direction", WITHIN))


def court_ledger(actor: Any, filters: LedgerFilters) -> QuerySet[Journal]:
    """The court's journals, newest first, filtered (kind, value dates, case number), each with its
    `direction`: money in or out of the custody account, or within the court (`custody_move`)."""
    rows = (
        restrict(Journal.objects.all(), actor, Action.BOOK_FUNDS)
        .select_related("case")
        .annotate(custody_move=_custody_move())
        .annotate(direction=_direction())
    )
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.since:
        rows = rows.filter(value_on__gte=filters.since)
    if filters.until:
        rows = rows.filter(value_on__lte=filters.until)
    if filters.case:
        # The 一案一账号 as pages show it, in groups of four, or as a payer typed it.
        digits = re.sub(r"[\s\-]", "", filters.case)
        rows = rows.filter(Q(case__number__contains=filters.case) | Q(case__fund_account__reference=digits))
    return rows.order_by("-created_at", "-pk")


def held_total(actor: Any) -> dict[str, Decimal]:
    """The court's accounts' balances: custody (money in the bank) = held for cases + unidentified +
    application fees collected and not yet paid over."""
    accounts = restrict(LedgerAccount.objects.all(), actor, Action.BOOK_FUNDS)
    totals = dict(accounts.values("kind").annotate(total=Sum("balance")).values_list("kind", "total"))
    return {
        "custody": totals.get(AccountKind.CUSTODY) or ZERO,
        "cases": -(totals.get(AccountKind.CASE) or ZERO),
        "unidentified": -(totals.get(AccountKind.UNIDENTIFIED) or ZERO),
        "fees": -(totals.get(AccountKind.FEE_INCOME) or ZERO),
    }


# --- exports (openpyxl, as the other exports) ------------------------------------------------------


def sheet_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str = "xlsx"
) -> HttpResponse:
    """An XLSX (or CSV) download; texts a spreadsheet would run as formulas stay texts, dates are date
    cells (a day in the court's time zone, never a UTC date written as text)."""
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(csv_row(list(header)))
        for row in rows:
            writer.writerow(csv_row([str(value) if isinstance(value, Decimal) else value for value in row]))
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    xlsx_append(sheet, list(header))
    for row in rows:
        xlsx_append(sheet, [xlsx_money(sheet, v) if isinstance(v, Decimal) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def case_ledger_rows(lines: list[Line]) -> Iterable[list[Any]]:
    for line in lines:
        journal = line.entry.journal
        yield [
            timezone.localdate(journal.created_at), journal.value_on, str(journal.get_kind_display()),
            line.received or "", line.paid or "", line.balance, journal.reference, journal.shown_memo,
            getattr(journal, "booked_by", journal.created_by), _("reversed") if line.reversed else "",
        ]  # fmt: skip


def case_ledger_header() -> list[str]:
    return [_("Booked"), _("Value date"), _("What"), _("Received"), _("Paid out"), _("Balance"),
            _("Reference"), _("Memo or reason"), _("Booked by"), _("Reversed")]  # fmt: skip


def direction_label(way: str) -> str:
    return {IN: _("Money in"), OUT: _("Money out")}.get(way) or _("Within the court")


def court_ledger_rows(journals: Iterable[Journal]) -> Iterable[list[Any]]:
    """One row per journal: its direction in words, then the amount in the column of money in or of
    money out (a spreadsheet adds each up); a movement within the court has its amount in neither."""
    for journal in journals:
        way = direction(journal)
        yield [
            journal.pk, timezone.localdate(journal.created_at), journal.value_on,
            str(journal.get_kind_display()), journal.case.number if journal.case else "", direction_label(way),
            journal.amount if way == IN else "", journal.amount if way == OUT else "", journal.amount,
            journal.reference, journal.shown_memo, getattr(journal, "booked_by", journal.created_by),
            journal.reverses_id or "",
        ]  # fmt: skip


def court_ledger_header() -> list[str]:
    return [_("Journal"), _("Booked"), _("Value date"), _("What"), _("Case"), _("In/out"), _("Money in"),
            _("Money out"), _("Amount"), _("Reference"), _("Memo or reason"), _("Booked by"),
            _("Reverses journal")]  # fmt: skip


def payment_file_rows(rows: Iterable[Payout]) -> Iterable[list[Any]]:
    for payout in rows:
        yield [payout.payee_name, payout.payee_account, payout.payee_bank, payout.amount, payout.case.number,
               payout.reference]  # fmt: skip


def payment_file_header() -> list[str]:
    return [_("Payee"), _("Account"), _("Bank"), _("Amount (yuan)"), _("Case"), _("Payment reference")]
