"""Small helpers shared by the list pages: the filters' query string, and keyset pages.

A court's lists run to a million rows (issue 14 §12). Django's `Paginator` counts every row before it
draws a page and reads page N with `OFFSET (N-1)·size`, which PostgreSQL answers by reading and
discarding every row before it: 650–850 ms a page at 1,000,000 cases. A keyset page instead asks
for the rows *after the last one shown* in the list's own order (`filed_on < x OR (filed_on = x AND
id < y)`), which an index on the ordering answers by reading only the page, however deep.

So a list has "previous / next" (and "first"), not "page N of M", and its total is exact when small
and otherwise PostgreSQL's estimate (EXPLAIN's row count for the list's filters, shown as "about"):
counting more than `EXACT_UP_TO` rows exactly would cost what the page itself does not. SQLite
counts exactly (its lists are a single court's test or demo data).

The order is the queryset's own (`order_by`, or the model's `Meta.ordering`): model fields and
annotations, ascending or descending, NULLs placed as PostgreSQL does by default (last going up,
first going down) unless the ordering says otherwise. It must end with the primary key, so that
every row has one place; a list ordered otherwise gets the primary key appended.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, Model, OrderBy, Q, QuerySet
from django.db.models.sql.where import WhereNode
from django.http import HttpRequest, QueryDict
from django.utils import timezone

CURSOR_PARAMS = ("page", "after", "before")
EXACT_UP_TO = 1000  # rows counted exactly; beyond, PostgreSQL's estimate
MAX_CURSOR = 1000  # characters: a longer cursor is not one of ours


def filter_query(request: HttpRequest) -> str:
    """The list's filters as a query string without its position (page, after, before), for the
    pager's links and for links that carry the list's filters elsewhere."""
    query = request.GET.copy()
    for name in CURSOR_PARAMS:
        query.pop(name, None)
    return query.urlencode()


@dataclass(frozen=True)
class Key:
    """One column of a list's order: a model field or an annotation."""

    name: str
    descending: bool = False
    nullable: bool = False
    nulls_last: bool = True

    def reversed(self) -> Key:
        return Key(self.name, not self.descending, self.nullable, not self.nulls_last)

    def order(self) -> OrderBy:
        if not self.nullable:  # plain ASC/DESC, the form an index on the columns serves
            return OrderBy(F(self.name), descending=self.descending)
        placement = {"nulls_last": True} if self.nulls_last else {"nulls_first": True}
        return OrderBy(F(self.name), descending=self.descending, **placement)

    def beyond(self, value: Any) -> Q:
        """Rows strictly after `value` in this key's direction (NULLs where the order puts them)."""
        if value is None:
            return Q(pk__in=[]) if self.nulls_last else Q(**{f"{self.name}__isnull": False})
        beyond = Q(**{f"{self.name}__{'lt' if self.descending else 'gt'}": value})
        if self.nullable and self.nulls_last:
            beyond |= Q(**{f"{self.name}__isnull": True})
        return beyond

    def reached(self, value: Any) -> Q:
        """Rows at or after `value`: a bound an index range can start from."""
        if value is None:  # NULLs last: only NULLs remain; NULLs first: everything does
            return Q(**{f"{self.name}__isnull": True}) if self.nulls_last else Q()
        reached = Q(**{f"{self.name}__{'lte' if self.descending else 'gte'}": value})
        if self.nullable and self.nulls_last:
            reached |= Q(**{f"{self.name}__isnull": True})
        return reached

    def equal(self, value: Any) -> Q:
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})


def _field(queryset: QuerySet[Any], name: str) -> Any:
    """The model field (or the annotation's output field) a key reads, for its `to_python`."""
    opts = queryset.model._meta
    if name == "pk":
        return opts.pk
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    return opts.get_field(name)


def _key(queryset: QuerySet[Any], item: Any) -> Key:
    if isinstance(item, str):
        name, descending = item.lstrip("-"), item.startswith("-")
        nulls_last: bool | None = None
    elif isinstance(item, OrderBy) and isinstance(item.expression, F):
        name, descending = str(item.expression.name), item.descending  # type: ignore[attr-defined]
        nulls_last = True if item.nulls_last else False if item.nulls_first else None
    else:
        raise ValueError(f"keyset order by a field or an annotation, not {item!r}")
    model_field = _field(queryset, name)
    annotated = name in queryset.query.annotations
    nullable = annotated or bool(getattr(model_field, "null", False))
    return Key(name, descending, nullable, (not descending) if nulls_last is None else nulls_last)


