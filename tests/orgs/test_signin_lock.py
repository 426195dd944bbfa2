"""The sign-in lock against spraying and lockout abuse (issue 12 §5, orgs.signin_lock): a limit per
address across user names, per user name across addresses, and known devices that other people's
wrong passwords do not lock; client addresses behind the reverse proxy (core.net)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from enforcelink.core.net import client_address
from enforcelink.orgs import known_devices
from tests.orgs.conftest import PASSWORD, current_code

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
HOME = "198.51.100.7"
ELSEWHERE = "192.0.2.44"


def sign_in(client, username, password=PASSWORD, address=HOME, **extra):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def known_device(username: str, address: str = HOME) -> Client:
    """A browser that signed in as `username` once and signed out again."""
    device = Client()
    assert sign_in(device, username, address=address).status_code == 302
    assert known_devices.COOKIE in device.cookies
    device.post("/logout/", REMOTE_ADDR=address)
    return device


def test_88_wrong_passwords_over_22_user_names_lock_the_address(world):
    """The probe: 4 wrong passwords for each of 22 names stayed under the per-name limit of 5 and
    locked nothing. Now the address locks at its 20th failure, for every name."""
    attacker = Client()
    answers = [
        sign_in(attacker, f"user{n:02d}", "wrong-password", address=ATTACKER).status_code
        for n in range(22)
        for _ in range(4)
    ]
    limit = settings.SIGNIN_ADDRESS_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert answers[limit - 1 :] == [429] * (88 - limit + 1)
    # A name never tried, even with its right password, from that address: refused.
    refused = sign_in(attacker, "colleague", address=ATTACKER)
    assert refused.status_code == 429 and "_auth_user_id" not in attacker.session
    # Everybody else is unaffected.
    assert sign_in(Client(), "colleague", address=HOME).status_code == 302


def test_a_user_agent_posing_as_a_known_device_counts_as_unknown(world):
    """The review's bypass: failures were marked as a known device's by their stored user agent, which
    is the client's header; sending `known-device x` without the cookie escaped every counter."""
    attacker = Client(HTTP_USER_AGENT=f"{known_devices.TAG_PREFIX}x")
    answers = [
        sign_in(attacker, "president", "wrong-password", address=ATTACKER).status_code for _ in range(6)
    ]
    assert answers == [200] * 4 + [429] * 2
    sprayed = [
        sign_in(attacker, f"user{n:02d}", "wrong-password", address=ELSEWHERE).status_code for n in range(21)
    ]
    assert sprayed[-1] == 429


def test_a_long_user_agent_posing_as_a_known_device_is_stored_within_its_column(world):
    """Review: the mark in front made a 255-character header 264 characters, which PostgreSQL refuses:
    the failure was never stored (a 500 for a wrong password, a redirect for a right one)."""
    attacker = Client(HTTP_USER_AGENT=known_devices.TAG_PREFIX + "x" * 300)
    assert sign_in(attacker, "president", "wrong-password", address=ATTACKER).status_code == 200
    stored = AccessAttempt.objects.get(username="president").user_agent
    assert len(stored) <= 255 and not stored.startswith(known_devices.TAG_PREFIX)


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(world):
    attacker = Client()
    limit = settings.SIGNIN_ADDRESS_FAILURE_LIMIT
    for n in range(limit - 1):
        sign_in(attacker, f"user{n:02d}", "wrong-password", address=ATTACKER)
    assert sign_in(attacker, "liaison", address=ATTACKER).status_code == 302  # the attacker's own account
    attacker.post("/logout/", REMOTE_ADDR=ATTACKER)
    assert sign_in(attacker, "user99", "wrong-password", address=ATTACKER).status_code == 429


def test_five_wrong_passwords_for_the_president_do_not_lock_the_president_out(world):
    device = known_device("president", address=HOME)
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "president", "wrong-password", address=ATTACKER)
    assert sign_in(attacker, "president", address=ATTACKER).status_code == 429  # the attacker stays locked
    # The president's own browser, at home, and even behind the attacker's address (one NAT):
    assert sign_in(device, "president", address=HOME).status_code == 302
    device.post("/logout/", REMOTE_ADDR=ATTACKER)
    assert sign_in(device, "president", address=ATTACKER).status_code == 302
    # And from another address on a new device too: the lock was the attacker's address only.
    assert sign_in(Client(), "president", address=ELSEWHERE).status_code == 302


