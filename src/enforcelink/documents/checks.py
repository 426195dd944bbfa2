"""`check --deploy`: documents print the site's public address, so it must be one the public reaches."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

PUBLIC_URL_LOCAL = "documents.W001"
PUBLIC_URL_PLAIN = "documents.W002"


def _local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@checks.register(checks.Tags.security, deploy=True)
def public_url(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every document issued prints ENFORCELINK_PUBLIC_URL and encodes it in its QR code; paper
    cannot be corrected afterwards, so a development address is worth a warning before go-live."""
    parts = urlsplit(settings.PUBLIC_URL)
    found: list[checks.CheckMessage] = []
    if _local(parts.hostname or ""):
        found.append(
            checks.Warning(
                f"ENFORCELINK_PUBLIC_URL is {settings.PUBLIC_URL}, an address on this machine: documents "
                "would print a verification address nobody else can open.",
                hint="Set ENFORCELINK_PUBLIC_URL to the address the public reaches the site at, "
                "e.g. https://zxld.example.gov.cn (docs/operations.md).",
                id=PUBLIC_URL_LOCAL,
            )
        )
    elif parts.scheme == "http" and getattr(settings, "HTTPS", False):
        found.append(
            checks.Warning(
                f"ENFORCELINK_PUBLIC_URL is {settings.PUBLIC_URL}, plain HTTP, while the site is served "
                "over HTTPS: documents would print an address that is redirected.",
                hint="Use the https:// address.",
                id=PUBLIC_URL_PLAIN,
            )
        )
    return found
