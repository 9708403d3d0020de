"""Applying for a 一件事 bundle in the browser: one merged form and one set of materials.

Thin views over `cases.bundles`: the start page makes the parent case (and its children), the
application page saves the merged answers, takes the one material set and submits the whole
bundle at once (一次性告知 of everything missing). The patterns are those of
`cases.views.apply` (the single-service pages): a case someone may not see is a 404.
"""

import secrets
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import bundles, policies, prefill, selectors
from cases.constants import CaseState, Channel, Party
from cases.forms import StartForm
from cases.models import Case
from cases.uploads import max_upload_bytes, megabytes
from cases.views import common
from core.errors import ApplicationError
from core.forms import add_service_errors
from matters import selectors as matter_selectors
from matters.constants import MaterialSource
from matters.forms_runtime import ApplicationForm, build_django_form
from matters.models import Bundle
from matters.selectors import MergedBundle

# --- Reads these pages need ------------------------------------------------------------------


def _bundle_case_or_404(user: Any, number: str) -> Case:
    """A bundle parent the person may see, with its bundle, agent and files."""
    case = (
        selectors.cases_for(user)
        .filter(number=number, bundle__isnull=False)
        .select_related("bundle", "agent")
        .prefetch_related("materials")
        .first()
    )
    if case is None:
        raise Http404
    return case


def _merged_for(case: Case) -> MergedBundle:
    """The merged questions and materials of the parent's bundle (as published now)."""
    bundle = matter_selectors.bundle_published(case.bundle.code)
    if bundle is None:
        return MergedBundle()
    return matter_selectors.bundle_merged(bundle)


def _bundle_drafts_for(user: Any, bundle: Bundle) -> list[Case]:
    """The person's applications for this bundle that are still drafts (to resume one)."""
    return list(
        selectors.cases_for(user).filter(bundle=bundle, state=CaseState.DRAFT, created_by=user)[:5]
    )


# --- Helpers ---------------------------------------------------------------------------------


def _render_edit(
    request: HttpRequest,
    case: Case,
    *,
    merged: MergedBundle | None = None,
    form: ApplicationForm | None = None,
    missing: list[str] | None = None,
    upload_errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    merged = merged or _merged_for(case)
    if form is None:
        form = build_django_form(fields=merged.fields, initial=case.form_data, complete=False)
    prefill.mark_form(form, case)
    shared = prefill.shared_materials(case)
    given = {material.material_key: material for material in case.materials.all()}
    upload_errors = upload_errors or {}
    rows = [
        {
            "material": material,
            "file": given.get(material.key),
            "needed": material.must_be_uploaded,
            "upload": material.source == MaterialSource.UPLOAD,
            "shared": shared.get(material.key),
            "errors": upload_errors.get(material.key, []),
        }
        for material in merged.materials
    ]
    known = {row["material"].key for row in rows}
    missing_keys = set(missing or [])
    return render(
        request,
        "cases/apply_bundle_edit.html",
        {
            "case": case,
            "bundle": case.bundle,
            "services": merged.versions,
            "form": form,
            "materials": rows,
            "missing_materials": [
                row["material"] for row in rows if row["material"].key in missing_keys
            ],
            "checked": missing is not None,
            "upload_refused": bool(upload_errors),
            "other_upload_errors": [
                message
                for key, messages_ in upload_errors.items()
                if key not in known
                for message in messages_
            ],
            "max_upload_mb": megabytes(max_upload_bytes()),
        },
        status=status,
    )


def _missing_materials(case: Case, merged: MergedBundle) -> list[str]:
    """The needed materials not uploaded yet (listed with wrong answers, which stop the
    check before the service is asked)."""
    given = {material.material_key for material in case.materials.all()}
    return [m.key for m in merged.materials if m.must_be_uploaded and m.key not in given]


# --- Pages -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    """Start a bundle application: choose who it is for; the draft is made and opened."""
    bundle = matter_selectors.bundle_published(code)
    if bundle is None:
        raise Http404
    merged = matter_selectors.bundle_merged(bundle)
    if not merged.versions:
        raise Http404
    # Who may be applied for is offered for the lead service; the service checks every one.
    lead = merged.versions[0]
    if request.method == "POST":
        form = StartForm(request.POST, user=request.user, version=lead)
        if form.is_valid():
            try:
                case = prefill.case_create_prefilled(
                    bundle_code=bundle.code,
                    actor=request.user,
                    form_data={},
                    channel=Channel.ONLINE,
                    idempotency_key=form.cleaned_data["token"],
                    **form.parties(),
                )
            except ApplicationError as error:
                add_service_errors(form, error)
            else:
                return redirect("cases:bundle-edit", number=case.number)
    else:
        # A fresh token per rendering: both requests of a double click carry the same one.
        form = StartForm(
            initial={"token": secrets.token_urlsafe(24)}, user=request.user, version=lead
        )
    return render(
        request,
        "cases/apply_bundle_start.html",
        {
            "bundle": bundle,
            "services": merged.versions,
            "form": form,
            "drafts": _bundle_drafts_for(request.user, bundle),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, number: str) -> HttpResponse:
    """The bundle application: answer the merged questions, save a draft (暂存), upload the
    one set of materials, check and submit every service at once."""
    case = _bundle_case_or_404(request.user, number)
    submitting = request.method == "POST" and request.POST.get("action") == "submit"
    if Party.APPLICANT not in policies.case_parties(request.user, case):
        return redirect("cases:detail", number=case.number)
    if case.state != CaseState.DRAFT:
        if request.method == "GET":
            return redirect("cases:detail", number=case.number)
        return common.not_editable(request, case, submitting=submitting)
    merged = _merged_for(case)
    if request.method == "GET":
        return _render_edit(request, case, merged=merged)

    return common.save_and_submit(
        request,
        case=case,
        form=build_django_form(fields=merged.fields, data=request.POST, complete=submitting),
        save=lambda answers: bundles.bundle_case_update_form(
            case=case, actor=request.user, form_data=answers
        ),
        submit=lambda: bundles.bundle_case_submit(case=case, actor=request.user),
        missing_materials=lambda: _missing_materials(case, merged),
        render=partial(_render_edit, request, case, merged=merged),
        edit_url_name="cases:bundle-edit",
        submitted_message=_(
            "Your application %(number)s has been submitted: each department has received its "
            "part. You can follow every part from the case page."
        )
        % {"number": case.number},
    )


@login_required
@require_POST
def material_upload(request: HttpRequest, number: str) -> HttpResponse:
    """Attach the file of one material of the bundle (refusals explained on its page)."""
    case = _bundle_case_or_404(request.user, number)
    if Party.APPLICANT not in policies.case_parties(request.user, case):
        raise Http404
    if case.state != CaseState.DRAFT:
        return common.not_editable(request, case)
    return common.upload(
        request,
        case=case,
        attach=bundles.bundle_material_attach,
        render=partial(_render_edit, request, case),
        edit_url_name="cases:bundle-edit",
    )


urlpatterns = [
    path("apply-bundle/<str:code>/", start, name="apply-bundle"),
    path("<str:number>/bundle/edit/", edit, name="bundle-edit"),
    path("<str:number>/bundle/materials/upload/", material_upload, name="bundle-material-upload"),
]
