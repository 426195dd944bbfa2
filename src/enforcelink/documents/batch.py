"""文书集中制作: one kind of document for many cases at once (issue 3 §3), with progress and a zip.

`batch_create` checks everything that does not depend on the case (kind, variant, formats, the
`extra` values every document shares, which cases) and stores the batch and one item per case in
one transaction; `batch_run` (in a worker: the task `run_document_batch`) issues the items one by
one, each in its own transaction through `document_issue`, so a case that lacks data fails alone and
a worker killed mid-run leaves the rest pending for the next run. Each item is claimed under a row
lock and issued only while still pending, so no case gets two documents from one batch, however many
workers run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tasks import task

from enforcelink.cases.models import Case
from enforcelink.cases.queries import normalise_case_number
from enforcelink.core import audit
from enforcelink.core.errors import DomainError, InvalidInput, NotFound
from enforcelink.core.sweeps import worker_label
from enforcelink.core.tabular import csv_row
from enforcelink.core.text import clean_text
from enforcelink.documents import placeholders, policy
from enforcelink.documents.actions import (
    ALL_FORMATS,
    clean_formats,
    clean_kind,
    clean_variant,
    document_issue,
)
from enforcelink.documents.models import (
    BatchStatus,
    DocumentBatch,
    DocumentBatchItem,
    DocumentFile,
    DocumentKind,
    ItemStatus,
)
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, require

logger = logging.getLogger(__name__)

MAX_CASES = 5000  # one batch is one job row and one zip; a larger run is several batches
MAX_EXTRA_VALUE = 500
LOG_LIMIT = 20_000  # characters kept in the batch log; older lines are dropped first


# --- the `extra` values shared by every document of a batch ------------------------------------------


@dataclass(frozen=True)
class ExtraField:
    name: str
    label: str | Promise
    required: bool = False


def _f(name: str, label: str | Promise, required: bool = False) -> ExtraField:
    return ExtraField(name, label, required)


# What the case cannot supply (docs/documents.md, "Default templates shipped"), per kind.
EXTRA_FIELDS: dict[str, tuple[ExtraField, ...]] = {
    DocumentKind.EXECUTION_NOTICE: (
        _f("performance_days", gettext_lazy("Days to perform (default 3)")),
        _f("report_days", gettext_lazy("Days to report property (default 5)")),
    ),
    DocumentKind.PROPERTY_REPORT_ORDER: (
        _f("report_days", gettext_lazy("Days to report property (default 5)")),
    ),
    DocumentKind.ASSISTANCE_NOTICE: (
        _f("addressee", gettext_lazy("Addressee (协助执行单位)"), True),
        _f("measure", gettext_lazy("Measure to assist with (协助执行事项)"), True),
        _f("measure_amount", gettext_lazy("Amount of the measure (yuan)")),
        _f("legal_basis", gettext_lazy("Legal basis (default CPL Art. 253)")),
    ),
    DocumentKind.DISHONEST_LISTING: (
        _f("grounds", gettext_lazy("Listing grounds, 1 to 6, separated by commas"), True),
        _f("extension_years", gettext_lazy("Extension of the term in years (0 to 3)")),
    ),
    DocumentKind.CONSUMPTION_LIFTING: (_f("reason", gettext_lazy("Reason for lifting"), True),),
    DocumentKind.DISHONEST_DELETION: (_f("reason", gettext_lazy("Reason for deletion"), True),),
    DocumentKind.FINE: (
        _f("act", gettext_lazy("Act obstructing enforcement"), True),
        _f("fine_amount", gettext_lazy("Fine (yuan)"), True),
        _f("subject", gettext_lazy("Person fined (default: first respondent)")),
        _f("subject_kind", gettext_lazy("person or organisation")),
    ),
    DocumentKind.DETENTION: (
        _f("act", gettext_lazy("Act obstructing enforcement"), True),
        _f("detention_days", gettext_lazy("Days of detention (1 to 15)"), True),
        _f("subject", gettext_lazy("Person detained (default: first respondent)")),
    ),
    DocumentKind.SUMMONS: (
        _f("act", gettext_lazy("Reason for the summons"), True),
        _f("subject", gettext_lazy("Person summoned (default: first respondent)")),
    ),
    DocumentKind.TERMINATION_RULING: (
        _f("measures", gettext_lazy("Measures taken"), True),
        _f("property_found", gettext_lazy("Property found"), True),
        _f("applicant_view", gettext_lazy("The applicant's view"), True),
    ),
    DocumentKind.BOUNTY_NOTICE: (
        _f("reward_amount", gettext_lazy("Reward (yuan)"), True),
        _f("wanted", gettext_lazy("Information wanted")),
    ),
}
# A batch issues on enforcement cases; 执前督促 documents go on registered judgments.
BATCH_KINDS = [
    (value, label)
    for value, label in DocumentKind.choices
    if value not in policy.JUDGMENT_KINDS | policy.PLATFORM_KINDS
]


def _clean_extra_text(value: Any, name: str) -> Any:
    """The text rule (issue 12) for a value printed in every document of the batch, or each item of a
    list value (the grounds): NFC, no control or text-direction character, refused naming the field."""
    if isinstance(value, str):
        return clean_text(value, field=name)
    if isinstance(value, list | tuple):
        return [clean_text(item, field=name) if isinstance(item, str) else item for item in value]
    return value


def clean_extra(kind: str, extra: dict[str, Any] | None) -> dict[str, Any]:
    """Refuse, by field, an unknown name, a missing required value or a malformed one before any
    document is made: the same mistake would otherwise fail every case of the batch."""
    fields = {entry.name: entry for entry in EXTRA_FIELDS.get(kind, ())}
    cleaned: dict[str, Any] = {}
    for name, value in (extra or {}).items():
        if name not in fields:
            raise InvalidInput(
                "BATCH_EXTRA_UNKNOWN", _("Unknown field: %(name)s.") % {"name": name}, field="extra"
            )
        if len(str(value)) > MAX_EXTRA_VALUE:
            raise InvalidInput("BATCH_EXTRA_TOO_LONG", _("This value is too long."), field=name)
        value = _clean_extra_text(value, name)
        if str(value).strip():
            cleaned[name] = value
    missing = [entry.name for entry in fields.values() if entry.required and entry.name not in cleaned]
    if missing:
        raise InvalidInput(
            "BATCH_EXTRA_MISSING",
            _("Required for this kind: %(names)s.") % {"names": ", ".join(missing)},
            field=missing[0],
        )
    placeholders.kind_values(kind, timezone.localdate(), cleaned)
    if kind != DocumentKind.FINE:  # the fine's limits depend on who is fined: checked per case
        placeholders.sanction_values(kind, [], cleaned)
    return cleaned


# --- creating a batch ------------------------------------------------------------------------------


class CasesNotFound(NotFound):
    """Some of the chosen cases do not exist or are not this court's: nothing was created."""

    def __init__(self, case_ids: list[int]):
        message = ngettext(
            "%(count)d case was not found.", "%(count)d cases were not found.", len(case_ids)
        ) % {"count": len(case_ids)}
        super().__init__(message, field="cases")
        self.case_ids = case_ids


