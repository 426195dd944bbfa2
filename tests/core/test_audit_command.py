"""`enforcelink audit verify` (issue 2 §7): 0 on an intact chain, non-zero naming the first broken event."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.utils import translation

from enforcelink.cli import main
from enforcelink.core import audit
from enforcelink.core.models import AuditEvent


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the UI default (zh-hans) is checked separately."""
    with translation.override("en"):
        yield


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
