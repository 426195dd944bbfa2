"""The hash-chained trail (issue 2 §7): verify finds the first edited, deleted or reordered event."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from enforcelink.core import audit
from enforcelink.core.models import CHAIN_STRIDE, AuditEvent, AuditHead
from enforcelink.linkage.models import RequestStatus
from tests.factories import UserFactory


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


# Per-court chains (issue 13 §5).


def _court_events(court_id: int | None, n: int, start: int = 0) -> None:
    with transaction.atomic():
        for i in range(start, start + n):
            audit.record(
                "test.event", None, actor=None, object_type="test", object_id=str(i), court_id=court_id
            )


def _at(chain: int, place: int) -> int:
    """An event's seq: its chain (court id, 0 for the platform) × 10^10 + its place in the chain."""
    return chain * CHAIN_STRIDE + place


def _in_chain(chain: int):
    return AuditEvent.objects.filter(seq__gt=_at(chain, 0), seq__lt=_at(chain + 1, 0)).order_by("seq")


def _chains() -> dict[int, list[int]]:
    chains: dict[int, list[int]] = {}
    for seq in AuditEvent.objects.order_by("seq").values_list("seq", flat=True):
        chains.setdefault(seq // CHAIN_STRIDE, []).append(seq % CHAIN_STRIDE)
    return chains


def test_each_court_has_its_own_chain_and_the_platform_the_rest(db):
    _court_events(7, 3)
    _court_events(None, 2)
    _court_events(4, 2)
    _court_events(7, 1, start=3)
    assert _chains() == {0: [1, 2], 4: [1, 2], 7: [1, 2, 3, 4]}
    heads = {head.chain: (head.last_seq, head.last_hash) for head in AuditHead.objects.all()}
    last = {e.seq // CHAIN_STRIDE: (e.seq % CHAIN_STRIDE, e.hash) for e in AuditEvent.objects.order_by("seq")}
    assert heads == last
    first_of_each = AuditEvent.objects.filter(seq__in=[_at(0, 1), _at(4, 1), _at(7, 1)])
    assert [event.prev_hash for event in first_of_each] == [audit.GENESIS] * 3
    assert audit.verify() is None


def test_append_many_across_courts_keeps_entry_order_within_each_chain(db):
    entries = [
        audit.Entry("test.event", object_type="test", object_id=str(i), court_id=court)
        for i, court in enumerate([9, 2, 9, None, 2, 9])
    ]
    with transaction.atomic():
        events = audit.append_many(entries)
    assert [e.seq for e in events] == [_at(9, 1), _at(2, 1), _at(9, 2), _at(0, 1), _at(2, 2), _at(9, 3)]
    assert [e.object_id for e in _in_chain(9)] == ["0", "2", "5"]
    assert audit.verify() is None


def test_verify_names_the_chain_and_its_first_bad_event(db):
    _court_events(3, 4)
    _court_events(5, 4)
    AuditEvent.objects.filter(seq=_at(5, 2)).update(after={"x": 1})
    problem = audit.verify()
    assert problem is not None and (problem.chain, problem.seq, problem.kind) == (5, 50000000002, "edited")
    assert str(problem).startswith("court-5 chain, event #50000000002: edited")


def test_seq_is_unique_across_chains_and_the_platform_chain_counts_from_one(db):
    _court_events(None, 2)
    _court_events(12, 2)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [
        1, 2, 120_000_000_001, 120_000_000_002
    ]  # fmt: skip


def test_a_court_id_too_large_to_key_a_chain_is_refused(db):
    with pytest.raises(ValueError, match="cannot key an audit chain"), transaction.atomic():
        audit.record("test.event", None, actor=None, object_type="test", court_id=10**9)


def test_a_court_chain_deleted_entirely_is_named_by_its_head(db):
    _court_events(3, 2)
    _court_events(None, 2)
    _in_chain(3).delete()
    problem = audit.verify()
    assert problem is not None and (problem.chain, problem.kind) == (3, "deleted")


def test_events_without_their_head_row_are_named(db):
    _court_events(6, 2)
    AuditHead.objects.filter(chain=6).delete()
    problem = audit.verify()
    assert problem is not None and (problem.chain, problem.kind) == (6, "deleted")
    assert "head row is missing" in problem.detail


def _appending_during_the_walk(monkeypatch, append) -> None:
    """`audit.iter_events` that calls `append` once its first event is read (the heads are read)."""
    walk = audit.iter_events

    def walking(*args, **kwargs):
        for i, event in enumerate(walk(*args, **kwargs)):
            if i == 0:
                append()
            yield event

    monkeypatch.setattr(audit, "iter_events", walking)


def test_courts_appending_during_the_walk_are_not_taken_for_tampering(db, monkeypatch):
    """Review of §5, finding 1: the heads were read before the walk and the events after, so a court
    appending meanwhile was reported as deleted (walk longer than its head) or missing its head."""
    _court_events(3, 2)
    _court_events(5, 2)

    def append() -> None:
        _court_events(3, 2, start=2)
        _court_events(5, 1, start=2)
        _court_events(9, 2)  # a court's first events: no head in the snapshot

    _appending_during_the_walk(monkeypatch, append)
    assert audit.verify() is None
    assert audit.verify() is None  # and walked in full the next time


def test_a_deletion_is_still_named_while_courts_append(db, monkeypatch):
    """Review of §5, finding 1: walking only up to the snapshot must not hide a real deletion."""
    _court_events(3, 2)
    _court_events(5, 3)
    _in_chain(5).filter(seq=_at(5, 3)).delete()
    _appending_during_the_walk(monkeypatch, lambda: _court_events(3, 1, start=2))
    problem = audit.verify()
    assert problem is not None and (problem.chain, problem.seq, problem.kind) == (5, _at(5, 3), "deleted")


def test_a_head_deleted_is_still_named_while_courts_append(db, monkeypatch):
    """Review of §5, finding 1: a chain with events and no head, before and after the walk, is named."""
    _court_events(3, 2)
    _court_events(6, 2)
    AuditHead.objects.filter(chain=6).delete()
    _appending_during_the_walk(monkeypatch, lambda: _court_events(3, 1, start=2))
    problem = audit.verify()
    assert problem is not None and (problem.chain, problem.seq, problem.kind) == (6, _at(6, 2), "deleted")
    assert "head row is missing" in problem.detail


def test_events_past_their_head_are_named(db):
    """Review of §5, finding 1: walking up to the heads, an event slipped in past its head without
    moving it is still named, by the check after the walk."""
    _court_events(3, 2)
    AuditHead.objects.filter(chain=3).update(last_seq=1, last_hash=_in_chain(3).first().hash)
    problem = audit.verify()
    assert problem is not None and (problem.chain, problem.seq, problem.kind) == (3, _at(3, 2), "edited")
    assert "past the chain head" in problem.detail


def test_collecting_appends_once_at_the_end_and_fills_in_the_events(db, monkeypatch):
    """Review of §5, finding 5: the appends of a block go in one append_many at its end (a nested
    block joins it); the events handed back get their seq then; an exception discards them."""
    calls: list[list[int | None]] = []
    append = audit.append_many
    with transaction.atomic():
        with audit.collecting():
            first = audit.record("test.event", None, actor=None, object_type="test", court_id=7)
            with audit.collecting():
                audit.record("test.event", None, actor=None, object_type="test", court_id=2)
            assert first.seq is None and not AuditEvent.objects.exists()
            monkeypatch.setattr(
                audit, "append_many", lambda e: calls.append([x.court_id for x in e]) or append(e)
            )
        assert calls == [[7, 2]] and first.seq == _at(7, 1)
        with pytest.raises(LookupError), audit.collecting():
            audit.record("test.event", None, actor=None, object_type="test", court_id=5)
            raise LookupError
    assert _chains() == {2: [1], 7: [1]}
    assert audit.verify() is None


def test_admin_lists_the_newest_events_first_across_chains(client, db):
    """Review of §5, finding 7c: the admin ordered by -seq, now the highest court's chain first
    (an old event of court 9 above today's of court 2): newest first, then by seq."""
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True, role=""))
    _court_events(9, 1)
    _court_events(2, 2)
    response = client.get(reverse("admin:core_auditevent_changelist"))
    assert [event.seq for event in response.context["cl"].result_list] == [_at(2, 2), _at(2, 1), _at(9, 1)]


