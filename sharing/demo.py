"""Demo data of the exchange (`manage.py seed_demo`): the resources named by the demo
catalogue's materials (matters.demo.SHARED_RESOURCES) with their natural providers, the
records the built-in adapter serves for the demo people and enterprise, grants, open
requests, the platform reviewer's permission and a few past reads of 张三's data.

Idempotent: resources are found by code, records by resource and subject, grants by
resource and consumer; the past reads are written once. Grants and requests are written as
rows (the departments have no staff accounts in the demo to act through the services); the
pages and the API then work on them like on any other.
"""

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from identity.models import Organisation, User
from matters import selectors as matter_selectors
from sharing.constants import (
    PLATFORM_REVIEW_DAYS,
    PROVIDER_DECISION_DAYS,
    GrantBasis,
    ReadChannel,
    ReadOutcome,
    RequestState,
    SharingClass,
    SubjectKind,
    UpdateFrequency,
)
from sharing.models import AccessRequest, DataRead, DemoRecord, Grant, Resource

PERSON = SubjectKind.PERSON
ORGANISATION = SubjectKind.ORGANISATION

# code -> (provider key in portal.demo.DEPARTMENTS, name, about, class, frequency, fields)
RESOURCES: dict[str, tuple[str, str, str, str, str, list[tuple[str, str]]]] = {
    "hjxx": (
        "gaj",
        "户籍信息",
        PERSON,
        SharingClass.CONDITIONAL,
        UpdateFrequency.REAL_TIME,
        [
            ("name", "姓名"),
            ("id_number", "公民身份号码"),
            ("gender", "性别"),
            ("ethnicity", "民族"),
            ("birth_date", "出生日期"),
            ("address", "户籍地址"),
            ("household_head", "户主姓名"),
            ("relation", "与户主关系"),
        ],
    ),
    "sbcbxx": (
        "rsj",
        "社会保险参保信息",
        PERSON,
        SharingClass.CONDITIONAL,
        UpdateFrequency.DAILY,
        [
            ("name", "姓名"),
            ("id_number", "公民身份号码"),
            ("status", "参保状态"),
            ("insurance_types", "参保险种"),
            ("first_insured_on", "首次参保日期"),
            ("months_paid", "累计缴费月数"),
            ("employer", "参保单位"),
        ],
    ),
    "qydjxx": (
        "scjg",
        "企业登记信息",
        ORGANISATION,
        SharingClass.UNCONDITIONAL,
        UpdateFrequency.REAL_TIME,
        [
            ("name", "企业名称"),
            ("credit_code", "统一社会信用代码"),
            ("legal_representative", "法定代表人"),
            ("enterprise_type", "企业类型"),
            ("registered_capital", "注册资本（万元）"),
            ("address", "住所"),
            ("established_on", "成立日期"),
            ("business_scope", "经营范围"),
            ("status", "登记状态"),
        ],
    ),
    "bdcdjxx": (
        "zrzy",
        "不动产登记信息",
        PERSON,
        SharingClass.CONDITIONAL,
        UpdateFrequency.REAL_TIME,
        [
            ("owner_name", "权利人"),
            ("owner_id_number", "权利人证件号码"),
            ("unit_number", "不动产单元号"),
            ("location", "坐落"),
            ("area", "建筑面积（平方米）"),
            ("use", "用途"),
            ("registered_on", "登记日期"),
            ("certificate_number", "不动产权证号"),
        ],
    ),
    "wsxx": (
        "swj",
        "不动产交易完税信息",
        PERSON,
        SharingClass.CONDITIONAL,
        UpdateFrequency.DAILY,
        [
            ("taxpayer_name", "纳税人"),
            ("taxpayer_id_number", "纳税人证件号码"),
            ("location", "房屋坐落"),
            ("tax_amount", "完税金额（元）"),
            ("paid_on", "完税日期"),
            ("voucher_number", "完税凭证号"),
        ],
    ),
    "xlxx": (
        "jyj",
        "学历学位信息",
        PERSON,
        SharingClass.CONDITIONAL,
        UpdateFrequency.YEARLY,
        [
            ("name", "姓名"),
            ("id_number", "公民身份号码"),
            ("school", "毕业院校"),
            ("level", "学历层次"),
            ("major", "专业"),
            ("graduated_on", "毕业日期"),
            ("certificate_number", "证书编号"),
        ],
    ),
    "wfzjl": (
        "gaj",
        "违法犯罪记录信息",
        PERSON,
        SharingClass.NOT_SHARED,
        UpdateFrequency.REAL_TIME,
        [("name", "姓名"), ("id_number", "公民身份号码"), ("record", "记录")],
    ),
}

