"""Admin of the outbox (hand-offs, consultations, bundle fan-out) and of what departments
received: failed and pending deliveries are found with the filters and sent again with an
action. Both are read-only records."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import outbox
from cases.models import DepartmentNotice, OutboxMessage
from cases.outbox import OutboxKind

ERROR_PREVIEW = 80


class DeliveryStatusFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("pending", _("Pending")),
            ("failed", _("Failed")),
            ("delivered", _("Delivered")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "pending":
            return queryset.filter(delivered_at__isnull=True, failed_at__isnull=True)
        if self.value() == "failed":
            return queryset.filter(delivered_at__isnull=True, failed_at__isnull=False)
        if self.value() == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        return queryset


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(OutboxKind.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(kind=self.value()) if self.value() else queryset


def _kind_label(kind: str) -> str:
    return OutboxKind(kind).label if kind in OutboxKind.values else kind


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "kind_label", "created_at", "status", "attempts", "error_preview"]
    list_filter = [DeliveryStatusFilter, KindFilter, "created_at"]
    search_fields = ["=id"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    # The outbox grows without bound: no full count on every page.
    show_full_result_count = False
    readonly_fields = [
        "id",
        "kind",
        "payload",
        "created_at",
        "attempts",
        "delivered_at",
        "failed_at",
        "last_error",
    ]
    actions = ["send_again"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, message: OutboxMessage) -> str:
        return _kind_label(message.kind)

    @admin.display(description=_("delivery"))
    def status(self, message: OutboxMessage) -> str:
        if message.delivered_at is not None:
            return str(_("Delivered"))
        if message.failed_at is not None:
            return str(_("Failed"))
        return str(_("Pending"))

    @admin.display(description=_("last error"))
    def error_preview(self, message: OutboxMessage) -> str:
        error = message.last_error
        return error if len(error) <= ERROR_PREVIEW else error[: ERROR_PREVIEW - 1] + "…"

    @admin.action(description=_("Send the selected messages again"), permissions=["change"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox.resend(message_ids=queryset.values_list("pk", flat=True), actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be sent again.",
                "%(count)d messages will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DepartmentNotice)
class DepartmentNoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "department", "kind_label", "case", "read_at"]
    list_filter = [KindFilter, ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["department", "case"]
    search_fields = ["case__number", "department__name"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = ["department", "case", "message", "kind", "text", "created_at", "read_at"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, notice: DepartmentNotice) -> str:
        return _kind_label(notice.kind)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
