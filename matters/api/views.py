"""The public catalogue API (API.md): published versions only, no sign-in needed."""

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions

from matters import selectors
from matters.api.serializers import (
    BundleDetailSerializer,
    BundleSummarySerializer,
    ImplementationDetailSerializer,
    ImplementationSummarySerializer,
    SearchParamsSerializer,
)
from matters.models import Bundle, ImplementationVersion


class MatterListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ImplementationSummarySerializer

    @extend_schema(parameters=[SearchParamsSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ImplementationVersion]:
        params = SearchParamsSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.implementation_search(**params.validated_data)


class MatterDetailView(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ImplementationDetailSerializer

    def get_object(self) -> ImplementationVersion:
        version = selectors.published_version(self.kwargs["code"])
        if version is None:
            raise Http404
        return version


class BundleListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = BundleSummarySerializer

    def get_queryset(self) -> QuerySet[Bundle]:
        return selectors.published_bundles()


class BundleDetailView(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = BundleDetailSerializer

    def get_object(self) -> Bundle:
        bundle = selectors.bundle_published(self.kwargs["code"])
        if bundle is None:
            raise Http404
        bundle.merged = selectors.bundle_merged(bundle)
        return bundle
