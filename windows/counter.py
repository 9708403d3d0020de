"""Writes of the counter (一窗受理, 综合出件): taking in an application for the person at the
window, deciding its acceptance, handing out results.

The counter creates no case of its own kind: the person at the window authorises the clerk
on the spot (present in person, or by a paper authorisation for 帮办代办), which makes the
clerk the case's agent, and the application is then written, filed and submitted through
the same `cases.services` an online application uses (docs/adr/0006-counter-intake.md).
Every state change goes through `cases.services.case_transition` and its guards.
"""

import secrets
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases import services as case_services
from cases.constants import Action, CaseState, Channel, DeliveryMethod, Party
from cases.errors import TransitionImpossible
from cases.models import Case
from cases.uploads import inspect_upload, storage_name
from core.errors import NotAllowed, NotFound, ValidationFailed
from identity.constants import AuditAction, AuditOutcome, AuthorisationBasis
from identity.models import Authorisation, User
from identity.services import audit_record, phone_validator
from identity.validators import validate_id_number
from matters.models import ImplementationVersion
from windows import counter_selectors

COUNTER_BASES = frozenset({AuthorisationBasis.IN_PERSON, AuthorisationBasis.PAPER})
NAME_MAX_LENGTH = User._meta.get_field("name").max_length


def _id_number(value: str, *, field: str = "id_number") -> str:
    try:
        return validate_id_number(value)
    except ValidationError as error:
        raise ValidationFailed(errors={field: list(error.messages)}) from None


def serves_region(clerk: Any, region_id: int) -> bool:
    """Whether the clerk works at the hall of this region."""
    return region_id in policies.clerk_regions(clerk)


# --- The person at the window ------------------------------------------------------------


@dataclass(frozen=True)
class CounterPerson:
    person: User
    registered: bool  # the account was created just now, at the counter


