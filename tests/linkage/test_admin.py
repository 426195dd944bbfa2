"""The admin: responsibility lists are edited there and every change is on the trail; operators
see dead-lettered webhook deliveries there and send them again."""

from __future__ import annotations

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from enforcelink.core.models import AuditEvent
from enforcelink.linkage import actions, queries
from enforcelink.linkage.models import Delivery, Responsibility, UnitEndpoint
from tests.factories import UserFactory
from tests.linkage.conftest import ask


def test_superuser_overrides_a_units_time_limit(client, world):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    client.force_login(root)
    assert client.get(reverse("admin:linkage_responsibility_changelist")).status_code == 200
    assert client.get(reverse("admin:linkage_assistancerequest_changelist")).status_code == 200
    data = {"unit_type": "", "unit": world.unit.pk, "request_type": "freeze", "sla_amount": "1",
            "sla_unit": "working_days", "handled": "on"}  # fmt: skip
    assert client.post(reverse("admin:linkage_responsibility_add"), data).status_code == 302
    assert queries.responsibility_for(world.unit, "freeze").sla_amount == 1
    assert AuditEvent.objects.filter(action="admin.created", object_type__endswith="responsibility").exists()
    both = {**data, "unit_type": "bank"}
    response = client.post(reverse("admin:linkage_responsibility_add"), both)
    assert response.status_code == 200 and Responsibility.objects.count() == 1  # a type or a unit, not both


def test_court_staff_do_not_edit_lists(client, world):
    client.force_login(world.officer)
    assert client.get(reverse("admin:linkage_responsibility_changelist")).status_code == 302


def _deliveries(world, case):
    """Two pushes to the bank's endpoint: one dead-lettered after its tries, one delivered."""
    UnitEndpoint.objects.create(unit=world.unit, url="http://127.0.0.1:9/hook", secret="s", max_attempts=3)
    made = [actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer)
            for _ in range(2)]  # fmt: skip
    dead, delivered = (Delivery.objects.get(request=request) for request in made)
    Delivery.objects.filter(pk=dead.pk).update(
        status="dead", attempts=3, last_status=503, last_error="HTTP 503"
    )
    Delivery.objects.filter(pk=delivered.pk).update(status="delivered", attempts=1, last_status=200)
    return dead, delivered


def _retry(client, *pks):
    data = {"action": "retry", ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], "index": "0"}
    return client.post(reverse("admin:linkage_delivery_changelist"), data, follow=True)


def test_operators_list_the_dead_deliveries_and_send_them_again(client, world, case):
    dead, delivered = _deliveries(world, case)
    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    client.force_login(root)
    page = client.get(reverse("admin:linkage_delivery_changelist"), {"status__exact": "dead"})
    assert page.status_code == 200
    assert [item.pk for item in page.context["cl"].result_list] == [dead.pk]
    assert "HTTP 503" in page.content.decode()
    answer = _retry(client, dead.pk, delivered.pk)  # a delivered one selected as well: left alone
    assert answer.status_code == 200 and len(list(answer.context["messages"])) == 1
    dead.refresh_from_db()
    delivered.refresh_from_db()
    assert dead.status == "pending" and dead.attempts == 0 and dead.next_attempt_at <= timezone.now()
    assert delivered.status == "delivered" and delivered.attempts == 1
    [entry] = AuditEvent.objects.filter(action="delivery.retried")
    assert entry.actor_id == root.pk and entry.object_id == str(dead.pk)
    _retry(client, dead.pk)  # pending now, not dead: nothing more happens
    assert AuditEvent.objects.filter(action="delivery.retried").count() == 1


def test_only_platform_operators_see_or_retry_deliveries(client, world, case):
    """Delivery logs are the operators' (superusers'): staff with the view permission see none and
    retry none; court staff do not get into the admin."""
    dead, _delivered = _deliveries(world, case)
    staff = UserFactory(username="staff", is_staff=True, role="")
    staff.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(staff)
    page = client.get(reverse("admin:linkage_delivery_changelist"))
    assert page.status_code == 200 and list(page.context["cl"].result_list) == []
    _retry(client, dead.pk)
    dead.refresh_from_db()
    assert dead.status == "dead" and not AuditEvent.objects.filter(action="delivery.retried").exists()
    client.force_login(world.officer)
    assert client.get(reverse("admin:linkage_delivery_changelist")).status_code == 302
