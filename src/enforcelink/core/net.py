"""The client's address, behind the documented reverse proxy as well as without one.

Behind a proxy every request comes from the proxy's address, so anything keyed on REMOTE_ADDR (the
sign-in lock per address, the rate limit of /verify/) would lump every user together: one person's
wrong passwords would lock everybody. With `ENFORCELINK_PROXY_COUNT=N` (the number of proxies in
front, each appending the address it received the request from to X-Forwarded-For, as nginx's
`$proxy_add_x_forwarded_for` does), the client is the N-th address from the right: the one the
outermost proxy saw. Addresses further left are whatever the client wrote and are never trusted.
The application's port must then be reachable from the proxy only (loopback or a private network):
a client reaching it directly could write its own X-Forwarded-For and pick its address.

An X-Forwarded-For header while ENFORCELINK_PROXY_COUNT is 0 most likely means a proxy that nobody
told the application about (every client would share the proxy's address, and one sprayer would
lock everybody): the first such request of a process logs a warning.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)
_proxy_warning_logged = False


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The address the request came from; REMOTE_ADDR when no proxy is configured or the header is
    missing or malformed (a request that did not come through the proxy)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.PROXY_COUNT
    if not proxies and "HTTP_X_FORWARDED_FOR" in request.META:
        _warn_unconfigured_proxy(remote)
    if proxies:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            found = _address(forwarded[-proxies])
            if found:
                return found
    return _address(remote) or remote


def _warn_unconfigured_proxy(remote: str) -> None:
    global _proxy_warning_logged
    if _proxy_warning_logged:
        return
    _proxy_warning_logged = True
    logger.warning(
        "A request from %s carries X-Forwarded-For but ENFORCELINK_PROXY_COUNT is 0: behind a reverse "
        "proxy, set it to the number of proxies, or every client is taken for the proxy "
        "(docs/operations.md, Serving). Logged once per process.",
        remote,
    )
