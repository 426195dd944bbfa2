"""Writes on documents: saving a template version and issuing a document, each with its audit event.

`document_issue` is the one function through which other flows (assistance requests, listings,
closure) attach documents to a case.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcelink.cases import policy as cases_policy
from enforcelink.cases.actions import PENDING_NODE_STATUSES, record_step, staff_lock
from enforcelink.cases.models import Case, ProcessNode
from enforcelink.core import audit, events, numbering
from enforcelink.core.actors import SYSTEM, SystemActor
from enforcelink.core.errors import InvalidInput, NotFound, RuleViolation
from enforcelink.core.rows import insert_rows
from enforcelink.core.text import clean_text
from enforcelink.documents import judgments, placeholders, policy, rendering
from enforcelink.documents.models import (
    Document,
    DocumentFile,
    DocumentKind,
    DocumentTemplate,
    FileFormat,
)
from enforcelink.documents.queries import file_content
from enforcelink.orgs.models import Court, User
from enforcelink.orgs.permissions import Action, Actor, can, person

# What a document is issued on: an enforcement case, or a judgment registered before enforcement
# (执前督促), which urging provides without documents importing it (documents/judgments.py).
Subject = Case | judgments.RegisteredJudgment
ALL_FORMATS = (FileFormat.PDF, FileFormat.DOCX)

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I/O/0/1: read aloud and typed from paper
CODE_LENGTH = 16  # 80 bits: not guessable by probing the public page
VERIFY_PATH = "/verify/"


def verify_url(code: str) -> str:
    """The public page that checks a document, at the site's public address (ENFORCELINK_PUBLIC_URL):
    printed on paper and encoded in the QR code, so a reader reaches it from anywhere. With the code,
    the page shows the document's record without asking for the file."""
    return f"{settings.PUBLIC_URL}{VERIFY_PATH}{code + '/' if code else ''}"


