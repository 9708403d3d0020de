"""The public catalogue API (API.md): published versions only, no sign-in needed."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from matters import selectors
from matters.api.serializers import (
    BundleDetailSerializer,
    BundleSummarySerializer,
    ImplementationDetailSerializer,
    ImplementationSummarySerializer,
    SearchParamsSerializer,
)


class PublicCatalogueView(GenericAPIView):
    permission_classes = [permissions.AllowAny]


class MatterListView(PublicCatalogueView):
    serializer_class = ImplementationSummarySerializer

    @extend_schema(parameters=[SearchParamsSerializer])
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        versions = selectors.implementation_search(**params.validated_data)
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MatterDetailView(PublicCatalogueView):
    serializer_class = ImplementationDetailSerializer

    def get(self, request: Request, code: str) -> Response:
        version = selectors.published_version(code)
        if version is None:
            raise Http404
        return Response(self.get_serializer(version).data)


class BundleListView(PublicCatalogueView):
    serializer_class = BundleSummarySerializer

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.published_bundles())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class BundleDetailView(PublicCatalogueView):
    serializer_class = BundleDetailSerializer

    def get(self, request: Request, code: str) -> Response:
        bundle = selectors.bundle_published(code)
        if bundle is None:
            raise Http404
        bundle.merged = selectors.bundle_merged(bundle)
        return Response(self.get_serializer(bundle).data)
