"""Issue 4 §7–§8: webhook push — written with the send, signed, posted in batches per endpoint,
retried with backoff, dead-lettered, and at least once across a killed worker (with each delivery's
id for the unit to drop repeats)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from enforcelink.core.models import AuditEvent
from enforcelink.linkage import actions, delivery
from enforcelink.linkage.models import AssistanceRequest, Delivery, UnitEndpoint
from tests.factories import UnitFactory
from tests.linkage.conftest import ask


class Receiver:
    """A unit's webhook receiver on 127.0.0.1: answers with the scripted statuses, then 200."""

    def __init__(self) -> None:
        self.script: list[int | str] = []
        self.seen: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.seen.append({"path": self.path, "headers": headers, "body": body})
                step = receiver.script.pop(0) if receiver.script else 200
                if step == "slow":
                    time.sleep(1.5)
                    step = 200
                self.send_response(int(step))
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.server.shutdown()


@pytest.fixture
def endpoint(world, receiver):
    return UnitEndpoint.objects.create(unit=world.unit, url=receiver.url, secret="s3cret", max_attempts=3)


def _send(world, case):
    return actions.request_send(
        actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
    )


def _ids(hit: dict) -> list[int]:
    return [item["id"] for item in json.loads(hit["body"])["deliveries"]]


def _deliver(endpoint) -> str:
    """One worker pass over the endpoint: the single status it left its deliveries in, or skipped."""
    counts = delivery.deliver_endpoint(endpoint.pk)
    assert len(counts) <= 1, counts
    return next(iter(counts), "skipped")


def test_sending_writes_the_delivery_and_a_worker_pushes_it_signed(world, case, endpoint, receiver):
    request = _send(world, case)
    [item] = Delivery.objects.filter(request=request)
    assert item.event == "request.sent" and item.payload["request"]["case_number"] == case.number
    assert _deliver(endpoint) == "delivered"
    [hit] = receiver.seen
    headers = hit["headers"]
    assert _ids(hit) == [item.pk]
    assert delivery.verify_signature("s3cret", headers["x-enforcelink-timestamp"], hit["body"],
                                     headers["x-enforcelink-signature"])  # fmt: skip
    assert not delivery.verify_signature("wrong", headers["x-enforcelink-timestamp"], hit["body"],
                                         headers["x-enforcelink-signature"])  # fmt: skip
    [pushed] = json.loads(hit["body"])["deliveries"]
    assert pushed["event"] == "request.sent" and pushed["request"]["id"] == request.pk
    assert _deliver(endpoint) == "skipped"  # delivered: never again


@pytest.mark.parametrize(
    ("stamped", "now", "tolerance", "accepted"),
    [
        (1_800_000_000, 1_800_000_000, 300, True),
        (1_800_000_000, 1_800_000_300, 300, True),  # exactly at the edge
        (1_800_000_000, 1_800_000_301, 300, False),  # a replay five minutes later
        (1_800_000_301, 1_800_000_000, 300, False),  # stamped in the future (a skewed or forged clock)
        (1_800_000_000, 1_800_000_000 + 3600, 7200, True),  # a receiver may allow more
        (1_800_000_000, 1_800_000_061, 60, False),
    ],
)
def test_a_signature_is_refused_outside_the_timestamp_tolerance(stamped, now, tolerance, accepted):
    body = b'{"deliveries": []}'
    signature = delivery.sign("s3cret", str(stamped), body)
    assert (
        delivery.verify_signature("s3cret", str(stamped), body, signature, tolerance=tolerance, now=now)
        is accepted
    )


@pytest.mark.parametrize(
    "stamp", ["", "abc", "1.8e9", "-1800000000", " 1800000000", "１８００００００００", "9" * 40]
)
def test_a_timestamp_that_is_not_whole_unix_seconds_is_refused(stamp):
    body = b"{}"
    assert not delivery.verify_signature("s", stamp, body, delivery.sign("s", stamp, body), now=1_800_000_000)


def test_the_default_tolerance_is_five_minutes_of_the_receivers_clock():
    body = b"{}"
    fresh, stale = str(int(time.time())), str(int(time.time()) - 301)
    assert delivery.verify_signature("s", fresh, body, delivery.sign("s", fresh, body))
    assert not delivery.verify_signature("s", stale, body, delivery.sign("s", stale, body))


def test_one_post_carries_a_page_of_deliveries(world, case, endpoint, receiver, monkeypatch):
    monkeypatch.setattr(delivery, "BATCH", 2)
    requests = actions.requests_for_cases([case] * 5, ask(world.unit), actor=world.officer)
    assert delivery.deliver_endpoint(endpoint.pk, limit=delivery.BATCH) == {"delivered": 5}
    assert [len(_ids(hit)) for hit in receiver.seen] == [2, 2, 1]
    pushed = sorted(i for hit in receiver.seen for i in _ids(hit))
    assert pushed == sorted(Delivery.objects.filter(request__in=requests).values_list("pk", flat=True))


def test_a_rolled_back_send_delivers_nothing(world, case, endpoint):
    draft = actions.request_create(case, ask(world.unit), actor=world.officer)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.request_send(draft, actor=world.officer)
        raise RuntimeError("the database fails after the send")
    assert not Delivery.objects.exists() and AssistanceRequest.objects.get().status == "draft"


