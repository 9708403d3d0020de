"""Admin of the cases app: routing rules (catalogue admins keep them with the catalogue),
and the outbox and department notices (cases.admin_outbox)."""

from django.contrib import admin

from cases import admin_outbox  # noqa: F401  (outbox and department notices)
from cases.models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Where a service's accepted cases go (cases.routing): for every region, or only for
    one region's cases. Without a rule they go to the service's own department."""

    list_display = ["implementation", "region", "department", "updated_at"]
    list_filter = ["department"]
    search_fields = ["implementation__code", "implementation__matter__name", "department__name"]
    raw_id_fields = ["implementation"]
    autocomplete_fields = ["region", "department"]
    list_select_related = ["implementation__matter", "region", "department"]
