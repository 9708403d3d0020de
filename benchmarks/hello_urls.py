"""The portal's URLconf plus two reference views, for benchmarks/case_submissions.py.

Served by the same gunicorn as the portal (DJANGO_ROOT_URLCONF=benchmarks.hello_urls), so the
reference figures go through the same middleware, workers and machine as the submissions:
- /bench/hello: a plain Django view answering "hello" (the issue's yardstick);
- /bench/floor: an API view doing nothing but what every call of a submission must do before
  any work of its own — the API's authentication (a token), its permission check and parsing
  the request body (JSON, or the 100 KB multipart upload). Three calls to it are the least a
  submission through this API can cost.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.urls import handler403

__all__ = ["handler403", "urlpatterns"]


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


class Floor(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request: Request) -> Response:
        return Response({"fields": sorted(request.data)}, status=201)


urlpatterns = [
    path("bench/hello", hello),
    path("bench/floor", Floor.as_view()),
    path("", include("portal.urls")),
]
