"""How the trail entries of cases read (`core.narration`): filing, assignment, steps, clocks,
suspensions, extensions, closure, resumption, ID reveals and imports; and the words for the start
events and reasons their deadline traces store (`core.traces`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.cases.forms import RevealForm
from enforcelink.cases.models import Case, ClosureMode, NodeKind, ProcessNode, SuspensionKind
from enforcelink.cases.policy import DEFAULT_NODE_RULES
from enforcelink.core import narration, traces
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Fields, Scene, Told, day, detail, money, yes_no
from enforcelink.orgs.models import User

NODE_RULES = {kind: rule_id for kind, rule_id, *_rest in DEFAULT_NODE_RULES}
# The steps an officer records (`record_step`, cases.policy.STEP_COMPLETES), as the form names them.
STEPS = {
    "notice_and_report_sent": gettext_lazy("Execution notice and property-report order sent"),
    "execution_notice_sent": gettext_lazy("Execution notice sent"),
    "property_report_sent": gettext_lazy("Property-report order sent"),
    "network_inquiry_done": gettext_lazy("Network inquiry done (总对总)"),
    "local_inquiry_done": gettext_lazy("Local inquiry done (点对点)"),
    "four_inquiries_done": gettext_lazy("Four inquiries and two reports done"),
    "lead_verified": gettext_lazy("Applicant's asset lead verified"),
}


def _node(kind: Any) -> str:
    return narration.label_of(NodeKind, kind)


def _officers(events: Sequence[AuditEvent]) -> dict[str, str]:
    """Officers named by username in filing and assignment entries, by their full names: one query."""
    names: set[str] = set()
    for event in events:
        names |= {
            value
            for value in (narration.after_of(event).get("officer"), narration.before_of(event).get("officer"))
            if value
        }
    return {user.username: str(user) for user in User.objects.filter(username__in=names)}  # fmt: skip


def _officer(scene: Scene, username: Any) -> str:
    return (scene.loaded or {}).get(username) or str(username or "—")


def _nonzero(amount: Any) -> bool:
    """An amount worth listing: interest of 0.00 says nothing to a reader."""
    try:
        return Decimal(str(amount)) != 0
    except (InvalidOperation, ValueError):
        return bool(amount)


def case_filed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    how = Fields(
        labels={"principal": _("Principal"), "interest": _("Interest"), "costs": _("Costs")},
        skip=("number", "court", "status"),
    )
    amounts = {key: after.get(key) for key in ("principal", "interest", "costs")}
    shown = {key: value for key, value in after.items() if key not in amounts or _nonzero(value)}
    if after.get("officer"):  # an import's or the demo's filing names the officer by login name
        shown["officer"] = _officer(scene, after["officer"])
    return Told(
        _("%(actor)s filed the case %(number)s") % {"actor": scene.actor, "number": after.get("number", "")},
        narration.changes(Case, None, shown, how),
        ("R-ID-03",),
    )


def amounts_corrected(event: AuditEvent, scene: Scene) -> Told:
    after, before = narration.after_of(event), narration.before_of(event)
    how = Fields(
        labels={"principal": _("Principal"), "interest": _("Interest"), "costs": _("Costs")},
        kinds=dict.fromkeys(("principal", "interest", "costs"), "money"), skip=("reason",),
    )  # fmt: skip
    return Told(
        _("%(actor)s corrected the amounts the basis fixed") % {"actor": scene.actor},
        narration.changes(Case, before, after, how) + detail(_("Reason"), str(after.get("reason") or "")),
    )


def case_assigned(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    officer = _officer(scene, after.get("officer"))
    if after.get("method") == "random_rotation":
        sentence = _("The case went to %(officer)s by random balanced rotation") % {"officer": officer}
    else:
        sentence = _("%(actor)s assigned the case to %(officer)s") % {
            "actor": scene.actor,
            "officer": officer,
        }
    return Told(sentence, refs=("R-CASE-06",))


def case_reassigned(event: AuditEvent, scene: Scene) -> Told:
    after, before = narration.after_of(event), narration.before_of(event)
    return Told(
        _("%(actor)s reassigned the case to %(officer)s")
        % {"actor": scene.actor, "officer": _officer(scene, after.get("officer"))},
        detail(_("Previous officer"), _officer(scene, before.get("officer")) if before.get("officer") else "")
        + detail(_("Reason"), str(after.get("reason") or "")),
        ("R-CASE-06",),
    )


def case_closed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    within = after.get("within_period")
    return Told(
        _("%(actor)s closed the case: %(mode)s")
        % {"actor": scene.actor, "mode": narration.label_of(ClosureMode, after.get("mode", ""))},
        detail(_("Closing date"), day(after.get("closed_on")))
        + detail(_("Closure deadline"), day(after.get("closure_due_on")))
        + detail(_("Closed within the statutory period"), yes_no(within) if within is not None else ""),
        ("R-CASE-05",),
    )


def case_resumed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    if event.action == "case.resumed":
        sentence = _("%(actor)s resumed enforcement under the new case %(number)s")
        number = after.get("resumed_as", "")
    else:
        sentence = _("%(actor)s filed this case to resume the enforcement of %(number)s")
        number = after.get("resumed_from", "")
    return Told(
        sentence % {"actor": scene.actor, "number": number},
        detail(_("Reason"), str(after.get("reason") or "")),
        ("R-CASE-05",),
    )


def suspension_started(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    paused = after.get("closure_clock_paused")
    return Told(
        _("%(actor)s recorded a period not counted from %(date)s: %(kind)s")
        % {
            "actor": scene.actor,
            "date": day(after.get("started_on")),
            "kind": narration.label_of(SuspensionKind, after.get("kind", "")),
        },
        detail(_("Reason"), str(after.get("reason") or ""))
        + detail(_("Closure deadline paused"), yes_no(paused) if paused is not None else ""),
        ("R-CASE-03",),
    )


def _closure_due(event: AuditEvent) -> tuple[tuple[str, str], ...]:
    old = day(narration.before_of(event).get("closure_due_on"))
    new = day(narration.after_of(event).get("closure_due_on"))
    if old and new and old != new:
        return detail(_("Closure deadline"), _("%(old)s → %(new)s") % {"old": old, "new": new})
    return detail(_("Closure deadline"), new)


def suspension_ended(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s recorded that the period not counted ended on %(date)s: %(days)s days are not counted")
        % {"actor": scene.actor, "date": day(after.get("ended_on")), "days": after.get("excluded_days", "?")},
        _closure_due(event),
        ("R-CASE-03",),
    )


def extension_requested(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s asked to extend the closure deadline by %(months)s months")
        % {"actor": scene.actor, "months": after.get("months", "?")},
        detail(_("Reason"), str(after.get("reason") or ""))
        + detail(_("Closure deadline"), day(after.get("due_on")))
        + detail(_("High-court filing reference"), str(after.get("high_court_ref") or "")),
        ("R-CASE-03",),
    )


def extension_decided(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    if after.get("status") == "approved":
        sentence = _("%(actor)s approved extending the closure deadline")
    else:
        sentence = _("%(actor)s refused to extend the closure deadline")
    return Told(
        sentence % {"actor": scene.actor},
        _closure_due(event) + detail(_("Note"), str(after.get("note") or "")),
        ("R-CASE-03",),
    )


def case_imported(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    if event.action == "case.imported_closed":
        sentence = _("%(actor)s imported the case as closed: %(mode)s") % {
            "actor": scene.actor, "mode": narration.label_of(ClosureMode, after.get("closure_mode", ""))}  # fmt: skip
        details = detail(_("Closing date"), day(after.get("closed_on")))
    else:
        sentence = _("%(actor)s imported the amount already recovered") % {"actor": scene.actor}
        details = ()
    return Told(sentence, details + detail(_("Amount recovered"), money(after.get("recovered_amount", 0))))


def lead_submitted(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s recorded an asset lead from the applicant") % {"actor": scene.actor},
        detail(_("Lead"), str(after.get("description") or ""))
        + detail(_("Submitted on"), day(after.get("on")))
        + detail(_("Urgent"), _("yes") if after.get("urgent") else "")
        + detail(_("To be verified by"), day(after.get("due_on"))),
        ("R-CASE-04",),
    )


def id_revealed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    purposes = RevealForm.base_fields["purpose"].choices  # type: ignore[attr-defined]
    return Told(
        _("%(actor)s viewed the full ID number of %(party)s, for: %(purpose)s")
        % {
            "actor": scene.actor,
            "party": after.get("party", ""),
            "purpose": narration.label_of(purposes, after.get("purpose", "")),
        },
        refs=("R-ID-05",),
    )


def node_overdue(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    kind = after.get("kind", "")
    return Told(
        _("%(actor)s marked “%(node)s” overdue: it was due %(date)s")
        % {"actor": scene.actor, "node": _node(kind), "date": day(after.get("due_on"))},
        refs=tuple(filter(None, [NODE_RULES.get(kind)])),
    )


def _nodes(events: Sequence[AuditEvent]) -> dict[str, str]:
    rows = ProcessNode.objects.filter(pk__in=narration.ids(events)).values_list("pk", "kind")
    return {str(pk): kind for pk, kind in rows}


def node_recomputed(event: AuditEvent, scene: Scene) -> Told:
    kind = (scene.loaded or {}).get(event.object_id, "")
    old, new = day(narration.before_of(event).get("due_on")), day(narration.after_of(event).get("due_on"))
    return Told(
        _("%(actor)s recounted the deadline of “%(node)s” after the holiday calendar changed")
        % {"actor": scene.actor, "node": _node(kind) if kind else _("a statutory clock")},
        detail(_("Due date"), _("%(old)s → %(new)s") % {"old": old, "new": new}),
        ("R-TIME-02",),
    )


def step_recorded(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    step = str(after.get("step") or event.action.removeprefix("step."))
    completes = [_node(ref.get("kind")) for ref in after.get("completes") or () if isinstance(ref, dict)]
    words = {
        "actor": scene.actor,
        "date": day(after.get("on")),
        "step": STEPS.get(step, narration.humanise(step)),
        "number": after.get("document", ""),
    }
    sentence = (
        _("%(actor)s: %(step)s on %(date)s, by issuing %(number)s")
        if after.get("document")
        else _("%(actor)s recorded on %(date)s: %(step)s")
    )
    return Told(sentence % words, detail(_("Clocks completed"), narration.listed(completes)))


def register() -> None:
    narration.register("case.filed", case_filed, load=_officers)
    narration.register("case.assigned", case_assigned, load=_officers)
    narration.register("case.reassigned", case_reassigned, load=_officers)
    narration.register("case.amounts_corrected", amounts_corrected)
    narration.register("case.closed", case_closed)
    narration.register("case.resumed", case_resumed)
    narration.register("case.resumed_from", case_resumed)
    narration.register("case.suspension_started", suspension_started)
    narration.register("case.suspension_ended", suspension_ended)
    narration.register("case.extension_requested", extension_requested)
    narration.register("case.extension_decided", extension_decided)
    narration.register("case.imported_closed", case_imported)
    narration.register("case.imported_recovered", case_imported)
    narration.register("lead.submitted", lead_submitted)
    narration.register("party.id_revealed", id_revealed)
    narration.register("node.overdue", node_overdue)
    narration.register("node.recomputed", node_recomputed, load=_nodes)
    narration.register("step.*", step_recorded)
    narration.name_machine("cli:import", gettext_lazy("case import"))
    traces.name("case.filed", gettext_lazy("the filing"))
    traces.name("lead.submitted", gettext_lazy("the lead's submission"))
    for kind in SuspensionKind:
        traces.name(f"suspension:{kind.value}", kind.label)
