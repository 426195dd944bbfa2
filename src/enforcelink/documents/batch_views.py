"""Pages for 文书集中制作 (issue 3 §3): start a batch, follow its progress, download the zip.

Court staff start batches; the court's supervisors may read them. Another court's batch answers 404
exactly like a missing one. Writes go through `documents.batch`; its errors appear beside the field.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcelink.cases import queries as case_queries
from enforcelink.cases.forms import CaseSearchForm
from enforcelink.cases.models import Case
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.fields import TextField
from enforcelink.core.pages import filter_query, request_page
from enforcelink.documents import batch as batches
from enforcelink.documents.models import BatchStatus, DocumentBatch, FileFormat, ItemStatus
from enforcelink.orgs.models import User
from enforcelink.orgs.permissions import Action, can
from enforcelink.orgs.scoping import get_visible_or_404

PAGE_SIZE = 25
DOCUMENTS_PAGE_SIZE = 100
FAILURES_SHOWN = 500  # the zip's failures.csv lists every one
POLL_SECONDS = 2
EXTRA_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[=:：]\s*(.*?)\s*$")
ACTIVE = (BatchStatus.QUEUED, BatchStatus.RUNNING)
LIST_FIELDS = {"grounds"}  # values that are lists: "2, 4" or "2、4"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _staff(request: HttpRequest) -> User:
    user = _user(request)
    if not can(user, Action.ISSUE_DOCUMENTS):
        raise PermissionDenied(_("Only court staff start batches."))
    return user


class BatchForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document kind"), choices=batches.BATCH_KINDS)
    variant = TextField(
        label=gettext_lazy("Template variant"), max_length=32, required=False,
        help_text=gettext_lazy("Leave empty for the kind's general template."),
    )  # fmt: skip
    formats = forms.MultipleChoiceField(
        label=gettext_lazy("Formats"), choices=FileFormat.choices, initial=[FileFormat.PDF, FileFormat.DOCX],
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    case_numbers = TextField(
        label=gettext_lazy("Case numbers (案号), one per line"), required=False, multiline=True,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "（2026）渝0110执123号"}),
    )  # fmt: skip
    use_filter = forms.BooleanField(
        label=gettext_lazy("Also take the cases of the case-list filter"), required=False
    )
    case_filter = TextField(required=False, widget=forms.HiddenInput, max_length=500)
    extra = TextField(
        label=gettext_lazy("Details for every document (name=value, one per line)"), required=False,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "addressee=綦江农商银行\nmeasure=冻结被执行人银行存款"}),
    )  # fmt: skip

    def clean_case_numbers(self) -> str:
        text = str(self.cleaned_data.get("case_numbers") or "")
        if sum(1 for line in text.splitlines() if line.strip()) > batches.MAX_CASES:
            raise forms.ValidationError(_("At most %(max)d cases per batch.") % {"max": batches.MAX_CASES})
        return text

    def clean_extra(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for number, line in enumerate(str(self.cleaned_data.get("extra") or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = EXTRA_LINE.match(line)
            if match is None:
                raise forms.ValidationError(_("Line %(line)d: write name=value.") % {"line": number})
            name, value = match.groups()
            values[name] = re.split(r"[,，、\s]+", value) if name in LIST_FIELDS else value
        return values


def _filtered_cases(user: User, query: str) -> QuerySet[Any] | None:
    """The cases of the case list's filter (its query string), as the case list shows them."""
    if not query:
        return None
    from django.http import QueryDict

    params = QueryDict(query)
    search = CaseSearchForm(params, officers=case_queries.officers_for(user))
    if not search.is_valid():
        # The case list lists nothing for a search it refused ("Not searched: …"); a batch built
        # from that filter takes nothing either, never every case the other filters match.
        return Case.objects.none()
    values = search.values()
    return case_queries.case_list(
        user, text=values.get("q", ""), status=values.get("status", ""),
        type_code=values.get("type_code", ""), officer=values.get("officer") or None,
    )  # fmt: skip


def _chosen_cases(user: User, form: BatchForm) -> list[int] | None:
    """Case ids from the pasted numbers and the filter; unknown numbers go beside the field (None)."""
    lookup = batches.cases_by_number(user, form.cleaned_data["case_numbers"])
    if lookup.unknown:
        shown = "、".join(lookup.unknown[:20]) + ("…" if len(lookup.unknown) > 20 else "")
        form.add_error(
            "case_numbers", _("Not found among your court's cases: %(numbers)s") % {"numbers": shown}
        )
        return None
    ids = list(lookup.ids)
    filtered = (
        _filtered_cases(user, form.cleaned_data["case_filter"]) if form.cleaned_data["use_filter"] else None
    )
    if filtered is not None:
        ids += list(filtered.values_list("pk", flat=True)[: batches.MAX_CASES + 1])
    return ids


