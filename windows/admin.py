"""Admin of the hall: halls with their windows, appointment slots; tickets, appointments and
window sessions are records of what happened and are read-only here."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from matters.constants import WindowCategory
from windows.models import Appointment, AppointmentSlot, Hall, Ticket, Window, WindowSession


class WindowForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=WindowCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Window
        fields = ["number", "categories", "special_kind", "is_active"]


class WindowInline(admin.TabularInline):
    model = Window
    form = WindowForm
    extra = 0


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "operator", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["region", "operator"]
    inlines = [WindowInline]


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(admin.ModelAdmin):
    list_display = ["hall", "category", "starts_at", "ends_at", "capacity", "booked"]
    list_filter = ["hall", "category"]
    date_hierarchy = "starts_at"
    readonly_fields = ["booked"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["code", "hall", "day", "channel", "state", "window", "issued_at"]
    list_filter = ["hall", "state", "channel", "category"]
    date_hierarchy = "day"
    search_fields = ["code"]
    list_select_related = ["hall", "window"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "slot", "state", "checked_in_at"]
    list_filter = ["state", "slot__hall"]
    search_fields = ["code"]
    list_select_related = ["slot__hall"]


@admin.register(WindowSession)
class WindowSessionAdmin(ReadOnlyAdmin):
    list_display = ["window", "clerk", "started_at", "ended_at"]
    list_filter = ["window__hall"]
    list_select_related = ["window__hall", "clerk"]
