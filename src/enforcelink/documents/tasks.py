"""Background work on documents: the run of a batch (文书集中制作, issue 3 §3).

Tasks take ids, never objects; `batch.batch_create` and `batch.batch_resume` enqueue the run with
`transaction.on_commit`. Running the same batch twice at once is safe: each item is claimed alone.
"""

from __future__ import annotations

from django_tasks import task

from enforcelink.documents import batch as batches


@task()
def run_document_batch(batch_id: int) -> dict[str, int]:
    """Issue the batch's pending items; returns the counts per status when the run ends."""
    progress = batches.batch_progress(batches.batch_run(batch_id))
    return {
        "total": progress.total,
        "done": progress.done,
        "failed": progress.failed,
        "pending": progress.pending,
    }
