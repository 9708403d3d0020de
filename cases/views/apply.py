"""Applying in the browser: form, draft, materials, check, submit, receipt.

Thin views: `cases.services` decides what is valid and what may happen; these pages only
collect the input, call it and show its answer in place. A case someone may not see is
answered with 404, whatever the reason.
"""

import secrets
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import policies, prefill, selectors, services
from cases.constants import EDITABLE_STATES, Action, CaseState, Channel, Party
from cases.forms import StartForm
from cases.models import Case, CaseEvent, CaseMaterial
from cases.receipt import receipt_pdf
from cases.uploads import attachment_response, max_upload_bytes, megabytes
from cases.views import common
from core.errors import ApplicationError
from core.forms import add_service_errors
from matters import selectors as matter_selectors
from matters.constants import MaterialSource, OnlineDepth
from matters.forms_runtime import ApplicationForm, build_django_form
from matters.models import ImplementationVersion

# --- Reads these pages need (candidates for cases.selectors) -------------------------------


def _case_or_404(user: Any, number: str) -> Case:
    """A case the person may see, with what the application pages show, in a fixed number of
    queries: the case with its parties and version, its files, the version's questions and
    materials."""
    case = (
        selectors.cases_for(user)
        .select_related("agent", "version__implementation__matter")
        .prefetch_related("materials", "version__form_fields", "version__materials")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404
    return case


def _drafts_for(user: Any, version: ImplementationVersion) -> list[Case]:
    """The person's applications for this service they can still change (to resume one)."""
    return list(
        selectors.cases_for(user).filter(
            version__implementation=version.implementation,
            state__in=EDITABLE_STATES,
            created_by=user,
        )[:5]
    )


def _correction_request(case: Case) -> CaseEvent | None:
    """The department's latest correction request (补正), to show what it asks for."""
    if case.state != CaseState.CORRECTION_REQUESTED:
        return None
    return (
        CaseEvent.objects.filter(case=case, action=Action.REQUEST_CORRECTION)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def _case_material(case: Case, key: str) -> CaseMaterial | None:
    return CaseMaterial.objects.filter(case=case, material_key=key).first()


# --- Helpers ---------------------------------------------------------------------------------


def _applicant_side(user: Any, case: Case) -> bool:
    return Party.APPLICANT in policies.case_parties(user, case)


def _questions(case: Case) -> list:
    return list(case.version.form_fields.all())


def _render_edit(
    request: HttpRequest,
    case: Case,
    *,
    form: ApplicationForm | None = None,
    missing: list[str] | None = None,
    upload_errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = build_django_form(fields=_questions(case), initial=case.form_data, complete=False)
    prefill.mark_form(form, case)
    shared = prefill.shared_materials(case)
    given = {material.material_key: material for material in case.materials.all()}
    upload_errors = upload_errors or {}
    materials = [
        {
            "material": material,
            "file": given.get(material.key),
            "needed": material.must_be_uploaded,
            "upload": material.source == MaterialSource.UPLOAD,
            "shared": shared.get(material.key),
            "errors": upload_errors.get(material.key, []),
        }
        for material in case.version.materials.all()
    ]
    known = {row["material"].key for row in materials}
    missing_materials = [
        row["material"] for row in materials if row["material"].key in set(missing or [])
    ]
    return render(
        request,
        "cases/apply_edit.html",
        {
            "case": case,
            "version": case.version,
            "form": form,
            "materials": materials,
            "missing_materials": missing_materials,
            "checked": missing is not None,
            "upload_refused": bool(upload_errors),
            # An upload error that belongs to no material of this service (a forged key).
            "other_upload_errors": [
                message
                for key, messages_ in upload_errors.items()
                if key not in known
                for message in messages_
            ],
            "correction": _correction_request(case),
            "resubmitting": case.state == CaseState.CORRECTION_REQUESTED,
            "max_upload_mb": megabytes(max_upload_bytes()),
        },
        status=status,
    )


# --- Pages -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    """Start an application: choose who it is for; a draft is made and opened."""
    version = matter_selectors.published_version(code)
    if version is None:
        raise Http404
    if version.online_depth < OnlineDepth.PRE_CHECK:
        return render(request, "cases/apply_unavailable.html", {"version": version}, status=404)
    if request.method == "POST":
        form = StartForm(request.POST, user=request.user, version=version)
        if form.is_valid():
            try:
                case = prefill.case_create_prefilled(
                    version=version,
                    actor=request.user,
                    form_data={},
                    channel=Channel.ONLINE,
                    idempotency_key=form.cleaned_data["token"],
                    **form.parties(),
                )
            except ApplicationError as error:
                add_service_errors(form, error)
            else:
                return redirect("cases:edit", number=case.number)
    else:
        # A fresh token per rendering: both requests of a double click carry the same one.
        form = StartForm(
            initial={"token": secrets.token_urlsafe(24)}, user=request.user, version=version
        )
    return render(
        request,
        "cases/apply_start.html",
        {"version": version, "form": form, "drafts": _drafts_for(request.user, version)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, number: str) -> HttpResponse:
    """The application: answer the questions, save a draft (暂存), upload the materials,
    check and submit; after a correction request (补正), correct and resubmit."""
    case = _case_or_404(request.user, number)
    if case.bundle_id is not None:
        # A 一件事 application is written on its own page (cases.views.apply_bundle).
        return redirect("cases:bundle-edit", number=case.number)
    if case.parent is not None and case.parent.state == CaseState.DRAFT:
        # While the bundle is a draft, its cases change only through the bundle's page.
        return redirect("cases:bundle-edit", number=case.parent.number)
    submitting = request.method == "POST" and request.POST.get("action") == "submit"
    if not _applicant_side(request.user, case):
        return redirect("cases:detail", number=case.number)
    if case.state not in EDITABLE_STATES:
        if request.method == "GET":
            return redirect("cases:detail", number=case.number)
        return common.not_editable(request, case, submitting=submitting)
    if request.method == "GET":
        return _render_edit(request, case)

    action = Action.RESUBMIT if case.state == CaseState.CORRECTION_REQUESTED else Action.SUBMIT
    given = {material.material_key for material in case.materials.all()}
    return common.save_and_submit(
        request,
        case=case,
        form=build_django_form(fields=_questions(case), data=request.POST, complete=submitting),
        save=lambda answers: services.case_update_form(
            case=case, actor=request.user, form_data=answers
        ),
        submit=lambda: services.case_transition(case=case, action=action, actor=request.user),
        missing_materials=lambda: [
            m.key for m in case.version.materials.all() if m.must_be_uploaded and m.key not in given
        ],
        render=partial(_render_edit, request, case),
        edit_url_name="cases:edit",
        submitted_message=_(
            "Your application %(number)s has been submitted. You can download the receipt "
            "from the case page."
        )
        % {"number": case.number},
    )


@login_required
@require_POST
def material_upload(request: HttpRequest, number: str) -> HttpResponse:
    """Attach the file of one material (refusals are explained on the application page)."""
    case = _case_or_404(request.user, number)
    if not _applicant_side(request.user, case):
        raise Http404
    if case.state not in EDITABLE_STATES:
        return common.not_editable(request, case)
    return common.upload(
        request,
        case=case,
        attach=services.case_material_attach,
        render=partial(_render_edit, request, case),
        edit_url_name="cases:edit",
    )


@login_required
@require_safe
def material_download(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """A material's file, as a download, for the people involved in the case only."""
    case = selectors.cases_for(request.user).filter(number=number).first()
    if case is None or not policies.case_parties(request.user, case):
        raise Http404
    material = _case_material(case, key)
    if material is None:
        raise Http404
    try:
        file = material.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return attachment_response(
        file=file, display_name=material.original_name, content_type=material.content_type
    )


@login_required
@require_safe
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt (提交回执 / 受理回执) of a submitted case as a PDF."""
    case = _case_or_404(request.user, number)
    if (
        not policies.case_parties(request.user, case)
        or case.state == CaseState.DRAFT
        or case.submitted_at is None
    ):
        raise Http404
    response = HttpResponse(receipt_pdf(case=case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{case.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    # It shows personal data: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("apply/<str:code>/", start, name="apply"),
    path("<str:number>/edit/", edit, name="edit"),
    path("<str:number>/materials/upload/", material_upload, name="material-upload"),
    path("<str:number>/materials/<str:key>/", material_download, name="material-download"),
    path("<str:number>/receipt.pdf", receipt, name="receipt"),
]
