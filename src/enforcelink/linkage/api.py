"""/api/v1/requests/: the machine API for agencies' systems (a bank's core system, a registry) and
for court systems (issue 4 §7).

A unit's system authenticates with its API key (`Authorization: Bearer el_…`) and sees only the
requests sent to its unit; it polls, acknowledges and replies. A reply carries an `Idempotency-Key`
header, and a repeat has exactly one effect. Another unit's request answers 404 like a missing one.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, mixins, permissions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.cases.models import Case, IdType, PartyKind
from enforcelink.core import audit
from enforcelink.core.api import (
    MAX_PK,
    ErrorListSerializer,
    ErrorSerializer,
    FilesJSONParser,
    ScopedAPIView,
    ScopedViewSet,
    parse_pk,
)
from enforcelink.core.errors import DomainError, ErrorList, InvalidInput, NotFound, RuleViolation
from enforcelink.core.fields import ApiTextField, StrictCharField
from enforcelink.linkage import actions, subjects
from enforcelink.linkage.attachments import CONTENT_TYPES, MAX_FILES, Upload, download_response, max_bytes
from enforcelink.linkage.models import (
    WITH_UNIT,
    AssistanceRequest,
    RequestAttachment,
    RequestMessage,
    RequestStatus,
    RequestType,
)
from enforcelink.orgs.models import ApiKey, LinkageUnit
from enforcelink.orgs.permissions import Action, RequestActor, UnitWrites, actor_of, can, signed_in
from enforcelink.orgs.scoping import unit_directory_scope

REQUEST_ID = OpenApiParameter(
    "request_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The request's id."
)
ATTACHMENT_ID = OpenApiParameter(
    "attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The attachment's id."
)
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="Chosen by the caller, unique per reply; a repeat returns the first answer and changes nothing. "
    "Required with an API key; a liaison signed in by session may send one, and the same rules then apply.",
)  # fmt: skip


class RequestSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number")
    court = serializers.CharField(source="case.court.name")
    unit = serializers.CharField(source="unit.name")
    # Null until the notice is numbered at send (a draft, one awaiting approval or refused).
    notice_number = serializers.CharField(source="notice.number", default=None, allow_null=True)
    # The 执行裁定书 the notice executes, where the unit's list requires one (a freeze, a seizure);
    # null for an inquiry.
    ruling_number = serializers.CharField(source="ruling.number", default=None, allow_null=True)

    class Meta:
        model = AssistanceRequest
        fields = [
            "id", "case_number", "court", "unit", "request_type", "purpose", "legal_basis", "details", "status",
            "sla_amount", "sla_unit", "sent_at", "due_on", "acknowledged_at", "completed_at", "result", "reason",
            "notice_number", "ruling_number",
        ]  # fmt: skip
        read_only_fields = fields


class RespondentSerializer(serializers.Serializer):
    """A respondent (被执行人) of the request's case: whom the unit is asked to search."""

    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=PartyKind.choices)
    id_type = serializers.ChoiceField(choices=IdType.choices)
    id_number = serializers.CharField(
        help_text="Whole for the unit the request was sent to, on one request (GET /requests/{id}/), the view "
        "logged (R-ID-05); masked (birth month and day as ****) in lists and for everyone else."
    )
    id_number_masked = serializers.BooleanField(help_text="The number shown hides digits.", source="masked")


class RequestDetailSerializer(RequestSerializer):
    """A request with whom and what it is about (issue 14 §3), as the list and the detail give it."""

    respondents = RespondentSerializer(many=True, read_only=True, source="subject.respondents")
    measure = serializers.CharField(
        source="subject.measure", read_only=True,
        help_text="The request type in Chinese, as the notice names the measure (扣划, 查询存款 …).",
    )  # fmt: skip
    amount = serializers.DecimalField(
        source="subject.amount", max_digits=16, decimal_places=2, allow_null=True, read_only=True,
        help_text='The amount the notice asks for, in yuan as a string ("124700.50"); null when none.',
    )  # fmt: skip
    account = serializers.CharField(
        source="subject.account", read_only=True,
        help_text="The account, certificate … the court named in `details`; empty when none.",
    )  # fmt: skip

    class Meta(RequestSerializer.Meta):
        fields = [*RequestSerializer.Meta.fields, "respondents", "measure", "amount", "account"]
        read_only_fields = fields

    def to_representation(self, instance: AssistanceRequest) -> dict[str, Any]:
        full = instance.pk in self.context.get("full", ())
        instance.subject = subjects.subject_of(instance, full=full)  # type: ignore[attr-defined]
        return super().to_representation(instance)


