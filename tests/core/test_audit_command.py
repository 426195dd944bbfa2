"""`enforcelink audit verify` (issue 2 §7): 0 on an intact chain, non-zero naming the first broken event."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction

from enforcelink.cli import main
from enforcelink.core import audit
from enforcelink.core.models import AuditEvent, AuditHead
from tests.core.test_audit import _at, _court_events, _in_chain

pytestmark = pytest.mark.usefixtures("english")  # messages are asserted in English


def _chain(n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            audit.record("test.event", None, actor=None, object_type="test", object_id=str(i), after={"i": i})


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_intact_chain(db):
    _chain(5)
    assert verify().strip() == "intact: 5 events"


def test_empty_chain_is_intact(db):
    assert "intact: 0 events" in verify()


def test_edited_json_named(db):
    _chain(5)
    AuditEvent.objects.filter(seq=3).update(after={"i": 300})
    with pytest.raises(CommandError, match=r"event #3: edited") as caught:
        verify()
    assert caught.value.returncode == 1


def test_deleted_row_named(db):
    _chain(5)
    AuditEvent.objects.filter(seq=2).delete()
    with pytest.raises(CommandError, match=r"event #2: deleted"):
        verify()


def test_swapped_seq_named(db):
    _chain(5)
    with transaction.atomic():  # seq is unique: go through a free number
        AuditEvent.objects.filter(seq=2).update(seq=-1)
        AuditEvent.objects.filter(seq=4).update(seq=2)
        AuditEvent.objects.filter(seq=-1).update(seq=4)
    with pytest.raises(CommandError, match=r"event #2: (edited|reordered)"):
        verify()


def test_rows_reordered_with_their_seq_rewritten_consistently(db):
    """Moving event 4 before event 3 with contents swapped: the chain links no longer line up."""
    _chain(5)
    fields = [
        "created_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "prev_hash",
        "hash",
    ]
    third, fourth = AuditEvent.objects.get(seq=3), AuditEvent.objects.get(seq=4)
    for name in fields:
        a, b = getattr(third, name), getattr(fourth, name)
        setattr(third, name, b)
        setattr(fourth, name, a)
    AuditEvent.objects.bulk_update([third, fourth], fields)
    with pytest.raises(CommandError, match=r"event #3"):
        verify()


def test_console_exit_codes(db, capsys, monkeypatch):
    """The real entry point: `enforcelink audit verify` exits 0, then 1 after tampering."""
    # run_from_argv closes every connection when it ends, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    _chain(3)
    main(["enforcelink", "audit", "verify"])
    assert "intact: 3 events" in capsys.readouterr().out
    AuditEvent.objects.filter(seq=1).update(actor_label="someone else")
    with pytest.raises(SystemExit) as exited:
        main(["enforcelink", "audit", "verify"])
    assert exited.value.code == 1
    assert "event #1: edited" in capsys.readouterr().err


# Per-court chains and anchors (issue 13 §5).


def _anchor_file(tmp_path) -> str:
    out = StringIO()
    call_command("audit", "anchor", stdout=out)
    path = tmp_path / "anchor.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def verify_anchor(path: str) -> str:
    out = StringIO()
    call_command("audit", "verify", "--anchor", path, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def two_courts(db, settings):
    settings.AUDIT_ANCHOR_KEY = "anchor-key-for-tests"
    _court_events(3, 4)
    _court_events(5, 4)
    _court_events(None, 2)


def test_anchor_prints_every_chains_head_signed(two_courts):
    out = StringIO()
    call_command("audit", "anchor", stdout=out)
    document = json.loads(out.getvalue())
    heads = {c["name"]: (c["chain"], c["seq"], c["hash"]) for c in document["chains"]}
    assert heads == {
        name: (head.chain, _at(head.chain, head.last_seq), head.last_hash)
        for name, head in [
            ("platform", AuditHead.objects.get(chain=0)),
            ("court-3", AuditHead.objects.get(chain=3)),
            ("court-5", AuditHead.objects.get(chain=5)),
        ]
    }
    assert len(document["signature"]) == 64


def test_verify_counts_every_chain(two_courts):
    assert verify().strip() == "intact: 10 events"


def test_chains_that_grew_since_extend_their_anchor(two_courts, tmp_path):
    path = _anchor_file(tmp_path)
    _court_events(5, 2)
    _court_events(8, 1)  # a court whose first event came after the anchor
    assert verify_anchor(path).splitlines() == ["intact: 13 events", "extends its anchor: 3 chains"]


def test_tampered_event_fails_naming_its_chain(two_courts, tmp_path):
    path = _anchor_file(tmp_path)
    AuditEvent.objects.filter(seq=_at(5, 3)).update(actor_label="someone else")
    with pytest.raises(CommandError, match=r"court-5 chain, event #50000000003: edited") as caught:
        verify_anchor(path)
    assert caught.value.returncode == 1


def test_truncated_chain_fails_although_its_head_was_moved_back(two_courts, tmp_path):
    """The last two events and the head rewound to match: the walk alone sees an intact, shorter
    chain; the anchor remembers it was longer."""
    path = _anchor_file(tmp_path)
    _in_chain(3).filter(seq__gt=_at(3, 2)).delete()
    second = AuditEvent.objects.get(seq=_at(3, 2))
    AuditHead.objects.filter(chain=3).update(last_seq=2, last_hash=second.hash)
    assert "intact: 8 events" in verify()
    with pytest.raises(
        CommandError, match=r"court-3 chain, event #30000000004: truncated .*ends at #30000000002"
    ) as caught:
        verify_anchor(path)
    assert caught.value.returncode == 1


def _rewrite_from_genesis(chain: int) -> None:
    """What someone with database access could do: change an event, recompute every hash."""
    prev = audit.GENESIS
    for event in _in_chain(chain):
        if event.seq == _at(chain, 2):
            event.after = {"amount": "1.00"}
        event.prev_hash = prev
        event.hash = audit.event_hash(audit._hashed_fields(event), prev)
        event.save(update_fields=["after", "prev_hash", "hash"])
        prev = event.hash
    AuditHead.objects.filter(chain=chain).update(last_hash=prev)


def test_chain_rewritten_from_genesis_is_caught_only_by_the_anchor(two_courts, tmp_path):
    path = _anchor_file(tmp_path)
    _rewrite_from_genesis(5)
    assert "intact: 10 events" in verify()
    with pytest.raises(CommandError, match=r"court-5 chain, event #50000000004: rewritten") as caught:
        verify_anchor(path)
    assert caught.value.returncode == 1


def test_forged_anchor_is_refused(two_courts, tmp_path):
    """Someone who rewrote a chain also edits the anchor's head hash to match: the signature no
    longer does."""
    path = _anchor_file(tmp_path)
    _rewrite_from_genesis(5)
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    for item in document["chains"]:
        if item["chain"] == 5:
            item["hash"] = AuditHead.objects.get(chain=5).last_hash
    Path(path).write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match=r"Refused anchor file: the signature does not match") as caught:
        verify_anchor(path)
    assert caught.value.returncode == 1


def test_anchor_signed_with_another_key_is_refused(two_courts, tmp_path, settings):
    path = _anchor_file(tmp_path)
    settings.AUDIT_ANCHOR_KEY = "another key"
    with pytest.raises(CommandError, match=r"signature does not match"):
        verify_anchor(path)


def test_missing_anchor_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read the anchor file"):
        verify_anchor(str(tmp_path / "nowhere.json"))
