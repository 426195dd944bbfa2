"""R-FUND-02: "paying out needs the officer's proposal and an approval (team leader or president,
*configurable* above an amount)". Every payout is approved by someone other than its proposer; a
court may set an amount (`Court.payout_president_above`) above which the president alone approves.
Boundaries: at the amount a team leader still approves, one fen above only the president."""

from __future__ import annotations

from decimal import Decimal

import pytest

from enforcelink.core.errors import DomainError, NotFound
from enforcelink.core.models import AuditEvent, Notification
from enforcelink.funds import actions, desk, paying, policy
from enforcelink.funds.payouts import PayoutStatus
from enforcelink.orgs.admin import CourtAdminForm
from enforcelink.orgs.models import Court, Role
from tests.factories import UserFactory
from tests.funds.test_payouts import ON, applicant

pytestmark = pytest.mark.usefixtures("english")

D = Decimal
LIMIT = D("50000.00")


@pytest.mark.parametrize(
    ("amount", "above", "president_only"),
    [
        (D("49999.99"), LIMIT, False),
        (D("50000.00"), LIMIT, False),  # "above an amount": the amount itself is not above it
        (D("50000.01"), LIMIT, True),
        (D("0.01"), D("0.00"), True),  # 0: every payout goes to the president
        (D("99999999.99"), None, False),  # no amount set: team leader or president, any amount
    ],
)
def test_the_president_approves_only_above_the_courts_amount(amount, above, president_only):
    assert policy.needs_president(amount, above) is president_only


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


@pytest.fixture
def limited(world):
    Court.objects.filter(pk=world.court.pk).update(payout_president_above=LIMIT)


def proposed(world, clerk, case, amount):
    actions.receipt_record(
        case, "100000.00", source="voluntary", value_on=ON, actor=clerk
    )  # within what is owed
    return paying.payout_propose(case, party=applicant(case), amount=amount, account="6222000011112222",
                                 actor=world.officer)  # fmt: skip


@pytest.mark.parametrize("amount", ["49999.99", "50000.00"])
def test_at_or_below_the_amount_a_team_leader_approves(world, clerk, case, leader, limited, amount):
    payout = proposed(world, clerk, case, amount)
    assert payout in desk.awaiting_approval(leader)
    assert Notification.objects.filter(user=leader, kind="funds.payout_proposed").exists()
    approved = paying.payout_approve(payout, actor=leader)
    assert approved.status == PayoutStatus.APPROVED
    event = AuditEvent.objects.get(action="funds.payout_approved")
    assert event.after["president_above"] == "50000.00"


def test_above_the_amount_only_the_president_approves(world, clerk, case, leader, limited):
    payout = proposed(world, clerk, case, "50000.01")
    assert payout not in desk.awaiting_approval(leader)
    assert payout in desk.awaiting_approval(world.president)
    told = set(Notification.objects.filter(kind="funds.payout_proposed").values_list("user_id", flat=True))
    assert told == {world.president.pk}
    with pytest.raises(DomainError) as refused:
        paying.payout_approve(payout, actor=leader, note="同意")
    assert refused.value.code == "PAYOUT_NEEDS_PRESIDENT"
    assert "50,000.00" in str(refused.value.message) and "50,000.01" in str(refused.value.message)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PROPOSED and payout.decided_by is None
    assert not AuditEvent.objects.filter(action="funds.payout_approved").exists()
    assert paying.payout_approve(payout, actor=world.president).status == PayoutStatus.APPROVED


def test_without_an_amount_a_team_leader_approves_any_payout_but_never_their_own(world, clerk, case, leader):
    payout = proposed(world, clerk, case, "90000.00")
    assert paying.payout_approve(payout, actor=leader).status == PayoutStatus.APPROVED
    assert AuditEvent.objects.get(action="funds.payout_approved").after["president_above"] is None
    own = paying.payout_propose(case, party=applicant(case), amount="1.00", account="6222000011112222",
                                actor=leader)  # fmt: skip
    with pytest.raises(NotFound):  # four eyes whatever the amount
        paying.payout_approve(own, actor=leader)


def test_a_team_leader_above_the_amount_gets_the_code_through_the_api(
    world,
    clerk,
    case,
    leader,
    limited,
    client_for,
):
    payout = proposed(world, clerk, case, "60000.00")
    api = client_for(None)
    api.force_login(leader)
    answer = api.post(f"/api/v1/funds/payouts/{payout.pk}/approve/", {"note": ""}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "PAYOUT_NEEDS_PRESIDENT"
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PROPOSED


def test_the_court_sets_the_amount_in_its_settings_never_below_zero(world):
    values = {"code": world.court.code, "name": world.court.name, "level": world.court.level,
              "region": world.court.region_id, "small_claim_threshold": "50000.00"}  # fmt: skip
    form = CourtAdminForm(data={**values, "payout_president_above": "-1.00"}, instance=world.court)
    assert not form.is_valid() and "payout_president_above" in form.errors
    form = CourtAdminForm(data={**values, "payout_president_above": "100000.00"}, instance=world.court)
    assert form.is_valid(), form.errors
    assert form.save().payout_president_above == D("100000.00")


def test_a_team_leader_above_the_amount_gets_a_message_on_the_page_not_an_error(
    world, clerk, case, leader, limited, client
):
    from django.urls import reverse

    payout = proposed(world, clerk, case, "60000.00")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(leader)
    page = client.post(reverse("funds-payout-action", args=[payout.pk, "approve"]), {"note": ""}, follow=True)
    assert page.status_code == 200 and "approved by the president" in page.content.decode()
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PROPOSED
