"""Pages of the hall, mounted at /hall/ (namespace "windows")."""

from django.urls import path

from windows.views import counter, hall, kiosk, window

app_name = "windows"

urlpatterns = [
    # The citizen: tickets and appointments.
    path("", hall.mine, name="mine"),
    path("tickets/take/", hall.take_ticket, name="take"),
    path("<int:hall_id>/appointments/", hall.book, name="book"),
    path("appointments/<str:code>/cancel/", hall.cancel_appointment, name="appointment-cancel"),
    # In the hall, without signing in: the kiosk and the screen.
    path("<int:hall_id>/kiosk/", kiosk.kiosk, name="kiosk"),
    path("<int:hall_id>/kiosk/take/", kiosk.kiosk_take, name="kiosk-take"),
    path("<int:hall_id>/kiosk/check-in/", kiosk.kiosk_check_in, name="kiosk-check-in"),
    path("<int:hall_id>/kiosk/ticket/<str:token>/", kiosk.kiosk_ticket, name="kiosk-ticket"),
    path("<int:hall_id>/display/", kiosk.display, name="display"),
    # The clerk at a window.
    path("window/", window.window_page, name="window"),
    path("window/sign-in/", window.sign_in, name="window-sign-in"),
    path("window/sign-out/", window.sign_out, name="window-sign-out"),
    path("window/call-next/", window.call_next, name="window-call-next"),
    path("window/issue/", window.issue, name="window-issue"),
    path("window/check-in/", window.check_in, name="window-check-in"),
    path("window/tickets/<int:pk>/transfer/", window.transfer, name="ticket-transfer"),
    path("window/tickets/<int:pk>/<str:action>/", window.ticket_action, name="ticket-action"),
]

# --- The counter (helper B): intake, acceptance, pickup, the clerk's workbench -------------
# Add the counter's patterns below, e.g. `urlpatterns += counter.urlpatterns`.
urlpatterns += counter.urlpatterns