def test_one_global_chain_maps_every_court_to_the_platform_chain(db):
    with audit.one_global_chain():
        _court_events(3, 2)
        _court_events(8, 1)
    _court_events(8, 1)
    assert _chains() == {0: [1, 2, 3], 8: [1]}
    assert audit.verify() is None


def test_anchor_is_signed_and_a_changed_byte_is_refused(db, settings):
    settings.AUDIT_ANCHOR_KEY = "k" * 32
    _court_events(3, 2)
    document = audit.anchor()
    assert [(c["chain"], c["name"], c["seq"]) for c in document["chains"]] == [(3, "court-3", _at(3, 2))]
    assert audit.read_anchor(json.dumps(document)) == [
        (3, _at(3, 2), AuditHead.objects.get(chain=3).last_hash)
    ]
    document["chains"][0]["seq"] = _at(3, 1)
    with pytest.raises(audit.AnchorError, match="signature"):
        audit.read_anchor(json.dumps(document))


def test_anchor_key_falls_back_to_one_derived_from_the_secret_key(db, settings):
    settings.AUDIT_ANCHOR_KEY = ""
    text = json.dumps(audit.anchor())
    assert audit.read_anchor(text) == []
    settings.SECRET_KEY = settings.SECRET_KEY + "-rotated"
    with pytest.raises(audit.AnchorError):
        audit.read_anchor(text)


def test_forged_anchor_with_a_non_ascii_signature_is_refused(db, settings):
    """Review of §5, finding 6: a signature of non-ASCII characters crashed the comparison
    (`hmac.compare_digest` TypeError) instead of refusing the anchor."""
    settings.AUDIT_ANCHOR_KEY = "k" * 32
    document = {**audit.anchor(), "signature": "é" * 64}
    with pytest.raises(audit.AnchorError, match="signature does not match"):
        audit.read_anchor(json.dumps(document))


def test_unreadable_anchor_is_refused(db):
    for text in ["", "[]", '{"format": "enforcelink-audit-anchor/1"}', '{"chains": 3, "signature": "x"}']:
        with pytest.raises(audit.AnchorError):
            audit.read_anchor(text)
