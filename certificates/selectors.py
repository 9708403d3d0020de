"""Reads of the certificate library: standing, verification, the wallet, reuse."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from certificates import identifiers, payload, policies, signing
from certificates.constants import CertificateState, HolderKind, Standing
from certificates.models import (
    Certificate,
    CertificateAccess,
    CertificateEvent,
    CertificateGrant,
    CertificateType,
    CertificateUse,
)
from identity import selectors as identity_selectors
from identity.constants import Role
from identity.models import Organisation, User
from identity.validators import mask_id_number

CARD_RELATED = ("type", "issuer", "holder_user", "holder_organisation", "successor")


def standing(certificate: Certificate, today: date | None = None) -> str:
    """Valid, revoked, replaced or expired today."""
    today = today or timezone.localdate()
    if certificate.state == CertificateState.REVOKED:
        return Standing.REVOKED
    if certificate.state == CertificateState.REPLACED:
        return Standing.REPLACED
    if certificate.valid_until is not None and certificate.valid_until < today:
        return Standing.EXPIRED
    return Standing.VALID


def certificate_type(code: str) -> CertificateType | None:
    return CertificateType.objects.filter(code=code, is_active=True).first()


def certificate_types() -> QuerySet[CertificateType]:
    return CertificateType.objects.filter(is_active=True).order_by("code")


# --- Integrity ----------------------------------------------------------------------------


def signature_intact(certificate: Certificate) -> bool:
    return signing.verify(
        payload.data_payload(certificate),
        signing.Signature(key_id=certificate.key_id, value=certificate.signature),
    )


def pdf_intact(certificate: Certificate) -> bool | None:
    """The stored PDF is the one rendered and signed (None: not rendered yet)."""
    if not certificate.pdf_sha256 or not certificate.pdf:
        return None
    signed = signing.verify(
        payload.pdf_payload(certificate),
        signing.Signature(key_id=certificate.pdf_key_id, value=certificate.pdf_signature),
    )
    if not signed:
        return False
    digest = hashlib.sha256()
    try:
        with certificate.pdf.open("rb") as file:
            for chunk in iter(lambda: file.read(65536), b""):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == certificate.pdf_sha256


# --- Verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    standing: str
    certificate: Certificate | None = None
    signature_ok: bool = False
    pdf_ok: bool | None = None
    fields: list[dict[str, str]] = field(default_factory=list)
    holder_name: str = ""
    holder_code: str = ""
    replaced_by: str = ""


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name is enough to recognise the person."""
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def _by_code(code: str) -> Certificate | None:
    """The certificate of a long verification code or a short code; None for anything that
    is neither (not even looked up)."""
    related = Certificate.objects.select_related(*CARD_RELATED, "predecessor")
    code = code.strip()
    if identifiers.VERIFY_CODE_RE.match(code):
        found = related.filter(verify_code=code).first()
        if found is not None:
            return found
    short = identifiers.normalise_short_code(code)
    if short is not None:
        return related.filter(short_code=short).first()
    return None


def public_fields(certificate: Certificate) -> list[dict[str, str]]:
    """The data a verifier may see: the fields the type marks public, in print order."""
    return [
        {"key": spec["key"], "label": spec["label"], "value": str(certificate.data[spec["key"]])}
        for spec in certificate.type.fields
        if spec.get("public") and certificate.data.get(spec["key"]) not in (None, "")
    ]


def all_fields(certificate: Certificate) -> list[dict[str, str]]:
    """Every field with a value, for the holder and the people they show it to."""
    return [
        {"key": spec["key"], "label": spec["label"], "value": str(certificate.data[spec["key"]])}
        for spec in certificate.type.fields
        if certificate.data.get(spec["key"]) not in (None, "")
    ]


def verify(code: str, today: date | None = None) -> Verification:
    """What /verify/{code} answers. Unknown and malformed codes get the same answer."""
    certificate = _by_code(code)
    if certificate is None:
        return Verification(standing=Standing.UNKNOWN)
    person = certificate.holder_user_id is not None
    successor = getattr(certificate, "successor", None)
    signature_ok, pdf_ok = signature_intact(certificate), pdf_intact(certificate)
    # A record that fails its signature is never reported valid, whatever its state says.
    tampered = not signature_ok or pdf_ok is False
    return Verification(
        standing=Standing.TAMPERED if tampered else standing(certificate, today),
        certificate=certificate,
        signature_ok=signature_ok,
        pdf_ok=pdf_ok,
        fields=public_fields(certificate),
        # A person's name and ID number are masked; an organisation's are public (企业信用信息公示).
        holder_name=mask_name(certificate.holder_name) if person else certificate.holder_name,
        holder_code=mask_id_number(certificate.holder_code) if person else certificate.holder_code,
        replaced_by=successor.identifier if successor is not None else "",
    )


# --- Wallet -------------------------------------------------------------------------------


