"""Findings of the funds review (issue 15 §8–§12): each test failed before its fix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from enforcelink.core.errors import DomainError
from enforcelink.funds import actions, paying, queries, receiving, verify
from enforcelink.funds.models import AccountKind, Journal
from enforcelink.funds.payouts import PayoutStatus
from enforcelink.funds.statements import StatementImport, UnidentifiedReceipt, UnidentifiedStatus
from enforcelink.orgs.models import Role
from tests.factories import UserFactory, file_case
from tests.funds.test_guards import accounts, raw_entry, raw_journal, sql
from tests.funds.test_payouts import propose, receive

POSTGRES = connection.vendor == "postgresql"
ON = dt.date(2024, 5, 2)
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def leader(world):
    return UserFactory(username="leader", court=world.court, team=world.team, role=Role.TEAM_LEADER)


def hand_journal(case, pk: int, amount: str = "10.00", legs: int = 2) -> int:
    sql(
        "INSERT INTO funds_journal (id, court_id, case_id, kind, value_on, amount, memo, reference, created_by,"
        " created_at, leg_count) VALUES (%s, %s, %s, 'receipt_voluntary', %s, %s, '', '', 'sql', now(), %s)",
        [pk, case.court_id, case.pk, ON, amount, legs],
    )
    return pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's set-wise guards (funds 0005)")
def test_postgres_checks_a_journal_added_after_a_mid_transaction_check_inside_the_range_checked(world):
    """guards.POSTGRESQL_SETS remembers the range of journal ids its first deferred firing checked, and
    later firings inside it return at once. A check fired mid-transaction (SET CONSTRAINTS ALL
    IMMEDIATE, as Django's `check_constraints()` does) remembered [lo, hi]; a journal inserted after it
    with an id inside that range (given by hand, a gap of the sequence) was never checked, so an
    unbalanced journal committed (R-FUND-03)."""
    case = file_case(world.court, world.officer)
    own = accounts(case)
    with pytest.raises(IntegrityError, match="LEDGER_UNBALANCED"), transaction.atomic():
        low = raw_journal(case, "10.00")
        raw_entry(low, own[AccountKind.CUSTODY], "10.00")
        raw_entry(low, own[AccountKind.CASE], "-10.00")
        high = hand_journal(case, low + 1000)
        raw_entry(high, own[AccountKind.CUSTODY], "10.00")
        raw_entry(high, own[AccountKind.CASE], "-10.00")
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # both checked: [low, low + 1000] remembered
        sql("SET CONSTRAINTS ALL DEFERRED")
        short = hand_journal(case, low + 500)
        raw_entry(short, own[AccountKind.CUSTODY], "10.00")  # its second leg never comes
    assert not Journal.objects.filter(case=case).exists()


