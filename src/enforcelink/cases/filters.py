"""Filters of GET /api/v1/cases/ (django-filter); values that do not fit answer 400, naming the parameter."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from enforcelink.cases import search
from enforcelink.cases.models import Case, CaseStatus, CaseType, Party
from enforcelink.cases.queries import normalise_case_number
from enforcelink.core.api import MAX_PK
from enforcelink.core.fields import TextField
from enforcelink.core.identifiers import case_number_key


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_PK})
class IdFilter(django_filters.NumberFilter):
    """A whole-number id: "abc", "1.5" or "0" is a 400, not a silent empty list (the schema says so)."""

    field_class = forms.IntegerField


class TextFilter(django_filters.CharFilter):
    """Text under the shared text rule (`core.fields.TextField`): a control character is a 400 naming
    the parameter, not a NUL that PostgreSQL refuses with a 500."""

    field_class = TextField


def _text(max_length: int, **kwargs: Any) -> django_filters.CharFilter:
    """A text filter whose schema gives its longest value: one longer is a 400."""
    schema = {"type": "string", "maxLength": max_length, "description": kwargs.get("help_text")}
    return extend_schema_field(schema)(TextFilter(max_length=max_length, **kwargs))


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    type_code = django_filters.ChoiceFilter(choices=CaseType.choices, help_text=_("R-ID-04 type code."))
    filed_on = django_filters.DateFromToRangeFilter(
        help_text=_("filed_on_after / filed_on_before, inclusive (YYYY-MM-DD).")
    )
    officer = IdFilter(field_name="officer_id", min_value=1, max_value=MAX_PK, help_text=_("Officer's id."))
    q = _text(
        search.MAX_LENGTH,
        method="filter_q",
        help_text=_(
            "Search as the case list does: a case number in any written form or a part of it, a party's "
            "name or part of it, the start or end of an ID number or USCC; exact matches first. Past 5,000 "
            "matches the newest come first: type more to narrow."
        ),
    )
    number = _text(64, field_name="number", help_text=_("Exact case number."))
    number_contains = _text(
        64,
        method="filter_number_contains",
        help_text=_("Part of the case number (brackets of either width)."),
    )
    party_name = _text(
        150, method="filter_party_name", help_text=_("Part of an applicant's or respondent's name.")
    )
    party_id_number = _text(
        40, method="filter_party_id_number", help_text=_("A party's full ID number or USCC.")
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return search.search(queryset, value)

    def filter_number_contains(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        key = case_number_key(value)
        if len(key) >= search.MIN_KEY_FRAGMENT:  # the key's trigram index narrows; `number` decides
            queryset = queryset.filter(number_key__contains=key)
        return queryset.filter(number__contains=normalise_case_number(unicodedata.normalize("NFKC", value)))

    def filter_party_name(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        # A subquery instead of a join: a case with two matching parties is still listed once.
        fragment = value.strip()
        parties: QuerySet[Party]
        if len(fragment) < 2:  # one character anywhere in a name: too common for an index to help
            parties = Party.objects.filter(name__icontains=fragment)
        else:
            parties = search.parties_named(fragment)
        return queryset.filter(pk__in=parties.values("case_id"))

    def filter_party_id_number(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        number = re.sub(r"\s", "", value).upper()
        return queryset.filter(pk__in=Party.objects.filter(id_number=number).values("case_id"))
