"""URLs of the dashboards, the lists behind their figures, the audit search and the exports
(under /supervision/)."""

from supervision.views import audit, dashboard, exports, figures

app_name = "dashboards"

urlpatterns = [
    *dashboard.urlpatterns,
    *figures.urlpatterns,
    *audit.urlpatterns,
    *exports.urlpatterns,
]
