"""Small helpers shared by the server-rendered list pages."""

from __future__ import annotations

from django.http import HttpRequest


def filter_query(request: HttpRequest) -> str:
    """The list's filters as a query string without the page number, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
