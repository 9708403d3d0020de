from django.urls import path

from windows.api import views

urlpatterns = [
    path("halls/", views.HallListView.as_view(), name="api-halls"),
    path("halls/<int:pk>/", views.HallDetailView.as_view(), name="api-hall"),
    path("halls/<int:pk>/display/", views.HallDisplayView.as_view(), name="api-hall-display"),
    path("halls/<int:pk>/slots/", views.HallSlotsView.as_view(), name="api-hall-slots"),
    path("halls/<int:pk>/check-in/", views.HallCheckInView.as_view(), name="api-hall-check-in"),
    path("tickets/", views.TicketListCreateView.as_view(), name="api-tickets"),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="api-ticket"),
    path("tickets/<int:pk>/actions/", views.TicketActionView.as_view(), name="api-ticket-actions"),
    path("windows/<int:pk>/call-next/", views.WindowCallNextView.as_view(), name="api-call-next"),
    path("windows/<int:pk>/session/", views.WindowSessionView.as_view(), name="api-window-session"),
    path("appointments/", views.AppointmentListCreateView.as_view(), name="api-appointments"),
    path(
        "appointments/<str:code>/cancel/",
        views.AppointmentCancelView.as_view(),
        name="api-appointment-cancel",
    ),
]
