from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.wallet, name="wallet"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/pdf", views.pdf, name="pdf"),
    path("<uuid:public_id>/grants/", views.grant_create, name="grant-create"),
    path(
        "<uuid:public_id>/grants/<uuid:grant_id>/withdraw/",
        views.grant_withdraw,
        name="grant-withdraw",
    ),
    path("shared/<str:token>/", views.shared, name="shared"),
    path("issued/", views.issued, name="issued"),
    path("issued/<uuid:public_id>/", views.issued_detail, name="issued-detail"),
    path("issued/<uuid:public_id>/revoke/", views.revoke, name="revoke"),
    path("issued/<uuid:public_id>/replace/", views.replace, name="replace"),
]
