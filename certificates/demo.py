"""Demo certificate library for `manage.py seed_demo`: every certificate type the demo
catalogue names (matters/demo.py CERTIFICATE_TYPES), the demo citizens' and the demo
enterprise's certificates (one revoked, one replaced) and two department read grants.

Seeded before the demo cases, so that the cases the demo approves issue certificates and the
applications that need a 营业执照 reuse the enterprise's. The certificates are signed with the
key of the settings; without PORTAL_SIGNING_KEY that is the demo key derived from SECRET_KEY
(certificates/signing.py). Idempotent: types are found by code, a demo certificate is made
only when its holder has none of its type.

The national type codes (证照类型代码) below have the national form — a defining body's credit
code and a 3-digit number — but are placeholders for the demo: a deployment enters the codes
of the national certificate type catalogue.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from certificates import policies, services
from certificates.constants import CertificateState, EventKind, HolderKind, Layout
from certificates.models import Certificate, CertificateType, DepartmentReadGrant
from identity.models import Organisation, User

DEFINING_BODY = "11100000000013338W"
ORG, PERSON = HolderKind.ORGANISATION, HolderKind.PERSON
LICENCE, PORTRAIT = Layout.LICENCE, Layout.CERTIFICATE

# Department credit codes of 宜昌市 (portal/demo.py DEPARTMENTS).
SCJG = "11420500MB0000006G"  # 市场监督管理局
GAJ = "11420500MB0000007K"  # 公安局
RSJ = "11420500MB0000008N"  # 人力资源和社会保障局
WJW = "11420500MB0000009R"  # 卫生健康委员会
MZJ = "11420500MB0000010Y"  # 民政局
CL = "11420500MB00000138"  # 残疾人联合会
JYJ = "11420500MB0000014B"  # 教育局
ZRZY = "11420500MB00000037"  # 自然资源和规划局
ZJJ = "11420500MB0000004A"  # 住房和城乡建设局
STHJ = "11420500MB0000005D"  # 生态环境局
JTJ = "11420500MB0000016H"  # 交通运输局
GJJ = "11420500MB00000125"  # 住房公积金中心
SWJ = "11420500MB00000112"  # 税务局


def _f(key: str, label: str, public: bool = True) -> dict[str, Any]:
    return {"key": key, "label": label, "public": public}


NAME_PRIVATE = _f("applicant_name", "姓名", public=False)

# code: (name, department, holder, validity years, one per holder, layout, fields)
TYPES: dict[str, tuple[str, str, str, int | None, bool, str, list[dict[str, Any]]]] = {
    "yyzz": ("营业执照", SCJG, ORG, None, True, LICENCE, [
        _f("company_name", "名称"), _f("enterprise_type", "类型"),
        _f("legal_rep_name", "法定代表人"), _f("registered_capital", "注册资本（万元）"),
        _f("registered_address", "住所"), _f("business_scope", "经营范围"),
    ]),
    "spjyxkz": ("食品经营许可证", SCJG, ORG, 5, True, LICENCE, [
        _f("company_name", "经营者名称"), _f("legal_rep_name", "法定代表人（负责人）"),
        _f("registered_address", "经营场所"), _f("food_business_item", "经营项目"),
    ]),
    "ypjyxkz": ("药品经营许可证", SCJG, ORG, 5, True, LICENCE, [
        _f("company_name", "企业名称"), _f("legal_rep_name", "法定代表人"),
        _f("registered_address", "注册地址"),
    ]),
    "tzsbsydjz": ("特种设备使用登记证", SCJG, ORG, None, False, PORTRAIT, [
        _f("company_name", "使用单位"), _f("equipment_category", "设备类别"),
        _f("equipment_address", "设备使用地点"),
    ]),
    "bdcqzs": ("不动产权证书", ZRZY, PERSON, None, False, PORTRAIT, [
        _f("applicant_name", "权利人", public=False), _f("property_unit_number", "不动产单元号"),
        _f("property_address", "坐落"), _f("house_use", "用途"),
    ]),
    "bdcdjzm": ("不动产登记证明", ZRZY, PERSON, None, False, PORTRAIT, [
        _f("applicant_name", "义务人", public=False), _f("property_unit_number", "不动产单元号"),
        _f("property_address", "坐落"), _f("mortgagee", "权利人（抵押权人）"),
        _f("loan_amount", "被担保主债权数额（万元）", public=False),
    ]),
    "csyxzm": ("出生医学证明", WJW, PERSON, None, False, PORTRAIT, [
        _f("child_name", "新生儿姓名", public=False), _f("child_gender", "性别", public=False),
        _f("child_birth_date", "出生时间", public=False), _f("birth_hospital", "接生机构"),
        _f("mother_name", "母亲姓名", public=False), _f("father_name", "父亲姓名", public=False),
    ]),
    "shbzk": ("社会保障卡", RSJ, PERSON, 10, True, PORTRAIT, [NAME_PRIVATE]),
    "cjrz": ("残疾人证", CL, PERSON, 10, True, PORTRAIT, [
        NAME_PRIVATE, _f("disability_category", "残疾类别", public=False),
        _f("guardian_name", "监护人", public=False),
    ]),
    "jhz": ("结婚证", MZJ, PERSON, None, False, PORTRAIT, [
        _f("applicant_name", "持证人", public=False), _f("spouse_name", "配偶", public=False),
    ]),
    "jzz": ("居住证", GAJ, PERSON, 1, True, PORTRAIT, [
        NAME_PRIVATE, _f("residence_address", "居住地址", public=False),
    ]),
    "jdcjsz": ("机动车驾驶证", GAJ, PERSON, 6, True, PORTRAIT, [
        NAME_PRIVATE, _f("licence_class", "准驾车型"),
    ]),
    "ydysyxzyjs": ("建设项目用地预审与选址意见书", ZRZY, ORG, 3, False, PORTRAIT, [
        _f("company_name", "用地单位"), _f("project_code", "项目代码"),
        _f("project_name", "项目名称"), _f("project_address", "拟选位置"),
        _f("land_area", "拟用地面积（平方米）"),
    ]),
    "jsydghxkz": ("建设用地规划许可证", ZRZY, ORG, None, False, PORTRAIT, [
        _f("company_name", "用地单位"), _f("project_name", "项目名称"),
        _f("project_address", "用地位置"), _f("land_area", "用地面积（平方米）"),
    ]),
    "jsgcghxkz": ("建设工程规划许可证", ZRZY, ORG, None, False, PORTRAIT, [
        _f("company_name", "建设单位"), _f("project_name", "建设项目名称"),
        _f("project_address", "建设位置"), _f("building_area", "建设规模（平方米）"),
    ]),
    "jzgcsgxkz": ("建筑工程施工许可证", ZJJ, ORG, None, False, LICENCE, [
        _f("company_name", "建设单位"), _f("project_code", "项目代码"),
        _f("project_name", "工程名称"), _f("project_address", "建设地址"),
        _f("building_area", "建设规模（平方米）"), _f("contract_price", "合同价格（万元）"),
    ]),
    "spfysxkz": ("商品房预售许可证", ZJJ, ORG, None, False, LICENCE, [
        _f("company_name", "开发企业"), _f("project_name", "项目名称"),
        _f("project_address", "房屋坐落"), _f("building_area", "预售面积（平方米）"),
    ]),
    "psxkz": ("城镇污水排入排水管网许可证", ZJJ, ORG, 5, True, PORTRAIT, [
        _f("company_name", "排水户名称"), _f("registered_address", "排水户地址"),
        _f("sewage_volume", "排水量（立方米/日）"),
    ]),
    "pwxkz": ("排污许可证", STHJ, ORG, 5, True, LICENCE, [
        _f("company_name", "单位名称"), _f("registered_address", "生产经营场所地址"),
        _f("industry", "行业类别"),
    ]),
    "yljgzyxkz": ("医疗机构执业许可证", WJW, ORG, 5, True, LICENCE, [
        _f("company_name", "机构名称"), _f("medical_institution_type", "类别"),
        _f("registered_address", "地址"), _f("legal_rep_name", "法定代表人"),
    ]),
    "ggcswsxkz": ("公共场所卫生许可证", WJW, ORG, 4, True, LICENCE, [
        _f("company_name", "单位名称"), _f("premises_type", "许可项目"),
        _f("registered_address", "地址"),
    ]),
    "sttfrdjzs": ("社会团体法人登记证书", MZJ, ORG, 5, True, LICENCE, [
        _f("company_name", "名称"), _f("legal_rep_name", "法定代表人"),
        _f("registered_address", "住所"), _f("business_scope", "业务范围"),
        _f("registered_capital", "注册资金（万元）"),
    ]),
    "jszgz": ("教师资格证书", JYJ, PERSON, None, False, PORTRAIT, [
        NAME_PRIVATE, _f("teaching_level", "资格种类"),
    ]),
    "pthdjzs": ("普通话水平测试等级证书", JYJ, PERSON, None, True, PORTRAIT, [
        NAME_PRIVATE, _f("level", "等级"),
    ]),
    "dlysjyxkz": ("道路运输经营许可证", JTJ, ORG, 4, True, LICENCE, [
        _f("company_name", "业户名称"), _f("registered_address", "地址"),
        _f("vehicle_count", "车辆数"),
    ]),
    "wyczjsyz": ("网络预约出租汽车驾驶员证", JTJ, PERSON, 6, True, PORTRAIT, [
        NAME_PRIVATE, _f("licence_first_date", "初次领取驾驶证日期", public=False),
    ]),
}  # fmt: skip

ZHANG_SAN = "420502199003071234"
ENTERPRISE = "91420500MA49ABCDED"
HOME_ADDRESS = "宜昌市西陵区夷陵大道58号3栋2单元501室"
OLD_OFFICE = "宜昌市伍家岗区夷陵大道1号宜昌国际广场A座808室"
OFFICE = "宜昌市西陵区发展大道66号宜昌科创园B座1201室"

# (holder ID number or credit code, type, issued how many days ago, data)
CERTIFICATES: list[tuple[str, str, int, dict[str, str]]] = [
    (ZHANG_SAN, "jzz", 40, {"applicant_name": "张三", "residence_address": HOME_ADDRESS}),
    (ZHANG_SAN, "shbzk", 1600, {"applicant_name": "张三"}),
    (ZHANG_SAN, "jdcjsz", 1300, {"applicant_name": "张三", "licence_class": "C1"}),
    (ENTERPRISE, "yyzz", 2500, {
        "company_name": "宜昌示例科技有限公司", "enterprise_type": "有限责任公司",
        "legal_rep_name": "张三", "registered_capital": "500",
        "registered_address": OLD_OFFICE,
        "business_scope": "软件开发；信息技术咨询服务；数据处理和存储支持服务",
    }),
    (ENTERPRISE, "spjyxkz", 500, {
        "company_name": "宜昌示例科技有限公司", "legal_rep_name": "张三",
        "registered_address": OFFICE, "food_business_item": "预包装食品（含冷藏冷冻食品）销售",
    }),
]  # fmt: skip
REVOKED = (ZHANG_SAN, "jdcjsz", "驾驶人记分达到12分且逾期未参加学习考试，依法注销驾驶证。")
# The enterprise moved: its 营业执照 was reissued with the new address (the old one: replaced).
REPLACED = (ENTERPRISE, "yyzz", {"registered_address": OFFICE}, "住所变更，换发营业执照。")
# Department systems that may read certificates: (department, type, purpose).
READ_GRANTS = [
    (GJJ, "bdcqzs", "住房公积金提取审核"),
    (SWJ, "yyzz", "新办纳税人信息确认"),
]


def seed_types() -> dict[str, CertificateType]:
    departments = {o.credit_code: o for o in Organisation.objects.filter(credit_code__in=[
        spec[1] for spec in TYPES.values()
    ])}  # fmt: skip
    types = {}
    for number, (code, (name, department, holder, years, single, layout, fields)) in enumerate(
        TYPES.items(), start=1
    ):
        types[code], _created = CertificateType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "type_code": f"{DEFINING_BODY}{number:03d}",
                "issuing_department": departments.get(department),
                "holder_kind": holder,
                "validity_years": years,
                "one_per_holder": single,
                "layout": layout,
                "fields": fields,
            },
        )
    return types


def _holder(code: str) -> dict[str, Any]:
    user = User.objects.filter(id_number=code).first()
    if user is not None:
        return {"holder_user": user}
    return {"holder_organisation": Organisation.objects.get(credit_code=code)}


def _staff_of(department: Organisation) -> User | None:
    return User.objects.filter(
        memberships__organisation=department, memberships__is_active=True
    ).first()


def seed_certificates(types: dict[str, CertificateType]) -> None:
    today = timezone.localdate()
    for holder_code, type_code, days_ago, data in CERTIFICATES:
        holder = _holder(holder_code)
        if Certificate.objects.filter(type=types[type_code], **holder).exists():
            continue
        issuer = types[type_code].issuing_department
        services.certificate_issue(
            type_code=type_code,
            issuer=issuer,
            data=data,
            actor=_staff_of(issuer),
            issued_on=today - timedelta(days=days_ago),
            **holder,
        )
    holder_code, type_code, reason = REVOKED
    certificate = Certificate.objects.filter(
        type=types[type_code], state=CertificateState.ISSUED, **_holder(holder_code)
    ).first()
    if certificate is not None and not certificate.events.filter(kind=EventKind.REVOKED).exists():
        _as_manager(certificate, lambda actor: services.certificate_revoke(
            certificate=certificate, actor=actor, reason=reason
        ))  # fmt: skip
    holder_code, type_code, change, reason = REPLACED
    current = Certificate.objects.filter(
        type=types[type_code], state=CertificateState.ISSUED, **_holder(holder_code)
    ).first()
    if current is not None and current.version == 1:
        _as_manager(current, lambda actor: services.certificate_replace(
            certificate=current, actor=actor, data=change, reason=reason
        ))  # fmt: skip


def _as_manager(certificate: Certificate, action: Any) -> None:
    """Revoke or replace as the issuing department's demo reviewer (市场监管局: 钱进)."""
    actor = User.objects.filter(
        memberships__organisation=certificate.issuer,
        memberships__role__in=policies.MANAGING_ROLES,
        memberships__is_active=True,
    ).first()
    if actor is not None:
        action(actor)


def seed_read_grants(types: dict[str, CertificateType]) -> None:
    granted_by = User.objects.filter(is_staff=True).order_by("pk").first()
    if granted_by is None:
        return
    for credit_code, type_code, purpose in READ_GRANTS:
        department = Organisation.objects.filter(credit_code=credit_code).first()
        if department is None:
            continue
        DepartmentReadGrant.objects.get_or_create(
            department=department,
            type=types[type_code],
            purpose=purpose,
            defaults={"granted_by": granted_by},
        )


@transaction.atomic
def seed_certificate_library() -> None:
    types = seed_types()
    seed_certificates(types)
    seed_read_grants(types)
