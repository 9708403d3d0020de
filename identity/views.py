"""HTML views of the identity app: thin, they call the services and render."""

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from core.errors import ApplicationError
from core.forms import add_service_errors
from identity import selectors, services
from identity.constants import AuditAction
from identity.forms import (
    AuthorisationForm,
    ContactForm,
    PasswordChangeForm,
    RegistrationForm,
    SignInForm,
    TokenForm,
)
from identity.models import Authorisation


def keep_view_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """django-axes lockout hook: the view has already explained the lockout on its form."""
    return original_response or HttpResponse(status=429)


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _with_language(response: HttpResponse, language: str) -> HttpResponse:
    """Bring the language the person chose last time to this browser."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_register(
                id_number=data["id_number"],
                name=data["name"],
                password=data["password"],
                phone=data["phone"],
                email=data["email"],
                ip_address=selectors.client_ip(request),
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.name}
            )
            return redirect("identity:profile")
    return render(request, "identity/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, device = services.user_sign_in(
                request=request,
                id_number=data["id_number"],
                password=data["password"],
                otp=data["otp"],
                channel="web",
            )
        except ApplicationError as error:
            add_service_errors(form, error)
            status = error.status if error.status == 429 else 200
        else:
            login(request, user)
            if device is not None:
                otp_login(request, device)
            response = redirect(_next_url(request, resolve_url(settings.LOGIN_REDIRECT_URL)))
            return _with_language(response, user.language)
    return render(
        request,
        "identity/sign_in.html",
        {"form": form, "next": _next_url(request, "")},
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.audit_record_request(request=request, action=AuditAction.SIGN_OUT)
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("portal:home")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ContactForm(request.POST or None, initial={"phone": user.phone, "email": user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_contact(
                user=user, phone=form.cleaned_data["phone"], email=form.cleaned_data["email"]
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your contact details have been saved."))
            return redirect("identity:profile")
    return render(
        request,
        "identity/profile.html",
        {
            "form": form,
            "memberships": selectors.memberships_of(user),
            "is_staff_member": selectors.user_is_staff(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                ip_address=selectors.client_ip(request),
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("identity:profile")
    return render(request, "identity/password_change.html", {"form": form})


@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    """Switch the elder-friendly mode: remembered on the account, or in the session."""
    elder_mode = request.POST.get("elder_mode") == "1"
    if request.user.is_authenticated:
        services.user_set_preferences(user=request.user, elder_mode=elder_mode)
    else:
        request.session["elder_mode"] = elder_mode
    return HttpResponseRedirect(_next_url(request, "/"))


@login_required
@require_http_methods(["GET", "POST"])
def authorisations(request: HttpRequest) -> HttpResponse:
    form = AuthorisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.authorisation_grant(
                principal=request.user,
                agent_id_number=data["agent_id_number"],
                agent_name=data["agent_name"],
                matter_code=data["matter_code"],
                valid_until=data["valid_until"],
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The authorisation has been granted."))
            return redirect("identity:authorisations")
    return render(
        request,
        "identity/authorisations.html",
        {
            "form": form,
            "granted": selectors.authorisations_granted_by(request.user),
            "held": selectors.authorisations_held_by(request.user),
        },
    )


@login_required
@require_POST
def authorisation_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    # Only the principal's own authorisations are found: anyone else gets 404.
    authorisation = get_object_or_404(Authorisation, public_id=public_id, principal=request.user)
    services.authorisation_revoke(authorisation=authorisation, actor=request.user)
    messages.success(request, _("The authorisation has been revoked."))
    return redirect("identity:authorisations")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Register an authenticator app (TOTP), as staff must before signing in with 2FA on."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(
                user=request.user,
                token=form.cleaned_data["token"],
                ip_address=selectors.client_ip(request),
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your authenticator app is registered."))
            return redirect("identity:profile")
    device = services.totp_device_start(user=request.user)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code"))
    return render(
        request,
        "identity/two_factor.html",
        {"form": form, "qr_svg": qr_svg, "secret": b32encode(device.bin_key).decode()},
    )
