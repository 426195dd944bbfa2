"""Linkage pages: the officer sends to several units, the liaison answers in the inbox, both sides
use the thread; ownership on every page (issue 4 §4)."""

from __future__ import annotations

from django.urls import reverse

from enforcelink.linkage import actions
from enforcelink.linkage.models import AssistanceRequest, RequestMessage
from enforcelink.orgs.models import Role
from tests.factories import UserFactory
from tests.linkage.conftest import ask


def _send(client, case, units, **extra):
    data = {"request_type": "inquire_deposits", "purpose": "查询存款", "legal_basis": "民诉法第二百五十三条",
            "units": [u.pk for u in units], **extra}  # fmt: skip
    return client.post(reverse("case-requests", args=[case.pk]), data)


def test_officer_sends_one_request_per_unit(client, world, case):
    other_bank = world.unit.__class__.objects.create(region=world.region, name="綦江某银行", unit_type="bank")
    UserFactory(username="other_bank_liaison", unit=other_bank, role=Role.LIAISON)
    client.force_login(world.officer)
    response = _send(client, case, [world.unit, other_bank])
    assert response.status_code == 302
    assert set(AssistanceRequest.objects.values_list("unit__name", "status")) == {
        (world.unit.name, "sent"), ("綦江某银行", "sent")}  # fmt: skip
    page = client.get(reverse("case-requests", args=[case.pk])).content.decode()
    assert world.unit.name in page and "綦江某银行" in page


def test_a_unit_that_does_not_handle_the_type_is_refused_and_the_rest_sent(client, world, case, police):
    """Issue 14 §6: once all or nothing, naming only the first unit; now the bank's goes, and the
    result page says the police do not handle deposit inquiries."""
    client.force_login(world.officer)
    response = _send(client, case, [world.unit, police])
    assert response.status_code == 302
    assert list(AssistanceRequest.objects.values_list("unit__name", flat=True)) == [world.unit.name]
    page = client.get(response["Location"]).content.decode()
    assert 'data-unit="綦江区公安局" data-request-type="inquire_deposits" data-code="NOT_ON_LIST"' in page


def test_the_liaison_answers_with_the_result_form(client, world, draft):
    actions.request_send(draft, actor=world.officer)
    client.force_login(world.liaison)
    inbox = client.get(reverse("inbox")).content.decode()
    assert draft.case.number in inbox
    url = reverse("request-action", args=[draft.pk, "complete"])
    bad = client.post(url, {"found": "yes", "accounts-0-institution": "农商行", "accounts-0-account": "1",
                            "accounts-0-balance": "1.234"})  # fmt: skip
    assert bad.status_code == 400 and 'id="id_accounts-0-balance_error"' in bad.content.decode()
    good = client.post(url, {"found": "yes", "accounts-0-institution": "农商行", "accounts-0-account": "62170001",
                             "accounts-0-balance": "3000.00"})  # fmt: skip
    assert good.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "completed" and draft.result["accounts"] == [
        {"institution": "农商行", "account": "62170001", "balance": "3000.00"}]  # fmt: skip
    client.force_login(world.officer)
    assert "62170001" in client.get(reverse("case-requests", args=[draft.case.pk])).content.decode()


def test_notice_download_for_both_sides_and_nobody_else(client, world, draft):
    actions.request_send(draft, actor=world.officer)
    url = reverse("request-notice", args=[draft.pk, "pdf"])
    for user in (world.officer, world.liaison):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    for user in (world.other_liaison, world.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("request-detail", args=[draft.pk])).status_code == 404
        assert client.get(reverse("request-detail", args=[draft.pk + 1000])).status_code == 404
        assert client.post(reverse("request-action", args=[draft.pk, "acknowledge"])).status_code == 404


def test_thread_on_one_page_for_both_sides(client, world, draft):
    actions.request_send(draft, actor=world.officer)
    client.force_login(world.officer)
    client.post(reverse("request-action", args=[draft.pk, "message"]), {"body": "请今日回复"})
    client.force_login(world.liaison)
    client.post(reverse("request-action", args=[draft.pk, "message"]), {"body": "已在办理"})
    page = client.get(reverse("request-detail", args=[draft.pk])).content.decode()
    assert "请今日回复" in page and "已在办理" in page
    assert list(RequestMessage.objects.values_list("side", flat=True)) == ["court", "unit"]
    assert client.post(reverse("request-action", args=[draft.pk, "message"]), {"body": ""}).status_code == 400


def test_drafts_never_reach_the_inbox_and_the_inbox_is_for_units(client, world, draft):
    client.force_login(world.liaison)
    assert draft.case.number not in client.get(reverse("inbox")).content.decode()
    assert client.get(reverse("request-detail", args=[draft.pk])).status_code == 404
    client.force_login(world.officer)
    assert client.get(reverse("inbox")).status_code == 403


def test_a_wrong_state_is_explained_not_an_error(client, world, draft):
    actions.request_send(draft, actor=world.officer)
    actions.request_cancel(draft, reason="已履行", actor=world.officer)
    client.force_login(world.liaison)
    response = client.post(reverse("request-action", args=[draft.pk, "acknowledge"]), follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "cancelled"


def test_other_courts_cannot_open_or_send_on_the_case(client, world, case):
    client.force_login(world.outsider)
    assert client.get(reverse("case-requests", args=[case.pk])).status_code == 404
    assert _send(client, case, [world.unit]).status_code == 404
    client.force_login(world.supervisor)
    assert client.get(reverse("case-requests", args=[case.pk])).status_code == 200
    assert _send(client, case, [world.unit]).status_code == 404
    assert not AssistanceRequest.objects.exists()


def test_inbox_query_count_does_not_grow(client, world, case, django_assert_max_num_queries):
    for _ in range(3):
        actions.request_send(
            actions.request_create(case, ask(world.unit), actor=world.officer), actor=world.officer
        )
    client.force_login(world.liaison)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("inbox")).status_code == 200


def test_odd_input_never_breaks_a_page(client, world, case):
    client.force_login(world.officer)
    for query in ("?end=0001-01-01", "?start=0001-01-01", "?start=９９&end=²", "?end=9999-12-31"):
        assert client.get(reverse("unit-performance") + query).status_code == 200
    assert client.get(reverse("urging-rates") + "?year=²").status_code == 200
    data = {"remove": "applicants-²", "applicants-TOTAL_FORMS": "1", "respondents-TOTAL_FORMS": "1"}
    assert client.post(reverse("judgment-new"), data).status_code in (200, 400)
