"""The cases API of API.md: apply, follow, upload materials and take actions."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import bundles, selectors, services
from cases.api.serializers import (
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseMaterialSerializer,
    CaseSerializer,
    MaterialUploadSerializer,
    TransitionSerializer,
)
from cases.constants import Action, Channel
from cases.models import Case
from core.errors import NotAllowed, ValidationFailed
from identity.models import Organisation, User
from matters import selectors as matter_selectors

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Retries with the same key return the case made the first time.",
)  # fmt: skip


def _visible_case(request: Request, number: str) -> Case:
    case = selectors.case_detail(request.user, number)
    if case is None:
        raise Http404
    return case


class CaseListCreateView(generics.ListAPIView):
    serializer_class = CaseSerializer

    def get_queryset(self):
        return selectors.cases_for(self.request.user)

    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request: Request) -> Response:
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        version = None
        if values.get("matter"):
            version = matter_selectors.published_version(values["matter"])
            if version is None:
                raise ValidationFailed(_("No published service has this code."), field="matter")
        principal = None
        if values.get("on_behalf_of"):
            principal = User.objects.filter(id_number=values["on_behalf_of"].upper()).first()
            if principal is None:
                raise NotAllowed(
                    _("You have no valid authorisation from this person for this service."),
                    field="on_behalf_of",
                )
        organisation = None
        if values.get("organisation"):
            organisation = Organisation.objects.filter(
                credit_code=values["organisation"].upper()
            ).first()
            if organisation is None:
                raise NotAllowed(_("You do not act for this organisation."), field="organisation")
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 64:
            raise ValidationFailed(
                _("An idempotency key has at most 64 characters."), field="Idempotency-Key"
            )
        common = {
            "actor": request.user,
            "form_data": values["form"],
            "channel": Channel.API,
            "on_behalf_of": principal,
            "organisation": organisation,
            "idempotency_key": key,
            "submit": values["submit"],
        }
        if version is not None:
            case = services.case_create(version=version, **common)
        else:
            case = bundles.bundle_case_create(bundle_code=values["bundle"], **common)
        case = _visible_case(request, case.number)
        body = CaseDetailSerializer(case, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class CaseDetailView(generics.RetrieveAPIView):
    serializer_class = CaseDetailSerializer

    def get_object(self) -> Case:
        return _visible_case(self.request, self.kwargs["number"])


class CaseTransitionView(APIView):
    @extend_schema(request=TransitionSerializer, responses={200: CaseDetailSerializer})
    def post(self, request: Request, number: str) -> Response:
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = _visible_case(request, number)
        action = data.validated_data["action"]
        if case.bundle_id is not None and action == Action.SUBMIT:
            bundles.bundle_case_submit(case=case, actor=request.user)
        else:
            services.case_transition(
                case=case, action=action, actor=request.user, comment=data.validated_data["comment"]
            )
        case = _visible_case(request, number)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


class CaseMaterialView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=MaterialUploadSerializer, responses={201: CaseMaterialSerializer})
    def post(self, request: Request, number: str) -> Response:
        data = MaterialUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = _visible_case(request, number)
        upload = data.validated_data["file"]
        attach = (
            bundles.bundle_material_attach
            if case.bundle_id is not None
            else services.case_material_attach
        )
        material = attach(
            case=case,
            actor=request.user,
            material_key=data.validated_data["material"],
            file=upload,
            name=upload.name,
        )
        return Response(CaseMaterialSerializer(material).data, status=status.HTTP_201_CREATED)
