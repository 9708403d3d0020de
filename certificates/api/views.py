"""The certificates API of API.md: the holder's certificates, public verification, and reads
by department systems with a grant and a stated purpose."""

from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import selectors, services
from certificates.api.serializers import (
    CertificateDetailSerializer,
    CertificateSerializer,
    DepartmentReadQuerySerializer,
    VerificationSerializer,
    verification_data,
)
from certificates.models import Certificate
from certificates.throttle import VerifyThrottle
from certificates.views import pdf_response
from core.errors import Conflict, NotAllowed
from identity.models import ApiKey


class CertificateListView(generics.ListAPIView):
    """The caller's certificates and those of the organisations they act for."""

    serializer_class = CertificateSerializer

    def get_queryset(self):
        return selectors.wallet(self.request.user).select_related("predecessor")


class CertificateDetailView(generics.RetrieveAPIView):
    serializer_class = CertificateDetailSerializer

    def get_object(self) -> Certificate:
        certificate = selectors.held_certificate(self.request.user, self.kwargs["public_id"])
        if certificate is None:
            raise Http404
        return certificate


class CertificatePdfView(APIView):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="The signed PDF. 409 while it is still being rendered.",
    )
    def get(self, request: Request, public_id: Any) -> HttpResponse:
        certificate = selectors.held_certificate(request.user, public_id)
        if certificate is None:
            raise Http404
        if not certificate.pdf:
            raise Conflict(_("The PDF is being prepared; please try again in a moment."))
        response = pdf_response(certificate)
        services.certificate_downloaded(certificate=certificate, actor=request.user)
        return response


class VerifyView(APIView):
    """Public: is this certificate valid, and is it the one the platform signed?"""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [VerifyThrottle]

    @extend_schema(responses={200: VerificationSerializer})
    def get(self, request: Request, code: str) -> Response:
        result = selectors.verify(code)
        return Response(VerificationSerializer(verification_data(result)).data)


class DepartmentReadView(APIView):
    """A department system reads a person's or an organisation's certificates of one type,
    with `Authorization: Api-Key …` (one of the default authentications), for a purpose its
    department was granted. Every certificate returned is logged and shown to its holder."""

    @extend_schema(
        parameters=[DepartmentReadQuerySerializer],
        responses={200: OpenApiResponse(CertificateDetailSerializer(many=True))},
    )
    def get(self, request: Request) -> Response:
        key = request.auth
        if not isinstance(key, ApiKey):
            raise NotAllowed(_("Only a department system's API key may read certificates."))
        query = DepartmentReadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = services.department_read(
            department=key.department,
            client=str(key),
            holder_code=query.validated_data["holder"],
            type_code=query.validated_data["type"],
            purpose=query.validated_data["purpose"],
        )
        context = {"request": request, "full_holder_code": True}
        return Response(CertificateDetailSerializer(found, many=True, context=context).data)
