"""A cap on the size of a request body, checked on its headers before anything reads it.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE covers neither uploaded files nor DRF's JSON stream, so without
this a reply's files in base64 (10 × 20 MB × 4/3, some 270 MB) or anything larger would be read into
memory before a serializer could refuse it. The limit depends on the path
(`settings.REQUEST_BODY_CAPS`, first matching pattern wins): the attachment cap
(`REQUEST_BODY_MAX_BYTES`, derived from the attachment settings) only where files are taken, a
small one on the pages anybody can post to (sign-in, language, two-factor), and
DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) everywhere else (see settings.py and docs/operations.md). A
page's file cap is for signed-in users only: an anonymous body there gets the anonymous cap, since
the CSRF check would read and store its files before the view sent it to sign in.

Only `Content-Length` is looked at (no body is read), so an ordinary request pays for one header
lookup; the session is loaded only for a body over the anonymous cap on a signed-in-only path. A body sent without a usable length (chunked, or a malformed header) is refused as well:
the WSGI server would hand Django an empty body for it, and a request silently taken as empty is
worse than a clear refusal. The API answers in its error shape, pages with an error page, both in
the request's language (LocaleMiddleware has run).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from enforcelink.core.api import error_body, too_large_message

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


KB = 1024
MB = 1024 * KB


@lru_cache(maxsize=32)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _path_cap(path: str) -> tuple[int, bool]:
    """The cap of the first pattern of REQUEST_BODY_CAPS that matches `path` (a cap given as a
    setting's name is read now, so the attachment cap follows ENFORCELINK_ATTACHMENT_MAX_MB), and
    whether it is for signed-in users only; DATA_UPLOAD_MAX_MEMORY_SIZE for anyone when none does."""
    for pattern, cap, who in settings.REQUEST_BODY_CAPS:
        if _compiled(pattern).match(path):
            return int(getattr(settings, cap) if isinstance(cap, str) else cap), who == "signed-in"
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE), False


def body_cap(path: str) -> int:
    """The largest body `path` accepts from a signed-in user."""
    return _path_cap(path)[0]


def request_body_cap(request: HttpRequest, length: int) -> int:
    """The largest body this request may carry: its path's cap, or the anonymous cap on a
    signed-in-only path for a client not signed in. The user (a session lookup) is only asked about
    for a body that only a signed-in user may send."""
    limit, signed_in_only = _path_cap(request.path_info)
    anonymous = int(settings.REQUEST_BODY_ANONYMOUS_CAP)
    if signed_in_only and length > anonymous and not request.user.is_authenticated:
        return anonymous
    return limit


class RequestBodyLimitMiddleware:
    """Refuses a body over its path's cap (413, `body_cap`) or of unknown length (411).

    Its place in MIDDLEWARE: after AuthenticationMiddleware (it asks whether the client is signed
    in), and before any middleware that reads the body in its `__call__`; CSRF reads the form in
    `process_view`, which runs after every `__call__`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH")
        if length:
            if not (length.isascii() and length.isdigit()):  # "²" is a digit to str.isdigit, not to int
                return self._length_required(request)
            limit = request_body_cap(request, int(length))
            if int(length) > limit:
                return self._too_large(request, limit, signed_out=limit < body_cap(request.path_info))
        elif "HTTP_TRANSFER_ENCODING" in request.META and request.method in BODY_METHODS:
            return self._length_required(request)
        return self.get_response(request)

    def _too_large(self, request: HttpRequest, limit: int, *, signed_out: bool) -> HttpResponse:
        if signed_out:  # most likely a session that ran out while the files were chosen
            message = _("This page takes files only from signed-in users: sign in and send them again.")
        elif limit < MB:  # a page without files: "larger than 0.1 MB, send fewer files" would puzzle
            message = _("The request is larger than the %(max)d KB this page accepts.") % {"max": limit // KB}
        else:
            message = too_large_message(limit)
        return _refusal(request, "PAYLOAD_TOO_LARGE", message, 413)

    def _length_required(self, request: HttpRequest) -> HttpResponse:
        message = _("The request body needs a valid Content-Length header (chunked bodies are not accepted).")
        return _refusal(request, "LENGTH_REQUIRED", message, 411)


def _refusal(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(code, message),
            status=status,
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )
    return render(request, "core/request_refused.html", {"message": message}, status=status)
