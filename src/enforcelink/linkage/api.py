"""/api/v1/requests/: the machine API for agencies' systems (a bank's core system, a registry) and
for court systems (issue 4 §7).

A unit's system authenticates with its API key (`Authorization: Bearer el_…`) and sees only the
requests sent to its unit; it polls, acknowledges and replies. A reply carries an `Idempotency-Key`
header, and a repeat has exactly one effect. Another unit's request answers 404 like a missing one.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.core.api import ScopedAPIView, ScopedViewSet
from enforcelink.core.errors import InvalidInput, NotFound
from enforcelink.linkage import actions
from enforcelink.linkage.models import WITH_UNIT, AssistanceRequest, RequestStatus
from enforcelink.orgs.models import ApiKey

REQUEST_ID = OpenApiParameter(
    "request_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The request's id."
)
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="Chosen by the caller, unique per reply; a repeat returns the first answer and changes nothing.",
)  # fmt: skip


class RequestSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number")
    court = serializers.CharField(source="case.court.name")
    unit = serializers.CharField(source="unit.name")
    notice_number = serializers.CharField(source="notice.number", default=None)

    class Meta:
        model = AssistanceRequest
        fields = [
            "id", "case_number", "court", "unit", "request_type", "purpose", "legal_basis", "details", "status",
            "sla_amount", "sla_unit", "sent_at", "due_on", "acknowledged_at", "completed_at", "result", "reason",
            "notice_number",
        ]  # fmt: skip
        read_only_fields = fields


_ANSWER = RequestSerializer()  # its fields are built once per process; it keeps no state per call
_NAMED = {
    "case_number": "case_number",
    "court": "court_name",
    "unit": "unit_name",
    "notice_number": "notice_number",
}
_MOMENTS = ("sent_at", "due_on", "acknowledged_at", "completed_at")


def answers(requests: list[AssistanceRequest]) -> list[dict[str, Any]]:
    """The requests as a reply's answer (and its receipt) gives them, exactly as RequestSerializer
    does, from requests read with `actions.REPLY_NAMES` (the names as attributes, no related rows).
    Written out rather than through `to_representation`, which walks every field's source for each
    request: a third of a reply page's time (tests/linkage/test_api.py checks they agree)."""
    fields = _ANSWER.fields
    moments = [(name, fields[name]) for name in _MOMENTS]
    out = []
    for request in requests:
        answer: dict[str, Any] = {}
        for name in RequestSerializer.Meta.fields:
            if name in _NAMED:
                answer[name] = getattr(request, _NAMED[name])
            else:
                answer[name] = getattr(request, name) if name != "id" else request.pk
        for name, field in moments:
            value = answer[name]
            answer[name] = None if value is None else field.to_representation(value)
        out.append(answer)
    return out


class ReplySerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["completed", "rejected", "returned"], default="completed")
    result = serializers.DictField(required=False, default=dict)  # checked field by field by the policy
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class BatchReplySerializer(ReplySerializer):
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    idempotency_key = serializers.CharField(max_length=100)


MAX_BATCH = 500


class BatchSerializer(serializers.Serializer):
    replies = BatchReplySerializer(many=True, allow_empty=False)

    def validate_replies(self, value: list[Any]) -> list[Any]:
        if len(value) > MAX_BATCH:
            raise serializers.ValidationError(_("At most %(max)d replies per call.") % {"max": MAX_BATCH})
        return value


class MessageSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)


class UnitWrites(permissions.IsAuthenticated):
    """Acknowledging and replying are for the unit the request was sent to (its key or a liaison)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return super().has_permission(request, view) and bool(getattr(request.user, "is_unit_staff", False))


def _actor(request: Request) -> Any:
    """The API key for a unit's system, else the signed-in person."""
    auth = request.auth
    return auth if isinstance(auth, ApiKey) else request.user


