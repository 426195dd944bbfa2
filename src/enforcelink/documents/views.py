"""The public page that answers "is this document genuine?" (issue 3 §2, issue 14 §9). No sign-in.

Opened from the QR code on a paper copy (`/verify/<code>/`), it shows the document's record: kind,
number, court, date and the files' fingerprints, what the paper itself prints, never the case or a
party. Given the file (or its SHA-256), it answers genuine or altered; a code nobody issued, unknown.
The 80-bit code cannot be found by probing, and lookups and checks are rate-limited per address.

`download` serves a rendered file to the people who may see the case; anyone else gets 404.
"""

from __future__ import annotations

import logging
from typing import Any, cast
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from enforcelink.cases.models import Case
from enforcelink.cases.queries import visible_case
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.forms import show_form_errors
from enforcelink.core.ratelimit import over_limit
from enforcelink.documents.actions import document_file
from enforcelink.documents.case_issue import case_document_issue, check_offered
from enforcelink.documents.forms import CaseIssueForm
from enforcelink.documents.models import Document, DocumentFile, DocumentKind, FileFormat
from enforcelink.documents.queries import (
    Verification,
    document_verify,
    normalise_code,
    well_formed_code,
)
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, actor_of, can
from enforcelink.orgs.scoping import get_visible_or_404

logger = logging.getLogger(__name__)

