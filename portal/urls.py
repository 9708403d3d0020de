from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views

portal_patterns = ([path("", views.home, name="home")], "portal")

urlpatterns = [
    path("", include(portal_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("identity.urls")),
    path("services/", include("matters.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("identity.api.urls")),
    path("api/v1/", include("matters.api.urls")),
    # Before cases' API: supervision answers cases/<number>/rating/.
    path("api/v1/", include("supervision.api.urls")),
    path("api/v1/", include("cases.api.urls")),
    path("api/v1/", include("windows.api.urls")),
    path("api/v1/", include("sharing.api.urls")),
    path("api/v1/", include("certificates.api.urls")),
    path("cases/", include("cases.urls")),
    path("hall/", include("windows.urls")),
    path("sharing/", include("sharing.urls")),
    path("certificates/", include("certificates.urls")),
    path("verify/", include("certificates.verify_urls")),
    path("supervision/", include("supervision.views.dashboard_urls")),
    path("supervision/", include("supervision.urls")),
    path("ratings/", include("supervision.public_urls")),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