class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Poll: `GET /api/v1/requests/?status=sent` lists what waits; `?all=1` every state."""

    scoped_model = AssistanceRequest
    serializer_class = RequestSerializer
    lookup_url_kwarg = "request_id"

    def get_queryset(self) -> QuerySet[AssistanceRequest]:
        queryset = (
            super().get_queryset().select_related("case__court", "unit", "notice").order_by("due_on", "pk")
        )
        params = self.request.query_params
        if "sent_before" in params:
            queryset = queryset.filter(sent_at__lt=_moment(params["sent_before"], "sent_before"))
        status = params.get("status", "")
        if status in RequestStatus.values:
            return queryset.filter(status=status)
        return queryset if params.get("all") else queryset.filter(status__in=WITH_UNIT)

    @extend_schema(
        summary="Requests waiting for the caller's unit (or the court's requests)",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR),
            OpenApiParameter("all", OpenApiTypes.BOOL),
            OpenApiParameter(
                "sent_before", OpenApiTypes.DATETIME,
                description="Only requests sent before this moment (ISO 8601): a system that takes pushes "
                "polls for what has waited a while, not for what its pushes have just brought.",
            ),
        ],
    )  # fmt: skip
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


def _moment(text: str, name: str) -> Any:
    """An ISO 8601 moment from a query parameter; one without an offset is in the platform's zone."""
    # An unencoded "+08:00" arrives as " 08:00" (a query string's "+" is a space).
    text = re.sub(r"(\d) (\d\d(:?\d\d)?)$", r"\1+\2", text.strip())
    try:
        moment = parse_datetime(text)
        if moment is not None:
            # In UTC as the database compares it: the first or last hours of year 1 or 9999 cannot be.
            return (moment if timezone.is_aware(moment) else timezone.make_aware(moment)).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        pass
    raise InvalidInput(
        "DATETIME_INVALID", _("Give a date and time such as 2026-03-01T09:30:00+08:00."), field=name
    )


class UnitAction(ScopedAPIView):
    scoped_model = AssistanceRequest
    permission_classes = [UnitWrites]
    pagination_class = None
    serializer_class = RequestSerializer

    def request_obj(self, request_id: str) -> AssistanceRequest:
        return self.get_visible(AssistanceRequest, request_id)


class Acknowledge(UnitAction):
    @extend_schema(summary="Acknowledge receipt (measured separately from completion)", request=None,
                   parameters=[REQUEST_ID])  # fmt: skip
    def post(self, request: Request, request_id: str) -> Response:
        done = actions.request_acknowledge(self.request_obj(request_id), actor=_actor(request))
        return Response(RequestSerializer(done).data)


class Reply(UnitAction):
    @extend_schema(
        summary="Reply: the structured result, or a rejection or return with its reason",
        request=ReplySerializer, parameters=[REQUEST_ID, IDEMPOTENCY],
    )  # fmt: skip
    def post(self, request: Request, request_id: str) -> Response:
        target = self.request_obj(request_id)
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = _actor(request)
        if not isinstance(actor, ApiKey):
            return Response(RequestSerializer(self._perform(target, data, actor)).data)
        reply = actions.UnitReply(
            target.pk,
            request.headers.get("Idempotency-Key", ""),
            data["outcome"],
            data["result"],
            data["reason"],
        )
        [answer] = actions.replies_apply([reply], actor=actor, present=answers)
        if answer["status"] != 200:
            return Response(
                {name: answer[name] for name in ("code", "message", "field")}, status=answer["status"]
            )
        return Response(answer["request"])

    @staticmethod
    def _perform(target: AssistanceRequest, data: dict[str, Any], actor: Any) -> AssistanceRequest:
        if data["outcome"] == "completed":
            return actions.request_complete(target, result=data["result"], actor=actor)
        if data["outcome"] == "rejected":
            return actions.request_reject(target, reason=data["reason"], actor=actor)
        return actions.request_return(target, reason=data["reason"], actor=actor)


class BatchReplies(UnitAction):
    """A bank's daily batch: up to 500 replies in one call, each with its own Idempotency-Key and its
    own outcome — one bad reply does not hold up the others, and a repeated batch has no second effect."""

    @extend_schema(summary="Up to 500 replies at once, each applied exactly once", request=BatchSerializer)
    def post(self, request: Request) -> Response:
        body = BatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actor = _actor(request)
        if not isinstance(actor, ApiKey):
            raise NotFound()  # batches are for units' systems; people answer one request at a time
        replies = [
            actions.UnitReply(
                item["id"], item["idempotency_key"], item["outcome"], item["result"], item["reason"]
            )
            for item in body.validated_data["replies"]
        ]
        return Response({"results": actions.replies_apply(replies, actor=actor, present=answers)})


class Messages(ScopedAPIView):
    """The follow-up thread, for both sides."""

    scoped_model = AssistanceRequest
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    serializer_class = MessageSerializer

    @extend_schema(summary="Write in the request's follow-up thread", parameters=[REQUEST_ID])
    def post(self, request: Request, request_id: str) -> Response:
        target = self.get_visible(AssistanceRequest, request_id)
        if getattr(request.user, "is_supervisor", False):
            raise NotFound()
        body = MessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = actions.message_post(target, body=body.validated_data["body"], actor=_actor(request))
        return Response({"id": message.pk, "side": message.side, "body": message.body}, status=201)
