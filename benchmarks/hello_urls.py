"""The portal's URLconf plus a hello-world view, for benchmarks/case_submissions.py.

Served by the same gunicorn as the portal (DJANGO_ROOT_URLCONF=benchmarks.hello_urls), so the
hello-world figure goes through the same middleware, workers and machine as the submissions.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from portal.urls import handler403

__all__ = ["handler403", "urlpatterns"]


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


urlpatterns = [
    path("bench/hello", hello),
    path("", include("portal.urls")),
]
