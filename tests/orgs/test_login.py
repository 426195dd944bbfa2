"""Sign-in: password, lockout (django-axes), optional and required TOTP two-factor, logout, language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from enforcelink.core.models import AuditEvent
from enforcelink.orgs import twofactor
from tests.orgs.conftest import PASSWORD, current_code, wrong_code

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_login_page_has_the_fields_the_browser_test_uses(client):
    html = client.get(LOGIN).content.decode()
    assert 'id="id_username"' in html and 'id="id_password"' in html
    assert 'type="submit"' in html and "csrfmiddlewaretoken" in html


def test_login_ok_goes_to_the_workbench(client, world):
    response = sign_in(client, "officer")
    assert response.status_code == 302 and response["Location"] == reverse("workbench")
    assert client.get(reverse("workbench")).status_code == 200


def test_login_keeps_a_safe_next_and_drops_a_foreign_one(client, world):
    assert sign_in(client, "officer", next="/cases/")["Location"] == "/cases/"
    client.post("/logout/")
    assert sign_in(client, "officer", next="https://evil.example/")["Location"] == reverse("workbench")


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, world):
    response = sign_in(client, "officer", "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_lockout_after_the_failure_limit_even_with_the_right_password(client, world):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(client, "officer", "wrong-password").status_code == 200
    assert sign_in(client, "officer", "wrong-password").status_code == 429
    locked = sign_in(client, "officer")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "orgs/lockout.html" in [t.name for t in locked.templates]


def test_lockout_is_per_user_and_address_so_colleagues_still_sign_in(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", "wrong-password")
    assert sign_in(client, "colleague").status_code == 302


def test_axes_reset_lifts_the_lock(client, world):
    from django.core.management import call_command

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", "wrong-password")
    call_command("axes_reset_username", "officer")
    assert sign_in(client, "officer").status_code == 302


def test_logout_is_post_only(client, world):
    client.force_login(world.officer)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(client, world):
    response = client.get(reverse("two_factor"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- two-factor sign-in -------------------------------------------------------------------------


def test_user_with_a_device_is_not_logged_in_by_the_password_alone(client, enrolled):
    response = sign_in(client, "officer")
    assert response["Location"] == reverse("login_verify")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("workbench"))["Location"].startswith(LOGIN)


def test_the_code_completes_the_sign_in_and_marks_the_session_verified(client, world, enrolled):
    sign_in(client, "officer", next="/cases/")
    response = client.post(reverse("login_verify"), {"token": current_code(enrolled)})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert int(client.session["_auth_user_id"]) == world.officer.pk
    assert client.session["otp_device_id"] == enrolled.persistent_id


def test_a_wrong_code_is_refused_beside_the_field(client, enrolled):
    sign_in(client, "officer")
    response = client.post(reverse("login_verify"), {"token": wrong_code(enrolled)})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert response.context["form"].errors["token"]


@pytest.mark.parametrize("token", ["", "12345", "abcdef", "1234567"])
def test_a_malformed_code_names_the_field(client, enrolled, token):
    sign_in(client, "officer")
    response = client.post(reverse("login_verify"), {"token": token})
    assert response.status_code == 200
    assert "token" in response.context["form"].errors


def test_the_code_step_without_a_password_step_goes_back_to_login(client, enrolled):
    response = client.post(reverse("login_verify"), {"token": current_code(enrolled)})
    assert response["Location"] == reverse("login")


def test_an_expired_password_step_goes_back_to_login(client, enrolled, monkeypatch):
    sign_in(client, "officer")
    monkeypatch.setattr(twofactor, "PENDING_SECONDS", -1)
    assert client.post(reverse("login_verify"), {"token": current_code(enrolled)})["Location"] == "/login/"


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("two_factor"))
    assert page.context["qr"].startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user=world.officer, confirmed=False)
    response = client.post(reverse("two_factor"), {"action": "confirm", "token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="auth.2fa_enabled", object_id=str(world.officer.pk)).exists()
    assert client.get(reverse("two_factor")).context["enabled"] is True


def test_enrolment_with_a_wrong_code_stays_unconfirmed(client, world):
    client.force_login(world.officer)
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=world.officer)
    response = client.post(reverse("two_factor"), {"action": "confirm", "token": wrong_code(device)})
    assert response.status_code == 200 and response.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed


def test_switching_off_needs_a_current_code(client, world, enrolled):
    client.force_login(world.officer)
    client.post(reverse("two_factor"), {"action": "disable", "token": wrong_code(enrolled)})
    assert TOTPDevice.objects.filter(user=world.officer).exists()
    enrolled.refresh_from_db()  # the failed attempt raised the throttle
    enrolled.throttle_reset()
    client.post(reverse("two_factor"), {"action": "disable", "token": current_code(enrolled)})
    assert not TOTPDevice.objects.filter(user=world.officer).exists()
    assert AuditEvent.objects.filter(action="auth.2fa_disabled").exists()


def test_required_role_is_sent_to_enrol_and_held_there(client, world, settings):
    settings.REQUIRE_2FA_ROLES = ["president"]
    response = sign_in(client, "president")
    assert response["Location"] == reverse("two_factor")
    assert client.get(reverse("workbench"))["Location"] == reverse("two_factor")
    api = client.get("/api/v1/cases/")
    assert api.status_code == 403 and api.json()["code"] == "2FA_REQUIRED"
    assert client.get(reverse("two_factor")).context["required"] is True
    device = TOTPDevice.objects.get(user=world.president)
    client.post(reverse("two_factor"), {"action": "confirm", "token": current_code(device)})
    assert client.get(reverse("workbench")).status_code == 200


def test_role_not_listed_is_not_held(client, world, settings):
    settings.REQUIRE_2FA_ROLES = ["president"]
    sign_in(client, "officer")
    assert client.get(reverse("workbench")).status_code == 200


def test_a_court_can_require_two_factor_for_its_staff(client, world):
    world.court.require_2fa = True
    world.court.save()
    assert sign_in(client, "officer")["Location"] == reverse("two_factor")
    assert twofactor.required_for(world.officer)
    assert not twofactor.required_for(world.outsider)


def test_required_two_factor_cannot_be_switched_off_by_the_user(client, world, enrolled, settings):
    settings.REQUIRE_2FA_ROLES = ["officer"]
    client.force_login(world.officer)
    client.post(reverse("two_factor"), {"action": "disable", "token": current_code(enrolled)})
    assert TOTPDevice.objects.filter(user=world.officer, confirmed=True).exists()


def test_admin_login_page_forwards_to_the_one_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/admin/"


# --- language -----------------------------------------------------------------------------------


def test_login_page_speaks_simplified_chinese_by_default(client):
    html = client.get(LOGIN).content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html


def test_login_page_in_english_when_asked(client):
    html = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in html and "Log in" in html
    assert "登录" not in html


def test_language_switch_sets_the_language_for_the_next_pages(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": LOGIN})
    assert response.status_code == 302 and response["Location"] == LOGIN
    html = client.get(LOGIN).content.decode()
    assert 'lang="zh-hant"' in html and "登錄" in html


# --- security basics ----------------------------------------------------------------------------


def test_csrf_is_enforced_on_sign_in_and_logout(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(LOGIN, {"username": "officer", "password": PASSWORD}).status_code == 403
    strict.force_login(world.officer)
    assert strict.post("/logout/").status_code == 403
    token_page = strict.get(reverse("two_factor"))
    assert "csrfmiddlewaretoken" in token_page.content.decode()


def test_pages_refuse_framing_and_sniffing(client):
    response = client.get(LOGIN)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
