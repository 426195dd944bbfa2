"""Case search as officers type it (issue 14 §5): a 案号 in any written form or a part of it, a party's
name or part of it, the start or end of an identity number or USCC; exact matches first.

A text is looked for as (`search_terms`):

- a party's name or part of it (any case), always; a single character as the start of a name (a
  surname: inside names it is in too many to list);
- a 案号 or part of one when each of its characters can be in one (`core.identifiers.case_number_key`
  drops brackets of either width and spaces; a typed 号 ends the sequence, so 执133号 is not
  执1330号): inside `Case.number_key` from three characters on ("133" is looked for, "13" is in most
  numbers), and, when it reads as type code and sequence with the year and court if typed
  ("2026执133", "渝0110执133号", "执133"), as exactly those parts;
- the start or the end of an identity number or USCC when it is 4–20 letters and digits with a
  digit among them ("尾号3224", "500110…"). A part of a number only finds cases the user may see
  anyway, and the list shows names and 案号, never the numbers (R-ID-05).

Each way is one query over one index on PostgreSQL (migration cases 0009: trigram indexes of
`pg_trgm` for fragments, B-trees for starts, sequences and reversed ID numbers), and the case list
takes their case ids, so no way turns the search into a scan of every case. SQLite runs the same
queries as LIKE scans and finds the same cases.

Order: 0 exact (the whole 案号, with or without 号; a whole identity number; a party's whole name),
1 a 案号 typed in parts, 2 the rest; newest first within each.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, CharField, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models import Case as Choose
from django.db.models.functions import Reverse, Upper

from enforcelink.cases.models import Case, Party
from enforcelink.core.identifiers import CASE_KEY_START, CaseNumberParts, case_number_key, case_number_parts
from enforcelink.core.text import unsafe_characters

MAX_LENGTH = 100  # the search box's; a longer text is cut here for callers that skip the form
MIN_KEY_FRAGMENT = 3
# Past this many matches, in every court (the ids come from the parties' indexes alone), the text
# names no one: newest first, and "type more".
BROAD = 5_000
MAX_LISTED = 200_000  # a broad search's ids read into one array (PostgreSQL); past it, a subquery
DOCUMENT_PART = re.compile(r"^(?=.*\d)[0-9A-Z]{4,20}$")
EXACT, IN_PARTS, OTHER = 0, 1, 2


@dataclass
class SearchNote:
    """What a search tells besides its cases: `broad` when more than `BROAD` cases match."""

    broad: bool = False


@dataclass(frozen=True)
class SearchTerms:
    text: str  # as typed, spaces collapsed, control and format characters left out
    key: str = ""  # the 案号 key, when the text can be (part of) a case number
    number: CaseNumberParts | None = None  # type code and sequence (year, court) when it reads as one
    document: str = ""  # upper case without spaces or hyphens, when it can be part of an ID number


def search_terms(text: str) -> SearchTerms:
    """What a search text is looked for as (pure: no query)."""
    text = (text or "")[: MAX_LENGTH * 4]
    refused = {position for position, _char in unsafe_characters(text)}
    text = "".join(" " if index in refused else char for index, char in enumerate(text))
    text = " ".join(unicodedata.normalize("NFC", text).split())[:MAX_LENGTH]
    if not text:
        return SearchTerms("")
    key = case_number_key(text)
    compact = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper()
    return SearchTerms(
        text=text,
        key=key,
        number=case_number_parts(key) if key else None,
        document=compact if DOCUMENT_PART.match(compact) else "",
    )


def _parts_q(parts: CaseNumberParts) -> Q:
    lookups: dict[str, Any] = {"sequence": parts.sequence, "type_code": parts.type_code}
    if parts.year is not None:
        lookups["year"] = parts.year
    if parts.court_code:
        lookups["court__code"] = parts.court_code
    if parts.special:  # 知, 海, 铁 …: in the number only
        lookups["number_key__contains"] = f"{parts.special}{parts.type_code}{parts.sequence}号"
    return Q(**lookups)


def _key_q(key: str) -> Q:
    """A key typed from its year on is the start of the stored one (an index range, not a trigram
    search through every key holding "202")."""
    if CASE_KEY_START.match(key):
        return Q(number_key__startswith=key)
    return Q(number_key__contains=key)


def _doubled(expression: Any) -> Func:
    """PostgreSQL: the text upper-cased with every character written twice (东方 → 东东方方), so that
    a pair of characters is a trigram: `pg_trgm` needs three characters, a Chinese name is looked
    for by two. Migration 0009 indexes this expression of `Party.name` (party_name_pairs_trgm)."""
    return Func(
        Upper(expression),
        Value("(.)"),
        Value(r"\1\1"),
        Value("g"),
        function="REGEXP_REPLACE",
        output_field=CharField(),
    )


def parties_named(fragment: str) -> QuerySet[Party]:
    """Parties whose name holds `fragment` (any case); one character is the start of a name (a
    surname: in the middle it is in too many names to list)."""
    lookup = "startswith" if len(fragment) == 1 else "contains"
    parties = Party.objects.filter(**{f"name__i{lookup}": fragment})
    if connection.vendor == "postgresql":  # the same condition in the form its index serves
        parties = parties.alias(name_pairs=_doubled(F("name")))
        parties = parties.filter(**{f"name_pairs__{lookup}": _doubled(Value(fragment))})
    return parties


def matching_ids(terms: SearchTerms) -> QuerySet[Any]:
    """The ids of every case the terms find, one indexed query per way, as one union."""
    ways: list[QuerySet[Any]] = [parties_named(terms.text).values_list("case_id", flat=True)]
    if len(terms.key) >= MIN_KEY_FRAGMENT:
        ways.append(Case.objects.filter(_key_q(terms.key)).values_list("pk", flat=True))
    if terms.number is not None:
        ways.append(Case.objects.filter(_parts_q(terms.number)).values_list("pk", flat=True))
    if terms.document:
        parties = Party.objects.alias(reversed_id=Reverse("id_number"))
        ways.append(
            Party.objects.filter(id_number__startswith=terms.document).values_list("case_id", flat=True)
        )
        ways.append(
            parties.filter(reversed_id__startswith=terms.document[::-1]).values_list("case_id", flat=True)
        )
    first, *rest = [way.order_by() for way in ways]
    return first.union(*rest) if rest else first


def rank(terms: SearchTerms) -> Choose:
    """0 exact, 1 a 案号 typed in parts, 2 the rest (for the cases `matching_ids` found)."""
    exact_parties = Q(name=terms.text)
    if terms.document:
        exact_parties |= Q(id_number=terms.document)
    exact = Q(pk__in=Party.objects.filter(exact_parties).values("case_id").order_by())
    if terms.key:
        exact |= Q(number_key=terms.key)
    if terms.number is not None and terms.number.complete:  # the whole 案号 without its 号
        exact |= _parts_q(terms.number)
    whens = [When(exact, then=Value(EXACT))]
    if terms.number is not None:
        whens.append(When(_parts_q(terms.number), then=Value(IN_PARTS)))
    return Choose(*whens, default=Value(OTHER), output_field=IntegerField())


class IdAmong(Func):
    """`id IN (…)` for a non-empty list of ids. On PostgreSQL one array parameter instead of one
    placeholder per id (for 7,000 ids, 20 ms of Python formatting less a query), unnested as a
    subquery: the planner then counts the ids and fetches them by primary key, where `id = ANY(…)`
    let it walk a whole court's cases by court (a supervisor's search, 510 ms instead of 30).

    `walk`: `id = ANY(array)` after all, for a broad search's page (`search`): there the walk down
    the court's list index is wanted — the array is hashed, each case's id tested in the index alone
    (keys first, core.pages), and the walk stops at the page's last match (1 ms for 12,256 of a
    court's 399,382 cases; a court holding few of the matches is walked whole, 40 ms)."""

    output_field = BooleanField()

    def __init__(self, column: Any, ids: list[int], *, walk: bool = False) -> None:
        super().__init__(column)
        self.ids = ids
        self.walk = walk

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", (*params, *self.ids)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.source_expressions[0])
        if self.walk:
            return f"{column} = ANY(%s::bigint[])", (*params, self.ids)
        return f"{column} IN (SELECT unnest(%s::bigint[]))", (*params, self.ids)


