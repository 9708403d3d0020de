"""免提交: an application's certificate materials come from the applicant's e-certificates
instead of uploads (SPEC.md §7). The certificates app records each use (CertificateUse, by
case number); this module says which materials and whose certificates."""

from cases.models import Case
from certificates import selectors as certificate_selectors
from certificates import services as certificate_services
from matters.constants import MaterialSource


def certificate_materials(case: Case) -> list[tuple[str, str]]:
    """(material key, certificate type code) of the materials an e-certificate can give."""
    return [
        (material.key, material.certificate_type)
        for material in case.version.materials.all()
        if material.source == MaterialSource.CERTIFICATE
    ]


def reuse_certificates(case: Case) -> set[str]:
    """At submission, in its transaction: record the holder's valid certificate for each
    certificate material and return the keys of those materials. An expired or revoked
    certificate is not used; the application page says why (certificates.selectors)."""
    materials = certificate_materials(case)
    if not materials:
        return set()
    uses = certificate_services.certificate_reuse_record(
        case_reference=case.number,
        materials=materials,
        applicant=case.applicant,
        organisation=case.organisation,
        used_by=case.agent or case.applicant,
        purpose=case.version.name,
    )
    return set(uses)


def reused_material_count(case: Case) -> int:
    """How many of the case's materials were reused from e-certificates."""
    return certificate_selectors.reused_material_count(case.number)