MAX_UPLOAD = 20 * 1024 * 1024
VERIFY_WINDOW_SECONDS = 600  # settings.VERIFY_RATE_LIMIT checks per address in this time
HEX = set("0123456789abcdef")
PDF_MAGIC, ZIP_MAGIC = b"%PDF-", b"PK\x03\x04"  # a DOCX is a zip


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=64,
        help_text=_("16 letters and digits, printed at the foot of the document beside its QR code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    file = forms.FileField(
        label=_("The document file (PDF or DOCX)"),
        required=False,
        help_text=_("Optional: the file is compared with the one the court issued, and not kept."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx"}),
    )
    sha256 = forms.CharField(label=_("Or its SHA-256 fingerprint"), max_length=100, required=False)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if not well_formed_code(code):
            raise forms.ValidationError(
                _(
                    "This is not a verification code: it has 16 letters and digits, as printed, e.g. "
                    "ABCD-EFGH-JKLM-NPQR (without I, O, 0 or 1)."
                )
            )
        return normalise_code(code)

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        head = upload.read(1024)  # readers find a PDF's header anywhere in its first kilobyte
        upload.seek(0)
        if PDF_MAGIC not in head and not head.startswith(ZIP_MAGIC):
            # A photo or a scan of the paper would only ever be "altered": say what can be checked.
            raise forms.ValidationError(
                _(
                    "This is not a PDF or DOCX file. Only the file the court sent can be checked; "
                    "for a paper copy, compare it with the record that the code shows."
                )
            )
        return upload

    def clean_sha256(self) -> str:
        fingerprint = "".join(self.cleaned_data.get("sha256", "").split()).lower()
        if fingerprint and (len(fingerprint) != 64 or not set(fingerprint) <= HEX):
            raise forms.ValidationError(_("A SHA-256 fingerprint is 64 characters, 0–9 and a–f."))
        return fingerprint

    def evidence(self) -> Any:
        """The uploaded file (hashed as it is read), else the fingerprint, else None: the record only."""
        return self.cleaned_data.get("file") or self.cleaned_data.get("sha256") or None


def _too_many(request: HttpRequest) -> HttpResponse:
    # Anybody may post here, a file of up to 20 MB each time: bounded per address (issue 12 §8).
    message = _("Too many checks from this address. Wait %(minutes)d minutes and try again.") % {
        "minutes": VERIFY_WINDOW_SECONDS // 60
    }
    response = render(
        request,
        "core/request_refused.html",
        {"message": message, "wait": True, "public_page": True},
        status=429,
    )
    response["Retry-After"] = str(VERIFY_WINDOW_SECONDS)
    return response


# CSRF-exempt so that the rate limit below comes before anything reads the body: the CSRF check
# would parse the multipart form (a file of up to 20 MB into a temporary file) in process_view,
# before this view runs. Checking a document changes nothing (a read-only lookup, nothing stored,
# nobody signed in or out), so a forged cross-site post can do nothing the attacker could not do
# by posting it directly: there is nothing for CSRF protection to protect.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    result: Verification | None = None
    # The limit first: nothing above this line, nor any middleware, touches request.POST/FILES. A
    # lookup from the QR code is counted too (in its own bucket, so that scanning a document and then
    # checking its file count once each), which keeps codes from being tried in bulk.
    if (request.method == "POST" or code) and over_limit(
        request,
        "verify" if request.method == "POST" else "verify-code",
        limit=settings.VERIFY_RATE_LIMIT,
        window_seconds=VERIFY_WINDOW_SECONDS,
    ):
        return _too_many(request)
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    else:  # from the QR code: the record, without asking for the file
        form = VerifyForm({"code": code}) if code else VerifyForm()
    if form.is_bound and form.is_valid():
        result = document_verify(form.cleaned_data["code"], form.evidence())
    context = {"form": form, "result": result, "record": result and result.record, "public_page": True}
    return render(request, "documents/verify.html", context)


CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@login_required
@require_http_methods(["GET"])
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    document = get_visible_or_404(Document, request.user, pk=pk)
    try:
        content = document_file(document, fmt, actor=actor_of(request))
    except DocumentFile.DoesNotExist:  # a batch that rendered PDF only has no Word file to give
        raise Http404 from None
    response = HttpResponse(content, content_type=CONTENT_TYPES[FileFormat(fmt)])
    filename = f"{document.number}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_http_methods(["POST"])
def case_issue(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """签发 from the case page (issue 14 §2): the document is filled from the case, so the officer
    confirms (and gives a fine's amount, say) but never retypes the 案号. Back to the case page on
    success; otherwise this kind's form again with the reason beside its field, nothing issued."""
    user = cast(User, request.user)
    case = visible_case(user, pk)  # another court's case: 404, as a missing one
    if not can(user, Action.ISSUE_DOCUMENTS, case):
        raise PermissionDenied(_("Documents are issued by the court's enforcement staff."))
    try:
        check_offered(case, kind)  # a kind that does not apply is said so, before its fields are judged
    except DomainError as error:
        form = CaseIssueForm("", request.POST)  # a form without fields, for the reason
        show_form_errors(error, form)
        return _issue_page(request, case, kind, form, 400)
    form = CaseIssueForm(kind, request.POST)
    if not form.is_valid():
        return _issue_page(request, case, kind, form, 400)
    try:
        document = case_document_issue(case, kind=kind, actor=user, extra=form.extra())
    except NotFound:
        raise Http404(_("No such case.")) from None
    except DomainError as error:
        show_form_errors(error, form)
        return _issue_page(request, case, kind, form, 400)
    except DatabaseError:
        raise
    except Exception:  # a template or font the renderer could not use: the transaction rolled back
        logger.exception("case %s: the %s could not be rendered", case.pk, kind)
        form.add_error(
            None, _("The document could not be produced; nothing was issued and no number was used.")
        )
        return _issue_page(request, case, kind, form, 500)
    label = document.get_kind_display()
    messages.success(
        request, _("Issued the %(kind)s %(number)s.") % {"kind": label, "number": document.number}
    )
    return redirect(reverse("case-detail", args=[case.pk]) + "#documents")


def _issue_page(
    request: HttpRequest, case: Case, kind: str, form: CaseIssueForm, status: int
) -> HttpResponse:
    """The kind's form again with the reason beside its field; nothing was issued."""
    label = str(DocumentKind(kind).label) if kind in DocumentKind.values else kind
    context = {"case": case, "form": form, "kind": kind, "label": label}
    return render(request, "documents/case_issue.html", context, status=status)
