"""The overdue sweep marks each overdue node exactly once however many workers run it, and periodic
sweeps run once per period however many processes are up (issue 2 §5, R-CASE-01..03)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from enforcelink.cases import tasks
from enforcelink.cases.actions import case_close, deadlines, lead_submit, sweep_overdue
from enforcelink.cases.models import Case, NodeKind, NodeStatus, ProcessNode
from enforcelink.core import audit, sweeps
from enforcelink.core.models import AuditEvent, Notification, PeriodicClaim
from tests.cases.conftest import restore_default_node_rules
from tests.factories import file_case

# Filed 20 days before "today": R-CASE-01/02 nodes of 3, 7 and 15 days are overdue, the 3-month and
# 6-month ones are not.
OVERDUE_KINDS = {
    NodeKind.EXECUTION_NOTICE,
    NodeKind.PROPERTY_REPORT,
    NodeKind.NETWORK_INQUIRY,
    NodeKind.LOCAL_INQUIRY,
}


def today() -> dt.date:
    return timezone.localdate()


def file_overdue_case(world) -> Case:
    restore_default_node_rules()
    return file_case(world.court, world.president, filed_on=today() - dt.timedelta(days=20))


def memory_sqlite() -> bool:
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and (name in ("", ":memory:") or "mode=memory" in name)


def assert_once_per_node(case: Case) -> None:
    overdue = ProcessNode.objects.filter(case=case, status=NodeStatus.OVERDUE)
    assert {node.kind for node in overdue} == OVERDUE_KINDS
    for node in overdue:
        assert AuditEvent.objects.filter(action="node.overdue", object_id=str(node.pk)).count() == 1
    notes = Notification.objects.filter(user=case.officer, kind="node.overdue", case_id=case.pk)
    assert notes.count() == len(OVERDUE_KINDS)


def test_sweep_marks_overdue_nodes_and_notifies_the_officer(world):
    case = file_overdue_case(world)
    assert sweep_overdue(today()) == len(OVERDUE_KINDS)
    assert_once_per_node(case)
    node = ProcessNode.objects.get(case=case, kind=NodeKind.EXECUTION_NOTICE)
    assert node.overdue_at is not None and node.is_overdue
    note = Notification.objects.filter(user=case.officer).first()
    assert note is not None and case.number in note.message and note.case_id == case.pk
    assert audit.verify() is None


def test_sweeping_again_changes_nothing(world):
    case = file_overdue_case(world)
    sweep_overdue(today())
    assert sweep_overdue(today()) == 0
    assert sweep_overdue(today() + dt.timedelta(days=1)) == 0
    assert_once_per_node(case)


def test_a_node_due_today_is_not_yet_overdue(world):
    case = file_case(world.court, world.president, filed_on=today() - dt.timedelta(days=3))
    ProcessNode.objects.filter(case=case, kind=NodeKind.NETWORK_INQUIRY).update(due_on=today())
    sweep_overdue(today())
    node = ProcessNode.objects.get(case=case, kind=NodeKind.NETWORK_INQUIRY)
    assert node.status == NodeStatus.OPEN and not node.is_overdue


def test_done_suspended_and_closed_case_nodes_are_not_swept(world):
    case = file_overdue_case(world)
    ProcessNode.objects.filter(case=case, kind=NodeKind.EXECUTION_NOTICE).update(status=NodeStatus.DONE)
    ProcessNode.objects.filter(case=case, kind=NodeKind.PROPERTY_REPORT).update(status=NodeStatus.SUSPENDED)
    closed = file_overdue_case(world)
    case_close(
        closed, mode="cancelled", closed_on=today(), details={"reason": "duplicate"}, actor=world.officer
    )
    assert sweep_overdue(today()) == 2
    assert not ProcessNode.objects.filter(case=closed, status=NodeStatus.OVERDUE).exists()


def test_race_lost_after_selecting_candidates_acts_not_at_all(world):
    """Simulated race: worker A selected the candidates, worker B swept them all, then A goes on."""
    case = file_overdue_case(world)
    selected_by_a = list(
        ProcessNode.objects.filter(status=NodeStatus.OPEN, due_on__lt=today()).values_list("pk", flat=True)
    )
    assert sweep_overdue(today()) == len(OVERDUE_KINDS)  # worker B
    acted: list[object] = []
    rows = [{"pk": pk} for pk in selected_by_a]
    due = deadlines.overdue(today())
    assert sweeps.claim_page(ProcessNode, due, rows, deadlines.overdue_changes(), acted.append) == 0
    assert not acted
    assert_once_per_node(case)


def test_a_kept_field_that_changed_since_it_was_read_leaves_the_row_alone(world):
    """`keep`: the status a row was read with must still be its status when it is claimed (the
    trail records the status it moved from)."""
    case = file_overdue_case(world)
    node = ProcessNode.objects.filter(case=case, kind=NodeKind.EXECUTION_NOTICE).get()
    read = [{"pk": node.pk, "status": NodeStatus.OPEN}]
    ProcessNode.objects.filter(pk=node.pk).update(status=NodeStatus.SUSPENDED)  # meanwhile
    acted: list[object] = []
    due = Q(due_on__lt=today())
    assert sweeps.claim_page(ProcessNode, due, read, {"status": NodeStatus.OVERDUE}, acted.append) == 0
    assert not acted and ProcessNode.objects.get(pk=node.pk).status == NodeStatus.SUSPENDED
    read[0]["status"] = NodeStatus.SUSPENDED
    assert sweeps.claim_page(ProcessNode, due, read, {"status": NodeStatus.OVERDUE}, acted.append) == 1
    assert acted == [read]


def run_in_threads(count: int, target: Callable[[], object]) -> list[object]:
    results: list[object] = []
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def worker() -> None:
        try:
            start.wait()
            results.append(target())
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_mark_each_node_once(world):
    """Four workers, each with its own database connection, sweep at the same moment."""
    if memory_sqlite():
        pytest.skip("an in-memory SQLite database is private to one connection; PostgreSQL run covers this")
    cases = [file_overdue_case(world) for _ in range(3)]
    marked = run_in_threads(4, lambda: sweep_overdue(today()))
    assert sum(marked) == 3 * len(OVERDUE_KINDS)  # type: ignore[arg-type]
    for case in cases:
        assert_once_per_node(case)
    assert audit.verify() is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_processes_claim_a_period_once(world):
    if memory_sqlite():
        pytest.skip("an in-memory SQLite database is private to one connection; PostgreSQL run covers this")
    wins = run_in_threads(4, lambda: sweeps.claim("race_test", "2024-03-01"))
    assert sorted(wins) == [False, False, False, True]  # type: ignore[type-var]
    assert PeriodicClaim.objects.filter(name="race_test").count() == 1


def test_periodic_sweeps_run_once_per_period(world):
    case = file_overdue_case(world)
    first = {outcome.name: outcome for outcome in sweeps.run_due(today())}
    assert first["overdue_nodes"].ran and first["overdue_nodes"].result == len(OVERDUE_KINDS)
    second = {outcome.name: outcome for outcome in sweeps.run_due(today())}
    assert not second["overdue_nodes"].ran
    assert PeriodicClaim.objects.filter(name="overdue_nodes", period=today().isoformat()).count() == 1
    tomorrow = {outcome.name: outcome for outcome in sweeps.run_due(today() + dt.timedelta(days=1))}
    assert tomorrow["overdue_nodes"].ran and tomorrow["overdue_nodes"].result == 0
    assert_once_per_node(case)


def test_failed_sweep_releases_its_period(world, monkeypatch):
    def broken(day: dt.date) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setitem(sweeps._registry, "overdue_nodes", sweeps.Sweep("overdue_nodes", broken))
    with pytest.raises(RuntimeError):
        sweeps.run_due(dt.date(2024, 3, 1))
    assert not PeriodicClaim.objects.filter(name="overdue_nodes", period="2024-03-01").exists()


def test_sweep_command(world):
    case = file_overdue_case(world)
    out = StringIO()
    call_command("sweep", "--date", today().isoformat(), stdout=out)
    assert f"overdue_nodes {today().isoformat()}: done ({len(OVERDUE_KINDS)})" in out.getvalue()
    out = StringIO()
    call_command("sweep", "--date", today().isoformat(), stdout=out)
    assert "already run" in out.getvalue()
    assert_once_per_node(case)
    with pytest.raises(CommandError, match="--date"):
        call_command("sweep", "--date", "2024-02-30")
    with pytest.raises(CommandError, match="--date"):
        call_command("sweep", "--loop", "--date", today().isoformat())
    with pytest.raises(CommandError, match="--interval"):
        call_command("sweep", "--loop", "--interval", "0")


def test_sweep_loop_sweeps_again_after_each_interval(world, monkeypatch):
    """`make demo` runs `sweep --loop`: a pass at once, then one after every interval."""
    from enforcelink.core.management.commands import sweep as command

    passes = []
    monkeypatch.setattr(command, "run_due", lambda day: passes.append(day) or [])

    def sleep(seconds):
        assert seconds == 30.0
        if len(passes) == 3:
            raise KeyboardInterrupt  # stops the loop, as the demo's Ctrl-C does

    monkeypatch.setattr(command.time, "sleep", sleep)
    monkeypatch.setattr(command, "close_old_connections", lambda: None)  # the test's transaction stays
    with pytest.raises(KeyboardInterrupt):
        call_command("sweep", "--loop", "--interval", "30")
    assert passes == [None, None, None]


def test_sweep_tasks(world):
    case = file_overdue_case(world)
    assert tasks.sweep_overdue_task.call(today().isoformat()) == len(OVERDUE_KINDS)
    assert tasks.check_case_overdue.call(case.pk) == 0
    assert sweeps.run_periodic_sweeps.call(today().isoformat()) == {
        "control_expiry": 0,
        "network_inquiries": 0,
        "linkage_requests": 0,
        "overdue_nodes": 0,
        "property_reports": 0,
        "reinquiries": 0,
        "urging_deadlines": 0,
    }
    assert_once_per_node(case)


def test_backdated_lead_enqueues_an_overdue_check_on_commit(world, django_capture_on_commit_callbacks):
    case = file_overdue_case(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lead = lead_submit(
            case, description="存款线索", urgent=True, actor=world.officer, on=today() - dt.timedelta(days=10)
        )
    assert len(callbacks) == 1
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("check_case_overdue") and queued.args_kwargs["args"] == [case.pk]
    assert tasks.check_case_overdue.call(case.pk) == len(OVERDUE_KINDS) + 1
    assert ProcessNode.objects.get(lead=lead).status == NodeStatus.OVERDUE


@pytest.mark.django_db(transaction=True)
def test_sweeping_while_officers_close_cases_neither_deadlocks_nor_double_counts(world):
    """The sweep locks a node then the trail's head; closing locks the nodes first: no lock cycle."""
    if memory_sqlite():
        pytest.skip("an in-memory SQLite database is private to one connection; PostgreSQL run covers this")
    cases = [file_overdue_case(world) for _ in range(4)]
    closers = iter(cases)
    lock = threading.Lock()

    def close_next() -> object:
        with lock:
            case = next(closers)
        return case_close(
            case, mode="cancelled", closed_on=today(), details={"reason": "duplicate"}, actor=world.officer
        )

    jobs: list[Callable[[], object]] = [lambda: sweep_overdue(today())] * 2 + [close_next] * 4
    pending = iter(jobs)
    run_in_threads(len(jobs), lambda: next(pending)())
    for case in cases:
        statuses = set(ProcessNode.objects.filter(case=case).values_list("status", flat=True))
        assert statuses <= {NodeStatus.DONE, NodeStatus.MOOT}
        for node in ProcessNode.objects.filter(case=case):
            assert AuditEvent.objects.filter(action="node.overdue", object_id=str(node.pk)).count() <= 1
    assert audit.verify() is None
