"""Shared data in applications (让数据多跑路): answers pre-filled and materials obtained from
the data sharing exchange instead of typed again or uploaded.

When an application is started, the implementing department reads, about the applicant (or
the organisation applying), the resources named by the form's questions
(`FormField.prefill` = "resource.field") and by its shared-data materials
(`Material.shared_resource`): only what the department may read (its own resources, or the
fields of a live grant), once per application and resource. Each read is logged with the
purpose "办件预填 <case number>" and shows in the applicant's data use log. Nothing is read for
an agent applying on someone's behalf: the data is the principal's.

Pre-filled answers stay ordinary answers the applicant can correct; the form marks those
still as fetched with the department they came from. Materials obtained this way need no
upload (they are not `must_be_uploaded`) and count toward the materials-reduction figure.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services
from cases.constants import EDITABLE_STATES
from cases.models import Case
from core.errors import ApplicationError
from identity.models import User
from matters.constants import MaterialSource
from matters.forms_runtime import ApplicationForm
from matters.models import ImplementationVersion
from sharing import selectors as sharing_selectors
from sharing import services as sharing_services
from sharing.constants import ReadChannel, SubjectKind

PREFILL_PURPOSE = "办件预填 {number}"
MATERIAL_PURPOSE = "办件材料共享 {number}"


@dataclass
class _Need:
    """What one application wants from one resource."""

    answers: dict[str, str] = field(default_factory=dict)  # question key → resource field
    materials: list[str] = field(default_factory=list)


def _needs(version: ImplementationVersion) -> dict[str, _Need]:
    needs: dict[str, _Need] = {}
    for question in version.form_fields.all():
        code, dot, resource_field = question.prefill.partition(".")
        if dot:
            needs.setdefault(code, _Need()).answers[question.key] = resource_field
    for material in version.materials.all():
        if material.source == MaterialSource.SHARED_DATA and material.shared_resource:
            needs.setdefault(material.shared_resource, _Need()).materials.append(material.key)
    return needs


def _subject(case: Case, actor: User, subject_kind: str) -> str:
    if subject_kind == SubjectKind.ORGANISATION:
        return case.organisation.credit_code if case.organisation_id else ""
    return case.applicant.id_number if case.applicant_id == actor.pk else ""


def prefill_case(*, case: Case, actor: User) -> None:
    """Fill the empty answers of a new application and attach its shared-data materials.
    Runs once per application and resource; a read that fails leaves the question to the
    applicant and the material to the department."""
    if case.state not in EDITABLE_STATES:
        return
    needs = _needs(case.version)
    done = {use.resource.code for use in sharing_selectors.application_uses(case.number)}
    usable = sharing_selectors.usable_grants(
        consumer=case.department,
        resource_codes=[code for code in needs if code not in done],
        today=timezone.localdate(),
    )
    results = []
    for code, (resource, granted) in usable.items():
        need = needs[code]
        subject = _subject(case, actor, resource.subject_kind)
        # A material is the whole record the department may read; answers, their fields.
        wanted = (
            granted if need.materials else [key for key in granted if key in need.answers.values()]
        )
        if not subject or not wanted:
            continue
        try:
            result = sharing_services.data_read(
                consumer=case.department,
                resource_code=code,
                subject=subject,
                purpose=(MATERIAL_PURPOSE if need.materials else PREFILL_PURPOSE).format(
                    number=case.number
                ),
                fields=wanted,
                channel=ReadChannel.MATERIAL if need.materials else ReadChannel.PREFILL,
                actor=actor,
                reference=case.number,
            )
        except ApplicationError:
            continue
        results.append((result, need))

    answers = {
        question: str(result.data[resource_field])
        for result, need in results
        for question, resource_field in need.answers.items()
        if result.data.get(resource_field) not in (None, "") and not case.form_data.get(question)
    }
    if answers:
        # Answers the question does not accept (e.g. too long) are not stored.
        services.case_update_form(case=case, actor=actor, form_data=answers)
        case.refresh_from_db(fields=["form_data"])
    for result, need in results:
        sharing_services.application_use_record(
            reference=case.number,
            result=result,
            prefilled={
                question: case.form_data[question]
                for question in need.answers
                if question in answers and question in case.form_data
            },
            material_keys=need.materials,
        )


def _uses(case: Case) -> list[Any]:
    """The application's uses of shared data, read once per case object."""
    if not hasattr(case, "_sharing_uses"):
        # Services that use no shared data cost no query (their rows are prefetched).
        case._sharing_uses = (
            sharing_selectors.application_uses(case.number) if _needs(case.version) else []
        )
    return case._sharing_uses


@dataclass(frozen=True)
class SharedMaterial:
    provider: str
    resource: str
    obtained_at: datetime
    data: dict[str, Any]


def shared_materials(case: Case) -> dict[str, SharedMaterial]:
    """The application's materials obtained by data sharing, by material key."""
    found = {}
    for use in _uses(case):
        labels = dict(zip(use.resource.field_keys, use.resource.field_labels(), strict=True))
        for key in use.material_keys:
            found[key] = SharedMaterial(
                provider=use.resource.provider.name,
                resource=use.resource.name,
                obtained_at=use.obtained_at,
                data={labels.get(name, name): value for name, value in use.data.items()},
            )
    return found


def prefill_marks(case: Case) -> dict[str, str]:
    """Question key → providing department, for answers still as they were fetched."""
    marks = {}
    for use in _uses(case):
        for question, value in use.prefilled.items():
            if case.form_data.get(question) == value:
                marks[question] = use.resource.provider.name
    return marks


def mark_form(form: ApplicationForm, case: Case) -> None:
    """Say on each pre-filled question where its answer came from (in its help text, so
    screen readers announce it with the question)."""
    for question, provider in prefill_marks(case).items():
        if question in form.fields:
            note = _("From %(provider)s (shared government data); correct it if it is wrong.") % {
                "provider": provider
            }
            current = form.fields[question].help_text
            form.fields[question].help_text = f"{current} {note}" if current else note


def materials_obtained_by_sharing(case: Case) -> list[str]:
    """The keys of the application's materials obtained by sharing (materials reduction)."""
    return sorted(shared_materials(case))