def search(cases: QuerySet[Case], text: str, note: SearchNote | None = None) -> QuerySet[Case]:
    """`cases` narrowed to those the text finds, exact matches first; all of them for a blank text.

    The matches' ids are read first (one query, from the indexes alone: migration cases 0011): given
    as a list, a few thousand cases are fetched by primary key, where `id IN (the union)` let
    PostgreSQL misjudge the union's size and scan every case of the court (250 ms at 1,000,000
    cases). Past `BROAD` matches (a ten-digit ID prefix, a common surname) no order by rank tells the
    one meant apart: the cases are the union's, newest first — the court's newest cases walked down
    their index and kept while among the matches (`IdAmong(walk=True)`; the page read keys first,
    `core.pages`) — and `note.broad`
    says so, for the page to ask for more of the text. Every match stays in the list (a document
    batch built from the filter takes them all).
    """
    terms = search_terms(text)
    if not terms.text:
        return cases
    found = matching_ids(terms)
    # SQLite takes 999 parameters a statement (Django's figure); PostgreSQL one array, no limit, so
    # there every id is read at once (a broad search needs them all for its walk).
    limit = connection.features.max_query_params
    listed = BROAD if limit is None else min(BROAD, limit // 2)
    ids = list(found[: (MAX_LISTED if limit is None else listed) + 1])
    if not ids:
        return cases.none()
    if len(ids) <= listed:
        narrowed = cases.filter(IdAmong(F("pk"), ids))
    else:
        broad = len(ids) > BROAD or bool(list(found[BROAD : BROAD + 1]))
        if note is not None:
            note.broad = broad
        if broad:
            walk = limit is None and len(ids) <= MAX_LISTED
            return cases.filter(IdAmong(F("pk"), ids, walk=True) if walk else Q(pk__in=found)).order_by(
                "-filed_on", "-id"
            )
        narrowed = cases.filter(pk__in=found)  # SQLite, past its parameters: the union as a subquery
    return narrowed.alias(search_rank=rank(terms)).order_by("search_rank", "-filed_on", "-id")
