"""A case at the counter: writing a counter application with the person (the same form,
materials and checks as online, through cases.views.common), then deciding its acceptance —
受理, 容缺受理, 不予受理, 一次性告知, 告知承诺 and 即办件 decided on the spot — and printing the
notice. Thin views: windows.counter and cases.services decide.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import policies
from cases import selectors as case_selectors
from cases import services as case_services
from cases.constants import EDITABLE_STATES, CaseState, Party
from cases.models import Case
from cases.uploads import max_upload_bytes, megabytes
from cases.views import common
from core.errors import ApplicationError
from core.forms import add_service_errors
from matters.constants import HandlingKind, MaterialSource
from matters.forms_runtime import ApplicationForm, build_django_form
from windows import counter, notices
from windows.forms_counter import (
    AcceptForm,
    CommitmentForm,
    CorrectionForm,
    DecideForm,
    RefuseForm,
    SupplyForm,
    min_supply_date,
)
from windows.views.counter_base import View, case_or_404, clerk_required

# --- What the page offers ------------------------------------------------------------------


def _writing(request: HttpRequest, case: Case) -> bool:
    """The clerk writes this application with the person (a counter draft or correction)."""
    return case.agent_id == request.user.pk and case.state in EDITABLE_STATES


def _tolerable_missing(case: Case) -> list[Any]:
    given = {material.material_key for material in case.materials.all()}
    return [m for m in case.version.materials.all() if m.tolerable and m.key not in given]


def _correction_items(case: Case) -> list[tuple[str, str]]:
    """Everything the clerk can point at in one correction list: answers and materials."""
    answers = [(f"form.{field.key}", field.label) for field in case.version.form_fields.all()]
    files = [(f"materials.{m.key}", m.name) for m in case.version.materials.all()]
    return answers + files


def _commitment_materials(case: Case) -> list[Any]:
    return [m for m in case.version.materials.all() if m.source == MaterialSource.UPLOAD]


def _deferred_pending(case: Case) -> list[Any]:
    given = {material.material_key for material in case.materials.all()}
    return [
        m
        for m in case.version.materials.all()
        if m.key in case.deferred_materials and m.key not in given
    ]


def _accept_form(case: Case, data: Any = None) -> AcceptForm:
    form = AcceptForm(data, tolerable=_tolerable_missing(case))
    if "deferred_until" in form.fields:
        form.fields["deferred_until"].widget.attrs["min"] = min_supply_date()
    return form


def _correction_form(case: Case, data: Any = None) -> CorrectionForm:
    return CorrectionForm(data, items=_correction_items(case))


def _commitment_form(case: Case, data: Any = None) -> CommitmentForm:
    initial = {"materials": case.commitment_materials, "signed": bool(case.commitment_signed_at)}
    return CommitmentForm(data, initial=initial, materials=_commitment_materials(case))


def _supply_form(case: Case, data: Any = None, files: Any = None) -> SupplyForm:
    return SupplyForm(data, files, materials=_deferred_pending(case))


def _case_page(
    request: HttpRequest, case: Case, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    parties = policies.case_parties(request.user, case)
    at_acceptance = case.state == CaseState.SUBMITTED and Party.CLERK in parties
    immediate = case.version.handling_kind == HandlingKind.IMMEDIATE
    may_decide = (
        immediate
        and case.state in (CaseState.SUBMITTED, CaseState.ACCEPTED)
        and Party.CLERK in parties
        and request.user.has_perm("cases.approve_immediate_case")
    )
    given = {material.material_key: material for material in case.materials.all()}
    materials = [
        {
            "material": material,
            "file": given.get(material.key),
            "deferred": material.key in case.deferred_materials,
            "committed": material.key in case.commitment_materials,
        }
        for material in case.version.materials.all()
    ]
    writing = _writing(request, case)
    context = {
        "case": case,
        "writing": writing,
        "materials": materials,
        "immediate": immediate,
        "accept_form": forms_.get("accept_form") or (_accept_form(case) if at_acceptance else None),
        "refuse_form": forms_.get("refuse_form") or (RefuseForm() if at_acceptance else None),
        "correction_form": forms_.get("correction_form")
        or (_correction_form(case) if at_acceptance else None),
        "decide_form": forms_.get("decide_form") or (DecideForm() if may_decide else None),
        "commitment_form": forms_.get("commitment_form")
        or (_commitment_form(case) if writing and case.version.notification_commitment else None),
        "supply_form": forms_.get("supply_form")
        or (
            _supply_form(case)
            if case.state in case_services.SUPPLY_STATES and _deferred_pending(case)
            else None
        ),
        "has_notice": notices.notice_kind(case) is not None,
        "timeline": case_selectors.case_timeline(case),
    }
    return render(request, "windows/counter/case.html", context, status=status)


def _decision(
    *,
    form_name: str,
    build: Callable[[Case, HttpRequest], forms.Form],
    perform: Callable[[Case, Any, dict[str, Any]], object],
    done: Promise,
) -> View:
    """The view of a decision the clerk posts from the case page. `build` binds the posted
    form, `perform` takes the action with (case, clerk, cleaned data), and the clerk comes
    back to the case page told `done`; a refusal is explained in place, under `form_name`,
    with its status, and nothing typed is lost."""

    @clerk_required
    @require_POST
    def view(request: HttpRequest, number: str) -> HttpResponse:
        case = case_or_404(request, number)
        form = build(case, request)
        if not form.is_valid():
            return _case_page(request, case, status=400, **{form_name: form})
        try:
            perform(case, request.user, form.cleaned_data)
        except ApplicationError as error:
            if error.status == 404:
                raise Http404 from error
            add_service_errors(form, error)
            return _case_page(request, case, status=error.status, **{form_name: form})
        messages.success(request, str(done))
        return redirect("windows:counter-case", number=case.number)

    # Named after the decision, for tracebacks and logs.
    view.__name__ = view.__qualname__ = form_name.removesuffix("_form")
    return view


def _request_correction(case: Case, clerk: Any, data: dict[str, Any]) -> object:
    checked = set(data["items"])
    return counter.counter_request_correction(
        case=case,
        clerk=clerk,
        # In the order of the form and the materials list, whatever the order posted.
        items=[item for item in _correction_items(case) if item[0] in checked],
        note=data["note"],
    )


# --- Pages ---------------------------------------------------------------------------------


@clerk_required
@require_safe
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    return _case_page(request, case_or_404(request, number))


accept = _decision(
    form_name="accept_form",
    build=lambda case, request: _accept_form(case, request.POST),
    perform=lambda case, clerk, data: counter.counter_accept(
        case=case,
        clerk=clerk,
        deferred_materials=data.get("deferred_materials") or [],
        deferred_until=data.get("deferred_until"),
        comment=data["comment"],
    ),
    done=gettext_lazy(
        "The application has been accepted. Print the acceptance notice for the applicant."
    ),
)

refuse = _decision(
    form_name="refuse_form",
    build=lambda case, request: RefuseForm(request.POST),
    perform=lambda case, clerk, data: counter.counter_refuse(
        case=case, clerk=clerk, reason=data["reason"]
    ),
    done=gettext_lazy(
        "The application has not been accepted. Print the refusal notice for the applicant."
    ),
)

correction = _decision(
    form_name="correction_form",
    build=lambda case, request: _correction_form(case, request.POST),
    perform=_request_correction,
    done=gettext_lazy("The applicant has been told at once everything to correct."),
)

decide = _decision(
    form_name="decide_form",
    build=lambda case, request: DecideForm(request.POST),
    perform=lambda case, clerk, data: counter.counter_decide_immediately(
        case=case, clerk=clerk, approve=data["decision"] == "approve", comment=data["comment"]
    ),
    done=gettext_lazy("The immediate matter has been decided and its result issued."),
)

commitment = _decision(
    form_name="commitment_form",
    build=lambda case, request: _commitment_form(case, request.POST),
    perform=lambda case, clerk, data: case_services.case_record_commitment(
        case=case, actor=clerk, material_keys=data["materials"], signed=data["signed"]
    ),
    done=gettext_lazy("The commitment has been recorded."),
)

# A deferred (容缺) material brought to the window after acceptance.
supply = _decision(
    form_name="supply_form",
    build=lambda case, request: _supply_form(case, request.POST, request.FILES),
    perform=lambda case, clerk, data: case_services.case_supply_deferred(
        case=case,
        actor=clerk,
        material_key=data["material"],
        file=data["file"],
        name=data["file"].name or "",
    ),
    done=gettext_lazy("The material has been received."),
)


@clerk_required
@require_safe
def notice(request: HttpRequest, number: str) -> HttpResponse:
    """受理通知书 or 不予受理通知书 as a PDF, to print and hand over."""
    case = case_or_404(request, number)
    kind = notices.notice_kind(case)
    if kind is None:
        raise Http404
    response = HttpResponse(notices.notice_pdf(case=case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{case.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Writing the application with the person ------------------------------------------------


def _render_edit(
    request: HttpRequest,
    case: Case,
    *,
    form: ApplicationForm | None = None,
    missing: list[str] | None = None,
    upload_errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The application as the person would see it online, on the counter's page."""
    questions = list(case.version.form_fields.all())
    if form is None:
        form = build_django_form(fields=questions, initial=case.form_data, complete=False)
    given = {material.material_key: material for material in case.materials.all()}
    upload_errors = upload_errors or {}
    materials = [
        {
            "material": material,
            "file": given.get(material.key),
            "needed": material.must_be_uploaded and material.key not in case.commitment_materials,
            "upload": material.source == MaterialSource.UPLOAD,
            "errors": upload_errors.get(material.key, []),
        }
        for material in case.version.materials.all()
    ]
    missing_keys = set(missing or [])
    return render(
        request,
        "windows/counter/edit.html",
        {
            "case": case,
            "version": case.version,
            "form": form,
            "materials": materials,
            "missing_materials": [
                r["material"] for r in materials if r["material"].key in missing_keys
            ],
            "checked": missing is not None,
            "upload_refused": bool(upload_errors),
            "resubmitting": case.state == CaseState.CORRECTION_REQUESTED,
            "max_upload_mb": megabytes(max_upload_bytes()),
        },
        status=status,
    )


