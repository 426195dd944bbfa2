"""Issue 4 §9: the agency simulators answer through the real machine API over loopback HTTP, and
their faults (duplicate replies, dropped rounds, late replies) leave exactly one effect each."""

from __future__ import annotations

import datetime as dt
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcelink.linkage import actions, delivery, policy
from enforcelink.linkage.models import AssistanceRequest, Delivery, RequestEvent, RequestType, UnitEndpoint
from enforcelink.linkage.simulator import Agency, Faults, answer_rng, result_for
from enforcelink.orgs.api_auth import api_key_issue
from tests.linkage.conftest import ask

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _closed_agencies(monkeypatch):
    """Every agency made here closes its kept-alive connections when the test ends: an open one
    holds a live-server thread, and its database connection, past the test run."""
    made: list[Agency] = []
    setup = Agency.__post_init__

    def register(agency: Agency) -> None:
        setup(agency)
        made.append(agency)

    monkeypatch.setattr(Agency, "__post_init__", register)
    yield
    for agency in made:
        agency.close()


def test_close_ends_the_kept_alive_connection_and_a_later_call_opens_another(live_server, world, case):
    _requests(world, case, 1)
    _key, secret = api_key_issue(world.unit, name="simulator", actor="test")
    agency = Agency("bank", live_server.url, secret)
    assert len(agency.poll_page(10)) == 1
    [kept] = agency._opened
    assert kept.sock is not None
    agency.close()
    assert kept.sock is None and agency._opened == []
    assert len(agency.poll_page(10)) == 1  # a new connection
    [again] = agency._opened
    assert again is not kept


@pytest.mark.parametrize("request_type", RequestType.values)
def test_simulated_results_have_the_types_shape_and_are_accepted(request_type):
    rng = random.Random(7)
    today = dt.date.today()
    for _ in range(20):
        cleaned = policy.clean_result(request_type, result_for(request_type, rng, {}, today))
        policy.check_result_against(request_type, cleaned, {}, today)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(policy.CAPPED_AMOUNTS)),
    st.decimals(Decimal("0.01"), Decimal("99999999.99"), places=2),
    st.integers(1, 2**31),
)
def test_simulated_controls_never_exceed_the_notices_amount(request_type, amount, request_id):
    """R-ASSET-03: a simulated freeze, renewal, unfreeze or deduction is at most what the notice asks
    for, so every simulated answer is accepted (a 1,000-yuan freeze was refused 188 times in 200)."""
    today = dt.date.today()
    details = {"amount": str(amount)}
    result = policy.clean_result(
        request_type, result_for(request_type, answer_rng(request_id), details, today)
    )
    policy.check_result_against(request_type, result, details, today)
    assert Decimal(result[policy.CAPPED_AMOUNTS[request_type]]) <= amount


def test_an_agency_answers_a_request_the_same_way_every_time():
    """A duplicate reply must carry the first one's body (the same Idempotency-Key fingerprint)."""
    agency = Agency("bank", "http://127.0.0.1:1", "secret")
    request = {"id": 41, "request_type": "freeze", "details": {"amount": "1000.00"}}
    first = agency.answer(request)
    assert agency.answer(dict(request)) == first
    assert Agency("bank", "http://127.0.0.1:1", "secret", seed=9).answer(request) == first  # by id alone
    assert Decimal(first["frozen_amount"]) <= Decimal("1000.00")


def _requests(world, case, count):
    return [actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer)
            for _ in range(count)]  # fmt: skip


def test_a_simulated_bank_answers_every_request_once(live_server, world, case):
    made = _requests(world, case, 4)
    _key, secret = api_key_issue(world.unit, name="simulator", actor="test")
    agency = Agency(
        "bank", live_server.url, secret, delay=(0, 0), faults=Faults(rate=1.0, kinds=("duplicate",))
    )
    stats = agency.run(rounds=1, interval=0)
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"completed"}
    for request in made:
        assert RequestEvent.objects.filter(request=request, kind="completed").count() == 1
    assert stats["reply_200"] == 8 and stats["duplicate"] == 4  # every reply sent twice, applied once


def test_simulated_freezes_for_a_small_notice_are_all_accepted(live_server, world, case):
    """The review's case: freezes for a 1,000-yuan notice, answered in a page, each applied once,
    and the same page sent again (a dropped connection) is replayed, not refused."""
    made = [actions.request_send(actions.request_create(case, ask(world.unit, "freeze", amount="1000.00"),
                                                        actor=world.officer), actor=world.officer)
            for _ in range(12)]  # fmt: skip
    _key, secret = api_key_issue(world.unit, name="simulator", actor="test")
    agency = Agency("bank", live_server.url, secret)
    waiting = agency.poll_page(100)
    assert len(waiting) == len(made) and all(r["details"]["amount"] == "1000.00" for r in waiting)
    assert sorted(agency.reply_page(waiting)) == sorted(r.pk for r in made)
    assert sorted(agency.reply_page(waiting)) == sorted(r.pk for r in made)  # replayed: same bodies
    assert agency.stats == {"reply_200": 24}
    for request in AssistanceRequest.objects.all():
        assert request.status == "completed" and Decimal(request.result["frozen_amount"]) <= 1000


def test_a_dropped_round_is_answered_on_the_next_poll(live_server, world, case):
    _requests(world, case, 2)
    _key, secret = api_key_issue(world.unit, name="simulator", actor="test")
    agency = Agency("bank", live_server.url, secret, delay=(0, 0), faults=Faults(rate=1.0, kinds=("drop",)))
    agency.run(rounds=1, interval=0)
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"acknowledged"}
    agency.faults = Faults(rate=0.0)
    agency.run(rounds=1, interval=0)
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"completed"}


