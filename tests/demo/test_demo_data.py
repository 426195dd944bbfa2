"""Demo data (issue 2 §9): deterministic, valid identifiers, gapless 案号, clocks with traces,
an intact trail, a login for every role; demo-logins, serve and the benchmark command."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import io
import os
import signal
import socket
import statistics
import threading
import time
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.http import HttpRequest

from enforcelink.cases.models import Assignment, Case, Party, ProcessNode
from enforcelink.core import audit
from enforcelink.core.identifiers import (
    looks_like_resident_id,
    parse_case_number,
    parse_resident_id,
    parse_uscc,
)
from enforcelink.core.models import NumberCounter
from enforcelink.demo import benchkit, loader
from enforcelink.demo.amounts import application_fee_fen
from enforcelink.demo.generator import CaseGenerator, Dialect
from enforcelink.demo.world import DEMO_PASSWORD, PRIMARY_LOGINS, build_world
from enforcelink.orgs.models import Role, User

AS_OF = dt.date(2026, 6, 30)


def _generator(seed: int, cases: int) -> CaseGenerator:
    with transaction.atomic():
        world = build_world(1)
    courts, weights = loader._court_generators(world)
    return CaseGenerator(
        courts,
        weights,
        cases=cases,
        seed=seed,
        as_of=AS_OF,
        first_id=1,
        counters={},
        dialect=Dialect(None, ""),
    )


def _digest(chunks) -> str:
    """Case numbers, party names, ID numbers and amounts of every generated row."""
    digest = hashlib.sha256()
    for chunk in chunks:
        for row in chunk.rows["case"]:
            digest.update("|".join(map(str, row[2:3] + row[12:15])).encode())
        for row in chunk.rows["party"]:
            digest.update(f"{row[3]}|{row[5]}".encode())
    return digest.hexdigest()


@pytest.fixture
def loaded(db):
    loader.load(cases=60, seed=3, as_of=AS_OF, parallel=False)


def test_same_seed_gives_the_same_data_and_another_seed_does_not(db):
    first = _digest(_generator(5, 150).chunks())
    assert _digest(_generator(5, 150).chunks()) == first
    assert _digest(_generator(6, 150).chunks()) != first


def test_forked_generator_gives_exactly_the_serial_rows(db):
    serial = _digest(_generator(5, 200).chunks())
    forked = _generator(5, 200)
    assert _digest(loader.forked_chunks(forked)) == serial
    assert sum(forked.stats["type"].values()) == 200  # figures come back from the child


def test_every_identity_number_is_valid_r_id_01_r_id_02(loaded):
    parties = list(Party.objects.all())
    assert len(parties) >= 60 * 2
    for party in parties:
        if party.id_type == "resident_id":
            parsed = parse_resident_id(party.id_number)
            assert parsed.warnings == ()  # region codes existed in the birth year
            assert parsed.birth_date == party.birth_date and parsed.sex == party.sex
            assert looks_like_resident_id(party.id_number)
        else:
            assert party.kind == "organisation" and party.id_type == "uscc"
            assert parse_uscc(party.id_number) == party.id_number
            assert not looks_like_resident_id(party.id_number)


def test_case_numbers_are_gapless_per_court_type_year_and_counters_continue_r_id_03(loaded):
    sequences = defaultdict(list)
    for case in Case.objects.select_related("court"):
        parsed = parse_case_number(case.number)
        assert (parsed.court_code, parsed.type_code, parsed.year, parsed.sequence) == (
            case.court.code,
            case.type_code,
            case.year,
            case.sequence,
        )
        sequences[(case.court_id, case.type_code, case.year)].append(case.sequence)
    for key, numbers in sequences.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key
        counter = NumberCounter.objects.get(court_id=key[0], kind=f"case:{key[1]}", year=key[2])
        assert counter.last == len(numbers)


def test_nodes_carry_their_trace_and_open_cases_all_clocks_r_time_02(loaded):
    for node in ProcessNode.objects.select_related("case"):
        assert node.trace["due"] == node.due_on.isoformat()
        assert node.trace["rule_id"] == node.rule_id and node.trace["start"] == node.case.filed_on.isoformat()
        if node.status == "done":
            assert node.completed_on is not None and node.completed_by
    for case in Case.objects.prefetch_related("nodes"):
        kinds = {node.kind for node in case.nodes.all()}
        assert "closure" in kinds
        if case.status == "open" and case.is_money_case:
            assert {"execution_notice", "network_inquiry", "four_inquiries"} <= kinds


def test_cases_are_assigned_within_their_court_and_the_trail_verifies_r_case_06(loaded):
    for case in Case.objects.select_related("officer"):
        assert case.officer.court_id == case.court_id and case.officer.role == Role.OFFICER
    assert Assignment.objects.count() == Case.objects.count()
    assert audit.verify() is None


def test_every_role_has_a_user_who_can_log_in(loaded, client):
    for role in Role:
        user = User.objects.filter(role=role).first()
        assert user is not None, role
        assert client.login(request=HttpRequest(), username=user.username, password=DEMO_PASSWORD), role
        client.logout()
    assert set(PRIMARY_LOGINS) == set(Role)


def test_if_empty_leaves_existing_cases_alone(db):
    call_command("demo_data", cases=15, seed=2, if_empty=True, stdout=io.StringIO(), stderr=io.StringIO())
    count, events = Case.objects.count(), audit.AuditEvent.objects.count()
    out = io.StringIO()
    call_command("demo_data", cases=15, seed=2, if_empty=True, stdout=out, stderr=io.StringIO())
    assert count == 15
    assert (Case.objects.count(), audit.AuditEvent.objects.count()) == (count, events)


def test_amounts_and_closures_look_like_a_real_register(db):
    generator = _generator(9, 3000)
    totals, first_closed = [], defaultdict(int)
    for chunk in generator.chunks():
        for row in chunk.rows["case"]:
            totals.append(sum(float(value) for value in row[12:15]))
            if row[4] == "执" and row[7] == "closed":
                first_closed[row[26]] += 1
    assert statistics.median(totals) < 50_000 and max(totals) > 1_000_000  # many small claims, a long tail
    closed = sum(first_closed.values())
    assert 0.3 < first_closed["fully_performed"] / closed < 0.5
    assert 0.3 < first_closed["terminated_this_round"] / closed < 0.5
    assert generator.stats["type"]["执"] > 0.7 * 3000 and generator.stats["type"]["执保"] > 0


def test_closed_cases_keep_only_the_closure_clock_unless_all_nodes(db):
    def kinds_of_closed(generator: CaseGenerator) -> set[str]:
        closed, kinds = set(), set()
        for chunk in generator.chunks():
            closed |= {row[0] for row in chunk.rows["case"] if row[7] == "closed"}
            kinds |= {row[1] for row in chunk.rows["node"] if row[0] in closed}
        return kinds

    assert kinds_of_closed(_generator(4, 300)) == {"closure"}
    everything = _generator(4, 300)
    everything.all_nodes = True
    assert {"closure", "execution_notice", "four_inquiries"} <= kinds_of_closed(everything)


def test_application_fee_follows_the_bands():
    assert application_fee_fen(5_000_00) == 50_00
    assert application_fee_fen(110_000_00) == 50_00 + 1_500_00  # 1.5% of the 100,000 above 10,000


def test_demo_logins_prints_one_login_per_role(loaded):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for username in PRIMARY_LOGINS.values():
        assert username in text
    assert DEMO_PASSWORD in text and "重庆市綦江区人民法院" in text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_logins_wait_for_the_server_and_come_after_it(loaded):
    """`make demo` prints the logins once the server answers, so that its start-up lines (and the
    worker's and the simulators') come before them, not after (issue 14 §11)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), http.server.BaseHTTPRequestHandler)
    starter = threading.Timer(0.6, server.serve_forever)  # the server comes up while the command waits
    starter.start()
    out = io.StringIO()
    began = time.monotonic()
    try:
        call_command("demo_logins", "--wait-for", url, "--timeout", "30", stdout=out)
    finally:
        server.shutdown()
        server.server_close()
    assert time.monotonic() - began >= 0.6
    text = out.getvalue()
    assert url in text and text.index(url) < text.index(PRIMARY_LOGINS[Role.OFFICER])


