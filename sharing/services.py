"""Writes of the data sharing exchange: the resource catalogue, requests and their review
and decision, grants, every read of shared data (logged, served or refused), objections and
the shared data used by applications."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from identity.constants import AuditAction
from identity.models import ApiKey, Organisation, User
from identity.services import audit_record
from identity.validators import validate_credit_code, validate_id_number
from matters import selectors as matter_selectors
from sharing import policies, selectors
from sharing.constants import (
    OPEN_REQUEST_STATES,
    PLATFORM_REVIEW_DAYS,
    PROVIDER_DECISION_DAYS,
    PURPOSE_MAX_LENGTH,
    GrantBasis,
    ObjectionState,
    ReadChannel,
    ReadOutcome,
    RequestState,
    SharingClass,
    SubjectKind,
)
from sharing.errors import ProviderUnavailable
from sharing.models import (
    AccessRequest,
    ApplicationUse,
    DataRead,
    Grant,
    Objection,
    Resource,
)
from sharing.providers import adapter_for

MAX_FIELDS_ASKED = 64
SUPERSEDED = "Replaced by a new grant."


def _invalid(error: ValidationError) -> ValidationFailed:
    """A model's validation errors as the service error of the same fields."""
    errors = (
        {field: list(messages) for field, messages in error.message_dict.items()}
        if hasattr(error, "error_dict")
        else {"__all__": list(error.messages)}
    )
    first = next(iter(errors.values()))[0]
    return ValidationFailed(first, errors=errors)


