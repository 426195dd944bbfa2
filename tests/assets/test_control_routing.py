"""A freeze or deduction of an account found goes to the institution that keeps it (issue 15 §4,
R-ASSET-03): the unit of the court's directory whose name is the record's institution and whose
responsibility list takes the measure — not the unit that answered the inquiry (one unit may answer
for many banks); without one, the unit that answered, and the officer is told so. The request names
the institution and the account; the panel's form shows them, the unit it goes to and the amount
capped by the budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcelink.assets.control import actions
from enforcelink.assets.control.budget import case_budget, measures_of
from enforcelink.assets.control.policy import holding_unit, institution_key
from enforcelink.assets.models import AssetKind, AssetRecord
from enforcelink.linkage.actions import request_complete
from enforcelink.linkage.models import AssistanceRequest, Responsibility
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UnitFactory, UserFactory, file_case

pytestmark = pytest.mark.usefixtures("english")
HX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}
ICBC = "中国工商银行股份有限公司重庆綦江支行"
UNTIL = (timezone.localdate() + dt.timedelta(days=300)).isoformat()


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def case(world):
    return file_case(world.court, world.officer, principal="120000.00")


@pytest.fixture
def icbc(world):
    """The bank that keeps the account, in the directory under its name without the legal form."""
    unit = UnitFactory(region=world.region, name="中国工商银行重庆綦江支行", unit_type=UnitType.BANK)
    return unit, UserFactory(unit=unit, role=Role.LIAISON)


def deposit(case, replied, institution=ICBC, number="6222 0231 0000 1234", balance="5000.00"):
    """An account at `institution` that `replied` (the network's answering bank) reported."""
    now = timezone.now()
    return AssetRecord.objects.create(
        case=case, kind=AssetKind.DEPOSIT, unit=replied, institution=institution, identifier=number,
        key=f"{institution}|{number}", value=Decimal(balance), value_on=timezone.localdate(), first_seen_at=now,
        last_seen_at=now,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "institution", "units", "expected"),
    [
        # the institution's unit, whatever legal form either name writes
        ("deposit", ICBC, [(7, "中国工商银行重庆綦江支行", {"freeze"})], (7, False)),
        (
            "deposit",
            "中国工商银行重庆綦江支行",
            [(7, "中国工商银行股份有限公司 重庆綦江支行", {"freeze"})],
            (7, False),
        ),
        ("online_funds", "财付通支付科技有限公司", [(8, "财付通支付科技", {"freeze"})], (8, False)),
        (
            "securities",
            "西南证券股份有限公司重庆綦江营业部",
            [(9, "西南证券重庆綦江营业部", {"freeze"})],
            (9, False),
        ),
        # its list does not take the measure: the unit that answered, said so
        ("deposit", ICBC, [(7, "中国工商银行重庆綦江支行", {"inquire_deposits"})], (1, True)),
        # another bank of the same group is not the institution
        ("deposit", ICBC, [(7, "中国工商银行重庆南岸支行", {"freeze"})], (1, True)),
        # nothing named, or a stake (frozen at the market regulator that answered): no routing, no note
        ("deposit", "", [(7, "中国工商银行重庆綦江支行", {"freeze"})], (1, False)),
        ("equity", "重庆某建材有限公司", [(7, "重庆某建材", {"freeze"})], (1, False)),
    ],
)
def test_holding_unit(kind, institution, units, expected):
    found = holding_unit(kind, institution, "freeze", 1, [(pk, name, frozenset(h)) for pk, name, h in units])
    assert (found.unit_id, found.fallback) == expected


def test_institution_key_drops_spacing_width_and_legal_form():
    assert institution_key("中国工商银行股份有限公司（重庆綦江支行）") == institution_key(
        "中国工商银行 (重庆綦江支行)"
    )


