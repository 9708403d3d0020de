"""免提交: an application's certificate materials come from the applicant's e-certificates
instead of uploads (SPEC.md §7). The certificates app records each use (CertificateUse, by
case number); this module says which materials and whose certificates."""

from dataclasses import dataclass

from cases import selectors
from cases.models import Case
from certificates import selectors as certificate_selectors
from certificates import services as certificate_services
from certificates.selectors import ReuseRow
from matters.constants import MaterialSource
from matters.models import Material


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


@dataclass(frozen=True)
class ReuseItem:
    """A certificate material of an application and what stands in for it, or why not."""

    material: Material
    status: ReuseRow


def reuse_items(case: Case) -> dict[str, ReuseItem]:
    """Material key → the application's certificate materials as its pages and the API show
    them: reused (recorded at submission, or to be when a draft is submitted) and verified,
    or why not. A 一件事 application shows its services' (each recorded under the service's
    own case); a material asked by several services appears once."""
    items: dict[str, ReuseItem] = {}
    for part in selectors.application_parts(case):
        wanted = [
            material
            for material in part.version.materials.all()
            if material.source == MaterialSource.CERTIFICATE and material.key not in items
        ]
        if not wanted:
            continue  # most services: no query at all
        rows = certificate_selectors.reuse_for_case(
            case_reference=part.number,
            submitted=part.submitted_at is not None,
            materials=[(material.key, material.certificate_type) for material in wanted],
            applicant=part.applicant,
            organisation=part.organisation,
        )
        for material in wanted:
            items[material.key] = ReuseItem(material=material, status=rows[material.key])
    return items