def new_verification_code() -> str:
    """16 letters of 5 random bits each, from one read of the system's randomness (a batch of
    notices makes thousands; one `secrets.choice` a letter was a system call each)."""
    bits = int.from_bytes(secrets.token_bytes(CODE_LENGTH * 5 // 8))
    return "".join(CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def clean_kind(kind: str) -> str:
    if kind not in DocumentKind.values:
        raise InvalidInput("DOCUMENT_KIND", _("Unknown document kind."), field="kind")
    return kind


def shipped_body(kind: str, variant: str = "") -> str | None:
    """The default template shipped with the app for this kind (and variant), if there is one."""
    name = f"{kind}.{variant}.txt" if variant else f"{kind}.txt"
    source = resources.files("enforcelink.documents").joinpath("defaults", name)
    return source.read_text(encoding="utf-8") if source.is_file() else None


def clean_variant(variant: str, kind: str | None = None) -> str:
    """A well-formed variant code; with `kind`, one of that kind's catalogued variants."""
    variant = (variant or "").strip()
    if variant and not policy.VARIANT.match(variant):
        raise InvalidInput("DOCUMENT_VARIANT", _("Unknown template variant."), field="variant")
    return variant if kind is None else policy.check_variant(kind, variant)


# --- templates -------------------------------------------------------------------------------------


def _may_edit_templates(actor: Actor, court: Court | None) -> bool:
    """Defaults are for the platform operator; a court's versions also for its administrator."""
    if court is None:
        return can(actor, Action.EDIT_DEFAULTS)
    return can(actor, Action.EDIT_TEMPLATES, court)


def template_save(
    kind: str,
    body: str,
    *,
    actor: User | SystemActor,
    court: Court | None = None,
    note: str = "",
    variant: str = "",
) -> DocumentTemplate:
    """A new active version of a kind's template; an unknown placeholder is refused by name."""
    kind = clean_kind(kind)
    variant = clean_variant(variant, kind)
    if not _may_edit_templates(actor, court):
        raise NotFound()
    # The text rule here, not only in the form: an uploaded .txt replaces the checked field, and a
    # template with `\x1b` made every document of its kind fail (issue 12 review).
    body = clean_text(body, field="body", multiline=True)
    policy.check_template(body, placeholders.catalogue(kind))
    with transaction.atomic():
        return _new_version(
            kind, body, court=court, actor=actor, note=clean_text(note, field="note")[:200], variant=variant
        )


def _new_version(
    kind: str, body: str, *, court: Court | None, actor: User | SystemActor, note: str, variant: str = ""
) -> DocumentTemplate:
    rows = list(
        DocumentTemplate.objects.select_for_update()
        .filter(kind=kind, variant=variant, court=court)
        .order_by("pk")
    )
    previous = next((row for row in rows if row.active), None)
    if previous is not None:
        DocumentTemplate.objects.filter(pk=previous.pk).update(active=False)
    template = DocumentTemplate.objects.create(
        kind=kind,
        variant=variant,
        court=court,
        version=max((row.version for row in rows), default=0) + 1,
        body=body,
        note=note,
        created_by=person(actor),
    )
    audit.record(
        "document_template.saved",
        template,
        actor=actor,
        court_id=court.pk if court else None,
        before={"version": previous.version} if previous else None,
        after={
            "kind": kind,
            "variant": variant,
            "version": template.version,
            "sha256": _sha(body.encode()),
        },
    )
    return template


def active_template(kind: str, court: Court, *, variant: str = "") -> DocumentTemplate:
    """The court's active version, else the default; the shipped default is loaded on first use.

    A variant (the assistance notice for a freeze, say) falls back to the kind's general text when
    neither the court nor the platform has one."""
    variant = clean_variant(variant, kind)
    rows = list(
        DocumentTemplate.objects.filter(kind=kind, variant=variant, active=True).filter(
            Q(court=court) | Q(court__isnull=True)
        )
    )
    own = next((row for row in rows if row.court_id == court.pk), None)
    default = next((row for row in rows if row.court_id is None), None)
    if own or default:
        return own or default  # type: ignore[return-value]
    body = shipped_body(kind, variant)
    if body is None:
        if variant:
            return active_template(kind, court)
        raise RuleViolation(
            "TEMPLATE_MISSING", _("No template exists yet for this kind of document."), field="kind"
        )
    try:
        with transaction.atomic():
            return _new_version(kind, body, court=None, actor=SYSTEM, note="shipped default", variant=variant)
    except IntegrityError:  # another issue loaded it at the same moment
        return DocumentTemplate.objects.get(kind=kind, variant=variant, court__isnull=True, active=True)


# --- issuing ---------------------------------------------------------------------------------------


def take_document_number(court: Court, kind: str, year: int, count: int = 1) -> int:
    """The next sequence per court, kind and year (the first of `count` consecutive ones); the
    counter row stays locked until the issuing transaction ends, so a failed issue gives its numbers
    back: no gaps (core.numbering, as 案号)."""
    return numbering.next_number(court_id=court.pk, kind=counter_kind(kind), year=year, count=count)


def counter_kind(kind: str) -> str:
    """The numbering scope's kind of a document kind (core.numbering)."""
    return f"document:{kind}"


@dataclass
class Rendered:
    pdf: bytes | None
    docx: bytes | None
    dropped: dict[str, list[str]] = field(default_factory=dict)  # value name → code points left out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _values(
    subject: Subject,
    kind: str,
    issued_on: dt.date,
    extra: dict[str, Any],
    cases: dict[int, tuple[list[Any], dict[str, str]]] | None = None,
) -> dict[str, str]:
    """The filled placeholders; `cases` keeps each case's own values for the next document on it
    (a fan-out issues thirteen notices on one case)."""
    if isinstance(subject, Case):
        known = cases.get(subject.pk) if cases is not None else None
        if known is None:
            parties = list(subject.parties.all())
            known = (parties, placeholders.case_values(subject, parties))
            if cases is not None:
                cases[subject.pk] = known
        parties, values = known[0], dict(known[1])
        values.update(placeholders.kind_values(kind, issued_on, extra))
        values.update(placeholders.sanction_values(kind, parties, extra))
        values.update(placeholders.payment_values(kind, subject))
    else:
        values = placeholders.judgment_values(subject, judgments.provider().parties(subject))
    values["document_title"] = placeholders.TITLES[kind]
    values["issue_date"] = placeholders.chinese_date(issued_on)
    return values


def clean_formats(formats: Any) -> tuple[str, ...]:
    chosen = tuple(fmt for fmt in ALL_FORMATS if fmt in (formats or ()))
    if not chosen or len(chosen) != len(set(formats)):
        raise InvalidInput("DOCUMENT_FORMAT", _("Choose PDF, DOCX or both."), field="formats")
    return chosen


def _render(
    template: DocumentTemplate, values: dict[str, str], code: str, formats: tuple[str, ...]
) -> Rendered:
    values, dropped = rendering.printable_values(values)
    if dropped:  # stored before the text rule (issue 12): printed without them, and said so
        logger.warning(
            "document %s of case %s: control or text-direction characters left out of %s",
            values.get("document_number", ""), values.get("case_number", ""), dropped,
        )  # fmt: skip
    blocks, template_dropped = rendering.printable_blocks(rendering.parse(template.body))
    if template_dropped:  # a version saved before the rule covered uploads: printed without them
        logger.warning(
            "template %s (%s v%s): control or text-direction characters left out: %s",
            template.pk, template.kind, template.version, template_dropped,
        )  # fmt: skip
    blocks = rendering.fill(blocks, values)
    # Printed in Chinese whatever the officer's UI language: the document itself is Chinese.
    footer = f"核验码：{format_code(code)}　扫描二维码或在本院执行公开网页（{verify_url('')}）输入核验码，核验本文书真伪"
    title = values["document_title"]
    pdf = docx = None
    if FileFormat.PDF in formats:
        pdf = rendering.to_pdf(blocks, title=title, footer=footer, qr_data=verify_url(code))
    if FileFormat.DOCX in formats:
        docx = rendering.to_docx(blocks, title=title, footer=footer)
    return Rendered(pdf=pdf, docx=docx, dropped=dropped)


RENDER_NEEDS = {"document_title", "document_number", "verification_code"}


@dataclass
class _Form:
    """A template in force with what its checks need, looked up once per court and variant."""

    template: DocumentTemplate
    names: Any
    required: set[str]


def _form(kind: str, court: Court, variant: str) -> _Form:
    template = active_template(kind, court, variant=variant)
    catalogue = placeholders.catalogue(kind)
    names = policy.check_template(template.body, catalogue)
    required = {name for name, entry in catalogue.items() if entry.required}
    required -= {"document_number", "verification_code"}
    required |= policy.variant_required(kind, template.variant)
    return _Form(template, names, required)


def _prepare(
    locked: Subject,
    kind: str,
    variant: str,
    extra: dict[str, Any],
    issued_on: dt.date,
    forms: dict[tuple[int, str], _Form] | None = None,
    cases: dict[int, tuple[list[Any], dict[str, str]]] | None = None,
) -> tuple[DocumentTemplate, dict[str, str]]:
    """The template in force and the filled values; missing data for a required placeholder is
    refused before a number is taken, naming the field and the case (issue 3, bad input)."""
    key = (locked.court_id, variant)
    form = forms.get(key) if forms is not None else None
    if form is None:
        form = _form(kind, locked.court, variant)
        if forms is not None:
            forms[key] = form
    values = _values(locked, kind, issued_on, extra, cases)
    policy.check_required(form.names, values, form.required, case_number=locked.number)
    return form.template, values


def _number(values: dict[str, str], court: Court, kind: str, year: int, sequence: int) -> str:
    code = new_verification_code()
    values["document_number"] = policy.document_number(year, court.code, kind, sequence)
    values["verification_code"] = format_code(code)
    return code


def document_issue(
    subject: Subject,
    *,
    kind: str,
    actor: User,
    extra: dict[str, Any] | None = None,
    variant: str = "",
    formats: Any = ALL_FORMATS,
    batch_id: int | None = None,
) -> Document:
    """Render, number, hash, store and record one document on a case (or a registered judgment);
    any failure rolls everything back."""
    kind = clean_kind(kind)
    formats = clean_formats(formats)
    policy.check_subject(kind, judgment=_on_judgment(subject, kind))
    with transaction.atomic():
        locked = _lock(subject, actor)
        clocks = isinstance(locked, Case) and _lock_clocks(locked, kind)
        issued_at = timezone.now()
        issued_on = timezone.localdate(issued_at)
        template, values = _prepare(locked, kind, variant, extra or {}, issued_on)
        sequence = take_document_number(locked.court, kind, issued_on.year)
        code = _number(values, locked.court, kind, issued_on.year, sequence)
        rendered = _render(template, values, code, formats)
        issue = Issue(locked, template, variant, values, sequence, code, issued_at, batch_id)
        document = _store(issue, rendered, actor)
        if clocks and isinstance(locked, Case):
            _complete_step(locked, document, actor)
        if isinstance(locked, Case):
            # Higher apps act on what was issued (assets: the 报告财产令 opens the debtor's report).
            events.announce(
                "document.issued", case_id=locked.pk, court_id=locked.court_id, document_id=document.pk,
                kind=document.kind, issued_on=issued_on, extra=dict(extra or {}), actor=actor,
            )  # fmt: skip
        return document


def _lock_clocks(case: Case, kind: str) -> bool:
    """Whether a clock the document completes is pending, with those clocks locked before the audit
    chain's head (which `_store` takes): the overdue sweep locks clocks, then appends to the chain,
    and the head is always the last lock (core.audit), so taking them the other way round
    deadlocked with the sweep."""
    step = policy.COMPLETES_STEP.get(kind)
    if step is None:
        return False
    pending = ProcessNode.objects.select_for_update().filter(
        case=case, kind__in=cases_policy.check_step(step), status__in=PENDING_NODE_STATUSES
    )
    return bool(list(pending.order_by("pk").values_list("pk", flat=True)))


def _complete_step(case: Case, document: Document, actor: User) -> None:
    """R-CASE-01: issuing the execution notice or the property-report order is the step that
    completes its clock, recorded by cases' own action (one entry naming the document), in the
    issue's transaction, called only when `_lock_clocks` found one pending (not for a second notice,
    nor a case whose clocks were completed by hand). Nothing to record on a closed case."""
    step = policy.COMPLETES_STEP.get(document.kind)
    if step is None or case.is_closed:
        return
    record_step(
        case, step=step, actor=actor, on=timezone.localdate(document.issued_at), document=document.number
    )


def _on_judgment(subject: Subject, kind: str) -> bool:
    """Whether the document goes on a registered judgment rather than a case. A judgment kind, or a
    subject that is not a case, needs the app providing judgments: without it this fails, naming it."""
    if isinstance(subject, Case):
        if kind in policy.JUDGMENT_KINDS:
            judgments.provider()  # raises NoJudgmentProvider: a clearer answer than "not on a case"
        return False
    if not isinstance(subject, judgments.provider().model):
        raise TypeError(f"a document is issued on a case or a registered judgment, not on {subject!r}")
    return True


def _lock(subject: Subject, actor: Actor) -> Subject:
    """`staff_lock` for a case; a registered judgment is locked by the app providing it."""
    if isinstance(subject, Case):
        return staff_lock(subject, actor, Action.ISSUE_DOCUMENTS)
    return judgments.provider().lock(subject, actor)


@dataclass
class Reservation:
    """One document to number now and render later: for a case its caller has locked and checked."""

    case: Case
    variant: str = ""
    extra: dict[str, Any] | None = None


def issued_fields(document: Document) -> dict[str, Any]:
    """What the trail says of a reserved document: its entry's "after", or the part of the entry of
    the action it was issued with (a request's "sent" names its notice)."""
    return {"number": document.number, "kind": document.kind, "on": "case",
            "template": f"{document.template_id} v{document.template.version}", "rendered": "on first download"}  # fmt: skip


def documents_reserve(
    items: list[Reservation], *, kind: str, actor: User, trail: list[audit.Entry] | None = None,
    own_entries: bool = True,
) -> list[Document]:  # fmt: skip
    """Number many documents of one kind at once and fix their text, without rendering them: what a
    fan-out of thousands of assistance notices needs. One counter lock per court, one insert, one
    audit entry per document — or none with `own_entries=False`, when the entry of the action the
    document goes out with records it (`issued_fields`). The files are made on first download
    (`document_render`).

    Must run inside the caller's transaction, which has locked the cases and checked its actor. With
    `trail`, the audit entries are added to it for the caller to append with its own, at the end of
    its transaction: the chain head is then locked for the shortest time."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("documents are reserved inside the transaction that needs them")
    kind = clean_kind(kind)
    issued_at = timezone.now()
    issued_on = timezone.localdate(issued_at)
    forms: dict[tuple[int, str], _Form] = {}
    cases: dict[int, tuple[list[Any], dict[str, str]]] = {}
    placeholders.read_ledger_of([item.case for item in items])  # one query for a batch's 执行到位金额
    prepared = [
        _prepare(item.case, kind, item.variant, item.extra or {}, issued_on, forms, cases) for item in items
    ]
    first: dict[int, int] = {}
    for court_id in sorted({item.case.court_id for item in items}):
        court = next(item.case.court for item in items if item.case.court_id == court_id)
        count = sum(1 for item in items if item.case.court_id == court_id)
        first[court_id] = take_document_number(court, kind, issued_on.year, count)
    documents = []
    for item, (template, values) in zip(items, prepared, strict=True):
        sequence = first[item.case.court_id]
        first[item.case.court_id] += 1
        code = _number(values, item.case.court, kind, issued_on.year, sequence)
        # Kept: what the text prints, and what the page itself needs (title, number, code).
        printed = set(forms[(item.case.court_id, item.variant)].names) | RENDER_NEEDS
        values = {name: value for name, value in values.items() if name in printed}
        documents.append(
            Document(
                case=item.case, court_id=item.case.court_id, kind=kind, variant=template.variant,
                template=template, number=values["document_number"], year=issued_on.year, sequence=sequence,
                verification_code=code, issued_at=issued_at, issued_by=actor, values=values,
            )
        )  # fmt: skip
    insert_rows(documents)
    if not own_entries:
        return documents
    entries = (
        audit.Entry("document.issued", document, actor, case_id=document.case_id, court_id=document.court_id,
                    after=issued_fields(document))
        for document in documents
    )  # fmt: skip
    if trail is None:
        audit.append_many(entries)
    else:
        trail.extend(entries)
    return documents


def document_render(document: Document, *, actor: Actor) -> Document:
    """Make the files of a reserved document from its fixed values (once: a concurrent download
    waits on the row lock and then finds them); the hashes go on the trail now."""
    with transaction.atomic():
        locked = (
            Document.objects.select_for_update().select_related("template").filter(pk=document.pk).first()
        )
        if locked is None:
            raise NotFound()
        if DocumentFile.objects.filter(document=locked).exists():
            return locked
        if not locked.values:
            raise RuleViolation("DOCUMENT_NOT_RENDERABLE", _("This document has no stored text."))
        rendered = _render(locked.template, dict(locked.values), locked.verification_code, ALL_FORMATS)
        files = _files(locked, rendered)
        audit.record(
            "document.rendered", locked, actor=actor, case_id=locked.case_id, court_id=locked.court_id,
            after={"number": locked.number, "sha256": {f.format: f.sha256 for f in files}, **_dropped(rendered)},
        )  # fmt: skip
    return locked


def document_file(document: Document, fmt: str, *, actor: Actor) -> bytes:
    """The bytes of one format, rendering a reserved document on its first download."""
    try:
        return file_content(document, fmt)
    except DocumentFile.DoesNotExist:
        if not document.values or DocumentFile.objects.filter(document=document).exists():
            raise
    document_render(document, actor=actor)
    return file_content(document, fmt)


@dataclass
class Issue:
    subject: Subject
    template: DocumentTemplate
    variant: str
    values: dict[str, str]
    sequence: int
    code: str
    issued_at: dt.datetime
    batch_id: int | None


def _files(document: Document, rendered: Rendered) -> list[DocumentFile]:
    files = [
        DocumentFile(document=document, format=fmt, content=data, sha256=_sha(data), size=len(data))
        for fmt, data in ((FileFormat.PDF, rendered.pdf), (FileFormat.DOCX, rendered.docx))
        if data is not None
    ]
    DocumentFile.objects.bulk_create(files)
    return files


def _store(issue: Issue, rendered: Rendered, actor: User) -> Document:
    subject, template = issue.subject, issue.template
    case = subject if isinstance(subject, Case) else None
    on_case = case is not None
    document = Document.objects.create(
        case=case,
        judgment_id=None if on_case else subject.pk,
        batch_id=issue.batch_id,
        court=subject.court,
        kind=template.kind,
        variant=template.variant,
        template=template,
        number=issue.values["document_number"],
        year=timezone.localdate(issue.issued_at).year,
        sequence=issue.sequence,
        verification_code=issue.code,
        issued_at=issue.issued_at,
        issued_by=actor,
        values=issue.values,
    )
    files = _files(document, rendered)
    audit.record(
        "document.issued",
        document,
        actor=actor,
        case_id=subject.pk if on_case else None,
        court_id=subject.court_id,
        after={
            "number": document.number,
            "kind": document.kind,
            "on": "case" if on_case else f"judgment {subject.pk}",
            "template": f"{template.pk} v{template.version}",
            "sha256": {f.format: f.sha256 for f in files},
            **_dropped(rendered),
        },
    )
    return document


def _dropped(rendered: Rendered) -> dict[str, Any]:
    """For the trail: the characters a stored value held that the document leaves out."""
    return {"dropped_characters": rendered.dropped} if rendered.dropped else {}
