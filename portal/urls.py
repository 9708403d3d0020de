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
    path("api/v1/", include("cases.api.urls")),
    path("cases/", include("cases.urls")),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
