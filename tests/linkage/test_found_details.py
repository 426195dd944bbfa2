"""Issue 14 §3: a result fits its request type. An inquiry that says found names what it found
(`policy.FOUND_NEEDS`, coded FOUND_WITHOUT_DETAILS with the field) — by page, API and simulator
alike — and a person inquiry is labelled as one (是否查到, not 是否查找到财产)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.urls import reverse
from django.utils import translation

from enforcelink.core.errors import DomainError
from enforcelink.linkage import actions, policy
from enforcelink.linkage.forms import ResultForm
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.linkage.panels import result_summary
from enforcelink.linkage.simulator import result_for
from enforcelink.linkage.templatetags.results import labelled
from tests.api.conftest import API
from tests.factories import UnitFactory
from tests.linkage.conftest import ask, key_client

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("request_type", "result", "field"),
    [
        ("inquire_vehicles", {"found": True}, "result.vehicles"),
        ("inquire_vehicles", {"found": True, "vehicles": []}, "result.vehicles"),
        ("inquire_deposits", {"found": True}, "result.accounts"),
        ("inquire_real_estate", {"found": True, "note": "有房"}, "result.items"),
        (
            "inquire_household",
            {"found": True, "current_address": "綦江区古南街道"},
            "result.registered_address",
        ),
        ("inquire_exit_entry", {"found": True, "last_exit_on": "2025-01-02"}, "result.documents"),
        ("inquire_marriage", {"found": True, "spouse": "王某某"}, "result.marital_status"),
        ("inquire_tax", {"found": True}, "result.tax_records"),
        ("inquire_social_insurance", {"found": True}, "result.employer"),
        ("locate_person", {"found": True}, "result.location"),
        ("locate_person", {"found": True, "location": "綦江区古南街道"}, "result.seen_at"),
    ],
)
def test_found_with_nothing_named_is_refused_naming_the_field(request_type, result, field):
    with pytest.raises(DomainError) as error:
        policy.clean_result(request_type, result)
    assert (error.value.code, error.value.field) == ("FOUND_WITHOUT_DETAILS", field)


@pytest.mark.parametrize(
    ("request_type", "result"),
    [
        ("inquire_vehicles", {"found": False}),
        (
            "inquire_vehicles",
            {"found": True, "vehicles": [{"plate": "渝B·12345", "description": "小型轿车"}]},
        ),
        ("inquire_household", {"found": True, "registered_address": "重庆市綦江区古南街道1号"}),
        (
            "inquire_exit_entry",
            {"found": True, "documents": [{"document_type": "普通护照", "number": "E12345678"}]},
        ),
        (
            "inquire_tax",
            {"found": True, "refunds": [{"tax_kind": "个人所得税", "amount": "10.00"}]},
        ),  # either list
        ("inquire_social_insurance", {"found": True, "monthly_pension": "2300.00"}),
        ("locate_person", {"found": True, "location": "綦江区古南街道", "seen_at": "2026-01-05"}),
        ("locate_person", {"found": False}),
    ],
)
def test_found_with_its_details_or_not_found_is_accepted(request_type, result):
    assert policy.clean_result(request_type, result)["found"] is result["found"]


def test_every_inquiry_with_a_found_flag_says_what_found_needs():
    with_found = {kind for kind, specs in policy.RESULT_FIELDS.items() if policy.FOUND in specs}
    assert with_found == set(policy.FOUND_NEEDS)
    for kind, groups in policy.FOUND_NEEDS.items():
        names = {spec.name for spec in policy.result_fields(kind)}
        assert {name for group in groups for name in group} <= names


@pytest.mark.parametrize("request_type", sorted(policy.FOUND_NEEDS))
def test_the_simulator_names_what_it_found_and_is_accepted(request_type):
    rng, today, found = random.Random(11), dt.date.today(), 0
    for _ in range(40):
        result = policy.clean_result(request_type, result_for(request_type, rng, {}, today))
        policy.check_result_against(request_type, result, {}, today)
        if result["found"]:
            found += 1
            for group in policy.FOUND_NEEDS[request_type]:
                assert any(result.get(name) for name in group), (request_type, result)
    assert found  # about 40% find something


def test_the_simulators_vehicles_have_plates_and_a_household_an_address():
    rng = random.Random(3)
    vehicles = [r for r in (result_for("inquire_vehicles", rng) for _ in range(20)) if r["found"]]
    assert vehicles and all(v["plate"].startswith("渝B") for r in vehicles for v in r["vehicles"])
    homes = [r for r in (result_for("inquire_household", rng) for _ in range(20)) if r["found"]]
    assert homes and all(
        r["registered_address"].startswith("重庆市") and r["registration_authority"] for r in homes
    )


def test_the_api_refuses_a_bare_found_with_the_coded_error_and_changes_nothing(world, case):
    registry = UnitFactory(region=world.region, name="綦江区车管所", unit_type="vehicle")
    from enforcelink.orgs.api_auth import api_key_issue

    _key, secret = api_key_issue(registry, name="车管系统", actor="test")
    sent = actions.request_send(
        actions.request_create(case, ask(registry, "inquire_vehicles"), actor=world.officer),
        actor=world.officer,
    )
    client = key_client(secret)
    url = f"{API}/requests/{sent.pk}/reply/"
    bare = client.post(url, {"result": {"found": True}}, format="json", HTTP_IDEMPOTENCY_KEY="v1",
                       HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert bare.status_code == 400
    assert (bare.json()["code"], bare.json()["field"]) == ("FOUND_WITHOUT_DETAILS", "result.vehicles")
    assert "found" in bare.json()["message"]
    assert AssistanceRequest.objects.get(pk=sent.pk).status == "sent"
    batch = client.post(f"{API}/requests/replies/", {"replies": [
        {"id": sent.pk, "idempotency_key": "v2", "result": {"found": True, "vehicles": []}}]}, format="json")  # fmt: skip
    [item] = batch.json()["results"]
    assert (item["status"], item["code"], item["field"]) == (400, "FOUND_WITHOUT_DETAILS", "result.vehicles")
    good = client.post(url, {"result": {"found": True, "vehicles": [{"plate": "渝B·12345", "description": "轿车"}]}},
                       format="json", HTTP_IDEMPOTENCY_KEY="v3")  # fmt: skip
    assert good.status_code == 200


def test_person_inquiries_are_labelled_as_records_not_property():
    with translation.override("en"):
        household = ResultForm("inquire_household")
        assert str(household.fields["found"].label) == "Record found"
        assert str(household.fields["registered_address"].label).startswith("Registered residence")
        assert "registration_authority" in household.fields
        locate = ResultForm("locate_person")
        assert str(locate.fields["found"].label) == "Whereabouts found"
        assert str(locate.fields["location"].label) == "Last known whereabouts"
        exit_entry = ResultForm("inquire_exit_entry")
        assert exit_entry.tables()[0][0] == "Exit-entry documents held"
        assert str(ResultForm("inquire_vehicles").fields["found"].label) == "Anything found"
        assert labelled({"found": True}, "inquire_household") == [{"label": "Record found", "text": "yes"}]
        assert labelled({"found": True}, "inquire_deposits") == [{"label": "Anything found", "text": "yes"}]
        assert result_summary("locate_person", {"found": True, "location": "古南街道"}) == [
            "Whereabouts found: yes", "Last known whereabouts: 古南街道"]  # fmt: skip


def test_the_liaisons_form_puts_a_bare_found_beside_the_list_and_the_pages_read_it_in_words(
    client, world, person_case, police, police_liaison
):
    sent = actions.request_send(
        actions.request_create(person_case, ask(police, "inquire_household"), actor=world.officer),
        actor=world.officer,
    )
    client.force_login(police_liaison)
    url = reverse("request-action", args=[sent.pk, "complete"])
    bare = client.post(url, {"found": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bare.status_code == 400 and 'id="id_registered_address_error"' in bare.content.decode()
    done = client.post(url, {"found": "yes", "registered_address": "重庆市綦江区古南街道8号"})
    assert done.status_code == 302
    client.force_login(world.officer)
    for page in (reverse("request-detail", args=[sent.pk]), reverse("case-detail", args=[person_case.pk])):
        text = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Record found" in text and "重庆市綦江区古南街道8号" in text and "Anything found" not in text


def test_a_bare_found_for_a_list_shows_beside_its_first_row(world):
    form = ResultForm("inquire_vehicles", data={"found": "yes"})
    assert form.is_valid()
    with pytest.raises(DomainError) as error:
        policy.clean_result("inquire_vehicles", form.payload())
    form.show(error.value)
    assert form.errors["vehicles-0-plate"]
