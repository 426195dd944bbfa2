"""Issue 15 §2: replies become asset records, one per real asset however many replies name it; a
reply of nothing found says so for its kind (R-ASSET-01)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from enforcelink.assets import normalise
from enforcelink.assets.actions import inquiry_start
from enforcelink.assets.models import AssetRecord, AssetSource, InquiryRequest, Outcome
from enforcelink.assets.queries import asked_by_kind, case_records, shown_identifier
from enforcelink.core.models import AuditEvent
from enforcelink.linkage import holdings
from enforcelink.linkage.actions import Ask, requests_fan_out
from enforcelink.orgs.models import Role, UnitType
from tests.assets.conftest import ACCOUNT, NOTHING, answer, refuse
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.usefixtures("english")


def _request(report, kind):
    return next(req for req in report.made if req.request_type == kind)


def test_accounts_become_records_with_balance_and_date(world, units, case):
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    second = dict(ACCOUNT, account="6228480199990000", balance="0.50")
    answer(units, _request(report, "inquire_deposits"), {"found": True, "accounts": [ACCOUNT, second]})
    records = list(AssetRecord.objects.order_by("pk"))
    assert [(r.kind, r.identifier, r.value) for r in records] == [
        ("deposit", "6228 4801 2345 6789", Decimal("12345.67")),
        ("deposit", "6228480199990000", Decimal("0.50")),
    ]
    assert all(
        r.unit == world.unit and r.value_on and r.institution == "綦江农商银行古南支行" for r in records
    )
    assert records[0].respondent.name == "重庆某建材有限公司"  # the case's only respondent
    assert InquiryRequest.objects.get().outcome == Outcome.FOUND
    event = AuditEvent.objects.get(action="assets.recorded")
    assert event.after["found"] == 2 and event.after["new"] == 2 and event.case_id == case.pk


def test_the_same_account_named_again_is_one_record_with_two_sources(world, units, case):
    """Same account at the same bank, written differently (spaces, full-width digits), named by two
    branches: one record, the latest balance and date kept, both requests its sources."""
    branch = UnitFactory(region=world.region, name="綦江农商银行营业部", unit_type=UnitType.BANK)
    units.by_type["branch"], units.liaisons["branch"] = branch, UserFactory(unit=branch, role=Role.LIAISON)
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    first, again = sorted(report.made, key=lambda r: r.unit_id)
    answer(units, first, {"found": True, "accounts": [ACCOUNT]})
    written_otherwise = dict(ACCOUNT, account="６２２８４８０１２３４５６７８９", balance="99.00")
    answer(units, again, {"found": True, "accounts": [written_otherwise]})
    record = AssetRecord.objects.get()
    assert record.value == Decimal("99.00") and record.unit_id == again.unit_id
    assert set(AssetSource.objects.values_list("request_id", flat=True)) == {first.pk, again.pk}
    assert record.last_seen_at > record.first_seen_at


def test_a_repeated_reply_of_one_unit_names_the_asset_once(world, units, case):
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    answer(units, _request(report, "inquire_deposits"), {"found": True, "accounts": [ACCOUNT, ACCOUNT]})
    assert AssetRecord.objects.count() == 1 and AssetSource.objects.count() == 1


def test_property_vehicles_equity_and_documents(world, units, case, person_case):
    report = inquiry_start(case, actor=world.officer)
    answer(units, _request(report, "inquire_real_estate"), {"found": True, "items": [
        {"description": "綦江区古南街道某小区1-2-3", "certificate": "渝（2021）綦江区不动产权第0001234号",
         "encumbrance": "抵押：中国建设银行綦江支行"},
        {"description": "綦江区文龙街道商铺", "certificate": "渝（2019）綦江区不动产权第0000077号",
         "encumbrance": "已被（2025）渝0112执55号查封"},
    ]})  # fmt: skip
    answer(units, _request(report, "inquire_vehicles"), {"found": True, "vehicles": [
        {"plate": "渝A·12345", "description": "小型轿车 大众帕萨特"}]})  # fmt: skip
    answer(units, _request(report, "inquire_equity"), {"found": True, "equity": [
        {"company": "重庆某物流有限公司", "share": "30%"}]})  # fmt: skip
    answer(
        units,
        _request(report, "inquire_tax"),
        {"found": True, "refunds": [{"tax_kind": "增值税", "amount": "800.00"}]},
    )
    by_kind = {r.kind: r for r in AssetRecord.objects.filter(case=case)}
    homes = list(AssetRecord.objects.filter(case=case, kind="real_estate").order_by("pk"))
    assert homes[0].encumbrances == ["抵押：中国建设银行綦江支行"] and homes[0].other_measures == []
    assert homes[1].other_measures == ["已被（2025）渝0112执55号查封"] and homes[1].encumbrances == []
    assert by_kind["vehicle"].key == "渝A12345" and by_kind["equity"].description == "30%"
    assert by_kind["tax_refund"].value == Decimal("800.00")
    trip = inquiry_start(person_case, actor=world.officer, kinds=["inquire_exit_entry"])
    answer(
        units, trip.made[0], {"found": True, "documents": [{"document_type": "护照", "number": "E12345678"}]}
    )
    passport = AssetRecord.objects.get(kind="exit_entry")
    assert passport.identifier_is_id and shown_identifier(passport) == "E1*****78"


def test_nothing_found_is_recorded_for_its_kind(world, units, case):
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits", "inquire_vehicles"])
    answer(units, _request(report, "inquire_deposits"), NOTHING)
    rows = {
        row.request_type: row
        for row in asked_by_kind(world.officer, case, list(case_records(world.officer, case)))
    }
    assert rows["inquire_deposits"].nothing_found and not rows["inquire_vehicles"].nothing_found
    assert rows["inquire_vehicles"].waiting
    assert InquiryRequest.objects.get(request__request_type="inquire_deposits").outcome == Outcome.NOTHING
    assert not AssetRecord.objects.exists()
    assert AuditEvent.objects.get(action="assets.recorded").after["found"] == 0


def test_a_refusal_is_an_answer_with_nothing_recorded(world, units, case):
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_vehicles"])
    refuse(units, report.made[0])
    assert InquiryRequest.objects.get().outcome == Outcome.REJECTED and not AssetRecord.objects.exists()


def test_a_reply_to_a_request_sent_by_hand_makes_records_too(world, units, case):
    """An officer's own inquiry from the requests page (no Inquiry row) still feeds the records."""
    [request] = requests_fan_out(
        case, [Ask(world.unit, "inquire_deposits", "查询存款", "民诉法第二百五十三条")], actor=world.officer
    )
    answer(units, request, {"found": True, "accounts": [ACCOUNT]})
    assert AssetRecord.objects.get().sources.get() == request


