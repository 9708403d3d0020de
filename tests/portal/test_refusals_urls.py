"""URLs used only by test_refusals: a page and an endpoint that always refuse."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path
from rest_framework.decorators import api_view

import portal.urls


def forbidden_page(request):
    raise PermissionDenied


@api_view(["GET"])
def forbidden_endpoint(request):
    raise PermissionDenied


urlpatterns = [
    path("forbidden/", forbidden_page),
    path("api/forbidden/", forbidden_endpoint),
    path("", include(portal.urls)),
]

handler403 = portal.urls.handler403
