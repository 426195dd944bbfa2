"""A fixed-window request counter per client address, in Django's cache (issue 12 §8: /verify/).

The cache is the default one: Django's per-process memory cache unless CACHES names a shared one, so
with N server workers an address gets up to N times the limit. That bounds the work an anonymous page
can be made to do; it is not an accounting.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

from enforcelink.core.net import client_address


def over_limit(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count this request for its client address; True once the address made more than `limit`
    requests to `scope` in the current window."""
    window = int(time.time()) // window_seconds
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window_seconds + 5)
        count = 1
    return count > limit
