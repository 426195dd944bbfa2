"""Issue 15 §2 under concurrency: several units answering at the same moment, each naming the same
account, make one record with every request among its sources (PostgreSQL: the unique key on
(case, kind, key) with INSERT … ON CONFLICT DO NOTHING, then the rows locked in pk order)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from enforcelink.assets.actions import inquiry_start
from enforcelink.assets.models import AssetRecord, AssetSource
from enforcelink.linkage.actions import request_complete
from enforcelink.orgs.models import Role, UnitType, User
from tests.assets.conftest import ACCOUNT
from tests.factories import UnitFactory, UserFactory

BRANCHES = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_naming_one_account_make_one_record(world, case):
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite is private to one connection; the PostgreSQL run covers this")
    for n in range(BRANCHES - 1):
        branch = UnitFactory(region=world.region, name=f"綦江农商银行第{n}支行", unit_type=UnitType.BANK)
        UserFactory(unit=branch, role=Role.LIAISON)
    report = inquiry_start(case, actor=world.officer, kinds=["inquire_deposits"])
    assert len(report.made) == BRANCHES
    other = dict(ACCOUNT, account="6228480100000001", balance="5.00")
    errors: list[BaseException] = []
    start = threading.Barrier(BRANCHES)

    def answer(request) -> None:
        try:
            liaison = User.objects.get(unit_id=request.unit_id, role=Role.LIAISON)
            start.wait()
            request_complete(request, result={"found": True, "accounts": [ACCOUNT, other]}, actor=liaison)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(request,)) for request in report.made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert AssetRecord.objects.filter(case=case).count() == 2
    for record in AssetRecord.objects.filter(case=case):
        assert set(AssetSource.objects.filter(record=record).values_list("request_id", flat=True)) == {
            request.pk for request in report.made
        }
