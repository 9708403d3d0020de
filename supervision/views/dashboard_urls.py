"""URLs of the dashboards, the audit search and the exports (under /supervision/)."""

from supervision.views import audit, dashboard, exports

app_name = "dashboards"

urlpatterns = [*dashboard.urlpatterns, *audit.urlpatterns, *exports.urlpatterns]
