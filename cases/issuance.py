"""Approval issues the certificate the service's result names (SPEC.md §7): called by
`services.case_transition` inside the approval's transaction, so the case and its certificate
commit together; the PDF follows on commit (certificates.tasks)."""

import logging
from typing import Any

from cases.models import Case
from certificates import selectors as certificate_selectors
from certificates import services as certificate_services
from certificates.constants import AuditAction
from certificates.models import Certificate
from identity.constants import Role
from identity.models import Membership, User
from identity.services import audit_record

logger = logging.getLogger(__name__)


def _holder_data(case: Case) -> dict[str, Any]:
    """What the platform knows of the holder, for the fields a form does not ask (e.g.
    法定代表人 on a 营业执照): the organisation's name and legal representative, or the
    applicant's name. Keys are the catalogue's shared field keys."""
    if case.organisation_id is None:
        return {"applicant_name": case.applicant.name}
    data = {"company_name": case.organisation.name}
    representative = (
        Membership.objects.filter(
            organisation_id=case.organisation_id,
            role=Role.LEGAL_REPRESENTATIVE,
            is_active=True,
        )
        .select_related("user")
        .first()
    )
    if representative is not None:
        data["legal_rep_name"] = representative.user.name
    return data


def certificate_data(case: Case) -> dict[str, Any]:
    """What the certificate says: the answers of the application (over what the platform
    knows of the holder) and the decision."""
    answers = {key: value for key, value in case.form_data.items() if value not in (None, "")}
    data: dict[str, Any] = {**_holder_data(case), **answers}
    if case.decision_number:
        data["decision_number"] = case.decision_number
    return data


def issue_certificate_for(case: Case, actor: User) -> Certificate | None:
    """The certificate of an approved case, held by the applying organisation if there is
    one, else by the applicant, issued by the department that decided it. None when the
    service issues no certificate, or names a type the library does not know (logged and
    audited: the catalogue needs fixing, the approval stands)."""
    code = case.version.result_certificate_type
    if not code:
        return None
    if certificate_selectors.certificate_type(code) is None:
        logger.warning("case %s: unknown certificate type %r, none issued", case.number, code)
        audit_record(
            action=AuditAction.ISSUE_SKIPPED,
            actor=actor,
            target=case,
            detail={"number": case.number, "type": code},
        )
        return None
    holder: dict[str, Any] = (
        {"holder_organisation": case.organisation}
        if case.organisation_id is not None
        else {"holder_user": case.applicant}
    )
    return certificate_services.certificate_issue(
        type_code=code,
        issuer=case.department,
        data=certificate_data(case),
        source_reference=case.number,
        actor=actor,
        **holder,
    )
