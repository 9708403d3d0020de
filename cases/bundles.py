"""Applying for a bundle (一件事一次办): one merged form and one set of materials, filed as a
parent case with one child case per implementation of the bundle.

How a bundle application is kept:
- The **parent** has `bundle` set and holds the merged answers (`form_data`) and the one
  material set (its `CaseMaterial` rows). Its `version` and `department` are those of the
  bundle's first item (bundle order): that department is the lead department (牵头部门), and
  the parent's number is reserved in its region. Its own fees are 0: fees are due per child.
- Each **child** has `parent` set (and no `bundle`) and is an ordinary case of one
  implementation version for that implementation's department, with its own number, the
  merged answers restricted to its version's questions and, once submitted, its own copy of
  each material its version asks for. Children are listed beside the parent in "my cases":
  each is a real case with its own state, department, deadline and next step.
- While the application is a draft the applicant changes it through the parent only
  (`bundle_case_update_form`, `bundle_material_attach`); `bundle_case_submit` checks
  everything at once (一次性告知), copies the answers and the materials into the children
  (each child gets its own stored file, so a later correction of one child cannot touch its
  siblings' files) and submits every child through `case_transition`, then the parent.
"""

import os
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.constants import Action, CaseState, Channel, Party
from cases.errors import CaseIncomplete, CaseNotEditable, TransitionImpossible
from cases.models import Case, CaseEvent, CaseMaterial
from cases.services import (
    applicant_for,
    case_transition,
    form_errors,
    reserve_case_number,
    store_material,
)
from cases.uploads import UploadInfo, inspect_upload, storage_name
from core.errors import NotFound, ValidationFailed
from identity.models import Organisation, User
from identity.services import audit_record
from matters import selectors as matter_selectors
from matters.forms_runtime import clean_form_data
from matters.models import Bundle, FormField, ImplementationVersion, Material
from matters.selectors import MergedBundle

MSG_NO_BUNDLE = _("No published bundle has this code.")
MSG_MEMBER_UNAVAILABLE = _(
    "One of the services of this bundle cannot be applied for at the moment; "
    "please try again later or apply for the services one by one."
)
MSG_NOT_A_BUNDLE = _("This case is not a bundle application.")
MSG_MATERIAL_NOT_ASKED = _("This bundle does not ask for this material.")
MSG_MATERIAL_MISSING = _("Please provide this material: %(name)s.")


def _clean_bundle_form(
    *,
    versions: list[ImplementationVersion],
    merged_fields: list[FormField],
    data: dict[str, Any],
    complete: bool,
) -> tuple[dict[str, Any], dict[int, dict[str, Any]], dict[str, list[str]]]:
    """The answers of a merged form checked against the merged questions and against each
    version's own questions (a key shared by two services may be stricter in the second).
    Returns (merged answers, answers per version id, errors by question key); an answer
    refused by any of them is left out everywhere."""
    merged, errors = clean_form_data(fields=merged_fields, data=data, complete=complete)
    per_version: dict[int, dict[str, Any]] = {}
    for version in versions:
        fields = list(version.form_fields.all())
        keys = {form_field.key for form_field in fields}
        own = {key: value for key, value in data.items() if key in keys}
        cleaned, own_errors = clean_form_data(fields=fields, data=own, complete=complete)
        for key, messages in own_errors.items():
            errors.setdefault(key, messages)
        per_version[version.pk] = cleaned
    for key in errors:
        merged.pop(key, None)
        for cleaned in per_version.values():
            cleaned.pop(key, None)
    return merged, per_version, errors


def _published_members(bundle_code: str) -> tuple[Bundle, MergedBundle]:
    """The published bundle and its merged form, or a 400 on "bundle"."""
    bundle = matter_selectors.bundle_published(bundle_code)
    if bundle is None:
        raise ValidationFailed(MSG_NO_BUNDLE, field="bundle")
    merged = matter_selectors.bundle_merged(bundle)
    # Every service of the event or none: a bundle missing one is not what was promised.
    if not merged.versions or len(merged.versions) != len(bundle.items.all()):
        raise ValidationFailed(MSG_MEMBER_UNAVAILABLE, field="bundle")
    return bundle, merged


