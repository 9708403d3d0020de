"""What the platform signs about a certificate (certificates.signing does the signing).

Two signatures: the data, when the certificate is issued, and the PDF's SHA-256, when the PDF
is rendered after commit. Changing any signed column, the stored file or its recorded hash
makes verification fail. The state (revoked, replaced) is not signed: it changes by design,
and each change is in the audit trail.
"""

from typing import Any

from certificates.models import Certificate


def data_payload(certificate: Certificate) -> dict[str, Any]:
    return {
        "identifier": certificate.identifier,
        "type": certificate.type.code,
        "version": certificate.version,
        "replaces": certificate.predecessor.identifier if certificate.predecessor_id else None,
        "holder_kind": "person" if certificate.holder_user_id else "organisation",
        "holder_name": certificate.holder_name,
        "holder_code": certificate.holder_code,
        "issuer_name": certificate.issuer_name,
        "issuer_code": certificate.issuer_code,
        "region_code": certificate.region_code,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
        "verify_code": certificate.verify_code,
        "short_code": certificate.short_code,
        "data": certificate.data,
    }


def pdf_payload(certificate: Certificate) -> dict[str, Any]:
    return {"identifier": certificate.identifier, "pdf_sha256": certificate.pdf_sha256}