def _case_ids(court_cases: QuerySet[Case] | Iterable[int]) -> list[int]:
    """Ids in the order given, each once; a queryset is read only up to the limit."""
    raw: Iterable[Any] = court_cases
    if isinstance(court_cases, QuerySet):
        raw = court_cases.values_list("pk", flat=True)[: MAX_CASES + 1]
    try:
        ids = list(dict.fromkeys(int(pk) for pk in raw))
    except (TypeError, ValueError):
        raise InvalidInput("BATCH_CASES", _("Choose the cases by their ids."), field="cases") from None
    if not ids:
        raise InvalidInput("BATCH_EMPTY", _("Choose at least one case."), field="cases")
    if len(ids) > MAX_CASES:
        raise InvalidInput(
            "BATCH_TOO_LARGE", _("At most %(max)d cases per batch.") % {"max": MAX_CASES}, field="cases"
        )
    return ids


def batch_create(
    *,
    court_cases: QuerySet[Case] | Iterable[int],
    kind: str,
    actor: User,
    extra: dict[str, Any] | None = None,
    variant: str = "",
    formats: Any = ALL_FORMATS,
) -> DocumentBatch:
    """Store a batch with one pending item per case and enqueue its run after commit.

    Only the actor's own court's cases are taken; any other id, existing or not, is refused as "not
    found" (`CasesNotFound.case_ids`) and nothing is created."""
    # A batch is made by its court's staff; supervisors read batches but do not make them.
    require(actor, Action.ISSUE_DOCUMENTS)
    court_id = actor.court_id
    if court_id is None:  # not after require (a court hat needs a court); said for the type checker
        raise NotFound()
    kind, variant = clean_kind(kind), clean_variant(variant)
    policy.check_subject(kind, judgment=False)
    chosen = clean_formats(formats)
    extra = clean_extra(kind, extra)
    ids = _case_ids(court_cases)
    with transaction.atomic():
        own = set(Case.objects.filter(pk__in=ids, court_id=court_id).values_list("pk", flat=True))
        missing = [pk for pk in ids if pk not in own]
        if missing:
            raise CasesNotFound(missing)
        batch = DocumentBatch.objects.create(
            court_id=court_id, kind=kind, variant=variant, formats=list(chosen), extra=extra,
            total=len(ids), created_by=actor,
        )  # fmt: skip
        items = [DocumentBatchItem(batch=batch, case_id=pk, position=n) for n, pk in enumerate(ids, start=1)]
        DocumentBatchItem.objects.bulk_create(items, batch_size=1000)
        after = {"kind": kind, "variant": variant, "formats": list(chosen), "total": len(ids), "extra": extra}
        audit.record("document_batch.created", batch, actor=actor, court_id=actor.court_id, after=after)
        _enqueue(batch.pk)
    return batch


