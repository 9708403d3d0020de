"""好差评 pages: the applicant's rating of an ended case, the counter rating screen, the
departments' follow-ups of bad ratings and the public satisfaction figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import selectors as case_selectors
from core.errors import ApplicationError
from identity.services import audit_record_read
from supervision import kiosk, policies, selectors, services
from supervision.constants import RatingChannel, RatingScore
from supervision.forms import FollowUpCallbackForm, FollowUpCloseForm, KioskForm, RatingForm
from supervision.views.common import page_of, refuse_or_show


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant's rating page of one case: the form once the case has ended, then the
    rating given and, for a bad one, the department's answer."""
    case = case_selectors.case_detail(request.user, number)
    if case is None:
        raise Http404
    refusal = policies.rating_refusal(request.user, case)
    if refusal == "forbidden":
        raise PermissionDenied
    rating = selectors.rating_for_case(case)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rating_create(
                    case=case,
                    actor=request.user,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    channel=RatingChannel.WEB,
                )
            except ApplicationError as error:
                status = refuse_or_show(error, form)
            else:
                messages.success(request, _("Thank you for your rating."))
                return redirect("supervision:rate", number=case.number)
        else:
            status = 400
    return render(
        request,
        "supervision/rate.html",
        {
            "case": case,
            "rating": rating,
            "follow_up": getattr(rating, "follow_up", None) if rating else None,
            "form": form,
            "ended": refusal is None,
        },
        status=status,
    )


@login_required
@require_POST
def counter_open(request: HttpRequest, number: str) -> HttpResponse:
    """The clerk opens the rating screen for the applicant in front of them."""
    case = case_selectors.case_detail(request.user, number)
    if case is None:
        raise Http404
    try:
        token = kiosk.kiosk_open(case=case, actor=request.user)
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        if error.status == 403:
            raise PermissionDenied(str(error.message)) from error
        messages.error(request, str(error.message))
        return redirect("cases:detail", number=case.number)
    return redirect("supervision:kiosk", token=token)


@require_http_methods(["GET", "POST"])
def kiosk_screen(request: HttpRequest, token: str) -> HttpResponse:
    """Five big buttons for the applicant at the counter; no sign-in, the signed link names
    the case and expires soon."""
    case = kiosk.kiosk_case(token)
    if case is None:
        return render(request, "supervision/kiosk_expired.html", status=404)
    context = {"case": case, "scores": list(reversed(RatingScore.choices)), "token": token}
    if request.method == "POST":
        form = KioskForm(request.POST)
        if not form.is_valid():
            return render(request, "supervision/kiosk.html", context, status=400)
        try:
            rating = services.rating_create_at_counter(case=case, score=form.cleaned_data["score"])
        except ApplicationError as error:
            context["error"] = error.message
            return render(request, "supervision/kiosk.html", context, status=error.status)
        return render(request, "supervision/kiosk_thanks.html", {"rating": rating})
    if selectors.rating_for_case(case) is not None:
        context["error"] = _("This case has already been rated.")
    return render(request, "supervision/kiosk.html", context)


@require_safe
def public_ratings(request: HttpRequest) -> HttpResponse:
    """Satisfaction by department and by service, for everyone: aggregates only."""
    return render(
        request,
        "supervision/public_ratings.html",
        {
            "departments": selectors.public_satisfaction_by_department(),
            "services": selectors.public_satisfaction_by_service(),
            "levels": [label for _value, label in reversed(RatingScore.choices)],
            "minimum": selectors.PUBLIC_MIN_RATINGS,
        },
    )


# --- Follow-ups of bad ratings (departments) ---------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    if not policies.is_department_staff(request.user):
        raise PermissionDenied


@login_required
@require_safe
def follow_up_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    show_closed = request.GET.get("closed") == "1"
    page_obj, page_range = page_of(
        request, selectors.follow_ups_for(request.user, open_only=not show_closed)
    )
    return render(
        request,
        "supervision/follow_up_list.html",
        {"page_obj": page_obj, "page_range": page_range, "show_closed": show_closed},
    )


def _follow_up_page(
    request: HttpRequest,
    number: str,
    *,
    callback_form: FollowUpCallbackForm | None = None,
    close_form: FollowUpCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    follow_up = selectors.follow_up_for(request.user, number)
    if follow_up is None:
        raise Http404
    handles = policies.can_handle_follow_up(request.user, follow_up) and not follow_up.closed_at
    contact = policies.sees_applicant_contact(request.user, follow_up)
    if contact:
        audit_record_read(
            request=request,
            target=follow_up,
            subject=follow_up.rating.applicant,
            purpose="rating_callback",
        )
    return render(
        request,
        "supervision/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "rating": follow_up.rating,
            "handles": handles,
            "contact_phone": follow_up.rating.applicant.phone if contact else None,
            "callback_form": callback_form or FollowUpCallbackForm(),
            "close_form": close_form or FollowUpCloseForm(),
        },
        status=status,
    )


@login_required
@require_safe
def follow_up_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _follow_up_page(request, number)


@login_required
@require_POST
def follow_up_callback(request: HttpRequest, number: str) -> HttpResponse:
    follow_up = selectors.follow_up_for(request.user, number)
    if follow_up is None:
        raise Http404
    if not policies.can_handle_follow_up(request.user, follow_up):
        raise PermissionDenied  # supervisors watch; only the rated department follows up
    form = FollowUpCallbackForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, number, callback_form=form, status=400)
    try:
        services.follow_up_record_callback(
            follow_up=follow_up, actor=request.user, notes=form.cleaned_data["callback_notes"]
        )
    except ApplicationError as error:
        status = refuse_or_show(error, form)
        return _follow_up_page(request, number, callback_form=form, status=status)
    messages.success(request, _("The call back has been recorded."))
    return redirect("supervision:follow-up", number=number)


@login_required
@require_POST
def follow_up_close(request: HttpRequest, number: str) -> HttpResponse:
    follow_up = selectors.follow_up_for(request.user, number)
    if follow_up is None:
        raise Http404
    if not policies.can_handle_follow_up(request.user, follow_up):
        raise PermissionDenied  # supervisors watch; only the rated department follows up
    form = FollowUpCloseForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, number, close_form=form, status=400)
    try:
        services.follow_up_close(follow_up=follow_up, actor=request.user, **form.cleaned_data)
    except ApplicationError as error:
        status = refuse_or_show(error, form)
        return _follow_up_page(request, number, close_form=form, status=status)
    messages.success(request, _("The follow-up is closed; the applicant can read your answer."))
    return redirect("supervision:follow-up", number=number)


urlpatterns = [
    path("rate/<str:number>/", rate, name="rate"),
    path("rate/<str:number>/counter/", counter_open, name="rate-counter"),
    path("kiosk/<str:token>/", kiosk_screen, name="kiosk"),
    path("follow-ups/", follow_up_list, name="follow-ups"),
    path("follow-ups/<str:number>/", follow_up_detail, name="follow-up"),
    path("follow-ups/<str:number>/callback/", follow_up_callback, name="follow-up-callback"),
    path("follow-ups/<str:number>/close/", follow_up_close, name="follow-up-close"),
]
