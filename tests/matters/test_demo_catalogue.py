import re
import time
from collections import defaultdict

import pytest
from django.core.management import call_command

from identity.models import AuditEvent
from matters import selectors, services
from matters.constants import (
    BASIC_CODE_PATTERN,
    BundleMode,
    CrossRegionScope,
    HandlingKind,
    MaterialSource,
    OnlineDepth,
    VersionStatus,
)
from matters.demo import CATALOGUE, CERTIFICATE_TYPES, SHARED_RESOURCES
from matters.models import (
    Bundle,
    BundleItem,
    FeeItem,
    FormField,
    Implementation,
    ImplementationVersion,
    Material,
    Matter,
    Theme,
)

pytestmark = pytest.mark.django_db

CITY = "420500000000"
BUNDLES = {
    "kaiban-qiye": (
        "开办企业一件事",
        BundleMode.PARALLEL,
        ["企业设立登记", "公章刻制备案", "新办纳税人“套餐式”服务", "社会保险登记（单位参保登记）",
         "住房公积金单位缴存登记"],
    ),
    "chusheng": (
        "出生一件事",
        BundleMode.SEQUENTIAL,
        ["出生医学证明签发", "预防接种证办理", "出生登记（新生儿入户）",
         "城乡居民基本医疗保险参保登记", "社会保障卡申领"],
    ),
    "shuidianqi-baozhuang": (
        "水电气联合报装",
        BundleMode.PARALLEL,
        ["电力接入（用电报装）", "城市供水接入（用水报装）", "城镇燃气接入（用气报装）",
         "占用、挖掘城市道路审批"],
    ),
}  # fmt: skip


def _city_versions():
    return ImplementationVersion.objects.filter(
        status=VersionStatus.PUBLISHED, implementation__region__code=CITY
    ).select_related("implementation__department", "implementation__matter")


def _counts() -> tuple[int, ...]:
    models = (
        Theme,
        Matter,
        Implementation,
        ImplementationVersion,
        Material,
        FormField,
        FeeItem,
        Bundle,
        BundleItem,
        AuditEvent,
    )
    return tuple(model.objects.count() for model in models)


def test_the_demo_catalogue_has_40_published_implementations_of_yichang_in_10_departments():
    started = time.perf_counter()

    call_command("seed_demo")

    assert time.perf_counter() - started < 10
    versions = list(_city_versions())

    assert len(versions) == len(CATALOGUE) == 57
    assert len({v.implementation.department_id for v in versions}) == 16
    assert {v.implementation.matter.name for v in versions} >= {
        "企业设立登记",
        "食品经营许可",
        "公章刻制备案",
        "社会保险登记（单位参保登记）",
        "住房公积金单位缴存登记",
        "企业投资项目备案",
        "建设用地规划许可证核发",
        "建筑工程施工许可证核发",
        "建设项目环境影响报告书审批",
        "不动产转移登记（存量房买卖）",
        "户籍迁入",
        "普通护照签发",
        "生育登记",
        "出生医学证明签发",
        "社会保障卡申领",
        "残疾人证新办",
        "义务教育入学",
    }
    assert ImplementationVersion.objects.exclude(status=VersionStatus.PUBLISHED).count() == 0


def test_every_published_version_and_its_rows_pass_validation():
    call_command("seed_demo")

    for version in _city_versions().prefetch_related("materials", "form_fields", "fees"):
        version.full_clean()
        version.implementation.full_clean()
        assert re.fullmatch(BASIC_CODE_PATTERN, version.implementation.matter.basic_code)
        assert version.implementation.matter.sector == version.implementation.department.sector
        assert re.fullmatch(r"0717-\d{7}", version.contact_phone), version.name
        assert version.search_text
        assert 3 <= len(version.form_fields.all()) <= 8, version.name
        assert version.materials.all(), version.name
        for row in [*version.materials.all(), *version.form_fields.all(), *version.fees.all()]:
            row.full_clean()


def test_the_catalogue_meets_the_targets_of_the_seeds():
    call_command("seed_demo")
    versions = list(_city_versions())

    cuts = [1 - v.promised_limit_days / v.statutory_limit_days for v in versions]
    statutory = sum(v.statutory_limit_days for v in versions)
    promised = sum(v.promised_limit_days for v in versions)
    shallow = [v.name for v in versions if v.online_depth < OnlineDepth.PRE_CHECK]
    fully_online = [v for v in versions if v.online_depth == OnlineDepth.FULLY_ONLINE]
    nationwide = {v.name for v in versions if v.cross_region_scope == CrossRegionScope.NATIONWIDE}

    # 承诺时限在法定时限基础上平均减少不低于90%: per matter and over the whole catalogue.
    assert sum(cuts) / len(cuts) >= 0.90
    assert 1 - promised / statutory >= 0.90
    assert all(
        v.promised_limit_days == 0 for v in versions if v.handling_kind == HandlingKind.IMMEDIATE
    )
    assert shallow == ["收养登记"]
    assert len(fully_online) > len(versions) / 2
    assert all(v.visits_required == 0 for v in fully_online)
    assert {v.window_category for v in versions} == {
        "investment",
        "commercial",
        "livelihood",
        "public_resources",
    }
    assert {"社会保障卡申领", "户籍迁入", "普通护照签发"} <= nationwide
    assert any(v.notification_commitment for v in versions)
    assert any(v.supports_appointment for v in versions)
    assert Material.objects.filter(tolerable=True).exists()


