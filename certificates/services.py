"""Writes of the certificate library: issue, replace, revoke, expire, render, reuse, grants
and department reads. Each runs in the caller's transaction when there is one (an approval
issues its certificate in the case's transaction) and schedules PDFs and e-mails on commit."""

import calendar
import hashlib
import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates import documents, identifiers, payload, policies, selectors, signing
from certificates.constants import (
    AuditAction,
    CertificateState,
    EventKind,
    GrantUseOutcome,
    Standing,
)
from certificates.models import (
    Certificate,
    CertificateAccess,
    CertificateEvent,
    CertificateGrant,
    CertificateGrantUse,
    CertificateType,
    CertificateUse,
    DepartmentReadGrant,
    SerialBlock,
)
from core.errors import Conflict, NotAllowed, NotFound, TooManyAttempts, ValidationFailed
from identity.constants import AuditOutcome
from identity.models import Organisation, User
from identity.services import audit_record

logger = logging.getLogger(__name__)

# A grant shows a certificate for at most this long; wrong access codes lock it after this many.
GRANT_MAX_HOURS = 30 * 24
GRANT_MAX_FAILURES = 5
MAX_REASON = 500


def _add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _next_serial(*, type_: CertificateType, issuer_code: str, day: date) -> str:
    """流水号: the year and a 7-digit number per type, issuer and year, e.g. 20260000017."""
    prefix = f"{type_.type_code}.{issuer_code}.{day.year}"
    block, _created = SerialBlock.objects.select_for_update().get_or_create(prefix=prefix)
    block.last += 1
    block.save(update_fields=["last"])
    return f"{day.year}{block.last:07d}"


def _event(certificate: Certificate, kind: str, actor: User | None, note: str = "") -> None:
    event = CertificateEvent.objects.create(
        certificate=certificate, kind=kind, at=timezone.now(), actor=actor, note=note[:MAX_REASON]
    )
    transaction.on_commit(lambda: _notify(event.pk))


def _notify(event_id: int) -> None:
    from certificates.tasks import notify_certificate_event
    from core.tasks import enqueue

    enqueue(notify_certificate_event, event_id=event_id)


def _render_later(certificate_id: int) -> None:
    from certificates.tasks import render_certificate_pdf
    from core.tasks import enqueue_on_commit

    enqueue_on_commit(render_certificate_pdf, certificate_id=certificate_id)


def _clean_data(type_: CertificateType, data: dict[str, Any]) -> dict[str, str]:
    """The type's fields only, as text, empty ones left out."""
    keys = [spec["key"] for spec in type_.fields]
    return {key: str(data[key]).strip() for key in keys if data.get(key) not in (None, "")}


def _holder(holder_user: User | None, holder_organisation: Organisation | None) -> tuple[str, str]:
    if (holder_user is None) == (holder_organisation is None):
        raise ValidationFailed(_("A certificate has exactly one holder."), field="holder")
    if holder_user is not None:
        return holder_user.name, holder_user.id_number
    assert holder_organisation is not None  # noqa: S101 - narrowed by the check above
    return holder_organisation.name, holder_organisation.credit_code


def _create(
    *,
    type_: CertificateType,
    holder_user: User | None,
    holder_organisation: Organisation | None,
    issuer: Organisation,
    data: dict[str, str],
    source_reference: str,
    issued_on: date,
    valid_until: date | None,
    predecessor: Certificate | None,
) -> Certificate:
    holder_name, holder_code = _holder(holder_user, holder_organisation)
    # A serial is the issuer's: another department's replacement starts a serial of its own
    # (the national identifier names the issuer), still pointing to what it replaces.
    if predecessor is not None and predecessor.issuer_code == issuer.credit_code:
        serial, version = predecessor.serial, predecessor.version + 1
        if version > 999:
            raise Conflict(_("This certificate has reached its last version number."))
    else:
        serial = _next_serial(type_=type_, issuer_code=issuer.credit_code, day=issued_on)
        version = 1
    certificate = Certificate(
        identifier=identifiers.build_identifier(
            type_code=type_.type_code,
            issuer_code=issuer.credit_code,
            serial=serial,
            version=version,
        ),
        type=type_,
        serial=serial,
        version=version,
        predecessor=predecessor,
        holder_user=holder_user,
        holder_organisation=holder_organisation,
        holder_name=holder_name,
        holder_code=holder_code,
        issuer=issuer,
        issuer_name=issuer.name,
        issuer_code=issuer.credit_code,
        region_code=issuer.region.code if issuer.region_id else "",
        data=data,
        issued_on=issued_on,
        valid_until=valid_until,
        source_reference=source_reference,
        verify_code=identifiers.new_verify_code(),
        short_code=identifiers.new_short_code(),
    )
    signature = signing.sign(payload.data_payload(certificate))
    certificate.key_id, certificate.signature = signature.key_id, signature.value
    certificate.save()
    _render_later(certificate.pk)
    return certificate