def counter_person(
    *, clerk: User, id_number: str, name: str = "", phone: str = ""
) -> CounterPerson:
    """The person the clerk serves, found by the ID number on their card. A person without
    an account gets one, with the name on the card and no usable password: they can set one
    later with a password reset. A name that does not match the account is refused."""
    if not policies.clerk_regions(clerk):
        raise NotAllowed(_("Only window clerks serve people at the counter."))
    id_number = _id_number(id_number)
    name = " ".join(name.split())
    person = User.objects.filter(id_number=id_number).first()
    if person is not None:
        if not person.is_active:
            raise ValidationFailed(
                _("This account is closed. Please refer the person to the enquiries window."),
                field="id_number",
            )
        if name and name != person.name:
            raise ValidationFailed(
                _("The name does not match the account with this ID number. Check the ID card."),
                field="name",
            )
        # A clerk looking someone up is a read of their personal data: on record.
        audit_record(
            action=AuditAction.PERSONAL_DATA_READ,
            actor=clerk,
            target=person,
            detail={"purpose": "counter"},
        )
        return CounterPerson(person=person, registered=False)
    if not name:
        raise ValidationFailed(
            _(
                "Nobody is registered with this ID number yet. Enter the name on the ID card "
                "to register the person."
            ),
            field="name",
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            _("Please keep the name within %(limit)s characters.") % {"limit": NAME_MAX_LENGTH},
            field="name",
        )
    phone = phone.strip()
    if phone:
        try:
            phone_validator(phone)
        except ValidationError as error:
            raise ValidationFailed(errors={"phone": list(error.messages)}) from None
    with transaction.atomic():
        person, created = User.objects.get_or_create(
            id_number=id_number, defaults={"name": name, "phone": phone}
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
            audit_record(
                action=AuditAction.REGISTER,
                actor=clerk,
                target=person,
                detail={"channel": Channel.COUNTER},
            )
    return CounterPerson(person=person, registered=created)


# --- Intake ------------------------------------------------------------------------------


def counter_authorisation_record(
    *,
    clerk: User,
    person: User,
    version: ImplementationVersion,
    basis: str,
    evidence: IO[bytes] | None = None,
    evidence_name: str = "",
) -> Authorisation:
    """The person lets the clerk apply for them for this service today: present at the
    window, or by the paper authorisation the clerk scans (帮办代办)."""
    if basis not in COUNTER_BASES:
        raise ValidationFailed(_("Choose how the person authorises you."), field="basis")
    if person.pk == clerk.pk:
        raise NotAllowed(
            _("You cannot take in your own application: another clerk must serve you."),
            field="id_number",
        )
    info = None
    if basis == AuthorisationBasis.PAPER:
        if evidence is None:
            raise ValidationFailed(
                _("Please scan and upload the signed paper authorisation."), field="evidence"
            )
        try:
            info = inspect_upload(file=evidence, name=evidence_name)
        except ValidationFailed as error:
            # The same refusal and status (413, 415 …), on the authorisation's file field.
            error.field, error.errors = "evidence", {"evidence": [error.message]}
            raise
    with transaction.atomic():
        authorisation = Authorisation(
            principal=person,
            agent=clerk,
            matter_code=version.implementation.matter.basic_code,
            valid_until=timezone.localdate(),
            basis=basis,
            recorded_by=clerk,
        )
        if info is not None and evidence is not None:
            name = storage_name(info=info, prefix="identity/authorisations")
            authorisation.evidence.save(name, evidence, save=False)
        authorisation.save()
        audit_record(
            action=AuditAction.AUTHORISATION_GRANT,
            actor=clerk,
            target=authorisation,
            detail={"basis": basis, "matter_code": authorisation.matter_code},
        )
    return authorisation


def counter_intake(
    *,
    clerk: User,
    person: User,
    version: ImplementationVersion,
    window: Any = None,
    basis: str,
    evidence: IO[bytes] | None = None,
    evidence_name: str = "",
    idempotency_key: str = "",
) -> Case:
    """Open an application for the person at the window: a draft with the clerk as the
    person's agent, made by `case_create` like an online application (channel "counter").
    Only services the clerk's window (or, without one, hall) takes in; a repeated key
    (double click) returns the first case."""
    if idempotency_key:
        existing = Case.objects.filter(created_by=clerk, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if not counter_selectors.service_offered(clerk=clerk, window=window, version=version):
        raise ValidationFailed(_("This service is not taken in at your window."), field="service")
    with transaction.atomic():
        counter_authorisation_record(
            clerk=clerk,
            person=person,
            version=version,
            basis=basis,
            evidence=evidence,
            evidence_name=evidence_name,
        )
        case = case_services.case_create(
            version=version,
            actor=clerk,
            form_data={},
            channel=Channel.COUNTER,
            on_behalf_of=person,
            idempotency_key=idempotency_key,
        )
    return case


# --- Acceptance ----------------------------------------------------------------------------


def counter_accept(
    *,
    case: Case,
    clerk: User,
    deferred_materials: list[str] | None = None,
    deferred_until: date | None = None,
    comment: str = "",
) -> Case:
    """受理, or 容缺受理 when tolerable materials are still to come by a date."""
    payload: dict[str, Any] = {}
    if deferred_materials:
        # cases.services checks the materials are tolerable and the date is after today.
        payload = {"deferred_materials": list(deferred_materials), "deferred_until": deferred_until}
    return case_services.case_transition(
        case=case, action=Action.ACCEPT, actor=clerk, comment=comment, payload=payload
    )


def counter_refuse(*, case: Case, clerk: User, reason: str) -> Case:
    """不予受理, with the reason printed on the refusal notice."""
    return case_services.case_transition(
        case=case, action=Action.REFUSE, actor=clerk, comment=reason
    )


def counter_request_correction(
    *, case: Case, clerk: User, items: list[tuple[str, str]], note: str = ""
) -> Case:
    """一次性告知: everything to correct in one list, the checked items (key, label) first,
    then the clerk's own words."""
    lines = [str(_("Please correct or provide:"))] if items else []
    lines += [f"{number}. {label}" for number, (_key, label) in enumerate(items, start=1)]
    if note.strip():
        lines.append(note.strip())
    return case_services.case_transition(
        case=case,
        action=Action.REQUEST_CORRECTION,
        actor=clerk,
        comment="\n".join(lines),
        payload={"items": [key for key, _label in items]},
    )


def counter_decide_immediately(
    *, case: Case, clerk: User, approve: bool, comment: str = ""
) -> Case:
    """即办件: accept (when not yet), take up, decide and issue the result on the spot, all
    or nothing. The case's guards refuse a clerk without the permission or a matter that is
    not immediate, and then nothing has changed."""
    steps = [Action.CLAIM, Action.APPROVE if approve else Action.DENY, Action.ISSUE_RESULT]
    with transaction.atomic():
        current = Case.objects.values_list("state", flat=True).get(pk=case.pk)
        if current == CaseState.SUBMITTED:
            steps.insert(0, Action.ACCEPT)
        for action in steps:
            case = case_services.case_transition(
                case=case,
                action=action,
                actor=clerk,
                comment=comment if action in (Action.APPROVE, Action.DENY) else "",
            )
    return case


# --- Pickup (综合窗口出件) -------------------------------------------------------------------


def counter_hand_out(
    *, case: Case, clerk: User, pickup_code: str = "", id_number: str = ""
) -> Case:
    """Hand the result over against the pickup code, or the ID number of the applicant; a
    wrong code or number changes nothing and is recorded as a failed attempt."""
    pickup_code, id_number = pickup_code.strip(), id_number.strip()
    if not pickup_code and not id_number:
        raise ValidationFailed(
            _("Enter the pickup code or the ID number of the applicant."), field="pickup_code"
        )
    if id_number:
        id_number = _id_number(id_number)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("applicant")
        case = locked.get(pk=case.pk)
        parties = policies.case_parties(clerk, case)
        if Party.CLERK not in parties:
            raise NotAllowed() if parties else NotFound()
        if case.state != CaseState.RESULT_ISSUED:
            raise TransitionImpossible(
                _("This case is “%(state)s”: there is no result waiting to be handed out.")
                % {"state": case.get_state_display()}
            )
        if pickup_code:
            matches = bool(case.pickup_code) and secrets.compare_digest(
                pickup_code, case.pickup_code
            )
            checked = "pickup_code"
        else:
            matches = id_number == case.applicant.id_number
            checked = "id_number"
        if matches:
            return case_services.case_transition(
                case=case, action=Action.DELIVER, actor=clerk, payload={"checked": checked}
            )
    # Outside the transaction: the failed attempt stays on record.
    audit_record(
        action="cases.hand_out",
        outcome=AuditOutcome.FAILURE,
        actor=clerk,
        target=case,
        detail={"number": case.number, "checked": checked},
    )
    if checked == "pickup_code":
        raise ValidationFailed(_("This pickup code is not the code of this case."), field=checked)
    raise ValidationFailed(_("This ID number is not the applicant's."), field=checked)


def counter_send_by_post(*, case: Case, clerk: User, carrier: str, tracking: str) -> Case:
    """The result leaves by post (邮政寄递): carrier and tracking number, then delivered."""
    if not carrier.strip() or not tracking.strip():
        raise ValidationFailed(
            errors={
                field: [_("Please give both the carrier and the tracking number.")]
                for field, value in (("express_carrier", carrier), ("express_tracking", tracking))
                if not value.strip()
            }
        )
    if case.delivery_method != DeliveryMethod.POST:
        raise ValidationFailed(
            _("The applicant did not ask for the result to be sent by post."),
            field="express_carrier",
        )
    return case_services.case_transition(
        case=case,
        action=Action.DELIVER,
        actor=clerk,
        payload={"express_carrier": carrier, "express_tracking": tracking},
    )