def _enqueue(batch_id: int, issuer_id: int | None = None) -> None:
    """Run the batch after the commit; `issuer_id` names who issues its documents when not the
    creator (a colleague who resumed it: the creator may have left the court since)."""
    if issuer_id is None:
        transaction.on_commit(lambda: run_document_batch.enqueue(batch_id))
    else:
        transaction.on_commit(lambda: run_document_batch.enqueue(batch_id, issuer_id))


def batch_resume(batch: DocumentBatch, *, actor: User) -> DocumentBatch:
    """Start the run again for what is still pending (a worker died, or the run crashed). Safe at any
    time: items are claimed one by one, so a run still going on loses nothing and repeats nothing."""
    require(actor, Action.ISSUE_DOCUMENTS, batch)
    with transaction.atomic():
        resumable = [BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.FAILED]
        if not DocumentBatch.objects.filter(pk=batch.pk, status__in=resumable).update(
            status=BatchStatus.QUEUED
        ):
            raise InvalidInput("BATCH_FINISHED", _("This batch has finished."), field=None)
        audit.record("document_batch.resumed", batch, actor=actor, court_id=batch.court_id)
        _log(batch.pk, _("resumed by %(user)s") % {"user": actor})
        _enqueue(batch.pk, actor.pk)
    batch.refresh_from_db()
    return batch


# --- running a batch -------------------------------------------------------------------------------


def _log(batch_id: int, line: str) -> None:
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    DocumentBatch.objects.filter(pk=batch_id).update(log=Concat(F("log"), Value(f"{stamp} {line}\n")))


def _claim(batch_id: int) -> bool:
    """queued → running, or a running batch again (its worker may have died): a conditional UPDATE.
    More than one worker may hold a running batch; the items decide who issues what."""
    claimed = DocumentBatch.objects.filter(
        pk=batch_id, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
    ).update(status=BatchStatus.RUNNING, finished_at=None)
    if claimed:
        DocumentBatch.objects.filter(pk=batch_id, started_at__isnull=True).update(started_at=timezone.now())
    return bool(claimed)


