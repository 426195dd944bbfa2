"""The cap on a whole request body (core.middleware.RequestBodyLimitMiddleware): refused from its
Content-Length before anything reads it, in the API's error shape or as an error page; the largest
legitimate reply or message still gets through, and ordinary requests pay one header lookup."""

from __future__ import annotations

import base64
import json
import random

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from enforcelink.core.middleware import RequestBodyLimitMiddleware
from enforcelink.linkage.attachments import MAX_FILES
from enforcelink.linkage.models import RequestAttachment, RequestEvent, RequestMessage
from tests.api.conftest import API
from tests.linkage.test_attachments import PDF, upload
from tests.linkage.test_attachments_api import file
from tests.wsgi_input import UnreadBody

MB = 1024 * 1024
TOO_LARGE_EN = "The request is larger than %s MB: send fewer or smaller files at a time."


def body_limit(max_mb: int) -> int:
    """The documented formula (docs/operations.md): 10 files × 4/3 × 1.1, plus 1 MB."""
    return MAX_FILES * max_mb * MB * 4 * 11 // 30 + MB


def _nothing_written() -> tuple[int, int, int]:
    return RequestMessage.objects.count(), RequestAttachment.objects.count(), RequestEvent.objects.count()


def _announced(client, url, length, **extra):
    """A POST that claims a `length`-byte body but carries two bytes: read, it would fail the test
    (the test client refuses to read past what was sent), so a refusal shows nothing read it."""
    return client.generic("POST", url, b"{}", content_type="application/json", CONTENT_LENGTH=str(length),
                          **extra)  # fmt: skip


