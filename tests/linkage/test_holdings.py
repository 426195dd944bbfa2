"""Issue 15 §10: the simulated units answer from what each debtor owns — the same property for the same
ID number every time — and confirm controls in full, in part or refuse them as the accounts allow,
within the notice's amount (R-ASSET-03) and the legal maximum term (R-ASSET-02)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcelink.assets import normalise
from enforcelink.cases.actions import PartyInput
from enforcelink.linkage import actions, holdings, policy
from enforcelink.linkage.holdings import Reply
from enforcelink.linkage.management.commands.simulate import DEFAULT_TYPES
from enforcelink.linkage.models import AssistanceRequest
from enforcelink.linkage.simulator import Agency, reply_for
from enforcelink.orgs.api_auth import api_key_issue
from tests.factories import PERSON_IDS, file_case
from tests.linkage.conftest import ask

TODAY = dt.date(2026, 3, 10)


def person(number: str) -> dict[str, str]:
    return {"name": "李四", "kind": "person", "id_type": "resident_id", "id_number": number}


def company(number: str) -> dict[str, str]:
    return {"name": "重庆某建材有限公司", "kind": "organisation", "id_type": "uscc", "id_number": number}


def random_people(count: int, seed: int = 5) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [person("".join(rng.choice("0123456789") for _ in range(17)) + "X") for _ in range(count)]


def accepted(request_type: str, reply: Reply, details: dict[str, str] | None = None) -> dict:
    """The reply as the platform would take it: a completed result passes the checks of the API."""
    assert reply.outcome == "completed", reply
    cleaned = policy.clean_result(request_type, reply.result)
    policy.check_result_against(request_type, cleaned, details or {}, TODAY)
    return cleaned


def test_the_same_debtor_owns_the_same_property_whole_or_masked():
    whole = holdings.holdings_of(person(PERSON_IDS[2]))
    masked = holdings.holdings_of(person(PERSON_IDS[2][:10] + "****" + PERSON_IDS[2][14:]))
    assert whole == masked and not whole.empty
    assert holdings.holdings_of(person(PERSON_IDS[3])) != whole
    # Asked twice, in different requests, the bank names the same accounts.
    first = reply_for(
        {"id": 1, "request_type": "inquire_deposits", "respondents": [person(PERSON_IDS[2])]}, TODAY
    )
    again = reply_for(
        {"id": 99, "request_type": "inquire_deposits", "respondents": [person(PERSON_IDS[2])]}, TODAY
    )
    assert first == again and len(first.result["accounts"]) == len(whole.deposits) >= 2


def test_property_looks_like_real_debtors():
    people = [holdings.holdings_of(p) for p in random_people(600)]
    assert 0.08 < sum(h.empty for h in people) / len(people) < 0.25  # some own nothing at all
    assert any(len(h.deposits) >= 3 for h in people)  # several accounts per person
    assert any(a.balance < 1 for h in people for a in h.deposits)  # some near zero
    assert any(a.balance > 50000 for h in people for a in h.deposits)
    estates = [item for h in people for item in h.of("estate")]
    assert any("已抵押给" in item.encumbrance for item in estates)
    assert any("共有人" in item.description for item in estates)
    assert any(item.seized_elsewhere for item in estates)  # another court was first (R-ASSET-04)
    vehicles = [item for h in people for item in h.of("vehicle")]
    assert vehicles and all(item.identifier.startswith("渝") and "·" in item.identifier for item in vehicles)
    assert any(h.securities for h in people) and any(h.housing_fund for h in people)
    firms = [holdings.holdings_of(company(f"9150011{n:011d}")) for n in range(200)]
    assert sum(bool(h.of("equity")) for h in firms) > sum(bool(h.of("equity")) for h in people[:200])
    assert not any(h.housing_fund or h.online for h in firms)


@pytest.mark.parametrize("request_type", sorted(holdings.INQUIRIES))
def test_every_inquiry_answer_is_accepted_and_found_names_what(request_type):
    found = 0
    for respondent in random_people(80, seed=11):
        reply = reply_for({"id": 1, "request_type": request_type, "respondents": [respondent]}, TODAY)
        cleaned = accepted(request_type, reply)
        policy.check_found(request_type, cleaned)
        found += cleaned["found"]
    assert found > 0 or request_type == "inquire_ships"


def test_a_debtor_with_nothing_is_told_so():
    respondent = person(PERSON_IDS[1])
    assert holdings.holdings_of(respondent).empty
    for request_type in sorted(holdings.INQUIRIES):
        reply = reply_for({"id": 3, "request_type": request_type, "respondents": [respondent]}, TODAY)
        assert reply.result["found"] is False
    freeze = reply_for({"id": 3, "request_type": "freeze", "details": {"amount": "100.00"},
                        "respondents": [respondent]}, TODAY)  # fmt: skip
    assert freeze.outcome == "rejected" and "无账户" in freeze.reason


# --- the tax office, the social-security office, the exit-entry administration ---------------------------


def test_the_simulators_answer_every_kind_the_one_click_inquiry_asks_r_case_02():
    """Each kind `inquiry_start` asks is on the list of a unit type `simulate agencies` runs by default,
    and answered from the debtor's holdings: every inquiry is answered, so its clock can complete."""
    types = DEFAULT_TYPES.split(",")
    for kind in normalise.INQUIRY_TYPES:
        assert any(kind in policy.DEFAULT_LISTS.get(unit_type, {}) for unit_type in types), kind
        assert kind in holdings.INQUIRIES, kind


