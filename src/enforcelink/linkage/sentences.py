"""How a request's steps read, on its own page (`RequestEvent` rows) and on its case's timeline (the
`request.<step>` trail entries), in the same words; and the other trail entries of linkage
(`core.narration`). "杨玉英向重庆农村商业银行綦江支行发送“冻结”请求，协助执行通知书（2026）渝0110协执23号";
a unit's system acting through its API key reads as "重庆农村商业银行綦江支行系统（API）", a sweep as "系统".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcelink.core import narration, traces
from enforcelink.core.models import AuditEvent
from enforcelink.core.narration import Scene, Told, day, detail
from enforcelink.linkage.models import AssistanceRequest, RequestEvent, RequestType, SlaUnit
from enforcelink.orgs.models import ApiKey
from enforcelink.orgs.sentences import unit_system

# One sentence per step (`record_step`/`trail_step` kinds): %(actor)s, %(request)s ("the “冻结” request" on the
# case page, "the request" on its own page), %(unit)s, %(date)s.
STEPS: dict[str, Any] = {
    "created": gettext_lazy("%(actor)s drafted %(request)s to %(unit)s"),
    "submitted": gettext_lazy("%(actor)s put %(request)s to %(unit)s before an approver"),
    "sent": gettext_lazy("%(actor)s sent %(request)s to %(unit)s"),
    "approved": gettext_lazy("%(actor)s approved %(request)s, and it went to %(unit)s"),
    "refused": gettext_lazy("%(actor)s refused to approve %(request)s: it is back in draft"),
    "acknowledged": gettext_lazy("%(actor)s acknowledged %(request)s"),
    "started": gettext_lazy("%(actor)s started work on %(request)s"),
    "completed": gettext_lazy("%(actor)s answered %(request)s"),
    "rejected": gettext_lazy("%(actor)s refused to carry out %(request)s"),
    "returned": gettext_lazy("%(actor)s returned %(request)s to the court for correction"),
    "resent": gettext_lazy("%(actor)s corrected %(request)s and sent it to %(unit)s again"),
    "cancelled": gettext_lazy("%(actor)s withdrew %(request)s to %(unit)s"),
    "message": gettext_lazy("%(actor)s wrote in the follow-up thread of %(request)s"),
    "escalated": gettext_lazy(
        "%(actor)s told the unit's leader and the officer that %(request)s is overdue: it was due %(date)s"
    ),
    "due_recomputed": gettext_lazy(
        "%(actor)s recounted the deadline of %(request)s after the holiday calendar changed"
    ),
}
SENT_WITH_NOTICE = gettext_lazy(
    "%(actor)s sent %(request)s to %(unit)s, with the assistance notice %(notice)s"
)
# What a step's note is: the unit's or the canceller's reason, or the approver's or corrector's note.
NOTE_IS_REASON = frozenset({"refused", "rejected", "returned", "cancelled"})
REFS = {
    "sent": ("R-TIME-01",),
    "approved": ("R-TIME-01",),
    "resent": ("R-TIME-01",),
    "due_recomputed": ("R-TIME-02",),
}


class Subject(NamedTuple):
    """What a step's sentence names of its request."""

    request: str  # "the “冻结” request", or "the request" on its own page
    unit: str
    sla_unit: str = ""


def subject_of(request: AssistanceRequest, *, own_page: bool) -> Subject:
    phrase = (
        _("the request")
        if own_page
        else _("the “%(type)s” request") % {"type": request.get_request_type_display()}
    )
    return Subject(phrase, request.unit.name, request.sla_unit)  # fmt: skip


def _paused(days: Any, sla_unit: str) -> str:
    if not days:
        return ""
    if sla_unit == SlaUnit.WORKING_DAYS:
        return _("%(n)s working days") % {"n": days}
    return _("%(n)s days") % {"n": days}


def _files(values: Mapping[str, Any]) -> str:
    files = values.get("attachments")
    files = files if isinstance(files, list) else []
    names = [str(item.get("name", "")) for item in files if isinstance(item, dict)]
    return narration.listed(filter(None, names))


