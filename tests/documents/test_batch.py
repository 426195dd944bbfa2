"""文书集中制作 (issue 3 §3): create → run, failures per case, crash and rerun, the zip, ownership."""

from __future__ import annotations

import csv
import io
import zipfile
from unittest import mock

import pytest

from enforcelink.cases.models import Case
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent
from enforcelink.documents import batch as batches
from enforcelink.documents.batch import (
    CasesNotFound,
    batch_create,
    batch_progress,
    batch_resume,
    batch_run,
    batch_zip,
    cases_by_number,
)
from enforcelink.documents.models import (
    BatchStatus,
    Document,
    DocumentBatch,
    DocumentBatchItem,
    ItemStatus,
)
from tests.factories import file_case

DOCX = ["docx"]


@pytest.fixture
def cases(world):
    return [file_case(world.court, world.officer) for _i in range(4)]


def _create(world, cases, **options):
    options.setdefault("kind", "execution_notice")
    options.setdefault("formats", DOCX)
    return batch_create(court_cases=[case.pk for case in cases], actor=world.officer, **options)


def _sequences(batch):
    return sorted(Document.objects.filter(batch=batch).values_list("sequence", flat=True))


def test_create_then_run_issues_every_case_with_consecutive_numbers(world, cases):
    batch = _create(world, cases)
    assert (batch.status, batch.total, batch.court_id) == (BatchStatus.QUEUED, 4, world.court.pk)
    assert list(batch.items.values_list("position", flat=True)) == [1, 2, 3, 4]
    assert AuditEvent.objects.filter(action="document_batch.created", object_id=str(batch.pk)).exists()

    batch = batch_run(batch.pk)

    assert batch.status == BatchStatus.DONE and batch.started_at and batch.finished_at
    assert _sequences(batch) == [1, 2, 3, 4]
    items = list(batch.items.select_related("document"))
    assert all(item.status == ItemStatus.DONE and item.document.case_id == item.case_id for item in items)
    assert all(list(item.document.files.values_list("format", flat=True)) == ["docx"] for item in items)
    assert batch_progress(batch) == batches.BatchProgress(total=4, done=4, failed=0, pending=0)
    assert "finished" in batch.log or "完成" in batch.log


def test_run_is_enqueued_after_commit_with_the_batch_id(world, cases, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = _create(world, cases)
    assert not DBTaskResult.objects.exists()  # nothing is queued before the batch is committed
    for callback in callbacks:
        callback()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "enforcelink.documents.batch.run_document_batch"
    assert queued.args_kwargs == {"args": [batch.pk], "kwargs": {}}


def test_task_runs_the_batch(world, cases):
    batch = _create(world, cases[:2])
    assert batches.run_document_batch.call(batch.pk) == {"total": 2, "done": 2, "failed": 0, "pending": 0}


def test_a_run_queued_under_the_old_task_path_still_runs(world, cases, django_capture_on_commit_callbacks):
    """Rows enqueued before the task moved into `batch` store `documents.tasks.run_document_batch`."""
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        batch = _create(world, cases[:2])
    row = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=row.pk).update(task_path="enforcelink.documents.tasks.run_document_batch")
    row.refresh_from_db()
    assert row.task.call(batch.pk) == {"total": 2, "done": 2, "failed": 0, "pending": 0}


def test_case_lacking_data_fails_alone_with_its_number_and_reason(world, cases):
    lacking = cases[1]
    Case.objects.filter(pk=lacking.pk).update(officer=None)  # no contact to print
    batch = batch_run(_create(world, cases).pk)

    assert batch.status == BatchStatus.DONE
    failed = DocumentBatchItem.objects.get(batch=batch, status=ItemStatus.FAILED)
    assert failed.case_id == lacking.pk and failed.error_code == "MISSING_DATA"
    assert lacking.number in failed.error and "court_contact" in failed.error
    assert batch_progress(batch) == batches.BatchProgress(total=4, done=3, failed=1, pending=0)
    assert _sequences(batch) == [1, 2, 3]  # the failure gave its number back


def test_failure_reasons_are_stored_in_chinese_whatever_the_worker_language(world, cases):
    Case.objects.filter(pk=cases[0].pk).update(officer=None)
    from django.utils import translation

    with translation.override("en"):
        batch = batch_run(_create(world, cases[:1]).pk)
    reason = batch.items.get().error
    assert "案" in reason, reason