def _purpose(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationFailed(_("State the purpose the data is needed for."), field="purpose")
    if len(purpose) > PURPOSE_MAX_LENGTH:
        raise ValidationFailed(
            _("State the purpose in at most %(limit)s characters.") % {"limit": PURPOSE_MAX_LENGTH},
            field="purpose",
        )
    return purpose


def _field_keys(fields: Any) -> list[str]:
    """Field keys as given, stripped, in order, each once; a bad list is a field error."""
    if isinstance(fields, str):
        fields = fields.split(",")
    if not isinstance(fields, list | tuple) or len(fields) > MAX_FIELDS_ASKED:
        raise ValidationFailed(_("Give a list of field keys."), field="fields")
    keys: list[str] = []
    for item in fields:
        if not isinstance(item, str) or len(item) > 64:
            raise ValidationFailed(_("Give a list of field keys."), field="fields")
        key = item.strip()
        if key and key not in keys:
            keys.append(key)
    return keys


def _unknown_fields(resource: Resource, keys: Iterable[str]) -> ValidationFailed | None:
    unknown = [key for key in keys if key not in resource.field_keys]
    if not unknown:
        return None
    return ValidationFailed(
        _("This resource has no field %(fields)s.") % {"fields": ", ".join(unknown)},
        field="fields",
    )


# --- resources ---------------------------------------------------------------------------

RESOURCE_VALUES = (
    "name",
    "subject_kind",
    "fields",
    "update_frequency",
    "sharing_class",
    "description",
    "is_published",
)


def resource_save(
    *,
    actor: User,
    provider: Organisation,
    values: dict[str, Any],
    resource: Resource | None = None,
) -> Resource:
    """Publish a new resource in the catalogue or change one of the provider's. A resource
    that stops being unconditional loses its registrations; one that is no longer shared
    loses every grant."""
    if provider.pk not in policies.sharing_departments(actor):
        raise NotAllowed(_("You do not act for this department in the data exchange."))
    with transaction.atomic():
        if resource is None:
            resource = Resource(provider=provider, code=str(values.get("code", "")).strip())
            previous_class = None
        else:
            resource = Resource.objects.select_for_update().get(pk=resource.pk)
            if resource.provider_id != provider.pk:
                raise NotFound()
            previous_class = resource.sharing_class
        for name in RESOURCE_VALUES:
            if name in values:
                setattr(resource, name, values[name])
        try:
            resource.full_clean()
        except ValidationError as error:
            raise _invalid(error) from None
        created = resource.pk is None
        resource.save()
        if previous_class is not None and previous_class != resource.sharing_class:
            _revoke_on_class_change(resource, actor)
        audit_record(
            action="sharing.resource_create" if created else "sharing.resource_change",
            actor=actor,
            target=resource,
            detail={
                "code": resource.code,
                "class": resource.sharing_class,
                "published": resource.is_published,
                "fields": resource.field_keys,
            },
        )
    return resource


def _revoke_on_class_change(resource: Resource, actor: User) -> None:
    live = Grant.objects.select_for_update().filter(resource=resource, revoked_at__isnull=True)
    if resource.sharing_class == SharingClass.CONDITIONAL:
        live = live.filter(basis=GrantBasis.REGISTRATION)
        reason = "The resource is now shared on conditions: request it."
    elif resource.sharing_class == SharingClass.NOT_SHARED:
        reason = "The resource is no longer shared."
    else:
        return
    for grant in live.order_by("pk"):
        _revoke(grant, actor, reason)


# --- requests and grants -----------------------------------------------------------------


def access_request_submit(
    *,
    actor: User,
    consumer: Organisation,
    resource: Resource,
    purpose: str,
    legal_basis: str = "",
    fields: Any = None,
    valid_until: date | None = None,
    by_api_key: ApiKey | None = None,
    today: date | None = None,
) -> AccessRequest:
    """A department asks for a resource. An unconditional resource is granted at once, whole
    (the department registers as its consumer); a conditional one goes to the platform's
    review (3 working days), then to the provider (10 working days)."""
    today = today or timezone.localdate()
    if by_api_key is not None:
        if by_api_key.department_id != consumer.pk:
            raise NotAllowed(_("A key asks only for its own department."))
    elif consumer.pk not in policies.sharing_departments(actor):
        raise NotAllowed(_("You do not act for this department in the data exchange."))
    if not resource.is_published:
        raise ValidationFailed(_("No published resource has this code."), field="resource")
    if resource.sharing_class == SharingClass.NOT_SHARED:
        raise ValidationFailed(
            _("This resource is not shared: it cannot be requested."), field="resource"
        )
    if resource.provider_id == consumer.pk:
        raise ValidationFailed(
            _("Your department provides this resource: it needs no grant to use it."),
            field="resource",
        )
    purpose = _purpose(purpose)
    if valid_until is not None and valid_until <= today:
        raise ValidationFailed(_("Give a date after today."), field="valid_until")
    if resource.sharing_class == SharingClass.UNCONDITIONAL:
        return _register(actor=actor, consumer=consumer, resource=resource, purpose=purpose)

    legal_basis = (legal_basis or "").strip()
    errors: dict[str, list[Any]] = {}
    if not legal_basis:
        errors["legal_basis"] = [_("Name the law or policy that allows this use of the data.")]
    keys = _field_keys(fields if fields is not None else [])
    if not keys:
        errors["fields"] = [_("Choose the fields your department needs.")]
    elif (unknown := _unknown_fields(resource, keys)) is not None:
        errors["fields"] = [unknown.message]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    keys = [key for key in resource.field_keys if key in keys]
    try:
        with transaction.atomic():
            request = AccessRequest.objects.create(
                resource=resource,
                consumer=consumer,
                requested_by=actor,
                state=RequestState.PLATFORM_REVIEW,
                purpose=purpose,
                legal_basis=legal_basis,
                fields=keys,
                valid_until=valid_until,
                platform_due=matter_selectors.working_calendar().add_working_days(
                    today, PLATFORM_REVIEW_DAYS
                ),
            )
            audit_record(
                action="sharing.request_submit",
                actor=actor,
                target=request,
                detail={"resource": resource.code, "consumer": consumer.credit_code},
            )
    except IntegrityError:
        raise Conflict(
            _("Your department already has an open request for this resource."),
            field="resource",
        ) from None
    return request


def _register(
    *, actor: User, consumer: Organisation, resource: Resource, purpose: str
) -> AccessRequest:
    """Registration as a consumer of an unconditional resource: granted at once, whole."""
    now = timezone.now()
    with transaction.atomic():
        live = (
            Grant.objects.select_for_update()
            .filter(resource=resource, consumer=consumer, revoked_at__isnull=True)
            .first()
        )
        if live is not None and live.all_fields and live.valid_until is None:
            raise Conflict(
                _("Your department is already registered for this resource."), field="resource"
            )
        request = AccessRequest.objects.create(
            resource=resource,
            consumer=consumer,
            requested_by=actor,
            state=RequestState.GRANTED,
            purpose=purpose,
            fields=resource.field_keys,
            decided_at=now,
        )
        if live is not None:
            _revoke(live, actor, SUPERSEDED)
        Grant.objects.create(
            resource=resource,
            consumer=consumer,
            basis=GrantBasis.REGISTRATION,
            request=request,
            all_fields=True,
            fields=resource.field_keys,
            purpose=purpose,
            granted_by=actor,
        )
        audit_record(
            action="sharing.register",
            actor=actor,
            target=request,
            detail={"resource": resource.code, "consumer": consumer.credit_code},
        )
    return request


def _locked_request(request: AccessRequest, actor: User, action: str) -> AccessRequest:
    request = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("resource")
        .get(pk=request.pk)
    )
    if not policies.can(actor, "view", request):
        raise NotFound()
    if not policies.can(actor, action, request):
        raise NotAllowed(_("You may not take this action on this request."))
    return request


