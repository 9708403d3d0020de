"""An unreachable database answers the API's error shape with 503 and Retry-After, not
Django's HTML error page."""

import pytest
from django.db import InterfaceError, OperationalError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.api import exception_handler


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("terminating connection due to administrator command"),
        InterfaceError("connection already closed"),
    ],
)
def test_a_lost_database_connection_is_a_503_to_retry(error):
    request = APIView().initialize_request(APIRequestFactory().get("/api/v1/matters/"))

    response = exception_handler(error, {"request": request, "view": APIView()})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert set(response.data) == {"detail", "errors"}
    assert response.data["errors"] == {}


def test_other_server_errors_are_left_to_django():
    response = exception_handler(RuntimeError("bug"), {"request": None, "view": APIView()})

    assert response is None
