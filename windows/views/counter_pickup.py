"""综合窗口出件: the results waiting at the hall, handed out against the pickup code or the
applicant's ID number, and the results sent by post with their tracking number."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cases.constants import CaseState
from core.errors import ApplicationError
from core.forms import add_service_errors
from windows import counter, counter_selectors
from windows.forms_counter import HandOutForm, PostForm
from windows.views.counter_base import case_or_404, clerk_required

PAGE_SIZE = 20
SEARCH_MAX_LENGTH = 32


def _pickup_page(
    request: HttpRequest,
    *,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The list; `failed` is a refused hand-out or posting ({number, form, kind}) shown on
    its own row with what was typed."""
    failed = failed or {}
    # A refused hand-out is shown on its own row, whatever page the list was on.
    search = failed.get("number") or request.GET.get("q", "")[:SEARCH_MAX_LENGTH]
    ready = counter_selectors.results_to_hand_out(request.user, search=search).select_related(
        "version", "applicant"
    )
    page_obj = Paginator(ready, PAGE_SIZE).get_page(request.GET.get("page"))

    def row(case: Any, kind: str, blank: type) -> dict[str, Any]:
        mine = failed.get("number") == case.number and failed.get("kind") == kind
        return {"case": case, "form": failed["form"] if mine else blank(prefix=case.number)}

    posting = counter_selectors.results_to_post(request.user).select_related("version", "applicant")
    return render(
        request,
        "windows/counter/pickup.html",
        {
            "search": search,
            "rows": [row(case, "hand_out", HandOutForm) for case in page_obj],
            "page_obj": page_obj,
            "page_range": page_obj.paginator.get_elided_page_range(page_obj.number),
            "post_rows": [row(case, "post", PostForm) for case in posting[:PAGE_SIZE]],
        },
        status=status,
    )


@clerk_required
@require_safe
def pickup(request: HttpRequest) -> HttpResponse:
    return _pickup_page(request)


def _deliver(request: HttpRequest, number: str, *, kind: str) -> HttpResponse:
    case = case_or_404(request, number)
    if case.state != CaseState.RESULT_ISSUED:
        messages.info(request, _("This result has already been handed out or sent."))
        return redirect("windows:pickup")
    form: HandOutForm | PostForm = (
        HandOutForm(request.POST, prefix=number)
        if kind == "hand_out"
        else PostForm(request.POST, prefix=number)
    )
    if not form.is_valid():
        return _pickup_page(
            request, failed={"number": number, "kind": kind, "form": form}, status=400
        )
    try:
        if isinstance(form, HandOutForm):
            counter.counter_hand_out(
                case=case,
                clerk=request.user,
                pickup_code=form.cleaned_data["pickup_code"],
                id_number=form.cleaned_data["id_number"],
            )
            done = _("The result of %(number)s has been handed out.")
        else:
            counter.counter_send_by_post(
                case=case,
                clerk=request.user,
                carrier=form.cleaned_data["express_carrier"],
                tracking=form.cleaned_data["express_tracking"],
            )
            done = _("The result of %(number)s has been sent by post.")
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        add_service_errors(form, error)
        return _pickup_page(
            request, failed={"number": number, "kind": kind, "form": form}, status=error.status
        )
    messages.success(request, done % {"number": case.number})
    return redirect("windows:pickup")


@clerk_required
@require_POST
def hand_out(request: HttpRequest, number: str) -> HttpResponse:
    return _deliver(request, number, kind="hand_out")


@clerk_required
@require_POST
def send_by_post(request: HttpRequest, number: str) -> HttpResponse:
    return _deliver(request, number, kind="post")


urlpatterns = [
    path("pickup/", pickup, name="pickup"),
    path("pickup/<str:number>/hand-out/", hand_out, name="pickup-hand-out"),
    path("pickup/<str:number>/post/", send_by_post, name="pickup-post"),
]
