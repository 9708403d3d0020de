from django.urls import path

from matters.api import views

urlpatterns = [
    path("matters/", views.MatterListView.as_view(), name="api-matters"),
    path("matters/<str:code>/", views.MatterDetailView.as_view(), name="api-matter"),
    path("bundles/", views.BundleListView.as_view(), name="api-bundles"),
    path("bundles/<slug:code>/", views.BundleDetailView.as_view(), name="api-bundle"),
]
