"""Writes of the identity app: registration, sign-in, preferences, authorisations, roles,
and the audit trail that every other app appends to."""

import json
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import EmailValidator, RegexValidator
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import NotFound, ValidationFailed
from identity import selectors
from identity.constants import AuditAction, AuditOutcome, Role
from identity.errors import (
    AccountInactive,
    AccountLocked,
    InvalidCredentials,
    OneTimePasswordRequired,
)
from identity.models import (
    AuditChainHead,
    AuditEvent,
    Authorisation,
    Membership,
    Organisation,
    User,
)
from identity.validators import mask_id_number, normalize_id_number, validate_id_number

phone_validator = RegexValidator(
    r"^1[3-9][0-9]{9}$", _("Enter an 11-digit mobile number starting with 1.")
)


def _field_error(field: str, error: ValidationError) -> ValidationFailed:
    return ValidationFailed(error.messages[0], field=field, errors={field: list(error.messages)})


# --- audit trail -------------------------------------------------------------------------


def audit_record(
    *,
    action: str,
    outcome: str = AuditOutcome.SUCCESS,
    actor: User | None = None,
    actor_label: str = "",
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    ip_address: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Runs inside the caller's transaction when there is one,
    so the event commits (or rolls back) with the change it records."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    if actor is not None and not actor_label:
        actor_label = actor.masked_id_number
    # Normalised through JSON so the hash recomputed from the stored row is the same.
    detail = json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))
    with transaction.atomic():
        # The row is made by a migration; get_or_create also survives a flushed database.
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            actor=actor,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            ip_address=ip_address,
            detail=detail,
            previous_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_hash = event.hash
        head.length += 1
        head.save(update_fields=["last_hash", "length"])
    return event


def audit_record_request(
    *, request: HttpRequest, action: str, outcome: str = AuditOutcome.SUCCESS, **kwargs: Any
) -> AuditEvent:
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else kwargs.pop("actor", None)
    return audit_record(
        action=action,
        outcome=outcome,
        actor=actor,
        ip_address=selectors.client_ip(request),
        **kwargs,
    )


def audit_record_refusal(*, request: HttpRequest, reason: str) -> AuditEvent:
    return audit_record_request(
        request=request,
        action=AuditAction.ACCESS_DENIED,
        outcome=AuditOutcome.DENIED,
        object_type="url",
        object_id=request.path[:128],
        detail={"method": request.method, "reason": reason},
    )


# --- accounts ----------------------------------------------------------------------------


