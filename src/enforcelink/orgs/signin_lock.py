"""The sign-in lock (django-axes' database handler with three counters instead of one), issue 12 §5.

Within the cool-off (ENFORCELINK_AXES_COOLOFF_MINUTES), from an unknown device, sign-in is refused
when any of these reached its limit:

- wrong passwords for this user name from this address (`AXES_FAILURE_LIMIT`, 5): one desk's typos;
- wrong passwords from this address, whatever the user names (`SIGNIN_ADDRESS_FAILURE_LIMIT`, 20):
  spraying a few guesses over many user names;
- wrong passwords for this user name from unknown devices anywhere (`SIGNIN_USERNAME_FAILURE_LIMIT`,
  20): guessing one account from many addresses.

From a device the user has signed in from before (orgs.known_devices), only the failures from that
device for that user name count (`AXES_FAILURE_LIMIT`): nobody else's guesses, from another address or
the same one, keep the owner out. Addresses are the client's, behind the proxy too (core.net).
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest

from enforcelink.orgs.known_devices import TAG_PREFIX, device_tag

SPOOFED = "sent as: "
USER_AGENT_WIDTH = AccessAttempt._meta.get_field("user_agent").max_length or 255


class SignInLockHandler(AxesDatabaseHandler):
    def _counters(
        self, request: HttpRequest, credentials: dict[str, Any] | None
    ) -> list[tuple[QuerySet[Any], int]]:
        """Each counter's attempts within the cool-off, with its limit."""
        username = get_client_username(request, credentials)
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        tag = device_tag(request, username)
        if tag is not None:
            return [(recent.filter(username=username, user_agent=tag), settings.AXES_FAILURE_LIMIT)]
        address = request.axes_ip_address  # type: ignore[attr-defined]
        unknown = recent.exclude(user_agent__startswith=TAG_PREFIX)  # a known device's count is its own
        return [
            (unknown.filter(username=username, ip_address=address), settings.AXES_FAILURE_LIMIT),
            (unknown.filter(ip_address=address), settings.SIGNIN_ADDRESS_FAILURE_LIMIT),
            (unknown.filter(username=username), settings.SIGNIN_USERNAME_FAILURE_LIMIT),
        ]

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures of the counter nearest to its limit, scaled to AXES_FAILURE_LIMIT (what axes
        compares this number with): `count × base // limit` reaches `base` exactly when `count`
        reaches `limit`, so each counter locks at its own limit."""
        base = settings.AXES_FAILURE_LIMIT
        scaled = [
            (attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0) * base // limit
            for attempts, limit in self._counters(request, credentials)
        ]
        return max(scaled)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        """A failure from a known device is stored under the device, not the browser's user agent, so
        it counts for that device only. A user agent that merely claims to be such a tag (the header is
        the client's to write) is stored with a mark in front, so it counts as unknown like any other."""
        if request is not None:
            tag = device_tag(request, get_client_username(request, credentials))
            if tag is not None:
                request.axes_user_agent = tag
            elif str(getattr(request, "axes_user_agent", "")).startswith(TAG_PREFIX):
                # Cut to the column's width, as axes cuts the header: a longer value is refused by
                # PostgreSQL, and a failure that is never stored counts for nothing.
                request.axes_user_agent = f"{SPOOFED}{request.axes_user_agent}"[:USER_AGENT_WIDTH]
        super().user_login_failed(sender, credentials, request, **kwargs)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """A sign-in clears this user name's failures from this address and this device only: the
        address's failures for other names stay, or one valid account would reset a spraying count."""
        username = get_client_username(request, credentials)
        mine = Q(ip_address=request.axes_ip_address)  # type: ignore[attr-defined]
        tag = device_tag(request, username)
        if tag is not None:
            mine |= Q(user_agent=tag)
        count, _ = AccessAttempt.objects.filter(mine, username=username).delete()
        return count
