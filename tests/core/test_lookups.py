"""`field__among=[…]` (core.lookups): the same rows as `__in`, for keys and for text, on both databases."""

from __future__ import annotations

import pytest

from enforcelink.orgs.models import Court, Region


@pytest.mark.django_db
def test_among_finds_what_in_finds():
    region = Region.objects.create(code="500199", name="测试区", path="500199/")
    courts = [Court.objects.create(code=f"渝99{n}", name=f"测试法院{n}", region=region) for n in range(3)]
    ids = [courts[0].pk, courts[2].pk, 10**12]
    assert set(Court.objects.filter(pk__among=ids)) == set(Court.objects.filter(pk__in=ids))
    assert set(Court.objects.filter(code__among=["渝990", "渝992", "none"])) == {courts[0], courts[2]}
    assert list(Court.objects.filter(region_id__among=[region.pk]).order_by("pk")) == courts  # a key
    assert not Court.objects.filter(pk__among=[]).exists()
    assert not Court.objects.filter(pk__among=[None]).exists()
