"""The sharing API of API.md: the resource catalogue, access requests, shared data for
department API keys, and a person's data use log with objections."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from core.errors import NotAllowed, ValidationFailed
from identity.authentication import ApiKeyRateThrottle
from identity.models import ApiKey, Organisation
from sharing import policies, selectors, services
from sharing.api.serializers import (
    AccessLogEntrySerializer,
    AccessRequestCreateSerializer,
    AccessRequestSerializer,
    DataSerializer,
    GrantSerializer,
    ObjectionCreateSerializer,
    ObjectionSerializer,
    ResourceSerializer,
)
from sharing.constants import ReadChannel, SharingClass, SubjectKind
from sharing.models import DataRead, Objection

# People sign in with tokens or sessions, department systems with their API keys: the
# project's default authentication classes accept both.


def api_key(request: Request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


class DepartmentKeyOnly(permissions.BasePermission):
    message = "Only department systems, with their API key, read shared data."

    def has_permission(self, request: Request, view: Any) -> bool:
        return api_key(request) is not None


class PeopleOnly(permissions.BasePermission):
    message = "A department key has no data use log: sign in as a person."

    def has_permission(self, request: Request, view: Any) -> bool:
        return api_key(request) is None


class ApiKeyReadThrottle(SimpleRateThrottle):
    """Reads of shared data per API key (PORTAL_SHARING_DATA_THROTTLE)."""

    scope = "sharing_data"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        key = api_key(request)
        if key is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"key-{key.pk}"}


def _one(request: Request, name: str) -> str:
    """A query parameter given at most once (two subjects in one read are refused)."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ValidationFailed(_("Give this parameter once."), field=name)
    return values[0] if values else ""


def _fields(request: Request) -> list[str]:
    return [key for value in request.query_params.getlist("fields") for key in value.split(",")]


def _choice(request: Request, name: str, choices: Any) -> str:
    value = _one(request, name)
    if value and value not in choices.values:
        raise ValidationFailed(_("Choose one of the values listed."), field=name)
    return value


class ResourceListView(generics.ListAPIView):
    """The data resource catalogue: published resources with their fields and sharing class."""

    serializer_class = ResourceSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("provider", str, description="Provider's credit code."),
            OpenApiParameter("sharing_class", str, enum=SharingClass.values),
            OpenApiParameter("subject_kind", str, enum=SubjectKind.values),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.published_resources(
            provider=_one(self.request, "provider")[:18],
            sharing_class=_choice(self.request, "sharing_class", SharingClass),
            subject_kind=_choice(self.request, "subject_kind", SubjectKind),
        )


class AccessRequestListCreateView(generics.ListAPIView):
    """A department's access requests; POST asks for a resource (an unconditional one is
    granted at once, a conditional one goes to the platform and then to the provider)."""

    serializer_class = AccessRequestSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        key = api_key(self.request)
        if key is not None:
            return selectors.requests_of_department(key.department_id)
        return selectors.requests_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=AccessRequestCreateSerializer, responses={201: AccessRequestSerializer})
    def post(self, request: Request) -> Response:
        parsed = AccessRequestCreateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        values = parsed.validated_data
        resource = selectors.resource_by_code(values["resource"])
        if resource is None:
            raise ValidationFailed(_("No published resource has this code."), field="resource")
        key = api_key(request)
        consumer = key.department if key is not None else self._consumer(values.get("consumer"))
        created = services.access_request_submit(
            actor=request.user,
            consumer=consumer,
            resource=resource,
            purpose=values["purpose"],
            legal_basis=values.get("legal_basis", ""),
            fields=values.get("fields"),
            valid_until=values.get("valid_until"),
            by_api_key=key,
        )
        created = selectors.requests_of_department(consumer.pk).get(pk=created.pk)
        body = AccessRequestSerializer(created, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _consumer(self, credit_code: str | None) -> Organisation:
        departments = policies.sharing_departments(self.request.user)
        if not departments:
            raise NotAllowed(_("You do not act for a department in the data exchange."))
        if credit_code:
            found = Organisation.objects.filter(
                pk__in=departments, credit_code=credit_code.upper()
            ).first()
            if found is None:
                raise NotAllowed(
                    _("You do not act for this department in the data exchange."),
                    field="consumer",
                )
            return found
        if len(departments) > 1:
            raise ValidationFailed(
                _("You act for several departments: name the requesting one."), field="consumer"
            )
        return Organisation.objects.get(pk=departments[0])


class GrantListView(generics.ListAPIView):
    """The grants of the key's department (or the person's departments)."""

    serializer_class = GrantSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        key = api_key(self.request)
        if key is not None:
            return selectors.grants_for_department(key.department_id)
        return selectors.grants_visible_to(self.request.user)


class DataView(APIView):
    """One subject's record of a resource: only the fields the key's department is granted
    (`fields` may narrow them; a field not granted is refused, by name), for a stated purpose.
    Every read is recorded and shown to the person it concerns."""

    permission_classes = [permissions.IsAuthenticated, DepartmentKeyOnly]
    throttle_classes = [ApiKeyRateThrottle, ApiKeyReadThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "subject", str, required=True,
                description="Citizen ID number or unified social credit code of the subject.",
            ),
            OpenApiParameter("purpose", str, required=True, description="Why the data is read."),
            OpenApiParameter(
                "fields", str, description="Comma-separated field keys; default: all granted."
            ),
        ],
        responses={200: DataSerializer},
    )  # fmt: skip
    def get(self, request: Request, resource: str) -> Response:
        key = api_key(request)
        assert key is not None  # noqa: S101 - DepartmentKeyOnly let only keys in
        result = services.data_read(
            consumer=key.department,
            resource_code=resource,
            subject=_one(request, "subject"),
            purpose=_one(request, "purpose"),
            fields=_fields(request),
            channel=ReadChannel.API,
            actor=request.user,
            api_key=key,
        )
        body = {
            "resource": result.resource.code,
            "provider": {
                "name": result.resource.provider.name,
                "credit_code": result.resource.provider.credit_code,
            },
            "subject": result.read.subject,
            "data": result.data,
            "read": result.read.public_id,
        }
        response = Response(DataSerializer(body).data)
        response["Cache-Control"] = "private, no-store"
        return response


class MyDataAccessLogView(generics.ListAPIView):
    """数据使用记录: who read the caller's data (and their organisations'), when and why."""

    permission_classes = [permissions.IsAuthenticated, PeopleOnly]
    serializer_class = AccessLogEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a person
            return DataRead.objects.none()
        return selectors.DataUseLog(self.request.user)


class MyObjectionsView(generics.ListAPIView):
    """The caller's objections to reads of their data; POST raises one (supervision handles
    it as a complaint)."""

    permission_classes = [permissions.IsAuthenticated, PeopleOnly]
    serializer_class = ObjectionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Objection.objects.none()
        return selectors.objections_of(self.request.user)

    @extend_schema(request=ObjectionCreateSerializer, responses={201: ObjectionSerializer})
    def post(self, request: Request) -> Response:
        parsed = ObjectionCreateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        objection = services.objection_raise(
            person=request.user,
            entry_kind=parsed.validated_data["kind"],
            entry_id=parsed.validated_data["entry"],
            text=parsed.validated_data["text"],
        )
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)