DESCRIPTIONS = {
    "hjxx": "常住人口户籍登记信息。用于办理户籍、社保、医保、教育、婚姻等事项时核验身份和户籍，"
    "替代居民户口簿复印件。",
    "sbcbxx": "个人社会保险参保及缴费信息，替代社保经办机构打印的参保缴费证明。",
    "qydjxx": "市场主体登记信息，实时推送，无条件共享。替代营业执照复印件。",
    "bdcdjxx": "不动产权属登记信息，替代不动产权证书复印件。",
    "wsxx": "存量房交易契税、增值税等完税信息，替代完税凭证。",
    "xlxx": "高等教育学历学位信息，替代学历学位证书复印件。",
    "wfzjl": "依法不予共享，仅供公安机关内部使用。",
}

ZHANG_SAN = "420502199003071234"
LI_SI = "11010519491231002X"
WANG_NAINAI = "420502195008080078"
ENTERPRISE = "91420500MA49ABCDED"

RECORDS: dict[str, dict[str, dict[str, Any]]] = {
    "hjxx": {
        ZHANG_SAN: {
            "name": "张三",
            "id_number": ZHANG_SAN,
            "gender": "男",
            "ethnicity": "汉族",
            "birth_date": "1990-03-07",
            "address": "湖北省宜昌市西陵区夷陵大道58号",
            "household_head": "张三",
            "relation": "户主",
        },
        LI_SI: {
            "name": "李四",
            "id_number": LI_SI,
            "gender": "女",
            "ethnicity": "汉族",
            "birth_date": "1949-12-31",
            "address": "北京市西城区西长安街1号",
            "household_head": "李四",
            "relation": "户主",
        },
        WANG_NAINAI: {
            "name": "王奶奶",
            "id_number": WANG_NAINAI,
            "gender": "女",
            "ethnicity": "土家族",
            "birth_date": "1950-08-08",
            "address": "湖北省宜昌市西陵区解放路12号",
            "household_head": "王奶奶",
            "relation": "户主",
        },
    },
    "sbcbxx": {
        ZHANG_SAN: {
            "name": "张三",
            "id_number": ZHANG_SAN,
            "status": "正常参保",
            "insurance_types": "企业职工基本养老保险、失业保险、工伤保险、职工基本医疗保险",
            "first_insured_on": "2012-07-01",
            "months_paid": 156,
            "employer": "宜昌示例科技有限公司",
        },
        WANG_NAINAI: {
            "name": "王奶奶",
            "id_number": WANG_NAINAI,
            "status": "待遇领取",
            "insurance_types": "城乡居民基本养老保险",
            "first_insured_on": "2011-01-01",
            "months_paid": 120,
            "employer": "",
        },
    },
    "qydjxx": {
        ENTERPRISE: {
            "name": "宜昌示例科技有限公司",
            "credit_code": ENTERPRISE,
            "legal_representative": "张三",
            "enterprise_type": "有限责任公司",
            "registered_capital": "100",
            "address": "湖北省宜昌市西陵区发展大道66号",
            "established_on": "2021-05-18",
            "business_scope": "软件开发；信息技术咨询服务；数据处理服务。",
            "status": "存续",
        },
    },
    "bdcdjxx": {
        ZHANG_SAN: {
            "owner_name": "张三",
            "owner_id_number": ZHANG_SAN,
            "unit_number": "420502001001GB00001F00010001",
            "location": "西陵区夷陵大道58号1栋1单元1001室",
            "area": "98.60",
            "use": "住宅",
            "registered_on": "2019-09-20",
            "certificate_number": "鄂（2019）宜昌市不动产权第0012345号",
        },
    },
    "wsxx": {
        ZHANG_SAN: {
            "taxpayer_name": "张三",
            "taxpayer_id_number": ZHANG_SAN,
            "location": "西陵区夷陵大道58号1栋1单元1001室",
            "tax_amount": "14790.00",
            "paid_on": "2019-09-18",
            "voucher_number": "342056190900012345",
        },
    },
    "xlxx": {
        ZHANG_SAN: {
            "name": "张三",
            "id_number": ZHANG_SAN,
            "school": "三峡大学",
            "level": "本科",
            "major": "计算机科学与技术",
            "graduated_on": "2012-06-30",
            "certificate_number": "110751201205001234",
        },
    },
}

