"""The client's address, behind the documented reverse proxy as well as without one.

Behind a proxy every request comes from the proxy's address, so anything keyed on REMOTE_ADDR (the
sign-in lock per address, the rate limit of /verify/) would lump every user together: one person's
wrong passwords would lock everybody. With `ENFORCELINK_PROXY_COUNT=N` (the number of proxies in
front, each appending the address it received the request from to X-Forwarded-For, as nginx's
`$proxy_add_x_forwarded_for` does), the client is the N-th address from the right: the one the
outermost proxy saw. Addresses further left are whatever the client wrote and are never trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


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
    if proxies:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            found = _address(forwarded[-proxies])
            if found:
                return found
    return _address(remote) or remote
