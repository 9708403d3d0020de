from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from identity import services


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the account of a signed-in person."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_preferences(user=request.user, language=language)
    return response


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache() -> str:
    cache.set("healthz", "ok", 10)
    return "ok" if cache.get("healthz") == "ok" else "unavailable"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the state of the database, the cache and the broker."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    report: dict[str, str] = {}
    for name, check in checks.items():
        try:
            report[name] = check()
        except Exception:
            report[name] = "unavailable"
    healthy = all(state in {"ok", "eager"} for state in report.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **report}, status=200 if healthy else 503
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """API clients get the API's error shape even for a path no route matches."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Not found.")), "errors": {}}, status=404)
    return defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    services.audit_record_refusal(request=request, reason="html")
    return render(request, "403.html", status=403)