@pytest.mark.parametrize("request_type", ["inquire_tax", "inquire_social_insurance", "inquire_exit_entry"])
def test_the_same_debtor_gets_the_same_answer_from_every_office(request_type):
    people = [p for p in random_people(60, seed=23) if not holdings.holdings_of(p).empty]
    answered = 0
    for respondent in people:
        number = respondent["id_number"]
        masked = person(number[:10] + "****" + number[14:])
        first = reply_for({"id": 1, "request_type": request_type, "respondents": [respondent]}, TODAY)
        again = reply_for(
            {"id": 2, "request_type": request_type, "respondents": [masked]}, TODAY + dt.timedelta(days=9)
        )
        assert first == again
        answered += first.result["found"]
    assert 0 < answered < len(people)  # some are found, some not


def test_tax_records_and_refunds_look_real_and_become_asset_records():
    firms = [company(f"9150011{n:011d}") for n in range(150)]
    people = random_people(150, seed=29)
    firm_taxes = [holdings.holdings_of(f) for f in firms]
    person_taxes = [holdings.holdings_of(p) for p in people]
    assert sum(bool(h.tax_records) for h in firm_taxes) > sum(bool(h.tax_records) for h in person_taxes)
    assert {r.tax_kind for h in person_taxes for r in h.tax_records} == {"个人所得税"}
    owed = next(f for f, h in zip(firms, firm_taxes, strict=True) if h.refunds and h.tax_records)
    result = accepted(
        "inquire_tax", reply_for({"id": 4, "request_type": "inquire_tax", "respondents": [owed]}, TODAY)
    )
    found = normalise.found_in("inquire_tax", result)
    refunds = [item for item in found if item.kind == "tax_refund"]
    assert refunds and all(item.value and item.value > 0 for item in refunds)  # money the court can reach
    assert any(item.kind == "tax_record" for item in found)


def test_exit_entry_documents_and_insurance_are_a_natural_persons_only():
    firms = [company(f"9150011{n:011d}") for n in range(80)]
    for firm in firms:
        for request_type in ("inquire_exit_entry", "inquire_social_insurance"):
            reply = reply_for({"id": 5, "request_type": request_type, "respondents": [firm]}, TODAY)
            assert reply.result["found"] is False and reply.result["note"]
    people = [holdings.holdings_of(p) for p in random_people(400, seed=31)]
    documents = [d for h in people for d in h.documents]
    assert 0.15 < sum(bool(h.documents) for h in people) / len(people) < 0.35
    assert {d.document_type for d in documents} == {"普通护照", "往来港澳通行证", "往来台湾通行证"}
    assert all(len(d.number) == 9 and d.number[0] in "ECL" and d.number[1:].isdigit() for d in documents)
    assert any(h.insurance and h.insurance[0].monthly_pension for h in people)  # a pension to reach
    # A company and its guarantor: the office answers about the person.
    guarantor = next(p for p in random_people(200, seed=37) if holdings.holdings_of(p).documents)
    both = reply_for(
        {"id": 6, "request_type": "inquire_exit_entry", "respondents": [firms[0], guarantor]}, TODAY
    )
    assert both.result["found"] is True and both.result["documents"]


