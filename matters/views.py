"""Public pages of the catalogue (no sign-in): home, search, service guides and bundles.

Thin: they parse the query with the form, call the selectors and render.
"""

from typing import Any
from urllib.parse import quote

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core.errors import ApplicationError
from core.forms import add_service_errors
from matters import pdf, selectors
from matters.constants import Audience
from matters.forms import SearchForm
from matters.models import Bundle, ImplementationVersion

PAGE_SIZE = 20
# A published version never changes, so its PDF can be kept; the key also names the language.
PDF_CACHE_SECONDS = 60 * 60


# --- Pages -----------------------------------------------------------------------------------


def _for_audience(items: list[Any], audience: str) -> list[Any]:
    return [item for item in items if item.audience in (audience, Audience.BOTH)]


@require_safe
def catalogue_home(request: HttpRequest) -> HttpResponse:
    themes = list(selectors.themes())
    bundles = list(selectors.published_bundles())
    sections = [
        {
            "id": "person",
            "title": _("Services for persons"),
            "audience": Audience.PERSON.value,
            "all_label": _("All services for persons"),
            "themes": _for_audience(themes, Audience.PERSON),
            "bundles_title": _("Life events: one thing, done once"),
            "bundles": _for_audience(bundles, Audience.PERSON),
        },
        {
            "id": "legal-person",
            "title": _("Services for companies and organisations"),
            "audience": Audience.LEGAL_PERSON.value,
            "all_label": _("All services for companies and organisations"),
            "themes": _for_audience(themes, Audience.LEGAL_PERSON),
            "bundles_title": _("Business events: one thing, done once"),
            "bundles": _for_audience(bundles, Audience.LEGAL_PERSON),
        },
    ]
    return render(
        request,
        "matters/catalogue_home.html",
        {
            "sections": sections,
            "departments": selectors.departments_with_service_counts(),
            "regions": selectors.regions_with_service_counts(),
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(
        request.GET,
        themes=[(theme.code, theme.name) for theme in selectors.themes()],
        departments=[(d.credit_code, d.name) for d in selectors.departments_offering_services()],
        regions=[(region.code, region.name) for region in selectors.regions_offering_services()],
    )
    page_obj = page_range = None
    status = 200
    if form.is_valid():
        try:
            versions = selectors.implementation_search(**form.search_params())
        except ApplicationError as error:
            add_service_errors(form, error)
            status = error.status
        else:
            paginator = Paginator(versions, PAGE_SIZE)
            page_obj = paginator.get_page(request.GET.get("page"))
            page_range = paginator.get_elided_page_range(page_obj.number)
    else:
        status = 400
    return render(
        request,
        "matters/search.html",
        {"form": form, "page_obj": page_obj, "page_range": page_range},
        status=status,
    )


def _published_or_404(code: str) -> ImplementationVersion:
    version = selectors.published_version(code)
    if version is None:
        raise Http404
    return version


@require_safe
def guide(request: HttpRequest, code: str) -> HttpResponse:
    version = _published_or_404(code)
    return render(
        request,
        "matters/guide.html",
        {"version": version, "history": selectors.public_version_history(version.implementation)},
    )


@require_safe
def guide_pdf(request: HttpRequest, code: str) -> HttpResponse:
    version = _published_or_404(code)
    key = f"matters:guide-pdf:{version.pk}:{version.updated_at.timestamp()}:{get_language()}"
    content = cache.get(key)
    if content is None:
        content = pdf.guide_pdf(
            version=version, history=selectors.public_version_history(version.implementation)
        )
        cache.set(key, content, PDF_CACHE_SECONDS)
    response = HttpResponse(content, content_type="application/pdf")
    # An ASCII name for old clients, the Chinese name (RFC 6266 / 5987) for the others.
    response["Content-Disposition"] = (
        f'inline; filename="guide-{version.implementation.code}.pdf"; '
        f"filename*=UTF-8''{quote(f'{version.name}.pdf')}"
    )
    return response


@require_safe
def bundle_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.published_bundles(), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "matters/bundle_list.html",
        {"page_obj": page_obj, "page_range": paginator.get_elided_page_range(page_obj.number)},
    )


@require_safe
def bundle_detail(request: HttpRequest, code: str) -> HttpResponse:
    bundle: Bundle | None = selectors.bundle_published(code)
    if bundle is None:
        raise Http404
    members = [
        {
            "implementation": item.implementation,
            "version": next(iter(getattr(item.implementation, "published", [])), None),
        }
        for item in bundle.items.all()
    ]
    return render(
        request,
        "matters/bundle_detail.html",
        {"bundle": bundle, "members": members, "merged": selectors.bundle_merged(bundle)},
    )


@require_safe
def material_file(request: HttpRequest, code: str, key: str, kind: str) -> FileResponse:
    """The blank form or filled-in sample of a published material, as a download."""
    material = selectors.published_material(code=code, key=key)
    document = None
    if material is not None:
        document = {"form": material.blank_form, "sample": material.sample}.get(kind)
    if not document:
        raise Http404
    return FileResponse(
        document.open("rb"), as_attachment=True, filename=document.name.rsplit("/", 1)[-1]
    )
