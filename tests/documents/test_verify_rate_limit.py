"""The public /verify/ page is rate-limited per client address (issue 12 §8: it had no limit)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from enforcelink.documents.views import VERIFY_WINDOW_SECONDS
from tests.wsgi_input import UnreadBody

pytestmark = pytest.mark.django_db

FORM = {"code": "NOSUCHCODE", "sha256": "0" * 64}


def check(client, address, **extra):
    return client.post("/verify/", FORM, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **extra)


@override_settings(VERIFY_RATE_LIMIT=3)
def test_checks_over_the_limit_get_a_429_page_for_that_address_only():
    client = Client()
    assert [check(client, "203.0.113.9").status_code for _ in range(3)] == [200, 200, 200]
    refused = check(client, "203.0.113.9")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(VERIFY_WINDOW_SECONDS)
    assert "Too many checks from this address. Wait 10 minutes and try again." in refused.content.decode()
    assert "Go back and try again" not in refused.content.decode()  # waiting, not retrying, helps
    assert check(client, "198.51.100.7").status_code == 200
    assert client.get("/verify/", REMOTE_ADDR="203.0.113.9").status_code == 200  # the page itself still shows


@override_settings(VERIFY_RATE_LIMIT=2, PROXY_COUNT=1)
def test_behind_the_proxy_the_limit_is_per_client_not_per_proxy():
    client = Client()
    for _ in range(2):
        check(client, "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert check(client, "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert check(client, "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200


def test_the_default_limit_leaves_room_for_a_person_checking_a_pile_of_documents(settings):
    assert 20 <= settings.VERIFY_RATE_LIMIT <= 100


@override_settings(VERIFY_RATE_LIMIT=1)
def test_past_the_limit_a_post_is_refused_before_its_body_is_read():
    """Before: CSRF's check parsed the multipart form (up to 21 MB, the file into a temporary file)
    before the view counted the request, so the limit bounded the hashing, not the upload."""
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")  # a CSRF cookie and its token, as anybody gets them
    token = client.cookies["csrftoken"].value
    assert check(client, "203.0.113.9").status_code == 200  # no token needed: checking changes nothing
    body = UnreadBody()
    refused = client.generic(
        "POST", "/verify/", b"--x\r\n", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(20 * 1024 * 1024), REMOTE_ADDR="203.0.113.9", HTTP_X_CSRFTOKEN=token,
        **{"wsgi.input": body},
    )  # fmt: skip
    assert body.reads == []
    assert refused.status_code == 429


@override_settings(VERIFY_RATE_LIMIT=2)
def test_code_look_ups_from_the_qr_code_are_limited_in_their_own_bucket():
    """Opening /verify/<code>/ looks the code up: limited like checks, so codes cannot be tried in
    bulk, but counted apart, so scanning a document and then checking its file are one each."""
    client = Client()
    lookups = [client.get("/verify/ABCD-EFGH-JKLM-NPQR/", REMOTE_ADDR="203.0.113.9") for _ in range(3)]
    assert [response.status_code for response in lookups] == [200, 200, 429]
    assert lookups[-1]["Retry-After"] == str(VERIFY_WINDOW_SECONDS)
    assert 'class="mainnav"' not in lookups[-1].content.decode()
    assert client.get("/verify/", REMOTE_ADDR="203.0.113.9").status_code == 200  # no code: nothing looked up
    assert check(client, "203.0.113.9").status_code == 200  # a check still goes through
    assert client.get("/verify/ABCD-EFGH-JKLM-NPQR/", REMOTE_ADDR="198.51.100.7").status_code == 200
