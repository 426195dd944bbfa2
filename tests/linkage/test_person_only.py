"""R-EXIT-01 / R-RESTRICT-02: a household, exit-entry, marriage or whereabouts inquiry is about a
natural person. On a case whose respondents are all organisations (重庆网新恒天物流有限公司) it is
refused with its reason: in the fan-out's report, the API's batch and one request at a time; the
company's other inquiries still go."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from enforcelink.cases.actions import PartyInput
from enforcelink.core.errors import RuleViolation
from enforcelink.linkage import actions, policy
from enforcelink.linkage.models import AssistanceRequest
from tests.factories import PERSON_IDS, USCCS, file_case
from tests.linkage.conftest import ask

pytestmark = pytest.mark.usefixtures("english")

PERSON, COMPANY = "person", "organisation"


@pytest.mark.parametrize(
    ("request_type", "kinds", "refused"),
    [
        ("inquire_household", [COMPANY], True),
        ("inquire_exit_entry", [COMPANY, COMPANY], True),
        ("locate_person", [COMPANY], True),
        ("inquire_marriage", [COMPANY], True),
        ("inquire_household", [], True),  # no respondent at all: nobody to ask about
        ("inquire_household", [PERSON], False),
        ("locate_person", [COMPANY, PERSON], False),  # one natural person among them is enough
        ("inquire_exit_entry", [PERSON], False),
        # The company's own registries, and the measures that bind its legal representative (R-EXIT-01).
        ("inquire_deposits", [COMPANY], False),
        ("inquire_vehicles", [COMPANY], False),
        ("exit_restriction", [COMPANY], False),
        ("temporary_control", [COMPANY], False),
    ],
)
def test_person_only_requests_need_a_natural_person(request_type, kinds, refused):
    if refused:
        with pytest.raises(RuleViolation) as error:
            policy.check_subject(request_type, kinds)
        assert (error.value.code, error.value.field) == ("PERSON_ONLY_REQUEST", "request_type")
    else:
        assert policy.check_subject(request_type, iter(kinds)) is None


def _case_with(world, *respondents):
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_number=PERSON_IDS[0]),
        *respondents,
    ]
    return file_case(world.court, world.officer, parties=parties)


COMPANY_PARTY = PartyInput(
    role="respondent", kind="organisation", name="重庆网新恒天物流有限公司", id_number=USCCS[1]
)
PERSON_PARTY = PartyInput(role="respondent", kind="person", name="李四", id_number=PERSON_IDS[1])


def test_the_fan_out_refuses_the_person_inquiries_of_a_company_and_sends_the_rest(
    client, world, police, police_liaison
):
    case = _case_with(world, COMPANY_PARTY)
    client.force_login(world.officer)
    data = {"request_type": ["inquire_household", "inquire_exit_entry", "locate_person", "exit_restriction"],
            "units": [police.pk], "purpose": "查找被执行人", "legal_basis": "民诉法第二百五十五条"}  # fmt: skip
    response = client.post(reverse("case-requests", args=[case.pk]), data, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count('data-code="PERSON_ONLY_REQUEST"') == 3
    assert "none of the case&#x27;s respondents is one" in page
    assert list(AssistanceRequest.objects.values_list("request_type", flat=True)) == ["exit_restriction"]


def test_one_natural_person_among_the_respondents_is_enough(world, police, police_liaison):
    case = _case_with(world, COMPANY_PARTY, PERSON_PARTY)
    report = actions.requests_send_each([(case, ask(police, "inquire_household"))], actor=world.officer)
    assert not report.refused and [r.status for r in report.made] == ["sent"]


def test_the_api_batch_names_the_company_case(world, police, police_liaison):
    company, person = _case_with(world, COMPANY_PARTY), _case_with(world, PERSON_PARTY)
    client = APIClient()
    client.force_authenticate(world.officer)
    body = {"unit": police.pk, "request_type": "locate_person", "purpose": "查找下落",
            "legal_basis": "民诉法第二百五十五条", "cases": [person.pk, company.pk]}  # fmt: skip
    whole = client.post(reverse("api-request-batch"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert whole.status_code == 400
    assert (whole.json()["code"], whole.json()["field"]) == ("PERSON_ONLY_REQUEST", "cases.1")
    assert not AssistanceRequest.objects.exists()
    each = client.post(reverse("api-request-batch"), {**body, "all_or_nothing": False}, format="json")
    assert each.status_code == 201
    assert [r["code"] for r in each.json()["refused"]] == ["PERSON_ONLY_REQUEST"]
    assert list(AssistanceRequest.objects.values_list("case_id", flat=True)) == [person.pk]


def test_one_request_at_a_time_and_the_all_or_nothing_batch_refuse_too(world, police, police_liaison):
    company = _case_with(world, COMPANY_PARTY)
    with pytest.raises(RuleViolation) as one:
        actions.request_create(company, ask(police, "inquire_exit_entry"), actor=world.officer)
    with pytest.raises(RuleViolation) as batch:
        actions.requests_fan_out(company, [ask(police, "exit_restriction"), ask(police, "inquire_household")],
                                 actor=world.officer)  # fmt: skip
    assert one.value.code == batch.value.code == "PERSON_ONLY_REQUEST"
    assert not AssistanceRequest.objects.exists()
