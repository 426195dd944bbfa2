"""The hash-chained trail (issue 2 §7): verify finds the first edited, deleted or reordered event."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from enforcelink.core import audit
from enforcelink.core.models import AuditEvent
from enforcelink.linkage.models import RequestStatus


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


_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2), st.dates(),
    st.sampled_from(["sent", RequestStatus.SENT]),  # a TextChoices member is a str subclass
)  # fmt: skip
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@given(_VALUES)
def test_jsonable_gives_what_the_json_column_gives_back(value):
    """Plain JSON is copied without the round trip through text; the result is the same either way,
    and never the caller's own dict or list (a later change to it must not reach the trail)."""
    expected = json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
    got = audit.jsonable(value)
    assert got == expected and json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True)
    if isinstance(value, dict | list):
        assert got is not value


def test_jsonable_normalises_what_json_cannot_hold_as_it_is():
    value = {"amount": Decimal("12.50"), "on": dt.date(2026, 12, 2), "status": RequestStatus.SENT, 3: (1, 2)}
    got = audit.jsonable(value)
    assert got == {"amount": "12.50", "on": "2026-12-02", "status": "sent", "3": [1, 2]}
    assert type(got["status"]) is str