# (resource, consumer key, fields or None for a registration of all, purpose, legal basis)
GRANTS = [
    (
        "hjxx",
        "scjg",
        ["name", "id_number", "gender", "address"],
        "市场主体登记核验自然人股东及法定代表人身份",
        "《中华人民共和国市场主体登记管理条例》第十五条",
    ),
    (
        "hjxx",
        "rsj",
        ["name", "id_number", "gender", "birth_date", "address"],
        "社会保险登记、社会保障卡申领核验身份",
        "《中华人民共和国社会保险法》第五十八条",
    ),
    (
        "hjxx",
        "ybj",
        ["name", "id_number", "birth_date", "address"],
        "城乡居民医保参保登记核验户籍",
        "《中华人民共和国社会保险法》第二十五条",
    ),
    (
        "hjxx",
        "jyj",
        ["name", "id_number", "birth_date", "address", "household_head", "relation"],
        "义务教育入学户籍核验",
        "《中华人民共和国义务教育法》第十二条",
    ),
    (
        "hjxx",
        "wjw",
        ["name", "id_number", "address"],
        "生育登记核验户籍",
        "《湖北省人口与计划生育条例》",
    ),
    (
        "hjxx",
        "cl",
        ["name", "id_number", "address"],
        "残疾人证办理核验户籍",
        "《中华人民共和国残疾人保障法》",
    ),
    (
        "hjxx",
        "mzj",
        ["name", "id_number", "address", "household_head", "relation"],
        "收养登记核验户籍",
        "《中国公民收养子女登记办法》第五条",
    ),
    (
        "sbcbxx",
        "gaj",
        ["name", "id_number", "status", "months_paid"],
        "户籍迁入（就业落户）核验参保情况",
        "宜昌市户籍迁入实施细则",
    ),
    (
        "sbcbxx",
        "jyj",
        ["name", "id_number", "status", "months_paid"],
        "义务教育入学随迁子女父母参保核验",
        "《中华人民共和国义务教育法》第十二条",
    ),
    (
        "sbcbxx",
        "ybj",
        ["name", "id_number", "status", "insurance_types"],
        "异地就医备案核验参保状态",
        "国家医保局异地就医直接结算管理办法",
    ),
    (
        "bdcdjxx",
        "jyj",
        ["owner_name", "owner_id_number", "location", "use"],
        "义务教育入学房产核验",
        "宜昌市义务教育招生入学工作方案",
    ),
    (
        "bdcdjxx",
        "gjj",
        ["owner_name", "owner_id_number", "location", "area", "registered_on"],
        "住房公积金提取核验购房",
        "《住房公积金管理条例》第二十四条",
    ),
    (
        "bdcdjxx",
        "swj",
        ["owner_name", "owner_id_number", "location", "area", "use"],
        "契税申报核验权属",
        "《中华人民共和国契税法》",
    ),
    (
        "bdcdjxx",
        "fgw",
        ["owner_name", "owner_id_number", "location", "use"],
        "电力接入报装核验产权",
        "《优化营商环境条例》",
    ),
    (
        "bdcdjxx",
        "zjj",
        ["owner_name", "owner_id_number", "location", "use"],
        "供水供气报装核验产权",
        "《优化营商环境条例》",
    ),
    ("wsxx", "zrzy", None, "不动产转移登记核验完税", "《不动产登记暂行条例实施细则》"),
    ("qydjxx", "gaj", None, "公章刻制备案核验企业登记", ""),
    ("qydjxx", "rsj", None, "单位参保登记核验企业登记", ""),
    ("qydjxx", "swj", None, "新办纳税人信息确认", ""),
    ("qydjxx", "gjj", None, "住房公积金单位缴存登记", ""),
    ("qydjxx", "fgw", None, "企业投资项目备案核验企业登记", ""),
    ("qydjxx", "zrzy", None, "建设用地审批核验企业登记", ""),
]

