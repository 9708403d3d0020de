"""How the applicant receives the result (window pickup, post, electronic).

A service of the cases app kept in its own module for now; it belongs in `services.py`
(writes) beside `case_transition`.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.constants import CaseState, DeliveryMethod, Party
from cases.errors import TransitionImpossible
from cases.models import Case
from core.errors import NotAllowed, NotFound, ValidationFailed
from identity.services import audit_record
from matters.models import ImplementationVersion

# Once the result is handed over (or the case ended without one) the choice is history.
DELIVERY_CLOSED_STATES = frozenset({CaseState.DELIVERED, CaseState.REFUSED, CaseState.WITHDRAWN})
ADDRESS_MAX_LENGTH = Case._meta.get_field("delivery_address").max_length


def delivery_options(version: ImplementationVersion) -> list[tuple[str, str]]:
    """The ways of receiving the result this service offers, as (value, label) choices."""
    offered = {
        DeliveryMethod.WINDOW: version.delivery_window,
        DeliveryMethod.POST: version.delivery_post,
        DeliveryMethod.ELECTRONIC: version.delivery_electronic,
    }
    return [(method.value, method.label) for method, on in offered.items() if on]


def delivery_choosable(case: Case) -> bool:
    """Whether the applicant still has a choice to make: several ways, result not handed over."""
    return case.state not in DELIVERY_CLOSED_STATES and len(delivery_options(case.version)) > 1


def case_set_delivery(*, case: Case, actor: Any, method: str, address: str = "") -> Case:
    """Record how the applicant wants the result: one of the ways the service offers, with a
    postal address when it is sent by post."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("version").get(pk=case.pk)
        )
        parties = policies.case_parties(actor, case)
        if not parties:
            raise NotFound()
        if Party.APPLICANT not in parties:
            raise NotAllowed(_("Only the applicant chooses how to receive the result."))
        if case.state in DELIVERY_CLOSED_STATES:
            raise TransitionImpossible(
                _("This case is “%(state)s”: the delivery can no longer be changed.")
                % {"state": case.get_state_display()}
            )
        if method not in dict(delivery_options(case.version)):
            raise ValidationFailed(
                _("This service does not offer this way of receiving the result."),
                field="method",
            )
        address = address.strip()
        if method == DeliveryMethod.POST and not address:
            raise ValidationFailed(
                _("Please give the address the result should be sent to."), field="address"
            )
        if len(address) > ADDRESS_MAX_LENGTH:
            raise ValidationFailed(
                _("Please keep the address within %(limit)s characters.")
                % {"limit": ADDRESS_MAX_LENGTH},
                field="address",
            )
        if method != DeliveryMethod.POST:
            address = ""
        case.delivery_method, case.delivery_address = method, address
        case.save(update_fields=["delivery_method", "delivery_address", "updated_at"])
        audit_record(
            action="cases.set_delivery",
            actor=actor,
            target=case,
            detail={"number": case.number, "method": method},
        )
    return case
