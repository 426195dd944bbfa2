"""Issue 4 §9: the agency simulators answer through the real machine API over loopback HTTP, and
their faults (duplicate replies, dropped rounds, late replies) leave exactly one effect each."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enforcelink.linkage import actions, policy
from enforcelink.linkage.models import AssistanceRequest, RequestEvent
from enforcelink.linkage.simulator import Agency, Faults, result_for
from enforcelink.orgs.api_auth import api_key_issue
from tests.linkage.conftest import ask

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("request_type", [*sorted(policy.RESULT_FIELDS), "serve_documents"])
def test_simulated_results_have_the_types_shape(request_type):
    rng = random.Random(7)
    for _ in range(20):
        policy.clean_result(request_type, result_for(request_type, rng))


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


def test_a_dropped_round_is_answered_on_the_next_poll(live_server, world, case):
    _requests(world, case, 2)
    _key, secret = api_key_issue(world.unit, name="simulator", actor="test")
    agency = Agency("bank", live_server.url, secret, delay=(0, 0), faults=Faults(rate=1.0, kinds=("drop",)))
    agency.run(rounds=1, interval=0)
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"acknowledged"}
    agency.faults = Faults(rate=0.0)
    agency.run(rounds=1, interval=0)
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"completed"}


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
                 "--delay", "0", "0", "--fault-rate", "0", "--types", "bank")  # fmt: skip
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) == {"completed"}
