"""Keyset pages (`core.pages`, issue 14 §12): walking a list forwards and backwards by cursors gives
every row once, in the list's order, whatever its ties and NULLs; a cursor that is not the list's
starts it over (pages) or is refused (API); totals are exact when short and, on PostgreSQL, the
planner's estimate when long."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F

from enforcelink.cases import search
from enforcelink.cases.models import Case
from enforcelink.core import pages
from tests.factories import file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def docket(world):
    """Twelve cases over four filing days (ties on the date), a third of them closed on a date."""
    made = []
    for index in range(12):
        case = file_case(world.court, world.officer, filed_on=dt.date(2024, 3, 1 + index % 4))
        made.append(case)
    for index, case in enumerate(made[::3]):
        Case.objects.filter(pk=case.pk).update(closed_on=dt.date(2024, 6, 1 + index % 2))
    return Case.objects.filter(pk__in=[c.pk for c in made])


def walk(queryset, per_page):
    """Every page forwards through `next` cursors, then from the last back through `previous` ones."""
    forwards = [pages.keyset_page(queryset, per_page=per_page)]
    while forwards[-1].has_next:
        assert forwards[-1].next_cursor and len(forwards) < 50
        forwards.append(pages.keyset_page(queryset, per_page=per_page, after=forwards[-1].next_cursor))
    backwards = [forwards[-1]]
    while backwards[-1].has_previous:
        assert len(backwards) < 50
        backwards.append(pages.keyset_page(queryset, per_page=per_page, before=backwards[-1].previous_cursor))
    return [[row.pk for row in page] for page in forwards], [
        [row.pk for row in page] for page in backwards[::-1]
    ]


@pytest.mark.parametrize(
    "order",
    [
        ("-filed_on", "-id"),  # the case list's
        ("filed_on", "id"),
        ("closed_on", "id"),  # NULLs last going up
        ("-closed_on", "-id"),  # NULLs first going down
        ("-filed_on", "closed_on", "id"),  # mixed directions, a nullable key in the middle
        ("filed_on",),  # no primary key: appended
    ],
)
@pytest.mark.parametrize("per_page", [1, 5, 12])
def test_walking_every_page_gives_every_row_once_in_order(docket, order, per_page):
    queryset = docket.order_by(*order)
    keys = pages.ordering_keys(queryset)
    expected = [row.pk for row in queryset.order_by(*[key.order() for key in keys])]
    forwards, backwards = walk(queryset, per_page)
    assert [pk for page in forwards for pk in page] == expected
    assert backwards == forwards
    assert all(len(page) == per_page for page in forwards[:-1])


def test_nulls_sit_where_postgresql_puts_them_on_both_databases(docket):
    rows = pages.keyset_page(docket.order_by("closed_on", "id"), per_page=12).object_list
    closed = [row.closed_on for row in rows]
    assert closed[:4] == sorted(closed[:4]) and closed[4:] == [None] * 8  # ascending: NULLs last
    rows = pages.keyset_page(docket.order_by("-closed_on", "-id"), per_page=12).object_list
    assert [row.closed_on for row in rows][:8] == [None] * 8  # descending: NULLs first


def test_a_list_ordered_by_an_annotation_it_only_aliases(world, docket):
    """The search orders by its rank, an alias the query does not select: the pager selects it."""
    queryset = search.search(Case.objects.visible_to(world.officer), "张三")
    assert "search_rank" in queryset.query.annotations
    forwards, backwards = walk(queryset, 5)
    assert sorted(pk for page in forwards for pk in page) == sorted(docket.values_list("pk", flat=True))
    assert backwards == forwards


def test_annotated_nullable_order_with_nulls_last(docket):
    queryset = docket.annotate(closing=F("closed_on")).order_by(F("closing").asc(nulls_last=True), "pk")
    forwards, backwards = walk(queryset, 4)
    flat = [pk for page in forwards for pk in page]
    assert flat == [row.pk for row in queryset]
    assert backwards == forwards


@pytest.mark.parametrize(
    "cursor",
    ["zz", "x²", "", "W10", "WyJ4Il0", "WzEsMiwzXQ", "eyJhIjoxfQ", "WyIyMDI0LTEzLTQwIiwxXQ", "A" * 2000,
     pages.encode_cursor([None, 1]), pages.encode_cursor([[1], 2])],
)  # fmt: skip
def test_a_cursor_not_of_this_list_starts_it_over_or_is_refused(docket, cursor):
    queryset = docket.order_by("-filed_on", "-id")
    first = pages.keyset_page(queryset, per_page=5)
    page = pages.keyset_page(queryset, per_page=5, after=cursor, before=cursor)
    assert [r.pk for r in page] == [r.pk for r in first]
    if cursor:
        with pytest.raises(pages.InvalidCursor):
            pages.keyset_page(queryset, per_page=5, after=cursor, strict=True)


def test_totals_exact_when_short(docket):
    page = pages.keyset_page(docket.order_by("-filed_on", "-id"), per_page=5)
    assert (page.total, page.estimated) == (12, False)
    whole = pages.keyset_page(docket.order_by("-filed_on", "-id"), per_page=20)
    assert (whole.total, whole.estimated, whole.has_other_pages()) == (12, False, False)
    assert pages.keyset_page(docket.none(), per_page=5).total == 0


def test_long_lists_take_postgresqls_estimate(docket):
    """SQLite counts; PostgreSQL estimates past the exact limit (here 3), rounded, and says so."""
    total, estimated = pages.estimated_count(docket.order_by("-filed_on"), exact_up_to=3)
    if connection.vendor == "postgresql":
        assert estimated and total >= 1
    else:
        assert (total, estimated) == (12, False)


def test_a_list_known_to_be_empty_counts_nothing(docket, django_assert_num_queries):
    """A search that found nothing is `.none()`: Django answers its EXPLAIN with no plan (PostgreSQL's
    estimate then raised, a 500 on the API case list); nothing to count, no query."""
    with django_assert_num_queries(0):
        assert pages.estimated_count(docket.none()) == (0, False)
    page = pages.keyset_page(docket.none().order_by("-filed_on", "-id"), per_page=5)
    assert (list(page), page.total, page.estimated) == ([], 0, False)


def test_estimates_are_rounded_to_three_figures():
    assert pages._rounded(999) == 999
    assert pages._rounded(1_234_567) == 1_230_000
    assert pages._rounded(45_678) == 45_700


def test_page_depth_does_not_change_the_query_count(docket, django_assert_num_queries):
    queryset = docket.order_by("-filed_on", "-id")
    first = pages.keyset_page(queryset, per_page=2, count=False)
    with django_assert_num_queries(1):
        deep = pages.keyset_page(queryset, per_page=2, after=first.next_cursor, count=False)
    with django_assert_num_queries(1):
        pages.keyset_page(queryset, per_page=2, after=deep.next_cursor, count=False)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00", "9999-12-31T23:59:59-10:00"])
def test_a_time_at_the_calendars_ends_starts_the_list_over(docket, moment):
    """A cursor of a list ordered by a time, crafted with a time UTC cannot hold: SQLite raised
    OverflowError in the query (a 500 on the approvals page); the list starts over instead."""
    queryset = docket.order_by("-created_at", "-id")
    first = pages.keyset_page(queryset, per_page=5)
    crafted = pages.encode_cursor([moment, 1])
    assert [r.pk for r in pages.keyset_page(queryset, per_page=5, after=crafted)] == [r.pk for r in first]
    assert [r.pk for r in pages.keyset_page(queryset, per_page=5, before=crafted)] == [r.pk for r in first]
