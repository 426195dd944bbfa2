"""/api/v1/cases/: list (filters), create (through `case_file`), detail, and per case its parties,
nodes and events. Scoping is `ScopedAPIView`'s: every queryset is `Model.objects.visible_to(user)`."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from enforcelink.cases.actions import case_file, reveal_id
from enforcelink.cases.filters import CaseFilter
from enforcelink.cases.models import Case, Party, ProcessNode
from enforcelink.cases.serializers import (
    CaseDetailSerializer,
    CaseFilingSerializer,
    CaseSerializer,
    EventSerializer,
    NodeSerializer,
    PartySerializer,
    RevealedIdSerializer,
    RevealRequestSerializer,
)
from enforcelink.core.api import KeysetPagination, ScopedAPIView, ScopedViewSet, parse_pk
from enforcelink.core.models import AuditEvent
from enforcelink.orgs.permissions import Action, actor_of, can, signed_in

CASE_ID = OpenApiParameter("case_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The case's id.")
PARTY_ID = OpenApiParameter(
    "party_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The party's id."
)


@extend_schema_view(
    list=extend_schema(summary="List visible cases", description="Cases of the caller's court (or region)."),
    retrieve=extend_schema(summary="One case with its parties (ID numbers masked, R-ID-05)"),
    create=extend_schema(
        summary="File a case in the caller's court",
        description=(
            "The body mirrors the filing form. Every rule (ID check characters R-ID-01/02, amounts "
            "R-MONEY-01, dates, duplicates) is applied by the filing action; on any error nothing is saved "
            "and the answer lists each error with its field, e.g. `applicants.0.id_number`."
        ),
        request=CaseFilingSerializer,
        responses={201: CaseDetailSerializer},
    ),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    scoped_model = Case
    filterset_class = CaseFilter
    pagination_class = KeysetPagination  # a court's million cases: pages by position (issue 14 §12)
    lookup_url_kwarg = "case_id"

    def get_queryset(self) -> QuerySet[Case]:
        queryset = super().get_queryset().select_related("court", "officer")
        if self.action == "retrieve":
            queryset = queryset.select_related("team").prefetch_related("parties")
        return queryset

    def get_serializer_class(self) -> Any:
        return {"list": CaseSerializer, "create": CaseFilingSerializer}.get(self.action, CaseDetailSerializer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The serializer checks the form only; `case_file` applies every rule and writes all-or-nothing.
        body = CaseFilingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = signed_in(request)
        court = user.court
        if court is None or not can(user, Action.FILE):  # never file without a court
            raise PermissionDenied()
        case = case_file(body.filing(court=court), actor=user)
        # Re-read through the scoped queryset: the answer is what the caller may see.
        case = self.get_queryset().select_related("team").prefetch_related("parties").get(pk=case.pk)
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseChildList(mixins.ListModelMixin, ScopedAPIView):
    """A list hanging off one visible case; an invisible case is a 404, never an empty list."""

    child_model: type[Model]

    def case(self) -> Case:
        if not hasattr(self, "_case"):
            self._case: Case = self.get_visible(Case, self.kwargs["case_id"])
        return self._case

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no case to look at
            return self.child_model._default_manager.none()
        return self.children(self.case())

    def children(self, case: Case) -> QuerySet[Any]:
        raise NotImplementedError

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)


@extend_schema(summary="Parties of a case (ID numbers masked, R-ID-05)", parameters=[CASE_ID])
class CasePartyList(CaseChildList):
    child_model = Party
    serializer_class = PartySerializer
    pagination_class = None

    def children(self, case: Case) -> QuerySet[Party]:
        return self.visible(Party).filter(case=case).order_by("role", "position", "pk")


@extend_schema(
    summary="Statutory-clock nodes of a case, with rule values and trace (R-TIME-02)", parameters=[CASE_ID]
)
class CaseNodeList(CaseChildList):
    child_model = ProcessNode
    serializer_class = NodeSerializer
    pagination_class = None

    def children(self, case: Case) -> QuerySet[ProcessNode]:
        return self.visible(ProcessNode).filter(case=case).order_by("due_on", "pk")


@extend_schema(summary="Audit events of a case (read-only, oldest first)", parameters=[CASE_ID])
class CaseEventList(CaseChildList):
    child_model = AuditEvent
    serializer_class = EventSerializer

    def children(self, case: Case) -> QuerySet[AuditEvent]:
        # The trail has no court column to scope on; it is reached only through a visible case.
        return AuditEvent.objects.filter(case_id=case.pk).order_by("seq")


@extend_schema(
    summary="Reveal a party's full ID number (R-ID-05; logged with its purpose)",
    description="Court staff of the case's court only. The display is recorded on the audit trail.",
    parameters=[CASE_ID, PARTY_ID],
    request=RevealRequestSerializer,
    responses={200: RevealedIdSerializer},
)
class PartyReveal(ScopedAPIView):
    serializer_class = RevealedIdSerializer

    def post(self, request: Request, case_id: str, party_id: str) -> Response:
        case = self.get_visible(Case, case_id)
        party = self.visible(Party).filter(case=case, pk=parse_pk(party_id)).first()
        if party is None:
            raise NotFound()
        body = RevealRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        number = reveal_id(party, actor=actor_of(request), purpose=body.validated_data["purpose"])
        return Response(
            RevealedIdSerializer({"party": party.pk, "id_type": party.id_type, "id_number": number}).data
        )