def test_a_document_no_longer_valid_on_the_day_of_the_answer_is_named_without_its_end():
    passport = holdings.Document("普通护照", "E12345678", dt.date(2026, 3, 10), dt.date(2025, 5, 1))
    held = holdings.Holdings(documents=(passport,))
    before = holdings.inquiry_result("inquire_exit_entry", held, dt.date(2026, 3, 9))
    assert before["documents"] == [
        {"document_type": "普通护照", "number": "E12345678", "valid_until": "2026-03-10"}
    ]
    on_the_day = holdings.inquiry_result("inquire_exit_entry", held, TODAY)  # its last day: no end sent
    assert on_the_day["documents"] == [{"document_type": "普通护照", "number": "E12345678"}]
    assert on_the_day["last_exit_on"] == "2025-05-01"
    assert accepted("inquire_exit_entry", holdings.Reply("completed", on_the_day))
    [found] = normalise.found_in("inquire_exit_entry", on_the_day)
    assert found.kind == "exit_entry" and found.identifier_is_id


def _accounts(number: str):
    return holdings.holdings_of(person(number)).deposits


def control(
    request_type: str, details: dict[str, str], number: str = PERSON_IDS[2], request_id: int = 7
) -> Reply:
    return reply_for(
        {"id": request_id, "request_type": request_type, "details": details, "respondents": [person(number)]},
        TODAY,
    )


def test_a_freeze_is_confirmed_in_full_in_part_or_refused_r_asset_03():
    open_account = max((a for a in _accounts(PERSON_IDS[2]) if not a.closed), key=lambda a: a.balance)
    closed = next(a for a in _accounts(PERSON_IDS[2]) if a.closed)
    small = Decimal("100.00")
    full = accepted("freeze", control("freeze", {"amount": str(small), "account": open_account.number}),
                    {"amount": str(small)})  # fmt: skip
    assert Decimal(full["frozen_amount"]) == small and full["account"] == open_account.number
    large = open_account.balance + Decimal("0.01")
    part = accepted("freeze", control("freeze", {"amount": str(large), "account": open_account.number}),
                    {"amount": str(large)})  # fmt: skip
    assert Decimal(part["frozen_amount"]) == open_account.balance and "低于" in part["note"]
    refused = control("freeze", {"amount": "100.00", "account": closed.number})
    assert refused.outcome == "rejected" and "销户" in refused.reason and refused.result == {}
    unknown = control("freeze", {"amount": "100.00", "account": "6217000000000000000"})
    assert unknown.outcome == "rejected" and "无此账户" in unknown.reason
    # Without an account named: the fullest open account.
    named = accepted("freeze", control("freeze", {"amount": "100.00"}), {"amount": "100.00"})
    assert named["account"] == open_account.number


def test_a_freeze_runs_at_most_a_year_r_asset_02():
    result = accepted("freeze", control("freeze", {"amount": "1.00"}), {"amount": "1.00"})
    until = dt.date.fromisoformat(result["frozen_until"])
    assert until == dt.date(2027, 3, 9)  # a year from the day before the answer, inside 民诉解释 Art.485
    assert accepted("renew_freeze", control("renew_freeze", {"amount": "1.00"}), {"amount": "1.00"})


def test_a_deduction_names_its_transfer_and_takes_at_most_the_balance_r_asset_03():
    account = max((a for a in _accounts(PERSON_IDS[2]) if not a.closed), key=lambda a: a.balance)
    asked = str(account.balance + 1000)
    result = accepted(
        "deduct", control("deduct", {"amount": asked, "account": account.number}), {"amount": asked}
    )
    assert Decimal(result["deducted_amount"]) == account.balance
    assert result["transfer_reference"].startswith("HZ20260309") and len(result["transfer_reference"]) == 20
    again = control("deduct", {"amount": asked, "account": account.number})
    assert (
        again.result["transfer_reference"] == result["transfer_reference"]
    )  # the same request, the same transfer
    other = control("deduct", {"amount": asked, "account": account.number}, request_id=8)
    assert other.result["transfer_reference"] != result["transfer_reference"]