def ordering_keys(queryset: QuerySet[Any]) -> list[Key]:
    """The queryset's order as keys, ending with the primary key."""
    items: Sequence[Any] = queryset.query.order_by or queryset.model._meta.ordering
    keys = [_key(queryset, item) for item in items]
    pk_names = {"pk", queryset.model._meta.pk.name}
    if not keys or keys[-1].name not in pk_names:
        keys = [k for k in keys if k.name not in pk_names]
        keys.append(Key("pk", descending=keys[-1].descending if keys else False))
    return keys


def _after(keys: list[Key], values: Sequence[Any]) -> Q:
    """Rows after `values` in the order of `keys`: (k1 > v1) or (k1 = v1 and k2 > v2) or …, with the
    first key's range (k1 ≥ v1) in front, which PostgreSQL turns into the index scan's start."""
    alternatives = []
    for index, key in enumerate(keys):
        step = key.beyond(values[index])
        for before, value in zip(keys[:index], values[:index], strict=True):
            step &= before.equal(value)
        alternatives.append(step)
    return keys[0].reached(values[0]) & reduce(operator.or_, alternatives)


# --- cursors: the boundary row's key values, as text a URL can carry --------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    text = json.dumps([_plain(value) for value in values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(queryset: QuerySet[Any], keys: list[Key], cursor: str) -> list[Any] | None:
    """The key values a cursor carries, each as its field's Python value; None for anything else
    (a cursor typed by hand, cut off, or from a list ordered otherwise): the list starts over."""
    if not cursor or len(cursor) > MAX_CURSOR:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(raw, list) or len(raw) != len(keys):
        return None
    values = []
    for key, value in zip(keys, raw, strict=True):
        if (value is None and not key.nullable) or isinstance(value, dict | list):
            return None
        try:
            python = None if value is None else _field(queryset, key.name).to_python(value)
            if isinstance(python, dt.datetime):
                # The database compares in UTC: a time at the calendar's ends (0001-01-01, 9999-12-31
                # with an offset) cannot be converted, and SQLite raised OverflowError in the query.
                python = (python if timezone.is_aware(python) else timezone.make_aware(python)).astimezone(
                    dt.UTC
                )
            values.append(python)
        except (ValidationError, FieldDoesNotExist, TypeError, ValueError, OverflowError):
            return None
    return values


# --- the page ------------------------------------------------------------------------------------


class InvalidCursor(ValueError):
    """A cursor that is not one of the list's (named by its parameter)."""


@dataclass
class KeysetPage:
    """One page of a list: its rows, whether there are rows before and after, the cursors that
    lead there, and the list's total (exact, or PostgreSQL's estimate: `estimated`)."""

    object_list: list[Any]
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""
    total: int | None = None
    estimated: bool = False
    keys: list[Key] = field(default_factory=list, repr=False)

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _boundary(row: Any, keys: list[Key], annotated: set[str]) -> list[Any]:
    values = []
    for key in keys:
        if key.name == "pk":
            values.append(row.pk)
        elif hasattr(row, f"keyset_{key.name}"):  # an alias, selected for the pager
            values.append(getattr(row, f"keyset_{key.name}"))
        elif key.name in annotated:
            values.append(getattr(row, key.name))
        else:
            model_field = row._meta.get_field(key.name) if isinstance(row, Model) else None
            values.append(getattr(row, getattr(model_field, "attname", key.name)))
    return values


def _selected(queryset: QuerySet[Any], keys: list[Key]) -> QuerySet[Any]:
    """Annotations the order uses but the query only aliases are selected, to read their values."""
    hidden = [k.name for k in keys if k.name in queryset.query.annotations]
    hidden = [name for name in hidden if name not in queryset.query.annotation_select]
    return queryset.annotate(**{f"keyset_{name}": F(name) for name in hidden}) if hidden else queryset


def _rows(sliced: QuerySet[Any], keys_first: bool) -> list[Any]:
    """The sliced query's rows; with `keys_first`, its primary keys first (a narrow query an index
    can answer alone), then the rows by key, in the same order."""
    if not keys_first:
        return list(sliced)
    pks = list(sliced.values_list("pk", flat=True))
    by_pk = {row.pk: row for row in _unsliced(sliced).filter(pk__in=pks)} if pks else {}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def _unsliced(sliced: QuerySet[Any]) -> QuerySet[Any]:
    """The query's rows, joins, annotations and prefetches without its limits, order and filter:
    the keys were read through the filter, and asked again with it (a 30,000-id array beside the
    51 keys) PostgreSQL planned the fetch as badly as before (340 ms)."""
    clone = sliced._chain()  # type: ignore[attr-defined]
    clone.query.clear_limits()
    clone.query.where = WhereNode()
    return clone.order_by()