def test_certificates_shared_data_and_fees_use_the_published_codes():
    call_command("seed_demo")

    results = dict(_city_versions().values_list("name", "result_certificate_type"))
    material_certificates = set(
        Material.objects.filter(source=MaterialSource.CERTIFICATE).values_list(
            "certificate_type", flat=True
        )
    )
    shared = set(
        Material.objects.filter(source=MaterialSource.SHARED_DATA).values_list(
            "shared_resource", flat=True
        )
    )

    assert results["企业设立登记"] == "yyzz"
    assert results["食品经营许可"] == "spjyxkz"
    assert results["不动产转移登记（存量房买卖）"] == "bdcqzs"
    assert results["出生医学证明签发"] == "csyxzm"
    assert results["社会保障卡申领"] == "shbzk"
    assert results["残疾人证新办"] == "cjrz"
    assert results["建筑工程施工许可证核发"] == "jzgcsgxkz"
    assert {code for code in results.values() if code} <= set(CERTIFICATE_TYPES)
    assert {"yyzz", "csyxzm", "bdcqzs", "jhz"} <= material_certificates <= set(CERTIFICATE_TYPES)
    assert (
        shared == set(SHARED_RESOURCES) == {"hjxx", "sbcbxx", "qydjxx", "bdcdjxx", "wsxx", "xlxx"}
    )
    assert set(
        Material.objects.filter(key="business_license").values_list("certificate_type", flat=True)
    ) == {"yyzz"}
    fee = FeeItem.objects.get(
        version__name="不动产转移登记（存量房买卖）", name="不动产登记费（住宅）"
    )
    assert str(fee.amount) == "80.00"
    assert fee.waivable is True
    assert "发改价格规〔2016〕2559号" in fee.basis
    assert FeeItem.objects.filter(amount__gt=0).values("version").distinct().count() == 4


def test_shared_keys_mean_the_same_thing_in_every_matter():
    call_command("seed_demo")

    matters_by_material = defaultdict(set)
    material_definitions = defaultdict(set)
    for key, matter, name, source in Material.objects.values_list(
        "key", "version__implementation__matter", "name", "source"
    ):
        matters_by_material[key].add(matter)
        material_definitions[key].add((name, source))
    field_definitions = defaultdict(set)
    for key, label, field_type in FormField.objects.values_list("key", "label", "field_type"):
        field_definitions[key].add((label, field_type))

    assert len(matters_by_material["id_card"]) >= 2
    assert len(matters_by_material["business_license"]) >= 2
    assert len(matters_by_material["household_register"]) >= 2
    assert all(len(definitions) == 1 for definitions in material_definitions.values())
    assert all(len(definitions) == 1 for definitions in field_definitions.values())
    assert FormField.objects.filter(key="applicant_id_number").values("version").count() >= 10


def test_the_three_bundles_are_published_with_their_matters_in_order():
    call_command("seed_demo")

    for code, (name, mode, matter_names) in BUNDLES.items():
        bundle = Bundle.objects.get(code=code)
        assert (bundle.name, bundle.mode, bundle.is_published) == (name, mode, True)
        assert [
            item.implementation.matter.name
            for item in bundle.items.select_related("implementation__matter")
        ] == matter_names


def test_every_bundle_asks_each_field_and_material_once(django_assert_max_num_queries):
    call_command("seed_demo")

    for code in BUNDLES:
        with django_assert_max_num_queries(8):
            bundle = selectors.bundle_published(code)
            merged = selectors.bundle_merged(bundle)
        field_keys = [f.key for f in merged.fields]
        material_keys = [m.key for m in merged.materials]
        asked = sum(len(v.form_fields.all()) for v in merged.versions)

        assert len(merged.versions) == len(BUNDLES[code][2])
        assert len(field_keys) == len(set(field_keys))
        assert len(material_keys) == len(set(material_keys))
        assert len(field_keys) < asked
    opening = {
        m.key: m
        for m in selectors.bundle_merged(selectors.bundle_published("kaiban-qiye")).materials
    }
    # The enterprise registered a moment ago: its data is shared, its licence not asked for.
    assert opening["enterprise_registration_info"].shared_resource == "qydjxx"
    assert "business_license" not in opening


def test_a_second_run_adds_and_changes_nothing():
    call_command("seed_demo")
    first = _counts()
    versions = dict(ImplementationVersion.objects.values_list("pk", "updated_at"))

    call_command("seed_demo")

    # themes, matters, implementations, versions, …, bundles, bundle items
    assert (first[:4], first[7:9]) == ((16, 57, 57, 57), (3, 14))
    assert _counts() == first
    assert dict(ImplementationVersion.objects.values_list("pk", "updated_at")) == versions


def test_a_new_version_published_by_an_admin_survives_a_second_run():
    call_command("seed_demo")
    version = _city_versions().get(name="食品经营许可")
    draft = services.version_draft_from(version=version)
    services.version_update(
        version=draft, promised_limit_days=0, handling_kind=HandlingKind.IMMEDIATE
    )
    services.version_publish(version=draft)
    first = _counts()

    call_command("seed_demo")

    assert _counts() == first
    assert _city_versions().get(implementation=version.implementation).number == 2
