"""Rules of the property report and the applicant's leads as pure functions (R-LIST-01 (4),
CPL Art.252, R-CASE-04).

- `report_due(issued_on, days)`: the day the report is due, computed as the order prints it.
- `item_key(kind, institution, identifier, description)`: a reported item's key, in the form the
  asset records' keys take (`assets.normalise`), so a reported account and a found one compare.
- `compare(items, records)`: which reported items match a found record, which found records the
  report left out, which reported items nobody found.
- `findings(due_on, reported_on, left_out)`: the R-LIST-01 (4) grounds a report gives.
- `lead_outcome(outcome, records, note)`: a lead's verification outcome, checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from enforcelink.assets.normalise import compact, name_key
from enforcelink.core.calendar import Deadline, compute_deadline
from enforcelink.core.errors import InvalidInput

REPORT_DAYS = 5  # the order's period when the officer names none (documents.placeholders.DEFAULTS)
# Kinds an inquiry finds that are not property the debtor must list (a tax record, a passport).
NOT_REPORTABLE = frozenset({"tax_record", "exit_entry"})
# Reported kinds matched by the account at its institution, as `normalise._accounts` keys them.
ACCOUNT_KINDS = frozenset({"deposit", "online_funds", "housing_fund", "securities"})


def report_due(issued_on: dt.date, days: int = REPORT_DAYS) -> Deadline:
    """CPL Art.252: the report is due `days` calendar days after the order (the first day not
    counted, a holiday end moved to the next working day, R-TIME-01): the date the order prints."""
    return compute_deadline(issued_on, days, "days", rule_id="R-LIST-01", start_event="property_report_order")


def item_key(kind: str, institution: str, identifier: str, description: str = "") -> str:
    """The key an asset record of this kind would have (`assets.normalise`)."""
    if kind in ACCOUNT_KINDS:
        return f"{name_key(institution)}|{compact(identifier)}"
    if kind in ("real_estate", "ship"):
        return f"cert|{compact(identifier)}" if compact(identifier) else f"desc|{name_key(description)}"
    if kind == "vehicle":
        return compact(identifier)
    if kind == "equity":
        return name_key(identifier or institution)
    return ""


@dataclass(frozen=True)
class Item:
    """A reported item as the comparison reads it."""

    ref: int
    kind: str
    key: str
    identifier: str = ""


@dataclass(frozen=True)
class Found:
    """An asset record as the comparison reads it."""

    ref: int
    kind: str
    key: str
    identifier: str = ""


@dataclass
class Comparison:
    matched: dict[int, int] = field(default_factory=dict)  # item ref → record ref
    left_out: list[int] = field(default_factory=list)  # record refs the report does not name
    unfound: list[int] = field(default_factory=list)  # item refs no inquiry found


def _identifier_part(key: str) -> str:
    return key.rsplit("|", 1)[-1]


def _same(item: Item, record: Found) -> bool:
    """The same asset: same kind and key, or (a bank's name written another way) the same account,
    certificate or plate."""
    if item.kind != record.kind:
        return False
    if item.key and item.key == record.key:
        return True
    mine = compact(item.identifier)
    return bool(mine) and mine in (compact(record.identifier), _identifier_part(record.key))


def compare(items: Sequence[Item], records: Sequence[Found]) -> Comparison:
    """Each reported item against the records the inquiries found (each record matched once, in
    order): matches, found property the report left out (R-LIST-01 (4): possible false report), and
    reported property no inquiry found (kinds no unit answers, or not yet asked)."""
    result = Comparison()
    taken: set[int] = set()
    for item in items:
        match = next((r for r in records if r.ref not in taken and _same(item, r)), None)
        if match is None:
            result.unfound.append(item.ref)
        else:
            taken.add(match.ref)
            result.matched[item.ref] = match.ref
    result.left_out = [r.ref for r in records if r.ref not in taken and r.kind not in NOT_REPORTABLE]
    return result


def findings(
    due_on: dt.date, reported_on: dt.date | None, left_out: Sequence[int], today: dt.date
) -> list[str]:
    """The R-LIST-01 (4) grounds: `none` (no report and the due date passed), `late` (reported after
    it), `false` (found property the report left out)."""
    found = []
    if reported_on is None:
        if today > due_on:
            found.append("none")
        return found
    if reported_on > due_on:
        found.append("late")
    if left_out:
        found.append("false")
    return found


def check_decision(decision: str, reason: str) -> None:
    """An officer confirms or dismisses a finding, always with a reason."""
    if decision not in ("confirmed", "dismissed"):
        raise InvalidInput("DECISION_INVALID", _("Confirm or dismiss the finding."), field="decision")
    if not reason.strip():
        raise InvalidInput("REASON_REQUIRED", _("Give the reason."), field="reason")


def lead_outcome(outcome: str, records: int, note: str) -> str:
    """R-CASE-04: a lead is confirmed when property was found (a record linked, or a note saying
    what was found on site), or not confirmed, saying why."""
    if outcome not in ("confirmed", "not_confirmed"):
        raise InvalidInput("OUTCOME_INVALID", _("Choose the outcome of the verification."), field="outcome")
    if outcome == "confirmed" and not records and not note.strip():
        raise InvalidInput(
            "RECORDS_REQUIRED",
            _("Link the asset records the lead produced, or say what was found."),
            field="records",
        )
    if outcome == "not_confirmed" and not note.strip():
        raise InvalidInput("NOTE_REQUIRED", _("Say why the lead was not confirmed."), field="note")
    return outcome
