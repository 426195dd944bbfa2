"""Issue 14 §8: the responsibility lists in the admin. The shipped lists (policy.DEFAULT_LISTS) show
there line by line as they apply now; an override pre-filled from a shipped line takes effect on the
next request; unit types and attachments are choices; only the operator changes the lists."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from enforcelink.core.models import AuditEvent
from enforcelink.linkage import actions, policy, queries
from enforcelink.linkage.models import Responsibility
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UserFactory
from tests.linkage.conftest import ask

pytestmark = pytest.mark.django_db

LISTS = reverse("admin:linkage_responsibility_changelist")
ADD = reverse("admin:linkage_responsibility_add")


@pytest.fixture
def root(client):
    """The operator, reading the admin in English (one test below reads it as it comes: Chinese)."""
    user = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def _row(page, unit_type: str, request_type: str) -> str:
    html = page.content.decode()
    found = re.search(
        rf'<tr data-unit-type="{unit_type}" data-request-type="{request_type}".*?</tr>', html, re.S
    )
    assert found, (unit_type, request_type)
    return found.group(0)


def test_the_operator_sees_every_shipped_line_with_no_row_in_the_table(
    client, root, django_assert_max_num_queries
):
    assert not Responsibility.objects.exists()
    with django_assert_max_num_queries(12):
        page = client.get(LISTS)
    assert page.status_code == 200
    html = page.content.decode()
    shown = set(re.findall(r'<tr data-unit-type="(\w+)" data-request-type="(\w+)"', html))
    assert shown == {
        (kind, request_type) for kind, entries in policy.DEFAULT_LISTS.items() for request_type in entries
    }
    deduct = _row(page, "bank", "deduct")
    assert "Deduct" in deduct and "2 working days" in deduct and "Enforcement ruling" in deduct
    assert "Shipped" in deduct and "Override" in deduct
    assert "the same day" in _row(page, "police", "locate_person")  # an SLA of 0: due the day it is sent
    one_type = client.get(LISTS, {"unit_type__exact": "tax"})
    assert set(re.findall(r'<tr data-unit-type="(\w+)"', one_type.content.decode())) == {"tax"}


def test_an_override_made_from_a_shipped_line_takes_effect(client, root, world, case):
    page = client.get(LISTS)
    href = unescape(re.search(r'href="([^"]+)">Override<', _row(page, "bank", "inquire_deposits")).group(1))
    form = client.get(href).context["adminform"].form
    assert {name: form.initial.get(name) for name in ("unit_type", "request_type", "sla_amount", "sla_unit")} == {
        "unit_type": "bank", "request_type": "inquire_deposits", "sla_amount": "3", "sla_unit": "working_days"
    }  # fmt: skip
    assert form.initial["attachments"] == ["assistance_notice"] and form.initial["needs_approval"] is False
    data = {"unit_type": "bank", "unit": "", "request_type": "inquire_deposits", "sla_amount": "7",
            "sla_unit": "days", "needs_approval": "on", "attachments": ["assistance_notice"], "handled": "on"}  # fmt: skip
    assert client.post(ADD, data).status_code == 302
    assert AuditEvent.objects.filter(action="admin.created", object_type__endswith="responsibility").exists()

    request = actions.request_create(case, ask(world.unit), actor=world.officer)  # the linkage uses it
    assert (request.sla_amount, request.sla_unit, request.needs_approval) == (7, "days", True)

    row = _row(client.get(LISTS), "bank", "inquire_deposits")
    assert "Overridden" in row and "7 calendar days" in row and "shipped: 3 working days" in row
    assert "Restore the shipped line" in row
    override = Responsibility.objects.get()
    restore = reverse("admin:linkage_responsibility_delete", args=[override.pk])
    assert client.post(restore, {"post": "yes"}).status_code == 302
    assert (
        queries.responsibility_for(world.unit, "inquire_deposits")
        == policy.DEFAULT_LISTS["bank"]["inquire_deposits"]
    )


def test_a_type_row_that_takes_a_line_off_or_adds_one_shows_as_such(client, root):
    Responsibility.objects.create(unit_type="tax", request_type="inquire_tax", sla_amount=3,
                                  sla_unit="working_days", handled=False)  # fmt: skip
    Responsibility.objects.create(unit_type="tax", request_type="inquire_real_estate", sla_amount=4,
                                  sla_unit="working_days")  # fmt: skip
    page = client.get(LISTS, {"unit_type__exact": "tax"})
    off = _row(page, "tax", "inquire_tax")
    assert "Taken off the list" in off and ">Override<" not in off
    added = _row(page, "tax", "inquire_real_estate")
    assert "Added" in added and "4 working days" in added


def test_the_unit_type_is_one_the_platform_knows(client, root):
    data = {"unit_type": "spaceport", "unit": "", "request_type": "freeze", "sla_amount": "1",
            "sla_unit": "working_days", "handled": "on"}  # fmt: skip
    response = client.post(ADD, data)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors.as_data()["unit_type"]
    assert error.code == "invalid_choice" and not Responsibility.objects.exists()
    choices = [value for value, _label in response.context["adminform"].form.fields["unit_type"].choices]
    assert choices == ["", *UnitType.values]
    assert client.post(ADD, {**data, "unit_type": "maritime"}).status_code == 302


def test_the_attachment_checkboxes_offer_only_what_the_platform_makes(client, root):
    page = client.get(ADD)
    field = page.context["adminform"].form.fields["attachments"]
    assert [value for value, _label in field.choices] == list(policy.ATTACHMENT_KINDS)
    boxes = re.findall(r'<input type="checkbox" name="attachments" value="(\w+)"', page.content.decode())
    assert boxes == ["assistance_notice", "ruling"]


def test_a_court_administrator_reads_the_lists_and_changes_nothing(client, world):
    override = Responsibility.objects.create(unit_type="bank", request_type="freeze", sla_amount=1,
                                             sla_unit="working_days")  # fmt: skip
    court_admin = UserFactory(username="court_admin", court=world.court, role=Role.ADMIN)
    client.force_login(court_admin)
    page = client.get(LISTS, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-request-type="deduct"' in html  # they read the lists …
    assert ">Override<" not in html and "Restore the shipped line" not in html  # … and are offered no change
    data = {"unit_type": "bank", "unit": "", "request_type": "deduct", "sla_amount": "9",
            "sla_unit": "working_days", "handled": "on"}  # fmt: skip
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, data).status_code == 403
    change = reverse("admin:linkage_responsibility_change", args=[override.pk])
    assert client.post(change, {**data, "request_type": "freeze"}).status_code == 403
    delete = reverse("admin:linkage_responsibility_delete", args=[override.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    override.refresh_from_db()
    assert override.sla_amount == 1 and Responsibility.objects.count() == 1


@pytest.mark.parametrize("who", ["staff", "officer", "liaison", "outsider_admin"])
def test_nobody_but_the_operator_changes_the_lists(client, world, who):
    users = {
        "staff": lambda: UserFactory(username="staff", is_staff=True, role=""),
        "officer": lambda: world.officer,
        "liaison": lambda: world.liaison,
        "outsider_admin": lambda: UserFactory(
            username="other_admin", court=world.other_court, role=Role.ADMIN
        ),
    }
    client.force_login(users[who]())
    data = {"unit_type": "bank", "unit": "", "request_type": "deduct", "sla_amount": "9",
            "sla_unit": "working_days", "handled": "on"}  # fmt: skip
    assert client.post(ADD, data).status_code in (302, 403)  # the sign-in page, or refused
    assert not Responsibility.objects.exists()


def test_the_admin_is_in_chinese_and_in_the_products_look_by_default(client, world):
    operator = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    client.force_login(operator)
    html = client.get(LISTS).content.decode()
    assert '<html lang="zh-hans"' in html and "<title>职责清单 | 执行联动平台</title>" in html
    assert "执行联动平台管理" in html and 'class="el-brand-mark"' in html and "enforcelink/admin.css" in html
    assert "dark_mode.css" not in html  # light only, as the rest of the product
    assert "扣划" in _row(client.get(LISTS), "bank", "deduct")