_ANSWER = RequestSerializer()  # its fields are built once per process; it keeps no state per call
_NAMED = {
    "case_number": "case_number",
    "court": "court_name",
    "unit": "unit_name",
    "notice_number": "notice_number",
    "ruling_number": "ruling_number",
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


class AttachmentInSerializer(serializers.Serializer):
    """A file sent with a reply or a message, its bytes in base64 (RFC 4648)."""

    name = StrictCharField(max_length=255, help_text="The file's name, e.g. 流水.pdf; folders are dropped.")
    content_type = StrictCharField(
        max_length=100, required=False, allow_blank=True, default="",
        help_text="What the sender says it is. The stored type is detected from the content (PDF, OFD, "
        "DOCX, XLSX, JPEG, PNG, plain text or CSV) and must agree with the name's extension.",
    )  # fmt: skip
    content_base64 = StrictCharField(
        allow_blank=True,  # an empty file is refused by the checks, with the file's name
        help_text="The file's bytes in base64; at most ENFORCELINK_ATTACHMENT_MAX_MB (20 MB unless "
        "configured) once decoded.",
    )

    def validate_content_base64(self, value: str) -> bytes:
        """Decoded here, so a bad encoding is refused before anything is written."""
        text = "".join(value.split())  # line-wrapped base64 (MIME style) is accepted
        if len(text) > (max_bytes() + 2) // 3 * 4:
            raise serializers.ValidationError(
                _("The file is larger than %(max)d MB.") % {"max": max_bytes() // (1024 * 1024)},
                code="ATTACHMENT_TOO_LARGE",
            )
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(
                _("The file's content is not valid base64."), code="ATTACHMENT_BASE64"
            ) from None


def _attachments_field() -> AttachmentInSerializer:
    return AttachmentInSerializer(
        many=True, required=False, default=list,
        help_text=f"Files, at most {MAX_FILES}; stored with the reply or message, or not at all.",
    )  # fmt: skip


def uploads(items: list[dict[str, Any]]) -> list[Upload]:
    return [Upload(item["name"], item["content_base64"]) for item in items]


class ReplySerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["completed", "rejected", "returned"], default="completed")
    result = serializers.DictField(required=False, default=dict)  # checked field by field by the policy
    reason = ApiTextField(required=False, allow_blank=True, max_length=500, default="")
    attachments = _attachments_field()


class BatchReplySerializer(ReplySerializer):
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    idempotency_key = StrictCharField(max_length=100)
    attachments = None  # type: ignore[assignment]  # a batch carries no files: reply one by one for those


MAX_BATCH = 500


class BatchSerializer(serializers.Serializer):
    # max_length on a list of serializers is DRF 3.14+; the stubs do not know it yet.
    replies = BatchReplySerializer(many=True, allow_empty=False, max_length=MAX_BATCH)  # type: ignore[call-arg]


class ReplyDoneSerializer(serializers.Serializer):
    """One reply of a batch that was applied (or a repeat of one: the first answer again)."""

    id = serializers.IntegerField(help_text="The request's id, as sent.")
    status = serializers.ChoiceField(choices=[200], help_text="200: applied, or replayed.")
    request = RequestSerializer()


class ReplyRefusedSerializer(serializers.Serializer):
    """One reply of a batch that was refused: nothing of it was written; the others go on."""

    id = serializers.IntegerField(help_text="The request's id, as sent.")
    status = serializers.IntegerField(
        min_value=400, max_value=499, help_text="What the reply alone would have got: 400, or 404."
    )
    code = serializers.CharField(help_text="Stable machine code, e.g. RESULT_INVALID, REQUEST_STATE.")
    message = serializers.CharField(help_text="For people, in the request's language.")
    field = serializers.CharField(
        allow_null=True, help_text='Dotted path inside the reply, e.g. "result.found".'
    )


class BatchAnswerSerializer(serializers.Serializer):
    results = PolymorphicProxySerializer(
        component_name="BatchReplyAnswer",
        serializers=[ReplyDoneSerializer, ReplyRefusedSerializer],
        resource_type_field_name=None,
        many=True,
        help_text="One answer per reply, in the order sent.",
    )


class MessageSerializer(serializers.Serializer):
    body = ApiTextField(
        multiline=True, max_length=4000, required=False, allow_blank=True, default="",
        help_text="The message; may be empty (or left out) when files are attached.",
    )  # fmt: skip
    attachments = _attachments_field()


class MessageSchema(OpenApiSerializerExtension):
    """A message needs words or files (`actions.message_post`: MESSAGE_INVALID otherwise), which
    the fields alone cannot say: a body with some non-space character, or at least one file."""

    target_class = MessageSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            schema["anyOf"] = [
                {"required": ["body"], "properties": {"body": {"type": "string", "pattern": r"\S"}}},
                {
                    "required": ["attachments"],
                    "properties": {"attachments": {"type": "array", "minItems": 1}},
                },
            ]
        return schema


class AttachmentSerializer(serializers.ModelSerializer):
    """A stored file: what it is, who sent it with what, and where to download it."""

    message = serializers.IntegerField(source="message_id", allow_null=True, read_only=True)
    url = serializers.SerializerMethodField(
        help_text="Where to download it (GET, with the same credentials)."
    )

    class Meta:
        model = RequestAttachment
        fields = ["id", "kind", "side", "message", "name", "content_type", "size", "sha256", "at", "url"]
        read_only_fields = fields

    def get_url(self, attachment: RequestAttachment) -> str:
        return reverse("api-request-attachment", args=[attachment.request_id, attachment.pk])


class ThreadMessageSerializer(serializers.ModelSerializer):
    """One message of the follow-up thread, with its files."""

    author = serializers.SerializerMethodField(help_text="The person who wrote it; null for a unit's system.")
    from_system = serializers.SerializerMethodField(help_text="Sent by a unit's system (its API key).")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = RequestMessage
        fields = ["id", "side", "author", "from_system", "body", "at", "attachments"]
        read_only_fields = fields

    def get_author(self, message: RequestMessage) -> str | None:
        return str(message.author) if message.author_id else None

    def get_from_system(self, message: RequestMessage) -> bool:
        return message.api_key_id is not None


def _files() -> Prefetch:
    """A request's or message's files without their bytes (lists show what, downloads give the bytes)."""
    return Prefetch("attachments", queryset=RequestAttachment.objects.defer("content"))


def thread(request: AssistanceRequest) -> QuerySet[RequestMessage]:
    return request.messages.select_related("author").prefetch_related(_files()).order_by("at", "pk")


class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Poll: `GET /api/v1/requests/?status=sent` lists what waits; `?all=1` every state.

    The list's filters are the list's: `GET /requests/{id}/` finds any request the caller may see,
    whatever its state (a completed, returned or cancelled one included)."""

    scoped_model = AssistanceRequest
    serializer_class = RequestDetailSerializer
    lookup_url_kwarg = "request_id"
    full: frozenset[int] = frozenset()  # the requests whose respondents are shown whole (and logged)

    def get_queryset(self) -> QuerySet[AssistanceRequest]:
        queryset = (
            super()
            .get_queryset()
            .select_related("case__court", "unit", "notice", "ruling")
            .prefetch_related(subjects.respondents_prefetch())
            .order_by("due_on", "pk")
        )
        if self.action != "list":
            return queryset
        params = self.request.query_params
        if "sent_before" in params:
            queryset = queryset.filter(sent_at__lt=_moment(params["sent_before"], "sent_before"))
        status = params.get("status", "")
        if status:
            if status not in RequestStatus.values:
                raise InvalidInput("INVALID_CHOICE", _("Not a state a request can be in."), field="status")
            return queryset.filter(status=status)
        return queryset if _flag(params.get("all", ""), "all") else queryset.filter(status__in=WITH_UNIT)

    @extend_schema(
        summary="Requests waiting for the caller's unit (or the court's requests)",
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=RequestStatus.values,
                description="Only requests in this state; another value is a 400 naming `status`.",
            ),
            OpenApiParameter(
                "all", OpenApiTypes.BOOL,
                description="Every state, not only those waiting for the unit (`true`/`1` or `false`/`0`).",
            ),
            OpenApiParameter(
                "sent_before", OpenApiTypes.DATETIME,
                description="Only requests sent before this moment (ISO 8601): a system that takes pushes "
                "polls for what has waited a while, not for what its pushes have just brought.",
            ),
        ],
    )  # fmt: skip
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One request, with its respondents' whole ID numbers for the unit it was sent to")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        # R-ID-05: the unit that must act reads the whole numbers, once a day per request logged.
        if actions.respondents_reveal(target, actor=actor_of(request), via="api"):
            self.full = frozenset({target.pk})
        return Response(self.get_serializer(target).data)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "full": self.full}


def _flag(text: str, name: str) -> bool:
    """A yes/no query parameter: `all=false` must not mean yes because it is not empty."""
    value = text.strip().lower()
    if value in ("", "0", "false"):
        return False
    if value in ("1", "true"):
        return True
    raise InvalidInput("INVALID_INPUT", _("Give true or false (1 or 0)."), field=name)


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
        done = actions.request_acknowledge(self.request_obj(request_id), actor=actor_of(request))
        return Response(RequestSerializer(done).data)


class Reply(UnitAction):
    parser_classes = [FilesJSONParser]  # files in base64: up to the whole-body cap (core.middleware)

    @extend_schema(
        summary="Reply: the structured result, or a rejection or return with its reason",
        request=ReplySerializer, parameters=[REQUEST_ID, IDEMPOTENCY],
    )  # fmt: skip
    def post(self, request: Request, request_id: str) -> Response:
        target = self.request_obj(request_id)
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = actor_of(request)
        key = request.headers.get("Idempotency-Key")
        if not isinstance(actor, ApiKey) and key is None:
            # A liaison without a key (a web form has none): applied as it comes, a repeat is refused.
            return Response(RequestSerializer(self._perform(target, data, actor)).data)
        # A unit's system, or a liaison who sends a key: exactly once under the unit's receipts.
        reply = actions.UnitReply(
            target.pk,
            key or "",
            data["outcome"],
            data["result"],
            data["reason"],
            uploads(data["attachments"]),
        )
        [answer] = actions.replies_apply([reply], actor=actor, present=answers)
        if answer["status"] != 200:
            return Response(
                {name: answer[name] for name in ("code", "message", "field")}, status=answer["status"]
            )
        return Response(answer["request"])

    @staticmethod
    def _perform(target: AssistanceRequest, data: dict[str, Any], actor: RequestActor) -> AssistanceRequest:
        files = uploads(data["attachments"])
        if data["outcome"] == "completed":
            return actions.request_complete(target, result=data["result"], actor=actor, attachments=files)
        if data["outcome"] == "rejected":
            return actions.request_reject(target, reason=data["reason"], actor=actor, attachments=files)
        return actions.request_return(target, reason=data["reason"], actor=actor, attachments=files)


def _no_files(data: Any) -> None:
    """A batch's replies carry no files (a page of 500 replies with files would be one huge body):
    said plainly rather than dropped without a word."""
    for index, item in enumerate(data.get("replies") or [] if isinstance(data, dict) else []):
        if isinstance(item, dict) and "attachments" in item:
            raise InvalidInput(
                "ATTACHMENTS_NOT_IN_BATCH",
                _("Replies in a batch carry no files: send a reply with files on its own."),
                field=f"replies.{index}.attachments",
            )


class BatchReplies(UnitAction):
    """A bank's daily batch: up to 500 replies in one call, each with its own Idempotency-Key and its
    own outcome — one bad reply does not hold up the others, and a repeated batch has no second effect."""

    @extend_schema(summary="Up to 500 replies at once, each applied exactly once", request=BatchSerializer,
                   responses=BatchAnswerSerializer)  # fmt: skip
    def post(self, request: Request) -> Response:
        body = BatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _no_files(request.data)
        actor = actor_of(request)
        if not can(actor, Action.REPLY_BATCH):
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
    parser_classes = [FilesJSONParser]  # files in base64: up to the whole-body cap (core.middleware)
    pagination_class = None
    serializer_class = MessageSerializer

    @extend_schema(
        summary="The request's follow-up thread, oldest first, each message with its files",
        parameters=[REQUEST_ID], responses=ThreadMessageSerializer(many=True),
    )  # fmt: skip
    def get(self, request: Request, request_id: str) -> Response:
        target = self.get_visible(AssistanceRequest, request_id)
        return Response(ThreadMessageSerializer(thread(target), many=True).data)

    @extend_schema(
        summary="Write in the request's follow-up thread (text, files or both)",
        parameters=[REQUEST_ID], request=MessageSerializer, responses={201: ThreadMessageSerializer},
    )  # fmt: skip
    def post(self, request: Request, request_id: str) -> Response:
        target = self.get_visible(AssistanceRequest, request_id)
        if not can(actor_of(request), Action.MESSAGE, target):
            raise NotFound()
        body = MessageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        message = actions.message_post(
            target, body=data["body"], actor=actor_of(request), attachments=uploads(data["attachments"])
        )
        return Response(ThreadMessageSerializer(thread(target).get(pk=message.pk)).data, status=201)


class Attachments(ScopedAPIView):
    """Every file of a request: its reply's and its thread's."""

    scoped_model = AssistanceRequest
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    serializer_class = AttachmentSerializer

    @extend_schema(summary="The request's files (the reply's and the thread's), oldest first",
                   parameters=[REQUEST_ID], responses=AttachmentSerializer(many=True))  # fmt: skip
    def get(self, request: Request, request_id: str) -> Response:
        target = self.get_visible(AssistanceRequest, request_id)
        files = target.attachments.defer("content").order_by("at", "pk")
        return Response(AttachmentSerializer(files, many=True).data)


class ErrorsInJson(BaseContentNegotiation):
    """A download's errors are JSON whatever the client accepts (it asks for the file's type)."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0]

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


