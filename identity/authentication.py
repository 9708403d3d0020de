"""`Authorization: Api-Key <key>` for department systems (API.md).

A key is looked up by the SHA-256 digest of what the system sends (the key itself is shown
once, when an administrator creates it, and never stored). The request then runs as the
key's responsible official, marked as acting for the key's department only
(identity.selectors.api_key_department): the cases policies give such a request nothing but
that department's reviewer part. A revoked or unknown key is a 401.
"""

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from identity.models import ApiKey
from identity.services import api_key_digest

KEYWORD = "Api-Key"
# last_used_at is written at most this often per key: not one write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the key after “Api-Key ”."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        api_key = (
            ApiKey.objects.select_related("owner")
            .filter(digest=api_key_digest(secret), revoked_at__isnull=True)
            .first()
        )
        if api_key is None or not api_key.owner.is_active:
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
            # Conditional, so simultaneous requests write it once.
            ApiKey.objects.filter(pk=api_key.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
            ).update(last_used_at=now)
        user = api_key.owner
        user._portal_api_key_department = api_key.department_id
        return user, api_key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Each department system's key has its own request budget (rate `api_key`); requests
    signed otherwise are not counted here."""

    scope = "api_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The key as the OpenAPI schema describes it."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("A department system's key: `Api-Key <key>`."),
        }