# (resource, consumer key, fields, purpose, legal basis, state)
OPEN_REQUESTS = [
    (
        "xlxx",
        "rsj",
        ["name", "id_number", "level", "graduated_on"],
        "高校毕业生就业补贴申领核验学历",
        "《湖北省就业促进条例》",
        RequestState.PLATFORM_REVIEW,
    ),
    (
        "hjxx",
        "gjj",
        ["name", "id_number", "address"],
        "住房公积金贷款核验户籍",
        "《住房公积金管理条例》",
        RequestState.PROVIDER_REVIEW,
    ),
]

# Past reads of 张三's data: (days ago, consumer key, resource, fields, purpose, channel).
PAST_READS = [
    (
        12,
        "scjg",
        "hjxx",
        ["name", "id_number", "address"],
        "企业变更登记核验法定代表人身份",
        ReadChannel.API,
    ),
    (
        9,
        "rsj",
        "hjxx",
        ["name", "id_number", "gender", "birth_date"],
        "社会保障卡补换核验身份",
        ReadChannel.API,
    ),
    (
        5,
        "jyj",
        "bdcdjxx",
        ["owner_name", "location", "use"],
        "2026年秋季义务教育入学房产核验",
        ReadChannel.API,
    ),
    (
        2,
        "gjj",
        "bdcdjxx",
        ["owner_name", "location", "area"],
        "住房公积金提取（购买自住住房）核验",
        ReadChannel.API,
    ),
]

# The department `manage.py create_demo_api_key` makes a key for by default (市场监管局).
DEMO_KEY_DEPARTMENT = "11420500MB0000006G"
# The platform reviewer: 吴凡, catalogue administrator of the 政务服务和大数据管理局 that runs
# the exchange (portal.demo.STAFF), given the review permission through this group.
PLATFORM_REVIEWER = "420506198004040051"
PLATFORM_REVIEWERS_GROUP = "Data sharing platform reviewers"


def _seed_resources(organisations: dict[str, Organisation]) -> dict[str, Resource]:
    resources = {}
    for code, (provider, name, about, sharing_class, frequency, fields) in RESOURCES.items():
        resource = Resource.objects.filter(code=code).first()
        if resource is None:
            resource = Resource(
                code=code,
                name=name,
                provider=organisations[provider],
                subject_kind=about,
                sharing_class=sharing_class,
                update_frequency=frequency,
                fields=[{"key": key, "label": label} for key, label in fields],
                description=DESCRIPTIONS[code],
                is_published=True,
            )
            resource.full_clean()
            resource.save()
        resources[code] = resource
    return resources


