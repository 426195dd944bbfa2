"""Who hears of a request's step (issue 14 §1), told inside the step's transaction by `write_trail`:

- the unit answered (completed, rejected, returned for correction): the requesting officer — who
  drafted the request, and the case's officer if another;
- a message in the thread: the other side — from the unit, those officers; from the court, the
  unit's liaisons;
- a request put before an approver: the court's approvers (whom `Action.APPROVE_REQUEST` names,
  except its author and whoever submitted it, who may not approve it: four eyes);
- the approver's decision: who drafted it and who submitted it; and every approver's "approval
  waiting" note for it is marked read (it asks nothing more of them).

Whoever acted is never told of their own step. A batch of steps costs a few queries whatever its
size: the requests' names in one, the approvers or liaisons in one each, the submitters in one, and
one insert.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcelink.core.notifications import Note, notify_all, settle
from enforcelink.linkage.models import AssistanceRequest, RequestEvent, RequestMessage, RequestType, Side
from enforcelink.orgs.models import ApiKey, Role, User
from enforcelink.orgs.permissions import Action, holders

# A step is `trail.Step` (its `event`, `actor`), typed loosely here: trail imports this module.
Step = Any

ANSWERS = {"completed", "rejected", "returned"}
DECISIONS = {"approved", "refused"}
TOLD = ANSWERS | DECISIONS | {"submitted", "message"}


NAMES = {
    "unit_name": F("unit__name"), "case_number": F("case__number"), "court_id": F("case__court_id"),
    "court_name": F("case__court__name"), "officer_id": F("case__officer_id"), "notice_number": F("notice__number"),
}  # fmt: skip


def _names(ids: set[int]) -> dict[int, dict[str, Any]]:
    rows = AssistanceRequest.objects.filter(pk__in=ids).values(
        "pk", "request_type", "unit_id", "case_id", "created_by_id", **NAMES
    )
    return {row["pk"]: dict(row) for row in rows}


def _label(row: dict[str, Any]) -> dict[str, str]:
    """The names a message gives: the unit, the request (its notice number, 协执23号, once it has
    one), its type and the case number."""
    kind = str(RequestType(row["request_type"]).label) if row["request_type"] in RequestType.values else ""
    number = row["notice_number"] or _("no. %(id)s") % {"id": row["pk"]}
    return {"unit": row["unit_name"], "court": row["court_name"], "type": kind, "request": number,
            "case": row["case_number"]}  # fmt: skip


def _who(actor: Any) -> str:
    if isinstance(actor, ApiKey):
        return str(actor.unit.name)
    return str(actor) if actor is not None else _("The system")


def _message(kind: str, names: dict[str, str], note: str) -> str:
    texts = {
        "completed": _("%(unit)s replied to %(type)s request %(request)s (case %(case)s)"),
        "rejected": _("%(unit)s rejected %(type)s request %(request)s (case %(case)s): %(note)s"),
        "returned": _(
            "%(unit)s returned %(type)s request %(request)s (case %(case)s) for correction: %(note)s"
        ),
        "message_unit": _("%(unit)s wrote on %(type)s request %(request)s (case %(case)s): %(note)s"),
        "message_court": _("%(court)s wrote on %(type)s request %(request)s (case %(case)s): %(note)s"),
        "submitted": _("%(who)s asks you to approve a %(type)s request to %(unit)s (case %(case)s)"),
        "approved": _("%(who)s approved the %(type)s request to %(unit)s (case %(case)s); it has been sent"),
        "refused": _("%(who)s refused the %(type)s request to %(unit)s (case %(case)s): %(note)s"),
    }
    return texts[kind] % {**names, "note": note[:200]}


def notify_steps(trail: Iterable[Step]) -> None:
    """Tell whoever must hear of these steps (module docstring)."""
    told = [step for step in trail if step.event.kind in TOLD]
    if not told:
        return
    names = _names({step.event.request_id for step in told})
    approvers = _approvers(
        {names[s.event.request_id]["court_id"] for s in told if s.event.kind == "submitted"}
    )
    liaisons = _liaisons(
        {
            names[s.event.request_id]["unit_id"]
            for s in told
            if _side(s) == Side.COURT and s.event.kind == "message"
        }
    )
    bodies = _bodies({s.event.request_id for s in told if s.event.kind == "message"})
    submitters = _submitters({s.event.request_id for s in told if s.event.kind in DECISIONS | {"submitted"}})
    notes: list[Note] = []
    for step in told:
        row = names[step.event.request_id]
        kind, actor_id = step.event.kind, step.event.actor_id
        officers = {row["created_by_id"], row["officer_id"]}
        if kind in ANSWERS or (kind == "message" and _side(step) == Side.UNIT):
            people, key = officers, ("message_unit" if kind == "message" else kind)
        elif kind == "message":
            people, key = liaisons.get(row["unit_id"], set()), "message_court"
        elif kind == "submitted":
            people = approvers.get(row["court_id"], set()) - {row["created_by_id"], submitters.get(row["pk"])}
            key = kind
        else:
            people, key = {row["created_by_id"], submitters.get(row["pk"])}, kind
        text = _message(
            key, {**_label(row), "who": _who(step.actor)}, step.event.note or bodies.get(row["pk"], "")
        )
        url = reverse("request-detail", args=[row["pk"]])
        for pk in sorted(p for p in people if p is not None and p != actor_id):
            notes.append(Note(pk, f"request.{kind}", text, url, row["case_id"]))
    notify_all(notes)
    _settle_approvals([names[s.event.request_id] for s in told if s.event.kind in DECISIONS])


def _settle_approvals(decided: list[dict[str, Any]]) -> None:
    """A decided request asks nothing more of the court's approvers: their "approval waiting" notes
    for it are marked read, in the decision's transaction (one query for the approvers, one update)."""
    if not decided:
        return
    approvers = _approvers({row["court_id"] for row in decided})
    settle(
        {pk for row in decided for pk in approvers.get(row["court_id"], set())},
        kind="request.submitted",
        urls={reverse("request-detail", args=[row["pk"]]) for row in decided},
    )


def _side(step: Step) -> str:
    return str((step.event.data or {}).get("side", ""))


def _bodies(ids: set[int]) -> dict[int, str]:
    """The latest message of each request (the one just posted)."""
    found: dict[int, str] = {}
    messages = RequestMessage.objects.filter(request_id__in=ids).order_by("request_id", "at", "pk")
    for request_id, body in messages.values_list("request_id", "body") if ids else []:
        found[request_id] = body
    return found


def _approvers(courts: set[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for court_id in sorted(courts):
        for pk in holders(Action.APPROVE_REQUEST, court_id=court_id).values_list("pk", flat=True):
            found[court_id].add(pk)
    return found


def _liaisons(units: set[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    people = User.objects.filter(unit_id__in=units, role=Role.LIAISON, is_active=True)
    for pk, unit_id in people.values_list("pk", "unit_id"):
        found[unit_id].add(pk)
    return found


def _submitters(ids: set[int]) -> dict[int, int | None]:
    """Who last put each request before an approver."""
    if not ids:
        return {}
    found: dict[int, int | None] = {}
    events = RequestEvent.objects.filter(request_id__in=ids, kind="submitted").order_by(
        "request_id", "at", "pk"
    )
    for request_id, actor_id in events.values_list("request_id", "actor_id"):
        found[request_id] = actor_id  # the latest wins
    return found
