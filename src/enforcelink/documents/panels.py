"""The case page's documents panel (issue 14 §2, `cases.panels`): the documents issued on the case,
each with its downloads and verification code, and "issue" for each kind the page offers for this
case, filled from the case (`case_issue.case_document_issue`), in the order an officer needs them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from enforcelink.cases import policy as cases_policy
from enforcelink.cases.actions import PENDING_NODE_STATUSES
from enforcelink.cases.models import Case, ProcessNode
from enforcelink.cases.panels import Panel
from enforcelink.core import narration
from enforcelink.documents import policy
from enforcelink.documents.actions import ALL_FORMATS, format_code
from enforcelink.documents.forms import CaseIssueForm
from enforcelink.documents.models import Document, DocumentFile, DocumentKind
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can

ORDER = 10  # before the requests: the notice and the order go out first (R-CASE-01)


@dataclass
class Issued:
    document: Document
    formats: list[str]  # what can be downloaded; a reserved notice is made on first download
    code: str  # grouped as printed: ABCD-EFGH-JKLM-NPQR


@dataclass
class Offer:
    kind: str
    label: str
    form: CaseIssueForm
    completes: list[ProcessNode] = field(default_factory=list)  # the pending clocks it completes

    @property
    def clocks(self) -> str:
        return narration.listed([str(node.get_kind_display()) for node in self.completes])


def issued_on_case(case: Case, actor: User) -> list[Issued]:
    """The case's documents the reader may see, newest first, with their files' formats (two
    queries, whatever their number; the files' bytes are not read)."""
    files = Prefetch(
        "files", queryset=DocumentFile.objects.only("id", "document_id", "format").order_by("format")
    )
    documents = (
        Document.objects.visible_to(actor)
        .filter(case=case)
        .select_related("issued_by")
        .prefetch_related(files)
        .order_by("-issued_at", "-id")
    )
    rows = []
    for document in documents:
        stored = {file.format for file in document.files.all()}
        formats = (
            [fmt.value for fmt in ALL_FORMATS if fmt in stored] if stored else [f.value for f in ALL_FORMATS]
        )
        rows.append(Issued(document, formats, format_code(document.verification_code)))
    return rows


def offers(case: Case, issued: list[Issued]) -> list[Offer]:
    """What the page offers to issue on this case, each with the clocks issuing it completes."""
    kinds = policy.case_kinds(closed=case.is_closed, issued={row.document.kind for row in issued})
    if not kinds:
        return []
    pending = list(
        ProcessNode.objects.filter(case=case, status__in=PENDING_NODE_STATUSES).order_by("due_on", "pk")
    )
    result = []
    for kind in kinds:
        step = policy.COMPLETES_STEP.get(kind)
        node_kinds = cases_policy.STEP_COMPLETES.get(step, ()) if step else ()
        completes = [node for node in pending if node.kind in node_kinds]
        result.append(Offer(kind, str(DocumentKind(kind).label), CaseIssueForm(kind), completes))
    return result


def documents_panel(case: Case, actor: User) -> Panel | None:
    """None for a reader who sees none of the case's documents and may not issue any."""
    issued = issued_on_case(case, actor)
    may_issue = can(actor, Action.ISSUE_DOCUMENTS, case)
    if not issued and not may_issue:
        return None
    context = {
        "issued": issued,
        "offers": offers(case, issued) if may_issue else [],
        "closed": case.is_closed,
    }
    return Panel("documents", "documents/_case_panel.html", ORDER, context)
