"""Two workers running one batch at the same moment (PostgreSQL): each case is issued once, the
numbers stay gapless, and the batch ends done."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from enforcelink.documents.batch import batch_create, batch_progress, batch_run
from enforcelink.documents.models import BatchStatus, Document, DocumentBatch
from tests.factories import file_case


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_issue_each_case_once(world):
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite is private to one connection; the PostgreSQL run covers this")
    cases = [file_case(world.court, world.officer) for _ in range(6)]
    batch = batch_create(
        court_cases=[case.pk for case in cases],
        kind="execution_notice",
        actor=world.officer,
        formats=["docx"],
    )
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            batch_run(batch.pk)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    issued = list(Document.objects.filter(batch=batch).values_list("case_id", "sequence"))
    assert sorted(case_id for case_id, _seq in issued) == sorted(case.pk for case in cases)
    assert sorted(seq for _case, seq in issued) == list(range(1, 7))
    assert DocumentBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE
    assert batch_progress(batch.pk).done == 6