def wallet(user: Any) -> QuerySet[Certificate]:
    """The holder's certificates and those of the organisations they act for, current
    versions first."""
    return (
        policies.held_by(user)
        .select_related(*CARD_RELATED)
        # The person's own first, then per organisation; the same on every database.
        .order_by(
            F("holder_organisation_id").asc(nulls_first=True), "type__name", "-version", "-id"
        )
    )


def held_certificate(user: Any, public_id: Any) -> Certificate | None:
    """One certificate of the holder's (None also when it is someone else's)."""
    return (
        policies.held_by(user)
        .select_related(*CARD_RELATED, "predecessor")
        .prefetch_related(
            Prefetch("events", queryset=CertificateEvent.objects.select_related("actor")),
            Prefetch("grants", queryset=CertificateGrant.objects.prefetch_related("uses")),
            Prefetch("accesses", queryset=CertificateAccess.objects.select_related("department")),
            "uses",
        )
        .filter(public_id=public_id)
        .first()
    )


def managed(user: Any) -> QuerySet[Certificate]:
    return policies.managed_by(user).select_related(*CARD_RELATED)


def managed_certificate(user: Any, public_id: Any) -> Certificate | None:
    return (
        policies.managed_by(user)
        .select_related(*CARD_RELATED, "predecessor")
        .prefetch_related("events")
        .filter(public_id=public_id)
        .first()
    )


def grant_by_token(token: str) -> CertificateGrant | None:
    if not identifiers.VERIFY_CODE_RE.match(token):
        return None
    return (
        CertificateGrant.objects.select_related(
            "certificate__type", "certificate__issuer", "certificate__successor"
        )
        .filter(token=token)
        .first()
    )


# --- Reuse (免提交) -------------------------------------------------------------------------


def holders_for(
    type_: CertificateType, *, applicant: User, organisation: Organisation | None
) -> dict[str, Any]:
    """Whose certificate of this type an application may use: the organisation's for an
    organisation type (the applicant's own when they apply as a person, e.g. 个体工商户), the
    applicant's for a person type."""
    if type_.holder_kind == HolderKind.ORGANISATION and organisation is not None:
        return {"holder_organisation": organisation}
    return {"holder_user": applicant}


def holder_certificates(
    *, type_codes: Iterable[str], applicant: User, organisation: Organisation | None
) -> dict[str, list[Certificate]]:
    """Type code → the holder's certificates of that type, newest first (one query per type
    kind at most)."""
    types = {t.code: t for t in CertificateType.objects.filter(code__in=set(type_codes))}
    query = Q(pk__in=[])
    for type_ in types.values():
        query |= Q(type=type_, **holders_for(type_, applicant=applicant, organisation=organisation))
    found: dict[str, list[Certificate]] = {code: [] for code in types}
    for certificate in (
        Certificate.objects.filter(query)
        .select_related("type", "predecessor")
        .order_by("-issued_on", "-id")
    ):
        found[certificate.type.code].append(certificate)
    return found


@dataclass(frozen=True)
class ReuseStatus:
    """A certificate material of an application: reused (with the certificate) or why not."""

    certificate: Certificate | None
    reused: bool
    reason: str = ""
    standing: str = ""


def _why_not(certificates: list[Certificate], today: date) -> str:
    if not certificates:
        return _("You hold no electronic certificate of this type in the certificate library.")
    latest = certificates[0]
    values = {"name": latest.type.name}
    if latest.state == CertificateState.REVOKED:
        values["date"] = timezone.localtime(latest.revoked_at).strftime("%Y-%m-%d")
        return (
            _(
                "Your e-certificate %(name)s was revoked on %(date)s, so it cannot be used for "
                "this application."
            )
            % values
        )
    if latest.valid_until is not None and latest.valid_until < today:
        values["date"] = latest.valid_until.isoformat()
        return (
            _(
                "Your e-certificate %(name)s expired on %(date)s, so it cannot be used for this "
                "application."
            )
            % values
        )
    return _("Your e-certificate %(name)s is no longer valid.") % values


def reuse_preview(
    *,
    materials: Iterable[tuple[str, str]],
    applicant: User,
    organisation: Organisation | None,
    today: date | None = None,
) -> dict[str, ReuseStatus]:
    """Material key → what would stand in for it now: the holder's valid certificate of the
    material's type, or why there is none. `materials` are (key, type code) pairs."""
    today = today or timezone.localdate()
    pairs = list(materials)
    found = holder_certificates(
        type_codes=[code for _key, code in pairs], applicant=applicant, organisation=organisation
    )
    result = {}
    for key, code in pairs:
        candidates = found.get(code, [])
        valid = [c for c in candidates if standing(c, today) == Standing.VALID]
        if valid:
            result[key] = ReuseStatus(certificate=valid[0], reused=True, standing=Standing.VALID)
        else:
            result[key] = ReuseStatus(
                certificate=candidates[0] if candidates else None,
                reused=False,
                reason=_why_not(candidates, today),
                standing=standing(candidates[0], today) if candidates else "",
            )
    return result


