"""Who may write on a request: the court's staff (`court_request`, the case locked before the request)
or the unit it was sent to (`unit_request`, a liaison or the unit's API key). Anyone else, like a
missing request, gets "not found". And the logged view of its respondents' whole ID numbers by that
unit (R-ID-05, `respondents_reveal`, `respondents_reveal_sheet`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from enforcelink.cases.models import Case, Party
from enforcelink.core import audit
from enforcelink.core.errors import NotFound
from enforcelink.core.models import AuditEvent
from enforcelink.linkage import subjects
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.api_auth import UnitPrincipal
from enforcelink.orgs.models import ApiKey
from enforcelink.orgs.permissions import Action, Actor, RequestActor, can, require


def _lock(request: AssistanceRequest) -> AssistanceRequest:
    locked = (
        AssistanceRequest.objects.select_for_update()
        .select_related("case__court", "unit")
        .filter(pk=request.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def court_request(
    request: AssistanceRequest, actor: Actor, action: Action = Action.SEND_REQUEST
) -> AssistanceRequest:
    """Lock for `action` by the staff of the case's court; anyone else: "not found". The case is locked
    before the request, the order every writer takes (closing a case locks it, then its requests;
    the other way round, an approval meeting a closing would deadlock)."""
    list(Case.objects.select_for_update().filter(pk=request.case_id).values_list("pk", flat=True))
    locked = _lock(request)
    require(actor, action, locked)
    return locked


def unit_request(
    request: AssistanceRequest, actor: Actor, action: Action = Action.REPLY
) -> AssistanceRequest:
    """Lock for a write by the unit it was sent to (a liaison or the unit's API key); what was never
    sent to it (`sent_to`) and other units' requests are "not found". The case is locked before the
    request, as `court_request` does: an answer's listeners act on the case (assets records a
    confirmed freeze and orders the release of any surplus, R-ASSET-03, which locks the case), so
    the unit's writers take the order every court writer takes."""
    list(Case.objects.select_for_update().filter(pk=request.case_id).values_list("pk", flat=True))
    locked = _lock(request)
    if not (can(actor, action, locked) and locked.was_sent):
        raise NotFound()
    return locked


def replying_unit(actor: Actor) -> int | None:
    """The unit an actor answers for: a live API key's, or an active liaison's (unit staff); anyone
    else answers for none (every request is "not found"). Read from the actor, without a query."""
    unit_id: int | None = getattr(actor, "unit_id", None)
    return unit_id if can(actor, Action.REPLY) else None


# --- the unit's view of the respondents' whole ID numbers (R-ID-05) ---------------------------------

REVEALED = "party.id_revealed"  # the event cases.actions.reveal_id writes: one kind of view, one name
SHEET_REVEALED = "party.ids_revealed"
PURPOSE = "linkage"  # as cases.forms.RevealForm names it: an assistance request to a unit


def _reader(actor: RequestActor) -> tuple[Any, dict[str, Any]]:
    """The trail's actor for a reader, and how to find that reader's earlier entries."""
    key = actor.api_key if isinstance(actor, UnitPrincipal) else actor
    if isinstance(key, ApiKey):
        label = f"api-key:{key.prefix}"
        return label, {"actor__isnull": True, "actor_label": label}
    return actor, {"actor_id": actor.pk}


def _today_began() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))


def respondents_reveal(request: AssistanceRequest, *, actor: RequestActor, via: str) -> bool:
    """The unit the request was sent to sees its respondents' whole numbers (`subjects.shows_full`);
    each view is logged as `party.id_revealed`, the event the case page's reveal writes, on the
    case's trail. Once per respondent, request, reader and day: a liaison who opens the request ten
    times in a morning is one entry, not ten (two views at the same instant may both write one).
    Returns whether the reader may see them; for anyone else nothing is logged. A number that is
    never masked (a USCC, a passport's) reveals nothing and is not logged."""
    if not subjects.shows_full(actor, request):
        return False
    parties = [party for party in subjects.respondent_parties(request) if party.masked_id != party.id_number]
    if not parties:
        return True
    reader, mine = _reader(actor)
    with transaction.atomic():
        seen = set(
            AuditEvent.objects.filter(
                action=REVEALED, case_id=request.case_id, created_at__gte=_today_began(),
                object_id__in=[str(party.pk) for party in parties], after__request=request.pk, **mine,
            ).values_list("object_id", flat=True)
        )  # fmt: skip
        audit.append_many(
            _revealed(request, party, reader, via) for party in parties if str(party.pk) not in seen
        )
    return True


def _revealed(request: AssistanceRequest, party: Party, reader: Any, via: str) -> audit.Entry:
    after = {
        "party": party.name,
        "masked": party.masked_id,
        "purpose": PURPOSE,
        "request": request.pk,
        "via": via,
    }
    return audit.Entry(
        REVEALED, party, actor=reader, case_id=request.case_id, court_id=request.case.court_id, after=after
    )


def respondents_reveal_sheet(
    requests: Sequence[AssistanceRequest], *, actor: RequestActor, request_type: str
) -> set[int]:
    """A reply sheet shows the whole numbers of every request in it the reader may see: one entry per
    court on that court's trail (`party.ids_revealed`) listing the requests, not one per row.
    Returns the ids of those requests."""
    shown = [request for request in requests if subjects.shows_full(actor, request)]
    by_court: dict[int, list[AssistanceRequest]] = {}
    for request in shown:
        by_court.setdefault(request.case.court_id, []).append(request)
    reader, _mine = _reader(actor)
    unit = str(getattr(actor, "unit_id", None) or "")
    with transaction.atomic():
        audit.append_many(
            audit.Entry(
                SHEET_REVEALED,
                None,
                actor=reader,
                court_id=court_id,
                object_type="orgs.linkageunit",
                object_id=unit,
                after=_listed(rows, request_type),
            )
            for court_id, rows in sorted(by_court.items())
        )
    return {request.pk for request in shown}


def _listed(requests: list[AssistanceRequest], request_type: str) -> dict[str, Any]:
    respondents = sum(len(subjects.respondent_parties(request)) for request in requests)  # USCCs too
    ids = [request.pk for request in requests]
    return {"purpose": PURPOSE, "via": "reply_sheet", "request_type": request_type, "requests": ids,
            "respondents": respondents}  # fmt: skip
