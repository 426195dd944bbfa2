"""Issue 14 §6: the inquiry fan-out that helps. Choosing kinds offers exactly the units whose
responsibility list covers them (shipped lists and the overrides), grouped by unit type in pinyin
order; sending sends what can go and says of every other unit and kind why not; bad input is named,
never a 500; another court's case is a 404."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from enforcelink.cases.models import CaseStatus
from enforcelink.core.errors import NotFound, RuleViolation
from enforcelink.core.text import pinyin_key
from enforcelink.linkage import actions, queries
from enforcelink.linkage.models import AssistanceRequest, Responsibility
from enforcelink.orgs.api_auth import api_key_issue
from enforcelink.orgs.models import Role, UnitType
from tests.factories import UnitFactory, UserFactory, file_case
from tests.linkage.conftest import ask

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages asserted in English: the UI's default is zh-hans."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def units(world):
    """A county's directory: four banks (named so that code-point and pinyin order differ), the
    registry, the police, and two units that handle no inquiry at all."""
    made = {"bank": world.unit}
    for key, name, kind in (
        ("icbc", "中国工商银行綦江支行", UnitType.BANK),
        ("bob", "北京银行綦江支行", UnitType.BANK),
        ("cq", "重庆农商银行綦江支行", UnitType.BANK),
        ("registry", "綦江区不动产登记中心", UnitType.REAL_ESTATE),
        ("police", "綦江区公安局", UnitType.POLICE),
        ("discipline", "綦江区纪委监委", UnitType.DISCIPLINE),
        ("media", "綦江区融媒体中心", UnitType.MEDIA),
    ):
        made[key] = UnitFactory(region=world.region, name=name, unit_type=kind)
        if key != "cq":  # 重庆农商银行 has nobody on the platform yet
            UserFactory(username=f"{key}-liaison", unit=made[key], role=Role.LIAISON)
    return type("Units", (), made)


def _units_page(client, case, *kinds, **headers):
    return client.get(reverse("case-request-units", args=[case.pk]), {"request_type": list(kinds)}, **headers)


def _offered(response) -> list[str]:
    """The unit names offered, in page order."""
    return re.findall(r'<label class="check" data-unit="([^"]+)"', response.content.decode())


def _groups(response) -> list[str]:
    return re.findall(r'<fieldset class="unit-group" data-unit-type="([^"]+)"', response.content.decode())


def _send(client, case, kinds, units, **extra):
    data = {"request_type": kinds, "units": [getattr(u, "pk", u) for u in units], "purpose": "查询被执行人财产",
            "legal_basis": "民诉法第二百五十三条", **extra}  # fmt: skip
    return client.post(reverse("case-requests", args=[case.pk]), data)


# --- what is offered --------------------------------------------------------------------------------


def test_a_kind_offers_the_units_that_handle_it_and_not_those_that_handle_none(client, world, case, units):
    client.force_login(world.officer)
    deposits = _units_page(client, case, "inquire_deposits")
    assert deposits.status_code == 200
    assert _offered(deposits) == [
        "北京银行綦江支行",
        "重庆农商银行綦江支行",
        "綦江农商银行",
        "中国工商银行綦江支行",
    ]
    several = _units_page(client, case, "inquire_deposits", "inquire_real_estate", "inquire_household")
    assert _groups(several) == ["police", "bank", "real_estate"]  # UnitType's order
    names = _offered(several)
    assert "綦江区不动产登记中心" in names and "綦江区公安局" in names
    assert "綦江区纪委监委" not in names and "綦江区融媒体中心" not in names
    assert world.other_unit.name not in names  # another region's bank: not the court's directory
    # A unit asked for several kinds says which of them it will be asked.
    assert "Inquiry: deposits and financial products</small>" in several.content.decode()
    # The discipline commission is offered only for what it does handle.
    assert _offered(_units_page(client, case, "official_notification")).count("綦江区纪委监委") == 1
    # Nothing chosen, or nothing that exists: nothing offered, and a hint.
    for nothing in (_units_page(client, case), _units_page(client, case, "inquire_moon")):
        assert _offered(nothing) == [] and 'id="units-empty"' in nothing.content.decode()


def test_the_overrides_decide_what_is_offered(client, world, case, units):
    """The court's overrides, not only the shipped lists: a unit's own row takes a bank off deposits,
    a type row puts deposits on the police's list."""
    Responsibility.objects.create(unit=units.icbc, request_type="inquire_deposits",
                                  sla_amount=3, sla_unit="working_days", handled=False)  # fmt: skip
    Responsibility.objects.create(unit_type=UnitType.POLICE, request_type="inquire_deposits", sla_amount=3,
                                  sla_unit="working_days")  # fmt: skip
    client.force_login(world.officer)
    offered = _offered(_units_page(client, case, "inquire_deposits"))
    assert "中国工商银行綦江支行" not in offered and offered[0] == "綦江区公安局"
    everyone = [world.unit, units.icbc, units.bob, units.cq, units.registry, units.police, units.discipline]
    lists = queries.responsibility_lists(everyone)
    assert lists == {unit.pk: queries.responsibility_list(unit) for unit in everyone}