class AttachmentDownload(ScopedAPIView):
    """One file's bytes. Another request's file, like a missing one, is "not found"."""

    scoped_model = AssistanceRequest
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    serializer_class = AttachmentSerializer
    content_negotiation_class = ErrorsInJson

    @extend_schema(
        summary="Download one file (Content-Disposition: attachment, its stored type)",
        parameters=[REQUEST_ID, ATTACHMENT_ID],
        responses={(200, media): OpenApiTypes.BINARY for media in CONTENT_TYPES},
    )  # fmt: skip
    def get(self, request: Request, request_id: str, attachment_id: str) -> Any:
        target = self.get_visible(AssistanceRequest, request_id)
        attachment = RequestAttachment.objects.filter(request=target, pk=parse_pk(attachment_id)).first()
        if attachment is None:
            raise exceptions.NotFound()
        return download_response(attachment)


# --- the court side: approval and many cases to one unit (issue 4 §2, §3) -------------------------


class DecisionSerializer(serializers.Serializer):
    note = ApiTextField(required=False, allow_blank=True, max_length=500, default="")


class Decision(ScopedAPIView):
    """Approve or refuse a request awaiting approval: for the president or a team leader of the
    case's court (`actions.request_approve`); another court's request is a 404 like a missing one,
    a colleague who is no approver gets the coded refusal NOT_APPROVER."""

    scoped_model = AssistanceRequest
    pagination_class = None
    serializer_class = DecisionSerializer
    approve = True

    def post(self, request: Request, request_id: str) -> Response:
        target = self.get_visible(AssistanceRequest, request_id)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.request_approve(
            target, approve=self.approve, actor=signed_in(request), note=body.validated_data["note"]
        )
        done = self.get_queryset().select_related("case__court", "unit", "notice", "ruling").get(pk=target.pk)
        return Response(RequestSerializer(done).data)


