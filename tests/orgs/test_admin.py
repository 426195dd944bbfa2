"""The Django admin: pages work for a superuser, changes go on the trail, API keys show the secret once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcelink.core.audit import verify
from enforcelink.core.models import AuditEvent
from enforcelink.orgs.models import ApiKey, Court, Region, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = ["region", "court", "team", "linkageunit", "supervisorybody", "user", "apikey"]


@pytest.mark.parametrize("model", MODELS)
def test_superuser_opens_every_list_and_add_page(client, world, superuser, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:orgs_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:orgs_{model}_add")).status_code == 200


def test_change_pages_open(client, world, superuser):
    client.force_login(superuser)
    for url in [
        reverse("admin:orgs_court_change", args=[world.court.pk]),
        reverse("admin:orgs_linkageunit_change", args=[world.unit.pk]),
        reverse("admin:orgs_user_change", args=[world.liaison.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_ordinary_users_do_not_get_in(client, world):
    client.force_login(world.officer)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2F"
    assert response.status_code == 200 and b"id_username" in response.content


def test_adding_a_court_validates_the_code_and_goes_on_the_trail(client, world, superuser):
    """R-ID-03: the court code has its form."""
    client.force_login(superuser)
    url = reverse("admin:orgs_court_add")
    data = {
        "name": "重庆市江津区人民法院",
        "level": "basic",
        "region": world.region.pk,
        "small_claim_threshold": "50000.00",
        "teams-TOTAL_FORMS": "1",
        "teams-INITIAL_FORMS": "0",
        "teams-0-name": "执行一组",
        "teams-0-active": "on",
    }
    bad = client.post(url, {**data, "code": "XX0116"})
    assert bad.status_code == 200 and "code" in bad.context["adminform"].form.errors
    assert not Court.objects.filter(name="重庆市江津区人民法院").exists()
    good = client.post(url, {**data, "code": "渝0116"})
    assert good.status_code == 302
    court = Court.objects.get(code="渝0116")
    assert court.teams.get().name == "执行一组"
    assert (
        AuditEvent.objects.filter(action="admin.created", object_type__endswith="team").count() == 1
    )  # inline
    event = AuditEvent.objects.get(
        action="admin.created", object_id=str(court.pk), object_type__endswith="court"
    )
    assert event.actor_id == superuser.pk and event.court_id == court.pk
    assert verify() is None


def test_adding_a_region_computes_its_path(client, world, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:orgs_region_add"), {"code": "500116", "name": "江津区", "parent": ""}
    )
    assert response.status_code == 302
    assert Region.objects.get(code="500116").path == "500116/"


def test_adding_a_person_checks_role_against_organisation(client, world, superuser):
    client.force_login(superuser)
    data = {"username": "new_liaison", "password1": "Zq8!long-pass", "password2": "Zq8!long-pass"}
    bad = client.post(reverse("admin:orgs_user_add"), {**data, "role": Role.LIAISON})
    assert bad.status_code == 200 and not User.objects.filter(username="new_liaison").exists()
    good = client.post(reverse("admin:orgs_user_add"), {**data, "role": Role.LIAISON, "unit": world.unit.pk})
    assert good.status_code == 302
    created = User.objects.get(username="new_liaison")
    assert created.unit == world.unit and created.check_password("Zq8!long-pass")
    assert "password1" not in str(
        AuditEvent.objects.get(action="admin.created", object_id=str(created.pk)).after
    )


def test_api_key_secret_is_shown_once_and_only_its_hash_stored(client, world, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:orgs_apikey_add"), {"unit": world.unit.pk, "name": "银行系统"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("el_") and secret in response.content.decode()
    key = ApiKey.objects.get()
    assert key.key_hash == ApiKey.hash_secret(secret) and secret not in (key.key_hash, key.prefix)
    page = client.get(reverse("admin:orgs_apikey_change", args=[key.pk])).content.decode()
    assert secret not in page
    assert AuditEvent.objects.filter(action="apikey.issued").exists()
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code != 401


def test_api_keys_are_revoked_not_deleted(client, world, superuser):
    client.force_login(superuser)
    client.post(reverse("admin:orgs_apikey_add"), {"unit": world.unit.pk, "name": "k"})
    key = ApiKey.objects.get()
    client.post(reverse("admin:orgs_apikey_changelist"), {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEvent.objects.filter(action="apikey.revoked").exists()


def test_reset_two_factor_action(client, world, superuser):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.officer, name="a", confirmed=True)
    client.force_login(superuser)
    client.post(
        reverse("admin:orgs_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [world.officer.pk]},
    )
    assert not TOTPDevice.objects.filter(user=world.officer).exists()


def test_staff_who_are_not_superusers_see_only_their_scope(client, world):
    from django.contrib.auth.models import Permission

    admin = UserFactory(username="court_admin", court=world.court, role=Role.ADMIN, is_staff=True)
    admin.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(admin)
    listed = client.get(reverse("admin:orgs_user_changelist")).context["cl"].result_list
    assert {u.username for u in listed} == {"officer", "colleague", "president", "command", "court_admin"}
    outsider = client.get(reverse("admin:orgs_user_change", args=[world.outsider.pk]))
    assert outsider.status_code == 302  # the admin's "does not exist" redirect, same as a missing id
    form = client.get(reverse("admin:orgs_user_change", args=[world.officer.pk])).context["adminform"].form
    assert set(form.fields["court"].queryset) == {world.court}
    assert "is_superuser" not in form.fields


@pytest.fixture
def court_admin(world):
    return UserFactory(username="court_admin", court=world.court, role=Role.ADMIN)


def test_court_administrator_gets_in_without_the_staff_flag(client, world, court_admin):
    client.force_login(court_admin)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    models = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert {"Court", "Team", "User", "LinkageUnit"} <= models
    assert not {"Region", "ApiKey", "SupervisoryBody"} & models
    assert client.get(reverse("admin:orgs_apikey_changelist")).status_code == 403


def test_court_administrator_sees_and_changes_only_their_court(client, world, court_admin, superuser):
    client.force_login(court_admin)
    courts = client.get(reverse("admin:orgs_court_changelist")).context["cl"].result_list
    assert list(courts) == [world.court]
    assert client.get(reverse("admin:orgs_court_change", args=[world.other_court.pk])).status_code == 302
    people = {u.username for u in client.get(reverse("admin:orgs_user_changelist")).context["cl"].result_list}
    assert "outsider" not in people and "liaison" not in people and "root" not in people
    assert "officer" in people
    form = client.get(reverse("admin:orgs_court_change", args=[world.court.pk])).context["adminform"].form
    assert "code" not in form.fields  # read-only for a court administrator


def test_court_administrator_adds_people_to_their_own_court_only(client, world, court_admin):
    client.force_login(court_admin)
    page = client.get(reverse("admin:orgs_user_add"))
    form = page.context["adminform"].form
    assert "unit" not in form.fields and "body" not in form.fields
    assert {value for value, _ in form.fields["role"].choices} - {""} <= {
        "officer",
        "team_leader",
        "command",
        "president",
        "admin",
        "fund_clerk",
    }
    data = {"username": "new_officer", "password1": "Zq8!long-pass", "password2": "Zq8!long-pass"}
    response = client.post(
        reverse("admin:orgs_user_add"), {**data, "role": Role.OFFICER, "court": world.other_court.pk}
    )
    assert response.status_code == 200  # the other court is not a choice
    response = client.post(
        reverse("admin:orgs_user_add"), {**data, "role": Role.OFFICER, "court": world.court.pk}
    )
    assert response.status_code == 302
    created = User.objects.get(username="new_officer")
    assert created.court == world.court and not created.is_staff and not created.is_superuser


def test_court_administrator_manages_teams(client, world, court_admin):
    client.force_login(court_admin)
    response = client.post(
        reverse("admin:orgs_team_add"), {"court": world.court.pk, "name": "执行二组", "active": "on"}
    )
    assert response.status_code == 302
    refused = client.post(
        reverse("admin:orgs_team_add"), {"court": world.other_court.pk, "name": "执行九组", "active": "on"}
    )
    assert refused.status_code == 200 and "court" in refused.context["adminform"].form.errors


def test_authenticator_secrets_are_not_shown_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def _posted(page):
    """The change page's form as the browser would post it back, inline formsets included."""
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        forms += formset.initial_forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value not in (None, False):
                data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_inline_team_edits_go_on_the_trail_with_their_before_values(client, world, superuser):
    client.force_login(superuser)
    url = reverse("admin:orgs_court_change", args=[world.court.pk])
    data = _posted(client.get(url))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data[f"{prefix}-0-name"] = "执行一团队"
    data[f"{prefix}-TOTAL_FORMS"] = "2"
    data.update(
        {f"{prefix}-1-name": "执行三组", f"{prefix}-1-active": "on", f"{prefix}-1-court": world.court.pk}
    )
    data["name"] = "重庆市綦江区人民法院（新）"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    changed = AuditEvent.objects.filter(action="admin.changed").order_by("seq")
    court_event = next(e for e in changed if e.object_type.endswith("court"))
    assert court_event.before == {"name": "重庆市綦江区人民法院"}
    team_event = next(e for e in changed if e.object_type.endswith("team"))
    assert team_event.before == {"name": "执行一组"} and team_event.after == {"name": "执行一团队"}
    assert AuditEvent.objects.filter(action="admin.created", after__name="执行三组").exists()
    assert verify() is None
