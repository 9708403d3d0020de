from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from identity import selectors
from identity.models import AuditEvent, Authorisation, Membership, Organisation, Region, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(GuardedModelAdmin):
    list_display = ["name", "credit_code", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "credit_code"]
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_id_number", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff"]
    # Exact match only: a full ID number finds its person; fragments do not list people.
    search_fields = ["=id_number", "name"]
    readonly_fields = ["date_joined", "last_login"]
    exclude = ["password", "user_permissions"]
    actions = ["unlock_sign_in"]

    @admin.action(description=_("Lift the sign-in lockout"))
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        from axes.utils import reset

        for user in queryset:
            reset(username=selectors.signin_lockout_key(request, {"id_number": user.id_number}))
        messages.success(request, _("Sign-in lockouts lifted."))


@admin.register(Authorisation)
class AuthorisationAdmin(admin.ModelAdmin):
    list_display = ["principal", "agent", "matter_code", "valid_until", "revoked_at"]
    raw_id_fields = ["principal", "agent"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "action", "outcome", "actor_label", "object_type", "object_id"]
    list_filter = ["outcome", "action"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
