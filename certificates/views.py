"""The certificate pages: public verification, the holder's wallet (我的证照) with 授权用证,
the view a third party opens with a grant, and the issuing department's revoke and replace."""

from typing import Any
from urllib.parse import quote
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from certificates import identifiers, policies, selectors, services, throttle
from certificates.constants import Standing
from certificates.forms import (
    GrantForm,
    GrantOpenForm,
    IssuedFilterForm,
    ReplaceForm,
    RevokeForm,
    VerifyCodeForm,
)
from certificates.models import Certificate
from core.errors import ApplicationError, NotFound
from core.forms import add_service_errors
from identity.selectors import client_ip

PAGE_SIZE = 20
STANDING_BADGES = {
    Standing.VALID: "success",
    Standing.REVOKED: "danger",
    Standing.EXPIRED: "warning",
    Standing.REPLACED: "muted",
    Standing.UNKNOWN: "danger",
    Standing.TAMPERED: "danger",
}


def _throttled(request: HttpRequest) -> HttpResponse | None:
    allowed, wait = throttle.allowed(request)
    if allowed:
        return None
    response = render(request, "certificates/throttled.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _card(certificate: Certificate) -> dict[str, Any]:
    value = selectors.standing(certificate)
    return {
        "certificate": certificate,
        "standing": value,
        "standing_label": Standing(value).label,
        "badge": STANDING_BADGES[value],
    }


def pdf_response(certificate: Certificate) -> HttpResponse:
    if not certificate.pdf:
        raise Http404
    try:
        file = certificate.pdf.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(file, content_type="application/pdf")
    name = f"{certificate.type.name}-{certificate.holder_name}.pdf"
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.public_id}.pdf"; '
        f"filename*=UTF-8''{quote(name)}"
    )
    return response


# --- Public verification ------------------------------------------------------------------


@require_safe
def verify_home(request: HttpRequest) -> HttpResponse:
    """Type the short code printed on a certificate."""
    if "code" not in request.GET:
        return render(request, "certificates/verify_home.html", {"form": VerifyCodeForm()})
    form = VerifyCodeForm(request.GET)
    if not form.is_valid():
        return render(request, "certificates/verify_home.html", {"form": form}, status=400)
    code = identifiers.normalise_short_code(form.cleaned_data["code"]) or "-"
    return redirect("verify:page", code=code)


@require_safe
def verify_page(request: HttpRequest, code: str) -> HttpResponse:
    """valid / revoked / expired / replaced / unknown, with what a verifier may see."""
    refused = _throttled(request)
    if refused is not None:
        return refused
    result = selectors.verify(code)
    context = {
        "result": result,
        "standing_label": Standing(result.standing).label,
        "badge": STANDING_BADGES[result.standing],
        "form": VerifyCodeForm(),
    }
    return render(request, "certificates/verify.html", context)


# --- The holder's wallet ------------------------------------------------------------------


@login_required
@require_safe
def wallet(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.wallet(request.user), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/wallet.html",
        {
            "cards": [_card(certificate) for certificate in page_obj],
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "manages": bool(policies.departments_managed(request.user)),
        },
    )


def _held_or_404(request: HttpRequest, public_id: UUID) -> Certificate:
    certificate = selectors.held_certificate(request.user, public_id)
    if certificate is None:
        raise Http404
    return certificate


def _detail(
    request: HttpRequest, certificate: Certificate, *, grant_form: GrantForm | None = None
) -> HttpResponse:
    now = timezone.now()
    grants = [
        {
            "grant": grant,
            "open": grant.revoked_at is None and grant.valid_until > now,
            "link": request.build_absolute_uri(reverse("certificates:shared", args=[grant.token])),
        }
        for grant in certificate.grants.all()
    ]
    context = {
        **_card(certificate),
        "fields": selectors.all_fields(certificate),
        "short_code": identifiers.format_short_code(certificate.short_code),
        "verify_url": reverse("verify:page", args=[certificate.verify_code]),
        "grants": grants,
        "grant_form": grant_form or GrantForm(),
        "events": list(certificate.events.all()),
        "accesses": list(certificate.accesses.all()),
        "uses": list(certificate.uses.all()),
    }
    status = 400 if grant_form is not None and grant_form.errors else 200
    return render(request, "certificates/detail.html", context, status=status)


@login_required
@require_safe
def detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _detail(request, _held_or_404(request, public_id))


@login_required
@require_safe
def pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    certificate = _held_or_404(request, public_id)
    response = pdf_response(certificate)
    services.certificate_downloaded(certificate=certificate, actor=request.user)
    return response


