"""How renewals, lapses and waiting lists read on the timeline (`core.narration`), in plain words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.assets.control.models import MeasureKind
from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Scene, Told, day, detail, money

TERMS = ("R-ASSET-02",)
WAITING = ("R-ASSET-04",)


def _kind(after: dict[str, Any]) -> str:
    return str(narration.label_of(MeasureKind, after.get("kind", "")))


def renew_sent(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s asked to renew the “%(kind)s” until %(until)s")
        % {"actor": scene.actor, "kind": _kind(after), "until": day(after.get("until"))},
        detail(_("Account, certificate or plate"), str(after.get("identifier") or ""))
        + detail(_("Now in effect until"), day(after.get("current_until")))
        + detail(_("Amount"), money(after.get("amount")) if after.get("amount") not in (None, "") else ""),
        TERMS,
    )


def renewed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    lines = detail(_("Was in effect until"), day(after.get("previous_end")))
    if after.get("cut"):
        lines += detail(_("Date the unit gave, beyond the legal maximum"), day(after.get("given")))
    return Told(
        _("%(actor)s renewed the “%(kind)s”: now in effect until %(end)s")
        % {"actor": scene.actor, "kind": _kind(after), "end": day(after.get("term_end"))},
        lines,
        TERMS,
    )


def renewal_ignored(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s confirmed the renewal of the “%(kind)s” too late: no effect")
        % {"actor": scene.actor, "kind": _kind(after)},
        detail(_("Reason"), str(after.get("reason") or "")),
        TERMS,
    )


def term_fixed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    if after.get("cut"):
        sentence = _(
            "The “%(kind)s” is held until %(end)s, the legal maximum, not the later date the unit gave"
        )
    else:
        sentence = _("The “%(kind)s” is held until %(end)s, the legal maximum (the unit gave no end)")
    return Told(
        sentence % {"kind": _kind(after), "end": day(after.get("term_end"))},
        detail(_("Date the unit gave"), day(after.get("given")) if after.get("given") else ""),
        TERMS,
    )


def lapsed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("The “%(kind)s” lapsed after %(end)s: it was not renewed")
        % {"kind": _kind(after), "end": day(after.get("term_end"))},
        detail(_("Account, certificate or plate"), str(after.get("identifier") or ""))
        + detail(
            _("Freed from the budget"),
            money(after.get("held")) if after.get("held") not in (None, "") else "",
        ),
        TERMS,
    )


def waiting(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s registered the seizure behind an earlier one: number %(position)s in line")
        % {"actor": scene.actor, "position": after.get("position")},
        detail(_("Account, certificate or plate"), str(after.get("identifier") or ""))
        + detail(_("Note"), str(after.get("note") or "")),
        WAITING,
    )


def promoted(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("The waiting seizure took effect on %(on)s, the earlier one being freed; it holds until %(end)s")
        % {"on": day(after.get("effective_on")), "end": day(after.get("term_end"))},
        detail(_("Account, certificate or plate"), str(after.get("identifier") or "")),
        ("R-ASSET-04", "R-ASSET-02"),
    )


def earlier_freed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    if after.get("how") == "lapsed":
        sentence = _("%(actor)s recorded that another court's earlier seizure lapsed after %(on)s")
    else:
        sentence = _("%(actor)s recorded that another court's earlier seizure was released on %(on)s")
    return Told(
        sentence % {"actor": scene.actor, "on": day(after.get("on"))},
        detail(_("Account, certificate or plate"), str(after.get("identifier") or ""))
        + detail(_("Note"), str(after.get("note") or "")),
        WAITING,
    )


def register() -> None:
    narration.register("control.renew_sent", renew_sent)
    narration.register("control.renewed", renewed)
    narration.register("control.renewal_ignored", renewal_ignored)
    narration.register("control.term_fixed", term_fixed)
    narration.register("control.lapsed", lapsed)
    narration.register("control.waiting", waiting)
    narration.register("control.promoted", promoted)
    narration.register("control.earlier_freed", earlier_freed)
    narration.name_machine("assets:expiry", gettext_lazy("the expiry sweep of control measures"))
    narration.name_machine("assets:waiting", gettext_lazy("the waiting list of seizures"))
