"""Administrators add template versions in the admin, through `template_save`; versions stay read-only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from enforcelink.core.models import AuditEvent
from enforcelink.documents.actions import active_template, shipped_body
from enforcelink.documents.models import DocumentKind, DocumentTemplate
from tests.factories import UserFactory

ADD = reverse("admin:documents_documenttemplate_add")
LIST = reverse("admin:documents_documenttemplate_changelist")
BODY = "# {{ court_name }}\n# 执行通知书\n= {{ document_number }}\n! {{ respondents }}：\n请履行。\n"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True, role="")


@pytest.fixture
def court_admin(world):
    return UserFactory(username="court_admin", role="admin", court=world.court)


@pytest.fixture
def other_admin(world):
    return UserFactory(username="other_admin", role="admin", court=world.other_court)


def _post(client, **data):
    values = {"kind": "execution_notice", "variant": "", "court": "", "body": BODY, "note": "措辞"}
    values.update(data)
    return client.post(ADD, values)


def _body_errors(response) -> list[str]:
    return response.context["adminform"].form.errors.get("body", [])


def test_superuser_saves_a_default(client, world, superuser):
    client.force_login(superuser)
    response = _post(client)
    assert response.status_code == 302
    template = DocumentTemplate.objects.get()
    assert (template.court, template.version, template.active, template.note) == (None, 1, True, "措辞")
    assert template.created_by == superuser
    assert active_template("execution_notice", world.court) == template
    assert AuditEvent.objects.filter(action="document_template.saved").count() == 1


def test_court_admin_saves_own_court_version(client, world, court_admin):
    client.force_login(court_admin)
    response = _post(client, court=world.court.pk)
    assert response.status_code == 302
    template = DocumentTemplate.objects.get()
    assert template.court == world.court and template.created_by == court_admin
    assert active_template("execution_notice", world.court) == template
    assert active_template("execution_notice", world.other_court) != template  # the default for them


def test_court_admin_cannot_pick_another_court_or_the_default(client, world, court_admin):
    """Another court's id answers exactly like an id that does not exist; nothing is saved."""
    client.force_login(court_admin)
    other = _post(client, court=world.other_court.pk)
    missing = _post(client, court=999999)
    assert other.status_code == missing.status_code == 200
    assert other.context["adminform"].form.errors == missing.context["adminform"].form.errors
    default = _post(client, court="")
    assert "court" in default.context["adminform"].form.errors
    assert not DocumentTemplate.objects.exists()


def test_court_admin_is_offered_only_their_court(client, world, court_admin):
    client.force_login(court_admin)
    form = client.get(ADD).context["adminform"].form
    assert list(form.fields["court"].queryset) == [world.court]


def test_court_admin_does_not_see_another_courts_versions(client, world, court_admin, other_admin):
    client.force_login(other_admin)
    assert _post(client, court=world.other_court.pk).status_code == 302
    theirs = DocumentTemplate.objects.get()
    client.force_login(court_admin)
    change = reverse("admin:documents_documenttemplate_change", args=[theirs.pk])
    missing = reverse("admin:documents_documenttemplate_change", args=[theirs.pk + 1000])
    # The admin redirects a missing object to the index with a message; theirs gets the same.
    assert client.get(change).status_code == client.get(missing).status_code == 302
    assert theirs.pk not in [t.pk for t in client.get(LIST).context["cl"].queryset]
    # Starting a new version "from" theirs does not leak its body.
    form = client.get(ADD + f"?from={theirs.pk}").context["adminform"].form
    assert not form.initial.get("body")


def test_unknown_placeholder_refused_beside_the_body_naming_it(client, world, superuser):
    client.force_login(superuser)
    with translation.override("zh-hans"):
        response = _post(client, body=BODY + "{{ salary }}\n")
    assert response.status_code == 200
    errors = _body_errors(response)
    assert errors == ["未知的占位符：salary。"]
    assert not DocumentTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action="document_template.saved").exists()


def test_syntax_error_names_its_line(client, world, superuser):
    client.force_login(superuser)
    response = _post(client, body="# {{ court_name }}\n{% if x %}\n")
    assert any("2" in error for error in _body_errors(response))
    assert not DocumentTemplate.objects.exists()


def test_unknown_variant_refused_beside_the_variant(client, world, superuser):
    client.force_login(superuser)
    response = _post(client, kind="fine", variant="freeze")
    assert response.context["adminform"].form.errors.get("variant")
    assert not DocumentTemplate.objects.exists()


def test_body_uploaded_as_a_text_file(client, world, superuser):
    client.force_login(superuser)
    upload = SimpleUploadedFile("notice.txt", ("\ufeff" + BODY).encode("utf-8"), content_type="text/plain")
    response = _post(client, body="", body_file=upload)
    assert response.status_code == 302
    assert DocumentTemplate.objects.get().body == BODY


def test_upload_that_is_not_utf8_is_refused(client, world, superuser):
    client.force_login(superuser)
    upload = SimpleUploadedFile("notice.txt", BODY.encode("gb18030"), content_type="text/plain")
    response = _post(client, body="", body_file=upload)
    assert response.context["adminform"].form.errors.get("body_file")
    assert not DocumentTemplate.objects.exists()


def test_versions_are_read_only_and_show_the_catalogue(client, world, superuser):
    template = active_template("assistance_notice", world.court, variant="freeze")
    client.force_login(superuser)
    page = client.get(reverse("admin:documents_documenttemplate_change", args=[template.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "{{ measure_amount_capital }}" in html  # the catalogue of the kind
    assert 'name="body"' not in html and "_save" not in html  # nothing to edit or save
    assert f"?from={template.pk}" in html
    form = client.get(ADD + f"?from={template.pk}").context["adminform"].form
    assert form.initial["body"] == shipped_body("assistance_notice", "freeze")
    assert form.initial["variant"] == "freeze"
    delete = reverse("admin:documents_documenttemplate_delete", args=[template.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert DocumentTemplate.objects.filter(pk=template.pk).exists()


def test_add_page_lists_placeholders_of_the_chosen_kind(client, world, court_admin):
    client.force_login(court_admin)
    page = client.get(ADD + "?kind=bounty_notice")
    assert page.status_code == 200
    catalogues = page.context["catalogues"]
    assert [str(label) for label, _table, chosen in catalogues if chosen] == [
        str(DocumentKind.BOUNTY_NOTICE.label)
    ]
    assert "{{ reward_capital }}" in page.content.decode()


@pytest.mark.parametrize("who", ["officer", "president", "liaison"])
def test_other_users_do_not_get_the_template_admin(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(ADD).status_code == 302  # to the sign-in page: not an administrator
    assert not DocumentTemplate.objects.exists()
