"""Pages of asset inquiry: the one-click inquiry from the case page's 财产 panel (htmx swaps the panel
in place, without JavaScript the page reloads with a message), and the supervisors' samples of
inquiries with their verdicts (R-ASSET-01)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcelink.assets import actions, queries
from enforcelink.assets.forms import InquiryForm, SampleForm, VerdictForm
from enforcelink.assets.models import InquirySample, InquirySampleItem
from enforcelink.assets.panels import ORDER, assets_context
from enforcelink.cases.panels import Panel
from enforcelink.cases.queries import visible_case
from enforcelink.core.errors import DomainError
from enforcelink.core.forms import show_form_errors
from enforcelink.orgs.models import SupervisoryBody, User
from enforcelink.orgs.permissions import Action, can


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _started_message(report: actions.InquiryReport) -> str:
    units = len({req.unit_id for req in report.made})
    text = _("Property inquiry sent: %(sent)d requests to %(units)d units.") % {
        "sent": len(report.made), "units": units,
    }  # fmt: skip
    if report.refused:
        text += " " + _("%(count)d could not be sent; see why below.") % {"count": len(report.refused)}
    return text


@login_required
@require_POST
def case_inquiry(request: HttpRequest, pk: int) -> HttpResponse:
    """一键查询 from the case page (R-ASSET-01): for the case's officer or team leader, else 404."""
    user = _user(request)
    case = visible_case(user, pk)
    if not can(user, Action.INQUIRE_ASSETS, case):
        raise Http404
    form = InquiryForm(request.POST)
    flash = error = ""
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        try:
            report = actions.inquiry_start(
                case,
                actor=user,
                purpose=form.cleaned_data["purpose"],
                legal_basis=form.cleaned_data["legal_basis"],
            )
            flash = _started_message(report)
        except DomainError as failure:
            error = str(failure.message)
    if not request.headers.get("HX-Request"):
        (messages.success if flash else messages.error)(request, flash or error)
        return redirect(reverse("case-detail", args=[case.pk]) + "#assets")
    panel = Panel("assets", "assets/_case_panel.html", ORDER, assets_context(case, user))
    return render(request, panel.template, {"panel": panel, "case": case, "flash": flash, "error": error})


def _supervisor(request: HttpRequest) -> tuple[User, SupervisoryBody]:
    user = _user(request)
    if not can(user, Action.REVIEW_INQUIRIES) or user.body is None:
        raise Http404
    return user, user.body


@login_required
def samples(request: HttpRequest) -> HttpResponse:
    """The body's samples of inquiries, and the form drawing the next one."""
    user, body = _supervisor(request)
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sample = actions.inquiry_sample(
                body, start=form.cleaned_data["start"], end=form.cleaned_data["end"],
                size=form.cleaned_data["size"], actor=user,
            )  # fmt: skip
        except DomainError as failure:
            show_form_errors(failure, form)
        else:
            messages.success(
                request, _("%(drawn)d of %(population)d inquiries drawn for review.")
                % {"drawn": sample.items.count(), "population": sample.population},
            )  # fmt: skip
            return redirect("inquiry-sample", pk=sample.pk)
    return render(
        request, "assets/samples.html", {"form": form, "samples": list(queries.samples_of(user)[:50])}
    )


def _sample(user: User, pk: int) -> InquirySample:
    sample = InquirySample.objects.visible_to(user).select_related("body").filter(pk=pk).first()
    if sample is None:
        raise Http404
    return sample


def _sample_page(
    request: HttpRequest, sample: InquirySample, bound: VerdictForm | None = None, status: int = 200
) -> HttpResponse:
    """The sample's page; `bound` is the verdict form just refused, shown again as it was filled
    (the verdict chosen kept) with its error beside the field."""
    items = queries.sample_items(sample)
    for item in items:
        form = None if item.verdict else VerdictForm(prefix=f"i{item.pk}")
        if form is not None and bound is not None and bound.prefix == form.prefix:
            form = bound
        item.form = form  # type: ignore[attr-defined]
    return render(request, "assets/sample_detail.html", {"sample": sample, "items": items}, status=status)


@login_required
def sample_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A sample's inquiries: case, respondents and amount, purpose, legal basis, units asked, and the
    verdict or its form."""
    user, _body = _supervisor(request)
    return _sample_page(request, _sample(user, pk))


@login_required
@require_POST
def sample_review(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """A verdict on a sampled inquiry; refused (no note for an improper one, say), the page comes
    back with the verdict as chosen and the error beside its field (400), not a blank form."""
    user, _body = _supervisor(request)
    sample = _sample(user, pk)
    row = InquirySampleItem.objects.filter(sample=sample, pk=item).select_related("inquiry").first()
    if row is None:
        raise Http404
    form = VerdictForm(request.POST, prefix=f"i{row.pk}")
    if form.is_valid():
        try:
            actions.inquiry_review(
                row.inquiry, verdict=form.cleaned_data["verdict"], note=form.cleaned_data["note"], actor=user
            )
        except DomainError as failure:
            if failure.code == "ALREADY_REVIEWED":  # a colleague was first: their verdict is shown
                messages.error(request, str(failure.message))
                return redirect(reverse("inquiry-sample", args=[sample.pk]) + f"#item-{row.pk}")
            show_form_errors(failure, form)
        else:
            messages.success(request, _("Verdict recorded."))
            return redirect(reverse("inquiry-sample", args=[sample.pk]) + f"#item-{row.pk}")
    return _sample_page(request, sample, bound=form, status=400)
