"""Lock order (issue 14 §2): issuing the execution notice completes its clock, and the overdue sweep may
be marking that clock overdue at the same moment. Both lock the clock before the audit chain's head
(the head is always the last lock), so neither deadlocks the other. PostgreSQL only: row locks."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from enforcelink.cases.actions import deadlines
from enforcelink.cases.models import Case, NodeKind, ProcessNode
from enforcelink.documents.case_issue import case_document_issue
from tests.factories import file_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_issuing_the_notice_while_the_sweep_marks_its_clock_overdue(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks")
    case = file_case(world.court, world.officer)
    Case.objects.filter(pk=case.pk).update(officer=world.officer)
    # only the execution notice's clock is open and past due
    ProcessNode.objects.filter(case=case).exclude(kind=NodeKind.EXECUTION_NOTICE).update(status="done")
    ProcessNode.objects.filter(case=case, kind=NodeKind.EXECUTION_NOTICE).update(
        status="open", due_on=timezone.localdate() - timezone.timedelta(days=3)
    )
    real = deadlines._report_overdue
    claimed = threading.Event()

    def slow_report(won, today):
        claimed.set()
        time.sleep(
            1.5
        )  # the issue starts meanwhile and must wait for the clock, holding nothing the sweep needs
        return real(won, today)

    monkeypatch.setattr(deadlines, "_report_overdue", slow_report)
    errors = {}

    def sweep():
        try:
            deadlines.sweep_overdue(timezone.localdate(), case_id=case.pk)
        except Exception as error:
            errors["sweep"] = repr(error)
        finally:
            connections.close_all()

    def issue():
        claimed.wait(5)
        try:
            case_document_issue(Case.objects.get(pk=case.pk), kind="execution_notice", actor=world.officer)
        except Exception as error:
            errors["issue"] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep), threading.Thread(target=issue)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