def _show_error(form: BatchForm, error: DomainError) -> None:
    """A domain error beside its field; the `extra` names (addressee, measure …) beside the details."""
    field = error.field or ""
    if field == "cases":
        field = "case_numbers"
    elif field not in form.fields:
        field = "extra" if field else ""
    message = str(error.message)
    if field == "extra" and error.field and error.field != "extra":
        message = f"{error.field}: {message}"
    form.add_error(field or None, message)


def _start(user: User, form: BatchForm) -> DocumentBatch | None:
    ids = _chosen_cases(user, form)
    if ids is None:
        return None
    data = form.cleaned_data
    try:
        return batches.batch_create(
            court_cases=ids, kind=data["kind"], actor=user, extra=data["extra"],
            variant=data["variant"], formats=data["formats"],
        )  # fmt: skip
    except DomainError as error:
        _show_error(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def batch_new(request: HttpRequest) -> HttpResponse:
    """Start a batch: kind, formats, 案号 pasted and/or the case list's filter, the shared details."""
    user = _staff(request)
    if request.method == "POST":
        form = BatchForm(request.POST)
        if form.is_valid():
            batch = _start(user, form)
            if batch is not None:
                messages.success(request, _("Batch started: %(total)d cases.") % {"total": batch.total})
                return redirect("document-batch-detail", pk=batch.pk)
    else:
        query = request.GET.urlencode()
        form = BatchForm(initial={"case_filter": query, "use_filter": bool(query)})
    query = str(form["case_filter"].value() or "")
    filtered = _filtered_cases(user, query)
    context = {
        "form": form,
        "filter_count": filtered.count() if filtered is not None else None,
        "extra_fields": [
            (value, label, batches.EXTRA_FIELDS.get(value, ())) for value, label in batches.BATCH_KINDS
        ],
    }
    return render(request, "documents/batch_new.html", context)


def _with_counts(queryset: QuerySet[DocumentBatch]) -> QuerySet[DocumentBatch]:
    return queryset.annotate(
        done=Count("items", filter=Q(items__status=ItemStatus.DONE)),
        failed=Count("items", filter=Q(items__status=ItemStatus.FAILED)),
    )


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    """The court's batches, newest first, with their counts in the same query."""
    page = request_page(request, _with_counts(batches.batches_for(_user(request))), PAGE_SIZE)
    return render(request, "documents/batch_list.html", {"page": page, "query": filter_query(request)})


def _visible_batch(request: HttpRequest, pk: int) -> DocumentBatch:
    return get_visible_or_404(
        DocumentBatch.objects.select_related("created_by", "court"), _user(request), pk=pk
    )


def _may_write(user: User, batch: DocumentBatch) -> bool:
    return can(user, Action.ISSUE_DOCUMENTS, batch)


def _progress_context(request: HttpRequest, batch: DocumentBatch) -> dict[str, Any]:
    return {
        "batch": batch,
        "progress": batches.batch_progress(batch),
        "active": batch.status in ACTIVE,
        "poll_seconds": POLL_SECONDS,
        "may_write": _may_write(_user(request), batch),
    }


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress (polled while the run goes on), the failures with their reasons, the documents."""
    batch = _visible_batch(request, pk)
    failures = list(batches.batch_failures(batch)[:FAILURES_SHOWN])
    documents = request_page(request, batches.batch_documents(batch), DOCUMENTS_PAGE_SIZE)
    context = {**_progress_context(request, batch), "failures": failures, "documents": documents}
    context["failures_cut"] = len(failures) == FAILURES_SHOWN
    return render(request, "documents/batch_detail.html", context)


@login_required
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls; once the run has ended the whole page reloads once, so the
    failures and documents tables appear."""
    batch = _visible_batch(request, pk)
    response = render(request, "documents/_batch_progress.html", _progress_context(request, batch))
    if getattr(request, "htmx", False) and batch.status not in ACTIVE and request.GET.get("polling"):
        response["HX-Refresh"] = "true"
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def batch_resume(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    try:
        batches.batch_resume(batch, actor=_user(request))
    except NotFound:
        raise Http404(_("Not found.")) from None
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The run was started again for the remaining cases."))
    return redirect("document-batch-detail", pk=batch.pk)


@login_required
@require_GET
def batch_zip(request: HttpRequest, pk: int) -> FileResponse:
    batch = _visible_batch(request, pk)
    return FileResponse(
        batches.batch_zip(batch),
        as_attachment=True,
        filename=batches.zip_name(batch),
        content_type="application/zip",
    )