def _seed_records(resources: dict[str, Resource]) -> None:
    for code, records in RECORDS.items():
        for subject, data in records.items():
            DemoRecord.objects.get_or_create(
                resource=resources[code], subject=subject, defaults={"data": data}
            )


def _seed_grants(resources: dict[str, Resource], organisations: dict[str, Organisation]) -> None:
    now = timezone.now()
    requester = User.objects.get(id_number=PLATFORM_REVIEWER)
    for code, consumer_key, fields, purpose, basis in GRANTS:
        resource, consumer = resources[code], organisations[consumer_key]
        if Grant.objects.filter(resource=resource, consumer=consumer).exists():
            continue
        request = AccessRequest.objects.create(
            resource=resource,
            consumer=consumer,
            requested_by=requester,
            state=RequestState.GRANTED,
            purpose=purpose,
            legal_basis=basis,
            fields=fields or resource.field_keys,
            platform_reviewed_at=None if fields is None else now,
            decided_at=now,
        )
        Grant.objects.create(
            resource=resource,
            consumer=consumer,
            basis=GrantBasis.REGISTRATION if fields is None else GrantBasis.REQUEST,
            request=request,
            all_fields=fields is None,
            fields=fields or resource.field_keys,
            purpose=purpose,
        )


def _seed_open_requests(
    resources: dict[str, Resource], organisations: dict[str, Organisation]
) -> None:
    calendar = matter_selectors.working_calendar()
    today = timezone.localdate()
    requester = User.objects.get(id_number=PLATFORM_REVIEWER)
    for code, consumer_key, fields, purpose, basis, state in OPEN_REQUESTS:
        resource, consumer = resources[code], organisations[consumer_key]
        if AccessRequest.objects.filter(resource=resource, consumer=consumer).exists():
            continue
        reviewed = state == RequestState.PROVIDER_REVIEW
        AccessRequest.objects.create(
            resource=resource,
            consumer=consumer,
            requested_by=requester,
            state=state,
            purpose=purpose,
            legal_basis=basis,
            fields=fields,
            platform_due=calendar.add_working_days(today, PLATFORM_REVIEW_DAYS),
            platform_reviewed_at=timezone.now() if reviewed else None,
            platform_reviewed_by=requester if reviewed else None,
            platform_comment="申请要素齐全，转提供部门审批。" if reviewed else "",
            provider_due=calendar.add_working_days(today, PROVIDER_DECISION_DAYS)
            if reviewed
            else None,
        )


def _seed_platform_reviewer() -> None:
    person = User.objects.get(id_number=PLATFORM_REVIEWER)
    group, _created = Group.objects.get_or_create(name=PLATFORM_REVIEWERS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="sharing", codename="review_accessrequest")
    )
    person.groups.add(group)


def _seed_past_reads(
    resources: dict[str, Resource], organisations: dict[str, Organisation]
) -> None:
    if DataRead.objects.filter(subject=ZHANG_SAN, channel=ReadChannel.API).exists():
        return
    now = timezone.now()
    for days, consumer_key, code, fields, purpose, channel in PAST_READS:
        consumer = organisations[consumer_key]
        DataRead.objects.create(
            at=now - timedelta(days=days, hours=days % 5),
            consumer=consumer,
            resource=resources[code],
            resource_code=code,
            subject=ZHANG_SAN,
            fields=fields,
            purpose=purpose,
            channel=channel,
            outcome=ReadOutcome.SERVED,
            grant=Grant.objects.filter(
                resource=resources[code], consumer=consumer, revoked_at__isnull=True
            ).first(),
        )


def seed_sharing(organisations: dict[str, Organisation]) -> None:
    """Write the demo exchange; a second run changes nothing."""
    _seed_platform_reviewer()
    resources = _seed_resources(organisations)
    _seed_records(resources)
    _seed_grants(resources, organisations)
    _seed_open_requests(resources, organisations)
    _seed_past_reads(resources, organisations)