def test_rerun_after_a_crash_finishes_the_rest_and_issues_nothing_twice(world, cases):
    batch = _create(world, cases)
    real_issue = batches.document_issue
    calls = []

    def dies_on_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the worker is killed mid-run: no clean-up runs
        return real_issue(*args, **kwargs)

    with (
        mock.patch.object(batches, "document_issue", side_effect=dies_on_third),
        pytest.raises(KeyboardInterrupt),
    ):
        batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING
    assert batch_progress(batch) == batches.BatchProgress(total=4, done=2, failed=0, pending=2)

    batch = batch_run(batch.pk)  # the next worker re-claims the running batch

    assert batch.status == BatchStatus.DONE
    assert _sequences(batch) == [1, 2, 3, 4]
    per_case = Document.objects.filter(batch=batch).values_list("case_id", flat=True)
    assert sorted(per_case) == sorted(case.pk for case in cases)


def test_a_second_run_of_a_finished_batch_issues_nothing(world, cases):
    batch = _create(world, cases)
    batch_run(batch.pk)
    again = batch_run(batch.pk)
    assert again.status == BatchStatus.DONE
    assert Document.objects.filter(batch=batch).count() == 4


def test_two_runs_of_the_same_batch_issue_each_case_once(world, cases):
    """A second worker that starts between two items of the first takes only what is still pending;
    the first then finds nothing left. (Two at once in threads: test_batch_concurrency.py.)"""
    batch = _create(world, cases)
    real_next = batches._issue_next
    steps = []

    def second_worker_joins(*args, **kwargs):
        steps.append(1)
        if len(steps) == 2:
            batch_run(batch.pk)
        return real_next(*args, **kwargs)

    with mock.patch.object(batches, "_issue_next", side_effect=second_worker_joins):
        batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Document.objects.filter(batch=batch).count() == 4
    assert _sequences(batch) == [1, 2, 3, 4]


def test_crash_of_the_run_marks_it_failed_and_resume_finishes(world, cases):
    from django.db import OperationalError

    batch = _create(world, cases)
    with (
        mock.patch.object(batches, "document_issue", side_effect=OperationalError("disk full")),
        pytest.raises(OperationalError),
    ):
        batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "OperationalError" in batch.log
    assert batch_progress(batch).pending == 4  # nothing was lost

    assert batch_run(batch.pk).status == BatchStatus.FAILED  # a failed batch is not re-run by itself
    batch_resume(batch, actor=world.colleague)
    assert batch_run(batch.pk).status == BatchStatus.DONE
    assert _sequences(batch) == [1, 2, 3, 4]


