"""Pages of the exchange: for department staff (catalogue, resources, requests, review and
decision, grants, usage) and, in My space, a person's data use log (数据使用记录).

Thin views: forms parse, `sharing.services` decides, `sharing.selectors` reads. People who
do not act for a department in the exchange get 403 on the department pages; requests and
grants they may not see are 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import ApplicationError
from core.forms import add_service_errors
from matters import selectors as matter_selectors
from sharing import policies, selectors, services
from sharing.constants import AccessLogKind, SharingClass
from sharing.forms import (
    DecisionForm,
    ObjectionForm,
    RequestForm,
    ResourceForm,
    ReviewForm,
    RevokeForm,
    WithdrawForm,
)
from sharing.models import AccessRequest
from sharing.selectors import DeadlineStatus

app_name = "sharing"
PAGE_SIZE = 20


def exchange_staff(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Department pages: signed in, and acting for a department or the platform."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.uses_exchange(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def deadline_text(status: DeadlineStatus | None) -> str:
    if status is None:
        return ""
    days = status.days_left
    if days == 0:
        return _("Due today")
    if days > 0:
        return ngettext("%(days)s working day left", "%(days)s working days left", days) % {
            "days": days
        }
    return ngettext(
        "Overdue by %(days)s working day", "Overdue by %(days)s working days", -days
    ) % {"days": -days}


def _with_deadlines(requests: Any) -> list[dict[str, Any]]:
    calendar = matter_selectors.working_calendar()
    today = timezone.localdate()
    rows = []
    for request in requests:
        status = selectors.request_deadline(request, calendar=calendar, today=today)
        rows.append({"request": request, "deadline": status, "time_left": deadline_text(status)})
    return rows


def _departments(user: Any) -> list:
    return selectors.departments(policies.sharing_departments(user))


# --- department pages -------------------------------------------------------------------


@require_safe
@exchange_staff
def home(request: HttpRequest) -> HttpResponse:
    """What is waiting: the platform's review queue, decisions for the provider, and the
    department's own requests, each with the time left."""
    user = request.user
    return render(
        request,
        "sharing/home.html",
        {
            "departments": _departments(user),
            "is_platform_reviewer": policies.is_platform_reviewer(user),
            "platform_rows": _with_deadlines(selectors.platform_queue(user)[:50]),
            "provider_rows": _with_deadlines(selectors.provider_queue(user)[:50]),
            "own_rows": _with_deadlines(selectors.requests_made_by(user)[:PAGE_SIZE]),
        },
    )


@require_safe
@exchange_staff
def catalogue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.published_resources(), 50).get_page(request.GET.get("page"))
    departments = set(policies.sharing_departments(request.user))
    return render(
        request,
        "sharing/catalogue.html",
        {"page_obj": page, "own_departments": departments},
    )