@login_required
@require_POST
def grant_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    certificate = _held_or_404(request, public_id)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            grant = services.grant_create(
                certificate=certificate, actor=request.user, **form.cleaned_data
            )
        except NotFound:
            raise Http404 from None
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The view is open until %(time)s. Give the link and the access code "
                    "%(code)s to %(recipient)s."
                )
                % {
                    "time": timezone.localtime(grant.valid_until).strftime("%Y-%m-%d %H:%M"),
                    "code": grant.access_code,
                    "recipient": grant.recipient,
                },
            )
            return redirect(reverse("certificates:detail", args=[public_id]) + "#grants")
    return _detail(request, certificate, grant_form=form)


@login_required
@require_POST
def grant_withdraw(request: HttpRequest, public_id: UUID, grant_id: UUID) -> HttpResponse:
    certificate = _held_or_404(request, public_id)
    grant = next((g for g in certificate.grants.all() if g.public_id == grant_id), None)
    if grant is None:
        raise Http404
    services.grant_revoke(grant=grant, actor=request.user)
    messages.success(request, _("The view has been withdrawn: the link no longer opens."))
    return redirect(reverse("certificates:detail", args=[public_id]) + "#grants")


# --- What a third party sees through a grant ----------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The certificate a holder showed, after the access code; every attempt is logged."""
    refused = _throttled(request)
    if refused is not None:
        return refused
    grant = selectors.grant_by_token(token)
    if grant is None:
        raise Http404
    if request.method != "POST":
        return render(request, "certificates/shared_code.html", {"form": GrantOpenForm()})
    form = GrantOpenForm(request.POST)
    if not form.is_valid():
        return render(request, "certificates/shared_code.html", {"form": form}, status=400)
    try:
        grant = services.grant_open(
            token=token, code=form.cleaned_data["code"], ip_address=client_ip(request)
        )
    except services.GrantClosed as error:
        return render(
            request, "certificates/shared_closed.html", {"message": error.message}, status=410
        )
    except ApplicationError as error:
        add_service_errors(form, error)
        return render(request, "certificates/shared_code.html", {"form": form}, status=error.status)
    certificate = grant.certificate
    context = {
        **_card(certificate),
        "grant": grant,
        "fields": selectors.all_fields(certificate),
        "signature_ok": selectors.signature_intact(certificate),
    }
    return render(request, "certificates/shared.html", context)


# --- The issuing department ---------------------------------------------------------------


@login_required
@require_safe
def issued(request: HttpRequest) -> HttpResponse:
    form = IssuedFilterForm(request.GET)
    certificates = selectors.managed(request.user)
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"].strip()
        short = identifiers.normalise_short_code(q)
        certificates = certificates.filter(
            Q(identifier=q)
            | Q(verify_code=q)
            | Q(short_code=short or "-")
            | Q(holder_name__icontains=q)
            | Q(source_reference=q)
        )
    paginator = Paginator(certificates.order_by("-issued_on", "-id"), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/issued.html",
        {
            "form": form,
            "cards": [_card(certificate) for certificate in page_obj],
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
        },
    )


def _managed_or_404(request: HttpRequest, public_id: UUID) -> Certificate:
    certificate = selectors.managed_certificate(request.user, public_id)
    if certificate is None:
        raise Http404
    return certificate


def _managed_page(
    request: HttpRequest,
    certificate: Certificate,
    *,
    revoke_form: RevokeForm | None = None,
    replace_form: ReplaceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        **_card(certificate),
        "fields": selectors.all_fields(certificate),
        "events": list(certificate.events.all()),
        "revoke_form": revoke_form or RevokeForm(),
        "replace_form": replace_form or ReplaceForm(certificate=certificate),
    }
    return render(request, "certificates/issued_detail.html", context, status=status)


@login_required
@require_safe
def issued_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _managed_page(request, _managed_or_404(request, public_id))


@login_required
@require_POST
def revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    certificate = _managed_or_404(request, public_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            add_service_errors(form, error)
            status = error.status
        else:
            messages.success(request, _("The certificate has been revoked; the holder is told."))
            return redirect("certificates:issued-detail", public_id=public_id)
    else:
        status = 400
    return _managed_page(request, certificate, revoke_form=form, status=status)


@login_required
@require_POST
def replace(request: HttpRequest, public_id: UUID) -> HttpResponse:
    certificate = _managed_or_404(request, public_id)
    form = ReplaceForm(request.POST, certificate=certificate)
    if form.is_valid():
        try:
            new = services.certificate_replace(
                certificate=certificate,
                actor=request.user,
                data=form.data_values(),
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            add_service_errors(form, error)
            status = error.status
        else:
            messages.success(
                request, _("Version %(version)s has been issued.") % {"version": new.version}
            )
            return redirect("certificates:issued-detail", public_id=new.public_id)
    else:
        status = 400
    return _managed_page(request, certificate, replace_form=form, status=status)
