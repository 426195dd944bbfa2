"""A cap on the size of a request body, checked on its headers before anything reads it.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE covers neither uploaded files nor DRF's JSON stream, so without
this a reply's files in base64 (10 × 20 MB × 4/3, some 270 MB) or anything larger would be read into
memory before a serializer could refuse it. The limit depends on the path
(`settings.REQUEST_BODY_CAPS`, first matching pattern wins): the attachment cap
(`REQUEST_BODY_MAX_BYTES`, derived from the attachment settings) only where files are taken, a
small one on the pages anybody can post to (sign-in, language, two-factor), and
DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) everywhere else (see settings.py and docs/operations.md).

Only `Content-Length` is looked at (no body is read), so an ordinary request pays for one header
lookup. A body sent without a usable length (chunked, or a malformed header) is refused as well:
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


def body_cap(path: str) -> int:
    """The largest body `path` accepts: the first pattern of REQUEST_BODY_CAPS that matches, else
    DATA_UPLOAD_MAX_MEMORY_SIZE. A cap given as a setting's name is read now, so it follows that
    setting (the attachment cap follows ENFORCELINK_ATTACHMENT_MAX_MB)."""
    for pattern, cap in settings.REQUEST_BODY_CAPS:
        if _compiled(pattern).match(path):
            return int(getattr(settings, cap) if isinstance(cap, str) else cap)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class RequestBodyLimitMiddleware:
    """Refuses a body over its path's cap (413, `body_cap`) or of unknown length (411).

    Its place in MIDDLEWARE only needs to be before any middleware that reads the body in its
    `__call__`; CSRF reads the form in `process_view`, which runs after every `__call__`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH")
        if length:
            if not (length.isascii() and length.isdigit()):  # "²" is a digit to str.isdigit, not to int
                return self._length_required(request)
            limit = body_cap(request.path_info)
            if int(length) > limit:
                return self._too_large(request, limit)
        elif "HTTP_TRANSFER_ENCODING" in request.META and request.method in BODY_METHODS:
            return self._length_required(request)
        return self.get_response(request)

    def _too_large(self, request: HttpRequest, limit: int) -> HttpResponse:
        if limit < MB:  # a page without files: "larger than 0.1 MB, send fewer files" would puzzle
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
