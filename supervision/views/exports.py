"""A background export's progress page, its status for the polling script, and the file:
all for the person who asked for it only (404 for anyone else)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.errors import NotFound
from supervision import exports
from supervision.constants import ExportStatus
from supervision.models import Export


def _export(request: HttpRequest, pk: object) -> Export:
    try:
        return exports.export_for(request.user, pk)
    except NotFound:
        raise Http404 from None


def _status(export: Export) -> dict[str, object]:
    done = export.status == ExportStatus.DONE
    return {
        "status": export.status,
        "status_label": export.get_status_display(),
        "progress": export.progress,
        "total": export.total,
        "download_url": reverse("dashboards:export-download", args=[export.pk]) if done else "",
        "error": export.status == ExportStatus.FAILED,
    }


@login_required
@require_safe
@never_cache
def detail(request: HttpRequest, pk: object) -> HttpResponse:
    export = _export(request, pk)
    return render(
        request,
        "supervision/export_detail.html",
        {
            "export": export,
            "status": _status(export),
            "finished": export.status in (ExportStatus.DONE, ExportStatus.FAILED),
        },
    )


@login_required
@require_safe
@never_cache
def status(request: HttpRequest, pk: object) -> JsonResponse:
    return JsonResponse(_status(_export(request, pk)))


@login_required
@require_safe
def download(request: HttpRequest, pk: object) -> FileResponse:
    export = _export(request, pk)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=exports.export_filename(export),
        content_type=exports.CONTENT_TYPES[export.format],
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("exports/<uuid:pk>/", detail, name="export"),
    path("exports/<uuid:pk>/status/", status, name="export-status"),
    path("exports/<uuid:pk>/download/", download, name="export-download"),
]
