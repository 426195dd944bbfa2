"""Session auth for people (CSRF on writes), per-unit API keys for machines; failures in the error shape."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from enforcelink.cases.models import Case
from enforcelink.core.errors import InvalidInput
from enforcelink.core.models import AuditEvent
from enforcelink.orgs.api_auth import api_key_issue, api_key_revoke
from enforcelink.orgs.models import ApiKey
from tests.api.conftest import API, filing_body


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_anonymous_gets_401_with_the_error_shape(db):
    response = APIClient().get(f"{API}/cases/")
    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert set(response.json()) == {"code", "message", "field"}
    assert response["WWW-Authenticate"] == "Bearer"


def test_anonymous_cannot_file(db):
    response = APIClient().post(f"{API}/cases/", filing_body(), format="json")
    assert response.status_code == 401
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "header",
    [
        "Bearer el_deadbeef_not-the-secret",
        "Bearer el_nounderscore",
        "Bearer el_",
    ],
)
def test_wrong_key_is_401(world, unit_key, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(f"{API}/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "AUTHENTICATION_FAILED"


def test_right_prefix_wrong_secret_is_401(world, unit_key):
    prefix = unit_key.split("_")[1]
    response = bearer(f"el_{prefix}_{'x' * 43}").get(f"{API}/me/")
    assert response.status_code == 401


def test_revoked_key_is_401_and_revocation_is_on_the_trail(world, unit_key):
    assert bearer(unit_key).get(f"{API}/me/").status_code == 200
    key = ApiKey.objects.get()
    api_key_revoke(key, actor=world.officer)
    response = bearer(unit_key).get(f"{API}/me/")
    assert (response.status_code, response.json()["code"]) == (401, "AUTHENTICATION_FAILED")
    assert AuditEvent.objects.filter(action="apikey.revoked", object_id=str(key.pk)).count() == 1


def test_key_use_is_recorded_and_only_the_hash_is_stored(world, unit_key):
    key = ApiKey.objects.get()
    assert unit_key not in key.key_hash and key.key_hash == ApiKey.hash_secret(unit_key)
    assert key.last_used_at is None
    bearer(unit_key).get(f"{API}/me/")
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    bearer(unit_key).get(f"{API}/me/")  # within the minute: not written again
    key.refresh_from_db()
    assert key.last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    bearer(unit_key).get(f"{API}/me/")
    key.refresh_from_db()
    assert key.last_used_at > first


def test_session_writes_need_the_csrf_token(world, client_for):
    client = client_for("officer", csrf=True)
    refused = client.post(f"{API}/cases/", filing_body(), format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "PERMISSION_DENIED"
    assert Case.objects.count() == 0
    client.cookies.load({"csrftoken": "a" * 32})
    accepted = client.post(f"{API}/cases/", filing_body(), format="json", HTTP_X_CSRFTOKEN="a" * 32)
    assert accepted.status_code == 201, accepted.json()


def test_key_clients_need_no_csrf_token(world, unit_key):
    """Bearer requests carry no cookie, so CSRF does not apply; the unit still may not file."""
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {unit_key}")
    response = client.post(f"{API}/cases/", filing_body(), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "PERMISSION_DENIED")


def test_issue_needs_a_name(world):
    with pytest.raises(InvalidInput) as caught:
        api_key_issue(world.unit, name="  ", actor="test")
    assert caught.value.field == "name"
    assert ApiKey.objects.count() == 0


def test_apikey_command_creates_lists_and_revokes(world):
    out = io.StringIO()
    call_command("apikey", "create", "--unit", str(world.unit.pk), "--name", "bank core", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    assert secret.startswith("el_")
    assert bearer(secret).get(f"{API}/me/").json()["unit"]["id"] == world.unit.pk
    prefix = secret.split("_")[1]
    listing = io.StringIO()
    call_command("apikey", "list", "--unit", str(world.unit.pk), stdout=listing)
    assert prefix in listing.getvalue() and secret not in listing.getvalue()
    call_command("apikey", "revoke", prefix, stdout=io.StringIO())
    assert bearer(secret).get(f"{API}/me/").status_code == 401
    assert AuditEvent.objects.filter(action="apikey.issued").count() == 1


def test_apikey_command_refuses_unknown_unit(db):
    with pytest.raises(CommandError):
        call_command("apikey", "create", "--unit", "999", "--name", "x", stdout=io.StringIO())
