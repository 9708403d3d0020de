"""Who may do what in the data sharing exchange.

- Department staff with a sharing role (reviewer, department head) act for their department:
  as a consumer they request resources and see their grants and reads; as a provider they
  publish resources, decide requests for them and revoke grants.
- Platform reviewers (permission `sharing.review_accessrequest`, given to the staff of the
  government services and big data administration who run the exchange) review every
  request first (规范性审查) and may revoke any grant.
- Supervisors (电子监察) read everything and act on nothing (SPEC.md §1).
- A department system reads through its API key: the key's department is the consumer.
- A person sees only the reads about themselves (and about the organisations they are the
  legal representative of).
"""

from typing import Any

from django.db.models import Q, QuerySet

from identity import selectors as identity_selectors
from identity.constants import STAFF_ROLES, Role
from sharing.constants import OPEN_REQUEST_STATES, SHARING_ROLES, RequestState
from sharing.models import AccessRequest, Grant, Resource

REVIEW_PERMISSION = "sharing.review_accessrequest"


def sharing_departments(user: Any) -> list[int]:
    """The departments the person acts for in the exchange."""
    if not identity_selectors.user_roles(user) & SHARING_ROLES:
        return []  # most people: answered from the roles the request has already read
    return sorted(
        organisation
        for organisation, roles in identity_selectors.user_roles_by_organisation(user).items()
        if roles & SHARING_ROLES
    )


def is_platform_reviewer(user: Any) -> bool:
    """Holds the review permission; only staff are given it, so people without a staff role
    are answered without asking the permission tables. A superuser without a staff role is
    no reviewer: his blanket permissions are for the admin site, not for the exchange."""
    if not getattr(user, "is_authenticated", False):
        return False
    staff = bool(identity_selectors.user_roles(user) & STAFF_ROLES)
    return staff and user.has_perm(REVIEW_PERMISSION)


def is_supervisor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Role.SUPERVISOR in identity_selectors.user_roles(user)


def reads_everything(user: Any) -> bool:
    """Sees every request, grant and read: the platform's reviewers, and supervisors."""
    return is_platform_reviewer(user) or is_supervisor(user)


def uses_exchange(user: Any) -> bool:
    """May open the department pages of the exchange."""
    return reads_everything(user) or bool(sharing_departments(user))


def represented_organisations(user: Any) -> list[int]:
    """Organisations whose data use the person may follow: those they legally represent."""
    return sorted(
        organisation
        for organisation, roles in identity_selectors.user_roles_by_organisation(user).items()
        if Role.LEGAL_REPRESENTATIVE in roles
    )


def can_manage_resource(user: Any, resource: Resource) -> bool:
    return resource.provider_id in sharing_departments(user)


def can(user: Any, action: str, obj: AccessRequest | Grant) -> bool:
    """May the person take `action` on this request or grant now (state aside)?"""
    departments = sharing_departments(user)
    if isinstance(obj, AccessRequest):
        if action == "view":
            return (
                obj.consumer_id in departments
                or obj.resource.provider_id in departments
                or reads_everything(user)
            )
        if action == "review":
            return is_platform_reviewer(user)
        if action == "decide":
            return obj.resource.provider_id in departments
        if action == "withdraw":
            return obj.consumer_id in departments
        return False
    if action == "view":
        return (
            obj.consumer_id in departments
            or obj.resource.provider_id in departments
            or reads_everything(user)
        )
    if action == "revoke":
        return obj.resource.provider_id in departments or is_platform_reviewer(user)
    return False


def requests_visible_to(user: Any) -> QuerySet[AccessRequest]:
    requests = AccessRequest.objects.all()
    if reads_everything(user):
        return requests
    departments = sharing_departments(user)
    return requests.filter(
        Q(consumer_id__in=departments) | Q(resource__provider_id__in=departments)
    )


def grants_visible_to(user: Any) -> QuerySet[Grant]:
    grants = Grant.objects.all()
    if reads_everything(user):
        return grants
    departments = sharing_departments(user)
    return grants.filter(Q(consumer_id__in=departments) | Q(resource__provider_id__in=departments))


def next_actions(user: Any, request: AccessRequest) -> list[str]:
    """The actions the person may take on the request in its current state."""
    actions = []
    if request.state == RequestState.PLATFORM_REVIEW and can(user, "review", request):
        actions.append("review")
    if request.state == RequestState.PROVIDER_REVIEW and can(user, "decide", request):
        actions.append("decide")
    if request.state in OPEN_REQUEST_STATES and can(user, "withdraw", request):
        actions.append("withdraw")
    return actions