def bundle_case_create(
    *,
    bundle_code: str,
    actor: User,
    form_data: dict[str, Any],
    channel: str = Channel.ONLINE,
    on_behalf_of: User | None = None,
    organisation: Organisation | None = None,
    idempotency_key: str = "",
) -> Case:
    """Start a bundle application: the parent case and one child per service of the bundle,
    all in one transaction. An agent needs an authorisation covering every service of the
    bundle. The same idempotency key from the same person returns the parent made the first
    time (cases.prefill.case_create_prefilled also submits it, all or nothing)."""
    if idempotency_key:
        existing = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    bundle, merged = _published_members(bundle_code)
    parties = [
        applicant_for(
            actor=actor, version=version, on_behalf_of=on_behalf_of, organisation=organisation
        )
        for version in merged.versions
    ]
    answers, per_version, errors = _clean_bundle_form(
        versions=merged.versions, merged_fields=merged.fields, data=form_data, complete=False
    )
    if errors:
        raise ValidationFailed(errors=form_errors(errors))
    today = timezone.localdate()
    lead = merged.versions[0]
    try:
        with transaction.atomic():
            parent = Case.objects.create(
                number=reserve_case_number(region_code=lead.implementation.region.code, day=today),
                version=lead,
                department=lead.implementation.department,
                region=lead.implementation.region,
                channel=channel,
                created_by=actor,
                idempotency_key=idempotency_key,
                form_data=answers,
                bundle=bundle,
                **parties[0],
            )
            children = [
                Case.objects.create(
                    number=reserve_case_number(
                        region_code=version.implementation.region.code, day=today
                    ),
                    version=version,
                    department=version.implementation.department,
                    region=version.implementation.region,
                    channel=channel,
                    created_by=actor,
                    form_data=per_version[version.pk],
                    parent=parent,
                    fees_due=sum((fee.amount for fee in version.fees.all()), start=0),
                    **version_parties,
                )
                for version, version_parties in zip(merged.versions, parties, strict=True)
            ]
            for child in children:
                audit_record(
                    action="cases.create",
                    actor=actor,
                    target=child,
                    detail={"number": child.number, "version": child.version_id},
                )
            audit_record(
                action="cases.create",
                actor=actor,
                target=parent,
                detail={
                    "number": parent.number,
                    "bundle": bundle.code,
                    "children": [child.number for child in children],
                },
            )
    except IntegrityError:
        # A concurrent retry with the same key won: answer with its parent.
        if not idempotency_key:
            raise
        existing = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return parent


def _locked_bundle(*, case: Case, actor: User) -> tuple[Case, list[Case]]:
    """The parent and its children, locked in primary-key order (parent first: it is the
    older row), after checking the actor applies for it."""
    parent = Case.objects.select_for_update().get(pk=case.pk)
    if Party.APPLICANT not in policies.case_parties(actor, parent):
        raise NotFound()
    if parent.bundle_id is None:
        raise ValidationFailed(MSG_NOT_A_BUNDLE, field="case")
    children = list(
        Case.objects.select_for_update()
        .filter(parent=parent)
        .select_related("version")
        .prefetch_related("version__form_fields", "version__materials")
        .order_by("pk")
    )
    return parent, children


def _asked_materials(children: list[Case]) -> dict[str, Material]:
    """Every material the children's versions ask for, by key (the first one asking wins)."""
    asked: dict[str, Material] = {}
    for child in children:
        for material in child.version.materials.all():
            asked.setdefault(material.key, material)
    return asked


def bundle_case_update_form(
    *, case: Case, actor: User, form_data: dict[str, Any]
) -> dict[str, list]:
    """Save answers of a bundle draft (暂存) on the parent and in each child asking them.
    Every valid answer is kept; the invalid ones are returned as errors and not stored."""
    with transaction.atomic():
        parent, children = _locked_bundle(case=case, actor=actor)
        if parent.state != CaseState.DRAFT:
            raise CaseNotEditable()
        versions = [child.version for child in children]
        fields: dict[str, FormField] = {}
        for version in versions:
            for form_field in version.form_fields.all():
                fields.setdefault(form_field.key, form_field)
        answers, per_version, errors = _clean_bundle_form(
            versions=versions, merged_fields=list(fields.values()), data=form_data, complete=False
        )
        parent.form_data = {**parent.form_data, **answers}
        parent.save(update_fields=["form_data", "updated_at"])
        for child in children:
            child.form_data = {**child.form_data, **per_version[child.version_id]}
            child.save(update_fields=["form_data", "updated_at"])
    return form_errors(errors)


