"""R-ID-03: 案号 stay gapless and unique when several officers file at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from enforcelink.cases.models import Case
from tests.factories import file_case


@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_get_distinct_gapless_numbers(world):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the test database is in-memory SQLite, private to one connection; the PostgreSQL run covers this"
        )
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(3):
                file_case(world.court, world.officer)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    sequences = sorted(
        Case.objects.filter(court=world.court, year=2024, type_code="执").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 13))
