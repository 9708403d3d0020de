from django.urls import path

from cases.api import views

urlpatterns = [
    path("queue/", views.QueueView.as_view(), name="api-queue"),
    path(
        "queue/consultations/",
        views.QueueConsultationsView.as_view(),
        name="api-queue-consultations",
    ),
    path("queue/notices/", views.QueueNoticesView.as_view(), name="api-queue-notices"),
    path("cases/", views.CaseListCreateView.as_view(), name="api-cases"),
    path("cases/<str:number>/", views.CaseDetailView.as_view(), name="api-case"),
    path(
        "cases/<str:number>/transitions/",
        views.CaseTransitionView.as_view(),
        name="api-case-transitions",
    ),
    path(
        "cases/<str:number>/materials/",
        views.CaseMaterialView.as_view(),
        name="api-case-materials",
    ),
]
