"""Writes of the catalogue: implementations and their versions, publishing, bundles."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.errors import ValidationFailed
from identity.models import Organisation, Region, User
from identity.services import audit_record
from matters.constants import VersionStatus
from matters.errors import VersionNotDraft, VersionNotEditable, VersionNotPublished
from matters.models import (
    FeeItem,
    FormField,
    Implementation,
    ImplementationVersion,
    Material,
    Matter,
)


def name_initials(name: str) -> str:
    """企业设立登记 → qysldj: what people type when they search by pinyin initials."""
    # Imported here: pypinyin's dictionaries cost ~55 MB, needed only when the catalogue changes.
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(part for part in letters if part.isascii() and part.isalnum()).lower()


def search_text(*, name: str, code: str) -> str:
    return f"{name} {name_initials(name)} {code}".lower()


def _validated(
    instance: Any, *, exclude: list[str] | None = None, constraints: bool = True
) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=constraints)
    except ValidationError as error:
        raise ValidationFailed(errors=error.message_dict) from None


def implementation_create(
    *,
    matter: Matter,
    region: Region,
    department: Organisation,
    suffix: str = "1-00",
    actor: User | None = None,
    **version_fields: Any,
) -> ImplementationVersion:
    """Create an implementation with its first version, as a draft."""
    implementation = Implementation(
        matter=matter, region=region, department=department, suffix=suffix
    )
    implementation.code = Implementation.build_code(
        basic_code=matter.basic_code,
        region_code=region.code,
        credit_code=department.credit_code,
        suffix=suffix,
    )
    # The code is derived from validated parts: report errors on the parts, not on the code.
    _validated(implementation, exclude=["code"])
    version_fields.setdefault("name", matter.name)
    version = ImplementationVersion(
        implementation=implementation, number=1, created_by=actor, **version_fields
    )
    # A version's check constraints repeat its clean() rules (one query each otherwise).
    _validated(version, exclude=["implementation"], constraints=False)
    with transaction.atomic():
        implementation.save()
        version.implementation = implementation
        version.search_text = search_text(name=version.name, code=implementation.code)
        version.save()
        audit_record(
            action="matters.implementation_create",
            actor=actor,
            target=implementation,
            detail={"code": implementation.code},
        )
    return version


def version_update(
    *, version: ImplementationVersion, actor: User | None = None, **fields: Any
) -> ImplementationVersion:
    """Change a draft version's elements; published and retired versions are frozen."""
    with transaction.atomic():
        # Read under lock: an object loaded earlier may have been published since.
        _lock_draft(version)
        for name, value in fields.items():
            setattr(version, name, value)
        _validated(version, constraints=False)
        version.search_text = search_text(name=version.name, code=version.implementation.code)
        version.save()
        audit_record(
            action="matters.version_update",
            actor=actor,
            target=version,
            detail={"fields": sorted(fields)},
        )
    return version


def version_draft_from(
    *, version: ImplementationVersion, actor: User | None = None, change_note: str = ""
) -> ImplementationVersion:
    """Start editing: copy a version (with materials, fees and form fields) into a new draft.

    An existing draft of the same implementation is returned instead of making a second one.
    """
    with transaction.atomic():
        implementation = Implementation.objects.select_for_update().get(
            pk=version.implementation_id
        )
        existing = implementation.versions.filter(status=VersionStatus.DRAFT).first()
        if existing is not None:
            return existing
        number = (implementation.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        source_pk = version.pk
        draft = ImplementationVersion.objects.get(pk=source_pk)
        draft.pk = None
        draft.id = None
        draft._state.adding = True
        draft.number = number
        draft.status = VersionStatus.DRAFT
        draft.published_at = draft.retired_at = None
        draft.created_by = actor
        draft.change_note = change_note
        draft.save()
        for model in (Material, FeeItem, FormField):
            copies = []
            for child in model.objects.filter(version_id=source_pk).order_by("pk"):
                child.pk = None
                child.id = None
                child.version = draft
                copies.append(child)
            model.objects.bulk_create(copies)
        audit_record(
            action="matters.version_draft",
            actor=actor,
            target=draft,
            detail={"implementation": implementation.code, "number": number},
        )
    return draft


def version_publish(
    *, version: ImplementationVersion, actor: User | None = None
) -> ImplementationVersion:
    """Publish a draft; the version published before it is retired in the same step."""
    with transaction.atomic():
        Implementation.objects.select_for_update().get(pk=version.implementation_id)
        version = ImplementationVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != VersionStatus.DRAFT:
            raise VersionNotDraft()
        _validated(version, constraints=False)
        now = timezone.now()
        previous = ImplementationVersion.objects.filter(
            implementation_id=version.implementation_id, status=VersionStatus.PUBLISHED
        )
        retired = [p.number for p in previous]
        previous.update(status=VersionStatus.RETIRED, retired_at=now, updated_at=now)
        version.status = VersionStatus.PUBLISHED
        version.published_at = now
        version.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            action="matters.version_publish",
            actor=actor,
            target=version,
            detail={"number": version.number, "retired": retired},
        )
    return version


