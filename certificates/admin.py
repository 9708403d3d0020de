"""Certificate types and department read grants are configuration; certificates themselves
change only through the services (issue, revoke, replace), so the admin shows them read-only."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate, CertificateType, DepartmentReadGrant


def _validate_fields(value: Any) -> None:
    """The type's data schema: a list of {"key", "label", "public"?}."""
    if not isinstance(value, list) or not all(
        isinstance(item, dict)
        and isinstance(item.get("key"), str)
        and item["key"]
        and isinstance(item.get("label"), str)
        for item in value
    ):
        raise ValidationError(
            _('List the fields as [{"key": "company_name", "label": "名称", "public": true}, …].')
        )


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type_code", "holder_kind", "validity_years", "is_active"]
    list_filter = ["holder_kind", "is_active", "layout"]
    search_fields = ["code", "name", "type_code"]
    raw_id_fields = ["issuing_department"]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        if "fields" in form.base_fields:
            form.base_fields["fields"].validators.append(_validate_fields)
        return form


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["identifier", "type", "holder_name", "issuer_name", "issued_on", "state"]
    list_filter = ["state", "type"]
    search_fields = ["=identifier", "=source_reference", "holder_name"]
    list_select_related = ["type"]
    exclude = ["verify_code", "short_code", "holder_code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DepartmentReadGrant)
class DepartmentReadGrantAdmin(admin.ModelAdmin):
    list_display = ["department", "type", "purpose", "valid_until", "revoked_at"]
    list_filter = ["type"]
    raw_id_fields = ["department", "granted_by"]