def _supersede(old: Certificate, actor: User | None, note: str) -> Certificate:
    """Lock the current version and mark it replaced (its successor is being made)."""
    old = Certificate.objects.select_for_update().get(pk=old.pk)
    if old.state != CertificateState.ISSUED:
        raise Conflict(_("Only a current certificate can be replaced."))
    old.state = CertificateState.REPLACED
    old.save(update_fields=["state", "updated_at"])
    _event(old, EventKind.REPLACED, actor, note)
    return old


def certificate_issue(
    *,
    type_code: str,
    holder_user: User | None = None,
    holder_organisation: Organisation | None = None,
    issuer: Organisation,
    data: dict[str, Any],
    source_reference: str = "",
    actor: User | None,
    issued_on: date | None = None,
) -> Certificate:
    """Issue a certificate (in the caller's transaction): identifier, signature, and the PDF
    rendered once committed. For a type a holder has one of, the holder's current certificate
    is replaced: the new one is its next version, and keeps the data not given again."""
    type_ = selectors.certificate_type(type_code)
    if type_ is None:
        raise ValidationFailed(_("There is no certificate type with this code."), field="type")
    issued_on = issued_on or timezone.localdate()
    valid_until = _add_years(issued_on, type_.validity_years) if type_.validity_years else None
    with transaction.atomic():
        predecessor = None
        if type_.one_per_holder:
            current = (
                Certificate.objects.filter(
                    type=type_,
                    holder_user=holder_user,
                    holder_organisation=holder_organisation,
                    state=CertificateState.ISSUED,
                )
                .order_by("-version", "-id")
                .first()
            )
            if current is not None:
                note = str(_("Replaced by a certificate issued for case %(number)s.")) % {
                    "number": source_reference or "—"
                }
                predecessor = _supersede(current, actor, note)
                # A change (变更登记) asks only what changes: the rest stays as it was.
                given = {key: value for key, value in data.items() if value not in (None, "")}
                data = {**predecessor.data, **given}
        certificate = _create(
            type_=type_,
            holder_user=holder_user,
            holder_organisation=holder_organisation,
            issuer=issuer,
            data=_clean_data(type_, data),
            source_reference=source_reference,
            issued_on=issued_on,
            valid_until=valid_until,
            predecessor=predecessor,
        )
        _event(certificate, EventKind.ISSUED, actor)
        audit_record(
            action=AuditAction.ISSUE,
            actor=actor,
            target=certificate,
            detail={
                "identifier": certificate.identifier,
                "case": source_reference,
                "replaces": predecessor.identifier if predecessor else None,
            },
        )
    return certificate


def certificate_replace(
    *, certificate: Certificate, actor: User, data: dict[str, Any], reason: str
) -> Certificate:
    """A corrected new version (换发) by the issuing department: the old one verifies as
    replaced. The new version keeps the validity period of the old one."""
    if not policies.may_manage(actor, certificate):
        raise NotFound()
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Please give the reason."), field="reason")
    with transaction.atomic():
        old = _supersede(certificate, actor, reason)
        new = _create(
            type_=old.type,
            holder_user=old.holder_user,
            holder_organisation=old.holder_organisation,
            issuer=old.issuer,
            data=_clean_data(old.type, {**old.data, **data}),
            source_reference=old.source_reference,
            issued_on=timezone.localdate(),
            valid_until=old.valid_until,
            predecessor=old,
        )
        _event(new, EventKind.ISSUED, actor, reason)
        audit_record(
            action=AuditAction.REPLACE,
            actor=actor,
            target=new,
            detail={"identifier": new.identifier, "replaces": old.identifier, "reason": reason},
        )
    return new


