"""How the trail entries of the property report, the applicant's leads and re-inquiry after 终本
read (`core.narration`), in plain words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.assets.reports.models import FindingKind, FindingStatus, LeadOutcome, ReportChannel
from enforcelink.core import narration
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Scene, Told, day, detail
from enforcelink.linkage.models import RequestType

LIST = ("R-LIST-01",)


def report_opened(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("The property-report order gives the respondent until %(due)s to report their property")
        % {"due": day(after.get("due_on"))},
        detail(_("Period"), str(after.get("days") or ""))
        + detail(_("Ordered on"), day(after.get("ordered_on"))),
        LIST,
    )


def report_received(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    if after.get("channel") == ReportChannel.LINK:
        sentence = _("The respondent reported their property through the one-time link")
    else:
        sentence = _("%(actor)s entered the respondent's property report") % {"actor": scene.actor}
    items = str(after.get("items") or 0)
    return Told(
        sentence,
        detail(_("Received on"), day(after.get("on")))
        + detail(
            _("Items reported"), _("none: declares no property") if after.get("declares_nothing") else items
        )
        + detail(_("Late"), narration.yes_no(after.get("late"))),
        LIST,
    )


def report_compared(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    left_out: list[Any] = after["left_out"] if isinstance(after.get("left_out"), list) else []
    return Told(
        _(
            "The property report was compared with what the inquiries found: %(matched)s matched, %(left)s not reported"
        )
        % {"matched": after.get("matched", 0), "left": len(left_out)},
        detail(_("Reported, not found by inquiries"), str(after.get("unfound") or 0)),
        LIST,
    )


def link_created(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s made a one-time link for the respondent to report their property")
        % {"actor": scene.actor},
        detail(_("Expires"), narration.moment(after.get("expires_at"))),
        LIST,
    )


def report_superseded(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("A newer property-report order (%(order)s) replaced this one: the report is now due on %(due)s")
        % {"order": str(after.get("new_order") or ""), "due": day(after.get("new_due_on"))},
        detail(_("Was due on"), day(after.get("due_on")))
        + detail(_("One-time links closed"), str(after.get("links_revoked") or 0)),
        LIST,
    )


def finding_raised(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("Ground for sanctions noted: %(kind)s")
        % {"kind": narration.label_of(FindingKind, after.get("kind", ""))},
        detail(_("What it rests on"), str(after.get("detail") or "")),
        LIST,
    )


def finding_decided(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    values = {"actor": scene.actor, "kind": narration.label_of(FindingKind, after.get("kind", ""))}
    if after.get("decision") == FindingStatus.CONFIRMED:
        sentence = _("%(actor)s confirmed the ground for sanctions: %(kind)s") % values
    else:
        sentence = _("%(actor)s dismissed the ground for sanctions: %(kind)s") % values
    return Told(sentence, detail(_("Reason"), str(after.get("reason") or "")), LIST)


def lead_inquired(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s asked about the applicant's lead: %(kind)s, %(sent)s requests")
        % {"actor": scene.actor, "kind": narration.label_of(RequestType, after.get("kind", "")),
           "sent": after.get("sent", 0)},
        (),
        ("R-CASE-04",),
    )  # fmt: skip


def lead_linked(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    records: list[Any] = after["records"] if isinstance(after.get("records"), list) else []
    return Told(
        _("%(actor)s linked %(count)s asset records to the applicant's lead")
        % {"actor": scene.actor, "count": len(records)},
        (),
        ("R-CASE-04",),
    )


def lead_concluded(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("%(actor)s verified the applicant's lead: %(outcome)s")
        % {"actor": scene.actor, "outcome": narration.label_of(LeadOutcome, after.get("outcome", ""))},
        detail(_("Note"), str(after.get("note") or "")),
        ("R-CASE-04",),
    )


def _round(after: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return detail(_("Round"), str(after.get("round") or ""))


def reinquiry_scheduled(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("Re-inquiries after 终本 scheduled: %(rounds)s rounds, every 6 months")
        % {"rounds": after.get("rounds", 0)},
        detail(_("First round"), day(after.get("first"))) + detail(_("Last round"), day(after.get("last"))),
        ("R-ASSET-05",),
    )


def reinquiry_stopped(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    if "rounds" in after:
        sentence = _("The remaining %(rounds)s re-inquiries after 终本 stopped: enforcement resumed") % {
            "rounds": after.get("rounds")
        }
        return Told(sentence, (), ("R-ASSET-05",))
    return Told(_("A re-inquiry after 终本 stopped"), _round(after) + detail(_("Note"), str(after.get("note") or "")),
                ("R-ASSET-05",))  # fmt: skip


def reinquiry_failed(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    return Told(
        _("A re-inquiry after 终本 could not be asked"),
        _round(after) + detail(_("Why"), str(after.get("note") or "")),
        ("R-ASSET-05",),
    )


def reinquiry_concluded(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    new: list[Any] = after["new"] if isinstance(after.get("new"), list) else []
    sentence = (
        _("The re-inquiry after 终本 found %(count)s new assets") % {"count": len(new)}
        if new
        else _("The re-inquiry after 终本 found no new property")
    )
    return Told(sentence, _round(after) + detail(_("Notice to the applicant"), str(after.get("notice") or "")),
                ("R-ASSET-05",))  # fmt: skip


def register() -> None:
    for action, describe in {
        "property_report.opened": report_opened,
        "property_report.received": report_received,
        "property_report.compared": report_compared,
        "property_report.link_created": link_created,
        "property_report.superseded": report_superseded,
        "report_finding.raised": finding_raised,
        "report_finding.decided": finding_decided,
        "lead_check.inquired": lead_inquired,
        "lead_check.linked": lead_linked,
        "lead_check.concluded": lead_concluded,
        "reinquiry.scheduled": reinquiry_scheduled,
        "reinquiry.stopped": reinquiry_stopped,
        "reinquiry.failed": reinquiry_failed,
        "reinquiry.concluded": reinquiry_concluded,
    }.items():
        narration.register(action, describe)
    narration.name_machine("assets:report-link", gettext_lazy("the respondent, through the one-time link"))
    narration.name_machine("assets:report-deadline", gettext_lazy("the property-report deadline"))
    narration.name_machine("assets:reinquiry", gettext_lazy("re-inquiry after 终本"))