class Approve(Decision):
    @extend_schema(summary="Approve a request awaiting approval: it is sent with its notice",
                   request=DecisionSerializer, responses=RequestSerializer, parameters=[REQUEST_ID])  # fmt: skip
    def post(self, request: Request, request_id: str) -> Response:
        return super().post(request, request_id)


class Refuse(Decision):
    approve = False

    @extend_schema(summary="Refuse a request awaiting approval (a note saying why): back to draft",
                   request=DecisionSerializer, responses=RequestSerializer, parameters=[REQUEST_ID])  # fmt: skip
    def post(self, request: Request, request_id: str) -> Response:
        return super().post(request, request_id)


MAX_CASES = 500


class CaseBatchSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_PK)
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    purpose = ApiTextField(max_length=300)
    legal_basis = ApiTextField(max_length=200)
    details = serializers.DictField(required=False, default=dict)
    cases = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_PK), allow_empty=False, max_length=MAX_CASES
    )
    all_or_nothing = serializers.BooleanField(
        required=False, default=True,
        help_text="True (the default): every case is sent or none, and a refusal lists every case that cannot "
        "go (`errors`). False: the cases that can go are sent (201; 200 when none could) and the others are "
        "listed in `refused` with the reason.",
    )  # fmt: skip


class RefusedSerializer(serializers.Serializer):
    """One (case, unit, request type) not sent, and why."""

    case = serializers.IntegerField()
    case_number = serializers.CharField()
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    code = serializers.CharField(help_text="CASE_CLOSED, NOT_ON_LIST, NO_RECIPIENT, DUPLICATE_OPEN, …")
    message = serializers.CharField()
    existing_request = serializers.IntegerField(
        allow_null=True, help_text="The open request it would repeat (DUPLICATE_OPEN)."
    )


