"""The request's 执行裁定书 on the pages and in the API: both sides download it, nobody else learns it
exists; the API names it like the notice; the admin accepts only attachments the platform makes."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from enforcelink.linkage import actions
from enforcelink.linkage.api import RequestSerializer, answers
from enforcelink.linkage.models import AssistanceRequest, Responsibility
from enforcelink.orgs.api_auth import api_key_issue
from tests.api.conftest import API
from tests.factories import UserFactory
from tests.linkage.conftest import ask, key_client


@pytest.fixture
def freeze(world, case):
    draft = actions.request_create(case, ask(world.unit, "freeze", amount="20000"), actor=world.officer)
    return actions.request_send(draft, actor=world.officer)


def _key_client(unit):
    _key, secret = api_key_issue(unit, name="核心系统", actor="test")
    return key_client(secret)


def test_both_sides_see_and_download_the_ruling(client, world, freeze):
    for user in (world.officer, world.liaison):
        client.force_login(user)
        page = client.get(reverse("request-detail", args=[freeze.pk])).content.decode()
        assert freeze.ruling.number in page and reverse("request-ruling", args=[freeze.pk, "pdf"]) in page
        for fmt, content_type in (("pdf", "application/pdf"), ("docx", "officedocument")):
            response = client.get(reverse("request-ruling", args=[freeze.pk, fmt]))
            assert response.status_code == 200 and content_type in response["Content-Type"]
            assert "attachment;" in response["Content-Disposition"]
    assert freeze.ruling.files.count() == 2  # rendered once, on the first download


def test_another_organisations_ruling_answers_like_a_missing_one(client, world, freeze):
    missing = reverse("request-ruling", args=[freeze.pk + 1000, "pdf"])
    for user in (world.other_liaison, world.outsider):
        client.force_login(user)
        theirs = client.get(reverse("request-ruling", args=[freeze.pk, "pdf"]))
        absent = client.get(missing)
        assert theirs.status_code == absent.status_code == 404
        assert theirs.content == absent.content
    assert not freeze.ruling.files.exists()  # nothing was rendered for them


def test_no_ruling_or_an_unknown_format_is_not_found(client, world, case, freeze):
    inquiry = actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer),
                                   actor=world.officer)  # fmt: skip
    client.force_login(world.officer)
    assert client.get(reverse("request-ruling", args=[inquiry.pk, "pdf"])).status_code == 404
    assert client.get(reverse("request-ruling", args=[freeze.pk, "exe"])).status_code == 404
    page = client.get(reverse("request-detail", args=[inquiry.pk])).content.decode()
    assert 'id="ruling"' not in page


def test_the_api_names_the_ruling_like_the_notice(world, freeze):
    body = _key_client(world.unit).get(f"{API}/requests/{freeze.pk}/").json()
    assert body["ruling_number"] == freeze.ruling.number and body["notice_number"] == freeze.notice.number
    assert _key_client(world.other_unit).get(f"{API}/requests/{freeze.pk}/").status_code == 404


def test_reply_answers_carry_the_ruling_exactly_as_the_serializer(world, case, freeze):
    """`api.answers` writes the reply page's answers by hand (REPLY_NAMES); they stay equal to
    RequestSerializer with the ruling, and without one."""
    inquiry = actions.request_send(actions.request_create(case, ask(world.unit), actor=world.officer),
                                   actor=world.officer)  # fmt: skip
    ids = [freeze.pk, inquiry.pk]
    named = list(
        AssistanceRequest.objects.only(*actions.REPLY_COLUMNS)
        .annotate(**actions.REPLY_NAMES)
        .filter(pk__in=ids)
        .order_by("pk")
    )
    whole = AssistanceRequest.objects.select_related("case__court", "unit", "notice", "ruling").filter(
        pk__in=ids
    )
    expected = [RequestSerializer(r).data for r in whole.order_by("pk")]
    got = answers(named)
    assert got == [dict(row) for row in expected]
    assert json.loads(JSONRenderer().render(got)) == json.loads(JSONRenderer().render(expected))
    assert [row["ruling_number"] for row in got] == [freeze.ruling.number, None]


def test_the_admin_accepts_only_attachments_the_platform_makes(client, world):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="")
    client.force_login(root)
    url = reverse("admin:linkage_responsibility_add")
    data = {"unit_type": "", "unit": world.unit.pk, "request_type": "freeze", "sla_amount": "1",
            "sla_unit": "working_days", "handled": "on"}  # fmt: skip
    # One checkbox per kind the platform makes; a forged post naming anything else is refused, coded.
    for bad, code in ((["assistance_notice", "bank_form"], "ATTACHMENT_UNAVAILABLE"),
                      (['"ruling"'], "ATTACHMENTS_INVALID"), (["[1]"], "ATTACHMENTS_INVALID")):  # fmt: skip
        response = client.post(url, {**data, "attachments": bad})
        assert response.status_code == 200, bad
        [error] = response.context["adminform"].form.errors.as_data()["attachments"]
        assert error.code == code, bad
    assert not Responsibility.objects.exists()
    good = client.post(url, {**data, "attachments": ["assistance_notice", "ruling"]})
    assert good.status_code == 302
    assert Responsibility.objects.get().attachments == ["assistance_notice", "ruling"]
