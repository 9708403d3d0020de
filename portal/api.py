from typing import Any

from rest_framework.response import Response

from core.api import exception_handler as base_exception_handler
from identity.services import audit_record_refusal


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API error shape (core.api), plus an audit entry for every refused access."""
    response = base_exception_handler(exc, context)
    request = context.get("request")
    if response is not None and response.status_code == 403 and request is not None:
        audit_record_refusal(request=request._request, reason="api")
    return response
