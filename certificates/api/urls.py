from django.urls import path

from certificates.api import views

urlpatterns = [
    path("certificates/", views.CertificateListView.as_view(), name="api-certificates"),
    path(
        "certificates/lookup/",
        views.DepartmentReadView.as_view(),
        name="api-certificates-lookup",
    ),
    path(
        "certificates/<uuid:public_id>/",
        views.CertificateDetailView.as_view(),
        name="api-certificate",
    ),
    path(
        "certificates/<uuid:public_id>/pdf",
        views.CertificatePdfView.as_view(),
        name="api-certificate-pdf",
    ),
    path("verify/<str:code>", views.VerifyView.as_view(), name="api-verify"),
]
