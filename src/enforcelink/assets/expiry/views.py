"""Pages of expiring control measures (issue 15 §6, §11; R-ASSET-02):

- 即将到期的控制措施 (`expiring`): the officer's measures ending within N days (N on the page, 30 by
  default, at most `queries.MAX_DAYS`: beyond it the page says so), nearest first, with case, asset,
  unit, amount and days left; checkboxes (and one that chooses them all) and "续行" send one renewal
  per chosen measure (`renewals.renew_each`), and the page lists what went and what was refused,
  with why.
- The command centre's list across the court (`command_expiring`, MONITOR_COURT or OVERSEE_COURT),
  filtered by days, team, officer and measure kind, exported as CSV or XLSX.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enforcelink.assets.control.models import HOLDING, MeasureKind
from enforcelink.assets.expiry import queries, renewals
from enforcelink.assets.expiry.exports import expiring_export
from enforcelink.cases import queries as case_queries
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.pages import filter_query, request_page
from enforcelink.orgs.models import Team, User
from enforcelink.orgs.permissions import Action, can

PAGE_SIZE = 50
MINE_LIMIT = renewals.MAX_BATCH  # rows the officer's page lists (and may renew in one click)


def _days(value: Any) -> tuple[int, str]:
    """The window asked for, and what the page says when it could not be used as typed: beyond the
    longest window (`queries.MAX_DAYS`, a year) the list shows that window and says so, rather than
    quietly showing less than asked; a value that is no whole number shows the default window."""
    if value in (None, ""):
        return queries.DEFAULT_DAYS, ""
    try:
        days = int(str(value).strip())
    except ValueError:
        return queries.DEFAULT_DAYS, _(
            "%(value)s is not a whole number of days: the list shows the measures ending within %(days)d days."
        ) % {"value": str(value)[:20], "days": queries.DEFAULT_DAYS}
    if days > queries.MAX_DAYS:
        return queries.MAX_DAYS, _(
            "The list looks at most %(max)d days ahead, not %(days)d: it shows the measures ending within "
            "%(max)d days."
        ) % {"max": queries.MAX_DAYS, "days": days}
    if days < 0:
        return 0, _("A number of days cannot be negative: the list shows the measures ending today.")
    return days, ""


def _pk(value: Any) -> int:
    try:
        return max(0, min(int(value or 0), 2**62))
    except ValueError:
        return 0


@login_required
def expiring(request: HttpRequest) -> HttpResponse:
    """GET: the list; POST: renew the chosen measures (`measures`), then the list again."""
    user = cast(User, request.user)
    if not can(user, Action.CONTROL_ASSETS):
        raise Http404(_("No such page."))
    days, days_note = _days(request.POST.get("days") if request.method == "POST" else request.GET.get("days"))
    report = None
    if request.method == "POST":
        try:
            report = renewals.renew_each(
                request.POST.getlist("measures"), actor=user, months=request.POST.get("months")
            )
        except NotFound:
            raise Http404(_("No such control measure.")) from None
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            if report.made:
                messages.success(
                    request,
                    ngettext("%(count)s renewal sent.", "%(count)s renewals sent.", len(report.made))
                    % {"count": len(report.made)},
                )
    today = timezone.localdate()
    rows = queries.mine(user, today, days)
    shown = queries.with_days_left(rows[:MINE_LIMIT], today)
    waiting = {m.parent_id for m in renewals_waiting(user, [m.pk for m in shown])}
    for measure in shown:
        measure.renewal_sent = measure.pk in waiting  # type: ignore[attr-defined]
    context = {
        "rows": shown, "days": days, "days_note": days_note, "max_days": queries.MAX_DAYS, "today": today,
        "report": report, "more": len(shown) == MINE_LIMIT and rows.count() > MINE_LIMIT,
    }  # fmt: skip
    return render(request, "assets/expiry/expiring.html", context)


def renewals_waiting(user: User, ids: list[int]) -> Any:
    """The renewals already on their way for these measures (shown, and not offered again)."""
    from enforcelink.assets.control.models import ControlMeasure, MeasureStatus

    return (
        ControlMeasure.objects.visible_to(user)
        .filter(parent_id__in=ids, kind=MeasureKind.RENEW, status=MeasureStatus.SENT)
        .only("parent_id")
    )


@login_required
def command_expiring(request: HttpRequest) -> HttpResponse:
    """The court's measures ending soon, for the command centre and the court's leaders."""
    user = cast(User, request.user)
    if not queries.may_watch_court(user):
        raise PermissionDenied(_("The list of expiring measures is for the command centre and leaders."))
    today = timezone.localdate()
    days, days_note = _days(request.GET.get("days"))
    officers = case_queries.officers_for(user)
    officer = officers.filter(pk=_pk(request.GET.get("officer"))).first()
    teams = Team.objects.visible_to(user).order_by("name")
    team = teams.filter(pk=_pk(request.GET.get("team"))).first() if request.GET.get("team") else None
    kind = request.GET.get("kind", "")
    kind = kind if kind in HOLDING else ""
    rows = queries.court(user, today, days, officer=officer, team=team, kind=kind)
    if request.GET.get("format") in ("csv", "xlsx"):
        return expiring_export(rows, today, request.GET["format"])
    page = request_page(request, rows, PAGE_SIZE)
    page.object_list = queries.with_days_left(page.object_list, today)
    context = {
        "page": page, "today": today, "days": days, "days_note": days_note, "max_days": queries.MAX_DAYS,
        "officers": case_queries.officer_labels(officers),
        "officer": officer, "teams": teams, "team": team, "kind": kind,
        "kinds": [(value, label) for value, label in MeasureKind.choices if value in HOLDING],
        "query": filter_query(request),
    }  # fmt: skip
    return render(request, "assets/expiry/command.html", context)
