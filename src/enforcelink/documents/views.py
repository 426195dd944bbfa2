"""The public page that answers "is this document genuine?" (issue 3 §2). No sign-in needed.

`download` serves a rendered file to the people who may see the case; anyone else gets 404.

The 80-bit code cannot be found by probing; the page shows the document's number, kind, court and
date only when the uploaded file (or its sha256) matches what the court issued, never party data.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from enforcelink.core.ratelimit import over_limit
from enforcelink.documents.actions import document_file
from enforcelink.documents.models import Document, FileFormat
from enforcelink.documents.queries import Verification, document_verify
from enforcelink.orgs.scoping import get_visible_or_404

MAX_UPLOAD = 20 * 1024 * 1024
VERIFY_WINDOW_SECONDS = 600  # settings.VERIFY_RATE_LIMIT checks per address in this time


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40)
    file = forms.FileField(label=_("The document file (PDF or DOCX)"), required=False)
    sha256 = forms.CharField(label=_("Or its SHA-256 fingerprint"), max_length=64, required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("sha256"):
            raise forms.ValidationError(_("Upload the file or give its fingerprint."))
        return data


# CSRF-exempt so that the rate limit below comes before anything reads the body: the CSRF check
# would parse the multipart form (a file of up to 20 MB into a temporary file) in process_view,
# before this view runs. Checking a document changes nothing (a read-only lookup, nothing stored,
# nobody signed in or out), so a forged cross-site post can do nothing the attacker could not do
# by posting it directly: there is nothing for CSRF protection to protect.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    result: Verification | None = None
    # The limit first: nothing above this line, nor any middleware, touches request.POST/FILES.
    if request.method == "POST" and over_limit(
        request, "verify", limit=settings.VERIFY_RATE_LIMIT, window_seconds=VERIFY_WINDOW_SECONDS
    ):
        # Anybody may post here, a file of up to 20 MB each time: bounded per address (issue 12 §8).
        message = _("Too many checks from this address. Wait %(minutes)d minutes and try again.") % {
            "minutes": VERIFY_WINDOW_SECONDS // 60
        }
        response = render(
            request, "core/request_refused.html", {"message": message, "wait": True}, status=429
        )
        response["Retry-After"] = str(VERIFY_WINDOW_SECONDS)
        return response
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            evidence = upload.read() if upload else form.cleaned_data["sha256"]
            result = document_verify(form.cleaned_data["code"], evidence)
    else:
        form = VerifyForm(initial={"code": code})
    return render(request, "documents/verify.html", {"form": form, "result": result})


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
    response = HttpResponse(
        document_file(document, fmt, actor=request.user), content_type=CONTENT_TYPES[FileFormat(fmt)]
    )
    filename = f"{document.number}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