def test_failures_back_off_then_dead_letter(world, case, endpoint, receiver):
    receiver.script = [500, 503, 500]
    item = Delivery.objects.get(request=_send(world, case))
    assert _deliver(endpoint) == "pending"
    item.refresh_from_db()
    assert item.attempts == 1 and item.last_status == 500 and item.next_attempt_at > timezone.now()
    assert _deliver(endpoint) == "skipped"  # not due yet
    for _ in range(2):
        Delivery.objects.filter(pk=item.pk).update(next_attempt_at=timezone.now())
        result = _deliver(endpoint)
    assert result == "dead" and len(receiver.seen) == 3
    delivery.retry_dead(item, actor=world.officer)
    assert AuditEvent.objects.filter(action="delivery.retried").count() == 1
    assert _deliver(endpoint) == "delivered"


def test_a_timeout_is_retried(world, case, endpoint, receiver, monkeypatch):
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 0.3)
    receiver.script = ["slow"]
    item = Delivery.objects.get(request=_send(world, case))
    assert _deliver(endpoint) == "pending"
    item.refresh_from_db()
    assert item.last_status is None and item.last_error


def test_a_worker_killed_mid_post_loses_nothing(world, case, endpoint, receiver):
    """The first worker claims and posts, then dies before recording: its lease expires and the
    sweep posts again; the unit sees the same delivery id twice and can drop the repeat."""
    item = Delivery.objects.get(request=_send(world, case))
    claimed = delivery.claim(endpoint.pk, timezone.now())
    delivery.post(claimed.endpoint, claimed.deliveries)  # … and the process is killed here
    assert _deliver(endpoint) == "skipped"  # the lease still holds
    later = timezone.now() + delivery.LEASE + dt.timedelta(seconds=1)
    Delivery.objects.filter(pk=item.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert delivery.deliver_due(later) == {"delivered": 1}
    assert [_ids(hit) for hit in receiver.seen] == [[item.pk]] * 2
    item.refresh_from_db()
    assert item.status == "delivered" and item.attempts == 2 and item.lease_token is None
    delivery.record(claimed, delivery.Outcome(False, 500), timezone.now())  # the dead worker's late write
    item.refresh_from_db()
    assert item.status == "delivered"  # … changes nothing: it no longer holds the lease


def test_cancellation_is_pushed_and_units_without_endpoint_poll(world, case, endpoint, police):
    request = _send(world, case)
    actions.request_cancel(request, reason="已履行", actor=world.officer)
    assert list(Delivery.objects.filter(request=request).values_list("event", flat=True).order_by("pk")) == [
        "request.sent", "request.cancelled"]  # fmt: skip
    other = actions.request_send(actions.request_create(case, ask(police, "exit_restriction"), actor=world.officer),
                                 actor=world.officer)  # fmt: skip
    assert not Delivery.objects.filter(request=other).exists()


def test_backoff_grows_and_is_capped():
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert delivery.backoff(40).total_seconds() == delivery.BACKOFF_MAX_SECONDS


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_post_each_delivery_once(world, case, receiver):
    from django.db import connection, connections

    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite is private to one connection; the PostgreSQL run covers this")
    UnitEndpoint.objects.create(unit=world.unit, url=receiver.url, secret="s", max_attempts=3)
    items = [Delivery.objects.get(request=_send(world, case)).pk for _ in range(6)]
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            delivery.deliver_due()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    posted = sorted(i for hit in receiver.seen for i in _ids(hit))
    assert posted == sorted(items)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_pass_visits_only_endpoints_with_due_work(world, case, endpoint, receiver):
    """The queue is the pending rows: an endpoint whose deliveries are all delivered, or whose
    retry is not due yet, gets no post; an expired lease makes its row due again."""
    quiet_bank = UnitFactory(region=world.region, name="渝北区农商银行", unit_type=world.unit.unit_type)
    waiting_bank = UnitFactory(region=world.region, name="渝中区建设银行", unit_type=world.unit.unit_type)
    quiet = UnitEndpoint.objects.create(unit=quiet_bank, url=receiver.url + "/quiet", secret="q")
    waiting = UnitEndpoint.objects.create(unit=waiting_bank, url=receiver.url + "/waiting", secret="w")

    def send_to(unit) -> Delivery:
        request = actions.request_create(case, ask(unit), actor=world.officer)
        return Delivery.objects.get(request=actions.request_send(request, actor=world.officer))

    done = send_to(quiet_bank)
    Delivery.objects.filter(pk=done.pk).update(status="delivered")
    later = send_to(waiting_bank)
    Delivery.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    due = Delivery.objects.get(request=_send(world, case))
    assert delivery.deliver_due() == {"delivered": 1}
    assert [(hit["path"], _ids(hit)) for hit in receiver.seen] == [("/hook", [due.pk])]
    assert delivery.deliver_due() == {}  # nothing due anywhere now

    Delivery.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now())
    claimed = delivery.claim(waiting.pk, timezone.now())
    assert claimed is not None and delivery.deliver_due() == {}  # leased by a (dead) worker
    Delivery.objects.filter(pk=later.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert delivery.deliver_due() == {"delivered": 1}
    assert receiver.seen[-1]["path"] == "/hook/waiting" and len(receiver.seen) == 2
    assert quiet.deliveries.get().attempts == 0


@pytest.mark.parametrize("signature", ["sha256=é", "sha256=" + "０" * 64, ""])
def test_a_garbled_signature_header_is_refused_not_raised(signature):
    """hmac.compare_digest raises on str with non-ASCII characters: a unit's receiver must refuse."""
    stamp, body = "1800000000", b"{}"
    assert not delivery.verify_signature("s", stamp, body, signature, now=1_800_000_000)
    assert delivery.verify_signature("s", stamp, body, delivery.sign("s", stamp, body), now=1_800_000_000)
