"""Document numbers stay gapless and unique when several officers issue at the same moment, and the
shipped default template is loaded once even when the first issues race."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from enforcelink.documents.actions import document_issue
from enforcelink.documents.models import Document, DocumentTemplate
from tests.factories import file_case


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_gapless_numbers(world):
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite is private to one connection; the PostgreSQL run covers this")
    cases = [file_case(world.court, world.officer) for _ in range(3)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(cases))

    def worker(case: object) -> None:
        try:
            start.wait()
            for _ in range(2):
                document_issue(case, kind="execution_notice", actor=world.officer)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    sequences = sorted(Document.objects.filter(court=world.court).values_list("sequence", flat=True))
    assert sequences == list(range(1, 7))
    assert DocumentTemplate.objects.filter(kind="execution_notice").count() == 1
