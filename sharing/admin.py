"""The exchange in the administration site: the catalogue and demo records are edited here;
requests, grants, reads and objections are shown read-only (the pages under /sharing/ and
the services change them, with their rules and audit entries)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sharing.models import AccessRequest, DataRead, DemoRecord, Grant, Objection, Resource


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "provider", "subject_kind", "sharing_class", "is_published"]
    list_filter = ["sharing_class", "subject_kind", "is_published"]
    search_fields = ["code", "name", "provider__name"]
    raw_id_fields = ["provider"]


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ["resource", "consumer", "state", "created_at", "platform_due", "provider_due"]
    list_filter = ["state"]
    search_fields = ["resource__code", "consumer__name"]


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["resource", "consumer", "basis", "valid_until", "revoked_at"]
    list_filter = ["basis"]
    search_fields = ["resource__code", "consumer__name"]


@admin.register(DataRead)
class DataReadAdmin(ReadOnlyAdmin):
    list_display = ["at", "resource_code", "consumer", "channel", "outcome", "reason"]
    list_filter = ["outcome", "channel"]
    # Exact match only, as for people: a full identifier finds its reads.
    search_fields = ["=subject", "resource_code", "reference"]
    exclude = ["subject"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reader", "summary", "state", "complaint_reference"]
    list_filter = ["state"]


@admin.register(DemoRecord)
class DemoRecordAdmin(admin.ModelAdmin):
    list_display = ["resource", "__str__"]
    list_filter = ["resource"]
    search_fields = ["=subject"]
