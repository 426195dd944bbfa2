"""The client's address (core.net): an X-Forwarded-For header with ENFORCELINK_PROXY_COUNT=0 is
logged once, since it most likely means a proxy the application was not told about (review of
issue 12 §5: behind an unconfigured proxy every client shares the proxy's address)."""

from __future__ import annotations

import logging

import pytest
from django.test import RequestFactory, override_settings

from enforcelink.core import net


@pytest.fixture(autouse=True)
def _not_yet_warned(monkeypatch):
    monkeypatch.setattr(net, "_proxy_warning_logged", False)


def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **meta)


@override_settings(PROXY_COUNT=0)
def test_a_forwarded_header_without_a_configured_proxy_is_logged_once(caplog):
    with caplog.at_level(logging.WARNING, logger="enforcelink.core.net"):
        assert net.client_address(_request()) == "10.0.0.2"
        assert caplog.records == []
        for forwarded in ("203.0.113.9", "198.51.100.7"):
            assert net.client_address(_request(HTTP_X_FORWARDED_FOR=forwarded)) == "10.0.0.2"
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "X-Forwarded-For" in message and "ENFORCELINK_PROXY_COUNT" in message and "10.0.0.2" in message


@override_settings(PROXY_COUNT=1)
def test_behind_a_configured_proxy_nothing_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="enforcelink.core.net"):
        assert net.client_address(_request(HTTP_X_FORWARDED_FOR="203.0.113.9")) == "203.0.113.9"
    assert caplog.records == []