def version_retire(
    *, version: ImplementationVersion, actor: User | None = None
) -> ImplementationVersion:
    """Withdraw a published version: the implementation is no longer offered."""
    with transaction.atomic():
        version = ImplementationVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != VersionStatus.PUBLISHED:
            raise VersionNotPublished()
        version.status = VersionStatus.RETIRED
        version.retired_at = timezone.now()
        version.save(update_fields=["status", "retired_at", "updated_at"])
        audit_record(action="matters.version_retire", actor=actor, target=version)
    return version


def _lock_draft(version: ImplementationVersion) -> None:
    """Refuse unless the version is still a draft, read under lock."""
    status = (
        ImplementationVersion.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=version.pk)
    )
    if status != VersionStatus.DRAFT:
        raise VersionNotEditable()


def version_set_materials(
    *,
    version: ImplementationVersion,
    materials: Sequence[dict[str, Any]],
    actor: User | None = None,
) -> None:
    """Make a draft's materials exactly these, in this order. A material whose key stays keeps
    its row (and so its blank form and sample files)."""
    with transaction.atomic():
        _lock_draft(version)
        existing = {m.key: m for m in Material.objects.filter(version=version)}
        for order, fields in enumerate(materials, start=1):
            material = existing.pop(fields["key"], None) or Material(version=version)
            for name, value in fields.items():
                setattr(material, name, value)
            material.order = order
            try:
                material.full_clean(exclude=["version"])
            except ValidationError as error:
                raise ValidationFailed(errors=error.message_dict) from None
            material.save()
        Material.objects.filter(pk__in=[m.pk for m in existing.values()]).delete()
        audit_record(
            action="matters.version_materials_set",
            actor=actor,
            target=version,
            detail={"keys": [fields["key"] for fields in materials]},
        )


def version_set_fees(
    *, version: ImplementationVersion, fees: Sequence[dict[str, Any]], actor: User | None = None
) -> None:
    """Make a draft's fee items exactly these, in this order."""
    with transaction.atomic():
        _lock_draft(version)
        items = [FeeItem(version=version, **fields) for fields in fees]
        for item in items:
            try:
                item.full_clean(exclude=["version"])
            except ValidationError as error:
                raise ValidationFailed(errors=error.message_dict) from None
        FeeItem.objects.filter(version=version).delete()
        FeeItem.objects.bulk_create(items)
        audit_record(
            action="matters.version_fees_set",
            actor=actor,
            target=version,
            detail={"fees": [f"{item.name} {item.amount}" for item in items]},
        )


def matter_create(
    *,
    basic_code: str,
    name: str,
    matter_type: str,
    sector: str,
    audience: str,
    actor: User | None = None,
) -> Matter:
    """Add an item of the basic catalogue."""
    matter = Matter(
        basic_code=basic_code, name=name, matter_type=matter_type, sector=sector, audience=audience
    )
    try:
        matter.full_clean()
    except ValidationError as error:
        raise ValidationFailed(errors=error.message_dict) from None
    with transaction.atomic():
        matter.save()
        audit_record(
            action="matters.matter_create",
            actor=actor,
            target=matter,
            detail={"basic_code": basic_code},
        )
    return matter