def bundle_material_attach(
    *, case: Case, actor: User, material_key: str, file: IO[bytes], name: str
) -> CaseMaterial:
    """Attach the file for one material of a bundle draft to the parent (one material set
    for the whole bundle), replacing an earlier file for the same material."""
    info = inspect_upload(file=file, name=name)
    with transaction.atomic():
        parent, children = _locked_bundle(case=case, actor=actor)
        if parent.state != CaseState.DRAFT:
            raise CaseNotEditable()
        if material_key not in _asked_materials(children):
            raise ValidationFailed(MSG_MATERIAL_NOT_ASKED, field="material")
        material = store_material(
            case=parent, actor=actor, material_key=material_key, file=file, info=info
        )
    return material


def _bundle_missing(*, parent: Case, children: list[Case], given: set[str]) -> dict[str, list[Any]]:
    """Everything still missing for any child, all at once (一次性告知): each child's own
    questions answered from the merged answers, each material any child needs."""
    missing: dict[str, list[Any]] = {}
    for child in children:
        fields = list(child.version.form_fields.all())
        keys = {form_field.key for form_field in fields}
        own = {key: value for key, value in parent.form_data.items() if key in keys}
        _cleaned, errors = clean_form_data(fields=fields, data=own, complete=True)
        for key, messages in form_errors(errors).items():
            missing.setdefault(key, messages)
    for child in children:
        for material in child.version.materials.all():
            key = f"materials.{material.key}"
            if material.must_be_uploaded and material.key not in given and key not in missing:
                missing[key] = [MSG_MATERIAL_MISSING % {"name": material.name}]
    return missing


def _copy_material(*, source: CaseMaterial, child: Case, existing: CaseMaterial | None) -> None:
    """Give the child its own stored copy of the parent's file for one material."""
    material = existing or CaseMaterial(case=child, material_key=source.material_key)
    previous_file = existing.file.name if existing else None
    extension = os.path.splitext(source.file.name)[1]
    info = UploadInfo(
        kind="",
        content_type=source.content_type,
        extension=extension,
        size=source.size,
        sha256=source.sha256,
        original_name=source.original_name,
    )
    with source.file.open("rb") as content:
        material.file.save(storage_name(info=info, prefix="cases"), content, save=False)
    material.original_name = source.original_name
    material.content_type = source.content_type
    material.size = source.size
    material.sha256 = source.sha256
    material.uploaded_by = source.uploaded_by
    material.uploaded_at = source.uploaded_at
    material.save()
    if previous_file:
        storage = material.file.storage
        transaction.on_commit(lambda: storage.delete(previous_file))


def bundle_case_submit(*, case: Case, actor: User) -> Case:
    """Submit a bundle draft: check everything at once, give each child the answers and the
    materials it asks for, submit every child through `case_transition` (each with its own
    event and notice), then mark the parent submitted with an event of its own."""
    with transaction.atomic():
        parent, children = _locked_bundle(case=case, actor=actor)
        if parent.state != CaseState.DRAFT:
            raise TransitionImpossible(
                _("This case is “%(state)s”: “%(action)s” is not possible now.")
                % {"state": parent.get_state_display(), "action": Action.SUBMIT.label}
            )
        materials = {m.material_key: m for m in parent.materials.select_related("uploaded_by")}
        missing = _bundle_missing(parent=parent, children=children, given=set(materials))
        if missing:
            raise CaseIncomplete(errors=missing)
        # The parent's answers span several services, so it does not go through the
        # one-version completeness check of case_transition; its children do, below. The
        # parent leaves the draft state first: children of a draft bundle cannot be submitted.
        now = timezone.now()
        parent.state, parent.submitted_at = CaseState.SUBMITTED, now
        parent.save(update_fields=["state", "submitted_at", "updated_at"])
        CaseEvent.objects.create(
            case=parent,
            actor=actor,
            action=Action.SUBMIT,
            from_state=CaseState.DRAFT,
            to_state=CaseState.SUBMITTED,
            at=now,
            payload={"children": [child.number for child in children]},
        )
        for child in children:
            keys = {form_field.key for form_field in child.version.form_fields.all()}
            child.form_data = {k: v for k, v in parent.form_data.items() if k in keys}
            child.save(update_fields=["form_data", "updated_at"])
            own = {m.material_key: m for m in child.materials.all()}
            for material in child.version.materials.all():
                if material.key in materials:
                    _copy_material(
                        source=materials[material.key], child=child, existing=own.get(material.key)
                    )
            case_transition(
                case=child, action=Action.SUBMIT, actor=actor, payload={"bundle": parent.number}
            )
        audit_record(
            action=f"cases.{Action.SUBMIT.value}",
            actor=actor,
            target=parent,
            detail={"number": parent.number, "from": CaseState.DRAFT, "to": CaseState.SUBMITTED},
        )
    return parent
