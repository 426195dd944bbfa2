"""Issue 4 §7: the same reply sent twice at the same moment (a retrying bank system) has one effect."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from enforcelink.linkage import actions
from enforcelink.linkage.api import answers as answers_of
from enforcelink.linkage.models import ReplyReceipt, RequestEvent
from enforcelink.orgs.api_auth import api_key_issue
from tests.linkage.conftest import ask

RESULT = {"found": False}


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_with_one_key_have_one_effect(world, case):
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite is private to one connection; the PostgreSQL run covers this")
    request = actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )
    key, _secret = api_key_issue(world.unit, name="core", actor="test")
    answers: list[dict] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            reply = actions.UnitReply(request.pk, "retry-1", "completed", RESULT)
            [answer] = actions.replies_apply([reply], actor=key, present=answers_of)
            answers.append(answer)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(answers) == 4 and all(answer == answers[0] for answer in answers)
    assert answers[0]["status"] == 200 and answers[0]["request"]["status"] == "completed"
    assert RequestEvent.objects.filter(request=request, kind="completed").count() == 1
    assert ReplyReceipt.objects.count() == 1
