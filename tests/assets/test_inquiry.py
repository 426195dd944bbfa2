"""R-ASSET-01 one-click inquiry: every kind of every unit whose list covers it, in one action, with
its purpose and legal basis recorded; what cannot go is recorded with its reason."""

from __future__ import annotations

import pytest

from enforcelink.assets.actions import DEFAULT_BASIS, DEFAULT_PURPOSE, NO_UNIT, inquiry_start
from enforcelink.assets.models import Inquiry, InquiryRequest
from enforcelink.core.errors import InvalidInput, NotFound
from enforcelink.core.models import AuditEvent
from enforcelink.linkage.models import AssistanceRequest, RequestStatus
from enforcelink.orgs.models import UnitType

pytestmark = pytest.mark.usefixtures("english")


def test_one_click_asks_every_kind_of_every_unit_that_covers_it(world, units, case):
    """R-ASSET-01: deposits and online funds of the bank, real estate of the registry, vehicles,
    securities, equity, housing fund, social insurance and tax of their units; ships of nobody."""
    report = inquiry_start(case, actor=world.officer)
    asked = {(req.unit_id, req.request_type) for req in report.made}
    by_type = units.by_type
    assert asked == {
        (by_type[UnitType.BANK].pk, "inquire_deposits"),
        (by_type[UnitType.BANK].pk, "inquire_online_funds"),
        (by_type[UnitType.REAL_ESTATE].pk, "inquire_real_estate"),
        (by_type[UnitType.VEHICLE].pk, "inquire_vehicles"),
        (by_type[UnitType.SECURITIES].pk, "inquire_securities"),
        (by_type[UnitType.MARKET].pk, "inquire_equity"),
        (by_type[UnitType.HOUSING_FUND].pk, "inquire_housing_fund"),
        (by_type[UnitType.SOCIAL_SECURITY].pk, "inquire_social_insurance"),
        (by_type[UnitType.TAX].pk, "inquire_tax"),
    }
    assert all(req.status == RequestStatus.SENT and req.due_on for req in report.made)
    inquiry = Inquiry.objects.get()
    assert (inquiry.purpose, inquiry.legal_basis) == (DEFAULT_PURPOSE, DEFAULT_BASIS)
    assert inquiry.requested_by == world.officer and not inquiry.automatic
    assert set(InquiryRequest.objects.values_list("request_id", flat=True)) == {r.pk for r in report.made}
    assert all(r.purpose == DEFAULT_PURPOSE and r.legal_basis == DEFAULT_BASIS for r in report.made)
    codes = {(row["request_type"], row["code"]) for row in inquiry.refusals}
    # The company has no exit-entry documents (person-only, R-EXIT-01); nobody registers ships here.
    assert codes == {("inquire_exit_entry", "PERSON_ONLY_REQUEST"), ("inquire_ships", NO_UNIT)}
    police = next(row for row in inquiry.refusals if row["code"] == "PERSON_ONLY_REQUEST")
    assert police["unit_name"] == "綦江区公安局" and police["message"]
    event = AuditEvent.objects.get(action="inquiry.started")
    assert event.case_id == case.pk and event.after["sent"] == 9 and event.after["purpose"] == DEFAULT_PURPOSE


def test_a_person_is_asked_about_exit_entry_documents_too(world, units, person_case):
    report = inquiry_start(person_case, actor=world.officer, kinds=["inquire_exit_entry"])
    assert [(r.unit.name, r.request_type) for r in report.made] == [("綦江区公安局", "inquire_exit_entry")]
    assert report.refused == []


def test_a_second_click_refuses_what_is_still_open(world, units, case):
    first = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    second = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    assert len(first.made) == 1 and second.made == []
    assert [row["code"] for row in second.refused] == ["DUPLICATE_OPEN"]
    assert second.refused[0]["existing_request"] == first.made[0].pk
    assert AssistanceRequest.objects.count() == 1 and Inquiry.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("purpose", "  ", "REQUIRED"), ("legal_basis", "", "REQUIRED"), ("kinds", ["freeze"], "KINDS_INVALID"),
     ("kinds", [], "KINDS_INVALID"), ("purpose", "x" * 301, "TEXT_TOO_LONG")],
)  # fmt: skip
def test_no_inquiry_without_purpose_basis_or_a_known_kind(world, units, case, field, value, code):
    """R-ASSET-01: every inquiry records its purpose and legal basis; nothing is written without."""
    with pytest.raises(InvalidInput) as caught:
        inquiry_start(case, actor=world.officer, **{field: value})
    assert caught.value.field == field
    assert not Inquiry.objects.exists() and not AssistanceRequest.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "liaison", "supervisor", "president", "command"])
def test_only_the_courts_officers_and_team_leaders_inquire(world, units, case, who):
    with pytest.raises(NotFound):
        inquiry_start(case, actor=getattr(world, who))
    assert not Inquiry.objects.exists()