def batch_run(batch_id: int, issuer_id: int | None = None) -> DocumentBatch:
    """Issue every pending item of the batch, as its creator or as `issuer_id` (who resumed it);
    done at the end even when some cases failed, failed only when the run itself broke (the rest
    stays pending for `batch_resume`)."""
    if not _claim(batch_id):
        return DocumentBatch.objects.get(pk=batch_id)  # finished, or not there: nothing to do
    batch = DocumentBatch.objects.select_related("created_by").get(pk=batch_id)
    issuer = User.objects.filter(pk=issuer_id).first() if issuer_id is not None else None
    issuer = issuer or batch.created_by
    # Failure reasons are stored as text: in the court's language, not whatever a worker has active.
    with translation.override(settings.LANGUAGE_CODE):
        _log(batch_id, _("run started (%(worker)s)") % {"worker": worker_label()})
        try:
            while _issue_next(batch, issuer):
                pass
        except Exception as error:
            logger.exception("document batch %s crashed", batch_id)
            _crashed(batch_id, error)
            raise
        _finish(batch_id)
    return DocumentBatch.objects.get(pk=batch_id)


def _issue_next(batch: DocumentBatch, issuer: User) -> bool:
    """Claim the next pending item and issue its document; False when none is left to claim.

    On PostgreSQL an item another worker holds is skipped (SKIP LOCKED); on SQLite every write
    transaction is serialised (BEGIN IMMEDIATE), so the status read here is the last committed one."""
    with transaction.atomic():
        item = (
            DocumentBatchItem.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(batch_id=batch.pk, status=ItemStatus.PENDING)
            .select_related("case")
            .order_by("position")
            .first()
        )
        if item is None:
            return False
        _issue_item(batch, item, issuer)
    return True


def _issue_item(batch: DocumentBatch, item: DocumentBatchItem, issuer: User) -> None:
    """Inside the item's transaction: the document and the item's new status commit together."""
    items = DocumentBatchItem.objects.filter(pk=item.pk)
    try:
        document = document_issue(
            item.case, kind=batch.kind, actor=issuer, extra=batch.extra,
            variant=batch.variant, formats=batch.formats, batch_id=batch.pk,
        )  # fmt: skip
    except DomainError as error:
        items.update(status=ItemStatus.FAILED, error_code=error.code[:64], error=str(error.message)[:500])
    except DatabaseError:
        raise  # the run is broken, not the case: the item stays pending for the next run
    except Exception:
        logger.exception("document batch %s: case %s failed to render", batch.pk, item.case_id)
        items.update(
            status=ItemStatus.FAILED, error_code="ISSUE_ERROR", error=_("The document could not be produced.")
        )
    else:
        items.update(status=ItemStatus.DONE, document=document, error_code="", error="")


def _finish(batch_id: int) -> None:
    counts = batch_progress(batch_id)
    if counts.pending:
        return  # another worker still holds an item; it finishes the batch after its last one
    finished = DocumentBatch.objects.filter(pk=batch_id, status=BatchStatus.RUNNING).update(
        status=BatchStatus.DONE, finished_at=timezone.now()
    )
    if finished:
        _log(
            batch_id,
            _("finished: %(done)d done, %(failed)d failed") % {"done": counts.done, "failed": counts.failed},
        )
        _trim_log(batch_id)


def _crashed(batch_id: int, error: Exception) -> None:
    try:
        DocumentBatch.objects.filter(pk=batch_id, status=BatchStatus.RUNNING).update(
            status=BatchStatus.FAILED, finished_at=timezone.now()
        )
        _log(batch_id, _("run stopped by an error: %(error)s") % {"error": type(error).__name__})
    except DatabaseError:
        logger.exception("document batch %s: could not record the crash", batch_id)


def _trim_log(batch_id: int) -> None:
    log = DocumentBatch.objects.filter(pk=batch_id).values_list("log", flat=True).first() or ""
    if len(log) > LOG_LIMIT:
        DocumentBatch.objects.filter(pk=batch_id).update(log=log[-LOG_LIMIT:].split("\n", 1)[-1])


# --- reads -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchProgress:
    total: int
    done: int
    failed: int
    pending: int

    @property
    def percent(self) -> int:
        return (self.done + self.failed) * 100 // self.total if self.total else 100


