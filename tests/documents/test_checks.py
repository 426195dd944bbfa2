"""`check --deploy` warns while documents would print an address the public cannot open (issue 14 §9)."""

from __future__ import annotations

import pytest

from enforcelink.documents.checks import PUBLIC_URL_LOCAL, PUBLIC_URL_PLAIN, public_url


@pytest.mark.parametrize(
    ("address", "https", "expected"),
    [
        ("http://127.0.0.1:8000", True, [PUBLIC_URL_LOCAL]),  # the development default
        ("http://localhost:8000", False, [PUBLIC_URL_LOCAL]),
        ("https://[::1]", True, [PUBLIC_URL_LOCAL]),
        ("http://0.0.0.0:8000", False, [PUBLIC_URL_LOCAL]),
        ("http://zxld.example.gov.cn", True, [PUBLIC_URL_PLAIN]),
        ("http://zxld.example.gov.cn", False, []),  # a plain-HTTP test server says so itself
        ("https://zxld.example.gov.cn", True, []),
        ("https://10.20.0.5", True, []),  # a court's intranet address is reachable by its readers
    ],
)
def test_public_url_warnings(settings, address, https, expected):
    settings.PUBLIC_URL, settings.HTTPS = address, https
    assert [message.id for message in public_url()] == expected
