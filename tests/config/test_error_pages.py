"""Error pages in the product's look and the reader's language (issue 14 §7): the 403 page was
Django's bare English "403 Forbidden". 400, 403, 404 and the CSRF failure extend base.html; the 500
page extends errors/plain.html, which needs no request, no user and no database, since a failing
database is one reason it shows. Django's own handlers render these templates; DEBUG is False here
as in production (pytest-django's default)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.template import loader
from django.test import Client
from django.utils import translation

from tests.factories import file_case

LOOK = 'href="/static/enforcelink/app.css"'


def _page(response: HttpResponse) -> str:
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "lang"), [("en", "en"), ("zh-hans", "zh-hans"), ("zh-hant", "zh-hant")])
def test_404_is_the_products_page_in_the_readers_language(client, language, lang):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    html = _page(response)
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in html and LOOK in html and 'class="topbar"' in html
    assert 'class="card auth error-page"' in html and 'href="/login/"' in html


@pytest.mark.django_db
def test_404_for_someone_signed_in_says_what_happened_and_the_same_for_any_missing_page(client, world):
    """Byte for byte the same for another court's case and a case that does not exist: the page
    carries neither the address nor a CSRF token (it extends errors/plain.html, not base.html)."""
    theirs = file_case(world.other_court, world.outsider)
    client.force_login(world.officer)
    missing = client.get(f"/cases/{theirs.pk + 1000}/", HTTP_ACCEPT_LANGUAGE="en")
    not_ours = client.get(f"/cases/{theirs.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == not_ours.status_code == 404
    assert missing.content == not_ours.content
    html = _page(missing)
    assert "Page not found" in html and "not yours to see" in html and "Back to the workbench" in html
    assert LOOK in html and 'class="topbar"' in html


@pytest.mark.django_db
def test_403_says_why_in_the_products_look(client, world):
    client.force_login(world.liaison)  # a unit's liaison is not an approver
    response = client.get("/requests/approvals/", HTTP_ACCEPT_LANGUAGE="en")
    html = _page(response)
    assert response.status_code == 403
    assert LOOK in html and "You may not do this" in html and "Error 403" in html
    assert "Approvals are for the court president and team leaders." in html
    assert "<h1>403 Forbidden</h1>" not in html


@pytest.mark.django_db
def test_400_is_the_products_page(client):
    response = client.get("/login/", HTTP_HOST="not-our-host.example", HTTP_ACCEPT_LANGUAGE="en")
    html = _page(response)
    assert response.status_code == 400
    assert LOOK in html and "Request not understood" in html and "Nothing was saved" in html


@pytest.mark.django_db
def test_a_form_posted_without_its_csrf_token_is_explained(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "officer", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    html = _page(response)
    assert response.status_code == 403
    assert LOOK in html and "The form has expired" in html and "CSRF verification failed" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_500_is_the_products_page_in_the_readers_language(settings, language):
    settings.ROOT_URLCONF = "tests.config.error_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE=language)
    html = _page(response)
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html and LOOK in html and 'class="card auth error-page"' in html
    assert "RuntimeError" not in html and "a bug" not in html
    if language == "en":
        assert "Something went wrong" in html and "Error 500" in html


def test_the_500_page_renders_without_a_request_or_the_database():
    """No `db` mark: pytest-django fails any query. Django's server_error renders it this way."""
    with translation.override("en"):
        html = loader.get_template("500.html").render()
    assert "Something went wrong" in html and LOOK in html and '<a class="brand" href="/">' in html
