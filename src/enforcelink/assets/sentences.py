"""How the trail entries of asset inquiry read (`core.narration`): an inquiry started (by an officer
or automatically at filing), a reply turned into asset records, a supervisors' sample drawn and a
verdict on a sampled inquiry."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.assets.models import Verdict
from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Scene, Told, day, detail
from enforcelink.linkage.models import RequestType


def _kinds(values: Any) -> str:
    if not isinstance(values, list):
        return ""
    return narration.listed([narration.label_of(RequestType, value) for value in values])


def inquiry_started(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    refused = after.get("refused") if isinstance(after.get("refused"), list) else []
    values = {"actor": scene.actor, "sent": after.get("sent", 0), "units": after.get("units", 0)}
    if after.get("after_termination"):  # R-ASSET-05 (assets/reports/reinquiry.py)
        sentence = _("The re-inquiry after 终本 asked %(units)s units in %(sent)s requests") % values
    elif after.get("automatic"):
        sentence = _("The property inquiry at filing asked %(units)s units in %(sent)s requests") % values
    else:
        sentence = _("%(actor)s started a property inquiry: %(sent)s requests to %(units)s units") % values
    return Told(
        sentence,
        detail(_("Kinds asked"), _kinds(after.get("kinds")))
        + detail(_("Purpose"), str(after.get("purpose") or ""))
        + detail(_("Legal basis"), str(after.get("legal_basis") or ""))
        + detail(_("Not sent"), str(len(refused)) if refused else ""),
        ("R-ASSET-01",),
    )


def assets_recorded(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    kind = narration.label_of(RequestType, after.get("request_type", ""))
    found = after.get("found") or 0
    if not found:
        sentence = _("%(actor)s answered the %(kind)s: nothing found") % {"actor": scene.actor, "kind": kind}
        return Told(sentence, (), ("R-ASSET-01",))
    records = after.get("records") if isinstance(after.get("records"), list) else []
    new = after.get("new") or 0
    sentence = _("%(actor)s answered the %(kind)s: %(found)s assets recorded") % {
        "actor": scene.actor, "kind": kind, "found": found,
    }  # fmt: skip
    return Told(
        sentence,
        detail(_("New records"), str(new)) + detail(_("Named again"), str(max(len(records) - new, 0)) if records else ""),
        ("R-ASSET-01",),
    )  # fmt: skip


def sample_drawn(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s drew a sample of %(drawn)s of the %(population)s property inquiries of the period")
        % {"actor": scene.actor, "drawn": after.get("drawn", 0), "population": after.get("population", 0)},
        detail(_("Supervisory body"), str(after.get("body") or ""))
        + detail(_("From"), day(after.get("start")))
        + detail(_("To"), day(after.get("end")))
        + detail(_("Random seed"), str(after.get("seed") or "")),
        ("R-ASSET-01",),
    )


def inquiry_reviewed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s reviewed the property inquiry: %(verdict)s")
        % {"actor": scene.actor, "verdict": narration.label_of(Verdict, after.get("verdict", ""))},
        detail(_("Note"), str(after.get("note") or "")),
        ("R-ASSET-01",),
    )


def register() -> None:
    narration.register("inquiry.started", inquiry_started)
    narration.register("assets.recorded", assets_recorded)
    narration.register("inquiry_sample.drawn", sample_drawn)
    narration.register("inquiry.reviewed", inquiry_reviewed)
    narration.name_machine("assets:filing-inquiry", gettext_lazy("property inquiry at filing"))
    narration.name_machine("assets:inquiry-replies", gettext_lazy("answers to the property inquiry"))
