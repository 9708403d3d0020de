from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    """The admin signs in through the portal's sign-in, so lockout and staff 2FA apply."""

    site_header = _("Government Services Portal administration")
    site_title = _("Portal administration")

    def has_permission(self, request: HttpRequest) -> bool:
        allowed = super().has_permission(request)
        if allowed and settings.PORTAL_STAFF_2FA:
            return request.user.is_verified()
        return allowed

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return redirect_to_login(
            request.GET.get("next") or resolve_url("admin:index"), resolve_url(settings.LOGIN_URL)
        )
