import factory
from django.utils import timezone

from identity.constants import Sector
from matters.constants import (
    Audience,
    FieldType,
    HandlingKind,
    MatterType,
    OnlineDepth,
    VersionStatus,
    WindowCategory,
)
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
from matters.services import search_text
from tests.factories.identity import DepartmentFactory, RegionFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"主题{n}")
    audience = Audience.PERSON


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matter

    basic_code = factory.Sequence(lambda n: f"00010{n:07d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    matter_type = MatterType.LICENSING
    sector = Sector.MARKET_REGULATION
    audience = Audience.BOTH


class ImplementationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Implementation

    matter = factory.SubFactory(MatterFactory)
    region = factory.SubFactory(RegionFactory)
    department = factory.SubFactory(
        DepartmentFactory,
        region=factory.SelfAttribute("..region"),
        sector=factory.SelfAttribute("..matter.sector"),
    )
    suffix = "1-00"
    code = factory.LazyAttribute(
        lambda o: Implementation.build_code(
            basic_code=o.matter.basic_code,
            region_code=o.region.code,
            credit_code=o.department.credit_code,
            suffix=o.suffix,
        )
    )


class VersionFactory(factory.django.DjangoModelFactory):
    """A published version by default; pass status=VersionStatus.DRAFT for a draft."""

    class Meta:
        model = ImplementationVersion

    implementation = factory.SubFactory(ImplementationFactory)
    number = 1
    status = VersionStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    name = factory.LazyAttribute(lambda o: o.implementation.matter.name)
    search_text = factory.LazyAttribute(
        lambda o: search_text(name=o.name, code=o.implementation.code)
    )
    legal_basis = "《中华人民共和国行政许可法》"
    conditions = "申请人符合法定条件。"
    handling_kind = HandlingKind.PROMISED
    statutory_limit_days = 20
    promised_limit_days = 5
    visits_required = 0
    online_depth = OnlineDepth.FULLY_ONLINE
    window_category = WindowCategory.LIVELIHOOD
    contact_phone = "0717-12345"
    hall_address = "宜昌市政务服务中心"
    hall_hours = "周一至周五 9:00-17:00"


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    version = factory.SubFactory(VersionFactory)
    key = factory.Sequence(lambda n: f"material_{n}")
    name = factory.Sequence(lambda n: f"材料{n}")
    original_count = 1


class FeeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeItem

    version = factory.SubFactory(VersionFactory)
    name = "工本费"
    amount = "10.00"
    basis = "收费文件"


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    version = factory.SubFactory(VersionFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"字段{n}")
    field_type = FieldType.TEXT


class BundleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bundle

    code = factory.Sequence(lambda n: f"bundle-{n}")
    name = factory.Sequence(lambda n: f"一件事{n}")
    audience = Audience.PERSON
    is_published = True


class BundleItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BundleItem

    bundle = factory.SubFactory(BundleFactory)
    implementation = factory.SubFactory(ImplementationFactory)