def access_request_review(
    *,
    actor: User,
    request: AccessRequest,
    accept: bool,
    comment: str = "",
    today: date | None = None,
) -> AccessRequest:
    """The platform's normative review: accepted requests go to the provider, who has 10
    working days to decide; a request not accepted carries the reason."""
    today = today or timezone.localdate()
    comment = (comment or "").strip()
    with transaction.atomic():
        request = _locked_request(request, actor, "review")
        if request.state != RequestState.PLATFORM_REVIEW:
            raise Conflict(_("This request is not waiting for the platform's review."))
        if not accept and not comment:
            raise ValidationFailed(_("Give the reason for not accepting it."), field="comment")
        request.platform_reviewed_by = actor
        request.platform_reviewed_at = timezone.now()
        request.platform_comment = comment
        if accept:
            request.state = RequestState.PROVIDER_REVIEW
            request.provider_due = matter_selectors.working_calendar().add_working_days(
                today, PROVIDER_DECISION_DAYS
            )
        else:
            request.state = RequestState.REJECTED
        request.save(
            update_fields=[
                "state",
                "platform_reviewed_by",
                "platform_reviewed_at",
                "platform_comment",
                "provider_due",
                "updated_at",
            ]
        )
        audit_record(
            action="sharing.request_review",
            actor=actor,
            target=request,
            detail={"accepted": accept, "state": request.state},
        )
    return request


def access_request_decide(
    *,
    actor: User,
    request: AccessRequest,
    grant: bool,
    comment: str = "",
    fields: Any = None,
    valid_until: date | None = None,
    today: date | None = None,
) -> AccessRequest:
    """The provider grants (all or some of the fields asked, until a date or without end) or
    refuses with a reason."""
    today = today or timezone.localdate()
    comment = (comment or "").strip()
    with transaction.atomic():
        request = _locked_request(request, actor, "decide")
        if request.state != RequestState.PROVIDER_REVIEW:
            raise Conflict(_("This request is not waiting for the provider's decision."))
        if not grant and not comment:
            raise ValidationFailed(_("Give the reason for the refusal."), field="comment")
        keys = request.fields
        if grant and fields is not None:
            keys = _field_keys(fields)
            extra = [key for key in keys if key not in request.fields]
            if extra or not keys:
                raise ValidationFailed(
                    _("Grant some of the fields requested, and only those."), field="fields"
                )
        if grant and valid_until is not None and valid_until <= today:
            raise ValidationFailed(_("Give a date after today."), field="valid_until")
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_comment = comment
        request.state = RequestState.GRANTED if grant else RequestState.REFUSED
        request.save(
            update_fields=["state", "decided_by", "decided_at", "decision_comment", "updated_at"]
        )
        if grant:
            live = (
                Grant.objects.select_for_update()
                .filter(resource=request.resource, consumer=request.consumer_id)
                .filter(revoked_at__isnull=True)
                .first()
            )
            if live is not None:
                _revoke(live, actor, SUPERSEDED)
            Grant.objects.create(
                resource=request.resource,
                consumer_id=request.consumer_id,
                basis=GrantBasis.REQUEST,
                request=request,
                fields=[key for key in request.fields if key in keys],
                purpose=request.purpose,
                valid_until=valid_until if valid_until is not None else request.valid_until,
                granted_by=actor,
            )
        audit_record(
            action="sharing.request_decide",
            actor=actor,
            target=request,
            detail={"granted": grant, "fields": keys if grant else []},
        )
    return request