def user_register(
    *,
    id_number: str,
    name: str,
    password: str,
    phone: str = "",
    email: str = "",
    ip_address: str | None = None,
) -> User:
    errors: dict[str, list[Any]] = {}
    try:
        id_number = validate_id_number(id_number)
    except ValidationError as error:
        errors["id_number"] = list(error.messages)
    name = name.strip()
    if not name:
        errors["name"] = [_("Enter your name as it appears on your ID card.")]
    if phone:
        try:
            phone_validator(phone)
        except ValidationError as error:
            errors["phone"] = list(error.messages)
    if email:
        try:
            EmailValidator(_("Enter a valid e-mail address."))(email)
        except ValidationError as error:
            errors["email"] = list(error.messages)
    if "id_number" not in errors and User.objects.filter(id_number=id_number).exists():
        errors["id_number"] = [
            _("An account with this ID number already exists. Sign in or reset your password.")
        ]
    candidate = User(id_number=id_number, name=name, phone=phone, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationFailed(errors=errors)

    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
            audit_record(
                action=AuditAction.REGISTER,
                actor=candidate,
                target=candidate,
                ip_address=ip_address,
            )
    except IntegrityError:  # a concurrent registration with the same number won the race
        raise ValidationFailed(
            field="id_number",
            message=_(
                "An account with this ID number already exists. Sign in or reset your password."
            ),
        ) from None
    return candidate


def user_sign_in(
    *, request: HttpRequest, id_number: str, password: str, otp: str = "", channel: str
) -> tuple[User, TOTPDevice | None]:
    """Check credentials (and the staff second factor) and record the attempt.

    Returns the person and the TOTP device that was verified, if any. The caller opens the
    session or issues the token. Failed attempts count towards django-axes' lockout.
    """
    ip_address = selectors.client_ip(request)
    id_number = normalize_id_number(id_number)
    label = mask_id_number(id_number)

    def refuse(error: Exception, reason: str, user: User | None = None) -> Exception:
        audit_record(
            action=AuditAction.SIGN_IN,
            outcome=AuditOutcome.FAILURE,
            actor=user,
            actor_label=label,
            ip_address=ip_address,
            detail={"reason": reason, "channel": channel},
        )
        return error

    user = authenticate(request, id_number=id_number, password=password)
    if getattr(request, "axes_locked_out", False):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        raise refuse(AccountLocked(minutes=minutes, field="id_number"), "locked")
    if user is None:
        inactive = User.objects.filter(id_number=id_number, is_active=False).first()
        if inactive is not None and inactive.check_password(password):
            raise refuse(AccountInactive(), "inactive", inactive)
        raise refuse(InvalidCredentials(field="password"), "credentials")

    device = None
    if settings.PORTAL_STAFF_2FA and selectors.user_is_staff(user):
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
        if not devices:
            raise refuse(
                OneTimePasswordRequired(
                    field="otp",
                    message=_(
                        "No authenticator app is registered for this staff account. "
                        "Ask an administrator to register one."
                    ),
                ),
                "otp_not_enrolled",
                user,
            )
        otp = otp.strip()
        if not otp:
            raise refuse(OneTimePasswordRequired(field="otp"), "otp_missing", user)
        device = next((d for d in devices if d.verify_token(otp)), None)
        if device is None:
            raise refuse(
                OneTimePasswordRequired(
                    field="otp",
                    message=_(
                        "The authenticator code is wrong or has expired. Enter the current code."
                    ),
                ),
                "otp_wrong",
                user,
            )
    audit_record(
        action=AuditAction.SIGN_IN,
        actor=user,
        target=user,
        ip_address=ip_address,
        detail={"channel": channel, "second_factor": device is not None},
    )
    return user, device


def user_update_contact(*, user: User, phone: str, email: str) -> User:
    errors: dict[str, list[Any]] = {}
    if phone:
        try:
            phone_validator(phone)
        except ValidationError as error:
            errors["phone"] = list(error.messages)
    if email:
        try:
            EmailValidator(_("Enter a valid e-mail address."))(email)
        except ValidationError as error:
            errors["email"] = list(error.messages)
    if errors:
        raise ValidationFailed(errors=errors)
    user.phone, user.email = phone, email
    user.save(update_fields=["phone", "email"])
    return user


def user_set_preferences(
    *, user: User, elder_mode: bool | None = None, language: str | None = None
) -> User:
    fields = []
    if elder_mode is not None:
        user.elder_mode = elder_mode
        fields.append("elder_mode")
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ValidationFailed(field="language", message=_("This language is not available."))
        user.language = language
        fields.append("language")
    if fields:
        user.save(update_fields=fields)
    return user


def user_change_password(
    *, user: User, old_password: str, new_password: str, ip_address: str | None = None
) -> User:
    if not user.check_password(old_password):
        raise ValidationFailed(
            field="old_password", message=_("Your current password is incorrect.")
        )
    try:
        validate_password(new_password, user=user)
    except ValidationError as error:
        raise _field_error("new_password", error) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(
            action=AuditAction.PASSWORD_CHANGE, actor=user, target=user, ip_address=ip_address
        )
    return user


# --- staff second factor -----------------------------------------------------------------


def totp_device_start(*, user: User) -> TOTPDevice:
    """Create (or reuse) the person's unconfirmed authenticator, to be shown as a QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_device_confirm(*, user: User, token: str, ip_address: str | None = None) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise NotFound(
            _("This authenticator set-up has expired. Please open the set-up page again.")
        )
    if not device.verify_token(token.strip()):
        raise ValidationFailed(
            field="token",
            message=_("The code does not match. Check the time on your phone and try again."),
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(action=AuditAction.TOTP_ENROL, actor=user, target=user, ip_address=ip_address)
    return device


# --- authorisations (委托) ---------------------------------------------------------------


def authorisation_grant(
    *,
    principal: User,
    agent_id_number: str,
    agent_name: str,
    valid_until: date,
    matter_code: str = "",
) -> Authorisation:
    try:
        agent_id_number = validate_id_number(agent_id_number)
    except ValidationError as error:
        raise _field_error("agent_id_number", error) from None
    agent = User.objects.filter(
        id_number=agent_id_number, name=agent_name.strip(), is_active=True
    ).first()
    # One message for "no such person" and "name does not match": nothing about others leaks.
    if agent is None:
        raise ValidationFailed(
            field="agent_id_number",
            message=_("No registered person has this ID number and name. Check both."),
        )
    if agent.pk == principal.pk:
        raise ValidationFailed(field="agent_id_number", message=_("You cannot authorise yourself."))
    if valid_until < timezone.localdate():
        raise ValidationFailed(
            field="valid_until", message=_("The end date must be today or later.")
        )
    with transaction.atomic():
        authorisation = Authorisation.objects.create(
            principal=principal,
            agent=agent,
            valid_until=valid_until,
            matter_code=matter_code.strip(),
        )
        audit_record(
            action=AuditAction.AUTHORISATION_GRANT,
            actor=principal,
            target=authorisation,
            detail={"matter_code": authorisation.matter_code, "valid_until": valid_until},
        )
    return authorisation


def authorisation_revoke(*, authorisation: Authorisation, actor: User) -> Authorisation:
    with transaction.atomic():
        authorisation = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
        if authorisation.revoked_at is None:
            authorisation.revoked_at = timezone.now()
            authorisation.save(update_fields=["revoked_at", "updated_at"])
            audit_record(action=AuditAction.AUTHORISATION_REVOKE, actor=actor, target=authorisation)
    return authorisation


# --- roles -------------------------------------------------------------------------------


def membership_grant(
    *, user: User, organisation: Organisation, role: str, granted_by: User | None = None
) -> Membership:
    """Give a person a role, checking the role fits the kind of organisation."""
    try:
        Membership(user=user, organisation=organisation, role=role).clean()
    except ValidationError as error:
        raise ValidationFailed(errors=error.message_dict) from None
    with transaction.atomic():
        if role == Role.LEGAL_REPRESENTATIVE:
            Membership.objects.filter(
                organisation=organisation, role=Role.LEGAL_REPRESENTATIVE, is_active=True
            ).exclude(user=user).update(is_active=False, updated_at=timezone.now())
        membership, _created = Membership.objects.update_or_create(
            user=user, organisation=organisation, role=role, defaults={"is_active": True}
        )
        audit_record(
            action=AuditAction.MEMBERSHIP_GRANT,
            actor=granted_by,
            target=membership,
            detail={"role": role, "organisation": organisation.credit_code},
        )
    return membership


def user_reset_password(*, user: User, new_password: str) -> User:
    """Set the password chosen through an e-mailed reset link (already validated by the form)."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(action=AuditAction.PASSWORD_RESET, actor=user, target=user)
    return user