def test_the_batch_safety_poll_skips_what_was_just_sent(live_server, world, case):
    [made] = _requests(world, case, 1)
    _key, secret = api_key_issue(world.unit, name="simulator", actor="test")
    agency = Agency("bank", live_server.url, secret)
    assert [r["id"] for r in agency.poll_page(100)] == [made.pk]
    assert agency.poll_page(100, waited=60) == []  # a push brings it: no need to fetch it again
    AssistanceRequest.objects.filter(pk=made.pk).update(sent_at=made.sent_at - dt.timedelta(minutes=2))
    assert [r["id"] for r in agency.poll_page(100, waited=60)] == [made.pk]  # waited long: missed


def test_the_command_refuses_other_hosts_and_production_and_runs_on_loopback(
    live_server, world, case, settings
):
    with pytest.raises(CommandError):
        call_command("simulate", "agencies", "--base-url", live_server.url, "--rounds", "1")  # DEBUG is off
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("simulate", "agencies", "--base-url", "http://10.0.0.5:8000", "--rounds", "1")
    _requests(world, case, 2)
    call_command("simulate", "agencies", "--base-url", live_server.url, "--rounds", "2", "--interval", "0.2",
                 "--delay", "0", "0", "--fault-rate", "0", "--types", "bank", "--webhooks")  # fmt: skip
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"completed"}
    assert UnitEndpoint.objects.get(unit=world.unit).url.startswith("http://127.0.0.1:")


def test_a_simulated_bank_takes_pushes_and_answers_them(live_server, world, case):
    _key, secret = api_key_issue(world.unit, name="simulator", actor="test")
    agency = Agency("bank", live_server.url, secret, delay=(0, 0), webhook_secret="hook-secret")
    UnitEndpoint.objects.create(unit=world.unit, url=agency.listen(), secret="hook-secret")
    [request] = _requests(world, case, 1)
    threading.Thread(target=agency.server.serve_forever, daemon=True).start()
    endpoint = UnitEndpoint.objects.get()
    assert delivery.deliver_endpoint(endpoint.pk) == {"delivered": 1}
    agency.server.shutdown()
    agency.server = None  # already served; run() need not start it again
    assert [r["id"] for r in agency.take_pushed()] == [request.pk]
    UnitEndpoint.objects.update(secret="another", url=agency.listen())  # a forged push is refused
    threading.Thread(target=agency.server.serve_forever, daemon=True).start()
    forged = Delivery.objects.create(endpoint=UnitEndpoint.objects.get(), request=request, event="request.sent",
                                     payload={"event": "request.sent", "request": {"id": request.pk}},
                                     next_attempt_at=request.sent_at)  # fmt: skip
    assert forged.pk and delivery.deliver_endpoint(endpoint.pk) == {"pending": 1}
    assert agency.stats["push_forged"] == 1


def test_a_replayed_push_is_refused_by_the_receiver():
    """A push captured and sent again after the tolerance (or stamped ahead) is not taken, however
    good its signature."""
    agency = Agency("bank", "http://127.0.0.1:1", "secret", webhook_secret="s")
    url = agency.listen()
    threading.Thread(target=agency.server.serve_forever, daemon=True).start()
    body = json.dumps({"deliveries": [{"id": 5, "event": "request.sent", "request": {"id": 9}}]}).encode()

    def push(stamp: int) -> int:
        headers = {
            "X-EnforceLink-Timestamp": str(stamp),
            "X-EnforceLink-Signature": delivery.sign("s", str(stamp), body),
        }
        try:
            with urllib.request.urlopen(
                urllib.request.Request(url, body, headers, method="POST"), timeout=5
            ) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    now = int(time.time())
    assert [push(now - 301), push(now + 301), push(now)] == [401, 401, 200]
    agency.server.shutdown()
    assert agency.stats == {"push_forged": 2, "push_200": 1} and agency.take_pushed_payloads() == []
    assert agency.pushed.get_nowait() == 9


def test_push_faults_are_retried(live_server, world, case):
    _key, secret = api_key_issue(world.unit, name="simulator", actor="test")
    agency = Agency("bank", live_server.url, secret, webhook_secret="s", faults=Faults(push_rate=1.0))
    agency.rng.choice = lambda options: "http_503"  # the timeout fault takes 11 s; 503 shows the retry
    UnitEndpoint.objects.create(unit=world.unit, url=agency.listen(), secret="s")
    threading.Thread(target=agency.server.serve_forever, daemon=True).start()
    [request] = _requests(world, case, 1)
    item = Delivery.objects.get(request=request)
    assert delivery.deliver_endpoint(item.endpoint_id) == {"pending": 1}
    item.refresh_from_db()
    assert item.last_status == 503 and item.attempts == 1


def test_a_push_cut_off_mid_body_is_not_taken_for_a_forgery():
    """A worker killed mid-post leaves a short body: the receiver drops it (the lease brings the
    push again) instead of counting a bad signature."""
    agency = Agency("bank", "http://127.0.0.1:1", "secret", webhook_secret="s")
    url = agency.listen()
    threading.Thread(target=agency.server.serve_forever, daemon=True).start()
    port = int(url.split(":")[2].split("/")[0])
    with socket.create_connection(("127.0.0.1", port)) as raw:
        raw.sendall(
            b"POST /enforcelink HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b'{"deliveries"'
        )
    for _ in range(50):
        if agency.stats:
            break
        time.sleep(0.05)
    agency.server.shutdown()
    assert agency.stats == {"push_cut_off": 1}