def access_request_withdraw(*, actor: User, request: AccessRequest) -> AccessRequest:
    with transaction.atomic():
        request = _locked_request(request, actor, "withdraw")
        if request.state not in OPEN_REQUEST_STATES:
            raise Conflict(_("This request has been decided: it can no longer be withdrawn."))
        request.state = RequestState.WITHDRAWN
        request.save(update_fields=["state", "updated_at"])
        audit_record(action="sharing.request_withdraw", actor=actor, target=request)
    return request


def _revoke(grant: Grant, actor: User | None, reason: str) -> None:
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.revocation_reason = reason[:300]
    grant.save(update_fields=["revoked_at", "revoked_by", "revocation_reason", "updated_at"])


def grant_revoke(*, actor: User, grant: Grant, reason: str) -> Grant:
    """The provider or the platform ends a grant; reads stop at once."""
    reason = (reason or "").strip()
    with transaction.atomic():
        grant = (
            Grant.objects.select_for_update(of=("self",))
            .select_related("resource")
            .get(pk=grant.pk)
        )
        if not policies.can(actor, "view", grant):
            raise NotFound()
        if not policies.can(actor, "revoke", grant):
            raise NotAllowed(_("Only the provider or the platform may revoke a grant."))
        if grant.revoked_at is not None:
            raise Conflict(_("This grant has already been revoked."))
        if not reason:
            raise ValidationFailed(_("Give the reason for revoking the grant."), field="reason")
        _revoke(grant, actor, reason)
        audit_record(
            action="sharing.grant_revoke",
            actor=actor,
            target=grant,
            detail={"resource": grant.resource.code, "consumer": grant.consumer_id},
        )
    return grant


# --- reads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadResult:
    read: DataRead
    resource: Resource
    data: dict[str, Any]


def _subject(resource: Resource, subject: str) -> str:
    """The normalised identifier of the subject, checked for the resource's kind."""
    validate = (
        validate_id_number if resource.subject_kind == SubjectKind.PERSON else validate_credit_code
    )
    try:
        return validate(str(subject or "")[:64])
    except ValidationError as error:
        raise ValidationFailed(error.messages[0], field="subject") from None


