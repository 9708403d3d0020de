"""Writes of the identity app: registration, sign-in, preferences, authorisations, roles,
and the audit trail that every other app appends to."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import EmailValidator, RegexValidator
from django.db import IntegrityError, connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import NotFound, ValidationFailed
from identity import selectors
from identity.constants import (
    AUDIT_MIN_RETENTION_DAYS,
    AuditAction,
    AuditOutcome,
    OrganisationKind,
    Role,
)
from identity.errors import (
    AccountInactive,
    AccountLocked,
    AuditChainBroken,
    InvalidCredentials,
    OneTimePasswordRequired,
)
from identity.models import (
    ApiKey,
    AuditChainHead,
    AuditCheckpoint,
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


def _subject_of(target: models.Model | None) -> int | None:
    """The person an entry about this object concerns: the person themselves, or the
    applicant, holder or data subject the object names (a person's case, certificate …)."""
    if target is None:
        return None
    if isinstance(target, User):
        return target.pk
    for name in SUBJECT_FIELDS:
        try:
            field = target._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.many_to_one and field.related_model is User:
            return getattr(target, field.attname)
    return None


# Fields that name the person an object is about, in the order they are looked for.
SUBJECT_FIELDS = ("applicant", "holder", "subject", "principal")


def audit_record(
    *,
    action: str,
    outcome: str = AuditOutcome.SUCCESS,
    actor: User | None = None,
    actor_label: str = "",
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    subject: User | None = None,
    ip_address: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Runs inside the caller's transaction when there is one,
    so the event commits (or rolls back) with the change it records. The subject (the
    person concerned) defaults to the one the target names, for the search by person."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    if actor is not None and not actor_label:
        actor_label = actor.masked_id_number
    subject_id = subject.pk if subject is not None else _subject_of(target)
    # Normalised through JSON so the hash recomputed from the stored row is the same.
    detail = json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))
    with transaction.atomic():
        # The row is made by a migration; get_or_create also survives a flushed database.
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            actor=actor,
            actor_label=actor_label,
            subject_id=subject_id,
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


def audit_record_read(
    *, request: HttpRequest, target: models.Model, subject: User | None = None, purpose: str = ""
) -> AuditEvent | None:
    """Record that a member of staff read someone's personal data (a case, a certificate,
    shared data). A person reading their own data is not recorded."""
    user = getattr(request, "user", None)
    subject_id = subject.pk if subject is not None else _subject_of(target)
    if user is None or not user.is_authenticated or user.pk == subject_id:
        return None
    return audit_record_request(
        request=request,
        action=AuditAction.PERSONAL_DATA_READ,
        target=target,
        subject=subject,
        detail={"purpose": purpose} if purpose else None,
    )


@dataclass(frozen=True)
class PurgeReport:
    purged: int
    through_id: int | None
    cutoff: datetime


def audit_retention_days() -> int:
    """Days the trail keeps every entry: the setting, never less than the legal minimum."""
    days = int(getattr(settings, "PORTAL_AUDIT_RETENTION_DAYS", AUDIT_MIN_RETENTION_DAYS))
    return max(days, AUDIT_MIN_RETENTION_DAYS)


def audit_purge(*, before: datetime, actor_label: str = "audit_purge") -> PurgeReport:
    """Remove the oldest entries, all older than `before`, as one prefix of the chain, and
    leave a checkpoint (the last purged entry's hash and the chain's length there) from
    which the rest still verifies. Refuses a cut-off inside the retention period and a
    prefix that does not verify (purging must not erase the evidence of tampering)."""
    latest_allowed = timezone.now() - timedelta(days=audit_retention_days())
    if before > latest_allowed:
        raise ValidationFailed(
            _(
                "Entries younger than %(days)s days must be kept: choose a date on or before "
                "%(date)s."
            )
            % {"days": audit_retention_days(), "date": timezone.localdate(latest_allowed)},
            field="before",
        )
    with transaction.atomic():
        # Appends wait for the purge, which sees a settled chain.
        AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        checkpoint = AuditCheckpoint.objects.order_by("-through_id").first()
        start = checkpoint.through_id if checkpoint else 0
        first_kept = (
            AuditEvent.objects.filter(id__gt=start, occurred_at__gte=before)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        prefix = AuditEvent.objects.filter(id__gt=start)
        if first_kept is not None:
            prefix = prefix.filter(id__lt=first_kept)
        through_id = prefix.order_by("-id").values_list("id", flat=True).first()
        if through_id is None:
            return PurgeReport(purged=0, through_id=None, cutoff=before)
        report = selectors.audit_chain_verify(through_id=through_id)
        if report.broken_at is not None:
            raise AuditChainBroken(report.broken_at)
        through_hash = AuditEvent.objects.values_list("hash", flat=True).get(pk=through_id)
        length = (checkpoint.length if checkpoint else 0) + report.checked
        AuditCheckpoint.objects.create(
            through_id=through_id,
            through_hash=through_hash,
            length=length,
            purged=report.checked,
            cutoff=before,
        )
        audit_record(
            action=AuditAction.AUDIT_PURGE,
            actor_label=actor_label,
            object_type="identity.auditcheckpoint",
            object_id=str(through_id),
            detail={
                "through_id": through_id,
                "through_hash": through_hash,
                "length": length,
                "purged": report.checked,
                "cutoff": before.isoformat(),
            },
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The append-only trigger lets this transaction delete checkpointed entries
                # older than the legal minimum, and nothing else.
                cursor.execute("SELECT set_config('portal.audit_purge', 'on', true)")
            cursor.execute(
                f"DELETE FROM {AuditEvent._meta.db_table} WHERE id > %s AND id <= %s",  # noqa: S608  # nosec B608
                [start, through_id],
            )
            purged = cursor.rowcount
    return PurgeReport(purged=purged, through_id=through_id, cutoff=before)


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


# --- department API keys -------------------------------------------------------------------


def api_key_digest(secret: str) -> str:
    """What is stored of a key: its SHA-256, so a leaked database gives no usable key."""
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_check(*, department: Organisation, owner: User) -> None:
    """A key belongs to a department and acts as one of its reviewers or its head."""
    if department.kind != OrganisationKind.DEPARTMENT:
        raise ValidationFailed(_("Please choose a government department."), field="department")
    if not Membership.objects.filter(
        user=owner,
        organisation=department,
        role__in=[Role.REVIEWER, Role.DEPARTMENT_HEAD],
        is_active=True,
    ).exists():
        raise ValidationFailed(
            _("The responsible official must be a reviewer or the head of the department."),
            field="owner",
        )


def api_key_create(
    *, name: str, department: Organisation, owner: User, created_by: User | None
) -> tuple[ApiKey, str]:
    """A new key for a department system, acting as `owner` (a reviewer or the head of the
    department). Returns the key and its secret, which is shown once and never stored."""
    api_key_check(department=department, owner=owner)
    prefix = secrets.token_hex(4)
    secret = f"{prefix}.{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            name=name, department=department, owner=owner, prefix=prefix,
            digest=api_key_digest(secret),
        )  # fmt: skip
        audit_record(
            action="identity.api_key_create",
            actor=created_by,
            target=api_key,
            detail={"name": name, "department": department.credit_code, "prefix": prefix},
        )
    return api_key, secret


def api_key_revoke(*, api_key: ApiKey, revoked_by: User | None) -> ApiKey:
    """Revoke a key at once (a second revocation changes nothing)."""
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                action="identity.api_key_revoke",
                actor=revoked_by,
                target=api_key,
                detail={"prefix": api_key.prefix},
            )
    return api_key
