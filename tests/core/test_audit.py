"""The hash-chained trail (issue 2 §7): verify finds the first edited, deleted or reordered event."""

from __future__ import annotations

from django.db import transaction

from enforcelink.core import audit
from enforcelink.core.models import AuditEvent


def _chain(n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            audit.record("test.event", None, actor=None, object_type="test", object_id=str(i), after={"i": i})


def test_intact_chain_verifies(db):
    _chain(5)
    assert audit.verify() is None


def test_edited_event_named(db):
    _chain(5)
    AuditEvent.objects.filter(seq=3).update(after={"i": 99})
    problem = audit.verify()
    assert problem is not None and (problem.seq, problem.kind) == (3, "edited")


def test_deleted_event_named(db):
    _chain(5)
    AuditEvent.objects.filter(seq=2).delete()
    problem = audit.verify()
    assert problem is not None and (problem.seq, problem.kind) == (2, "deleted")


def test_deleted_last_event_named(db):
    _chain(5)
    AuditEvent.objects.filter(seq=5).delete()
    problem = audit.verify()
    assert problem is not None and problem.kind == "deleted"
