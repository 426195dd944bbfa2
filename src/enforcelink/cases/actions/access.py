"""Who may write on a case, closed cases being read-only, and the logged view of a full ID number (R-ID-05)."""

from __future__ import annotations

from typing import TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from enforcelink.cases import policy
from enforcelink.cases.models import Case, Party
from enforcelink.core import audit
from enforcelink.core.errors import NotFound, RuleViolation
from enforcelink.orgs.permissions import Action, Actor, can, require

M = TypeVar("M", bound=models.Model)


def staff_lock(obj: M, actor: Actor, action: Action = Action.WRITE) -> M:
    """Lock and re-read anything that belongs to a court (a case, a registered judgment …) for
    `action` by someone who may do it there (orgs/permissions.py); for anyone else it is "not
    found", whether it exists or not."""
    require(actor, action, obj)
    model = type(obj)
    locked = model._default_manager.select_for_update().filter(pk=obj.pk).select_related("court").first()
    if locked is None:
        raise NotFound()
    return locked


def staff_case(case: Case, actor: Actor, action: Action = Action.WRITE) -> Case:
    """`staff_lock` for a case."""
    return staff_lock(case, actor, action)


def ensure_open(case: Case) -> None:
    """Closed cases are read-only (issue 2 §6)."""
    if case.is_closed:
        raise RuleViolation("CASE_CLOSED", _("The case is closed and can no longer be changed."))


def ensure_open_or_terminated(case: Case) -> None:
    """Open, or closed as 终本 and not resumed: after 终本 the court goes on asking the network for
    the debtor's property (R-ASSET-05, R-ZB-04), so a property inquiry is the one thing such a case
    still takes; once it is resumed the 执恢 case is asked instead."""
    if case.is_closed and case.can_resume():
        return
    ensure_open(case)


# --- Full ID numbers (R-ID-05) ----------------------------------------------------------------------


def reveal_id(party: Party, *, actor: Actor, purpose: str) -> str:
    """R-ID-05: court staff of the case's court see the whole ID number; each view is logged with
    its purpose. Anyone else gets "not found"."""
    purpose = policy.require_text(
        purpose,
        field="purpose",
        code="PURPOSE_REQUIRED",
        message=_("Give the purpose for viewing the full number."),
        max_length=200,
    )
    found = Party.objects.select_related("case").filter(pk=party.pk).first()
    if found is None or not can(actor, Action.REVEAL_ID, found.case):
        raise NotFound()
    with transaction.atomic():
        audit.record(
            "party.id_revealed",
            found,
            actor=actor,
            case_id=found.case_id,
            court_id=found.case.court_id,
            after={"party": found.name, "masked": found.masked_id, "purpose": purpose},
        )
    return found.id_number