def test_demo_logins_are_printed_even_when_the_server_never_answers(loaded):
    url = f"http://127.0.0.1:{_free_port()}/"
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_logins", "--wait-for", url, "--timeout", "0.5", stdout=out, stderr=err)
    assert url in err.getvalue()
    assert PRIMARY_LOGINS[Role.OFFICER] in out.getvalue() and url not in out.getvalue()


def test_serve_refuses_a_weak_secret_key_in_production(settings):
    settings.DEBUG, settings.SECRET_KEY = False, "test"
    with pytest.raises(CommandError, match="ENFORCELINK_SECRET_KEY"):
        call_command("serve", "--dry-run", stdout=io.StringIO())


def test_serve_builds_the_granian_command_with_static_files(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "k3y-Secret" * 6
    out = io.StringIO()
    call_command("serve", "--port", "8123", "--workers", "2", "--threads", "3", "--connections", "64", "--dry-run",
                 stdout=out)  # fmt: skip
    line = out.getvalue()
    assert "--interface wsgi" in line and "--port 8123" in line and "--workers 2" in line
    assert "--blocking-threads 3" in line and "--backpressure 64" in line  # connections, not threads
    assert "--static-path-mount" in line and "enforcelink.config.wsgi:application" in line
    settings.DEBUG = True
    out = io.StringIO()
    call_command("serve", "--dry-run", stdout=out)
    assert "granian" not in out.getvalue()


def test_bench_demo_data_runs_and_writes_its_section(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\nkept\n")
    args = ["--cases", "200", "--naive-cases", "5", "--db", "sqlite", "--docs", str(docs)]
    call_command("bench", "demo-data", *args, stdout=io.StringIO(), stderr=io.StringIO())
    text = docs.read_text()
    assert "kept" in text and "<!-- bench:demo-data -->" in text and "| sqlite | 200 |" in text


def test_bench_sections_are_replaced_not_repeated(tmp_path):
    docs = tmp_path / "benchmarks.md"
    benchkit.write_section(docs, "demo-data", "first")
    benchkit.write_section(docs, "other", "x")
    benchkit.write_section(docs, "demo-data", "second")
    text = docs.read_text()
    assert "second" in text and "first" not in text and text.count("<!-- bench:demo-data -->") == 1
    assert "<!-- bench:other -->" in text


def test_bench_list_names_the_registered_benchmarks():
    out = io.StringIO()
    call_command("bench", "list", stdout=out)
    assert "demo-data" in out.getvalue()


def test_a_benchmark_stopped_with_sigterm_cleans_up_on_the_way_out(monkeypatch):
    """`timeout` or a cancelled job sends SIGTERM: the benchmark's `finally` (its processes, its
    database) still runs, and the command's own handler is gone afterwards."""
    cleaned = []

    class Stopped:
        def add_arguments(self, parser):
            pass

        def run(self, options, log):
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)  # interrupted by the handler at once
                return "never"
            finally:
                cleaned.append(True)

    monkeypatch.setitem(benchkit.REGISTRY, "stopped", benchkit.Benchmark("stopped", "test", Stopped()))
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped:
        call_command("bench", "stopped", "--no-docs", stdout=io.StringIO())
    assert stopped.value.code == 128 + signal.SIGTERM and cleaned == [True]
    assert signal.getsignal(signal.SIGTERM) is before