@pytest.mark.parametrize(
    ("kind", "result", "keys"),
    [
        (
            "inquire_deposits",
            {"found": True, "accounts": [ACCOUNT]},
            ["綦江农商银行古南支行|6228480123456789"],
        ),
        (
            "inquire_vehicles",
            {"found": True, "vehicles": [{"plate": "渝 a-12345", "description": "x"}]},
            ["渝A12345"],
        ),
        ("inquire_real_estate", {"found": True, "items": [{"description": "某  小区"}]}, ["desc|某小区"]),
        ("inquire_social_insurance", {"found": True, "monthly_pension": "2100.00"}, ["pension"]),
        ("inquire_deposits", {"found": False}, []),
        ("inquire_household", {"found": True, "registered_address": "綦江"}, []),
    ],
)
def test_normalised_keys(kind, result, keys):
    assert [item.key for item in normalise.found_in(kind, result)] == keys


@pytest.mark.parametrize(
    ("text", "mortgages", "measures"),
    [("无", [], []), ("  ", [], []), ("已抵押给中国建设银行綦江支行", ["已抵押给中国建设银行綦江支行"], []),
     ("轮候查封（2025）渝0112执55号", [], ["轮候查封（2025）渝0112执55号"]),
     ("已抵押给中国银行（抵押债权数额50万元）；已被重庆市江北区人民法院查封（2024年3月）",
      ["已抵押给中国银行（抵押债权数额50万元）"], ["已被重庆市江北区人民法院查封（2024年3月）"])],
)  # fmt: skip
def test_an_encumbrance_cell_is_a_mortgage_another_courts_measure_or_none(text, mortgages, measures):
    assert normalise.split_encumbrance(text) == (mortgages, measures)


@pytest.mark.parametrize("kind", normalise.INQUIRY_TYPES)
def test_every_answer_the_simulators_give_normalises(kind):
    """What `make demo`'s agencies answer (any shape `linkage.policy.clean_result` accepts) becomes
    records with keys, or nothing when nothing was found."""
    import datetime as dt
    import random

    from enforcelink.linkage import policy
    from enforcelink.linkage.simulator import result_for

    for seed in range(40):
        result = policy.clean_result(kind, result_for(kind, random.Random(seed), today=dt.date(2026, 3, 2)))
        found = normalise.found_in(kind, result)
        if result["found"] is False:
            assert found == [] and normalise.answered_nothing(kind, result)
        else:
            assert found and all(item.key.strip("|") for item in found), (kind, result)
            assert len({(item.kind, item.key) for item in found}) == len(found)


def test_co_owners_named_in_a_titles_description(world, units, case):
    assert normalise.co_owners_in(
        "綦江区古南街道1号（住宅，建筑面积89.00平方米；共有人：王某某、刘某，共同共有）"
    ) == [
        "王某某",
        "刘某",
    ]
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_real_estate"])
    title = {
        "description": "古南街道1号（住宅；共有人：王某某，共同共有）",
        "certificate": "渝（2020）綦江区不动产权第0000001号",
    }
    answer(units, report.made[0], {"found": True, "items": [title]})
    assert AssetRecord.objects.get().co_owners == ["王某某"]


@pytest.mark.parametrize("kind", sorted(holdings.INQUIRIES - {"archive_search"}))
def test_what_the_demo_debtors_own_normalises_the_same_every_time(kind):
    """The demo's units answer from what each debtor owns (`linkage.holdings`): asked twice, the same
    assets, the same keys — one record each however often they are named."""
    from enforcelink.linkage import policy

    for number in ("110105199003074472", "500110198507150319", "914403001922038216"):
        held = holdings.holdings_for([{"kind": "person" if len(number) == 18 and number[0] != "9" else
                                       "organisation", "id_type": "resident_id", "id_number": number}])  # fmt: skip
        result = policy.clean_result(kind, holdings.inquiry_result(kind, held))
        first = [(item.kind, item.key) for item in normalise.found_in(kind, result)]
        again = [(item.kind, item.key) for item in normalise.found_in(kind, result)]
        assert first == again and len(set(first)) == len(first)
        assert bool(first) == (result["found"] is True)
