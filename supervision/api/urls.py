from django.urls import path

from supervision.api import views

# Included before cases' API in portal/urls.py: "cases/<number>/rating/" is ours.
urlpatterns = [
    path("cases/<str:number>/rating/", views.CaseRatingView.as_view(), name="api-case-rating"),
    path("complaints/", views.ComplaintListCreateView.as_view(), name="api-complaints"),
    path("complaints/<str:number>/", views.ComplaintDetailView.as_view(), name="api-complaint"),
    path(
        "complaints/<str:number>/transitions/",
        views.ComplaintTransitionView.as_view(),
        name="api-complaint-transitions",
    ),
]
