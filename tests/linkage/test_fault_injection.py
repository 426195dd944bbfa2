"""Issue 4 §8, the fault-injection run: requests pushed by delivery workers that are separate
processes, one of them killed with SIGKILL in the middle of a post, to a simulated bank whose
endpoint also answers 503, and whose replies are duplicated, late or dropped — and afterwards every
request is answered exactly once: 0 lost, 0 duplicated.

The workers are `enforcelink deliver --loop` processes on the test database, so this runs on
PostgreSQL (an in-memory SQLite database is private to the test process); the unit-level tests in
test_delivery.py cover the same claim/lease logic on both databases.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from enforcelink.core import audit
from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest, Delivery, ReplyReceipt, RequestEvent, UnitEndpoint
from enforcelink.linkage.simulator import Agency, Faults
from enforcelink.orgs.api_auth import api_key_issue
from tests.factories import file_case
from tests.linkage.conftest import ask

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 24


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "enforcelink.cli", "deliver", "--loop", "--interval", "0.2", "--threads", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class HeldAgency(Agency):
    """The bank, whose receiver holds the first push until the test has killed the worker posting it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.in_post, self.release = threading.Event(), threading.Event()

    def receive(self, handler):  # type: ignore[no-untyped-def]
        if not self.in_post.is_set():
            self.in_post.set()
            self.release.wait(30)
        super().receive(handler)


def test_a_killed_worker_and_failing_endpoint_lose_and_duplicate_nothing(live_server, world):
    if connection.vendor != "postgresql":
        pytest.skip("the workers are separate processes: the PostgreSQL run covers this")
    _key, secret = api_key_issue(world.unit, name="simulator", actor="test")
    bank = HeldAgency(
        "bank", live_server.url, secret, delay=(0.0, 0.2), seed=3, webhook_secret="hook",
        faults=Faults(rate=0.5, kinds=("duplicate", "late", "drop"), push_rate=0.3),
    )  # fmt: skip
    bank.rng.choice = lambda options, choice=bank.rng.choice: (
        "http_503" if "http_503" in options else choice(options)
    )
    UnitEndpoint.objects.create(unit=world.unit, url=bank.listen(), secret="hook", max_attempts=20)
    cases = [file_case(world.court, world.officer, principal="1000.00") for _ in range(REQUESTS // 2)]
    made = actions.requests_for_cases(cases * 2, ask(world.unit), actor=world.officer)
    answering = threading.Thread(
        target=bank.run_batched, kwargs={"until": time.monotonic() + 90, "poll_every": 2.0}, daemon=True
    )
    answering.start()
    env = {**os.environ, "DATABASE_URL": _database_url(), "ENFORCELINK_WEBHOOK_TIMEOUT": "1",
           "ENFORCELINK_WEBHOOK_BACKOFF": "1"}  # fmt: skip
    doomed = _worker(env)
    survivor = None
    try:
        assert bank.in_post.wait(60), "the first worker never posted"
        os.killpg(doomed.pid, signal.SIGKILL)  # kill -9 in the middle of the post
        doomed.wait(10)
        bank.release.set()
        survivor = _worker(env)
        deadline = time.monotonic() + 80
        while time.monotonic() < deadline:
            waiting = AssistanceRequest.objects.filter(pk__in=[r.pk for r in made]).exclude(
                status="completed"
            )
            if not waiting.exists() and not Delivery.objects.exclude(status="delivered").exists():
                break
            time.sleep(0.5)
    finally:
        bank.release.set()
        bank.stopping.set()  # its polls must not outlive the test (and its live server)
        answering.join(10)
        for process in (doomed, survivor):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
    lost = AssistanceRequest.objects.filter(pk__in=[r.pk for r in made]).exclude(status="completed").count()
    assert lost == 0, bank.stats
    for request in made:
        assert RequestEvent.objects.filter(request=request, kind="completed").count() == 1
        assert ReplyReceipt.objects.filter(request=request).count() == 1
        assert Delivery.objects.filter(request=request, event="request.sent").count() == 1
    assert bank.stats.get("duplicate", 0) and bank.stats.get("push_http_503", 0)  # the faults happened
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
    assert max(Delivery.objects.values_list("attempts", flat=True)) >= 2  # the killed post was retried
    assert audit.verify() is None
