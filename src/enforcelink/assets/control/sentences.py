"""How control measures read on the timeline (`core.narration`), in plain words: what was sent, for how
much, what the unit confirmed, what the platform released by itself and why."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.assets.control.models import MeasureKind, MeasureStatus
from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Scene, Told, day, detail, money

RULES = ("R-ASSET-03",)


def _kind(after: dict[str, Any]) -> str:
    return str(narration.label_of(MeasureKind, after.get("kind", "")))


def _amount(after: dict[str, Any], name: str = "amount") -> str:
    value = after.get(name)
    return money(value) if value not in (None, "") else ""


def sent(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    values = {"actor": scene.actor, "kind": _kind(after), "amount": _amount(after)}
    if values["amount"]:
        sentence = _("%(actor)s sent a “%(kind)s” for %(amount)s") % values
    else:
        sentence = _("%(actor)s sent a “%(kind)s”") % values
    return Told(
        sentence,
        detail(_("Account, certificate or plate"), str(after.get("identifier") or ""))
        + detail(_("Budget"), _amount(after, "total"))
        + detail(_("Left in the budget"), _amount(after, "left")),
        ("R-ASSET-02", "R-ASSET-03"),
    )


def lift_sent(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    values = {"actor": scene.actor, "kind": _kind(after), "amount": _amount(after)}
    if after.get("automatic"):
        sentence = _("The platform ordered a “%(kind)s” of %(amount)s") % values
    else:
        sentence = _("%(actor)s ordered a “%(kind)s” of %(amount)s") % values
    return Told(sentence, detail(_("Reason"), str(after.get("reason") or "")), ("R-ASSET-03", "R-FUND-04"))


def confirmed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    values = {"actor": scene.actor, "kind": _kind(after),
              "status": narration.label_of(MeasureStatus, after.get("status", ""))}  # fmt: skip
    return Told(
        _("%(actor)s answered the “%(kind)s”: %(status)s") % values,
        detail(_("Amount confirmed"), _amount(after, "confirmed"))
        + detail(_("In effect until"), day(after.get("term_end")) if after.get("term_end") else ""),
        ("R-ASSET-02", "R-ASSET-03"),
    )


def refused(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s refused the “%(kind)s”") % {"actor": scene.actor, "kind": _kind(after)},
        detail(_("Reason"), str(after.get("reason") or "")),
        RULES,
    )


def ignored(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s confirmed the “%(kind)s” too late: no effect")
        % {"actor": scene.actor, "kind": _kind(after)},
        detail(_("Reason"), str(after.get("reason") or "")),
        RULES,
    )


def cancelled(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s withdrew the “%(kind)s”") % {"actor": scene.actor, "kind": _kind(after)},
        detail(_("Reason"), str(after.get("reason") or "")),
        RULES,
    )


def kept_whole(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("The “%(kind)s” of %(value)s is kept whole above the budget")
        % {"kind": _kind(after), "value": _amount(after, "value")},
        detail(_("Reason"), str(after.get("reason") or "")),
        RULES,
    )


def release_unsent(event: AuditEvent, scene: Scene) -> Told:
    """Nobody left in the court may send the surplus release: the money was booked, the release waits
    for a person (assets.control.listeners._rebalance)."""
    after = narration.after_of(event)
    return Told(
        _("The surplus could not be released: nobody in the court may send the release"),
        detail(_("Budget"), _amount(after, "total")) + detail(_("Reason"), str(after.get("reason") or "")),
        RULES,
    )


def register() -> None:
    for action in ("control.freeze_sent", "control.seize_sent", "control.detain_sent", "control.deduct_sent"):
        narration.register(action, sent)
    narration.register("control.lift_sent", lift_sent)
    narration.register("control.confirmed", confirmed)
    narration.register("control.refused", refused)
    narration.register("control.confirmation_ignored", ignored)
    narration.register("control.cancelled", cancelled)
    narration.register("control.kept_whole", kept_whole)
    narration.register("control.release_unsent", release_unsent)
    narration.name_machine("assets:controls", gettext_lazy("the platform (no over-seizure)"))
