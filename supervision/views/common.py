"""What the supervision pages share: paging and turning service refusals into pages."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest

from core.errors import ApplicationError
from core.forms import add_service_errors

PAGE_SIZE = 20


def page_of(request: HttpRequest, items: Any) -> tuple[Page, Any]:
    paginator = Paginator(items, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return page_obj, paginator.get_elided_page_range(page_obj.number)


def refuse_or_show(error: ApplicationError, form: forms.BaseForm) -> int:
    """404 and 403 become those pages; anything else is shown on the form, and its status
    is returned for the page rendered again."""
    if error.status == 404:
        raise Http404 from error
    if error.status == 403:
        raise PermissionDenied(str(error.message)) from error
    add_service_errors(form, error)
    return error.status
