"""Per-court audit chains under concurrent writers (issue 13 §5), on PostgreSQL: a court's writer
never waits for another court's, and each chain stays gapless and duplicate-free."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from enforcelink.core import audit
from enforcelink.core.models import CHAIN_STRIDE, AuditEvent


def _skip_on_sqlite() -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "the test database is in-memory SQLite, private to one connection; the PostgreSQL run covers this"
        )


def _append(court_id: int | None, label: str) -> None:
    audit.record("test.event", None, actor=None, object_type="test", object_id=label, court_id=court_id)


@pytest.mark.django_db(transaction=True)
def test_a_court_writer_does_not_wait_for_another_courts_open_transaction():
    _skip_on_sqlite()
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold_court_1() -> None:
        try:
            with transaction.atomic():
                _append(1, "held")
                holding.set()
                release.wait(30)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_court_1)
    holder.start()
    try:
        assert holding.wait(10)
        with transaction.atomic():
            # Without per-court heads this would wait for court 1's transaction: 2 s is plenty.
            connection.cursor().execute("SET LOCAL lock_timeout = '2s'")
            _append(2, "other court")
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            connection.cursor().execute("SET LOCAL lock_timeout = '200ms'")
            _append(1, "same court")  # the control: the same court's head is held, so this waits
    finally:
        release.set()
        holder.join()
    assert not errors, errors
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == [
        CHAIN_STRIDE + 1,
        2 * CHAIN_STRIDE + 1,
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_leave_each_chain_gapless_and_without_duplicates():
    _skip_on_sqlite()
    courts, writers, appends = [7, 8, None], 6, 15
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(appends):
                with transaction.atomic():
                    # Every other transaction writes to two chains at once: the lock order matters.
                    entries = [audit.Entry("test.event", object_type="test", object_id=f"{n}.{i}",
                                           court_id=courts[(n + i) % len(courts)])]  # fmt: skip
                    if i % 2:
                        entries.append(audit.Entry("test.event", object_type="test", object_id=f"{n}.{i}b",
                                                   court_id=courts[(n + i + 1) % len(courts)]))  # fmt: skip
                    audit.append_many(entries)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    total = 0
    for chain in (7, 8, 0):
        start = chain * CHAIN_STRIDE
        in_chain = AuditEvent.objects.filter(seq__gt=start, seq__lt=start + CHAIN_STRIDE).order_by("seq")
        seqs = list(in_chain.values_list("seq", flat=True))
        assert seqs == list(range(start + 1, start + len(seqs) + 1)), chain
        total += len(seqs)
    assert total == writers * (appends + appends // 2)
    assert audit.verify() is None
