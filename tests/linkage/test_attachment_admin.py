"""Operators (platform superusers) look into the files on requests in the admin, read-only, each
download on the trail; staff with the view permission, court administrators and court staff see none."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from enforcelink.core.models import AuditEvent
from enforcelink.linkage import actions
from enforcelink.linkage.attachments import Upload
from enforcelink.linkage.models import RequestAttachment
from tests.factories import UserFactory
from tests.linkage.test_attachments import PDF, PNG

LIST = "admin:linkage_requestattachment_changelist"


@pytest.fixture
def files(world, draft):
    sent = actions.request_send(draft, actor=world.officer)
    actions.message_post(sent, body="请看", actor=world.officer, attachments=[Upload("裁定书.pdf", PDF)])
    actions.message_post(sent, body="", actor=world.liaison, attachments=[Upload("回执.png", PNG)])
    return list(RequestAttachment.objects.order_by("pk"))


def _download(attachment_id):
    return reverse("admin:linkage_requestattachment_download", args=[attachment_id])


@pytest.fixture
def operator(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True, role="")


def test_operators_list_the_files_without_their_bytes(client, operator, files, django_assert_max_num_queries):
    client.force_login(operator)
    with django_assert_max_num_queries(8):
        page = client.get(reverse(LIST))
    assert page.status_code == 200
    shown = list(page.context["cl"].result_list)
    assert {a.pk for a in shown} == {a.pk for a in files}
    assert all("content" in a.get_deferred_fields() for a in shown)  # the bytes only for a download
    text = page.content.decode()
    for attachment in files:
        assert attachment.name in text and attachment.sha256 in text and _download(attachment.pk) in text
    assert client.get(reverse(LIST), {"q": files[0].sha256}).context["cl"].result_count == 1


def test_the_admin_changes_nothing(client, operator, files):
    client.force_login(operator)
    attachment = files[0]
    change = reverse("admin:linkage_requestattachment_change", args=[attachment.pk])
    view = client.get(change)
    assert view.status_code == 200 and 'name="_save"' not in view.content.decode()
    assert client.post(change, {"name": "x.pdf"}).status_code == 403
    assert client.get(reverse("admin:linkage_requestattachment_add")).status_code == 403
    delete = reverse("admin:linkage_requestattachment_delete", args=[attachment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    attachment.refresh_from_db()
    assert attachment.name == "裁定书.pdf" and RequestAttachment.objects.count() == len(files)


def test_an_operators_download_is_the_file_and_on_the_trail(client, operator, files, world):
    client.force_login(operator)
    attachment = files[0]
    response = client.get(_download(attachment.pk))
    assert response.status_code == 200 and response.content == PDF
    assert hashlib.sha256(response.content).hexdigest() == attachment.sha256
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    [entry] = AuditEvent.objects.filter(action="attachment.downloaded")
    assert (entry.actor_id, entry.object_id, entry.court_id) == (
        operator.pk,
        str(attachment.pk),
        world.court.pk,
    )
    assert entry.case_id == attachment.request.case_id and entry.after["sha256"] == attachment.sha256


def test_a_missing_id_is_the_same_404(client, operator, files):
    client.force_login(operator)
    missing = client.get(_download(files[-1].pk + 1000))
    assert missing.status_code == 404
    assert client.get(_download("abc")).status_code == 404
    assert client.get(_download("9" * 25)).status_code == 404


def test_staff_with_the_view_permission_see_nothing(client, files):
    staff = UserFactory(username="staff", is_staff=True, role="")
    staff.user_permissions.add(Permission.objects.get(codename="view_requestattachment"))
    client.force_login(staff)
    page = client.get(reverse(LIST))
    assert page.status_code == 200 and list(page.context["cl"].result_list) == []
    theirs, missing = client.get(_download(files[0].pk)), client.get(_download(files[-1].pk + 1000))
    assert theirs.status_code == missing.status_code == 404 and theirs.content == missing.content
    change = client.get(reverse("admin:linkage_requestattachment_change", args=[files[0].pk]))
    assert change.status_code == 302  # "does not exist", as for a missing id
    assert not AuditEvent.objects.filter(action="attachment.downloaded").exists()


def test_court_administrators_and_court_staff_see_nothing(client, world, files):
    court_admin = UserFactory(username="court_admin", court=world.court, role="admin")
    client.force_login(court_admin)
    assert client.get(reverse(LIST)).status_code == 403
    assert client.get(_download(files[0].pk)).status_code == 404
    client.force_login(world.officer)
    assert client.get(reverse(LIST)).status_code == 302  # not let into the admin at all
    assert client.get(_download(files[0].pk)).status_code == 302
