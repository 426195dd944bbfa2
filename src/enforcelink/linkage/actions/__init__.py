"""Writes on assistance requests: create, send (with its 协助执行通知书), approve, the unit's
acknowledgement, progress, result, rejection and return, the court's re-sending and cancellation,
the follow-up thread, and batches (one case to many units, many cases to one unit).

Every change locks the request, checks the transition (`policy.TRANSITIONS`) and who may make it,
appends a `RequestEvent` (what SLA figures are read from) and an audit event. The unit side is a
liaison (a user of the unit) or the unit's system (its `ApiKey`); another unit's request, like a
missing one, is "not found".

- `lifecycle`: one request's steps, the court's and the unit's, its thread, the withdrawal of unsent
  requests when the case closes;
- `batches`: many requests in one transaction, all or nothing, or each pair checked first and what
  can go sent, the rest refused with the reason (`requests_send_each`);
- `replies`: replies from a unit's system, each applied exactly once under its Idempotency-Key;
- `deadlines`: the SLA clock, the hourly reminders and escalation, the recomputation after a holiday
  change (R-TIME-01, R-TIME-02);
- `notices`: the notice and the ruling a request goes out with;
- `inputs`: the officer's `Ask` and a reason, cleaned (R-ASSET-01, the text rule);
- `access`: who may write on a request (the court's staff, the unit it was sent to), and the unit's
  logged view of the respondents' whole ID numbers (R-ID-05);
- `trail`: each step's event row, audit entry and announcement.

Import actions from here: `from enforcelink.linkage.actions import request_send`. The underscored
helpers are shared between these modules only.
"""

from enforcelink.linkage.actions.access import (
    court_request,
    replying_unit,
    respondents_reveal,
    respondents_reveal_sheet,
    unit_request,
)
from enforcelink.linkage.actions.batches import (
    UNIT_REFUSALS,
    Refusal,
    SendReport,
    requests_batch,
    requests_check,
    requests_fan_out,
    requests_for_cases,
    requests_send_each,
)
from enforcelink.linkage.actions.deadlines import (
    REMIND_WITHIN_DAYS,
    requests_recompute_for_calendar,
    sweep_requests,
)
from enforcelink.linkage.actions.inputs import (
    DETAIL_SCALARS,
    MAX_DETAIL_KEY,
    MAX_DETAIL_TEXT,
    Ask,
    clean_reason,
)
from enforcelink.linkage.actions.lifecycle import (
    PAST,
    message_post,
    request_acknowledge,
    request_approve,
    request_cancel,
    request_complete,
    request_create,
    request_reject,
    request_resend,
    request_return,
    request_send,
    request_start,
    requests_withdraw_for_closure,
    requests_withdraw_unsent,
)
from enforcelink.linkage.actions.notices import RulingKey
from enforcelink.linkage.actions.replies import (
    MAX_KEY,
    OUTCOMES,
    REPLY_COLUMNS,
    REPLY_NAMES,
    Present,
    ReplyActor,
    UnitReply,
    replies_apply,
)
from enforcelink.linkage.actions.trail import SENT_STEPS, Step

__all__ = [
    "DETAIL_SCALARS",
    "MAX_DETAIL_KEY",
    "MAX_DETAIL_TEXT",
    "MAX_KEY",
    "OUTCOMES",
    "PAST",
    "REMIND_WITHIN_DAYS",
    "REPLY_COLUMNS",
    "REPLY_NAMES",
    "SENT_STEPS",
    "UNIT_REFUSALS",
    "Ask",
    "Present",
    "Refusal",
    "ReplyActor",
    "RulingKey",
    "SendReport",
    "Step",
    "UnitReply",
    "clean_reason",
    "court_request",
    "message_post",
    "replies_apply",
    "replying_unit",
    "request_acknowledge",
    "request_approve",
    "request_cancel",
    "request_complete",
    "request_create",
    "request_reject",
    "request_resend",
    "request_return",
    "request_send",
    "request_start",
    "requests_batch",
    "requests_check",
    "requests_fan_out",
    "requests_for_cases",
    "requests_recompute_for_calendar",
    "requests_send_each",
    "requests_withdraw_for_closure",
    "requests_withdraw_unsent",
    "respondents_reveal",
    "respondents_reveal_sheet",
    "sweep_requests",
    "unit_request",
]
