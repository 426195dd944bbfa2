"""Who may write on a request: the court's staff (`court_request`, the case locked before the request)
or the unit it was sent to (`unit_request`, a liaison or the unit's API key). Anyone else, like a
missing request, gets "not found".
"""

from __future__ import annotations

from enforcelink.cases.models import Case
from enforcelink.core.errors import NotFound
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.orgs.permissions import Action, Actor, can, require


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
    sent to it (`sent_to`) and other units' requests are "not found"."""
    locked = _lock(request)
    if not (can(actor, action, locked) and locked.was_sent):
        raise NotFound()
    return locked


def replying_unit(actor: Actor) -> int | None:
    """The unit an actor answers for: a live API key's, or an active liaison's (unit staff); anyone
    else answers for none (every request is "not found"). Read from the actor, without a query."""
    unit_id: int | None = getattr(actor, "unit_id", None)
    return unit_id if can(actor, Action.REPLY) else None