def test_seizures_are_registered_within_the_maximum_and_behind_an_earlier_court_r_asset_02_r_asset_04():
    held = holdings.holdings_of(person(PERSON_IDS[0]))
    [estate] = held.of("estate")
    [car] = held.of("vehicle")
    seized = accepted("seize", control("seize", {"certificate": estate.identifier}, PERSON_IDS[0]))
    assert seized["certificate"] == estate.identifier
    assert (
        estate.seized_elsewhere and "轮候查封" in seized["note"] and estate.seized_elsewhere in seized["note"]
    )
    # R-ASSET-04: registered behind the earlier court, the seizure waits: no term of its own yet.
    assert seized["waiting"] is True and "seized_until" not in seized
    vehicle = accepted("seize", control("seize", {"account": car.identifier}, PERSON_IDS[0]))
    assert vehicle["seized_until"] == "2028-03-09" and "轮候" not in vehicle["note"]
    assert accepted(
        "renew_seizure", control("renew_seizure", {"certificate": estate.identifier}, PERSON_IDS[0])
    )
    assert accepted("release", control("release", {"certificate": estate.identifier}, PERSON_IDS[0]))
    released = accepted("unfreeze", control("unfreeze", {"amount": "250.00"}), {"amount": "250.00"})
    assert released["released_amount"] == "250.00"


@settings(max_examples=300, deadline=None)
@given(
    number=st.text("0123456789", min_size=17, max_size=17).map(lambda digits: digits + "X"),
    request_type=st.sampled_from(sorted(holdings.CONTROLS)),
    amount=st.decimals(Decimal("0.01"), Decimal("9999999.99"), places=2),
    which=st.integers(0, 5),
)
def test_every_control_reply_is_accepted_or_refused_with_a_reason(number, request_type, amount, which):
    held = holdings.holdings_of(person(number))
    names = [a.number for a in held.accounts] + [item.identifier for item in held.items] + [""]
    details = {"amount": str(amount), "account": names[which % len(names)]}
    reply = control(request_type, details, number)
    if reply.outcome == "rejected":
        assert reply.reason and request_type in ("freeze", "renew_freeze", "deduct")
        return
    result = accepted(request_type, reply, details)
    for name in ("frozen_amount", "deducted_amount", "released_amount"):
        if name in result:
            assert Decimal(result[name]) <= amount


# --- through the machine API -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_simulated_bank_answers_from_the_debtors_property(live_server, world):
    respondent = PERSON_IDS[2]
    parties = [
        PartyInput(role="applicant", kind="person", name="张三", id_number=PERSON_IDS[0]),
        PartyInput(role="respondent", kind="person", name="李四", id_number=respondent),
    ]
    case = file_case(world.court, world.officer, principal="50000.00", parties=parties)
    closed = next(a for a in _accounts(respondent) if a.closed)

    def send(request_type, **details):
        made = actions.request_create(case, ask(world.unit, request_type, **details), actor=world.officer)
        return actions.request_send(made, actor=world.officer)

    inquiry = send("inquire_deposits")
    freeze = send("freeze", amount="1000.00", account=closed.number)
    _key, secret = api_key_issue(world.unit, name="simulator", actor="test")
    agency = Agency("bank", live_server.url, secret)
    try:
        # Pushed requests carry no respondents: the agency looks them up on the request itself.
        pushed = [
            {"id": r.pk, "request_type": r.request_type, "details": r.details} for r in (inquiry, freeze)
        ]
        assert sorted(agency.reply_page(pushed)) == sorted([inquiry.pk, freeze.pk])
    finally:
        agency.close()
    inquiry.refresh_from_db()
    freeze.refresh_from_db()
    assert inquiry.status == "completed"
    assert [row["account"] for row in inquiry.result["accounts"]] == [a.number for a in _accounts(respondent)]
    assert freeze.status == "rejected" and "销户" in freeze.reason
    assert AssistanceRequest.objects.filter(status="completed").count() == 1
