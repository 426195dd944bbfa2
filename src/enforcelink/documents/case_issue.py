"""签发 from the case page (issue 14 §2): a document of a kind the page offers for the case, filled
from the case, in one click and a confirmation. Beside `actions` (issuing itself) and `batch` (whose
per-kind `extra` fields and their checks the page's form reuses), which both sit below this module."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from enforcelink.cases.actions import ensure_open, staff_lock
from enforcelink.cases.models import Case
from enforcelink.documents import policy
from enforcelink.documents.actions import clean_kind, document_issue
from enforcelink.documents.batch import clean_extra
from enforcelink.documents.models import Document
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action


def case_document_issue(
    case: Case, *, kind: str, actor: User, extra: dict[str, Any] | None = None
) -> Document:
    """One document on the case; `extra` holds what the case cannot know (a fine's amount …),
    checked by field as a batch's are. An unknown kind, a reader who may not issue (not found), a
    closed case and a kind that does not apply to it are refused before a number is taken; a
    rendering failure rolls the number back with everything else (`document_issue`). Issuing the
    execution notice or the property-report order completes its clock (R-CASE-01)."""
    kind = clean_kind(kind)
    extra = clean_extra(kind, extra)
    with transaction.atomic():
        locked = staff_lock(case, actor, Action.ISSUE_DOCUMENTS)
        check_offered(locked, kind)
        return document_issue(locked, kind=kind, actor=actor, extra=extra)


def check_offered(case: Case, kind: str) -> str:
    """The kind, if the case page issues it on this case: known, the case open, and the kind one that
    applies (a lifting only after a restriction). The page asks before it judges the form's fields,
    the action again under the case's lock."""
    kind = clean_kind(kind)
    ensure_open(case)
    issued = set(Document.objects.filter(case=case).values_list("kind", flat=True).distinct())
    return policy.check_case_kind(kind, issued=issued)