def batch_progress(batch: DocumentBatch | int) -> BatchProgress:
    """Counts per status from the items, in one aggregate query."""
    batch_id = batch if isinstance(batch, int) else batch.pk
    counts = DocumentBatchItem.objects.filter(batch_id=batch_id).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ItemStatus.DONE)),
        failed=Count("pk", filter=Q(status=ItemStatus.FAILED)),
        pending=Count("pk", filter=Q(status=ItemStatus.PENDING)),
    )
    return BatchProgress(**counts)


@task()
def run_document_batch(batch_id: int, issuer_id: int | None = None) -> dict[str, int]:
    """The batch's run in a worker (enqueued by `_enqueue` after the commit, with the ids): issue the
    pending items; returns the counts per status when the run ends."""
    progress = batch_progress(batch_run(batch_id, issuer_id))
    return {
        "total": progress.total,
        "done": progress.done,
        "failed": progress.failed,
        "pending": progress.pending,
    }


def batches_for(user: Any) -> QuerySet[DocumentBatch]:
    # Explicit order: an aggregate over the items (the list's counts) drops the model's default one.
    return DocumentBatch.objects.visible_to(user).select_related("created_by").order_by("-created_at", "-id")


def batch_failures(batch: DocumentBatch) -> QuerySet[DocumentBatchItem]:
    return (
        DocumentBatchItem.objects.filter(batch=batch, status=ItemStatus.FAILED)
        .select_related("case")
        .order_by("position")
    )


def batch_documents(batch: DocumentBatch) -> QuerySet[DocumentBatchItem]:
    return (
        DocumentBatchItem.objects.filter(batch=batch, status=ItemStatus.DONE)
        .select_related("case", "document")
        .order_by("position")
    )


@dataclass(frozen=True)
class CaseLookup:
    ids: list[int]
    unknown: list[str]


def cases_by_number(user: Any, text: str) -> CaseLookup:
    """案号, one a line, to this court's case ids; a number of another court is as unknown as a
    number that does not exist."""
    numbers = list(dict.fromkeys(n for n in (normalise_case_number(line) for line in text.splitlines()) if n))
    court_id = getattr(user, "court_id", None)
    if court_id is None:
        return CaseLookup([], numbers)
    own = Case.objects.visible_to(user).filter(court_id=court_id)
    found: dict[str, int] = {}
    for start in range(0, len(numbers), 500):  # keeps each IN list far below SQLite's limits
        found.update(own.filter(number__in=numbers[start : start + 500]).values_list("number", "pk"))
    return CaseLookup([found[n] for n in numbers if n in found], [n for n in numbers if n not in found])


# --- the zip ---------------------------------------------------------------------------------------

ZIP_SPOOL = 32 * 2**20  # bigger archives go to a temporary file, not memory


def failures_csv(batch: DocumentBatch) -> bytes:
    """案号, code and reason of every failed case; UTF-8 with a BOM so spreadsheet programs read it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["案号", "代码", "原因"])
    for number, code, reason in batch_failures(batch).values_list("case__number", "error_code", "error"):
        writer.writerow(csv_row([number, code, reason]))  # a reason quoting "=…" is not run (issue 12)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def batch_zip(batch: DocumentBatch) -> IO[bytes]:
    """Every file the batch produced, named by its document number, and failures.csv; read one file at
    a time from the database into a spooled temporary file, so a large batch does not fill memory."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=ZIP_SPOOL)  # noqa: SIM115 - returned open
    documents = batch_documents(batch).values("document_id")
    files = DocumentFile.objects.filter(document_id__in=documents).order_by("document__sequence", "format")
    # PDFs and DOCX files are compressed already: stored as they are, the zip is quick to make.
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for number, fmt, content in files.values_list("document__number", "format", "content").iterator(50):
            archive.writestr(f"{number}.{fmt}", bytes(content))
        archive.writestr("failures.csv", failures_csv(batch), compress_type=zipfile.ZIP_DEFLATED)
    spool.seek(0)
    return spool


def zip_name(batch: DocumentBatch) -> str:
    created = timezone.localtime(batch.created_at) if batch.created_at else dt.datetime.now()
    return f"batch-{batch.pk}-{batch.kind}-{created:%Y%m%d}.zip"