def test_pinyin_order_not_code_point_order():
    names = ["中国工商银行", "綦江农商银行", "重庆农商银行", "北京银行", "ABC银行", "阿坝银行"]
    assert sorted(names, key=pinyin_key) == [
        "阿坝银行",
        "ABC银行",
        "北京银行",
        "重庆农商银行",
        "綦江农商银行",
        "中国工商银行",
    ]
    assert sorted(names)[0] == "ABC银行" and sorted(names)[1] == "中国工商银行"  # what the list did before


def test_htmx_gets_the_units_alone_and_keeps_what_was_ticked(client, world, case, units):
    client.force_login(world.officer)
    response = client.get(
        reverse("case-request-units", args=[case.pk]),
        {
            "request_type": ["inquire_deposits", "inquire_real_estate"],
            "units": [units.bob.pk, units.police.pk],
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert (
        response.status_code == 200 and "<html" not in page and page.lstrip().startswith('<div class="field')
    )
    assert f'value="{units.bob.pk}" id="id_units_{units.bob.pk}" checked' in page
    assert f'id="id_units_{units.registry.pk}">' in page  # offered, not ticked
    assert f'id="id_units_{units.police.pk}"' not in page  # no longer offered for these kinds
    assert "no liaison yet" in page  # 重庆农商银行


def test_without_javascript_the_refresh_button_shows_the_units(client, world, case, units):
    client.force_login(world.officer)
    page = client.get(reverse("case-requests", args=[case.pk])).content.decode()
    assert 'id="units-refresh"' in page and 'hx-get="' in page
    response = client.post(
        reverse("case-requests", args=[case.pk]),
        {"request_type": ["inquire_real_estate"], "purpose": "查询房产", "refresh": "1"},
    )
    assert response.status_code == 200 and _offered(response) == ["綦江区不动产登记中心"]
    assert 'value="查询房产"' in response.content.decode()  # what was typed is kept
    assert not AssistanceRequest.objects.exists()


# --- sending ----------------------------------------------------------------------------------------


def test_what_can_go_is_sent_and_each_refusal_says_why(client, world, case, units):
    open_one = actions.request_send(
        actions.request_create(case, ask(units.registry, "inquire_real_estate"), actor=world.officer),
        actor=world.officer,
    )
    client.force_login(world.officer)
    response = _send(client, case, ["inquire_deposits", "inquire_online_funds", "inquire_real_estate"],
                     [world.unit, units.cq, units.registry])  # fmt: skip
    assert response.status_code == 302
    made = set(
        AssistanceRequest.objects.exclude(pk=open_one.pk).values_list("unit__name", "request_type", "status")
    )
    assert made == {
        ("綦江农商银行", "inquire_deposits", "sent"),
        ("綦江农商银行", "inquire_online_funds", "sent"),
    }
    page = client.get(response["Location"]).content.decode()
    for request in AssistanceRequest.objects.exclude(pk=open_one.pk):
        assert reverse("request-detail", args=[request.pk]) in page
    assert (
        'data-unit="重庆农商银行綦江支行" data-request-type="inquire_deposits" data-code="NO_RECIPIENT"'
        in page
    )
    assert (
        'data-unit="重庆农商银行綦江支行" data-request-type="inquire_online_funds" data-code="NO_RECIPIENT"'
        in page
    )
    assert (
        'data-unit="綦江区不动产登记中心" data-request-type="inquire_real_estate" data-code="DUPLICATE_OPEN"'
        in page
    )
    assert reverse("request-detail", args=[open_one.pk]) in page  # the open request it would repeat
    assert "has no liaison or connected system" in page and "has not answered it yet" in page
    # A bank is not asked about real estate, nor the registry about deposits: not refusals either.
    assert 'data-unit="綦江农商银行" data-request-type="inquire_real_estate"' not in page
    assert page.count("data-code=") == 3
    # The page heading names the case (one case, several units).
    assert case.number in page


def test_a_unit_with_only_a_system_or_a_webhook_receives(client, world, case, units):
    api_key_issue(units.cq, name="核心系统", actor="test")
    client.force_login(world.officer)
    assert _send(client, case, ["inquire_deposits"], [units.cq]).status_code == 302
    assert AssistanceRequest.objects.get().unit == units.cq


def test_all_refused_writes_nothing_and_says_why(client, world, case, units):
    client.force_login(world.officer)
    response = _send(client, case, ["inquire_deposits"], [units.cq])
    page = response.content.decode()
    assert response.status_code == 400 and 'id="refused"' in page and "Nothing was sent" in page
    assert 'data-code="NO_RECIPIENT"' in page
    assert not AssistanceRequest.objects.exists()


def test_a_unit_ticked_before_the_kinds_changed_is_refused_by_kind(client, world, case, units):
    """Without JS the officer may untick deposits after ticking the police's box: the police are
    told not to handle it, per kind, and the bank's request goes."""
    client.force_login(world.officer)
    response = _send(client, case, ["inquire_deposits", "inquire_online_funds"], [world.unit, units.police])
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-unit="綦江区公安局"') == 2 and page.count('data-code="NOT_ON_LIST"') == 2
    assert AssistanceRequest.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"request_type": ["inquire_moon"]}, "request_type", "inquire_moon is not a kind of request."),
        ({"request_type": []}, "request_type", "Choose what to ask."),
        ({"units": []}, "units", "Choose at least one unit."),
        ({"units": ["abc"]}, "units", "abc is not a unit your court can send to."),
        ({"units": ["-1"]}, "units", "-1 is not a unit your court can send to."),
        ({"units": ["0"]}, "units", "0 is not a unit your court can send to."),
        ({"units": ["9" * 30]}, "units", "9" * 30 + " is not a unit your court can send to."),
        ({"units": ["１"]}, "units", "１ is not a unit your court can send to."),  # a full-width digit
        ({"purpose": ""}, "purpose", "This field is required."),
    ],
)
def test_bad_input_is_named_beside_its_field(client, world, case, units, data, field, message):
    client.force_login(world.officer)
    payload = {"request_type": ["inquire_deposits"], "units": [world.unit.pk], **data}
    response = _send(client, case, payload.pop("request_type"), payload.pop("units"), **payload)
    page = response.content.decode()
    assert response.status_code == 400 and f'id="id_{field}_error"' in page and message in page
    assert not AssistanceRequest.objects.exists()


