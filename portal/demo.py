"""Demo data for `manage.py seed_demo`: idempotent, written through the services.

Every demo account's password is DEMO_PASSWORD (listed in the README).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from cases.demo import seed_bundle_in_progress, seed_cases, seed_review_queue
from certificates.demo import seed_certificate_library
from identity import services
from identity.constants import OrganisationKind, RegionLevel, Role, Sector
from identity.models import Membership, Organisation, Region, User
from matters.demo import seed_catalogue
from sharing.demo import seed_sharing
from supervision.demo import seed_supervision
from windows.demo import seed_hall
from windows.demo_counter import seed_counter

DEMO_PASSWORD = "Demo-2026!"  # noqa: S105 - published demo credential (README)  # nosec B105

# (code, name, level, parent code)
REGIONS = [
    ("420000000000", "湖北省", RegionLevel.PROVINCE, None),
    ("420500000000", "宜昌市", RegionLevel.CITY, "420000000000"),
    ("420502000000", "西陵区", RegionLevel.COUNTY, "420500000000"),
    ("420503000000", "伍家岗区", RegionLevel.COUNTY, "420500000000"),
    ("420504000000", "点军区", RegionLevel.COUNTY, "420500000000"),
    ("420505000000", "猇亭区", RegionLevel.COUNTY, "420500000000"),
    ("420506000000", "夷陵区", RegionLevel.COUNTY, "420500000000"),
    ("420525000000", "远安县", RegionLevel.COUNTY, "420500000000"),
    ("420526000000", "兴山县", RegionLevel.COUNTY, "420500000000"),
    ("420527000000", "秭归县", RegionLevel.COUNTY, "420500000000"),
    ("420528000000", "长阳土家族自治县", RegionLevel.COUNTY, "420500000000"),
    ("420529000000", "五峰土家族自治县", RegionLevel.COUNTY, "420500000000"),
    ("420581000000", "宜都市", RegionLevel.COUNTY, "420500000000"),
    ("420582000000", "当阳市", RegionLevel.COUNTY, "420500000000"),
    ("420583000000", "枝江市", RegionLevel.COUNTY, "420500000000"),
    ("110000000000", "北京市", RegionLevel.PROVINCE, None),
    ("110102000000", "西城区", RegionLevel.COUNTY, "110000000000"),
]

CITY = "420500000000"

# Departments of 宜昌市 named in the seeds, with valid unified social credit codes.
DEPARTMENTS = {
    "zwfw": ("11420500MB00000011", "宜昌市政务服务和大数据管理局", Sector.GOVERNMENT_SERVICES),
    "fgw": ("11420500MB00000024", "宜昌市发展和改革委员会", Sector.DEVELOPMENT_REFORM),
    "zrzy": ("11420500MB00000037", "宜昌市自然资源和规划局", Sector.NATURAL_RESOURCES),
    "zjj": ("11420500MB0000004A", "宜昌市住房和城乡建设局", Sector.HOUSING_CONSTRUCTION),
    "sthj": ("11420500MB0000005D", "宜昌市生态环境局", Sector.ECOLOGY_ENVIRONMENT),
    "scjg": ("11420500MB0000006G", "宜昌市市场监督管理局", Sector.MARKET_REGULATION),
    "gaj": ("11420500MB0000007K", "宜昌市公安局", Sector.PUBLIC_SECURITY),
    "rsj": ("11420500MB0000008N", "宜昌市人力资源和社会保障局", Sector.HUMAN_RESOURCES),
    "wjw": ("11420500MB0000009R", "宜昌市卫生健康委员会", Sector.HEALTH),
    "mzj": ("11420500MB0000010Y", "宜昌市民政局", Sector.CIVIL_AFFAIRS),
    "swj": ("11420500MB00000112", "国家税务总局宜昌市税务局", Sector.TAXATION),
    "gjj": ("11420500MB00000125", "宜昌市住房公积金中心", Sector.HOUSING_FUND),
    "cl": ("11420500MB00000138", "宜昌市残疾人联合会", Sector.DISABLED_PERSONS),
    "jyj": ("11420500MB0000014B", "宜昌市教育局", Sector.EDUCATION),
    "ybj": ("11420500MB0000015E", "宜昌市医疗保障局", Sector.MEDICAL_SECURITY),
    "jtj": ("11420500MB0000016H", "宜昌市交通运输局", Sector.TRANSPORT),
}

ENTERPRISE = ("91420500MA49ABCDED", "宜昌示例科技有限公司")

# (ID number, name, phone, e-mail, elder mode)
CITIZENS = [
    ("420502199003071234", "张三", "13800000001", "zhangsan@example.com", False),
    ("11010519491231002X", "李四", "13800000002", "lisi@example.com", False),
    ("420502195008080078", "王奶奶", "13800000003", "", True),
]

# (ID number, name, department key, role, admin site access)
STAFF = [
    ("420502198805050019", "赵敏", "zwfw", Role.CLERK, False),
    ("420503199001010020", "钱进", "scjg", Role.REVIEWER, False),
    ("420504199202020037", "孙磊", "gaj", Role.REVIEWER, False),
    ("420502198206060039", "郑华", "scjg", Role.DEPARTMENT_HEAD, False),
    ("420505198503030046", "周正", "zwfw", Role.SUPERVISOR, False),
    ("420506198004040051", "吴凡", "zwfw", Role.CATALOGUE_ADMIN, True),
]

CATALOGUE_ADMINS_GROUP = "Catalogue administrators"
CATALOGUE_ADMIN_PERMISSIONS = [
    ("identity", "region", ("add", "change", "view")),
    ("identity", "organisation", ("add", "change", "view")),
    ("matters", "theme", ("add", "change", "view")),
    ("matters", "matter", ("add", "change", "view")),
    ("matters", "implementation", ("add", "change", "view")),
    # Versions are never deleted: cases keep the version they were filed under.
    ("matters", "implementationversion", ("add", "change", "view")),
    # The rows of a draft; the admin keeps those of published versions read-only.
    ("matters", "material", ("add", "change", "delete", "view")),
    ("matters", "feeitem", ("add", "change", "delete", "view")),
    ("matters", "formfield", ("add", "change", "delete", "view")),
    ("matters", "bundle", ("add", "change", "view")),
    ("matters", "bundleitem", ("add", "change", "delete", "view")),
    ("matters", "calendaroverride", ("add", "change", "delete", "view")),
    ("cases", "routingrule", ("add", "change", "delete", "view")),
]


def seed_regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, name, level, parent in REGIONS:
        regions[code], _created = Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "parent": regions.get(parent) if parent else None,
            },
        )
    return regions


def seed_organisations(regions: dict[str, Region]) -> dict[str, Organisation]:
    organisations = {}
    for key, (credit_code, name, sector) in DEPARTMENTS.items():
        organisations[key], _created = Organisation.objects.update_or_create(
            credit_code=credit_code,
            defaults={
                "name": name,
                "kind": OrganisationKind.DEPARTMENT,
                "sector": sector,
                "region": regions[CITY],
            },
        )
    organisations["enterprise"], _created = Organisation.objects.update_or_create(
        credit_code=ENTERPRISE[0],
        defaults={
            "name": ENTERPRISE[1],
            "kind": OrganisationKind.ENTERPRISE,
            "region": regions[CITY],
        },
    )
    return organisations


def _person(id_number: str, name: str, phone: str = "", email: str = "") -> User:
    existing = User.objects.filter(id_number=id_number).first()
    if existing is not None:
        return existing
    return services.user_register(
        id_number=id_number, name=name, password=DEMO_PASSWORD, phone=phone, email=email
    )


def _grant(user: User, organisation: Organisation, role: str) -> None:
    if not Membership.objects.filter(
        user=user, organisation=organisation, role=role, is_active=True
    ).exists():
        services.membership_grant(user=user, organisation=organisation, role=role)


def seed_people(organisations: dict[str, Organisation]) -> None:
    people = {}
    for id_number, name, phone, email, elder_mode in CITIZENS:
        people[id_number] = _person(id_number, name, phone, email)
        services.user_set_preferences(user=people[id_number], elder_mode=elder_mode)
    _grant(people["420502199003071234"], organisations["enterprise"], Role.LEGAL_REPRESENTATIVE)

    group, _created = Group.objects.get_or_create(name=CATALOGUE_ADMINS_GROUP)
    for app_label, model, actions in CATALOGUE_ADMIN_PERMISSIONS:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )
    for id_number, name, department, role, admin_site in STAFF:
        person = _person(id_number, name)
        _grant(person, organisations[department], role)
        if admin_site and not person.is_staff:
            person.is_staff = True
            person.save(update_fields=["is_staff"])
        if role == Role.CATALOGUE_ADMIN:
            person.groups.add(group)


@transaction.atomic
def seed_demo() -> None:
    regions = seed_regions()
    organisations = seed_organisations(regions)
    seed_people(organisations)
    seed_catalogue(organisations, regions)
    seed_sharing(organisations)
    seed_certificate_library()  # before the cases: approvals issue, applications reuse
    seed_cases()
    seed_bundle_in_progress()
    seed_review_queue()
    seed_supervision()
    seed_hall()
    seed_counter()  # after the cases and the hall: counter intake, 容缺, pickup