def step_told(kind: str, actor: str, subject: Subject, values: Mapping[str, Any], note: str = "") -> Told:
    """One step of a request in words: the same for its `RequestEvent` and its trail entry."""
    template = STEPS.get(kind)
    if template is None:
        return Told(
            _("%(actor)s: %(what)s") % {"actor": actor, "what": narration.humanise(f"request {kind}")}
        )
    words = {
        "actor": actor,
        "request": subject.request,
        "unit": subject.unit,
        "date": day(values.get("due_on")),
    }
    if kind == "sent" and values.get("notice"):
        sentence = str(SENT_WITH_NOTICE) % {**words, "notice": values["notice"]}
    else:
        sentence = str(template) % words
    details: tuple[tuple[str, str], ...] = ()
    if kind in ("approved", "resent"):
        details += detail(_("Assistance notice"), str(values.get("notice") or ""))
    if kind in ("sent", "approved", "resent"):
        details += detail(_("Enforcement ruling"), str(values.get("ruling") or ""))
        details += detail(_("Due"), day(values.get("due_on")))
    if kind == "resent":
        details += detail(
            _("Time back with the court, not counted"), _paused(values.get("paused_days"), subject.sla_unit)
        )
    if kind == "due_recomputed":
        change = _("%(old)s → %(new)s") % {
            "old": day(values.get("before_due_on")),
            "new": day(values.get("due_on")),
        }
        details += detail(_("Due"), change)
    if note:
        details += detail(_("Reason") if kind in NOTE_IS_REASON else _("Note"), note)
    details += detail(_("Files"), _files(values))
    return Told(sentence, details, REFS.get(kind, ()))


# --- the request's own page ----------------------------------------------------------------------


def event_actor(event: RequestEvent, systems: Mapping[int, str]) -> str:
    """A person by name (`select_related("actor")`), a unit's system by its unit, or the sweep."""
    if event.api_key_id is not None:
        return systems.get(event.api_key_id) or unit_system(_("a linkage unit"))
    if event.actor_id is not None and event.actor is not None:
        return str(event.actor)
    return narration.machine_name("system")


def request_events(events: Sequence[RequestEvent], request: AssistanceRequest) -> list[RequestEvent]:
    """The request page's timeline: each event in words as `event.told`; the units behind the API
    keys that acted are read in one query."""
    subject = subject_of(request, own_page=True)
    keys = {event.api_key_id for event in events if event.api_key_id is not None}
    systems = {
        key.pk: unit_system(key.unit.name)
        for key in ApiKey.objects.filter(pk__in=keys).select_related("unit").only("unit__name")
    } if keys else {}  # fmt: skip
    for event in events:
        values = event.data if isinstance(event.data, dict) else {}
        event.told = step_told(event.kind, event_actor(event, systems), subject, values, event.note)  # type: ignore[attr-defined]
    return list(events)


# --- the case's timeline (trail entries) ---------------------------------------------------------


def _requests(events: Sequence[AuditEvent]) -> dict[str, Subject]:
    rows = AssistanceRequest.objects.filter(pk__in=narration.ids(events)).select_related("unit")
    return {str(request.pk): subject_of(request, own_page=False) for request in rows.only("request_type", "sla_unit", "unit__name")}  # fmt: skip


def request_step(event: AuditEvent, scene: Scene) -> Told:
    after = narration.after_of(event)
    subject = (scene.loaded or {}).get(event.object_id) or Subject(_("a request"), _("a linkage unit"))
    kind = event.action.removeprefix("request.")
    return step_told(kind, scene.actor, subject, after, str(after.get("note") or ""))


def attachment_downloaded(event: AuditEvent, scene: Scene) -> Told:
    return Told(
        _("%(actor)s downloaded the file “%(name)s” of a request from the administration site")
        % {"actor": scene.actor, "name": narration.after_of(event).get("name", "")}
    )


def ids_revealed(event: AuditEvent, scene: Scene) -> Told:
    """A reply sheet showing the whole ID numbers of its requests' respondents: one entry per court."""
    after = narration.after_of(event)
    requests = after.get("requests")
    return Told(
        _("%(actor)s downloaded a reply sheet of %(count)s “%(type)s” requests, showing the full ID numbers of %(n)s respondents")
        % {
            "actor": scene.actor,
            "count": len(requests) if isinstance(requests, list) else "?",
            "type": narration.label_of(RequestType, after.get("request_type", "")),
            "n": after.get("respondents", "?"),
        },
        refs=("R-ID-05",),
    )  # fmt: skip


def delivery_retried(event: AuditEvent, scene: Scene) -> Told:
    return Told(_("%(actor)s sent a failed notice to a unit's system again") % {"actor": scene.actor})


def endpoint_simulated(event: AuditEvent, scene: Scene) -> Told:
    return Told(
        _("%(actor)s connected a simulated unit system at %(url)s")
        % {"actor": scene.actor, "url": narration.after_of(event).get("url", "")}
    )


def register() -> None:
    for kind in STEPS:
        narration.register(f"request.{kind}", request_step, load=_requests)
    narration.register("party.ids_revealed", ids_revealed)
    narration.register("attachment.downloaded", attachment_downloaded)
    narration.register("delivery.retried", delivery_retried)
    narration.register("unit_endpoint.simulated", endpoint_simulated)
    narration.name_machine("simulator", gettext_lazy("demo simulator"))
    traces.name("request_sent", gettext_lazy("sending the request"))