def _editable_or_page(request: HttpRequest, number: str) -> Case | HttpResponse:
    case = case_or_404(request, number)
    if case.bundle_id is not None or case.parent_id is not None or not _writing(request, case):
        if request.method == "POST" and case.state not in EDITABLE_STATES:
            messages.info(request, _("This application can no longer be changed."))
        return redirect("windows:counter-case", number=case.number)
    return case


@clerk_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, number: str) -> HttpResponse:
    case = _editable_or_page(request, number)
    if isinstance(case, HttpResponse):
        return case
    if request.method == "GET":
        return _render_edit(request, case)
    submitting = request.POST.get("action") == "submit"
    action = "resubmit" if case.state == CaseState.CORRECTION_REQUESTED else "submit"
    given = {material.material_key for material in case.materials.all()}
    response = common.save_and_submit(
        request,
        case=case,
        form=build_django_form(
            fields=list(case.version.form_fields.all()), data=request.POST, complete=submitting
        ),
        save=lambda answers: case_services.case_update_form(
            case=case, actor=request.user, form_data=answers
        ),
        submit=lambda: case_services.case_transition(case=case, action=action, actor=request.user),
        missing_materials=lambda: [
            m.key
            for m in case.version.materials.all()
            if m.must_be_uploaded and m.key not in given and m.key not in case.commitment_materials
        ],
        render=partial(_render_edit, request, case),
        edit_url_name="windows:counter-edit",
        submitted_message=_(
            "Application %(number)s has been submitted. Decide on its acceptance now."
        )
        % {"number": case.number},
    )
    if submitting and response.status_code == 302:
        # Submitted (or sent meanwhile): on to the acceptance, not the citizen's case page.
        return redirect("windows:counter-case", number=case.number)
    return response


@clerk_required
@require_POST
def material_upload(request: HttpRequest, number: str) -> HttpResponse:
    case = _editable_or_page(request, number)
    if isinstance(case, HttpResponse):
        return case
    return common.upload(
        request,
        case=case,
        attach=case_services.case_material_attach,
        render=partial(_render_edit, request, case),
        edit_url_name="windows:counter-edit",
    )


urlpatterns = [
    path("counter/<str:number>/", case_page, name="counter-case"),
    path("counter/<str:number>/edit/", edit, name="counter-edit"),
    path("counter/<str:number>/materials/", material_upload, name="counter-upload"),
    path("counter/<str:number>/accept/", accept, name="counter-accept"),
    path("counter/<str:number>/refuse/", refuse, name="counter-refuse"),
    path("counter/<str:number>/correction/", correction, name="counter-correction"),
    path("counter/<str:number>/decide/", decide, name="counter-decide"),
    path("counter/<str:number>/commitment/", commitment, name="counter-commitment"),
    path("counter/<str:number>/supply/", supply, name="counter-supply"),
    path("counter/<str:number>/notice.pdf", notice, name="counter-notice"),
]
