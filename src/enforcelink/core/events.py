"""Announcements from a lower app that higher apps act on (STYLE.md "Reacting across apps").

Apps import only downward (tests/core/test_layering.py), so an action that must make a higher app act
announces the fact here, at one fixed point inside its transaction, and each higher app subscribes in
its `AppConfig.ready()`. Unlike a Django signal, an announcement is made on purpose at one point of
one action. docs/architecture.md ("Events across apps") lists every event, who announces it, who
listens, the payload and the order.

The contract:
- **Inside the transaction.** `announce` refuses to run outside `transaction.atomic()`; a listener's
  exception propagates out of `announce` and rolls the whole action back (no half-closed case).
- **Order.** Listeners run in INSTALLED_APPS order of the app their name starts with
  (`"linkage.requests"` → `linkage`), then in subscription order; names of no app run last. So the
  order does not depend on where or when an app subscribes.
- **Locks.** When the listeners run, the action holds its own locks (the case first, then its rows,
  then the audit head) — every action's lock order is unchanged by its listeners. A listener locks
  only rows of its own app belonging to the payload's case or request, ordered by pk; it never locks
  a row of a lower app the action has not locked already (a new order could deadlock).
- **Payload.** Keyword arguments: ids and plain values, so a listener never works on a stale object,
  plus `actor` (the acting user, API key or sweep name, which listeners need for their trail
  entries). Listeners take what they need and ignore the rest (`**_payload`), so adding a field breaks none.

Events (`EVENTS`, with their payload keys):
- `calendar.changed` (`core.holidays`): `dates` (frozenset of the days whose working-day status
  changed), `actor`, `change` (the holiday table's version number after the change). Listeners recompute
  the open clocks whose period crosses one of the days: `cases` (process nodes), `urging` (performance
  deadlines), `linkage` (request SLAs).
- `case.filed` (`cases.actions.filing.case_file`): `case_id`, `court_id`, `number`, `type_code`,
  `resumed_from_id` (None unless a 执恢 case), `actor`. Listener: `assets` enqueues a money case's
  property inquiry after commit (R-CASE-02).
- `case.closed` (`cases.actions.closure.case_close`): `case_id`, `court_id`, `mode`, `closed_on`, `actor`.
  Listeners: `linkage` withdraws the case's unsent requests; `assets` schedules a 终本 case's
  re-inquiries every 6 months for 5 years (R-ASSET-05).
- `case.resumed` (`cases.actions.closure.case_resume`): `case_id` (the 终本 case), `new_case_id` (the
  执恢 case, already announced as `case.filed`), `court_id`, `reason`, `actor`. Listener: `assets`
  stops the 终本 case's re-inquiries still scheduled (R-ASSET-05).
- `case.amount_changed` (`cases.actions.amounts.case_amounts_correct`, the amounts the basis fixed
  corrected on an open money case, after the case row and its trail entry): `case_id`, `court_id`,
  `before` and `after` (`principal`, `interest`, `costs`, Decimal yuan), `reason`, `actor`. Listener:
  `assets` releases the controls the smaller budget no longer covers (R-ASSET-03), as on
  `payment.received`; `funds` announces `obligation.met` when the money already received now meets
  what is owed (R-FUND-04).
- `document.issued` (`documents.actions.document_issue`, a document issued on a case, after its row,
  files and trail entry): `case_id`, `court_id`, `document_id`, `kind`, `issued_on`, `extra` (the
  values the issuer gave, e.g. `report_days`), `actor`. Listener: `assets` opens the debtor's property
  report when the order is the 报告财产令 (R-LIST-01 (4)).
- `request.sent` (`linkage.actions`, every step that puts a request before its unit: sent, approved,
  re-sent, and batches): `request_id`, `case_id`, `court_id`, `unit_id`, `request_type`, `step`
  (`sent`, `approved` or `resent`), `actor`.
- `request.completed` (`linkage.actions`, a unit's completion by page, API or reply batch):
  `request_id`, `case_id`, `court_id`, `unit_id`, `request_type`, `result` (the structured result
  checked by `linkage.policy.clean_result`, R-LINK result fields), `actor`.
- `request.rejected` (`linkage.actions`, likewise): `request_id`, `case_id`, `court_id`, `unit_id`,
  `request_type`, `reason`, `actor`. Listener of both: `assets` (an inquiry's answer becomes asset
  records; an inquiry's answered requests complete the network-inquiry clock, R-CASE-02).
- `request.cancelled` (`linkage.actions`: the court's staff cancel a request, from its page or the
  API, or a closing case withdraws its unsent ones): `request_id`, `case_id`, `court_id`, `unit_id`,
  `request_type`, `reason`, `was` (the status it was cancelled in: `draft`, `pending_approval`,
  `sent`, …), `actor`. Listener: `assets` cancels the control measure the request carried, so it
  neither waits for an answer nor counts any more (R-ASSET-03).
- `payment.received` (`funds.actions.receipt_record`, after the journal and its trail entry; a repeat
  of a booked reference announces nothing; also `funds.receiving`: 不明款 assigned to a case, and a
  statement once per case per part, with `journal_ids` and their sum as `amount`): `case_id`,
  `court_id`, `journal_id`, `amount` (Decimal yuan), `source` (`deduction`, `voluntary`, `statement`,
  `auction`), `actor`. A statement announces its cases together (`announce_many`); listener: `assets`
  releases surplus controls (R-ASSET-03), in one locked read for all the cases in its batch form.
- `obligation.met` (`funds.actions.receipt_record`, right after `payment.received`, when that receipt
  took the case's standing from owing to met, R-FUND-04; also `funds.receiving`, a
  `case.amount_changed` and a `fee.decided` that did the same): `case_id`,
  `court_id`, `actor`. Announced again only if a reversal reopened what is owed and a later receipt
  meets it again. Listener: `funds.closure` proposes 执行完毕 to the officer and the surplus's return.
- `fee.decided` (`funds.fees.fee_decide`, the court waived, reduced or set otherwise a case's
  application fee, or put it back to the scale, after the decision's row and trail entry; then
  `obligation.met` when it took the standing from owing to met): `case_id`, `court_id`, `before`,
  `after` (the fee owed, Decimal yuan), `actor`. Listener: `assets` releases the controls the smaller
  budget no longer covers (R-ASSET-03), as on `payment.received`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.apps import apps
from django.db import transaction

EVENTS = frozenset({
    "calendar.changed",
    "case.filed",
    "case.closed",
    "case.resumed",
    "case.amount_changed",
    "document.issued",
    "request.sent",
    "request.completed",
    "request.rejected",
    "request.cancelled",
    "payment.received",
    "obligation.met",
    "fee.decided",
})  # fmt: skip
Listener = Callable[..., Any]
_listeners: dict[str, dict[str, Listener]] = {}
_many: dict[str, dict[str, Listener]] = {}


def subscribe(event: str, name: str, listener: Listener, *, many: Listener | None = None) -> None:
    """Register `listener` for `event` under `name`, `"<app label>.<what>"` (subscribing the same
    name again replaces it). `many`, if given, is the same listener's batch form for
    `announce_many`: called once as `many(payloads=[...])`, it must do what `listener` called once
    per payload would do."""
    _check(event)
    _listeners.setdefault(event, {})[name] = listener
    if many is None:
        _many.get(event, {}).pop(name, None)
    else:
        _many.setdefault(event, {})[name] = many


def unsubscribe(event: str, name: str) -> None:
    _check(event)
    _listeners.get(event, {}).pop(name, None)
    _many.get(event, {}).pop(name, None)


def _ordered(event: str) -> list[tuple[str, Listener]]:
    """INSTALLED_APPS order of the name's app label, then subscription order (a stable sort)."""
    rank = {config.label: n for n, config in enumerate(apps.get_app_configs())}
    return sorted(
        _listeners.get(event, {}).items(), key=lambda item: rank.get(item[0].split(".")[0], len(rank))
    )