def test_guesses_from_many_addresses_lock_the_name_for_unknown_devices_only(world):
    device = known_device("president")
    limit = settings.SIGNIN_USERNAME_FAILURE_LIMIT
    for n in range(limit):
        sign_in(Client(), "president", "wrong-password", address=f"203.0.113.{n + 1}")
    assert sign_in(Client(), "president", address=ELSEWHERE).status_code == 429
    assert sign_in(device, "president", address=ELSEWHERE).status_code == 302


def test_a_known_device_has_its_own_count(world):
    device = known_device("president")
    limit = settings.AXES_FAILURE_LIMIT
    answers = [sign_in(device, "president", "wrong-password").status_code for _ in range(limit)]
    assert answers == [200] * (limit - 1) + [429]
    assert sign_in(device, "president").status_code == 429
    tags = set(AccessAttempt.objects.filter(username="president").values_list("user_agent", flat=True))
    assert len(tags) == 1 and tags.pop().startswith(known_devices.TAG_PREFIX)
    # Another browser at the same desk is not locked by the known device's typos.
    assert sign_in(Client(), "president").status_code == 302


def test_the_cookie_is_for_the_names_that_signed_in_and_cannot_be_forged(world):
    device = known_device("officer")
    cookie = device.cookies[known_devices.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "president", "wrong-password", address=ATTACKER)
    # The officer's device is not a known device for the president.
    assert sign_in(device, "president", address=ATTACKER).status_code == 429
    forged = Client()
    forged.cookies[known_devices.COOKIE] = cookie.value[:-3] + "abc"
    assert sign_in(forged, "president", address=ATTACKER).status_code == 429


def test_two_factor_users_become_known_after_the_code(world, enrolled):
    device = Client()
    sign_in(device, "officer")
    assert known_devices.COOKIE not in device.cookies  # the password alone is not a sign-in
    response = device.post(reverse("login_verify"), {"token": current_code(enrolled)}, REMOTE_ADDR=HOME)
    assert response.status_code == 302 and known_devices.COOKIE in device.cookies


# --- the client's address behind the proxy -------------------------------------------------------


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_address_is_the_peer_and_the_header_is_ignored():
    assert client_address(_request(ATTACKER, "10.9.9.9")) == ATTACKER


@override_settings(PROXY_COUNT=1)
def test_behind_one_proxy_the_address_is_the_one_the_proxy_saw():
    assert client_address(_request("127.0.0.1", ATTACKER)) == ATTACKER
    # What the client wrote itself stands further left and is not believed.
    assert client_address(_request("127.0.0.1", f"10.9.9.9, {ATTACKER}")) == ATTACKER
    # Not through the proxy, or a header that is no address: the peer.
    assert client_address(_request("127.0.0.1")) == "127.0.0.1"
    assert client_address(_request("127.0.0.1", "not-an-address")) == "127.0.0.1"


@override_settings(PROXY_COUNT=2)
def test_behind_two_proxies_the_second_address_from_the_right():
    assert client_address(_request("127.0.0.1", f"10.9.9.9, {ATTACKER}, 10.0.0.2")) == ATTACKER


@override_settings(PROXY_COUNT=1)
def test_behind_the_proxy_a_sprayer_locks_only_their_own_address(world):
    """All requests reach Django from the proxy (127.0.0.1): keyed on that, the spraying lock would
    have locked everybody."""
    attacker, colleague = Client(), Client()
    for n in range(settings.SIGNIN_ADDRESS_FAILURE_LIMIT):
        sign_in(
            attacker, f"user{n:02d}", "wrong-password", address="127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER
        )
    assert (
        sign_in(attacker, "colleague", address="127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    )
    assert sign_in(colleague, "colleague", address="127.0.0.1", HTTP_X_FORWARDED_FOR=HOME).status_code == 302
