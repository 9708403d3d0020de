from django.urls import path

from sharing.api import views

urlpatterns = [
    path("sharing/resources/", views.ResourceListView.as_view(), name="api-sharing-resources"),
    path(
        "sharing/requests/",
        views.AccessRequestListCreateView.as_view(),
        name="api-sharing-requests",
    ),
    path("sharing/grants/", views.GrantListView.as_view(), name="api-sharing-grants"),
    path("sharing/data/<str:resource>/", views.DataView.as_view(), name="api-sharing-data"),
    path(
        "me/data-access-log/",
        views.MyDataAccessLogView.as_view(),
        name="api-me-data-access-log",
    ),
    path("me/objections/", views.MyObjectionsView.as_view(), name="api-me-objections"),
]
