"""Correcting the amounts a case's basis fixed after filing (a correcting ruling, part of the
application withdrawn): one action with its reason, on the trail with the old and new figures,
announcing `case.amount_changed`; from the case page's actions, with the errors beside the fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcelink.cases.actions import case_amounts_correct, case_close
from enforcelink.cases.models import Case
from enforcelink.core import events, narration
from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent
from tests.factories import file_case

pytestmark = pytest.mark.usefixtures("english")

D = Decimal


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer, principal="120000.00", interest="3000.00")


@pytest.fixture
def heard():
    log: list[dict[str, Any]] = []
    events.subscribe("case.amount_changed", "test.record", lambda **payload: log.append(payload))
    yield log
    events.unsubscribe("case.amount_changed", "test.record")


def client_for(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_a_correction_sets_the_amounts_records_both_figures_and_announces_it(world, case, heard):
    corrected = case_amounts_correct(
        case, principal="90000.00", interest="3000.00", costs="500.00", reason="补正裁定", actor=world.officer
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.principal, case.interest, case.costs) == (D("90000.00"), D("3000.00"), D("500.00"))
    assert corrected.pk == case.pk
    entry = AuditEvent.objects.get(action="case.amounts_corrected", case_id=case.pk)
    assert entry.before["principal"] == "120000.00" and entry.after["principal"] == "90000.00"
    assert entry.after["reason"] == "补正裁定"
    [told] = narration.tell([entry])
    assert "corrected the amounts the basis fixed" in str(told.sentence)
    assert "120,000.00" in str(told.details) and "补正裁定" in str(told.details)
    assert heard == [{
        "case_id": case.pk, "court_id": world.court.pk, "reason": "补正裁定", "actor": world.officer,
        "before": {"principal": D("120000.00"), "interest": D("3000.00"), "costs": D("0.00")},
        "after": {"principal": D("90000.00"), "interest": D("3000.00"), "costs": D("500.00")},
    }]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"principal": "100.005"}, "AMOUNT_PRECISION", "principal"),
        ({"principal": "-1"}, "AMOUNT_NEGATIVE", "principal"),
        ({"principal": "90000", "costs": "十元"}, "AMOUNT_INVALID", "costs"),
        ({"principal": "90000", "reason": "  "}, "REASON_REQUIRED", "reason"),
        ({"principal": "120000.00", "interest": "3000"}, "AMOUNTS_UNCHANGED", "principal"),
    ],
)
def test_a_bad_correction_is_refused_and_nothing_changes(world, case, heard, values, code, field):
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        case_amounts_correct(case, **{"reason": "补正裁定", **values}, actor=world.officer)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert Case.objects.get(pk=case.pk).principal == D("120000.00")
    assert AuditEvent.objects.count() == before and heard == []


def test_a_closed_case_another_courts_staff_and_a_non_money_case_are_refused(world, case):
    with pytest.raises(NotFound):
        case_amounts_correct(case, principal="1.00", reason="x", actor=world.outsider)
    other = file_case(world.court, world.officer, principal="0", is_money_case=False)
    with pytest.raises(DomainError) as refused:
        case_amounts_correct(other, principal="1.00", reason="x", actor=world.officer)
    assert refused.value.code == "NOT_MONEY_CASE"
    case_close(
        case, mode="terminated", closed_on=timezone.localdate(), details={"ground": "application_withdrawn"},
        actor=world.officer,
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        case_amounts_correct(case, principal="1.00", reason="x", actor=world.officer)
    assert refused.value.code == "CASE_CLOSED"


def test_the_case_page_offers_the_correction_and_shows_errors_beside_the_fields(world, case):
    client = client_for(world.officer)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'id="action-amounts"' in page and "Correct the amounts owed" in page
    assert 'value="120000.00"' in page  # the form starts from the case's figures
    url = reverse("case-action", args=[case.pk, "amounts"])
    response = client.post(url, {"amounts-principal": "1.001", "amounts-reason": "补正"})
    assert response.status_code == 200 and 'id="id_amounts-principal_error"' in response.content.decode()
    response = client.post(
        url, {"amounts-principal": "100000", "amounts-interest": "0", "amounts-reason": "补正"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).principal == D("100000.00")


def test_who_cannot_write_on_the_case_gets_a_404_and_no_form(world, case):
    url = reverse("case-action", args=[case.pk, "amounts"])
    data = {"amounts-principal": "1.00", "amounts-reason": "x"}
    assert client_for(world.outsider).post(url, data).status_code == 404
    assert client_for(world.outsider).get(url).status_code in (404, 405)
    assert Case.objects.get(pk=case.pk).principal == D("120000.00")
