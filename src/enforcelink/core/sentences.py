"""How core's own actions and machine actors read on the trail (`core.narration`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Scene, Told, detail


def calendar_changed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    years = narration.listed(str(year) for year in after.get("years") or ())
    recomputed = after.get("recomputed")
    counts = recomputed.values() if isinstance(recomputed, dict) else ()
    moved: int = sum(count for count in counts if isinstance(count, int))
    deleted = narration.listed(str(year) for year in after.get("deleted") or ())
    return Told(
        _("%(actor)s updated the holiday calendar for %(years)s (version %(version)s)")
        % {"actor": scene.actor, "years": years, "version": after.get("version", "?")},
        detail(_("Notice"), str(after.get("source") or ""))
        + detail(_("Published on"), narration.day(after.get("published_on")))
        + detail(_("Years removed"), deleted)
        + detail(_("Days whose status changed"), str(len(after.get("changed_dates") or ())))
        + detail(_("Deadlines recounted"), str(moved)),
        ("R-TIME-01",),
    )


MACHINES: dict[str, Any] = {
    "cli:calendar": gettext_lazy("holiday calendar command"),
    "task:calendar_recheck": gettext_lazy("holiday calendar recount"),
}


def register() -> None:
    narration.register("calendar.changed", calendar_changed)
    for label, words in MACHINES.items():
        narration.name_machine(label, words)