def test_a_freeze_goes_to_the_institution_and_names_it_and_the_account(world, case, icbc):
    unit, liaison = icbc
    record = deposit(case, world.unit)
    sent = actions.freeze(case, record=record, amount="5000.00", actor=world.officer)
    request = AssistanceRequest.objects.get(pk=sent.measure.request_id)
    assert sent.measure.unit_id == request.unit_id == unit.pk and not sent.fallback
    assert request.details["account"] == record.identifier
    assert request.details["measure"] == f"开户机构：{ICBC}；账号：{record.identifier}"
    assert request.notice is not None and ICBC in request.notice.values["measure"]  # the notice prints it
    # confirmed by the institution; the deduction goes where the money is frozen and names it too
    request_complete(request, result={"frozen_amount": "5000.00", "frozen_until": UNTIL,
                                      "account": record.identifier}, actor=liaison)  # fmt: skip
    deduction = actions.deduct(sent.measure, amount="3000.00", actor=world.officer).measure
    asked = AssistanceRequest.objects.get(pk=deduction.request_id)
    assert asked.unit_id == unit.pk and ICBC in asked.details["measure"]


def test_without_the_institution_in_the_directory_the_answering_unit_is_asked_and_the_officer_told(
    client, world, case
):
    record = deposit(case, world.unit)
    client.force_login(world.officer)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    row = page[page.index(f'<tr data-record="{record.pk}" data-fallback="yes"') :]
    row = row[: row.index("</tr>")]
    assert f"No unit of the court's directory is {ICBC}" in row and world.unit.name in row
    answer = client.post(
        reverse("control-freeze", args=[case.pk]), {"record": record.pk, "amount": "5000.00"}, **HX
    )
    body = answer.content.decode()
    assert "Freeze of 5,000.00 元 sent to 綦江农商银行." in body and f"directory is {ICBC}" in body
    request = AssistanceRequest.objects.get(case=case, request_type="freeze")
    assert request.unit_id == world.unit.pk and ICBC in request.details["measure"]


def test_an_institution_whose_list_takes_no_freeze_is_not_asked(world, case, icbc):
    unit, _liaison = icbc
    Responsibility.objects.create(unit=unit, request_type="freeze", sla_amount=2, sla_unit="working_days",
                                  handled=False)  # fmt: skip
    sent = actions.freeze(case, record=deposit(case, world.unit), amount="100.00", actor=world.officer)
    assert sent.measure.unit_id == world.unit.pk and sent.fallback


def test_the_panel_s_freeze_form_shows_account_institution_unit_and_the_capped_amount(
    client, world, case, icbc
):
    unit, _liaison = icbc
    small = deposit(case, world.unit, number="6222 0001", balance="5000.00")
    large = deposit(case, world.unit, number="6222 0002", balance="9000000.00")
    left = case_budget(case, measures_of(case)).left
    client.force_login(world.officer)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    page = page[page.index('id="controls-freeze"') :]
    for record, prefill in ((small, Decimal("5000.00")), (large, left)):
        row = page[page.index(f'<tr data-record="{record.pk}"') :]
        row = row[: row.index("</tr>")]
        assert f'<td data-field="institution">{ICBC}</td>' in row
        assert f'<td data-field="account">{record.identifier}</td>' in row
        assert f'data-unit="{unit.pk}">{unit.name}' in row and "data-fallback" not in row
        assert f'name="amount" inputmode="decimal" size="12" value="{prefill}"' in row


def test_a_deduction_form_starts_at_what_the_freeze_can_still_give(client, world, case, icbc):
    _unit, liaison = icbc
    record = deposit(case, world.unit, balance="50000.00")
    freeze = actions.freeze(case, record=record, amount="50000.00", actor=world.officer).measure
    request_complete(AssistanceRequest.objects.get(pk=freeze.request_id),
                     result={"frozen_amount": "50000.00", "frozen_until": UNTIL, "account": record.identifier},
                     actor=liaison)  # fmt: skip
    actions.deduct(freeze, amount="20000.00", actor=world.officer)  # asked, awaiting approval
    client.force_login(world.officer)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    form = page[page.index(f'id="deduct-{freeze.pk}"') :]
    assert 'name="amount" inputmode="decimal" size="10" value="30000.00"' in form[: form.index("</form>")]