def test_a_colleague_resumes_the_batch_of_someone_who_left_and_issues_it(
    world, cases, django_capture_on_commit_callbacks
):
    """Review of issue 13: the run acted as the creator, whom the permission table no longer lets
    issue once deactivated; a colleague who resumes it issues the rest under their own name."""
    batch = _create(world, cases)
    world.officer.is_active = False
    world.officer.save(update_fields=["is_active"])
    with mock.patch.object(batches, "document_issue", side_effect=NotFound()):  # as the run would find
        batch_run(batch.pk)
    DocumentBatchItem.objects.filter(batch=batch).update(status="pending", error_code="", error="")
    DocumentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED)
    with (
        mock.patch.object(batches, "run_document_batch") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        batch_resume(batch, actor=world.colleague)
    task.enqueue.assert_called_once_with(batch.pk, world.colleague.pk)
    assert batch_run(batch.pk, world.colleague.pk).status == BatchStatus.DONE
    assert batch_progress(batch).done == 4
    issued = AuditEvent.objects.filter(action="document.issued", object_type="documents.document")
    assert set(issued.values_list("actor_id", flat=True)) == {world.colleague.pk}


def test_resume_of_a_finished_batch_is_refused(world, cases):
    batch = batch_run(_create(world, cases[:1]).pk)
    with pytest.raises(DomainError) as caught:
        batch_resume(batch, actor=world.officer)
    assert caught.value.code == "BATCH_FINISHED"
    with pytest.raises(NotFound):
        batch_resume(batch, actor=world.outsider)


def test_unexpected_render_error_fails_the_case_not_the_batch(world, cases):
    batch = _create(world, cases[:2])
    real = batches.document_issue
    calls = []

    def breaks_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("pango crashed")
        return real(*args, **kwargs)

    with mock.patch.object(batches, "document_issue", side_effect=breaks_once):
        batch = batch_run(batch.pk)
    assert batch.status == BatchStatus.DONE
    assert list(batch.items.values_list("status", "error_code")) == [("failed", "ISSUE_ERROR"), ("done", "")]


def test_zip_holds_every_file_by_number_and_the_failures(world, cases):
    Case.objects.filter(pk=cases[2].pk).update(officer=None)
    batch = batch_run(_create(world, cases, formats=["pdf", "docx"]).pk)
    documents = list(Document.objects.filter(batch=batch).order_by("sequence"))

    archive = zipfile.ZipFile(batch_zip(batch))

    expected = {f"{doc.number}.{fmt}" for doc in documents for fmt in ("pdf", "docx")} | {"failures.csv"}
    assert set(archive.namelist()) == expected
    first = documents[0]
    assert archive.read(f"{first.number}.pdf") == bytes(first.files.get(format="pdf").content)
    rows = list(csv.reader(io.StringIO(archive.read("failures.csv").decode("utf-8-sig"))))
    assert rows[0] == ["案号", "代码", "原因"]
    assert rows[1][:2] == [cases[2].number, "MISSING_DATA"] and len(rows) == 2


def test_other_courts_cases_are_refused_and_nothing_is_created(world, cases):
    foreign = file_case(world.other_court, world.outsider)
    with pytest.raises(CasesNotFound) as caught:
        batch_create(
            court_cases=[cases[0].pk, foreign.pk, 999_999], kind="execution_notice", actor=world.officer
        )
    assert caught.value.code == "NOT_FOUND" and caught.value.case_ids == [foreign.pk, 999_999]
    assert not DocumentBatch.objects.exists() and not DocumentBatchItem.objects.exists()


def test_a_queryset_of_cases_is_accepted_and_scoped(world, cases):
    file_case(world.other_court, world.outsider)
    with pytest.raises(CasesNotFound):
        batch_create(
            court_cases=Case.objects.all(), kind="execution_notice", actor=world.officer, formats=DOCX
        )
    batch = batch_create(
        court_cases=Case.objects.visible_to(world.officer),
        kind="execution_notice",
        actor=world.officer,
        formats=DOCX,
    )
    assert batch.total == 4


@pytest.mark.parametrize("who", ["supervisor", "liaison", "outsider_for_own"])
def test_only_the_courts_staff_create(world, cases, who):
    actor = world.outsider if who == "outsider_for_own" else getattr(world, who)
    with pytest.raises(NotFound):
        batch_create(court_cases=[cases[0].pk], kind="execution_notice", actor=actor)


@pytest.mark.parametrize(
    ("options", "code", "field"),
    [
        ({"kind": "nonsense"}, "DOCUMENT_KIND", "kind"),
        ({"kind": "urging_notice"}, "DOCUMENT_SUBJECT", "kind"),
        ({"formats": []}, "DOCUMENT_FORMAT", "formats"),
        ({"formats": ["xls"]}, "DOCUMENT_FORMAT", "formats"),
        ({"variant": "Bad Variant!"}, "DOCUMENT_VARIANT", "variant"),
        ({"kind": "assistance_notice", "extra": {"measure": "冻结"}}, "BATCH_EXTRA_MISSING", "addressee"),
        ({"extra": {"colour": "red"}}, "BATCH_EXTRA_UNKNOWN", "extra"),
        ({"extra": {"performance_days": "abc"}}, "NUMBER_RANGE", "performance_days"),
        ({"kind": "bounty_notice", "extra": {"reward_amount": "-5"}}, None, "reward_amount"),
        ({"kind": "dishonest_listing", "extra": {"grounds": "9"}}, "LISTING_GROUND", "grounds"),
    ],
)
def test_bad_input_is_refused_by_field_before_anything_is_stored(world, cases, options, code, field):
    with pytest.raises(DomainError) as caught:
        _create(world, cases, **options)
    assert caught.value.field == field
    if code:
        assert caught.value.code == code
    assert not DocumentBatch.objects.exists()


def test_empty_and_oversized_batches_are_refused(world, cases, monkeypatch):
    with pytest.raises(DomainError) as caught:
        _create(world, [])
    assert caught.value.code == "BATCH_EMPTY"
    monkeypatch.setattr(batches, "MAX_CASES", 3)
    with pytest.raises(DomainError) as caught:
        _create(world, cases)
    assert caught.value.code == "BATCH_TOO_LARGE"


def test_assistance_notices_with_shared_extra(world, cases):
    extra = {"addressee": "綦江农商银行", "measure": "冻结被执行人银行存款", "measure_amount": "1000"}
    batch = batch_run(_create(world, cases[:2], kind="assistance_notice", extra=extra).pk)
    assert batch.status == BatchStatus.DONE and batch_progress(batch).done == 2


def test_cases_by_number_reports_unknown_and_foreign_numbers(world, cases):
    foreign = file_case(world.other_court, world.outsider)
    typed = cases[0].number.replace("（", "(").replace("）", ")")
    text = f"{typed}\n\n  {cases[1].number}  \n{foreign.number}\n（2099）渝0110执1号\n{cases[0].number}"
    found = cases_by_number(world.officer, text)
    assert found.ids == [cases[0].pk, cases[1].pk]
    assert found.unknown == [foreign.number, "（2099）渝0110执1号"]
    assert cases_by_number(world.supervisor, cases[0].number).ids == []
