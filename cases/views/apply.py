"""Applying in the browser: form, draft, materials, check, submit, receipt.

Thin views: `cases.services` decides what is valid and what may happen; these pages only
collect the input, call it and show its answer in place. A case someone may not see is
answered with 404, whatever the reason.
"""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import policies, selectors, services
from cases.constants import EDITABLE_STATES, Action, CaseState, Channel, Party
from cases.errors import CaseIncomplete, CaseNotEditable, TransitionImpossible
from cases.forms import MaterialUploadForm, StartForm
from cases.models import Case, CaseEvent, CaseMaterial
from cases.receipt import receipt_pdf
from cases.uploads import attachment_response, max_upload_bytes, megabytes
from core.errors import ApplicationError, NotFound
from core.forms import add_service_errors
from matters import selectors as matter_selectors
from matters.constants import MaterialRequirement, MaterialSource, OnlineDepth
from matters.forms_runtime import ApplicationForm, build_django_form
from matters.models import ImplementationVersion, Material

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


def _needed(material: Material) -> bool:
    # Mirrors the completeness rule of cases.services (_missing): required uploads only.
    return (
        material.requirement == MaterialRequirement.REQUIRED
        and material.source == MaterialSource.UPLOAD
    )


# --- Helpers ---------------------------------------------------------------------------------


def _applicant_side(user: Any, case: Case) -> bool:
    return Party.APPLICANT in policies.case_parties(user, case)


def _questions(case: Case) -> list:
    return list(case.version.form_fields.all())


def _put_errors(form: ApplicationForm, errors: dict[str, list[Any]]) -> list[str]:
    """Put a service's errors ("form.<key>", "materials.<key>") on the form's fields, once;
    return the keys of the materials said to be missing."""
    form.is_valid()  # the form's own check first, so a message it already shows is not repeated
    missing: list[str] = []
    for key, messages_ in errors.items():
        kind, _dot, name = key.partition(".")
        if kind == "materials":
            missing.append(name)
            continue
        field = name if kind == "form" and name in form.fields else None
        if field is not None and form.has_error(field):
            continue
        for message in messages_:
            form.add_error(field, str(message))
    return missing


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
    given = {material.material_key: material for material in case.materials.all()}
    upload_errors = upload_errors or {}
    materials = [
        {
            "material": material,
            "file": given.get(material.key),
            "needed": _needed(material),
            "upload": material.source == MaterialSource.UPLOAD,
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


def _not_editable(request: HttpRequest, case: Case, *, submitting: bool = False) -> HttpResponse:
    """To the case page of an application that was sent (or withdrawn) meanwhile. The second
    request of a double-clicked "Check and submit" ends here silently: the first one sent it."""
    if not submitting:
        messages.info(
            request,
            _("This application can no longer be changed. Its case page shows where it stands."),
        )
    return redirect("cases:detail", number=case.number)


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
                case = services.case_create(
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
        return _not_editable(request, case, submitting=submitting)
    if request.method == "GET":
        return _render_edit(request, case)

    form = build_django_form(fields=_questions(case), data=request.POST, complete=submitting)
    # Only the questions of the form are read: other keys in the request are ignored.
    answers = {key: request.POST.get(key) for key in form.fields}
    try:
        errors = services.case_update_form(case=case, actor=request.user, form_data=answers)
    except NotFound:
        raise Http404 from None
    except CaseNotEditable:
        return _not_editable(request, case, submitting=submitting)
    if not submitting:
        if errors:
            _put_errors(form, errors)
            return _render_edit(request, case, form=form)
        messages.success(
            request, _("Your answers have been saved. You can come back and continue later.")
        )
        return redirect("cases:edit", number=case.number)

    if errors:
        # Wrong answers are not sent on; everything else still missing is listed with them.
        missing = [m.key for m in case.version.materials.all() if _needed(m)]
        given = {material.material_key for material in case.materials.all()}
        _put_errors(form, errors)
        return _render_edit(
            request, case, form=form, missing=[key for key in missing if key not in given]
        )
    action = Action.RESUBMIT if case.state == CaseState.CORRECTION_REQUESTED else Action.SUBMIT
    try:
        services.case_transition(case=case, action=action, actor=request.user)
    except CaseIncomplete as error:
        missing = _put_errors(form, error.errors)
        return _render_edit(request, case, form=form, missing=missing)
    except NotFound:
        raise Http404 from None
    except TransitionImpossible:
        return _not_editable(request, case, submitting=True)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("cases:detail", number=case.number)
    messages.success(
        request,
        _(
            "Your application %(number)s has been submitted. You can download the receipt "
            "from the case page."
        )
        % {"number": case.number},
    )
    return redirect("cases:detail", number=case.number)


@login_required
@require_POST
def material_upload(request: HttpRequest, number: str) -> HttpResponse:
    """Attach the file of one material; a refused file is explained on the application page
    with the status that says why (400, 413 too large, 415 not an accepted kind)."""
    case = _case_or_404(request.user, number)
    form = MaterialUploadForm(request.POST, request.FILES)
    key = str(request.POST.get("material", ""))[:64]
    if not form.is_valid():
        if not _applicant_side(request.user, case):
            raise Http404
        if case.state not in EDITABLE_STATES:
            return _not_editable(request, case)
        problems = [str(message) for messages_ in form.errors.values() for message in messages_]
        return _render_edit(request, case, upload_errors={key: problems}, status=400)
    upload = form.cleaned_data["file"]
    try:
        services.case_material_attach(
            case=case,
            actor=request.user,
            material_key=form.cleaned_data["material"],
            file=upload,
            name=upload.name or "",
        )
    except NotFound:
        raise Http404 from None
    except CaseNotEditable:
        return _not_editable(request, case)
    except ApplicationError as error:
        if not _applicant_side(request.user, case):
            raise Http404 from None
        problems = [str(message) for messages_ in error.errors.values() for message in messages_]
        return _render_edit(
            request,
            case,
            upload_errors={key: problems or [str(error.message)]},
            status=error.status,
        )
    messages.success(request, _("The file has been uploaded."))
    return redirect(reverse("cases:edit", kwargs={"number": case.number}) + f"#material-{key}")


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
