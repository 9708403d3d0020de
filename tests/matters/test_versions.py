"""Versioning of implementations: draft → published → retired, and the integrity rules."""

import pytest

from core.errors import ValidationFailed
from identity.models import AuditEvent
from matters import selectors, services
from matters.constants import HandlingKind, OnlineDepth, VersionStatus
from matters.errors import VersionNotDraft, VersionNotEditable, VersionNotPublished
from matters.models import Implementation, ImplementationVersion
from tests.factories.identity import DepartmentFactory, RegionFactory
from tests.factories.matters import (
    FeeItemFactory,
    FormFieldFactory,
    MaterialFactory,
    MatterFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

ELEMENTS = {
    "legal_basis": "《中华人民共和国市场主体登记管理条例》",
    "conditions": "申请人具有完全民事行为能力。",
    "handling_kind": HandlingKind.PROMISED,
    "statutory_limit_days": 15,
    "promised_limit_days": 1,
    "visits_required": 0,
    "online_depth": OnlineDepth.FULLY_ONLINE,
    "window_category": "commercial",
    "contact_phone": "0717-6251234",
    "hall_address": "宜昌市政务服务中心",
    "hall_hours": "工作日 9:00-17:00",
}


@pytest.fixture
def parts():
    matter = MatterFactory(basic_code="000102001000", name="企业设立登记")
    region = RegionFactory()
    department = DepartmentFactory(
        credit_code="11420500MB0000006G", region=region, sector=matter.sector
    )
    return {"matter": matter, "region": region, "department": department}


def test_a_new_implementation_gets_its_code_from_its_parts_and_starts_as_a_draft(parts):
    version = services.implementation_create(**parts, **ELEMENTS)

    assert version.implementation.code == ("000102001000-420500000000-000-11420500MB0000006G-1-00")
    assert (version.number, version.status, version.name) == (
        1,
        VersionStatus.DRAFT,
        "企业设立登记",
    )
    assert version.search_text == (
        "企业设立登记 qysldj 000102001000-420500000000-000-11420500mb0000006g-1-00"
    )
    assert selectors.published_version(version.implementation.code) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"promised_limit_days": 20}, "promised_limit_days"),
        ({"online_depth": OnlineDepth.FULLY_ONLINE, "visits_required": 1}, "visits_required"),
        (
            {"handling_kind": HandlingKind.IMMEDIATE, "promised_limit_days": 1},
            "promised_limit_days",
        ),
        ({"online_depth": 5}, "online_depth"),
        ({"visits_required": 3}, "visits_required"),
    ],
)
def test_integrity_rules_refuse_the_implementation_and_write_nothing(parts, changes, field):
    with pytest.raises(ValidationFailed) as raised:
        services.implementation_create(**parts, **{**ELEMENTS, **changes})

    assert field in raised.value.errors
    assert not Implementation.objects.exists()
    assert not ImplementationVersion.objects.exists()


def test_a_malformed_suffix_is_refused(parts):
    with pytest.raises(ValidationFailed) as raised:
        services.implementation_create(**parts, suffix="100", **ELEMENTS)

    assert list(raised.value.errors) == ["suffix"]
    assert not Implementation.objects.exists()


def test_a_department_of_another_line_cannot_implement_the_matter(parts):
    parts["department"].sector = "public_security"
    parts["department"].save()

    with pytest.raises(ValidationFailed) as raised:
        services.implementation_create(**parts, **ELEMENTS)

    assert list(raised.value.errors) == ["department"]


def test_the_same_implementation_cannot_be_created_twice(parts):
    services.implementation_create(**parts, **ELEMENTS)

    with pytest.raises(ValidationFailed):
        services.implementation_create(**parts, **ELEMENTS)

    assert Implementation.objects.count() == 1


def test_publishing_a_new_version_retires_the_previous_one_and_keeps_history():
    first = VersionFactory(number=1)
    MaterialFactory(version=first, key="id_card")
    FeeItemFactory(version=first)
    FormFieldFactory(version=first, key="applicant_name")

    draft = services.version_draft_from(version=first, change_note="缩短承诺时限")
    services.version_update(version=draft, promised_limit_days=2)
    services.version_publish(version=draft)

    first.refresh_from_db()
    history = list(selectors.version_history(first.implementation))
    assert [(v.number, v.status) for v in history] == [
        (2, VersionStatus.PUBLISHED),
        (1, VersionStatus.RETIRED),
    ]
    assert first.retired_at is not None
    assert first.promised_limit_days == 5
    published = selectors.published_version(first.implementation.code)
    assert (published.number, published.promised_limit_days) == (2, 2)
    assert [m.key for m in published.materials.all()] == ["id_card"]
    assert [f.key for f in published.form_fields.all()] == ["applicant_name"]
    assert published.fees.count() == 1
    assert first.materials.count() == 1  # the retired version keeps its own materials


def test_a_published_version_cannot_be_edited():
    version = VersionFactory()

    with pytest.raises(VersionNotEditable):
        services.version_update(version=version, promised_limit_days=1)

    version.refresh_from_db()
    assert version.promised_limit_days == 5


def test_a_stale_object_cannot_edit_a_version_published_meanwhile():
    draft = VersionFactory(status=VersionStatus.DRAFT, published_at=None)
    stale = ImplementationVersion.objects.get(pk=draft.pk)
    services.version_publish(version=draft)

    with pytest.raises(VersionNotEditable):
        services.version_update(version=stale, promised_limit_days=1)


def test_editing_again_returns_the_existing_draft():
    version = VersionFactory()

    first = services.version_draft_from(version=version)
    second = services.version_draft_from(version=version)

    assert first.pk == second.pk
    assert version.implementation.versions.count() == 2


def test_only_a_draft_can_be_published_and_only_a_published_one_retired():
    version = VersionFactory()

    with pytest.raises(VersionNotDraft):
        services.version_publish(version=version)
    services.version_retire(version=version)
    with pytest.raises(VersionNotPublished):
        services.version_retire(version=version)

    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    assert selectors.published_version(version.implementation.code) is None


def test_publishing_is_audited():
    draft = VersionFactory(status=VersionStatus.DRAFT, published_at=None)

    services.version_publish(version=draft)

    event = AuditEvent.objects.get(action="matters.version_publish")
    assert event.detail == {"number": 1, "retired": []}


def test_the_database_refuses_a_promised_limit_above_the_statutory_one():
    from django.db import IntegrityError, transaction

    version = VersionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ImplementationVersion.objects.filter(pk=version.pk).update(promised_limit_days=99)
