"""core.numbering (issue 13 §4): gapless numbers per scope (court, kind, year), the one counter behind
案号 (R-ID-03) and document numbers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from enforcelink.core import numbering
from enforcelink.core.models import NumberCounter


@pytest.mark.django_db
def test_numbers_count_up_per_scope_and_a_rollback_gives_the_number_back_r_id_03():
    with transaction.atomic():
        assert numbering.next_number(court_id=1, kind="case:执", year=2024) == 1
        assert numbering.next_number(court_id=1, kind="case:执", year=2024) == 2
        assert numbering.next_number(court_id=1, kind="case:执", year=2025) == 1
        assert numbering.next_number(court_id=2, kind="case:执", year=2024) == 1
        assert numbering.next_number(court_id=1, kind="document:execution_notice", year=2024) == 1
        assert numbering.next_number(court_id=1, kind="document:execution_notice", year=2024, count=5) == 2
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number(court_id=1, kind="case:执", year=2024) == 3
        raise RuntimeError("the filing failed")
    with transaction.atomic():
        assert numbering.next_number(court_id=1, kind="case:执", year=2024) == 3
        assert numbering.next_number(court_id=1, kind="document:execution_notice", year=2024) == 7


@pytest.mark.django_db
def test_raise_to_continues_after_an_imported_number_and_never_lowers_r_id_03():
    with transaction.atomic():
        numbering.raise_to(court_id=1, kind="case:执", year=2024, at_least=1351)
        numbering.raise_to(court_id=1, kind="case:执", year=2024, at_least=12)
        assert numbering.next_number(court_id=1, kind="case:执", year=2024) == 1352
        numbering.raise_all({(1, "case:执", 2024): 1400, (1, "case:执保", 2024): 3, (2, "case:执", 2024): 0})
        assert numbering.last_numbers("case:") == {
            (1, "case:执", 2024): 1400,
            (1, "case:执保", 2024): 3,
            (2, "case:执", 2024): 0,
        }
    with pytest.raises(ValueError), transaction.atomic():
        numbering.next_number(court_id=1, kind="case:执", year=2024, count=0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_takers_get_distinct_gapless_numbers():
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite is private to one connection; the PostgreSQL run covers this")
    threads_count, per_thread = 8, 25
    taken: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads_count)
    guard = threading.Lock()

    def worker(n: int) -> None:
        try:
            start.wait()  # every thread's first take races for the scope's not yet created row
            for i in range(per_thread):
                kind = "case:执" if (n + i) % 2 else "document:execution_notice"
                with transaction.atomic():
                    number = numbering.next_number(court_id=7, kind=kind, year=2026)
                with guard:
                    taken.append((kind, number))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    for kind in ("case:执", "document:execution_notice"):
        numbers = sorted(number for taken_kind, number in taken if taken_kind == kind)
        assert numbers == list(range(1, len(numbers) + 1)), kind  # no gap, no duplicate
        assert NumberCounter.objects.get(court_id=7, kind=kind, year=2026).last == len(numbers)
    assert len(taken) == threads_count * per_thread
