"""django-hordak's side of `enforcelink bench funds` (bench/funds.py), run by the benchmark's own
virtualenv's Python with a settings module of its own: nothing of EnforceLink is imported, and hordak
is never a dependency of the product. The same accounts (one liability per case, one asset for the
court's custody account), the same single postings (`Account.transfer_to`, one transaction each), the
same bulk of journals (`bulk_create` of transactions and legs; hordak's database checks run), one
account with a long history, and balance reads (`Account.get_simple_balance()`, a SUM of the legs).

    <venv>/bin/python bench/_hordak.py '{"url": …, "accounts": 100000, "journals": 500000, …}'
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from decimal import Decimal
from typing import Any


def _setup(url: str) -> None:
    import dj_database_url  # hordak's own dependency
    import django
    from django.conf import settings

    settings.configure(
        DATABASES={"default": dj_database_url.parse(url)},
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "mptt", "djmoney", "hordak"],
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        HORDAK_DEFAULT_CURRENCY="CNY",
        DEFAULT_CURRENCY="CNY",
        CURRENCIES=["CNY"],
        HORDAK_CURRENCIES=["CNY"],
    )
    django.setup()


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]
    return {"median": statistics.median(values) * 1000, "p95": p95 * 1000}


def drive(job: dict[str, Any]) -> dict[str, Any]:
    import django
    import hordak
    from django.core.management import call_command
    from django.db import connection, transaction
    from djmoney.money import Money
    from hordak.models import Account, Leg, Transaction

    rng = random.Random(job["seed"])
    call_command("migrate", verbosity=0)
    n = job["accounts"]
    custody = Account.objects.create(name="执行款专户", type="AS", currencies=["CNY"])
    # Root accounts written in bulk with their tree fields (MPTT), as `Account.objects.create` would.
    cases = Account.objects.bulk_create(
        [
            Account(
                name=f"case {i}",
                type="LI",
                currencies=["CNY"],
                tree_id=custody.tree_id + 1 + i,
                lft=1,
                rght=2,
                level=0,
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    figures: dict[str, Any] = {"version": getattr(hordak, "__version__", "2"), "django": django.get_version()}

    def money() -> Money:
        return Money(Decimal(rng.randint(100, 99_999)) / 100, "CNY")

    single = []
    for account in rng.sample(cases, min(job["single"], n)):
        t0 = time.perf_counter()
        account.transfer_to(custody, money())
        single.append(time.perf_counter() - t0)
    figures["single"] = {"count": len(single), "seconds": sum(single), **_stats(single)}

    def post(accounts: list[Account]) -> float:
        t0 = time.perf_counter()
        with transaction.atomic():
            made = Transaction.objects.bulk_create([Transaction(description="bench") for _ in accounts])
            legs = []
            for journal, account in zip(made, accounts, strict=True):
                amount = money()
                legs.append(Leg(transaction=journal, account=account, credit=amount))
                legs.append(Leg(transaction=journal, account=custody, debit=amount))
            Leg.objects.bulk_create(legs, batch_size=10000)
        return time.perf_counter() - t0

    seconds, left, i = 0.0, job["journals"], 0
    while left > 0:
        chunk = [cases[(i + k) % n] for k in range(min(10_000, left))]
        seconds += post(chunk)
        i, left = i + len(chunk), left - len(chunk)
    hot = cases[0]
    for _ in range(0, job["hot"], 10_000):
        seconds += post([hot] * min(10_000, job["hot"]))
    figures["bulk"] = {"journals": job["journals"] + job["hot"], "seconds": seconds}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    figures["accounts"] = Account.objects.count()
    figures["legs"] = Leg.objects.count()

    def timed(accounts: list[Account]) -> list[float]:
        accounts[0].get_simple_balance()
        out = []
        for account in accounts:
            t0 = time.perf_counter()
            account.get_simple_balance()
            out.append(time.perf_counter() - t0)
        return out

    figures["read_random"] = _stats(timed(rng.sample(cases, min(job["reads"], n))))
    figures["read_hot"] = _stats(timed([hot] * job["hot_reads"]))
    return figures


if __name__ == "__main__":
    job = json.loads(sys.argv[1])
    _setup(job["url"])
    print(json.dumps(drive(job), ensure_ascii=False))
