"""Vocabulary of the hall: the queues people take tickets for, and the states of tickets
and appointments."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from matters.constants import WindowCategory


class SpecialWindow(models.TextChoices):
    """Windows outside the four 一窗 categories, each with a queue of its own."""

    ENQUIRIES = "enquiries", _("General enquiries")
    ASSISTED = "assisted", _("Assisted applications")
    CROSS_PROVINCE = "cross_province", _("Cross-province services")
    COMPLAINTS = "complaints", _("Complaints handled at once")
    FREE_SERVICES = "free_services", _("Free services")


class Queue(models.TextChoices):
    """What a ticket is taken for: one of the 一窗 categories or a special window."""

    INVESTMENT = WindowCategory.INVESTMENT.value, WindowCategory.INVESTMENT.label
    COMMERCIAL = WindowCategory.COMMERCIAL.value, WindowCategory.COMMERCIAL.label
    LIVELIHOOD = WindowCategory.LIVELIHOOD.value, WindowCategory.LIVELIHOOD.label
    PUBLIC_RESOURCES = WindowCategory.PUBLIC_RESOURCES.value, WindowCategory.PUBLIC_RESOURCES.label
    ENQUIRIES = SpecialWindow.ENQUIRIES.value, SpecialWindow.ENQUIRIES.label
    ASSISTED = SpecialWindow.ASSISTED.value, SpecialWindow.ASSISTED.label
    CROSS_PROVINCE = SpecialWindow.CROSS_PROVINCE.value, SpecialWindow.CROSS_PROVINCE.label
    COMPLAINTS = SpecialWindow.COMPLAINTS.value, SpecialWindow.COMPLAINTS.label
    FREE_SERVICES = SpecialWindow.FREE_SERVICES.value, SpecialWindow.FREE_SERVICES.label


# The letter printed before the number on a ticket (B017); "I" and "O" are left out so
# they are not read as 1 and 0.
TICKET_LETTERS: dict[str, str] = {
    Queue.INVESTMENT: "A",
    Queue.COMMERCIAL: "B",
    Queue.LIVELIHOOD: "C",
    Queue.PUBLIC_RESOURCES: "D",
    Queue.ENQUIRIES: "E",
    Queue.ASSISTED: "F",
    Queue.CROSS_PROVINCE: "G",
    Queue.COMPLAINTS: "H",
    Queue.FREE_SERVICES: "J",
}


class TicketChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    KIOSK = "kiosk", _("Kiosk in the hall")
    CLERK = "clerk", _("Issued by a clerk")
    APPOINTMENT = "appointment", _("Appointment check-in")


class TicketState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("Did not come")
    TRANSFERRED = "transferred", _("Sent to another queue")


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")
    NO_SHOW = "no_show", _("Did not come")


class WindowAction(models.TextChoices):
    """Audit actions of clerks at their windows."""

    SIGN_IN = "windows.sign_in", _("Signed in to a window")
    SIGN_OUT = "windows.sign_out", _("Signed out of a window")
    ISSUE = "windows.ticket_issue", _("Ticket issued")
    CALL = "windows.ticket_call", _("Ticket called")
    RECALL = "windows.ticket_recall", _("Ticket called again")
    SKIP = "windows.ticket_skip", _("Ticket skipped (did not come)")
    START = "windows.ticket_start", _("Service started")
    FINISH = "windows.ticket_finish", _("Service finished")
    TRANSFER = "windows.ticket_transfer", _("Ticket transferred")
    CHECK_IN = "windows.appointment_check_in", _("Appointment checked in")