def keyset_page(
    queryset: QuerySet[Any],
    *,
    per_page: int,
    after: str = "",
    before: str = "",
    count: bool = True,
    offset: int = 0,
    strict: bool = False,
    keys_first: bool = False,
) -> KeysetPage:
    """The page after the cursor `after`, or before `before`, or the first (or, for the API's
    callers of old, the one at `offset`): at most `per_page` rows, read as one query. A cursor
    that is not one of this list's starts the list over, or with `strict` raises `InvalidCursor`.

    `keys_first` reads the page's keys in one narrow query, then its rows by primary key: for a
    filter PostgreSQL can only weigh by reading every candidate row (a broad search, issue 14 §12:
    12,256 of a court's 399,382 cases hold an ID prefix), the narrow query walks the list's index
    alone (100 ms) where the whole rows meant reading the court's table (440 ms)."""
    keys = ordering_keys(queryset)
    ordered = _selected(queryset, keys)
    backwards = False
    values = decode_cursor(queryset, keys, after) if after else None
    if values is None and before:
        values = decode_cursor(queryset, keys, before)
        backwards = values is not None
    if strict and (after or before) and values is None:
        raise InvalidCursor("after" if after else "before")
    if backwards:
        assert values is not None
        walk = [key.reversed() for key in keys]
        walked = ordered.filter(_after(walk, values)).order_by(*[k.order() for k in walk])
        rows = _rows(walked[: per_page + 1], keys_first)
        more_before, rows = len(rows) > per_page, rows[:per_page][::-1]
        has_previous, has_next = more_before, True
    else:
        ordered = ordered.order_by(*[k.order() for k in keys])
        if values is not None:
            ordered = ordered.filter(_after(keys, values))
            start = 0
        else:
            start = max(offset, 0)
        rows = _rows(ordered[start : start + per_page + 1], keys_first)
        has_next, rows = len(rows) > per_page, rows[:per_page]
        has_previous = values is not None or start > 0
    page = KeysetPage(rows, has_next=has_next, has_previous=has_previous, keys=keys)
    if rows:
        annotated = set(queryset.query.annotations)
        page.next_cursor = encode_cursor(_boundary(rows[-1], keys, annotated)) if has_next else ""
        page.previous_cursor = encode_cursor(_boundary(rows[0], keys, annotated)) if has_previous else ""
    if count:
        if not has_next and not has_previous:  # the whole list is on this page
            page.total = len(rows)
        else:
            page.total, page.estimated = estimated_count(queryset)
    return page


def estimated_count(queryset: QuerySet[Any], exact_up_to: int = EXACT_UP_TO) -> tuple[int, bool]:
    """(total, estimated). SQLite counts. PostgreSQL first estimates (EXPLAIN: planning only, a few
    ms); a list it expects to be short is counted, up to `exact_up_to` rows, so short lists read
    exactly; a long one keeps the estimate, since counting 1,000 of a court's overdue clocks costs
    more than drawing their page (35–100 ms at 1,000,000 cases)."""
    plain = queryset.order_by().values("pk")
    if plain.query.is_empty():  # `.none()` (a search that found nothing): no query to plan
        return 0, False
    if connections[queryset.db].vendor != "postgresql":
        return plain.count(), False
    estimate = planner_rows(plain)
    if estimate is None:
        estimate = 0
    elif estimate > exact_up_to:
        return _rounded(estimate), True
    bounded = plain[: exact_up_to + 1].count()
    if bounded <= exact_up_to:
        return bounded, False
    return _rounded(max(estimate, bounded)), True


def _rounded(estimate: int) -> int:
    """An estimate to three significant figures (1,234,567 → 1,230,000): it is no closer than that."""
    digits = len(str(estimate))
    return estimate if digits <= 3 else round(estimate, 3 - digits)


def planner_rows(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the rows a query returns (EXPLAIN's top plan node), without running it;
    None when there is no plan to read (Django answers an EXPLAIN of a query it knows is empty with
    nothing)."""
    try:
        plan = json.loads(queryset.explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])
    except (ValueError, LookupError, TypeError):
        return None


def cursor_query(query: str, name: str, cursor: str) -> str:
    """The filters' query string with the cursor added, for a pager's link."""
    params = QueryDict(query, mutable=True)
    params[name] = cursor
    return params.urlencode()


def request_page(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int, *, keys_first: bool = False
) -> KeysetPage:
    """The page a list's request asks for (`?after=` / `?before=` a cursor of its pager's links)."""
    return keyset_page(
        queryset,
        per_page=per_page,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        keys_first=keys_first,
    )
