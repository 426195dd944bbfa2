"""Writes on cases: one function per business operation, each appending its audit event.

- `filing`: validate and file a case, number it (R-ID-03), assign it (R-CASE-06);
- `deadlines`: steps that complete statutory clocks, asset leads, periods not counted, extensions,
  the overdue sweep (R-CASE-01..04, R-TIME-02);
- `closure`: closing by the modes of R-CASE-05 and resuming a 终本 case;
- `amounts`: correcting the amounts the basis fixed (announces `case.amount_changed`);
- `access`: who may write, closed cases read-only, the logged view of a full ID number (R-ID-05).

Import actions from here: `from enforcelink.cases.actions import case_close`.
"""

from enforcelink.cases.actions.access import (
    ensure_open,
    ensure_open_or_terminated,
    reveal_id,
    staff_case,
    staff_lock,
)
from enforcelink.cases.actions.amounts import case_amounts_correct
from enforcelink.cases.actions.closure import case_close, case_resume
from enforcelink.cases.actions.deadlines import (
    PENDING_NODE_STATUSES,
    enqueue_overdue_check,
    extension_decide,
    extension_request,
    lead_submit,
    record_step,
    suspension_end,
    suspension_start,
    sweep_overdue,
)
from enforcelink.cases.actions.filing import (
    CaseFiling,
    Cleaned,
    PartyInput,
    assign,
    case_file,
    clean_filing,
    clean_party,
    counter_kind,
    find_duplicate,
    keep_imported_number,
    officer_loads,
    reassign,
    snapshot,
    take_number,
)

__all__ = [
    "PENDING_NODE_STATUSES",
    "CaseFiling",
    "Cleaned",
    "PartyInput",
    "assign",
    "case_amounts_correct",
    "case_close",
    "case_file",
    "case_resume",
    "clean_filing",
    "clean_party",
    "counter_kind",
    "enqueue_overdue_check",
    "ensure_open",
    "ensure_open_or_terminated",
    "extension_decide",
    "extension_request",
    "find_duplicate",
    "keep_imported_number",
    "lead_submit",
    "officer_loads",
    "reassign",
    "record_step",
    "reveal_id",
    "snapshot",
    "staff_case",
    "staff_lock",
    "suspension_end",
    "suspension_start",
    "sweep_overdue",
    "take_number",
]
