"""The one scoping mechanism: which organisations' data a user may see.

Every model shown to people has a queryset method `visible_to(user)` built from the Q builders
below; views, API endpoints and actions read through it (or through `get_visible_or_404` /
`get_visible_or_raise`), so "not yours" is filtered away exactly like "missing" (STYLE.md).

Who sees what:
- superusers: everything;
- court staff (officer, team leader, command centre, president, court administrator): their court;
- linkage-unit staff (liaison, unit leader) and API keys: their unit;
- supervisors (人大, 政法委): every court whose region lies inside their body's region
  (`court.region.path` starts with `body.region.path`);
- anybody else, inactive or anonymous users: nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from enforcelink.core.errors import NotFound

NOTHING = Q(pk__in=[])

M = TypeVar("M", bound=models.Model)


def _field(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def region_ancestors(path: str) -> list[str]:
    """ "500000/500110/" -> ["500000/", "500000/500110/"]: the region and every region above it."""
    parts = [part for part in path.split("/") if part]
    return ["".join(f"{part}/" for part in parts[: i + 1]) for i in range(len(parts))]


def court_scope(user: Any, court_field: str = "court") -> Q:
    """Q selecting rows whose court the user may read; `court_field=""` scopes Court itself."""
    if not _active(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    if user.is_court_staff:
        return Q(**{_field(court_field, "pk"): user.court_id})
    if user.is_supervisor:
        return Q(**{_field(court_field, "region__path__startswith"): user.body.region.path})
    return NOTHING


def unit_scope(user: Any, unit_field: str = "unit") -> Q:
    """Q selecting rows that belong to the user's linkage unit; `unit_field=""` scopes the unit itself."""
    if not _active(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    if getattr(user, "is_unit_staff", False):
        return Q(**{_field(unit_field, "pk"): user.unit_id})
    return NOTHING


def unit_directory_scope(user: Any) -> Q:
    """Q over LinkageUnit: the units a user may look up (and, for courts, send requests to).

    A court works with the units of its own region, of the regions above it (a city-level bank
    serves a district court) and below it; a supervisor sees its region's units; unit staff their own.
    """
    if not _active(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    if user.is_court_staff:
        region = user.court.region
        if region is None:
            return NOTHING
        return Q(region__path__in=region_ancestors(region.path)) | Q(region__path__startswith=region.path)
    if user.is_supervisor:
        return Q(region__path__startswith=user.body.region.path)
    return unit_scope(user, unit_field="")


def user_scope(user: Any) -> Q:
    """Q over User: the people of the user's own organisation, and the user themself."""
    if not _active(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    own = Q(pk=user.pk) if user.pk is not None else NOTHING
    if user.is_court_staff:
        return own | Q(court_id=user.court_id)
    if getattr(user, "is_unit_staff", False):
        return own | Q(unit_id=user.unit_id)
    if user.is_supervisor:
        return own | Q(body_id=user.body_id)
    return own


def body_scope(user: Any) -> Q:
    """Q over SupervisoryBody: a supervisor's own body."""
    if not _active(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    if user.is_supervisor:
        return Q(pk=user.body_id)
    return NOTHING


def visible(queryset_or_model: models.QuerySet[M] | type[M], user: Any) -> models.QuerySet[M]:
    """`queryset.visible_to(user)`, for a queryset or a model class."""
    if isinstance(queryset_or_model, type):
        queryset: models.QuerySet[M] = queryset_or_model._default_manager.all()
    else:
        queryset = queryset_or_model
    method = getattr(queryset, "visible_to", None)
    if method is None:
        # A model without visible_to must not be shown to people; fail loudly rather than show all.
        raise TypeError(f"{queryset.model.__name__} has no visible_to(user) queryset method")
    result: models.QuerySet[M] = method(user)
    return result


def _lookup(queryset_or_model: models.QuerySet[M] | type[M], user: Any, lookup: dict[str, Any]) -> M | None:
    queryset = visible(queryset_or_model, user)
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        # A malformed id ("abc" for an integer key) is as unknown as a missing one.
        return None


def get_visible_or_404(queryset_or_model: models.QuerySet[M] | type[M], user: Any, **lookup: Any) -> M:
    """The object if it exists AND the user may see it; otherwise the same 404 either way."""
    obj = _lookup(queryset_or_model, user, lookup)
    if obj is None:
        raise Http404(_("Not found."))
    return obj


def get_visible_or_raise(queryset_or_model: models.QuerySet[M] | type[M], user: Any, **lookup: Any) -> M:
    """Like `get_visible_or_404` for actions and the API: raises the coded NotFound domain error."""
    obj = _lookup(queryset_or_model, user, lookup)
    if obj is None:
        raise NotFound()
    return obj