def uses_for_case(case_reference: str) -> dict[str, CertificateUse]:
    """Material key → the certificate recorded for it when the application was submitted."""
    uses = CertificateUse.objects.filter(case_reference=case_reference).select_related(
        "certificate__type", "certificate__issuer", "certificate__predecessor"
    )
    return {use.material_key: use for use in uses}


def reused_material_count(case_reference: str) -> int:
    """How many materials of a case were reused from certificates (for supervision)."""
    return CertificateUse.objects.filter(case_reference=case_reference).count()


def reused_material_counts(case_references: Iterable[str]) -> dict[str, int]:
    rows = (
        CertificateUse.objects.filter(case_reference__in=list(case_references))
        .values("case_reference")
        .annotate(n=Count("id"))
    )
    return {row["case_reference"]: row["n"] for row in rows}


# --- Department reads ---------------------------------------------------------------------


def holder_by_code(code: str) -> dict[str, Any] | None:
    """The holder an ID number or credit code names, as certificate filter arguments."""
    code = code.strip().upper()
    if len(code) != 18:
        return None
    user = User.objects.filter(id_number=code).first()
    if user is not None:
        return {"holder_user": user}
    organisation = Organisation.objects.filter(credit_code=code).first()
    if organisation is not None:
        return {"holder_organisation": organisation}
    return None


@dataclass(frozen=True)
class ReuseRow:
    """A certificate material as an application page shows it: reused (recorded at
    submission, or to be reused when a draft is submitted) and verified, or why not."""

    certificate: Certificate | None
    reused: bool
    recorded: bool
    verified: bool = False
    standing: str = ""
    reason: str = ""


def reuse_for_case(
    *,
    case_reference: str,
    submitted: bool,
    materials: Iterable[tuple[str, str]],
    applicant: User,
    organisation: Organisation | None,
) -> dict[str, ReuseRow]:
    """Material key → reuse row, for the certificate materials ((key, type code) pairs) of
    one application. Verified: the certificate passes its signature check and is valid today
    (a reviewer sees a certificate revoked since submission as such)."""
    pairs = list(materials)
    if not pairs:
        return {}
    recorded = uses_for_case(case_reference) if submitted else {}
    preview = reuse_preview(materials=pairs, applicant=applicant, organisation=organisation)
    rows = {}
    for key, _code in pairs:
        use = recorded.get(key)
        if use is not None:
            now = standing(use.certificate)
            rows[key] = ReuseRow(
                certificate=use.certificate,
                reused=True,
                recorded=True,
                verified=now == Standing.VALID and signature_intact(use.certificate),
                standing=now,
            )
            continue
        status = preview[key]
        if submitted:
            reason = status.reason or _(
                "No valid e-certificate was available when the application was submitted."
            )
            rows[key] = ReuseRow(
                certificate=status.certificate, reused=False, recorded=False, reason=reason
            )
        else:
            rows[key] = ReuseRow(
                certificate=status.certificate,
                reused=status.reused,
                recorded=False,
                verified=status.reused and signature_intact(status.certificate),
                standing=status.standing,
                reason=status.reason,
            )
    return rows


# --- The person's data use log (数据使用记录) ------------------------------------------------


def access_entry_id(access: CertificateAccess) -> str:
    """The public id of one read in the data use log: derived from the row, not its sequential
    key, so that links to objections reveal nothing about other reads."""
    return salted_hmac("certificates.access-log", str(access.pk)).hexdigest()[:24]


def department_reads_log(person: Any, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The certificate library's part of a person's data use log (named in
    settings.SHARING_ACCESS_LOG_SOURCES): each read by a department system of a certificate
    the person holds, or holds for an organisation they legally represent (as the exchange's
    own reads), newest first. Entries have the attributes of sharing's AccessLogEntry."""
    if not policies.is_person(person):
        return []
    represented = [
        organisation
        for organisation, roles in identity_selectors.user_roles_by_organisation(person).items()
        if Role.LEGAL_REPRESENTATIVE in roles
    ]
    reads = (
        CertificateAccess.objects.filter(
            Q(certificate__holder_user=person)
            | Q(certificate__holder_organisation_id__in=represented)
        )
        .select_related("certificate__type", "department")
        .order_by("-at", "-id")
    )
    if limit is not None:
        reads = reads[:limit]
    channel = _("Department system (API)")
    return [
        {
            "kind": "certificate",  # sharing.constants.AccessLogKind.CERTIFICATE
            "entry_id": access_entry_id(access),
            "at": access.at,
            "reader": access.department.name,
            "what": f"{access.certificate.type.name} ({access.certificate.identifier})",
            "fields": [
                spec["label"]
                for spec in access.certificate.type.fields
                if access.certificate.data.get(spec["key"]) not in (None, "")
            ],
            "purpose": access.purpose,
            "channel": channel,
            "reference": "",
            "reader_id": access.department_id,
        }
        for access in reads
    ]