def listeners(event: str) -> list[str]:
    return [name for name, _listener in _ordered(event)]


def announce(event: str, **payload: Any) -> dict[str, Any]:
    """Call every listener of `event` in order with the payload; returns each one's answer by name.
    Inside the action's transaction only: a listener's failure must undo the action."""
    _check(event)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{event!r} announced outside a transaction")
    return {name: listener(**payload) for name, listener in _ordered(event)}


def announce_many(event: str, payloads: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """`event` announced once for each payload (a statement import telling each case paid into),
    with one difference from `announce` in a loop: the order is listener by listener — each
    listener hears every payload before the next listener runs. A listener subscribed with a batch
    form (`many=`) is called once with all of them, so that it can read and lock what it needs in
    one query rather than one per payload; the others are called once per payload. Returns each
    listener's answers by name (a batch form's answer is taken as its list). Inside a transaction
    only, as `announce`."""
    _check(event)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{event!r} announced outside a transaction")
    answers: dict[str, list[Any]] = {}
    if not payloads:
        return answers
    many = _many.get(event, {})
    for name, listener in _ordered(event):
        batch = many.get(name)
        if batch is not None:
            answers[name] = list(batch(payloads=list(payloads)) or [])
        else:
            answers[name] = [listener(**payload) for payload in payloads]
    return answers


def _check(event: str) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
