"""Who may act in a hall: window clerks of the service centre that runs it (SPEC.md §9).

A clerk of another hall is told a window or ticket does not exist (404), a person who is
no clerk at all is refused (403), as cases do."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.errors import NotAllowed, NotFound
from identity import selectors as identity_selectors
from identity.constants import Role
from windows.models import Hall


def clerk_organisations(user: Any) -> list[int]:
    """The organisations (service centres) the user is a window clerk of."""
    by_org = identity_selectors.user_roles_by_organisation(user)
    return sorted(org for org, roles in by_org.items() if Role.CLERK in roles)


def is_clerk(user: Any) -> bool:
    return bool(clerk_organisations(user))


def serves_hall(user: Any, hall: Hall) -> bool:
    """Whether the user is a window clerk of the centre that runs this hall."""
    return hall.operator_id in clerk_organisations(user)


def require_clerk(user: Any) -> None:
    if not is_clerk(user):
        raise NotAllowed(_("Only window clerks can do this."))


def require_serves_hall(user: Any, hall: Hall) -> None:
    """403 for someone who is no clerk, 404 for a clerk of another hall."""
    require_clerk(user)
    if not serves_hall(user, hall):
        raise NotFound(_("There is no such window in your hall."))