def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Revoke (注销/吊销) with a reason, by the issuing department. It then verifies as
    revoked and is no longer reused."""
    if not policies.may_manage(actor, certificate):
        raise NotFound()
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Please give the reason."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(_("Please keep the reason under 500 characters."), field="reason")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.state != CertificateState.ISSUED:
            raise Conflict(_("This certificate has already been revoked or replaced."))
        certificate.state = CertificateState.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = actor
        certificate.revocation_reason = reason
        certificate.save(
            update_fields=["state", "revoked_at", "revoked_by", "revocation_reason", "updated_at"]
        )
        _event(certificate, EventKind.REVOKED, actor, reason)
        audit_record(
            action=AuditAction.REVOKE,
            actor=actor,
            target=certificate,
            detail={"identifier": certificate.identifier, "reason": reason},
        )
    return certificate


def certificates_expire(*, today: date | None = None) -> int:
    """The daily sweep: record (once) and tell the holder that a certificate expired.
    Expiry itself needs no sweep: standing follows from the date."""
    today = today or timezone.localdate()
    due = Certificate.objects.filter(state=CertificateState.ISSUED, valid_until__lt=today).exclude(
        events__kind=EventKind.EXPIRED
    )
    count = 0
    for certificate_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
            if certificate.events.filter(kind=EventKind.EXPIRED).exists():
                continue
            _event(certificate, EventKind.EXPIRED, None)
            audit_record(
                action=AuditAction.EXPIRE,
                target=certificate,
                actor_label="system",
                detail={"identifier": certificate.identifier},
            )
            count += 1
    return count


def certificate_render_pdf(*, certificate_id: int) -> Certificate:
    """Render, store and sign the PDF. Running it again for a rendered certificate does
    nothing (a verifier compares the stored file with the signed hash)."""
    certificate = Certificate.objects.select_related(*selectors.CARD_RELATED).get(pk=certificate_id)
    if certificate.pdf_sha256:
        return certificate
    content = documents.certificate_pdf(certificate)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.pdf_sha256:
            return certificate
        certificate.pdf.save(f"{certificate.public_id}.pdf", ContentFile(content), save=False)
        certificate.pdf_sha256 = hashlib.sha256(content).hexdigest()
        signature = signing.sign(payload.pdf_payload(certificate))
        certificate.pdf_key_id, certificate.pdf_signature = signature.key_id, signature.value
        certificate.rendered_at = timezone.now()
        certificate.save(
            update_fields=[
                "pdf",
                "pdf_sha256",
                "pdf_key_id",
                "pdf_signature",
                "rendered_at",
                "updated_at",
            ]
        )
        audit_record(
            action=AuditAction.RENDER,
            target=certificate,
            actor_label="system",
            detail={"identifier": certificate.identifier, "sha256": certificate.pdf_sha256},
        )
    return certificate


# --- Reuse (免提交) -------------------------------------------------------------------------


def certificate_reuse_record(
    *,
    case_reference: str,
    materials: Iterable[tuple[str, str]],
    applicant: User,
    organisation: Organisation | None,
    used_by: User,
    purpose: str,
) -> dict[str, CertificateUse]:
    """Record, for an application being submitted, the holder's valid certificate standing in
    for each certificate material ((key, type code) pairs). A use whose certificate is no
    longer valid (revoked since a first submission) is dropped. Returns the uses by key."""
    preview = selectors.reuse_preview(
        materials=materials, applicant=applicant, organisation=organisation
    )
    existing = {
        use.material_key: use
        for use in CertificateUse.objects.select_for_update().filter(case_reference=case_reference)
    }
    uses = {}
    for key, status in preview.items():
        use = existing.get(key)
        if not status.reused:
            if use is not None:
                use.delete()
            continue
        assert status.certificate is not None  # noqa: S101 - a reused status has one
        if use is not None and use.certificate_id == status.certificate.pk:
            uses[key] = use
            continue
        if use is None:
            use = CertificateUse(case_reference=case_reference, material_key=key)
        use.certificate = status.certificate
        use.purpose = purpose[:200]
        use.used_by = used_by
        use.used_at = timezone.now()
        use.save()
        audit_record(
            action=AuditAction.REUSE,
            actor=used_by,
            target=status.certificate,
            detail={"case": case_reference, "material": key},
        )
        uses[key] = use
    return uses


# --- 授权用证 -------------------------------------------------------------------------------


def grant_create(
    *, certificate: Certificate, actor: User, recipient: str, purpose: str, hours: int
) -> CertificateGrant:
    """Let a third party view one certificate until a time, by link and access code."""
    if not policies.is_holder(actor, certificate):
        raise NotFound()
    errors: dict[str, list[Any]] = {}
    recipient, purpose = recipient.strip(), purpose.strip()
    if not recipient:
        errors["recipient"] = [_("Say whom you show the certificate to.")]
    if not purpose:
        errors["purpose"] = [_("Say what they need it for.")]
    if not 1 <= hours <= GRANT_MAX_HOURS:
        errors["hours"] = [_("Choose how long the view stays open: at most 30 days.")]
    if errors:
        raise ValidationFailed(errors=errors)
    if selectors.standing(certificate) != Standing.VALID:
        raise Conflict(_("Only a valid certificate can be shown to others."))
    with transaction.atomic():
        grant = CertificateGrant.objects.create(
            certificate=certificate,
            granted_by=actor,
            recipient=recipient[:100],
            purpose=purpose[:200],
            token=identifiers.new_verify_code(),
            access_code=identifiers.new_short_code()[:6],
            valid_until=timezone.now() + timedelta(hours=hours),
        )
        audit_record(
            action=AuditAction.GRANT,
            actor=actor,
            target=certificate,
            detail={"grant": str(grant.public_id), "hours": hours},
        )
    return grant


def grant_revoke(*, grant: CertificateGrant, actor: User) -> CertificateGrant:
    if not policies.is_holder(actor, grant.certificate):
        raise NotFound()
    with transaction.atomic():
        grant = CertificateGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is None:
            grant.revoked_at = timezone.now()
            grant.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                action=AuditAction.GRANT_REVOKE,
                actor=actor,
                target=grant.certificate,
                detail={"grant": str(grant.public_id)},
            )
    return grant


class GrantClosed(Conflict):
    code = "grant_closed"
    status = 410
    default_message = _("This view of the certificate is no longer open.")


def grant_open(
    *, token: str, code: str, ip_address: str | None = None, now: datetime | None = None
) -> CertificateGrant:
    """A third party opens a grant with its access code. Every attempt is logged for the
    holder; wrong codes lock the grant after a few tries."""
    now = now or timezone.now()
    grant = selectors.grant_by_token(token)
    if grant is None:
        raise NotFound()
    with transaction.atomic():
        grant = CertificateGrant.objects.select_for_update().get(pk=grant.pk)
        outcome = GrantUseOutcome.SHOWN
        if grant.revoked_at is not None:
            outcome = GrantUseOutcome.REVOKED
        elif grant.valid_until <= now:
            outcome = GrantUseOutcome.EXPIRED
        elif grant.failed_attempts >= GRANT_MAX_FAILURES:
            outcome = GrantUseOutcome.LOCKED
        elif code.strip().upper() != grant.access_code:
            outcome = GrantUseOutcome.WRONG_CODE
            grant.failed_attempts += 1
            grant.save(update_fields=["failed_attempts", "updated_at"])
        CertificateGrantUse.objects.create(grant=grant, at=now, outcome=outcome)
        audit_record(
            action=AuditAction.GRANT_USE,
            actor_label="third party",
            target=grant.certificate,
            ip_address=ip_address,
            outcome=AuditOutcome.SUCCESS
            if outcome == GrantUseOutcome.SHOWN
            else AuditOutcome.DENIED,
            detail={"grant": str(grant.public_id), "outcome": outcome},
        )
    if outcome == GrantUseOutcome.WRONG_CODE:
        raise ValidationFailed(_("This access code is not right."), field="code")
    if outcome == GrantUseOutcome.LOCKED:
        raise TooManyAttempts(
            _("Too many wrong access codes: ask the holder for a new view."), field="code"
        )
    if outcome != GrantUseOutcome.SHOWN:
        raise GrantClosed()
    return grant


# --- Department reads ---------------------------------------------------------------------


def department_read(
    *, department: Organisation, client: str, holder_code: str, type_code: str, purpose: str
) -> list[Certificate]:
    """A department system reads a holder's certificates of one type, for a purpose its
    department was granted. Every certificate returned is logged for the holder and audited;
    a refusal is audited too."""
    purpose = purpose.strip()
    if not purpose:
        raise ValidationFailed(_("State the purpose of the request (申请事由)."), field="purpose")
    today = timezone.localdate()
    grant = (
        DepartmentReadGrant.objects.filter(
            department=department, type__code=type_code, purpose=purpose, revoked_at__isnull=True
        )
        .exclude(valid_until__lt=today)
        .select_related("type")
        .first()
    )
    if grant is None:
        audit_record(
            action=AuditAction.DEPARTMENT_READ,
            outcome=AuditOutcome.DENIED,
            actor_label=client[:64],
            object_type="certificates.certificatetype",
            object_id=type_code[:128],
            detail={"department": department.credit_code, "purpose": purpose[:200]},
        )
        raise NotAllowed(
            _("Your department has no grant to read this certificate type for this purpose."),
            field="purpose",
        )
    holder = selectors.holder_by_code(holder_code)
    if holder is None:
        return []
    found = list(
        Certificate.objects.filter(type=grant.type, **holder)
        .select_related(*selectors.CARD_RELATED)
        .order_by("-issued_on", "-id")
    )
    now = timezone.now()
    with transaction.atomic():
        for certificate in found:
            CertificateAccess.objects.create(
                certificate=certificate,
                department=department,
                grant=grant,
                client=client[:100],
                purpose=purpose[:200],
                at=now,
            )
            audit_record(
                action=AuditAction.DEPARTMENT_READ,
                actor_label=client[:64],
                target=certificate,
                detail={"department": department.credit_code, "purpose": purpose[:200]},
            )
    return found


def certificate_downloaded(*, certificate: Certificate, actor: User) -> None:
    audit_record(
        action=AuditAction.DOWNLOAD,
        actor=actor,
        target=certificate,
        detail={"identifier": certificate.identifier},
    )
