"""Routing (后台分类审批): on acceptance a case goes to the queue of the department responsible
for it. The rules are data (cases.models.RoutingRule, edited in the admin by catalogue
admins), most specific first:

1. a rule for the case's service and the case's region;
2. a rule for the case's service, whatever the region;
3. otherwise the department of the service's implementation.
"""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from cases import outbox
from cases.constants import Action
from cases.models import Case, CaseEvent, RoutingRule
from identity.models import Organisation


def department_for(case: Case) -> Organisation:
    """The department a case of this service and region is routed to."""
    implementation = case.version.implementation
    rules = {
        rule.region_id: rule
        for rule in RoutingRule.objects.filter(
            Q(region_id=case.region_id) | Q(region__isnull=True), implementation=implementation
        ).select_related("department")
    }
    # Two rows at most: the region's rule and the default rule (unique constraints).
    rule = rules.get(case.region_id) or next(
        (rule for region, rule in rules.items() if region is None), None
    )
    return rule.department if rule is not None else implementation.department


def route_case(*, case: Case, actor: Any) -> CaseEvent:
    """Send a case (locked by the caller's transaction) to its department's queue and say so
    in its timeline; the state does not change. The department is told through the outbox
    (cases.handoffs); a combined application's services are told by their own fan-out."""
    department = department_for(case)
    case.department = department
    case.save(update_fields=["department", "updated_at"])
    if case.parent_id is None and case.bundle_id is None:
        outbox.enqueue(
            kind=outbox.OutboxKind.ROUTED, payload={"case": case.pk, "department": department.pk}
        )
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=Action.ROUTE,
        from_state=case.state,
        to_state=case.state,
        at=timezone.now(),
        payload={"department": department.credit_code, "department_name": department.name},
    )
