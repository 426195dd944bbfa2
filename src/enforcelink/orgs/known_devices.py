"""Devices a user has signed in from before (a signed cookie), so a lock on their user name does not
keep them out (issue 12 §5).

Anybody can type the president's user name: failures for it from unknown devices lock it for
unknown devices only. The cookie is set after a complete sign-in (password, and the code when the
user has two-factor sign-in), signed with the secret key, HttpOnly, and names the user names that
signed in from this browser; it cannot be made up, and it is worth nothing without the password.
Failures from a known device are counted per user name and device (see orgs.signin_lock).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE = "enforcelink_device"
SALT = "enforcelink.orgs.known_devices"
MAX_AGE = dt.timedelta(days=180)
MAX_NAMES = 8  # a shared desk's few colleagues; the oldest drops out
TAG_PREFIX = "known-device "  # stored as the user agent of a sign-in failure from a known device


def _read(request: HttpRequest) -> dict[str, object] | None:
    try:
        value = signing.loads(request.COOKIES.get(COOKIE, ""), salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("id"), str)
        or not isinstance(value.get("users"), list)
    ):
        return None
    return value


def device_tag(request: HttpRequest, username: str | None) -> str | None:
    """`known-device <id>` when this browser has signed in as `username` before, else None."""
    value = _read(request)
    if value is None or not username or username not in value["users"]:  # type: ignore[operator]
        return None
    return f"{TAG_PREFIX}{value['id']}"


def remember(request: HttpRequest, response: HttpResponse, username: str) -> HttpResponse:
    """After a complete sign-in: add `username` to this browser's cookie (created when missing)."""
    value = _read(request) or {"id": secrets.token_urlsafe(16), "users": []}
    users = [name for name in value["users"] if name != username][-(MAX_NAMES - 1) :]  # type: ignore[attr-defined]
    value["users"] = [*users, username]
    response.set_cookie(
        COOKIE,
        signing.dumps(value, salt=SALT),
        max_age=int(MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
