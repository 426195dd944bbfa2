"""Pre-enforcement pages: register with errors beside the fields, notify, pay, convert; ownership."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.cases.models import Case
from enforcelink.urging.models import Judgment, JudgmentStatus
from tests.factories import PERSON_IDS, USCCS


def _form(**overrides):
    data = {
        "number": "（2026）渝0110民初555号",
        "basis_type": "judgment",
        "judge_name": "王法官",
        "effective_on": timezone.localdate().isoformat(),
        "performance_days": "10",
        "principal": "5000",
        "interest": "0",
        "costs": "0",
        "applicants-TOTAL_FORMS": "1",
        "applicants-INITIAL_FORMS": "0",
        "applicants-0-kind": "person",
        "applicants-0-name": "张三",
        "applicants-0-id_number": PERSON_IDS[0],
        "respondents-TOTAL_FORMS": "1",
        "respondents-INITIAL_FORMS": "0",
        "respondents-0-kind": "organisation",
        "respondents-0-name": "重庆某建材有限公司",
        "respondents-0-id_number": USCCS[0],
    }
    data.update(overrides)
    return data


def test_register_through_the_form(client, world):
    client.force_login(world.officer)
    response = client.post(reverse("judgment-new"), _form())
    judgment = Judgment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "judgment-detail", args=[judgment.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "（2026）渝0110民初555号" in page and "重庆某建材有限公司" in page


def test_errors_appear_beside_their_fields_and_nothing_is_saved(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("judgment-new"),
        _form(number="渝0110民初1号", **{"respondents-0-id_number": "91500110MA5U8XJ06X"}),
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Judgment.objects.exists()
    assert 'field-error" data-field="number"' in page
    assert 'id="id_respondents-0-id_number_error"' in page


def test_add_party_row_redisplays_without_judging(client, world):
    client.force_login(world.officer)
    response = client.post(reverse("judgment-new"), _form(add="respondents"))
    assert response.status_code == 200 and 'name="respondents-1-name"' in response.content.decode()
    assert not Judgment.objects.exists()


def test_notify_pay_and_convert_from_the_detail_page(client, world, judgment, overdue_judgment):
    client.force_login(world.officer)
    url = reverse("judgment-action", args=[judgment.pk, "notify"])
    assert client.post(url).status_code == 302
    assert judgment.documents.count() == 2
    page = client.get(reverse("judgment-detail", args=[judgment.pk])).content.decode()
    assert "执行风险提示书" in page or "enforcement risk notice" in page
    response = client.post(
        reverse("judgment-action", args=[judgment.pk, "performance"]),
        {"amount": "1.234", "performed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400 and 'data-field="amount"' in response.content.decode()
    response = client.post(reverse("judgment-action", args=[overdue_judgment.pk, "convert"]))
    case = Case.objects.get()
    assert response["Location"] == reverse("case-detail", args=[case.pk])
    overdue_judgment.refresh_from_db()
    assert overdue_judgment.status == JudgmentStatus.CONVERTED


def test_convert_too_early_shows_the_reason(client, world, judgment):
    client.force_login(world.officer)
    response = client.post(reverse("judgment-action", args=[judgment.pk, "convert"]), follow=True)
    assert response.status_code == 200 and not Case.objects.exists()


@pytest.mark.parametrize("name", ["judgment-detail"])
def test_another_courts_judgment_looks_missing(client, world, judgment, name):
    client.force_login(world.outsider)
    assert client.get(reverse(name, args=[judgment.pk])).status_code == 404
    assert client.get(reverse(name, args=[judgment.pk + 999])).status_code == 404
    assert client.post(reverse("judgment-action", args=[judgment.pk, "notify"])).status_code == 404
    assert judgment.number not in client.get(reverse("judgment-list")).content.decode()
    assert "王法官" not in client.get(reverse("urging-rates")).content.decode()


def test_supervisor_reads_but_cannot_act(client, world, judgment):
    client.force_login(world.supervisor)
    page = client.get(reverse("judgment-detail", args=[judgment.pk])).content.decode()
    assert judgment.number in page and 'id="notify-submit"' not in page
    assert client.post(reverse("judgment-action", args=[judgment.pk, "notify"])).status_code == 404
    assert client.get(reverse("judgment-new")).status_code == 403
    assert judgment.documents.count() == 0


def test_unknown_action_and_bad_year_do_not_error(client, world, judgment):
    client.force_login(world.officer)
    assert client.post(reverse("judgment-action", args=[judgment.pk, "explode"])).status_code == 404
    assert client.get(reverse("urging-rates") + "?year=abc").status_code == 200


def test_list_and_rates_query_counts_do_not_grow_with_rows(
    client, world, judgment, overdue_judgment, django_assert_max_num_queries
):
    client.force_login(world.officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("judgment-list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("urging-rates")).status_code == 200