@require_safe
@exchange_staff
def resource_detail(request: HttpRequest, code: str) -> HttpResponse:
    resource = selectors.resource_by_code(code, published_only=False)
    if resource is None:
        raise Http404
    manages = policies.can_manage_resource(request.user, resource)
    if not resource.is_published and not manages:
        raise Http404
    return render(
        request,
        "sharing/resource_detail.html",
        {
            "resource": resource,
            "manages": manages,
            "can_request": resource.sharing_class != SharingClass.NOT_SHARED
            and bool(set(policies.sharing_departments(request.user)) - {resource.provider_id}),
            "grants": selectors.grants_visible_to(request.user).filter(resource=resource)
            if manages
            else [],
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@exchange_staff
def resource_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Publish a new resource, or change one of the department's."""
    departments = _departments(request.user)
    resource = None
    if code is not None:
        resource = selectors.resource_by_code(code, published_only=False)
        if resource is None or not policies.can_manage_resource(request.user, resource):
            raise Http404
    elif not departments:
        raise PermissionDenied
    form = ResourceForm(request.POST or None, departments=departments, resource=resource)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.resource_save(
                actor=request.user,
                provider=resource.provider if resource is not None else form.department(),
                values=form.values(),
                resource=resource,
            )
        except ApplicationError as error:
            if "fields" in error.errors:
                error.errors["field_lines"] = error.errors.pop("fields")
            add_service_errors(form, error)
        else:
            messages.success(request, _("The resource has been saved."))
            return redirect("sharing:resource", code=saved.code)
    return render(request, "sharing/resource_form.html", {"form": form, "resource": resource})


@require_http_methods(["GET", "POST"])
@exchange_staff
def request_new(request: HttpRequest, code: str) -> HttpResponse:
    """Request a conditional resource, or register as a consumer of an unconditional one."""
    resource = selectors.resource_by_code(code)
    if resource is None:
        raise Http404
    departments = [d for d in _departments(request.user) if d.pk != resource.provider_id]
    if resource.sharing_class == SharingClass.NOT_SHARED or not departments:
        raise PermissionDenied
    form = RequestForm(request.POST or None, resource=resource, departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.access_request_submit(
                actor=request.user,
                consumer=form.department(),
                resource=resource,
                purpose=data["purpose"],
                legal_basis=data.get("legal_basis", ""),
                fields=data.get("fields"),
                valid_until=data.get("valid_until"),
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            if created.state == "granted":
                messages.success(request, _("Your department is registered: the data is granted."))
            else:
                messages.success(
                    request, _("The request has been sent to the platform for review.")
                )
            return redirect("sharing:request", public_id=created.public_id)
    return render(request, "sharing/request_form.html", {"form": form, "resource": resource})


def _request_or_404(user: Any, public_id: Any) -> AccessRequest:
    found = selectors.request_for(user, public_id)
    if found is None:
        raise Http404
    return found


def _render_request(
    request: HttpRequest, access_request: AccessRequest, *, status: int = 200, **forms: Any
) -> HttpResponse:
    actions = policies.next_actions(request.user, access_request)
    labels = dict(
        zip(access_request.resource.field_keys, access_request.resource.field_labels(), strict=True)
    )
    choices = [(key, labels.get(key, key)) for key in access_request.fields]
    calendar = matter_selectors.working_calendar()
    deadline = selectors.request_deadline(
        access_request, calendar=calendar, today=timezone.localdate()
    )
    return render(
        request,
        "sharing/request_detail.html",
        {
            "access_request": access_request,
            "field_labels": [labels.get(key, key) for key in access_request.fields],
            "deadline": deadline,
            "time_left": deadline_text(deadline),
            "review_form": forms.get("review_form")
            or (ReviewForm() if "review" in actions else None),
            "decision_form": forms.get("decision_form")
            or (DecisionForm(choices=choices) if "decide" in actions else None),
            "withdraw_form": forms.get("withdraw_form")
            or (WithdrawForm() if "withdraw" in actions else None),
        },
        status=status,
    )


@require_safe
@exchange_staff
def request_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_request(request, _request_or_404(request.user, public_id))


def _act(
    request: HttpRequest,
    access_request: AccessRequest,
    *,
    action: str,
    form: Any,
    form_name: str,
    call: Callable[[], object],
    done: str,
) -> HttpResponse:
    if not policies.can(request.user, action, access_request):
        raise PermissionDenied  # before the input: a refused person learns nothing from it
    if form.is_valid():
        try:
            call()
        except ApplicationError as error:
            if error.status in (404,):
                raise Http404 from None
            if error.status == 403:
                raise PermissionDenied from None
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("sharing:request", public_id=access_request.public_id)
    return _render_request(request, access_request, status=400, **{form_name: form})


@require_http_methods(["POST"])
@exchange_staff
def request_review(request: HttpRequest, public_id: Any) -> HttpResponse:
    access_request = _request_or_404(request.user, public_id)
    form = ReviewForm(request.POST)
    return _act(
        request,
        access_request,
        form=form,
        action="review",
        form_name="review_form",
        call=lambda: services.access_request_review(
            actor=request.user,
            request=access_request,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        ),
        done=_("The review has been recorded."),
    )


@require_http_methods(["POST"])
@exchange_staff
def request_decide(request: HttpRequest, public_id: Any) -> HttpResponse:
    access_request = _request_or_404(request.user, public_id)
    labels = dict(
        zip(access_request.resource.field_keys, access_request.resource.field_labels(), strict=True)
    )
    form = DecisionForm(
        request.POST, choices=[(key, labels.get(key, key)) for key in access_request.fields]
    )
    return _act(
        request,
        access_request,
        form=form,
        action="decide",
        form_name="decision_form",
        call=lambda: services.access_request_decide(
            actor=request.user,
            request=access_request,
            grant=form.cleaned_data["decision"] == "grant",
            comment=form.cleaned_data["comment"],
            fields=form.cleaned_data["fields"] or None,
            valid_until=form.cleaned_data["valid_until"],
        ),
        done=_("The decision has been recorded."),
    )


@require_http_methods(["POST"])
@exchange_staff
def request_withdraw(request: HttpRequest, public_id: Any) -> HttpResponse:
    access_request = _request_or_404(request.user, public_id)
    return _act(
        request,
        access_request,
        form=WithdrawForm(request.POST),
        action="withdraw",
        form_name="withdraw_form",
        call=lambda: services.access_request_withdraw(actor=request.user, request=access_request),
        done=_("The request has been withdrawn."),
    )


@require_safe
@exchange_staff
def grants(request: HttpRequest) -> HttpResponse:
    departments = set(policies.sharing_departments(request.user))
    visible = selectors.grants_visible_to(request.user)
    page = Paginator(visible, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "sharing/grants.html",
        {
            "page_obj": page,
            "departments": departments,
            "today": timezone.localdate(),
            "is_platform_reviewer": policies.is_platform_reviewer(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@exchange_staff
def grant_revoke(request: HttpRequest, public_id: Any) -> HttpResponse:
    grant = selectors.grant_for(request.user, public_id)
    if grant is None:
        raise Http404
    if not policies.can(request.user, "revoke", grant):
        raise PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_revoke(
                actor=request.user, grant=grant, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The grant has been revoked."))
            return redirect("sharing:grants")
    return render(request, "sharing/grant_revoke.html", {"grant": grant, "form": form})


@require_safe
@exchange_staff
def usage(request: HttpRequest) -> HttpResponse:
    """Reads per resource and consumer: of the department's resources, and by it."""
    departments = policies.sharing_departments(request.user)
    everything = policies.reads_everything(request.user)
    return render(
        request,
        "sharing/usage.html",
        {
            "provided": selectors.usage(providers=departments),
            "consumed": selectors.usage(consumers=departments),
            "all_reads": selectors.usage_all() if everything else None,
        },
    )


# --- My space: the data use log ----------------------------------------------------------


@require_safe
@login_required
def my_data_use(request: HttpRequest) -> HttpResponse:
    """数据使用记录: who read the person's data, when and for what."""
    page = Paginator(selectors.DataUseLog(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sharing/my_data_use.html",
        {
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "objections": selectors.objections_of(request.user)[:PAGE_SIZE],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def objection_new(request: HttpRequest, kind: str, entry_id: str) -> HttpResponse:
    if kind not in AccessLogKind.values:
        raise Http404
    entry = selectors.access_log_entry(request.user, kind=kind, entry_id=entry_id)
    if entry is None:
        raise Http404
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_raise(
                person=request.user,
                entry_kind=kind,
                entry_id=entry_id,
                text=form.cleaned_data["text"],
            )
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your objection has been received. It is handled as a complaint.")
            )
            return redirect("sharing:my-data-use")
    return render(request, "sharing/objection_form.html", {"entry": entry, "form": form})


urlpatterns = [
    path("", home, name="home"),
    path("catalogue/", catalogue, name="catalogue"),
    path("resources/new/", resource_edit, name="resource-new"),
    path("resources/<str:code>/", resource_detail, name="resource"),
    path("resources/<str:code>/edit/", resource_edit, name="resource-edit"),
    path("resources/<str:code>/request/", request_new, name="request-new"),
    path("requests/<uuid:public_id>/", request_detail, name="request"),
    path("requests/<uuid:public_id>/review/", request_review, name="request-review"),
    path("requests/<uuid:public_id>/decide/", request_decide, name="request-decide"),
    path("requests/<uuid:public_id>/withdraw/", request_withdraw, name="request-withdraw"),
    path("grants/", grants, name="grants"),
    path("grants/<uuid:public_id>/revoke/", grant_revoke, name="grant-revoke"),
    path("usage/", usage, name="usage"),
    path("my-data-use/", my_data_use, name="my-data-use"),
    path("my-data-use/<str:kind>/<str:entry_id>/object/", objection_new, name="objection-new"),
]
