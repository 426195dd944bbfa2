"""Template versions: administrators upload, unknown placeholders are refused, one active version."""

from __future__ import annotations

import pytest

from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent
from enforcelink.documents.actions import active_template, shipped_body, template_save
from enforcelink.documents.models import DocumentKind, DocumentTemplate
from enforcelink.documents.placeholders import catalogue
from enforcelink.documents.policy import check_template

SHIPPED = [
    "execution_notice",
    "property_report_order",
    "assistance_notice",
    "consumption_restriction",
    "dishonest_listing",
    "bounty_notice",
    "fine",
    "detention",
    "summons",
    "exit_restriction",
    "consumption_lifting",
    "dishonest_deletion",
    "termination_ruling",
]


@pytest.fixture
def court_admin(world, django_user_model):
    return django_user_model.objects.create_user("court_admin", role="admin", court=world.court)


@pytest.mark.parametrize("kind", SHIPPED)
def test_shipped_defaults_use_only_their_catalogue(kind):
    body = shipped_body(kind)
    assert body is not None
    assert check_template(body, catalogue(kind))


def test_unknown_placeholder_upload_refused_naming_it(world, court_admin):
    with pytest.raises(DomainError) as caught:
        template_save(
            "execution_notice", "{{ case_number }} {{ salary }}", actor=court_admin, court=world.court
        )
    assert caught.value.code == "UNKNOWN_PLACEHOLDER"
    assert "salary" in str(caught.value.message)
    assert not DocumentTemplate.objects.exists()


def test_versions_increase_and_one_is_active(world, court_admin):
    first = template_save("risk_notice", "{{ case_number }}", actor=court_admin, court=world.court)
    second = template_save(
        "risk_notice", "{{ case_number }}！", actor=court_admin, court=world.court, note="wording"
    )
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert not first.active and second.active
    assert active_template(DocumentKind.RISK_NOTICE, world.court) == second
    assert AuditEvent.objects.filter(action="document_template.saved").count() == 2


def test_default_loaded_on_first_use(world):
    template = active_template(DocumentKind.EXECUTION_NOTICE, world.court)
    assert template.court is None and template.version == 1
    assert template.body == shipped_body("execution_notice")
    assert active_template(DocumentKind.EXECUTION_NOTICE, world.court) == template


@pytest.mark.parametrize("who", ["officer", "outsider", "president"])
def test_only_administrators_edit_templates(world, who):
    with pytest.raises(NotFound):
        template_save("risk_notice", "{{ case_number }}", actor=getattr(world, who), court=world.court)


def test_court_admin_cannot_edit_defaults_or_other_courts(world, court_admin):
    with pytest.raises(NotFound):
        template_save("risk_notice", "{{ case_number }}", actor=court_admin, court=None)
    with pytest.raises(NotFound):
        template_save("risk_notice", "{{ case_number }}", actor=court_admin, court=world.other_court)


def test_templates_visible_to(world, court_admin):
    own = template_save("risk_notice", "{{ case_number }}", actor=court_admin, court=world.court)
    default = active_template(DocumentKind.EXECUTION_NOTICE, world.court)
    assert set(DocumentTemplate.objects.visible_to(world.officer)) == {own, default}
    assert set(DocumentTemplate.objects.visible_to(world.outsider)) == {default}
    assert not DocumentTemplate.objects.visible_to(world.liaison).exists()
