"""How the trail entries of pre-enforcement supervision read (`core.narration`), and the words for
the start event of a performance deadline's trace (`core.traces`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.core import narration, traces
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Scene, Told, day, detail, money
from enforcelink.urging.models import JudgmentStatus


def _status(event: AuditEvent) -> tuple[tuple[str, str], ...]:
    """The judgment's status, where the step changed it, by its labels."""
    old, new = narration.before_of(event).get("status"), narration.after_of(event).get("status")
    if not old or not new or old == new:
        return ()
    change = _("%(old)s → %(new)s") % {
        "old": narration.label_of(JudgmentStatus, old), "new": narration.label_of(JudgmentStatus, new)}  # fmt: skip
    return detail(_("Status"), change)


def registered(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s registered the effective judgment %(number)s for supervision before enforcement")
        % {"actor": scene.actor, "number": after.get("number", "")},
        detail(_("Amount owed"), money(after["amount"]) if after.get("amount") is not None else "")
        + detail(_("Performance deadline"), day(after.get("due_on"))),
        ("R-TIME-01",),
    )


def notified(event: AuditEvent, scene: Scene) -> Told:
    documents = narration.after_of(event).get("documents") or []
    return Told(
        _("%(actor)s sent the risk notice and the urging letter") % {"actor": scene.actor},
        detail(_("Documents"), narration.listed(map(str, documents))) + _status(event),
    )


def performance_recorded(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s recorded a payment of %(amount)s made on %(date)s")
        % {"actor": scene.actor, "amount": money(after.get("paid", 0)), "date": day(after.get("on"))},
        _status(event),
    )


def withdrawn(event: AuditEvent, scene: Scene) -> Told:
    return Told(
        _("%(actor)s withdrew the judgment from supervision") % {"actor": scene.actor},
        detail(_("Reason"), str(narration.after_of(event).get("reason") or "")),
    )


def converted(event: AuditEvent, scene: Scene) -> Told:
    return Told(
        _("%(actor)s filed enforcement of the judgment as case %(number)s")
        % {"actor": scene.actor, "number": narration.after_of(event).get("case", "")}
    )


def unpaid(event: AuditEvent, scene: Scene) -> Told:
    return Told(
        _("%(actor)s recorded that the judgment was not performed by %(date)s")
        % {"actor": scene.actor, "date": day(narration.after_of(event).get("due_on"))},
        _status(event),
    )


def due_recomputed(event: AuditEvent, scene: Scene) -> Told:
    old, new = day(narration.before_of(event).get("due_on")), day(narration.after_of(event).get("due_on"))
    return Told(
        _("%(actor)s recounted the performance deadline after the holiday calendar changed")
        % {"actor": scene.actor},
        detail(_("Performance deadline"), _("%(old)s → %(new)s") % {"old": old, "new": new}),
        ("R-TIME-02",),
    )


def register() -> None:
    narration.register("judgment.registered", registered)
    narration.register("judgment.notified", notified)
    narration.register("judgment.performance_recorded", performance_recorded)
    narration.register("judgment.withdrawn", withdrawn)
    narration.register("judgment.converted", converted)
    narration.register("judgment.unpaid", unpaid)
    narration.register("judgment.due_recomputed", due_recomputed)
    traces.name("judgment_effective", gettext_lazy("the judgment taking effect"))
