from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from core.errors import ApplicationError
from core.forms import add_service_errors
from identity import selectors, services
from identity.models import (
    ApiKey,
    AuditEvent,
    Authorisation,
    Membership,
    Organisation,
    Region,
    User,
)


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


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "department", "owner"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk is None and data.get("department") and data.get("owner"):
            try:
                services.api_key_check(department=data["department"], owner=data["owner"])
            except ApplicationError as error:
                add_service_errors(self, error)
        return data


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Department systems' keys. The full key is shown once, in the message after adding
    it; only its digest is kept. A key cannot be changed, only revoked (and a new one made)."""

    list_display = ["name", "department", "owner", "prefix", "last_used_at", "revoked_at"]
    list_filter = ["department", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "department__name"]
    raw_id_fields = ["owner"]
    autocomplete_fields = ["department"]
    list_select_related = ["department", "owner"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return ["prefix", "last_used_at", "revoked_at"]
        return ["name", "department", "owner", "prefix", "last_used_at", "revoked_at"]

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False  # revoked keys stay, for the audit trail

    form = ApiKeyForm

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            return
        api_key, secret = services.api_key_create(
            name=obj.name, department=obj.department, owner=obj.owner, created_by=request.user
        )
        # The admin goes on with `obj`: make it the saved key.
        obj.pk, obj.prefix, obj.digest = api_key.pk, api_key.prefix, api_key.digest
        obj._state.adding, obj._state.db = False, api_key._state.db
        self.message_user(
            request,
            _(
                "The key is %(key)s — copy it now into the department system: it will not be "
                "shown again."
            )
            % {"key": secret},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            services.api_key_revoke(api_key=api_key, revoked_by=request.user)
        messages.success(request, _("The selected keys have been revoked."))