def test_a_unit_of_another_court_or_no_unit_at_all_is_named(client, world, case, units):
    client.force_login(world.officer)
    for pk in (world.other_unit.pk, world.court.pk + 10_000):
        response = _send(client, case, ["inquire_deposits"], [world.unit.pk, pk])
        page = response.content.decode()
        assert response.status_code == 400 and f"{pk} is not a unit your court can send to." in page
    assert not AssistanceRequest.objects.exists()


def test_a_missing_amount_is_the_forms_error_not_a_refusal_per_unit(client, world, case, units):
    client.force_login(world.officer)
    response = _send(client, case, ["freeze"], [world.unit, units.bob])
    assert response.status_code == 400 and 'id="id_amount_error"' in response.content.decode()
    assert not AssistanceRequest.objects.exists()


def test_a_refusal_at_the_last_moment_sends_none_and_says_why(world, case, units, monkeypatch):
    """Checked first, then written in one transaction: a colleague closing the case in between
    refuses the whole send, each pair reported, never a half-written batch or a 500."""

    def closed_meanwhile(*args, **kwargs):
        raise RuleViolation("CASE_CLOSED", "The case is closed and can no longer be changed.")

    monkeypatch.setattr("enforcelink.linkage.actions.batches.requests_batch", closed_meanwhile)
    pairs = [(case, ask(world.unit)), (case, ask(units.bob))]
    report = actions.requests_send_each(pairs, actor=world.officer)
    assert report.made == [] and report.batch is None
    assert [(r.unit.name, r.code) for r in report.refused] == [
        ("綦江农商银行", "CASE_CLOSED"), ("北京银行綦江支行", "CASE_CLOSED")]  # fmt: skip


def test_a_closed_case_refuses_every_pair(world, case, units):
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    case.refresh_from_db()
    report = actions.requests_send_each(
        [(case, ask(world.unit)), (case, ask(units.bob))], actor=world.officer
    )
    assert {r.code for r in report.refused} == {"CASE_CLOSED"} and not report.made


def test_the_same_pair_twice_is_asked_once(world, case, units):
    report = actions.requests_send_each(
        [(case, ask(world.unit)), (case, ask(world.unit))], actor=world.officer
    )
    assert len(report.made) == 1 and report.refused == []
    again = actions.requests_send_each([(case, ask(world.unit))], actor=world.officer)
    assert [r.code for r in again.refused] == ["DUPLICATE_OPEN"] and again.refused[0].existing == report.made[
        0
    ].pk


