"""The signed-in person's notifications (通知): the list, opening one, marking read and unread.

A notification is its owner's alone: another person's id is answered 404, exactly like a missing one.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from enforcelink.core import notifications
from enforcelink.core.models import Notification

PAGE_SIZE = 30
SHOWS = ("unread", "all")


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Unread ones by default; "all" lists every one, the unread first, newest first within each."""
    show = request.GET.get("show", "unread")
    show = show if show in SHOWS else "unread"
    rows = notifications.mine(request.user)
    if show == "unread":
        rows = rows.filter(read_at__isnull=True).order_by("-created_at", "-pk")
    else:
        unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
        rows = rows.alias(unread=unread).order_by("-unread", "-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "show": show, "query": f"show={show}"}
    return render(request, "core/notifications.html", context)


def _own(request: HttpRequest, pk: int, *, read: bool) -> Notification:
    try:
        return notifications.mark(request.user, pk, read=read)
    except Notification.DoesNotExist:
        raise Http404 from None


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and goes where it points (a page of this site only)."""
    note = _own(request, pk, read=True)
    safe = url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()})
    return redirect(note.url if note.url and safe else "notifications")


@login_required
@require_POST
def notification_mark(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    if state not in ("read", "unread"):
        raise Http404
    _own(request, pk, read=state == "read")
    return _back(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notifications.mark_all_read(request.user)
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("notifications")