def test_the_limit_follows_the_attachment_settings():
    assert settings.ATTACHMENT_MAX_FILES == MAX_FILES
    assert body_limit(settings.ATTACHMENT_MAX_MB) == settings.REQUEST_BODY_MAX_BYTES
    # 20 MB files: all ten in base64 get in, with room to spare; the cap is some 294 MB.
    assert MAX_FILES * ((20 * MB + 2) // 3 * 4) < body_limit(20) < 300 * MB


def test_an_over_limit_api_body_is_refused_unread_and_writes_nothing(world, bank, sent):
    before = _nothing_written()
    limit = settings.REQUEST_BODY_MAX_BYTES
    url = f"{API}/requests/{sent.pk}/messages/"
    response = _announced(bank.client, url, limit + 1, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response.json() == {"code": "PAYLOAD_TOO_LARGE", "message": TOO_LARGE_EN % "294.3", "field": None}
    assert _nothing_written() == before
    reply = _announced(bank.client, f"{API}/requests/{sent.pk}/reply/", limit + 1, HTTP_IDEMPOTENCY_KEY="k1")
    assert reply.status_code == 413 and reply.json()["code"] == "PAYLOAD_TOO_LARGE"
    sent.refresh_from_db()
    assert sent.status == "sent" and _nothing_written() == before


@override_settings(REQUEST_BODY_MAX_BYTES=4000)
def test_a_real_over_limit_body_is_refused_too(world, bank, sent):
    before = _nothing_written()
    data = {"body": "流水", "attachments": [file("流水.pdf", PDF + b"0" * 3000)]}
    response = bank.client.post(f"{API}/requests/{sent.pk}/messages/", data, format="json")
    assert response.status_code == 413 and response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert _nothing_written() == before


def test_the_cap_comes_before_the_request_is_looked_up(world, bank, stranger, sent):
    """Another unit's request, a missing one and one's own all get the same 413: nothing is learnt."""
    limit = settings.REQUEST_BODY_MAX_BYTES
    answers = [
        _announced(client, f"{API}/requests/{pk}/messages/", limit + 1)
        for client, pk in ((stranger, sent.pk), (bank.client, sent.pk + 1000), (bank.client, sent.pk))
    ]
    assert {(r.status_code, r.content) for r in answers} == {(413, answers[0].content)}


@pytest.mark.parametrize(
    "extra", [{"CONTENT_LENGTH": "12x"}, {"CONTENT_LENGTH": "-1"}, {"CONTENT_LENGTH": "\u00b2"}]
)
def test_a_malformed_length_is_refused(world, bank, sent, extra):
    response = bank.client.generic(
        "POST", f"{API}/requests/{sent.pk}/messages/", b"{}", content_type="application/json", **extra
    )
    assert response.status_code == 411 and response.json()["code"] == "LENGTH_REQUIRED"
    assert response.json()["field"] is None


def test_a_chunked_body_without_a_length_is_refused_not_taken_as_empty(world, bank, sent):
    response = bank.client.generic(
        "POST", f"{API}/requests/{sent.pk}/messages/", HTTP_TRANSFER_ENCODING="chunked",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 411
    assert response.json() == {
        "code": "LENGTH_REQUIRED",
        "message": "The request body needs a valid Content-Length header (chunked bodies are not accepted).",
        "field": None,
    }


@override_settings(ATTACHMENT_MAX_MB=1, REQUEST_BODY_MAX_BYTES=body_limit(1))
def test_the_largest_legitimate_message_gets_through(world, bank, sent):
    """Ten files at the largest size, in the bulkiest base64 a client's encoder makes (MIME lines of
    76 with CRLF, "/" written as "\\/"): under the cap, and stored."""
    biggest = PDF + random.Random(4).randbytes(MB - len(PDF))  # a "/" in about one character of 64
    wrapped = base64.encodebytes(biggest).decode().replace("\n", "\r\n")
    items = [{"name": f"流水{n}.pdf", "content_base64": wrapped} for n in range(MAX_FILES)]
    body = json.dumps({"body": "全部流水", "attachments": items}).replace("/", "\\/").encode()
    plain = MAX_FILES * len(base64.b64encode(biggest))
    assert plain * 1.06 < len(body) < body_limit(1)
    response = bank.client.post(f"{API}/requests/{sent.pk}/messages/", body, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert RequestAttachment.objects.filter(request=sent).count() == MAX_FILES


def test_a_body_of_exactly_the_limit_passes_the_cap():
    """No database here: a header check only (a query would fail the test)."""
    limit = settings.REQUEST_BODY_MAX_BYTES
    reached = []
    middleware = RequestBodyLimitMiddleware(lambda request: reached.append(request) or HttpResponse("ok"))
    factory = RequestFactory()
    exact = factory.post("/api/v1/requests/1/messages/", b"{}", content_type="application/json")
    exact.META["CONTENT_LENGTH"] = str(limit)
    over = factory.post("/api/v1/requests/1/messages/", b"{}", content_type="application/json")
    over.META["CONTENT_LENGTH"] = str(limit + 1)
    assert middleware(exact).status_code == 200
    assert middleware(factory.get("/api/v1/requests/")).status_code == 200
    assert middleware(factory.post("/api/v1/requests/1/acknowledge/")).status_code == 200
    assert middleware(over).status_code == 413
    assert len(reached) == 3


def test_small_ordinary_requests_are_unaffected(world, bank, sent):
    posted = bank.client.post(
        f"{API}/requests/{sent.pk}/messages/", {"body": "已收到", "attachments": [file("回执.pdf", PDF)]},
        format="json",
    )  # fmt: skip
    assert posted.status_code == 201
    assert bank.client.get(f"{API}/requests/{sent.pk}/messages/").status_code == 200
    # A POST without a body (and so without Content-Length) is no chunked body: let through.
    acknowledged = bank.client.generic("POST", f"{API}/requests/{sent.pk}/acknowledge/")
    assert acknowledged.status_code == 200, acknowledged.content


def test_the_web_form_gets_an_error_page_not_a_500(client, world, sent):
    client.force_login(world.liaison)
    before = _nothing_written()
    url = reverse("request-action", args=[sent.pk, "message"])
    limit = settings.REQUEST_BODY_MAX_BYTES
    response = client.generic(
        "POST", url, b"--x--\r\n", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(limit + 1),
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 413
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Request not accepted" in page and TOO_LARGE_EN % "294.3" in page and "Nothing was saved." in page
    assert _nothing_written() == before


@override_settings(REQUEST_BODY_MAX_BYTES=4000)
def test_a_real_over_limit_form_with_files_gets_the_error_page(client, world, sent):
    client.force_login(world.liaison)
    before = _nothing_written()
    url = reverse("request-action", args=[sent.pk, "message"])
    response = client.post(url, {"body": "流水", "attachments": [upload("流水.pdf", PDF + b"0" * 5000)]})
    assert response.status_code == 413 and response["Content-Type"].startswith("text/html")
    assert _nothing_written() == before
    small = client.post(url, {"body": "流水", "attachments": [upload("流水.pdf", PDF)]})
    assert small.status_code == 302 and RequestAttachment.objects.count() == before[1] + 1


def test_the_refusal_speaks_the_users_language(world, bank, sent):
    limit = settings.REQUEST_BODY_MAX_BYTES
    response = _announced(bank.client, f"{API}/requests/{sent.pk}/messages/", limit + 1)  # no Accept-Language
    with translation.override(settings.LANGUAGE_CODE):
        expected = translation.gettext(TOO_LARGE_EN.replace("%s", "%(max)s")) % {"max": "294.3"}
    assert response.json()["message"] == expected


def test_other_endpoints_keep_djangos_limit_in_the_api_error_shape(world, bank, sent):
    """Endpoints without files keep DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), now answered in the
    error shape (not Django's HTML 400); the file-carrying ones take up to the whole-body cap."""
    over = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    batch = _announced(bank.client, f"{API}/requests/replies/", over, HTTP_ACCEPT_LANGUAGE="en")
    assert batch.status_code == 413
    assert batch.json() == {"code": "PAYLOAD_TOO_LARGE", "message": TOO_LARGE_EN % "2.5", "field": None}
    with override_settings(ATTACHMENT_MAX_MB=1, REQUEST_BODY_MAX_BYTES=body_limit(1)):
        data = {"body": "流水", "attachments": [file("流水.pdf", PDF + b"0" * (MB - len(PDF)))] * 3}
        posted = bank.client.post(f"{API}/requests/{sent.pk}/messages/", data, format="json")
    assert posted.status_code == 201 and len(posted.json()["attachments"]) == 3


# --- per-path caps (issue 12 §4) -----------------------------------------------------------------

THIRTY_MB = 30 * MB


def _multipart(client, url, length, **extra):
    """A multipart POST announcing `length` bytes but carrying a few: refused unread, or the test
    client's stream would fail the test when the form parser tried to read past what was sent."""
    return client.generic(
        "POST", url, b"--x\r\n", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(length),
        **extra,
    )  # fmt: skip


@pytest.mark.parametrize("url", ["/verify/", "/verify/ABCD/", "/login/", "/login/verify/", "/i18n/setlang/"])
def test_a_30_mb_body_to_an_anonymous_page_is_refused_before_it_is_parsed(client, db, url):
    response = _multipart(client, url, THIRTY_MB, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "Request not accepted" in response.content.decode()


def test_sign_in_and_language_pages_take_64_kb_and_say_so(client, db):
    from enforcelink.core.middleware import body_cap

    for url in ("/login/", "/login/verify/", "/i18n/setlang/", "/logout/", "/account/2fa/"):
        assert body_cap(url) == 64 * 1024, url
    real = client.post("/login/", {"username": "x" * (65 * 1024), "password": "p"}, HTTP_ACCEPT_LANGUAGE="en")
    assert real.status_code == 413
    assert "The request is larger than the 64 KB this page accepts." in real.content.decode()
    assert client.post("/login/", {"username": "nobody", "password": "wrong-password"}).status_code == 200


def test_ordinary_pages_and_the_api_without_files_take_django_s_2_5_mb(client, world, bank, sent):
    from enforcelink.core.middleware import body_cap

    default = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    for url in ("/cases/new/", f"/requests/{sent.pk}/actions/cancel/", "/admin/orgs/user/add/",
                "/api/v1/cases/", f"{API}/requests/{sent.pk}/acknowledge/", f"{API}/requests/replies/"):  # fmt: skip
        assert body_cap(url) == default, url
    client.force_login(world.officer)
    assert _multipart(client, "/cases/new/", default + 1).status_code == 413
    assert _announced(bank.client, f"{API}/requests/{sent.pk}/acknowledge/", default + 1).status_code == 413


def test_pages_taking_files_keep_room_for_their_own_file_limits(sent):
    from enforcelink.core.middleware import body_cap
    from enforcelink.documents.views import MAX_UPLOAD

    files = settings.REQUEST_BODY_MAX_BYTES
    for name in ("complete", "reject", "return", "message"):
        assert body_cap(f"/requests/{sent.pk}/actions/{name}/") == files
    for url in (f"{API}/requests/{sent.pk}/reply/", f"{API}/requests/{sent.pk}/messages/"):
        assert body_cap(url) == files
    assert MAX_UPLOAD < body_cap("/verify/") < THIRTY_MB
    assert 10 * MB < body_cap("/inbox/upload/") < THIRTY_MB


def test_an_attachment_over_the_default_cap_still_gets_in_where_files_are_taken(client, world, sent):
    client.force_login(world.liaison)
    big = PDF + b"0" * (3 * MB)  # over the 2.5 MB every other page takes
    url = reverse("request-action", args=[sent.pk, "message"])
    response = client.post(url, {"body": "流水", "attachments": [upload("流水.pdf", big)]})
    assert response.status_code == 302
    assert RequestAttachment.objects.get(request=sent).size == len(big)


def test_a_document_of_a_few_mb_can_still_be_checked_on_verify(client, db):
    response = client.post(
        "/verify/", {"code": "NOSUCHCODE", "file": upload("通知书.pdf", PDF + b"0" * (3 * MB))}
    )
    assert response.status_code == 200  # the form answers (here: no such document), not the cap


# --- file caps are for signed-in users; the API authenticates before it reads (review of §4) -----


def _spied(client, url, length, content_type="multipart/form-data; boundary=x", **extra):
    body = UnreadBody()
    response = client.generic(
        "POST", url, b"--x\r\n", content_type=content_type, CONTENT_LENGTH=str(length),
        **{"wsgi.input": body}, **extra,
    )  # fmt: skip
    return response, body


def _csrf_client():
    """An anonymous browser as an attacker gets one: CSRF checked, its cookie from the sign-in page."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    assert "csrftoken" in client.cookies
    return client


def test_an_anonymous_30_mb_form_to_a_request_action_is_refused_unread(world, sent):
    """Before: the path's 294 MB cap let it through, CSRF's check read the multipart form (files to
    temporary files), and only then did login_required answer with a redirect."""
    client = _csrf_client()
    for name in ("complete", "reject", "return", "message"):
        url = reverse("request-action", args=[sent.pk, name])
        response, body = _spied(client, url, THIRTY_MB, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 413, name
        assert body.reads == [], name
        page = response.content.decode()
        assert "This page takes files only from signed-in users: sign in and send them again." in page
    response, body = _spied(client, "/inbox/upload/", 3 * MB)
    assert (response.status_code, body.reads) == (413, [])


def test_anonymous_bodies_on_file_pages_get_the_anonymous_cap(world, sent):
    client = _csrf_client()
    url = reverse("request-action", args=[sent.pk, "message"])
    small = client.post(url, {"body": "流水"})  # no token: CSRF's own 403, as before; not the cap
    assert small.status_code == 403
    response, body = _spied(client, url, settings.REQUEST_BODY_ANONYMOUS_CAP + 1)
    assert (response.status_code, body.reads) == (413, [])


@pytest.mark.parametrize("url", ["/cases/new/", "/admin/orgs/user/add/", "/documents/batches/new/"])
def test_other_pages_take_only_the_anonymous_cap_from_strangers(world, url):
    """A second review: every page but the file pages kept Django's 2.5 MB for anybody, parsed by CSRF
    before login_required answered; now only a signed-in user may send a page more than 64 KB."""
    response, body = _spied(_csrf_client(), url, settings.REQUEST_BODY_ANONYMOUS_CAP + 1)
    assert (response.status_code, body.reads) == (413, [])
    signed_in = _csrf_client()
    signed_in.force_login(world.officer)
    response, _body = _spied(signed_in, url, settings.REQUEST_BODY_ANONYMOUS_CAP + 1)
    assert response.status_code != 413


def test_a_signed_in_liaisons_upload_over_the_anonymous_cap_still_gets_in(client, world, sent):
    client.force_login(world.liaison)
    big = PDF + b"0" * (3 * MB)
    url = reverse("request-action", args=[sent.pk, "message"])
    response = client.post(url, {"body": "流水", "attachments": [upload("流水.pdf", big)]})
    assert response.status_code == 302
    assert RequestAttachment.objects.get(request=sent).size == len(big)


def test_ordinary_requests_do_not_load_the_session_for_the_cap(world, sent):
    """The user is asked about only for a body over the anonymous cap on a signed-in-only path."""

    class Untouchable:
        @property
        def is_authenticated(self):
            raise AssertionError("the session was loaded")

    middleware = RequestBodyLimitMiddleware(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    for path, length in ((f"/requests/{sent.pk}/actions/message/", 1000), ("/cases/new/", 60 * 1024),
                         (f"{API}/requests/{sent.pk}/reply/", 30 * MB), ("/verify/", 3 * MB)):  # fmt: skip
        request = factory.post(path, b"{}", content_type="application/json")
        request.META["CONTENT_LENGTH"] = str(length)
        request.user = Untouchable()
        assert middleware(request).status_code == 200, path


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key", "Bearer elk_0000000000000000"])
@pytest.mark.parametrize("kind", ["reply", "messages"])
@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data; boundary=x"])
def test_the_api_refuses_a_caller_without_a_key_before_reading_its_body(world, sent, authorization, kind,
                                                                        content_type):  # fmt: skip
    """Why the API's file caps need no sign-in column: DRF views are CSRF-exempt and authenticate
    from the headers first, so a 30 MB body without a valid key gets 401 without being read."""
    from rest_framework.test import APIClient

    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response, body = _spied(APIClient(), f"{API}/requests/{sent.pk}/{kind}/", THIRTY_MB,
                            content_type=content_type, HTTP_IDEMPOTENCY_KEY="k1", **extra)  # fmt: skip
    assert response.status_code == 401, response.content
    assert body.reads == []
