"""Admin of supervision: read-only records (cards, ratings, complaints, exports); the work
itself happens on the supervision pages, through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from supervision.models import (
    Card,
    Complaint,
    ComplaintEvent,
    Export,
    Rating,
    RatingFollowUp,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject_id", "colour", "department", "due", "raised_at", "closed_at"]
    list_filter = ["colour", "kind", "raised_at"]
    search_fields = ["subject_id", "case__number"]
    list_select_related = ["department"]
    show_full_result_count = False


class FollowUpInline(admin.StackedInline):
    model = RatingFollowUp
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["case", "score", "channel", "department", "handler", "created_at"]
    list_filter = ["score", "channel", "created_at"]
    search_fields = ["case__number"]
    list_select_related = ["case", "department", "handler"]
    inlines = [FollowUpInline]


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "channel", "subject", "department", "state", "due", "created_at"]
    list_filter = ["state", "channel", "subject", "created_at"]
    search_fields = ["=number"]
    list_select_related = ["department"]
    # The caller's phone is personal data: not shown in the admin.
    exclude = ["complainant_phone"]
    inlines = [ComplaintEventInline]


@admin.register(Export)
class ExportAdmin(ReadOnlyAdmin):
    list_display = ["kind", "format", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "format", "kind"]
