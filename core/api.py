"""DRF plumbing shared by every app's API: the error shape of API.md and pagination."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import ApplicationError, ValidationFailed


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Any) -> int:
        """A page size that is not a positive whole number is bad input, not ignored."""
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1 or not raw[0].isdigit() or int(raw[0]) < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Enter a whole number of at least 1.")]}
            )
        return min(int(raw[0]), self.max_page_size)

    def get_page_number(self, request: Any, paginator: Any) -> str | int:
        raw = request.query_params.getlist(self.page_query_param)
        if raw and (len(raw) > 1 or not raw[0].isdigit()):
            raise exceptions.ValidationError(
                {self.page_query_param: [_("Enter a whole number of at least 1.")]}
            )
        return super().get_page_number(request, paginator)


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            key: [str(item) for item in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {}


DATABASE_RETRY_AFTER_SECONDS = 5


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every error as `{"detail": ..., "errors": {field: [...]}}` (API.md)."""
    if isinstance(exc, ApplicationError):
        errors = {key: [str(m) for m in messages] for key, messages in exc.errors.items()}
        return Response({"detail": str(exc.message), "errors": errors}, status=exc.status)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable (restarting, failing over): nothing was changed (the
        # request's transaction rolled back) and a retry in a moment will do.
        set_rollback()
        detail = _("The service is briefly unavailable. Nothing was changed; please try again.")
        return Response(
            {"detail": detail, "errors": {}},
            status=503,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = errors.pop("non_field_errors", None)
        response.data = {
            "detail": detail[0] if detail else str(ValidationFailed.default_message),
            "errors": errors,
        }
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = {"detail": str(detail), "errors": {}}
    return response


# The error answers any operation can give (API.md); documented once for all of them.
ERROR_STATUSES = {
    "400": "Bad input: `errors` names each field.",
    "401": "Not signed in.",
    "403": "Signed in but not allowed.",
    "404": "Not found, or not yours to see.",
    "405": "Method not allowed.",
    "406": "No acceptable representation.",
    "409": "Impossible in the object's current state.",
    "413": "Too large.",
    "415": "Unsupported media type.",
    "429": "Throttled: try again later.",
    "503": "The database is briefly unreachable: nothing changed, retry after `Retry-After`.",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "errors"],
}


def document_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation may answer with the error shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