def data_read(
    *,
    consumer: Organisation,
    resource_code: str,
    subject: str,
    purpose: str,
    fields: Any = None,
    channel: str = ReadChannel.API,
    actor: User | None = None,
    api_key: ApiKey | None = None,
    reference: str = "",
    today: date | None = None,
) -> ReadResult:
    """Read one subject's record of a resource for a consumer: only fields its live grant
    covers (all of them when `fields` is empty), for a stated purpose. Every read is logged,
    refused ones too, before the refusal is raised: 400 without a purpose, with a bad subject
    or unknown fields; 404 for an unknown resource or no record; 403 without a grant or for
    fields not granted (named); 503 when the provider's system does not answer."""
    today = today or timezone.localdate()
    entry = DataRead(
        consumer=consumer,
        api_key=api_key,
        actor=actor,
        resource_code=str(resource_code)[:64],
        channel=channel,
        reference=reference[:32],
        purpose=str(purpose or "").strip()[:PURPOSE_MAX_LENGTH],
    )

    def refuse(error: Exception, outcome: str, reason: str) -> NoReturn:
        entry.outcome = outcome
        entry.reason = reason
        entry.save()
        raise error

    resource = (
        Resource.objects.select_related("provider")
        .filter(code=entry.resource_code, is_published=True)
        .first()
    )
    if resource is None:
        refuse(
            NotFound(_("No published resource has this code.")), ReadOutcome.INVALID, "no resource"
        )
    entry.resource = resource
    try:
        purpose = _purpose(purpose)
    except ValidationFailed as error:
        refuse(error, ReadOutcome.INVALID, "no purpose")
    try:
        entry.subject = _subject(resource, subject)
    except ValidationFailed as error:
        refuse(error, ReadOutcome.INVALID, "bad subject")
    try:
        asked = _field_keys(fields if fields is not None else [])
    except ValidationFailed as error:
        refuse(error, ReadOutcome.INVALID, "bad field list")
    entry.fields = asked
    if (unknown := _unknown_fields(resource, asked)) is not None:
        refuse(unknown, ReadOutcome.INVALID, "unknown fields")

    if resource.provider_id == consumer.pk:
        granted = resource.field_keys  # a department's own data
    else:
        if resource.sharing_class == SharingClass.NOT_SHARED:
            refuse(NotAllowed(_("This resource is not shared.")), ReadOutcome.REFUSED, "not shared")
        grant = (
            Grant.objects.filter(resource=resource, consumer=consumer, revoked_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if grant is None or not grant.is_active_on(today):
            refuse(
                NotAllowed(_("Your department has no valid grant for this resource.")),
                ReadOutcome.REFUSED,
                "grant expired" if grant is not None else "no grant",
            )
        grant.resource = resource
        entry.grant = grant
        granted = grant.granted_fields()
    not_granted = [key for key in asked if key not in granted]
    if not_granted:
        refuse(
            NotAllowed(
                _("Your department is not granted the field(s) %(fields)s.")
                % {"fields": ", ".join(not_granted)},
                field="fields",
            ),
            ReadOutcome.REFUSED,
            "fields not granted: " + ",".join(not_granted)[:150],
        )
    wanted = asked or granted
    entry.fields = wanted
    try:
        record = adapter_for(resource).fetch(resource, entry.subject, wanted)
    except ProviderUnavailable as error:
        refuse(error, ReadOutcome.UNAVAILABLE, "provider unavailable")
    if record is None:
        refuse(
            NotFound(_("The provider holds no record about this subject.")),
            ReadOutcome.NO_DATA,
            "no record",
        )
    data = {key: record.get(key) for key in wanted}
    entry.outcome = ReadOutcome.SERVED
    person = (
        User.objects.filter(id_number=entry.subject).first()
        if resource.subject_kind == SubjectKind.PERSON
        else None
    )
    with transaction.atomic():
        entry.save()
        audit_record(
            action=AuditAction.PERSONAL_DATA_READ,
            actor=actor,
            target=entry,
            subject=person,
            detail={
                "resource": resource.code,
                "consumer": consumer.credit_code,
                "fields": wanted,
                "purpose": purpose,
                "channel": channel,
            },
        )
    return ReadResult(read=entry, resource=resource, data=data)


def application_use_record(
    *,
    reference: str,
    result: ReadResult,
    prefilled: dict[str, Any],
    material_keys: list[str],
) -> ApplicationUse:
    """Keep what an application took from one resource: the answers it pre-filled and the
    materials it supplied (once per application and resource)."""
    use, _created = ApplicationUse.objects.get_or_create(
        reference=reference,
        resource=result.resource,
        defaults={
            "read": result.read,
            "data": result.data,
            "prefilled": prefilled,
            "material_keys": material_keys,
        },
    )
    return use


# --- objections --------------------------------------------------------------------------


def objection_raise(*, person: User, entry_kind: str, entry_id: str, text: str) -> Objection:
    """A person objects to one read in their data use log; supervision takes it up as a
    complaint. An entry that is not in the person's own log is not found."""
    text = (text or "").strip()
    entry = selectors.access_log_entry(person, kind=entry_kind, entry_id=str(entry_id))
    if entry is None:
        raise NotFound()
    if not text:
        raise ValidationFailed(_("Say what you object to."), field="text")
    if len(text) > 2000:
        raise ValidationFailed(_("Write at most 2000 characters."), field="text")
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                person=person,
                entry_kind=entry.kind,
                entry_id=entry.entry_id,
                reader=entry.reader[:128],
                summary=entry.summary[:300],
                read_at=entry.at,
                text=text,
            )
            audit_record(
                action="sharing.objection",
                actor=person,
                target=objection,
                subject=person,
                detail={"entry": [entry.kind, entry.entry_id]},
            )
    except IntegrityError:
        raise Conflict(_("You have already objected to this read.")) from None
    return objection


def objection_forward(*, objection: Objection, complaint_reference: str) -> Objection:
    """Supervision took the objection up as the complaint with this reference."""
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.state != ObjectionState.OPEN:
            raise Conflict(_("This objection has already been handled."))
        objection.state = ObjectionState.FORWARDED
        objection.complaint_reference = complaint_reference[:64]
        objection.save(update_fields=["state", "complaint_reference", "updated_at"])
    return objection
