"""The admin: responsibility lists are edited there and every change is on the trail."""

from __future__ import annotations

from django.urls import reverse

from enforcelink.core.models import AuditEvent
from enforcelink.linkage import queries
from enforcelink.linkage.models import Responsibility
from tests.factories import UserFactory


def test_superuser_overrides_a_units_time_limit(client, world):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    client.force_login(root)
    assert client.get(reverse("admin:linkage_responsibility_changelist")).status_code == 200
    assert client.get(reverse("admin:linkage_assistancerequest_changelist")).status_code == 200
    data = {"unit_type": "", "unit": world.unit.pk, "request_type": "freeze", "sla_amount": "1",
            "sla_unit": "working_days", "attachments": "[]", "handled": "on"}  # fmt: skip
    assert client.post(reverse("admin:linkage_responsibility_add"), data).status_code == 302
    assert queries.responsibility_for(world.unit, "freeze").sla_amount == 1
    assert AuditEvent.objects.filter(action="admin.created", object_type__endswith="responsibility").exists()
    both = {**data, "unit_type": "bank"}
    response = client.post(reverse("admin:linkage_responsibility_add"), both)
    assert response.status_code == 200 and Responsibility.objects.count() == 1  # a type or a unit, not both


def test_court_staff_do_not_edit_lists(client, world):
    client.force_login(world.officer)
    assert client.get(reverse("admin:linkage_responsibility_changelist")).status_code == 302
