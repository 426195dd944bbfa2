"""The page after 发送 answers where the officer came from: a batch sent from one case's form is that
case's page (its number and count in the heading, back to the case, each request linked with its
unit, kind, state, deadline, result and notice downloads); a batch from the many-cases page lists
the cases and offers another such batch. Another court's batch is a 404 like a missing one."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from enforcelink.cases.models import Case
from enforcelink.linkage.models import AssistanceRequest
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def two(world):
    cases = [file_case(world.court, world.officer) for _ in range(2)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(officer=world.officer, team=world.team)
    return [Case.objects.get(pk=c.pk) for c in cases]


def _from_case(client, world, case, kinds):
    data = {"request_type": kinds, "units": [world.unit.pk], "purpose": "查询被执行人财产",
            "legal_basis": "民诉法第二百五十三条"}  # fmt: skip
    return client.post(reverse("case-requests", args=[case.pk]), data)


def _many_cases(client, world, cases):
    data = {"unit": world.unit.pk, "request_type": "inquire_deposits", "purpose": "查询存款",
            "legal_basis": "民诉法第二百五十三条", "numbers": "\n".join(c.number for c in cases)}  # fmt: skip
    return client.post(reverse("request-batch-new"), data)


def _cells(page: str, pk: int) -> list[str]:
    row = re.search(rf'<tr data-request="{pk}"[^>]*>(.*?)</tr>', page, re.S)
    assert row, f"no row for request {pk}"
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)


def test_a_batch_from_a_cases_form_is_that_cases_page(client, world, case):
    client.force_login(world.officer)
    response = _from_case(client, world, case, ["inquire_deposits", "inquire_online_funds"])
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"<h1>{case.number}: 2 requests sent</h1>" in page
    assert f'href="{reverse("case-detail", args=[case.pk])}" id="back-to-case"' in page
    assert 'id="many-cases"' not in page and "Case number" not in page  # one case: no case column
    for made in AssistanceRequest.objects.select_related("notice", "unit"):
        unit, kind, state, due, result, notice = _cells(page, made.pk)
        assert f'<a href="{reverse("request-detail", args=[made.pk])}">{made.unit.name}</a>' == unit
        assert kind == made.get_request_type_display()
        assert made.get_status_display() in state and due == made.due_on.isoformat()
        assert result == "—"  # nothing answered yet
        assert made.notice.number in notice
        for fmt in ("pdf", "docx"):
            assert reverse("request-notice", args=[made.pk, fmt]) in notice


def test_a_notice_on_the_result_page_downloads(client, world, case):
    client.force_login(world.officer)
    response = _from_case(client, world, case, ["inquire_deposits"])
    made = AssistanceRequest.objects.get()
    download = client.get(reverse("request-notice", args=[made.pk, "pdf"]))
    assert response.status_code == 302 and download.status_code == 200
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")


def test_a_batch_from_the_many_cases_page_lists_the_cases_and_offers_another(client, world, two):
    client.force_login(world.officer)
    response = _many_cases(client, world, two)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Requests sent together</h1>" in page and f"{world.unit.name} · 2 requests" in page
    assert 'id="many-cases"' in page and 'id="back-to-case"' not in page
    for made in AssistanceRequest.objects.select_related("case", "notice"):
        number, unit, kind, state, due, _result, notice = _cells(page, made.pk)
        assert f'<a href="{reverse("request-detail", args=[made.pk])}">{made.case.number}</a>' == number
        assert unit == world.unit.name and kind == made.get_request_type_display()
        assert made.get_status_display() in state and due == made.due_on.isoformat()
        assert reverse("request-notice", args=[made.pk, "docx"]) in notice


def test_one_case_sent_from_the_many_cases_page_stays_a_many_cases_result(client, world, two):
    client.force_login(world.officer)
    page = client.get(_many_cases(client, world, two[:1])["Location"]).content.decode()
    assert "<h1>Requests sent together</h1>" in page and 'id="many-cases"' in page


def test_another_courts_batch_is_not_found_like_a_missing_one(client, world, case):
    client.force_login(world.officer)
    location = _from_case(client, world, case, ["inquire_deposits"])["Location"]
    client.force_login(world.outsider)
    theirs = client.get(location)
    missing = client.get(reverse("request-batch", args=[uuid.uuid4()]))
    assert theirs.status_code == missing.status_code == 404 and theirs.content == missing.content


def test_the_result_page_costs_the_same_for_one_request_or_six(
    client, world, two, django_assert_max_num_queries
):
    client.force_login(world.officer)
    location = _many_cases(client, world, two)["Location"]
    with django_assert_max_num_queries(8):
        assert client.get(location).status_code == 200
