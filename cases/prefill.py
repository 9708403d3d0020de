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

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import bundles, selectors, services
from cases.constants import EDITABLE_STATES, Action, CaseState
from cases.models import Case
from core.errors import ApplicationError
from identity.models import User
from matters.constants import MaterialSource
from matters.forms_runtime import ApplicationForm
from matters.models import ImplementationVersion
from sharing import selectors as sharing_selectors
from sharing import services as sharing_services
from sharing.constants import ReadChannel, SubjectKind
from sharing.services import ReadResult

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


def _read(*, case: Case, actor: User) -> list[tuple[ReadResult, _Need]]:
    """The implementing department's reads for one application (a single case or a child
    of a bundle), each logged under that case's number; resources read before are skipped."""
    needs = _needs(case.version)
    if not needs:
        return []
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
    return results


def _answers(results: list[tuple[ReadResult, _Need]], form_data: dict[str, Any]) -> dict[str, str]:
    """The answers the reads give to questions still unanswered."""
    return {
        question: str(result.data[resource_field])
        for result, need in results
        for question, resource_field in need.answers.items()
        if result.data.get(resource_field) not in (None, "") and not form_data.get(question)
    }


def _record(
    *,
    reference: str,
    results: list[tuple[ReadResult, _Need]],
    answers: dict[str, str],
    form_data: dict[str, Any],
) -> None:
    for result, need in results:
        sharing_services.application_use_record(
            reference=reference,
            result=result,
            # Only answers the form kept: one it does not accept (e.g. too long) is not stored.
            prefilled={
                question: form_data[question]
                for question in need.answers
                if question in answers and question in form_data
            },
            material_keys=need.materials,
        )


def prefill_case(*, case: Case, actor: User) -> None:
    """Fill the empty answers of a new application and attach its shared-data materials.
    Runs once per application and resource; a read that fails leaves the question to the
    applicant and the material to the department. For a 一件事 application each of its
    services' departments reads what its own service needs; the answers go into the one
    merged form."""
    if case.state not in EDITABLE_STATES:
        return
    if case.bundle_id is not None:
        _prefill_bundle(parent=case, actor=actor, children=selectors.application_parts(case))
        return
    results = _read(case=case, actor=actor)
    answers = _answers(results, case.form_data)
    if answers:
        services.case_update_form(case=case, actor=actor, form_data=answers)
        case.refresh_from_db(fields=["form_data"])
    _record(reference=case.number, results=results, answers=answers, form_data=case.form_data)


def _prefill_bundle(*, parent: Case, actor: User, children: list[Case]) -> None:
    reads = [(child, _read(case=child, actor=actor)) for child in children]
    answers: dict[str, str] = {}
    for _child, results in reads:
        for question, value in _answers(results, parent.form_data).items():
            answers.setdefault(question, value)
    if answers:
        bundles.bundle_case_update_form(case=parent, actor=actor, form_data=answers)
        parent.refresh_from_db(fields=["form_data"])
    for child, results in reads:
        _record(
            reference=child.number, results=results, answers=answers, form_data=parent.form_data
        )


def case_create_prefilled(
    *,
    version: ImplementationVersion | None = None,
    bundle_code: str = "",
    actor: User,
    submit: bool = False,
    **options: Any,
) -> Case:
    """Start an application for a service (`version`) or a 一件事 bundle (`bundle_code`),
    filled in from shared data, and submit it when asked: the web's start pages and
    POST /api/v1/cases/ alike. As before pre-filling: a service's draft is kept when its
    submission finds something missing; a bundle submitted at once is all or nothing (its
    reads roll back with it, having shown their data to no one)."""
    if version is not None:
        case = services.case_create(version=version, actor=actor, **options)
        prefill_case(case=case, actor=actor)
        if submit and case.state == CaseState.DRAFT:
            case = services.case_transition(case=case, action=Action.SUBMIT, actor=actor)
        return case
    with transaction.atomic():
        case = bundles.bundle_case_create(bundle_code=bundle_code, actor=actor, **options)
        prefill_case(case=case, actor=actor)
        if submit and case.state == CaseState.DRAFT:
            case = bundles.bundle_case_submit(case=case, actor=actor)
    return case


def _uses(case: Case) -> list[Any]:
    """The application's uses of shared data, read once per case object."""
    if not hasattr(case, "_sharing_uses"):
        # Services that use no shared data cost no query (their rows are prefetched); a
        # 一件事 application's uses are its services' (each read by its own department).
        case._sharing_uses = [
            use
            for part in selectors.application_parts(case)
            if _needs(part.version)
            for use in sharing_selectors.application_uses(part.number)
        ]
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
