"""Documents register no periodic sweep. The batch run's task lives beside the code it runs
(`documents.batch.run_document_batch`); it is named here only for rows queued before it moved there:
django-tasks-db stores a task's dotted path and a worker imports it to run the row, so a batch
enqueued as `documents.tasks.run_document_batch` still runs.
"""

from enforcelink.documents.batch import run_document_batch

__all__ = ["run_document_batch"]