# --- who may --------------------------------------------------------------------------------------


def test_another_courts_case_is_not_found(client, world, case, units):
    theirs = file_case(world.other_court, world.outsider)
    client.force_login(world.officer)
    assert _units_page(client, theirs, "inquire_deposits").status_code == 404
    assert _send(client, theirs, ["inquire_deposits"], [world.unit]).status_code == 404
    assert client.get(reverse("case-request-units", args=[999_999_999])).status_code == 404
    for who in (world.supervisor, world.liaison, world.outsider):
        client.force_login(who)
        assert _units_page(client, case, "inquire_deposits").status_code == 404
        assert _send(client, case, ["inquire_deposits"], [world.unit]).status_code == 404
    assert not AssistanceRequest.objects.exists()
    with pytest.raises(NotFound):
        actions.requests_send_each([(theirs, ask(world.unit))], actor=world.officer)


def test_the_result_pages_refusals_are_the_senders(client, world, case, units):
    client.force_login(world.officer)
    location = _send(client, case, ["inquire_deposits"], [world.unit, units.cq])["Location"]
    client.force_login(world.colleague)  # same court: sees the requests, not the sender's report
    page = client.get(location).content.decode()
    assert "綦江农商银行" in page and 'data-code="NO_RECIPIENT"' not in page
    client.force_login(world.outsider)
    assert client.get(location).status_code == 404


# --- query counts --------------------------------------------------------------------------------


def test_the_form_costs_the_same_for_three_units_or_thirty(
    client, world, case, units, django_assert_max_num_queries
):
    client.force_login(world.officer)
    url = reverse("case-requests", args=[case.pk])
    query = {"request_type": ["inquire_deposits", "inquire_real_estate"]}
    with django_assert_max_num_queries(14) as few:
        assert client.get(url, query).status_code == 200
    for n in range(27):
        bank = UnitFactory(region=world.region, name=f"村镇银行{n}", unit_type=UnitType.BANK)
        UserFactory(username=f"bank{n}-liaison", unit=bank, role=Role.LIAISON)
        Responsibility.objects.create(unit=bank, request_type="inquire_deposits",
                                      sla_amount=1, sla_unit="working_days")  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_offered(client.get(url, query))) == 4 + 1 + 27
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("case-request-units", args=[case.pk]), query)


# --- the API: many cases to one unit, each case reported --------------------------------------------


def _api(world):
    client = APIClient()
    client.force_authenticate(world.officer)
    return client


def test_the_api_sends_what_can_go_when_asked(world, case, units):
    other = file_case(world.court, world.officer)
    open_one = actions.request_send(actions.request_create(other, ask(world.unit), actor=world.officer),
                                    actor=world.officer)  # fmt: skip
    body = {"unit": world.unit.pk, "request_type": "inquire_deposits", "purpose": "查询存款",
            "legal_basis": "民诉法第二百五十三条", "cases": [case.pk, other.pk]}  # fmt: skip
    whole = _api(world).post(reverse("api-request-batch"), body, format="json")
    assert whole.status_code == 400 and whole.json()["code"] == "DUPLICATE_OPEN"
    assert whole.json()["field"] == "cases.1" and AssistanceRequest.objects.count() == 1
    each = _api(world).post(reverse("api-request-batch"), {**body, "all_or_nothing": False}, format="json")
    assert each.status_code == 201
    answer = each.json()
    assert [r["case_number"] for r in answer["requests"]] == [case.number]
    assert answer["refused"] == [{
        "case": other.pk, "case_number": other.number, "unit": world.unit.pk, "unit_name": world.unit.name,
        "request_type": "inquire_deposits", "code": "DUPLICATE_OPEN", "message": answer["refused"][0]["message"],
        "existing_request": open_one.pk,
    }]  # fmt: skip
    none = _api(world).post(reverse("api-request-batch"), {**body, "all_or_nothing": False}, format="json")
    assert none.status_code == 200 and none.json()["batch"] is None and len(none.json()["refused"]) == 2


def test_the_api_names_the_units_refusal_once(world, case, units):
    other = file_case(world.court, world.officer)
    body = {"unit": units.cq.pk, "request_type": "inquire_deposits", "purpose": "查询存款",
            "legal_basis": "民诉法第二百五十三条", "cases": [case.pk, other.pk]}  # fmt: skip
    response = _api(world).post(reverse("api-request-batch"), body, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("NO_RECIPIENT", "unit")
    assert "errors" not in response.json() and not AssistanceRequest.objects.exists()
