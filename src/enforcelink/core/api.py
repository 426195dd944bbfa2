"""API plumbing shared by every app: the error shape {code, message, field}, scoping, auth order, schema.

Every `/api/v1/` view derives from `ScopedAPIView` (or a subclass), so:
- querysets come from `Model.objects.visible_to(request.user)`, never re-typed per view (STYLE.md);
- a missing id, a malformed id and somebody else's id answer the same 404 body;
- errors are {code, message, field} (plus "errors" when there are several), in the request's language.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, generics, parsers, serializers, status, viewsets
from rest_framework.pagination import BasePagination, LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from enforcelink.core import pages
from enforcelink.core.codes import ApiCode
from enforcelink.core.errors import DomainError, ErrorList
from enforcelink.core.fields import StrictCharField

MAX_PK = 2**63 - 1


def _field_errors(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Flatten DRF's nested error detail into [{code, message, field}] with dotted field paths
    ("applicants.0.id_number"), the same paths the domain actions use."""
    if isinstance(detail, dict):
        found: list[dict[str, Any]] = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "detail") else str(key)
            found += _field_errors(value, f"{prefix}{name}." if name else prefix)
        return found
    if isinstance(detail, list):
        found = []
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                found += _field_errors(item, f"{prefix}{index}.")
            else:
                found += _field_errors(item, prefix)
        return found
    code = str(getattr(detail, "code", "invalid")).upper()
    return [
        {
            "code": "INVALID_INPUT" if code == "INVALID" else code,
            "message": str(detail),
            "field": prefix.rstrip(".") or None,
        }
    ]


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ErrorList):
        body = exc.as_dict()
        body["errors"] = [error.as_dict() for error in exc.errors]
        return Response(body, status=exc.status)
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response(error_body("NOT_FOUND", _("Not found.")), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ParseError):
        # DRF's text carries the parser's English internals; say it plainly in the user's language.
        exc = exceptions.ParseError(_("The request body is not valid JSON."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail) or [error_body("INVALID_INPUT", _("Invalid input."))]
        response.data = {**errors[0], "errors": errors} if len(errors) > 1 else errors[0]
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = getattr(exc, "default_code", "error")
    detail = getattr(exc, "detail", str(exc))
    response.data = error_body(str(code).upper(), str(detail))
    return response


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown paths under /api/v1/ answer in the API's error shape, not Django's HTML page."""
    # Same bytes as DRF's renderer gives, so this 404 is indistinguishable from a view's 404.
    return JsonResponse(
        error_body("NOT_FOUND", _("Not found.")),
        status=404,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


def parse_pk(value: Any) -> int:
    """A primary key from the URL; anything that is not one is simply "not found"."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 19 or int(text) > MAX_PK:
        raise exceptions.NotFound()
    return int(text)


MB = 1024 * 1024


def too_large_message(limit: int) -> str:
    # 2.5 MB for an ordinary call, 294.3 MB with files: "larger than 3 MB" would not be true.
    size = f"{limit / MB:.1f}".removesuffix(".0")
    return _("The request is larger than %(max)s MB: send fewer or smaller files at a time.") % {"max": size}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class DecimalJSONParser(parsers.BaseParser):
    """JSON numbers become Decimal, never float: 12345.67 stays exactly 12345.67 (R-MONEY-01).

    A body over `max_bytes()` is refused from its Content-Length before it is read: Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) for ordinary endpoints, the attachment cap for those
    taking files (`FilesJSONParser`). Not a `JSONParser` subclass on purpose: DRF reads such a
    parser's body through `request.body`, whose DATA_UPLOAD_MAX_MEMORY_SIZE check would refuse any
    file-carrying body with Django's HTML 400 instead of the API's error.
    """

    media_type = "application/json"

    def max_bytes(self) -> int | None:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        context = parser_context or {}
        limit = self.max_bytes()
        length = str(getattr(context.get("request"), "META", {}).get("CONTENT_LENGTH") or "0")
        if limit is not None and length.isascii() and length.isdigit() and int(length) > limit:
            raise PayloadTooLarge(too_large_message(limit))
        encoding = context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(stream.read().decode(encoding), parse_float=Decimal)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise exceptions.ParseError(str(exc)) from None


class FilesJSONParser(DecimalJSONParser):
    """For the endpoints taking files in base64 (a reply, a message): up to the whole-body cap,
    `settings.REQUEST_BODY_MAX_BYTES`, the same the middleware enforces for every request."""

    def max_bytes(self) -> int | None:
        return settings.REQUEST_BODY_MAX_BYTES


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    code = serializers.CharField(help_text="Stable machine code, e.g. NOT_FOUND, AMOUNT_PRECISION.")
    message = serializers.CharField(help_text="For people, in the request's language.")
    field = serializers.CharField(allow_null=True, help_text='Dotted path, e.g. "applicants.0.id_number".')


class ErrorListSerializer(ErrorSerializer):
    """The error shape with the optional list of every error (a field called "errors" cannot be
    declared on a serializer class: it would hide `Serializer.errors`)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["errors"] = ErrorSerializer(
            many=True, required=False, help_text="Present when there are several errors."
        )
        return fields


class ApiSchema(AutoSchema):
    """Documents the error responses every endpoint can give, so clients and schema checks know them,
    and the limits the serializers enforce that drf-spectacular leaves out: a list's least and most
    items (`allow_empty=False`, `min_length`, `max_length` on a nested list), and that a required
    strict text is more than spaces (it is trimmed before the check)."""

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.ListSerializer | serializers.ListField)
            and schema.get("type") == "array"
        ):
            # getattr: the DRF stubs do not know ListSerializer's min_length/max_length (DRF 3.14+).
            least = max(1 if field.allow_empty is False else 0, getattr(field, "min_length", None) or 0)
            if least:
                schema["minItems"] = least
            most = getattr(field, "max_length", None)
            if most is not None:
                schema["maxItems"] = most
        if isinstance(field, StrictCharField) and not field.allow_blank and field.trim_whitespace:
            schema.setdefault("pattern", r"\S")
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        bodies = super()._get_response_bodies(direction)
        codes = ["401", "403"]
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        for code in codes:
            bodies.setdefault(
                code, self._get_response_for_code(ErrorListSerializer, code, direction=direction)
            )
        return bodies


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500


def _invalid(name: str, message: str, code: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({name: [exceptions.ErrorDetail(message, code=code)]})


class KeysetPagination(BasePagination):
    """Pages of a long list by position, not by number (issue 14 §12; `core.pages`): `next` and
    `previous` carry a cursor (`after=` / `before=`, the boundary row's place in the list's order),
    which an index reads in the same time at row 50 and at row 500,000, where `offset` made
    PostgreSQL read and drop every row before the page. `count` is exact up to
    `core.pages.EXACT_UP_TO` rows and PostgreSQL's estimate beyond, which `count_is_estimate` says.

    The answer keeps LimitOffsetPagination's keys, so a client that follows `next` works
    unchanged; `offset` is still taken up to `MAX_OFFSET` (a 400 `OFFSET_TOO_LARGE` beyond)."""

    default_limit = 50
    max_limit = 500
    MAX_OFFSET = 10_000

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        self.request = request
        params = request.query_params
        limit = self._whole(params.get("limit"), "limit", self.default_limit, 1)
        limit = min(limit, self.max_limit)
        offset = self._whole(params.get("offset"), "offset", 0, 0)
        if offset > self.MAX_OFFSET:
            message = _("An offset of at most %(max)d; follow the answer's next link beyond it.")
            raise _invalid("offset", message % {"max": self.MAX_OFFSET}, ApiCode.OFFSET_TOO_LARGE)
        try:
            self.page = pages.keyset_page(
                queryset,
                per_page=limit,
                after=params.get("after", ""),
                before=params.get("before", ""),
                offset=offset,
                strict=True,
            )
        except pages.InvalidCursor as error:
            message = _("Not a cursor of this list: use the next or previous link as it came.")
            raise _invalid(str(error), message, ApiCode.CURSOR_INVALID) from None
        return self.page.object_list

    @staticmethod
    def _whole(value: str | None, name: str, default: int, low: int) -> int:
        if value in (None, ""):
            return default
        if not value.isascii() or not value.isdigit() or int(value) < low:
            raise _invalid(name, _("A whole number, at least %(low)d.") % {"low": low}, "invalid")
        return int(value)

    def _link(self, name: str, cursor: str) -> str | None:
        if not cursor:
            return None
        url = self.request.build_absolute_uri()
        for param in ("after", "before", "offset"):
            url = remove_query_param(url, param)
        return replace_query_param(url, name, cursor)

    def get_paginated_response(self, data: Any) -> Response:
        page = self.page
        return Response(
            {
                "count": page.total,
                "count_is_estimate": page.estimated,
                "next": self._link("after", page.next_cursor),
                "previous": self._link("before", page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "count_is_estimate", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123,
                          "description": "Rows in the list: exact up to 1,000, PostgreSQL's estimate beyond."},
                "count_is_estimate": {"type": "boolean"},
                "next": {**link, "example": "https://court.example/api/v1/cases/?after=WyIyMDI2LTAxLTA1IiwxMjNd"},
                "previous": link,
                "results": schema,
            },
        }  # fmt: skip

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        def param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": schema,
            }

        return [
            param("limit", "Rows per page (default 50, at most 500).",
                  {"type": "integer", "minimum": 1, "maximum": self.max_limit}),
            param("after", "The rows after this cursor (from a `next` link).", {"type": "string", "maxLength": 1000}),
            param("before", "The rows before this cursor (from a `previous` link).",
                  {"type": "string", "maxLength": 1000}),
            param("offset", "Rows to skip from the start (at most 10,000; kept for clients of the offset "
                  "pages; `next` links carry a cursor).", {"type": "integer", "minimum": 0, "maximum": self.MAX_OFFSET}),
        ]  # fmt: skip


class ScopedAPIView(generics.GenericAPIView):
    """Base of every /api/v1/ view: the one place where scoping, auth order, parsing, pagination
    and the error schema are set.

    `scoped_model` names the model whose `objects.visible_to(user)` gives the queryset.
    """

    scoped_model: type[Model]
    # Bearer first: an anonymous caller then gets 401 with `WWW-Authenticate: Bearer`. Named in the
    # settings: the API-key class lives in orgs, which core must not import (tests/core/test_layering.py).
    authentication_classes = [import_string(path) for path in settings.ENFORCELINK_API_AUTHENTICATION]
    # Likewise the default permission (writes by court staff only), which asks orgs/permissions.py.
    permission_classes = [import_string(settings.ENFORCELINK_API_PERMISSION)]
    parser_classes = [DecimalJSONParser]
    pagination_class: type[BasePagination] | None = Pagination
    schema = ApiSchema()

    def visible(self, model: type[Model]) -> QuerySet[Any]:
        return model._default_manager.visible_to(self.request.user)  # type: ignore[attr-defined]

    def get_queryset(self) -> QuerySet[Any]:
        return self.visible(self.scoped_model)

    def get_visible(self, model: type[Model], value: Any) -> Any:
        """One visible object by its URL id; missing, malformed and not-yours are the same 404."""
        obj = self.visible(model).filter(pk=parse_pk(value)).first()
        if obj is None:
            raise exceptions.NotFound()
        return obj

    def get_object(self) -> Any:
        lookup = self.lookup_url_kwarg or self.lookup_field
        obj = self.get_queryset().filter(pk=parse_pk(self.kwargs[lookup])).first()
        if obj is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, obj)
        return obj


class ScopedViewSet(viewsets.ViewSetMixin, ScopedAPIView):
    """Base of /api/v1/ viewsets registered on the router (DRF's GenericViewSet, scoped)."""