class CaseBatchAnswerSerializer(serializers.Serializer):
    batch = serializers.UUIDField(allow_null=True)
    requests = RequestSerializer(many=True)
    refused = RefusedSerializer(many=True)


def _refusal_errors(refused: list[actions.Refusal], asked: list[int]) -> list[DomainError]:
    """Every case that cannot go, by `cases.<index>`; a refusal that is the unit's (it does not
    handle the type, nobody there receives requests) once, by its field."""
    position = {pk: index for index, pk in reversed(list(enumerate(asked)))}
    errors: dict[tuple[str, str], DomainError] = {}
    for refusal in refused:
        field = actions.UNIT_REFUSALS.get(refusal.code) or f"cases.{position[refusal.case.pk]}"
        errors.setdefault((refusal.code, field), RuleViolation(refusal.code, refusal.message, field=field))
    return list(errors.values())


class CaseBatch(ScopedAPIView):
    """Many cases to one unit in one call (a bank's daily batch): every request is sent, or none.
    For the staff of the cases' court; a case of another court answers like a missing one."""

    scoped_model = AssistanceRequest
    pagination_class = None
    serializer_class = CaseBatchSerializer

    @extend_schema(summary="Send one request to one unit for each of several cases, all or nothing or "
                   "what can go",
                   request=CaseBatchSerializer,
                   # 404: a unit outside the court's directory, or a case of another court (or none).
                   responses={201: CaseBatchAnswerSerializer, 200: CaseBatchAnswerSerializer,
                              400: ErrorListSerializer, 404: ErrorSerializer})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = CaseBatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        unit = LinkageUnit.objects.filter(unit_directory_scope(request.user), pk=data["unit"]).first()
        if unit is None:
            raise NotFound(field="unit")
        ids = list(dict.fromkeys(data["cases"]))  # a case named twice gets one request
        cases = Case.objects.visible_to(request.user).in_bulk(ids)
        for index, pk in enumerate(data["cases"]):
            if pk not in cases:
                raise NotFound(field=f"cases.{index}")
        # Amounts arrive as Decimal (never float, R-MONEY-01); the details are stored as JSON.
        pairs = [
            (cases[pk], actions.Ask(unit, data["request_type"], data["purpose"], data["legal_basis"],
                                    audit.jsonable(data["details"])))
            for pk in ids
        ]  # fmt: skip
        actor = signed_in(request)
        if not data["all_or_nothing"]:
            report = actions.requests_send_each(pairs, actor=actor)
            made, refused = report.made, report.refused
        else:
            going, refused = actions.requests_check(pairs, actor=actor)
            if refused:
                errors = _refusal_errors(refused, data["cases"])
                raise errors[0] if len(errors) == 1 else ErrorList(errors)
            made = actions.requests_batch(going, actor=actor)
        rows = (
            self.get_queryset()
            .filter(pk__in=[r.pk for r in made])
            .select_related("case__court", "unit", "notice", "ruling")
            .order_by("pk")
        )
        answer = {
            "batch": str(made[0].batch) if made else None,
            "requests": RequestSerializer(rows, many=True).data,
            "refused": [refusal.as_dict() for refusal in refused],
        }
        return Response(answer, status=201 if made else 200)
