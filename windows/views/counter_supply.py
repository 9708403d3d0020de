"""容缺受理 after acceptance: the list of materials still due (for clerks and supervisors),
and the applicant's upload of a deferred material from their case page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cases import policies
from cases import selectors as case_selectors
from cases import services as case_services
from core.errors import ApplicationError
from identity import selectors as identity_selectors
from identity.constants import Role
from windows import counter_selectors
from windows.forms_counter import DeferredFilterForm, SupplyForm

PAGE_SIZE = 25


@login_required
@require_safe
def deferred_list(request: HttpRequest) -> HttpResponse:
    """Materials still due after 容缺受理: a clerk sees their hall's, a supervisor all."""
    supervisor = Role.SUPERVISOR in identity_selectors.user_roles(request.user)
    if not supervisor and not counter_selectors.is_clerk(request.user):
        raise PermissionDenied
    form = DeferredFilterForm(request.GET)
    overdue = form.is_valid() and form.cleaned_data["overdue"]
    today = timezone.localdate()
    cases = counter_selectors.deferred_supplies(
        request.user, today=today, overdue_only=overdue
    ).select_related("version", "applicant", "department")
    if not supervisor:
        cases = cases.filter(region_id__in=counter_selectors.hall_regions(request.user))
    page_obj = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    names = counter_selectors.material_names(page_obj.object_list)
    rows = [
        {
            "case": case,
            "materials": [
                names.get((case.version_id, key), key) for key in case.deferred_materials
            ],
            "overdue": case.deferred_until < today,
        }
        for case in page_obj
    ]
    return render(
        request,
        "windows/counter/deferred.html",
        {
            "form": form,
            "rows": rows,
            "page_obj": page_obj,
            "page_range": page_obj.paginator.get_elided_page_range(page_obj.number),
            "clerk": counter_selectors.is_clerk(request.user),
        },
    )


@login_required
@require_POST
def supply_by_applicant(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant uploads a deferred material from their case page; the answer is shown
    there."""
    case = case_selectors.case_detail(request.user, number)
    if case is None:
        raise Http404
    if not policies.is_applicant_side(policies.case_parties(request.user, case)):
        raise PermissionDenied  # staff see the case; only the applicant's side supplies
    form = SupplyForm(
        request.POST,
        request.FILES,
        materials=list(case.version.materials.filter(key__in=case.deferred_materials)),
    )
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            case_services.case_supply_deferred(
                case=case,
                actor=request.user,
                material_key=form.cleaned_data["material"],
                file=upload,
                name=upload.name or "",
            )
        except ApplicationError as error:
            if error.status == 404:
                raise Http404 from error
            problems = [str(m) for ms in error.errors.values() for m in ms] or [str(error.message)]
            for problem in problems:
                messages.error(request, problem)
        else:
            messages.success(request, _("The material has been received."))
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
    return redirect("cases:detail", number=case.number)


urlpatterns = [
    path("deferred/", deferred_list, name="deferred"),
    path("supply/<str:number>/", supply_by_applicant, name="supply"),
]
