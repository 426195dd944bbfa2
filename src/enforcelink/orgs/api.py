"""/api/v1/me/: who the caller is to the API (a person by session, or a unit's machine key)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.core.api import ScopedAPIView
from enforcelink.orgs.api_auth import UnitPrincipal


class OrgRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField(required=False, help_text="Court code (R-ID-03), courts only.")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    is_api_key = serializers.BooleanField(help_text="True when authenticated by a unit's API key.")
    court = OrgRefSerializer(allow_null=True)
    unit = OrgRefSerializer(allow_null=True)
    body = OrgRefSerializer(allow_null=True)


def _ref(obj: Any, *, with_code: bool = False) -> dict[str, Any] | None:
    if obj is None:
        return None
    ref = {"id": obj.pk, "name": obj.name}
    return {**ref, "code": obj.code} if with_code else ref


def principal_summary(user: Any) -> dict[str, Any]:
    is_key = isinstance(user, UnitPrincipal)
    return {
        "username": user.username,
        "full_name": "" if is_key else user.full_name,
        "role": user.role,
        "is_api_key": is_key,
        "court": None if is_key else _ref(user.court, with_code=True),
        "unit": _ref(user.unit),
        "body": None if is_key else _ref(user.body),
    }


class MeView(ScopedAPIView):
    serializer_class = MeSerializer
    pagination_class = None

    @extend_schema(summary="The caller: role and organisation")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(principal_summary(request.user)).data)
