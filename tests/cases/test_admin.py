"""Admin pages for cases and the shared kernel: case data read-only, node rules configurable per court
(R-CASE-01..04), the audit trail append-only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from enforcelink.cases.actions import lead_submit, suspension_start
from enforcelink.cases.models import NodeKind, NodeRule, Party, ProcessNode
from enforcelink.core.models import AuditEvent
from tests.cases.conftest import days_ago
from tests.factories import PERSON_IDS, UserFactory

CASE_MODELS = [
    "case",
    "party",
    "processnode",
    "assignment",
    "casesuspension",
    "extensionrequest",
    "assetlead",
]
CORE_MODELS = ["auditevent", "notification", "periodicclaim"]


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True, role="")


@pytest.fixture
def court_admin(world):
    user = UserFactory(username="court_admin", court=world.court, role="admin", is_staff=True)
    codenames = ["view_noderule", "add_noderule", "change_noderule", "view_case", "view_party"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_every_list_and_change_page_opens(client, world, root, fresh_case):
    lead_submit(fresh_case, description="线索", urgent=False, actor=world.officer)
    suspension_start(fresh_case, kind="audit", started_on=days_ago(1), reason="审计", actor=world.officer)
    client.force_login(root)
    for app, models in (("cases", [*CASE_MODELS, "noderule"]), ("core", CORE_MODELS)):
        for model in models:
            response = client.get(reverse(f"admin:{app}_{model}_changelist"))
            assert response.status_code == 200, model
    case_page = client.get(reverse("admin:cases_case_change", args=[fresh_case.pk]))
    assert case_page.status_code == 200
    # R-ID-05: the admin shows masked numbers only; the full view goes through the logged reveal.
    assert PERSON_IDS[0] not in case_page.content.decode()
    party = Party.objects.get(case=fresh_case, role="applicant")
    assert (
        PERSON_IDS[0] not in client.get(reverse("admin:cases_party_change", args=[party.pk])).content.decode()
    )


def test_case_data_and_trail_cannot_be_edited_in_the_admin(client, world, root, fresh_case):
    client.force_login(root)
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    event = AuditEvent.objects.filter(case_id=fresh_case.pk).first()
    response = client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403
    node = ProcessNode.objects.filter(case=fresh_case).first()
    response = client.post(reverse("admin:cases_processnode_change", args=[node.pk]), {"status": "done"})
    assert response.status_code == 403
    node.refresh_from_db()
    assert node.status == "open"


def test_court_admin_overrides_a_rule_for_their_court_only_r_case_01(client, world, court_admin):
    client.force_login(court_admin)
    default = NodeRule.objects.get(court=None, kind=NodeKind.EXECUTION_NOTICE)
    response = client.post(
        reverse("admin:cases_noderule_change", args=[default.pk]),
        {"kind": "execution_notice", "rule_id": "R-CASE-01", "amount": 1, "unit": "days", "on_filing": "on"},
    )
    assert response.status_code == 403  # the defaults are every court's
    response = client.post(
        reverse("admin:cases_noderule_add"),
        {
            "court": world.court.pk,
            "kind": "execution_notice",
            "rule_id": "R-CASE-01",
            "amount": 10,
            "unit": "days",
            "on_filing": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    override = NodeRule.objects.get(court=world.court, kind=NodeKind.EXECUTION_NOTICE)
    assert override.amount == 10
    assert AuditEvent.objects.filter(action="admin.created", object_id=str(override.pk)).exists()
    response = client.post(
        reverse("admin:cases_noderule_add"),
        {
            "court": world.other_court.pk,
            "kind": "network_inquiry",
            "rule_id": "R-CASE-02",
            "amount": 2,
            "unit": "days",
            "on_filing": "on",
        },
    )
    assert response.status_code == 200  # another court is not a choice
    assert not NodeRule.objects.filter(court=world.other_court).exists()


def test_court_admin_sees_only_their_courts_cases(client, world, court_admin, fresh_case):
    from tests.factories import file_case

    other = file_case(world.other_court, world.outsider)
    client.force_login(court_admin)
    page = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert fresh_case.number in page and other.number not in page
