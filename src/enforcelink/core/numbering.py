"""Gapless numbers per scope (court, kind, year): 案号 (R-ID-03), document numbers, and the coming
listing decisions and fund vouchers all take theirs here.

A number is taken with its counter row locked until the caller's transaction ends: a transaction that
fails gives its number back with the rollback, and the next one gets it, so there are no gaps, and two
transactions never see the same `last`, so there are no duplicates. The first use of a scope creates
its row with INSERT … ON CONFLICT DO NOTHING (a concurrent first use waits for the other's insert
instead of failing), then locks it. Call these inside `transaction.atomic()`.
"""

from __future__ import annotations

from enforcelink.core.models import NumberCounter


def _locked(court_id: int, kind: str, year: int) -> NumberCounter:
    rows = NumberCounter.objects.select_for_update()
    counter = rows.filter(court_id=court_id, kind=kind, year=year).first()
    if counter is None:
        fresh = NumberCounter(court_id=court_id, kind=kind, year=year, last=0)
        NumberCounter.objects.bulk_create([fresh], ignore_conflicts=True)
        counter = rows.get(court_id=court_id, kind=kind, year=year)
    return counter


def next_number(*, court_id: int, kind: str, year: int, count: int = 1) -> int:
    """The next number in the scope; with `count`, the first of that many consecutive ones. The
    counter stays locked for the rest of the transaction."""
    if count < 1:
        raise ValueError("count must be at least 1")
    counter = _locked(court_id, kind, year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first


def raise_to(*, court_id: int, kind: str, year: int, at_least: int) -> None:
    """An imported number is kept as given: new numbers in its scope continue after it (never lowers
    the counter). Locks the counter for the rest of the transaction, as next_number."""
    counter = _locked(court_id, kind, year)
    if at_least > counter.last:
        counter.last = at_least
        counter.save(update_fields=["last"])


def last_numbers(kind_prefix: str) -> dict[tuple[int, str, int], int]:
    """The last number of every scope whose kind starts with `kind_prefix`, by (court id, kind, year):
    for bulk loaders that number many records at once (the demo data)."""
    rows = NumberCounter.objects.filter(kind__startswith=kind_prefix)
    return {(row.court_id, row.kind, row.year): row.last for row in rows}


def raise_all(values: dict[tuple[int, str, int], int]) -> None:
    """raise_to for many scopes at once, keyed by (court id, kind, year): for bulk loaders. Locks the
    counters of the given kinds in id order."""
    fresh = [
        NumberCounter(court_id=court_id, kind=kind, year=year, last=0) for court_id, kind, year in values
    ]
    NumberCounter.objects.bulk_create(fresh, ignore_conflicts=True)
    kinds = {kind for _court_id, kind, _year in values}
    rows = NumberCounter.objects.select_for_update().filter(kind__in=kinds).order_by("pk")
    changed = []
    for row in rows:
        wanted = values.get((row.court_id, row.kind, row.year), 0)
        if wanted > row.last:
            row.last = wanted
            changed.append(row)
    NumberCounter.objects.bulk_update(changed, ["last"])
