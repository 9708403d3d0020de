"""The demo catalogue of 宜昌市 (`manage.py seed_demo`): matters, implementations, materials,
fees, form fields, themes and bundles (一件事), written through the catalogue services.

Everything is plain data below, in Chinese as a service guide shows it. Time limits are in
working days; the promised limits follow the seeds' target of cutting the statutory limits by
at least 90 % on average. Material and form-field keys are shared across matters (id_card,
business_license, applicant_name …) so that a bundle asks for each thing once.

Codes other issues rely on:
- `CERTIFICATE_TYPES`: e-certificate type codes named by materials (source "certificate") and
  by the certificates matters issue (`result_certificate_type`).
- `SHARED_RESOURCES`: shared data resource codes named by materials (source "shared_data").

Seeding is idempotent: themes, matters and bundles are found by code, and an implementation
whose code already exists is left alone (a catalogue admin may have edited it since).
"""

from decimal import Decimal
from typing import Any

from identity.models import Organisation, Region
from matters import services
from matters.constants import (
    Audience,
    BundleMode,
    CrossRegionScope,
    FieldType,
    HandlingKind,
    MaterialRequirement,
    MaterialSource,
    MatterType,
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

CITY_CODE = "420500000000"

IMMEDIATE = HandlingKind.IMMEDIATE
PROMISED = HandlingKind.PROMISED
INVESTMENT = WindowCategory.INVESTMENT
COMMERCIAL = WindowCategory.COMMERCIAL
LIVELIHOOD = WindowCategory.LIVELIHOOD
PUBLIC_RESOURCES = WindowCategory.PUBLIC_RESOURCES
REQUIRED = MaterialRequirement.REQUIRED
CONDITIONAL = MaterialRequirement.CONDITIONAL

HALL = "宜昌市政务服务中心（宜昌市西陵区沿江大道189号）"
HALL_HOURS = (
    "周一至周五 上午9:00—12:00，下午13:30—17:00（法定节假日除外）；"
    "周六上午9:00—12:00延时服务；网上办理7×24小时"
)

# e-certificate types (electronic licence library, GB/T 36901): code -> name.
CERTIFICATE_TYPES = {
    "yyzz": "营业执照",
    "spjyxkz": "食品经营许可证",
    "ypjyxkz": "药品经营许可证",
    "tzsbsydjz": "特种设备使用登记证",
    "bdcqzs": "不动产权证书",
    "bdcdjzm": "不动产登记证明",
    "csyxzm": "出生医学证明",
    "shbzk": "社会保障卡",
    "cjrz": "残疾人证",
    "jhz": "结婚证",
    "jzz": "居住证",
    "jdcjsz": "机动车驾驶证",
    "ydysyxzyjs": "建设项目用地预审与选址意见书",
    "jsydghxkz": "建设用地规划许可证",
    "jsgcghxkz": "建设工程规划许可证",
    "jzgcsgxkz": "建筑工程施工许可证",
    "spfysxkz": "商品房预售许可证",
    "psxkz": "城镇污水排入排水管网许可证",
    "pwxkz": "排污许可证",
    "yljgzyxkz": "医疗机构执业许可证",
    "ggcswsxkz": "公共场所卫生许可证",
    "sttfrdjzs": "社会团体法人登记证书",
    "jszgz": "教师资格证书",
    "pthdjzs": "普通话水平测试等级证书",
    "dlysjyxkz": "道路运输经营许可证",
    "wyczjsyz": "网络预约出租汽车驾驶员证",
}

# Shared data resources (数据共享交换平台): code -> name.
SHARED_RESOURCES = {
    "hjxx": "户籍信息",
    "sbcbxx": "社会保险参保信息",
    "qydjxx": "企业登记信息",
    "bdcdjxx": "不动产登记信息",
    "wsxx": "不动产交易完税信息",
    "xlxx": "学历学位信息",
}

# Department contacts: department key (portal.demo.DEPARTMENTS) -> (enquiries, where to apply).
DEPARTMENT_DESKS = {
    "zwfw": ("0717-6451200", f"{HALL}一楼公共资源交易综合窗口"),
    "fgw": ("0717-6451216", f"{HALL}二楼投资项目综合窗口"),
    "zrzy": ("0717-6451228", f"{HALL}二楼投资项目综合窗口"),
    "zjj": ("0717-6451235", f"{HALL}二楼投资项目综合窗口"),
    "sthj": ("0717-6451247", f"{HALL}二楼投资项目综合窗口"),
    "scjg": ("0717-6451252", f"{HALL}一楼商事登记综合窗口"),
    "gaj": ("0717-6451263", f"{HALL}三楼民生服务综合窗口（公安）"),
    "rsj": ("0717-6451271", f"{HALL}三楼民生服务综合窗口（人社）"),
    "wjw": ("0717-6451284", f"{HALL}三楼民生服务综合窗口（卫健）"),
    "mzj": ("0717-6451296", f"{HALL}三楼民生服务综合窗口（民政）"),
    "swj": ("0717-6451305", f"{HALL}一楼商事登记综合窗口（税务）"),
    "gjj": ("0717-6451318", f"{HALL}三楼民生服务综合窗口（公积金）"),
    "cl": ("0717-6451322", f"{HALL}三楼民生服务综合窗口（残联）"),
    "jyj": ("0717-6451337", f"{HALL}三楼民生服务综合窗口（教育）"),
    "ybj": ("0717-6451349", f"{HALL}三楼民生服务综合窗口（医保）"),
    "jtj": ("0717-6451356", f"{HALL}一楼商事登记综合窗口（交通运输）"),
}

# (code, name, audience, order)
THEMES = [
    ("person-birth", "生育收养", Audience.PERSON, 1),
    ("person-household", "户籍办理", Audience.PERSON, 2),
    ("person-social-security", "社会保障", Audience.PERSON, 3),
    ("person-education", "教育", Audience.PERSON, 4),
    ("person-disability", "残疾人", Audience.PERSON, 5),
    ("person-housing", "住房", Audience.PERSON, 6),
    ("person-marriage", "婚姻登记", Audience.PERSON, 7),
    ("person-travel", "出境入境", Audience.PERSON, 8),
    ("person-employment", "就业创业", Audience.PERSON, 9),
    ("legal-setup", "设立变更", Audience.LEGAL_PERSON, 1),
    ("legal-licences", "准营准办", Audience.LEGAL_PERSON, 2),
    ("legal-construction", "工程建设", Audience.LEGAL_PERSON, 3),
    ("legal-tax", "税务", Audience.LEGAL_PERSON, 4),
    ("legal-hr", "人力资源", Audience.LEGAL_PERSON, 5),
    ("legal-bidding", "招标投标", Audience.LEGAL_PERSON, 6),
    ("legal-utilities", "水电气报装", Audience.LEGAL_PERSON, 7),
]

# Materials: key -> (name, defaults). The same key means the same material in every matter.
MATERIALS: dict[str, tuple[str, dict[str, Any]]] = {
    # People
    "id_card": (
        "申请人居民身份证",
        {
            "original_count": 1,
            "notes": "窗口办理核验原件；网上办理通过实名认证核验身份，无需上传。",
        },
    ),
    "agent_authorisation": (
        "授权委托书及受托人身份证",
        {
            "requirement": CONDITIONAL,
            "condition_note": "委托他人代为办理的",
            "original_count": 1,
        },
    ),
    "photo": (
        "近期正面免冠彩色证件照片",
        {"original_count": 1, "notes": "白色背景；可在大厅自助拍照设备免费拍摄。"},
    ),
    "household_register": (
        "居民户口簿",
        {
            "source": MaterialSource.SHARED_DATA,
            "shared_resource": "hjxx",
            "notes": "通过户籍信息共享核验，无需提交户口簿。",
        },
    ),
    "marriage_certificate": (
        "结婚证",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "jhz"},
    ),
    "birth_certificate": (
        "出生医学证明",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "csyxzm"},
    ),
    "residence_permit": (
        "居住证",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "jzz"},
    ),
    "insurance_record": (
        "社会保险参保缴费记录",
        {
            "source": MaterialSource.SHARED_DATA,
            "shared_resource": "sbcbxx",
            "notes": "通过社保参保信息共享获取，无需到社保经办机构打印。",
        },
    ),
    "academic_record": (
        "学历学位证书",
        {"source": MaterialSource.SHARED_DATA, "shared_resource": "xlxx"},
    ),
    "couple_photo": (
        "双方近期半身免冠合影照片",
        {"original_count": 3, "notes": "2寸红底，可在婚姻登记处现场拍摄。"},
    ),
    "guardian_proof": (
        "监护人身份证及监护关系证明",
        {
            "requirement": CONDITIONAL,
            "condition_note": "由监护人代为申请的",
            "original_count": 1,
        },
    ),
    "bank_card": ("本人银行借记卡", {"copy_count": 1}),
    # Enterprises
    "business_license": (
        "营业执照",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "yyzz"},
    ),
    "enterprise_registration_info": (
        "企业登记信息",
        {
            "source": MaterialSource.SHARED_DATA,
            "shared_resource": "qydjxx",
            "notes": "企业登记信息由市场监管部门实时推送，无需提交营业执照。",
        },
    ),
    "registration_application": (
        "公司登记（备案）申请书",
        {"original_count": 1, "notes": "网上填报后全体股东电子签名生成。"},
    ),
    "company_articles": (
        "公司章程",
        {"original_count": 1, "notes": "可选用章程示范文本在线生成。"},
    ),
    "shareholder_ids": ("股东（发起人）主体资格证明或自然人身份证明", {"copy_count": 1}),
    "officer_appointment": (
        "法定代表人、董事、监事和高级管理人员的任职文件及身份证明",
        {"original_count": 1},
    ),
    "lease_contract": (
        "住所（经营场所）使用证明",
        {
            "copy_count": 1,
            "notes": "自有房产通过不动产登记信息共享核验；实行住所申报承诺制的，"
            "可提交《住所（经营场所）申报承诺书》代替。",
        },
    ),
    "change_application": ("变更登记申请书", {"original_count": 1}),
    "shareholder_resolution": ("股东会决议或股东决定", {"original_count": 1}),
    "deregistration_commitment": ("全体投资人简易注销承诺书", {"original_count": 1}),
    "bank_account": (
        "单位银行结算账户信息",
        {"copy_count": 1, "notes": "开户许可已取消，提供开户银行出具的账户信息即可。"},
    ),
    "employee_list": ("职工花名册", {"original_count": 1}),
    # Licences for business
    "food_application": ("食品经营许可申请书", {"original_count": 1}),
    "premises_layout": ("经营场所平面布局图及设备布局、操作流程图", {"copy_count": 1}),
    "food_safety_rules": ("保证食品安全的规章制度", {"copy_count": 1}),
    "food_safety_manager": ("食品安全管理人员名单及培训考核合格证明", {"copy_count": 1}),
    "drug_application": ("药品经营许可证申请表", {"original_count": 1}),
    "pharmacist_certificate": ("执业药师注册证", {"copy_count": 1}),
    "quality_rules": ("药品质量管理制度文件", {"copy_count": 1}),
    "equipment_registration_form": ("特种设备使用登记表", {"original_count": 2}),
    "equipment_certificate": ("特种设备产品合格证（含产品数据表）", {"copy_count": 1}),
    "inspection_certificate": ("特种设备监督检验证明", {"copy_count": 1}),
    "seal_filing_form": ("印章刻制备案登记表", {"original_count": 1}),
    "medical_application": ("医疗机构执业登记申请书", {"original_count": 1}),
    "medical_staff": ("医务人员执业证书", {"copy_count": 1}),
    "medical_rules": ("医疗机构规章制度及诊疗科目设置说明", {"copy_count": 1}),
    "hygiene_application": ("公共场所卫生许可申请表", {"original_count": 1}),
    "hygiene_commitment": ("公共场所卫生许可告知承诺书", {"original_count": 1}),
    "transport_application": ("道路货物运输经营申请表", {"original_count": 1}),
    "vehicle_commitment": ("拟投入车辆承诺书", {"original_count": 1}),
    "transport_safety_rules": ("安全生产管理制度文本", {"copy_count": 1}),
    "driving_licence": (
        "机动车驾驶证",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "jdcjsz"},
    ),
    "no_crime_commitment": ("无犯罪记录和驾驶安全承诺书", {"original_count": 1}),
    "association_application": ("社会团体成立登记申请书", {"original_count": 1}),
    "association_articles": ("社会团体章程草案", {"original_count": 1}),
    "sponsor_approval": ("业务主管单位批准文件", {"original_count": 1}),
    "capital_proof": ("验资报告或资金来源证明", {"original_count": 1}),
    # Tax
    "tax_info_form": (
        "新办纳税人涉税事项综合申请表",
        {"original_count": 1, "notes": "电子税务局在线填报，信息已预填。"},
    ),
    "tax_permit_application": ("税务行政许可申请表", {"original_count": 1}),
    "deed_tax_return": ("契税纳税申报表", {"original_count": 1}),
    # Social insurance and housing fund
    "social_insurance_form": ("社会保险登记表（单位）", {"original_count": 1}),
    "housing_fund_form": ("住房公积金单位缴存登记表", {"original_count": 1}),
    "housing_loan_application": ("住房公积金个人住房贷款申请表", {"original_count": 1}),
    "income_proof": ("借款人及配偶收入证明", {"original_count": 1}),
    "unemployment_proof": ("解除或终止劳动关系证明", {"copy_count": 1}),
    # Property
    "property_certificate": (
        "不动产权证书",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "bdcqzs"},
    ),
    "property_registration_info": (
        "不动产登记信息",
        {
            "source": MaterialSource.SHARED_DATA,
            "shared_resource": "bdcdjxx",
            "notes": "通过不动产登记信息共享核验，无需提交不动产权证书。",
        },
    ),
    "sale_contract": ("不动产买卖合同（网签备案合同）", {"original_count": 1}),
    "tax_payment_proof": (
        "不动产交易完税凭证",
        {"source": MaterialSource.SHARED_DATA, "shared_resource": "wsxx"},
    ),
    "mortgage_contract": ("抵押合同及主债权合同", {"original_count": 1}),
    "registration_form": ("不动产登记申请书", {"original_count": 1}),
    # Investment projects
    "project_filing_form": ("企业投资项目备案信息表", {"original_count": 1}),
    "project_application_report": ("项目申请报告", {"original_count": 1}),
    "land_pre_review": (
        "建设项目用地预审与选址意见书",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "ydysyxzyjs"},
    ),
    "project_approval": (
        "项目批准、核准或备案文件",
        {"copy_count": 1, "notes": "通过投资项目在线审批监管平台共享，填写项目代码即可。"},
    ),
    "land_contract": ("国有建设用地使用权出让合同或划拨决定书", {"copy_count": 1}),
    "site_plan": ("建设项目总平面图（设计方案）", {"original_count": 1}),
    "land_planning_permit": (
        "建设用地规划许可证",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "jsydghxkz"},
    ),
    "project_planning_permit": (
        "建设工程规划许可证",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "jsgcghxkz"},
    ),
    "construction_permit_application": ("建筑工程施工许可申请表", {"original_count": 1}),
    "contractor_award": ("中标通知书或直接发包备案材料及施工合同", {"copy_count": 1}),
    "drawing_review": ("施工图设计文件审查合格书", {"copy_count": 1}),
    "funding_commitment": ("建设资金已经落实承诺书", {"original_count": 1}),
    "quality_safety_measures": ("保证工程质量和安全的具体措施", {"original_count": 1}),
    "presale_application": ("商品房预售许可申请表", {"original_count": 1}),
    "presale_plan": ("商品房预售方案", {"original_count": 1}),
    "eia_application": ("建设项目环境影响评价文件审批申请书", {"original_count": 1}),
    "eia_report_book": ("环境影响报告书（全本及公开删除说明）", {"original_count": 1}),
    "eia_report_table": ("环境影响报告表", {"original_count": 1}),
    "eia_commitment": ("环评审批告知承诺书", {"original_count": 1}),
    "discharge_application": ("排污许可证申请表", {"original_count": 1}),
    "discharge_monitoring_plan": ("自行监测方案", {"original_count": 1}),
    # Utilities and roads
    "power_connection_form": ("用电报装申请表", {"original_count": 1}),
    "water_connection_form": ("用水报装申请表", {"original_count": 1}),
    "gas_connection_form": ("用气报装申请表", {"original_count": 1}),
    "excavation_application": ("占用、挖掘城市道路申请表", {"original_count": 1}),
    "excavation_plan": ("施工方案、设计图及交通疏解方案", {"original_count": 1}),
    "drainage_application": ("城镇污水排入排水管网许可申请表", {"original_count": 1}),
    "drainage_plan": ("排水户内部排水管网、专用检测井、排放口位置图", {"original_count": 1}),
    # Births, family, disability, education
    "birth_certificate_form": ("出生医学证明首次签发登记表", {"original_count": 1}),
    "marriage_declaration": (
        "不存在禁止结婚情形的双方签字声明",
        {"original_count": 1, "notes": "在婚姻登记员面前现场签署。"},
    ),
    "adoption_application": ("收养登记申请书", {"original_count": 1}),
    "adopter_health": ("收养人县级以上医疗机构出具的体检证明", {"original_count": 1}),
    "adoptee_proof": ("被收养人出生证明及送养人、社会福利机构相关证明", {"original_count": 1}),
    "disability_assessment": (
        "残疾评定表",
        {"original_count": 1, "notes": "由市残联指定的评定医院出具。"},
    ),
    "old_disability_card": (
        "原残疾人证",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "cjrz"},
    ),
    "health_exam": ("申请认定教师资格人员体格检查表", {"original_count": 1}),
    "mandarin_certificate": (
        "普通话水平测试等级证书",
        {"source": MaterialSource.CERTIFICATE, "certificate_type": "pthdjzs"},
    ),
    "teacher_exam": ("中小学教师资格考试合格证明", {"copy_count": 1}),
    # Public resource trading
    "integrity_commitment": ("市场主体诚信承诺书", {"original_count": 1}),
    "bid_deposit_receipt": ("投标保证金缴纳凭证", {"copy_count": 1}),
    # Medical insurance
    "medical_filing_commitment": ("异地就医备案个人承诺书", {"original_count": 1}),
}

# Form fields: key -> (label, type, options). The same key is the same question everywhere.
FIELDS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "applicant_name": ("申请人姓名", FieldType.TEXT, {"max_length": 50, "prefill": "hjxx.name"}),
    "applicant_id_number": (
        "申请人公民身份号码",
        FieldType.ID_NUMBER,
        {"prefill": "hjxx.id_number"},
    ),
    "contact_phone": ("联系电话", FieldType.PHONE, {}),
    "mailing_address": (
        "邮寄地址",
        FieldType.ADDRESS,
        {"required": False, "help_text": "选择快递寄送结果时填写。"},
    ),
    "residence_address": ("现居住地址", FieldType.ADDRESS, {"prefill": "hjxx.address"}),
    "company_name": (
        "企业（单位）名称",
        FieldType.TEXT,
        {"max_length": 100, "prefill": "qydjxx.name"},
    ),
    "credit_code": ("统一社会信用代码", FieldType.CREDIT_CODE, {"prefill": "qydjxx.credit_code"}),
    "registered_address": ("住所（经营场所）", FieldType.ADDRESS, {"prefill": "qydjxx.address"}),
    "legal_rep_name": (
        "法定代表人（负责人）姓名",
        FieldType.TEXT,
        {"max_length": 50, "prefill": "qydjxx.legal_representative"},
    ),
    "enterprise_type": (
        "企业类型",
        FieldType.CHOICE,
        {
            "choices": [
                "有限责任公司",
                "股份有限公司",
                "个人独资企业",
                "合伙企业",
                "农民专业合作社",
            ]
        },
    ),
    "registered_capital": ("注册资本（万元）", FieldType.NUMBER, {}),
    "business_scope": ("经营范围", FieldType.TEXT, {"max_length": 2000}),
    "employee_count": ("职工人数", FieldType.NUMBER, {}),
    "change_item": (
        "变更事项",
        FieldType.CHOICE,
        {"choices": ["名称", "住所", "法定代表人", "注册资本", "经营范围", "股东（发起人）"]},
    ),
    "food_business_item": (
        "经营项目",
        FieldType.CHOICE,
        {
            "choices": [
                "预包装食品销售",
                "散装食品销售",
                "热食类食品制售",
                "冷食类食品制售",
                "糕点类食品制售",
                "自制饮品制售",
            ]
        },
    ),
    "equipment_category": (
        "设备种类",
        FieldType.CHOICE,
        {"choices": ["电梯", "锅炉", "压力容器", "起重机械", "场（厂）内专用机动车辆"]},
    ),
    "equipment_address": ("设备使用地点", FieldType.ADDRESS, {}),
    "seal_set": (
        "刻制印章",
        FieldType.CHOICE,
        {
            "choices": [
                "基础套章（公章、财务专用章、发票专用章、合同专用章、法定代表人名章）",
                "单枚印章",
            ]
        },
    ),
    "taxpayer_type": ("纳税人类型", FieldType.CHOICE, {"choices": ["小规模纳税人", "一般纳税人"]}),
    "invoice_type": (
        "申领发票种类",
        FieldType.CHOICE,
        {"choices": ["数电发票（普通发票）", "数电发票（增值税专用发票）", "暂不申领"]},
    ),
    "invoice_limit": (
        "申请最高开票限额",
        FieldType.CHOICE,
        {"choices": ["十万元", "一百万元", "一千万元"]},
    ),
    "deposit_ratio": (
        "住房公积金缴存比例",
        FieldType.CHOICE,
        {"choices": ["5%", "6%", "8%", "10%", "12%"]},
    ),
    "child_name": ("新生儿（子女）姓名", FieldType.TEXT, {"max_length": 50}),
    "child_gender": ("新生儿（子女）性别", FieldType.CHOICE, {"choices": ["男", "女"]}),
    "child_birth_date": ("新生儿（子女）出生日期", FieldType.DATE, {}),
    "child_id_number": ("子女公民身份号码", FieldType.ID_NUMBER, {}),
    "birth_hospital": ("出生地点（助产机构）", FieldType.TEXT, {"max_length": 100}),
    "father_name": ("父亲姓名", FieldType.TEXT, {"max_length": 50}),
    "father_id_number": ("父亲公民身份号码", FieldType.ID_NUMBER, {}),
    "mother_name": ("母亲姓名", FieldType.TEXT, {"max_length": 50}),
    "mother_id_number": ("母亲公民身份号码", FieldType.ID_NUMBER, {}),
    "spouse_name": ("配偶姓名", FieldType.TEXT, {"max_length": 50}),
    "spouse_id_number": ("配偶公民身份号码", FieldType.ID_NUMBER, {}),
    "birth_order": (
        "生育子女孩次",
        FieldType.CHOICE,
        {"choices": ["第一个子女", "第二个子女", "第三个及以上子女"]},
    ),
    "move_reason": (
        "迁入类别",
        FieldType.CHOICE,
        {"choices": ["购房落户", "投靠亲属", "就业落户", "人才引进", "大中专院校学生"]},
    ),
    "origin_address": ("原户籍地址", FieldType.ADDRESS, {}),
    "travel_purpose": (
        "出境事由",
        FieldType.CHOICE,
        {"choices": ["旅游", "探亲访友", "商务", "留学", "就业", "其他"]},
    ),
    "disability_category": (
        "残疾类别",
        FieldType.CHOICE,
        {
            "choices": [
                "视力残疾",
                "听力残疾",
                "言语残疾",
                "肢体残疾",
                "智力残疾",
                "精神残疾",
                "多重残疾",
            ]
        },
    ),
    "guardian_name": (
        "监护人姓名",
        FieldType.TEXT,
        {"required": False, "max_length": 50, "help_text": "未成年人或无民事行为能力人填写。"},
    ),
    "insured_category": (
        "参保人员类别",
        FieldType.CHOICE,
        {"choices": ["新生儿", "中小学生和儿童", "大学生", "其他城乡居民"]},
    ),
    "medical_filing_type": (
        "备案类型",
        FieldType.CHOICE,
        {"choices": ["异地长期居住", "常驻异地工作", "异地转诊就医", "临时外出就医"]},
    ),
    "medical_destination": ("就医地（省、市）", FieldType.TEXT, {"max_length": 50}),
    "start_date": ("开始日期", FieldType.DATE, {}),
    "teaching_level": (
        "申请认定教师资格种类",
        FieldType.CHOICE,
        {"choices": ["幼儿园", "小学", "初级中学", "高级中学", "中等职业学校"]},
    ),
    "project_name": ("项目名称", FieldType.TEXT, {"max_length": 200}),
    "project_code": (
        "项目代码",
        FieldType.TEXT,
        {
            "pattern": r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$",
            "help_text": "投资项目在线审批监管平台赋予的代码，如 2501-420500-04-01-123456。",
        },
    ),
    "project_address": ("建设地点", FieldType.ADDRESS, {}),
    "total_investment": ("总投资（万元）", FieldType.NUMBER, {}),
    "construction_scale": ("建设规模及内容", FieldType.TEXT, {"max_length": 2000}),
    "land_area": ("用地面积（平方米）", FieldType.NUMBER, {}),
    "building_area": ("建筑面积（平方米）", FieldType.NUMBER, {}),
    "contract_price": ("合同价格（万元）", FieldType.NUMBER, {}),
    "property_address": ("不动产坐落", FieldType.ADDRESS, {}),
    "property_unit_number": (
        "不动产单元号",
        FieldType.TEXT,
        {
            "pattern": r"^\d{12}[A-Z]{2}\d{5}[A-Z]\d{8}$",
            "help_text": "28位，见不动产权证书。",
        },
    ),
    "house_use": ("房屋用途", FieldType.CHOICE, {"choices": ["住宅", "非住宅"]}),
    "transaction_price": ("成交价格（万元）", FieldType.NUMBER, {}),
    "loan_amount": ("贷款金额（万元）", FieldType.NUMBER, {}),
    "loan_term_years": ("贷款期限（年）", FieldType.NUMBER, {}),
    "mortgagee": ("抵押权人", FieldType.TEXT, {"max_length": 100}),
    "withdrawal_reason": (
        "提取原因",
        FieldType.CHOICE,
        {"choices": ["购买自住住房", "偿还购房贷款本息", "租赁自住住房", "离休退休"]},
    ),
    "bank_account_number": (
        "收款银行卡号",
        FieldType.TEXT,
        {"pattern": r"^\d{12,19}$", "help_text": "本人一类借记卡卡号。"},
    ),
    "connection_address": ("报装地址", FieldType.ADDRESS, {}),
    "power_capacity": ("申请用电容量（千伏安）", FieldType.NUMBER, {}),
    "water_use": (
        "用水性质",
        FieldType.CHOICE,
        {"choices": ["居民生活用水", "非居民用水", "特种用水"]},
    ),
    "gas_use": ("用气性质", FieldType.CHOICE, {"choices": ["居民用户", "工商业用户"]}),
    "excavation_length": ("占用挖掘道路长度（米）", FieldType.NUMBER, {}),
    "sewage_volume": ("日排水量（吨）", FieldType.NUMBER, {}),
    "industry": ("行业类别", FieldType.TEXT, {"max_length": 100}),
    "medical_institution_type": (
        "医疗机构类别",
        FieldType.CHOICE,
        {"choices": ["诊所", "门诊部", "医院", "卫生院", "其他"]},
    ),
    "premises_type": (
        "公共场所类别",
        FieldType.CHOICE,
        {"choices": ["住宿场所", "沐浴场所", "美容美发场所", "游泳场所", "其他"]},
    ),
    "vehicle_count": ("拟投入车辆数", FieldType.NUMBER, {}),
    "licence_first_date": ("初次领取机动车驾驶证日期", FieldType.DATE, {}),
    "market_role": (
        "交易主体类型",
        FieldType.CHOICE,
        {"choices": ["招标人", "投标人", "招标代理机构", "政府采购供应商"]},
    ),
    "tender_project_code": ("招标项目编号", FieldType.TEXT, {"max_length": 50}),
}

PROPERTY_FEE_BASIS = (
    "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）"
)
PROPERTY_FEE_WAIVER = (
    "《财政部 国家发展改革委关于不动产登记收费有关政策问题的通知》（财税〔2016〕79号）；"
    "小微企业免收：《财政部 国家发展改革委关于减免部分行政事业性收费有关政策的通知》"
    "（财税〔2019〕45号）"
)

# The matters and their 宜昌市 implementations. Keys that are not matter attributes,
# materials, fields or fees are the version's own elements (ImplementationVersion fields).
CATALOGUE: list[dict[str, Any]] = [
    # ---- 市场监督管理局 ------------------------------------------------------------------
    {
        "basic_code": "000106001000",
        "name": "企业设立登记",
        "matter_type": MatterType.LICENSING,
        "department": "scjg",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-setup"],
        "legal_basis": "《中华人民共和国公司法》；《中华人民共和国市场主体登记管理条例》"
        "第三条、第十九条；《中华人民共和国市场主体登记管理条例实施细则》",
        "conditions": "1. 企业名称符合《企业名称登记管理规定》，经自主申报通过；"
        "2. 住所（经营场所）真实、合法；3. 申请材料齐全、符合法定形式。",
        "process": "网上申报（企业开办“一网通办”平台）→ 全体股东电子签名 → 登记机关形式审查 "
        "→ 当场登记 → 同步生成电子营业执照，纸质执照免费寄递。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 3,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "notification_commitment": True,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "营业执照",
        "result_certificate_type": "yyzz",
        "materials": [
            "registration_application",
            "company_articles",
            "shareholder_ids",
            "officer_appointment",
            ("lease_contract", {"tolerable": True}),
            "id_card",
            "agent_authorisation",
        ],
        "fields": [
            "company_name",
            "enterprise_type",
            "registered_capital",
            "registered_address",
            "business_scope",
            "applicant_name",
            "applicant_id_number",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000106002000",
        "name": "企业变更登记",
        "matter_type": MatterType.LICENSING,
        "department": "scjg",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-setup"],
        "legal_basis": "《中华人民共和国公司法》；《中华人民共和国市场主体登记管理条例》"
        "第二十四条至第二十九条",
        "conditions": "市场主体变更登记事项的，应当自作出变更决议、决定或者法定变更事项发生"
        "之日起30日内申请变更登记；申请材料齐全、符合法定形式。",
        "process": "网上申报 → 形式审查 → 当场变更 → 换发营业执照（电子营业执照同步更新）。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 3,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "营业执照",
        "result_certificate_type": "yyzz",
        "materials": [
            "change_application",
            "business_license",
            "shareholder_resolution",
            (
                "company_articles",
                {"requirement": CONDITIONAL, "condition_note": "变更事项涉及章程修改的"},
            ),
            "agent_authorisation",
        ],
        "fields": ["company_name", "credit_code", "change_item", "applicant_name", "contact_phone"],
    },
    {
        "basic_code": "000106003000",
        "name": "企业简易注销登记",
        "matter_type": MatterType.LICENSING,
        "department": "scjg",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-setup"],
        "legal_basis": "《中华人民共和国市场主体登记管理条例》第三十三条；"
        "《市场监管总局 海关总署 税务总局关于进一步完善简易注销登记便捷中小微企业市场退出的"
        "通知》（国市监注发〔2021〕45号）",
        "conditions": "未发生债权债务或者已将债权债务清偿完结，未发生或者已结清清偿费用、职工"
        "工资、社会保险费用、法定补偿金、应缴纳税款（滞纳金、罚款），并由全体投资人书面"
        "承诺对上述情况的真实性承担法律责任；经20日公示期无异议。",
        "process": "国家企业信用信息公示系统公示20日 → 公示期满网上申请 → 当场注销。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 3,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "notification_commitment": True,
        "result_name": "准予注销登记通知书",
        "materials": ["deregistration_commitment", "business_license", "agent_authorisation"],
        "fields": ["company_name", "credit_code", "applicant_name", "contact_phone"],
    },
    {
        "basic_code": "000106004000",
        "name": "个体工商户设立登记",
        "matter_type": MatterType.LICENSING,
        "department": "scjg",
        "audience": Audience.PERSON,
        "themes": ["legal-setup", "person-employment"],
        "legal_basis": "《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》",
        "conditions": "有经营能力的自然人；经营场所真实、合法；申请材料齐全、符合法定形式。",
        "process": "网上或掌上申报 → 形式审查 → 当场登记 → 电子营业执照即时生成。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 3,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "notification_commitment": True,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "营业执照",
        "result_certificate_type": "yyzz",
        "materials": ["id_card", ("lease_contract", {"tolerable": True})],
        "fields": [
            "company_name",
            "registered_address",
            "business_scope",
            "applicant_name",
            "applicant_id_number",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000106005000",
        "name": "食品经营许可",
        "matter_type": MatterType.LICENSING,
        "department": "scjg",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-licences"],
        "legal_basis": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》"
        "（国家市场监督管理总局令第78号）",
        "conditions": "1. 具有与经营的食品品种、数量相适应的经营场所；2. 有食品安全管理人员"
        "和保证食品安全的规章制度；3. 设备布局和工艺流程合理。选择告知承诺的，书面承诺"
        "符合条件即可当场发证，事后核查。",
        "process": "网上申请 → 受理 → 审查（告知承诺的当场作出决定）→ 现场核查（承诺的事后"
        "核查）→ 发证（电子许可证同步生成）。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 10,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "notification_commitment": True,
        "result_name": "食品经营许可证",
        "result_certificate_type": "spjyxkz",
        "materials": [
            "food_application",
            "business_license",
            ("premises_layout", {"tolerable": True}),
            ("food_safety_rules", {"tolerable": True}),
            ("food_safety_manager", {"tolerable": True}),
            "agent_authorisation",
        ],
        "fields": [
            "company_name",
            "credit_code",
            "registered_address",
            "food_business_item",
            "applicant_name",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000106006000",
        "name": "药品零售企业经营许可",
        "matter_type": MatterType.LICENSING,
        "department": "scjg",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-licences"],
        "legal_basis": "《中华人民共和国药品管理法》第五十一条、第五十二条；"
        "《药品经营和使用质量监督管理办法》（国家市场监督管理总局令第84号）",
        "conditions": "1. 依法经过资格认定的药师或者其他药学技术人员；2. 与所经营药品相适应的"
        "营业场所、设备、仓储设施和卫生环境；3. 质量管理机构或者人员；4. 保证药品质量的"
        "规章制度，符合药品经营质量管理规范要求。",
        "process": "网上申请 → 受理 → 材料审查 → 现场检查 → 决定 → 发证。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 3,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "result_name": "药品经营许可证",
        "result_certificate_type": "ypjyxkz",
        "materials": [
            "drug_application",
            "business_license",
            "pharmacist_certificate",
            "lease_contract",
            ("quality_rules", {"tolerable": True}),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "registered_address",
            "legal_rep_name",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000106007000",
        "name": "特种设备使用登记",
        "matter_type": MatterType.LICENSING,
        "department": "scjg",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-licences"],
        "legal_basis": "《中华人民共和国特种设备安全法》第三十三条；《特种设备使用管理规则》"
        "（TSG 08—2017）",
        "conditions": "特种设备在投入使用前或者投入使用后30日内，使用单位向登记机关办理"
        "使用登记；设备经监督检验合格。",
        "process": "网上申请 → 受理 → 审查 → 发证（使用登记证及登记标志）。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 15,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "result_name": "特种设备使用登记证",
        "result_certificate_type": "tzsbsydjz",
        "materials": [
            "equipment_registration_form",
            "business_license",
            "equipment_certificate",
            "inspection_certificate",
        ],
        "fields": [
            "company_name",
            "credit_code",
            "equipment_category",
            "equipment_address",
            "contact_phone",
        ],
    },
    # ---- 公安局 ------------------------------------------------------------------------
    {
        "basic_code": "001007001000",
        "name": "公章刻制备案",
        "matter_type": MatterType.OTHER_POWER,
        "department": "gaj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-setup"],
        "legal_basis": "《印铸刻字业暂行管理规则》；《国务院关于第三批取消中央指定地方实施行政"
        "许可事项的决定》（国发〔2017〕7号）",
        "conditions": "依法设立的企业、单位；刻章企业具备公安机关备案的刻制资质。",
        "process": "网上选择刻章企业 → 刻章企业刻制并上传印模 → 公安机关即时备案 → 印章免费"
        "寄递或随营业执照一并领取。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 1,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "window_category": COMMERCIAL,
        "result_name": "印章刻制备案信息",
        "materials": [
            "enterprise_registration_info",
            "seal_filing_form",
            "id_card",
            "agent_authorisation",
        ],
        "fields": ["company_name", "credit_code", "seal_set", "applicant_name", "contact_phone"],
    },
    {
        "basic_code": "000707002000",
        "name": "出生登记（新生儿入户）",
        "matter_type": MatterType.CONFIRMATION,
        "department": "gaj",
        "audience": Audience.PERSON,
        "themes": ["person-birth", "person-household"],
        "legal_basis": "《中华人民共和国户口登记条例》第七条",
        "conditions": "婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地户口登记"
        "机关申报出生登记。",
        "process": "网上申报 → 户籍民警审核（出生医学证明电子证照核验）→ 登记 → 户口簿"
        "增页免费寄递。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 20,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "居民户口簿（出生登记）",
        "materials": [
            "birth_certificate",
            "household_register",
            (
                "marriage_certificate",
                {"requirement": CONDITIONAL, "condition_note": "父母为已婚的"},
            ),
            "id_card",
        ],
        "fields": [
            "child_name",
            "child_gender",
            "child_birth_date",
            "father_name",
            "father_id_number",
            "mother_name",
            "mother_id_number",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000707003000",
        "name": "户籍迁入",
        "matter_type": MatterType.CONFIRMATION,
        "department": "gaj",
        "audience": Audience.PERSON,
        "themes": ["person-household"],
        "legal_basis": "《中华人民共和国户口登记条例》第十三条；《国务院关于进一步推进户籍"
        "制度改革的意见》（国发〔2014〕25号）",
        "conditions": "在宜昌城区有合法稳定住所（含租赁）或合法稳定就业的，本人及其共同居住"
        "生活的配偶、子女、父母可申请落户；跨省迁入的，迁入地“一站式”办理，无需回迁出地。",
        "process": "网上申请 → 迁入地审核 → 准予迁入 → 迁出地网上办理迁出 → 迁入登记 → "
        "领取户口簿。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 1,
        "visits_required": 1,
        "online_depth": 3,
        "supports_appointment": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.NATIONWIDE,
        "result_name": "居民户口簿（迁入登记）",
        "materials": [
            "id_card",
            "household_register",
            (
                "property_certificate",
                {"requirement": CONDITIONAL, "condition_note": "以购房落户的"},
            ),
            (
                "marriage_certificate",
                {"requirement": CONDITIONAL, "condition_note": "夫妻投靠的"},
            ),
            (
                "insurance_record",
                {"requirement": CONDITIONAL, "condition_note": "以就业落户的"},
            ),
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "move_reason",
            "origin_address",
            "residence_address",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000707004000",
        "name": "居民身份证申领",
        "matter_type": MatterType.CONFIRMATION,
        "department": "gaj",
        "audience": Audience.PERSON,
        "themes": ["person-household"],
        "legal_basis": "《中华人民共和国居民身份证法》第八条、第九条、第十一条",
        "conditions": "居住在中华人民共和国境内的年满十六周岁的中国公民应当申请领取；"
        "未满十六周岁的可以申请领取。换领、补领可在全国任一受理点异地办理。",
        "process": "预约 → 现场采集人像和指纹 → 受理 → 制证 → 窗口领取或邮寄。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 60,
        "promised_limit_days": 10,
        "visits_required": 1,
        "online_depth": 3,
        "supports_appointment": True,
        "delivery_post": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.NATIONWIDE,
        "result_name": "居民身份证",
        "materials": ["household_register", "photo"],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "residence_address",
            "contact_phone",
            "mailing_address",
        ],
        "fees": [
            {
                "name": "居民身份证工本费",
                "amount": Decimal("20.00"),
                "basis": "《中华人民共和国居民身份证法》第二十条；《国家发展改革委 财政部"
                "关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）",
                "waivable": True,
                "waiver_basis": "《中华人民共和国居民身份证法》第二十条：城市中领取最低生活保障金"
                "的居民、农村中有特殊生活困难的居民初次申领和换领时免收，其他生活确有困难的"
                "居民可以减收。",
            }
        ],
    },
    {
        "basic_code": "000107005000",
        "name": "普通护照签发",
        "matter_type": MatterType.LICENSING,
        "department": "gaj",
        "audience": Audience.PERSON,
        "themes": ["person-travel"],
        "legal_basis": "《中华人民共和国护照法》第五条、第六条；《中华人民共和国出境入境管理法》",
        "conditions": "中国公民因前往外国定居、探亲、学习、就业、旅行、从事商务活动等非公务"
        "原因出国的，可凭居民身份证在全国任一出入境接待大厅申请。",
        "process": "网上预约 → 现场采集照片指纹并受理 → 审批 → 制证 → 窗口领取或邮寄。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 15,
        "promised_limit_days": 7,
        "visits_required": 1,
        "online_depth": 3,
        "supports_appointment": True,
        "delivery_post": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.NATIONWIDE,
        "result_name": "普通护照",
        "hall_address": f"{HALL}三楼出入境接待大厅",
        "materials": ["id_card", ("photo", {"notes": "现场免费采集数字相片。"})],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "travel_purpose",
            "contact_phone",
            "mailing_address",
        ],
        "fees": [
            {
                "name": "普通护照工本费",
                "amount": Decimal("120.00"),
                "basis": "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》"
                "（发改价格规〔2019〕914号）",
            }
        ],
    },
    # ---- 人力资源和社会保障局 ----------------------------------------------------------
    {
        "basic_code": "000708001000",
        "name": "社会保险登记（单位参保登记）",
        "matter_type": MatterType.CONFIRMATION,
        "department": "rsj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-hr", "legal-setup"],
        "legal_basis": "《中华人民共和国社会保险法》第五十七条；《社会保险费征缴暂行条例》",
        "conditions": "用人单位应当自成立之日起三十日内申请办理社会保险登记；企业设立登记信息"
        "通过数据共享推送，实现“多证合一”。",
        "process": "网上申请（开办企业一件事同步推送）→ 审核 → 登记 → 生成单位社会保险编号。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 15,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "社会保险登记信息（单位编号）",
        "materials": [
            "enterprise_registration_info",
            "social_insurance_form",
            ("bank_account", {"tolerable": True}),
            (
                "employee_list",
                {"requirement": CONDITIONAL, "condition_note": "已招用职工的"},
            ),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "registered_address",
            "legal_rep_name",
            "employee_count",
            "contact_phone",
        ],
    },
    {
        "basic_code": "002008002000",
        "name": "社会保障卡申领",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "rsj",
        "audience": Audience.PERSON,
        "themes": ["person-social-security", "person-birth"],
        "legal_basis": "《中华人民共和国社会保险法》第五十八条；《国务院办公厅关于加快推进"
        "政务服务“跨省通办”的指导意见》（国办发〔2020〕35号）",
        "conditions": "参加社会保险或有参保需求的人员，含新生儿；已有社会保障卡的不再重复申领。",
        "process": "网上申请（上传或共享照片）→ 审核 → 即时制卡或批量制卡 → 邮寄或合作银行"
        "网点领取，电子社保卡同步签发。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 20,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.NATIONWIDE,
        "result_name": "社会保障卡",
        "result_certificate_type": "shbzk",
        "materials": [
            "id_card",
            (
                "household_register",
                {"requirement": CONDITIONAL, "condition_note": "未满十六周岁未办理身份证的"},
            ),
            "photo",
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "contact_phone",
            "mailing_address",
        ],
    },
    {
        "basic_code": "002008003000",
        "name": "失业登记",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "rsj",
        "audience": Audience.PERSON,
        "themes": ["person-employment", "person-social-security"],
        "legal_basis": "《中华人民共和国就业促进法》；《就业服务与就业管理规定》"
        "（劳动和社会保障部令第28号）",
        "conditions": "法定劳动年龄内、有劳动能力、有就业要求、处于无业状态的人员，可在常住地"
        "进行失业登记。",
        "process": "网上申请 → 即时登记 → 提供就业指导、职业介绍等公共就业服务。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 15,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "就业创业证（电子）",
        "materials": [
            "id_card",
            "insurance_record",
            ("unemployment_proof", {"tolerable": True}),
        ],
        "fields": ["applicant_name", "applicant_id_number", "residence_address", "contact_phone"],
    },
    # ---- 卫生健康委员会 ----------------------------------------------------------------
    {
        "basic_code": "000709001000",
        "name": "出生医学证明签发",
        "matter_type": MatterType.CONFIRMATION,
        "department": "wjw",
        "audience": Audience.PERSON,
        "themes": ["person-birth"],
        "legal_basis": "《中华人民共和国母婴保健法》第二十三条；《中华人民共和国母婴保健法"
        "实施办法》；《国家卫生计生委 公安部关于加强出生医学证明管理的通知》",
        "conditions": "在本市助产机构内出生的新生儿，由父母（监护人）在助产机构申领。",
        "process": "父母填写首次签发登记表 → 助产机构核对分娩记录 → 签发（电子出生医学证明"
        "同步生成）。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 5,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "result_name": "出生医学证明",
        "result_certificate_type": "csyxzm",
        "hall_address": "新生儿出生的助产机构出生医学证明签发窗口",
        "materials": [
            "birth_certificate_form",
            ("id_card", {"notes": "新生儿父母双方身份证，网上办理通过实名认证核验。"}),
        ],
        "fields": [
            "child_name",
            "child_gender",
            "child_birth_date",
            "birth_hospital",
            "father_name",
            "father_id_number",
            "mother_name",
            "mother_id_number",
        ],
    },
    {
        "basic_code": "002009002000",
        "name": "生育登记",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "wjw",
        "audience": Audience.PERSON,
        "themes": ["person-birth"],
        "legal_basis": "《中华人民共和国人口与计划生育法》；《湖北省人口与计划生育条例》",
        "conditions": "夫妻双方至少一方户籍或居住地在本市，生育子女的均可登记，不设前置条件。",
        "process": "网上登记 → 即时办结 → 生成电子生育服务登记凭证。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 5,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "生育服务登记凭证",
        "materials": ["id_card", "marriage_certificate", "household_register"],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "spouse_name",
            "spouse_id_number",
            "birth_order",
            "contact_phone",
        ],
    },
    {
        "basic_code": "002009003000",
        "name": "预防接种证办理",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "wjw",
        "audience": Audience.PERSON,
        "themes": ["person-birth"],
        "legal_basis": "《中华人民共和国疫苗管理法》第四十七条",
        "conditions": "儿童出生后一个月内，其监护人到儿童居住地承担预防接种工作的接种单位或者"
        "出生医院为其办理预防接种证。",
        "process": "建立电子预防接种档案 → 当场发放预防接种证。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 1,
        "promised_limit_days": 0,
        "visits_required": 1,
        "online_depth": 3,
        "window_category": LIVELIHOOD,
        "result_name": "预防接种证",
        "hall_address": "新生儿出生医院或居住地社区卫生服务中心预防接种门诊",
        "materials": ["birth_certificate", "id_card"],
        "fields": ["child_name", "child_gender", "child_birth_date", "contact_phone"],
    },
    {
        "basic_code": "000109004000",
        "name": "医疗机构执业登记",
        "matter_type": MatterType.LICENSING,
        "department": "wjw",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-licences"],
        "legal_basis": "《医疗机构管理条例》第十五条至第十七条；《医疗机构管理条例实施细则》",
        "conditions": "按照医疗机构基本标准设置，有适合的名称、组织机构和场所，有与其开展的"
        "业务相适应的经费、设施、设备和专业卫生技术人员，有相应的规章制度。",
        "process": "网上申请 → 受理 → 材料审查 → 现场审核 → 决定 → 发证。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 45,
        "promised_limit_days": 5,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "result_name": "医疗机构执业许可证",
        "result_certificate_type": "yljgzyxkz",
        "materials": [
            "medical_application",
            "lease_contract",
            "medical_staff",
            ("medical_rules", {"tolerable": True}),
            (
                "business_license",
                {"requirement": CONDITIONAL, "condition_note": "营利性医疗机构"},
            ),
        ],
        "fields": [
            "company_name",
            "medical_institution_type",
            "registered_address",
            "legal_rep_name",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000109005000",
        "name": "公共场所卫生许可",
        "matter_type": MatterType.LICENSING,
        "department": "wjw",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-licences"],
        "legal_basis": "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》"
        "（原卫生部令第80号）",
        "conditions": "场所布局、设施设备和卫生管理制度符合公共场所卫生标准和规范；实行告知"
        "承诺的，申请人承诺符合条件即可当场取得许可证。",
        "process": "网上申请并签署告知承诺书 → 当场或次日发证 → 事后现场核查。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "notification_commitment": True,
        "result_name": "公共场所卫生许可证",
        "result_certificate_type": "ggcswsxkz",
        "materials": ["hygiene_application", "hygiene_commitment", "business_license"],
        "fields": [
            "company_name",
            "credit_code",
            "premises_type",
            "registered_address",
            "contact_phone",
        ],
    },
    # ---- 民政局 ------------------------------------------------------------------------
    {
        "basic_code": "000710001000",
        "name": "结婚登记",
        "matter_type": MatterType.CONFIRMATION,
        "department": "mzj",
        "audience": Audience.PERSON,
        "themes": ["person-marriage"],
        "legal_basis": "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》",
        "conditions": "男女双方完全自愿，达到法定婚龄，且不存在禁止结婚情形，双方共同到婚姻"
        "登记机关申请；可在全国任一婚姻登记机关办理。",
        "process": "网上预约 → 双方共同到场 → 审查、询问并签署声明 → 当场登记 → 颁发结婚证。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 1,
        "promised_limit_days": 0,
        "visits_required": 1,
        "online_depth": 3,
        "supports_appointment": True,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.NATIONWIDE,
        "result_name": "结婚证",
        "result_certificate_type": "jhz",
        "hall_address": "宜昌市婚姻登记处",
        "materials": [
            ("id_card", {"notes": "男女双方居民身份证原件。"}),
            "couple_photo",
            "marriage_declaration",
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "spouse_name",
            "spouse_id_number",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000710002000",
        "name": "收养登记",
        "matter_type": MatterType.CONFIRMATION,
        "department": "mzj",
        "audience": Audience.PERSON,
        "themes": ["person-birth"],
        "legal_basis": "《中华人民共和国民法典》第一千零九十三条至第一千一百零五条；"
        "《中国公民收养子女登记办法》",
        "conditions": "收养人、送养人和被收养人符合《民法典》规定的条件；收养人与送养人"
        "亲自到收养登记机关办理。",
        "process": "预约 → 当事人到场申请 → 受理 → 审查（含收养评估）→ 登记 → 发证。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 30,
        "promised_limit_days": 5,
        "visits_required": 2,
        "online_depth": 2,
        "supports_appointment": True,
        "window_category": LIVELIHOOD,
        "result_name": "收养登记证",
        "hall_address": "宜昌市婚姻（收养）登记处",
        "materials": [
            "adoption_application",
            "id_card",
            "household_register",
            "adopter_health",
            "adoptee_proof",
            "photo",
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "spouse_name",
            "spouse_id_number",
            "child_name",
            "child_gender",
            "child_birth_date",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000110003000",
        "name": "社会团体成立登记",
        "matter_type": MatterType.LICENSING,
        "department": "mzj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-setup"],
        "legal_basis": "《社会团体登记管理条例》第九条至第十二条",
        "conditions": "有50个以上的个人会员或者30个以上的单位会员；有规范的名称和相应的组织"
        "机构；有固定的住所；有与其业务活动相适应的专职工作人员；有合法的资产和经费来源，"
        "地方性社会团体有3万元以上活动资金；有独立承担民事责任的能力。",
        "process": "网上申请 → 受理 → 审查 → 决定 → 发证。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 60,
        "promised_limit_days": 5,
        "visits_required": 1,
        "online_depth": 3,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "result_name": "社会团体法人登记证书",
        "result_certificate_type": "sttfrdjzs",
        "materials": [
            "association_application",
            "sponsor_approval",
            "association_articles",
            "capital_proof",
            "lease_contract",
            "officer_appointment",
        ],
        "fields": [
            "company_name",
            "registered_address",
            "legal_rep_name",
            "business_scope",
            "registered_capital",
            "contact_phone",
        ],
    },
    # ---- 残疾人联合会 ------------------------------------------------------------------
    {
        "basic_code": "002013001000",
        "name": "残疾人证新办",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "cl",
        "audience": Audience.PERSON,
        "themes": ["person-disability"],
        "legal_basis": "《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》；"
        "《残疾人残疾分类和分级》（GB/T 26341—2010）",
        "conditions": "符合残疾标准的本市户籍居民（或持本市居住证人员异地申办），经指定评定"
        "机构评定为残疾。",
        "process": "网上申请 → 到指定医院评残 → 残联审核 → 制发第三代智能化残疾人证 → 邮寄。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 3,
        "visits_required": 1,
        "online_depth": 3,
        "supports_appointment": True,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.NATIONWIDE,
        "result_name": "残疾人证",
        "result_certificate_type": "cjrz",
        "materials": [
            "id_card",
            "household_register",
            "photo",
            "disability_assessment",
            "guardian_proof",
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "disability_category",
            "guardian_name",
            "contact_phone",
            "mailing_address",
        ],
    },
    {
        "basic_code": "002013002000",
        "name": "残疾人证换领",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "cl",
        "audience": Audience.PERSON,
        "themes": ["person-disability"],
        "legal_basis": "《中华人民共和国残疾人证管理办法》",
        "conditions": "残疾人证有效期满、残疾类别或等级变化、证件损毁的，可申请换领；"
        "有效期满换领无需重新评定的，全程网上办理。",
        "process": "网上申请 → 审核 → 制证 → 邮寄。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.NATIONWIDE,
        "result_name": "残疾人证",
        "result_certificate_type": "cjrz",
        "materials": ["old_disability_card", "photo"],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "disability_category",
            "contact_phone",
            "mailing_address",
        ],
    },
    # ---- 教育局 ------------------------------------------------------------------------
    {
        "basic_code": "002014001000",
        "name": "义务教育入学",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "jyj",
        "audience": Audience.PERSON,
        "themes": ["person-education"],
        "legal_basis": "《中华人民共和国义务教育法》第十二条",
        "conditions": "适龄儿童、少年在户籍所在地学校就近入学；父母在本市工作或居住的随迁子女，"
        "凭居住证和社保信息在居住地入学。",
        "process": "网上报名（每年6月）→ 数据共享核验户籍、房产、社保 → 划片派位 → 发布录取"
        "结果 → 持录取通知报到。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 3,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "result_name": "入学录取通知",
        "materials": [
            "household_register",
            "birth_certificate",
            (
                "property_registration_info",
                {"requirement": CONDITIONAL, "condition_note": "以学区内住房报名的"},
            ),
            (
                "residence_permit",
                {"requirement": CONDITIONAL, "condition_note": "随迁子女"},
            ),
            (
                "insurance_record",
                {"requirement": CONDITIONAL, "condition_note": "随迁子女父母参保"},
            ),
        ],
        "fields": [
            "child_name",
            "child_id_number",
            "child_gender",
            "applicant_name",
            "applicant_id_number",
            "residence_address",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000114002000",
        "name": "教师资格认定",
        "matter_type": MatterType.LICENSING,
        "department": "jyj",
        "audience": Audience.PERSON,
        "themes": ["person-employment", "person-education"],
        "legal_basis": "《中华人民共和国教师法》第十条至第十三条；《教师资格条例》；"
        "《〈教师资格条例〉实施办法》",
        "conditions": "遵守宪法和法律，热爱教育事业，具备规定的学历，普通话水平达到二级乙等"
        "以上，身体条件合格，教师资格考试合格。",
        "process": "网上申报（中国教师资格网）→ 现场确认或网上确认 → 审查 → 认定 → 发证。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 30,
        "promised_limit_days": 5,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "教师资格证书",
        "result_certificate_type": "jszgz",
        "materials": [
            "id_card",
            "academic_record",
            "health_exam",
            "mandarin_certificate",
            "teacher_exam",
            "photo",
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "teaching_level",
            "contact_phone",
            "mailing_address",
        ],
    },
    # ---- 医疗保障局 --------------------------------------------------------------------
    {
        "basic_code": "002015001000",
        "name": "城乡居民基本医疗保险参保登记",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "ybj",
        "audience": Audience.PERSON,
        "themes": ["person-social-security", "person-birth"],
        "legal_basis": "《中华人民共和国社会保险法》第二十五条；《国务院关于整合城乡居民基本"
        "医疗保险制度的意见》（国发〔2016〕3号）",
        "conditions": "未参加职工基本医疗保险的本市户籍居民和持居住证的常住人口；新生儿出生后"
        "可凭出生医学证明即时参保。",
        "process": "网上登记 → 即时参保 → 缴费（新生儿出生90日内参保缴费的，自出生之日起"
        "享受待遇）。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 15,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "医疗保险参保登记信息",
        "materials": [
            "household_register",
            (
                "birth_certificate",
                {"requirement": CONDITIONAL, "condition_note": "新生儿参保的"},
            ),
            (
                "residence_permit",
                {"requirement": CONDITIONAL, "condition_note": "非本市户籍常住人口"},
            ),
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "insured_category",
            ("child_name", {"required": False, "help_text": "新生儿参保时填写。"}),
            "contact_phone",
        ],
    },
    {
        "basic_code": "002015002000",
        "name": "异地就医备案",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "ybj",
        "audience": Audience.PERSON,
        "themes": ["person-social-security"],
        "legal_basis": "《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作"
        "的通知》（医保发〔2022〕22号）",
        "conditions": "参加本市基本医疗保险，需在异地长期居住、工作或转诊、临时外出就医的参保"
        "人员。",
        "process": "国家医保服务平台或“鄂汇办”网上申请 → 个人承诺 → 即时备案。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 5,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.NATIONWIDE,
        "result_name": "异地就医备案信息",
        "materials": ["insurance_record", "medical_filing_commitment"],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "medical_filing_type",
            "medical_destination",
            "start_date",
            "contact_phone",
        ],
    },
    # ---- 税务局 ------------------------------------------------------------------------
    {
        "basic_code": "001011001000",
        "name": "新办纳税人“套餐式”服务",
        "matter_type": MatterType.OTHER_POWER,
        "department": "swj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-tax", "legal-setup"],
        "legal_basis": "《中华人民共和国税收征收管理法》第十五条；《中华人民共和国税收征收管理法"
        "实施细则》；《中华人民共和国发票管理办法》",
        "conditions": "已领取营业执照的新办纳税人；企业登记信息由市场监管部门共享，无需重复提交。",
        "process": "电子税务局一次填报 → 登记信息确认、财务会计制度备案、纳税人类型选择、"
        "税费种认定、数电发票票种核定并联办理 → 即时办结。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 20,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "税务事项通知书",
        "materials": ["enterprise_registration_info", "tax_info_form", "id_card"],
        "fields": [
            "company_name",
            "credit_code",
            "legal_rep_name",
            "taxpayer_type",
            "invoice_type",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000111002000",
        "name": "增值税专用发票（增值税税控系统）最高开票限额审批",
        "matter_type": MatterType.LICENSING,
        "department": "swj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-tax"],
        "legal_basis": "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）；"
        "《中华人民共和国发票管理办法》",
        "conditions": "已登记为增值税一般纳税人或按规定可自行开具增值税专用发票的纳税人；"
        "申请限额与实际经营情况相符。",
        "process": "电子税务局申请 → 受理 → 审核（十万元及以下限额即时办结）→ 决定。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "notification_commitment": True,
        "result_name": "准予税务行政许可决定书",
        "materials": ["tax_permit_application", "business_license"],
        "fields": ["company_name", "credit_code", "invoice_limit", "contact_phone"],
    },
    {
        "basic_code": "000411003000",
        "name": "契税申报",
        "matter_type": MatterType.LEVY,
        "department": "swj",
        "audience": Audience.BOTH,
        "themes": ["person-housing", "legal-tax"],
        "legal_basis": "《中华人民共和国契税法》；《中华人民共和国税收征收管理法》",
        "conditions": "在中华人民共和国境内转移土地、房屋权属，承受的单位和个人；应当在依法"
        "办理土地、房屋权属登记手续前申报缴纳契税。",
        "process": "不动产交易登记“一窗受理” → 税务核税 → 网上缴税 → 完税信息推送不动产登记。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 5,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "result_name": "契税完税凭证",
        "materials": ["deed_tax_return", "sale_contract", "id_card", "property_registration_info"],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "property_address",
            "transaction_price",
            "house_use",
            "contact_phone",
        ],
    },
    # ---- 住房公积金中心 ----------------------------------------------------------------
    {
        "basic_code": "002012001000",
        "name": "住房公积金单位缴存登记",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "gjj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-hr", "legal-setup"],
        "legal_basis": "《住房公积金管理条例》第十三条、第十四条",
        "conditions": "新设立的单位应当自设立之日起30日内向住房公积金管理中心办理缴存登记，"
        "并自登记之日起20日内为本单位职工办理住房公积金账户设立手续。",
        "process": "网上申请（开办企业一件事同步推送）→ 审核 → 即时登记 → 生成单位公积金账号。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 5,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "result_name": "住房公积金单位登记信息",
        "materials": [
            "enterprise_registration_info",
            "housing_fund_form",
            ("bank_account", {"tolerable": True}),
            (
                "employee_list",
                {"requirement": CONDITIONAL, "condition_note": "已招用职工的"},
            ),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "registered_address",
            "legal_rep_name",
            "employee_count",
            "deposit_ratio",
            "contact_phone",
        ],
    },
    {
        "basic_code": "002012002000",
        "name": "住房公积金提取（购买自住住房）",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "gjj",
        "audience": Audience.PERSON,
        "themes": ["person-housing"],
        "legal_basis": "《住房公积金管理条例》第二十四条、第二十五条",
        "conditions": "购买、建造、翻建、大修自住住房的缴存职工；通过不动产登记信息共享核验"
        "购房事实。",
        "process": "网上申请 → 数据共享核验 → 即时审批 → 资金转入本人银行卡。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 3,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.NATIONWIDE,
        "result_name": "住房公积金提取审批结果",
        "materials": [
            "id_card",
            "property_registration_info",
            (
                "sale_contract",
                {"requirement": CONDITIONAL, "condition_note": "尚未取得不动产权证书的"},
            ),
            (
                "marriage_certificate",
                {"requirement": CONDITIONAL, "condition_note": "同时提取配偶公积金的"},
            ),
            "bank_card",
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "property_address",
            "withdrawal_reason",
            "bank_account_number",
            "contact_phone",
        ],
    },
    {
        "basic_code": "002012003000",
        "name": "住房公积金个人住房贷款",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "gjj",
        "audience": Audience.PERSON,
        "themes": ["person-housing"],
        "legal_basis": "《住房公积金管理条例》第二十六条",
        "conditions": "连续足额缴存住房公积金6个月以上，购买、建造、翻建、大修自住住房，具有"
        "稳定收入和偿还贷款能力。",
        "process": "网上申请 → 受理 → 审批 → 面签合同 → 办理抵押登记 → 放款。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 15,
        "promised_limit_days": 2,
        "visits_required": 1,
        "online_depth": 3,
        "supports_appointment": True,
        "window_category": LIVELIHOOD,
        "result_name": "住房公积金贷款审批结果",
        "materials": [
            "housing_loan_application",
            "id_card",
            (
                "marriage_certificate",
                {"requirement": CONDITIONAL, "condition_note": "已婚的"},
            ),
            "sale_contract",
            ("income_proof", {"tolerable": True}),
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "property_address",
            "loan_amount",
            "loan_term_years",
            "contact_phone",
        ],
    },
    # ---- 发展和改革委员会 --------------------------------------------------------------
    {
        "basic_code": "001002001000",
        "name": "企业投资项目备案",
        "matter_type": MatterType.OTHER_POWER,
        "department": "fgw",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-construction"],
        "legal_basis": "《企业投资项目核准和备案管理条例》（国务院令第673号）第十三条、"
        "第十四条；《企业投资项目核准和备案管理办法》（国家发展改革委令第2号）",
        "conditions": "不属于《政府核准的投资项目目录》范围的企业投资项目；通过投资项目在线"
        "审批监管平台如实告知项目信息。",
        "process": "在线平台填报 → 备案机关收到全部信息即为备案 → 生成项目代码和备案证明。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 3,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "notification_commitment": True,
        "result_name": "企业投资项目备案证明",
        "materials": ["project_filing_form", "enterprise_registration_info"],
        "fields": [
            "company_name",
            "credit_code",
            "project_name",
            "project_address",
            "total_investment",
            "construction_scale",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000102002000",
        "name": "企业投资项目核准",
        "matter_type": MatterType.LICENSING,
        "department": "fgw",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-construction"],
        "legal_basis": "《企业投资项目核准和备案管理条例》（国务院令第673号）第六条至第十一条；"
        "《政府核准的投资项目目录》",
        "conditions": "属于《政府核准的投资项目目录》范围的项目；不危害经济安全、社会安全、生态"
        "安全，符合相关发展建设规划、产业政策和技术标准，合理开发并有效利用资源。",
        "process": "在线平台申报 → 受理 → 评估（需要时）→ 审查 → 核准决定。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 3,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "result_name": "项目核准文件",
        "materials": [
            "project_application_report",
            "land_pre_review",
            "enterprise_registration_info",
        ],
        "fields": [
            "company_name",
            "credit_code",
            "project_code",
            "project_name",
            "project_address",
            "total_investment",
            "contact_phone",
        ],
    },
    # Electricity supply is a utility company's service (国网宜昌供电公司), not a department's.
    # It is modelled as a public service of 市发改委 because the city's electric power
    # administration (市能源局) sits in it and supervises the connection (获得电力) rules.
    {
        "basic_code": "002002003000",
        "name": "电力接入（用电报装）",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "fgw",
        "audience": Audience.BOTH,
        "themes": ["legal-utilities", "legal-construction"],
        "legal_basis": "《电力供应与使用条例》；《国家发展改革委 国家能源局关于全面提升"
        "“获得电力”服务水平 持续优化用电营商环境的意见》（发改能源规〔2020〕1479号）",
        "conditions": "报装地址具备合法产权或使用权；高压用户用电工程已取得规划许可。"
        "低压小微企业160千瓦及以下“三零”服务（零上门、零审批、零投资）。",
        "process": "网上申请（水电气联合报装）→ 供电公司现场勘查 → 答复供电方案 → 外线工程"
        "（涉及占掘路的并联审批）→ 装表接电。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 15,
        "promised_limit_days": 2,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "result_name": "供电方案答复及装表接电",
        "hall_address": f"{HALL}二楼水电气联合报装窗口（国网宜昌供电公司进驻）",
        "materials": [
            "power_connection_form",
            (
                "business_license",
                {"requirement": CONDITIONAL, "condition_note": "单位用户"},
            ),
            ("id_card", {"requirement": CONDITIONAL, "condition_note": "个人用户"}),
            (
                "project_planning_permit",
                {"requirement": CONDITIONAL, "condition_note": "新建项目"},
            ),
            (
                "property_registration_info",
                {"requirement": CONDITIONAL, "condition_note": "已有建筑"},
            ),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "connection_address",
            "power_capacity",
            "contact_phone",
        ],
    },
    # ---- 自然资源和规划局 --------------------------------------------------------------
    {
        "basic_code": "000103001000",
        "name": "建设项目用地预审与选址意见书核发",
        "matter_type": MatterType.LICENSING,
        "department": "zrzy",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-construction"],
        "legal_basis": "《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》"
        "第三十六条；《自然资源部关于以“多规合一”为基础推进规划用地“多审合一、多证合一”"
        "改革的通知》（自然资规〔2019〕2号）",
        "conditions": "符合国土空间规划和用途管制要求，符合节约集约用地要求，涉及占用永久基本"
        "农田的符合国家规定。",
        "process": "在线申请 → 受理 → 审查 → 决定 → 核发（电子证照）。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 3,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "result_name": "建设项目用地预审与选址意见书",
        "result_certificate_type": "ydysyxzyjs",
        "materials": ["project_filing_form", "site_plan", "enterprise_registration_info"],
        "fields": [
            "company_name",
            "credit_code",
            "project_code",
            "project_name",
            "project_address",
            "land_area",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000103002000",
        "name": "建设用地规划许可证核发",
        "matter_type": MatterType.LICENSING,
        "department": "zrzy",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-construction"],
        "legal_basis": "《中华人民共和国城乡规划法》第三十七条、第三十八条；"
        "《自然资源部关于以“多规合一”为基础推进规划用地“多审合一、多证合一”改革的通知》"
        "（自然资规〔2019〕2号）",
        "conditions": "以出让方式取得国有土地使用权的，已签订国有建设用地使用权出让合同；以划拨"
        "方式取得的，已取得划拨决定书。“交地即发证”。",
        "process": "在线申请 → 受理 → 审查 → 核发（与建设用地批准书合并核发）。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "result_name": "建设用地规划许可证",
        "result_certificate_type": "jsydghxkz",
        "materials": ["land_contract", "project_approval", "enterprise_registration_info"],
        "fields": [
            "company_name",
            "credit_code",
            "project_code",
            "project_name",
            "project_address",
            "land_area",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000103003000",
        "name": "建设工程规划许可证核发",
        "matter_type": MatterType.LICENSING,
        "department": "zrzy",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-construction"],
        "legal_basis": "《中华人民共和国城乡规划法》第四十条",
        "conditions": "已取得建设用地规划许可和土地使用权，建设工程设计方案符合控制性详细规划"
        "和规划条件。",
        "process": "在线申请 → 受理 → 设计方案审查（数字化审图）→ 决定 → 核发。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 2,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "result_name": "建设工程规划许可证",
        "result_certificate_type": "jsgcghxkz",
        "materials": [
            "land_planning_permit",
            "site_plan",
            ("land_contract", {"tolerable": True}),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "project_code",
            "project_name",
            "project_address",
            "building_area",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000703004000",
        "name": "不动产转移登记（存量房买卖）",
        "matter_type": MatterType.CONFIRMATION,
        "department": "zrzy",
        "audience": Audience.BOTH,
        "themes": ["person-housing"],
        "legal_basis": "《中华人民共和国民法典》第二百零九条、第二百一十条；《不动产登记暂行条例》"
        "第二十条；《不动产登记暂行条例实施细则》",
        "conditions": "买卖双方已签订网签备案合同并缴清交易税费；不动产权属清楚、无查封等限制。",
        "process": "交易、缴税、登记“一窗受理” → 网上申请 → 面签（可视频）→ 审核 → 登簿 → "
        "发证（电子证照同步生成，纸证可邮寄）。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 30,
        "promised_limit_days": 1,
        "visits_required": 1,
        "online_depth": 3,
        "supports_appointment": True,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "result_name": "不动产权证书",
        "result_certificate_type": "bdcqzs",
        "hall_address": f"{HALL}三楼不动产交易登记综合窗口",
        "materials": [
            "registration_form",
            "id_card",
            "property_certificate",
            "sale_contract",
            "tax_payment_proof",
            (
                "marriage_certificate",
                {"requirement": CONDITIONAL, "condition_note": "夫妻共同所有或共同购买的"},
            ),
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "property_address",
            "property_unit_number",
            "house_use",
            "transaction_price",
            "contact_phone",
        ],
        "fees": [
            {
                "name": "不动产登记费（住宅）",
                "amount": Decimal("80.00"),
                "basis": PROPERTY_FEE_BASIS,
                "waivable": True,
                "waiver_basis": PROPERTY_FEE_WAIVER,
            },
            {
                "name": "不动产权证书工本费（第一本免收，每增加一本）",
                "amount": Decimal("10.00"),
                "basis": PROPERTY_FEE_BASIS,
            },
        ],
    },
    {
        "basic_code": "000703005000",
        "name": "不动产抵押登记",
        "matter_type": MatterType.CONFIRMATION,
        "department": "zrzy",
        "audience": Audience.BOTH,
        "themes": ["person-housing"],
        "legal_basis": "《中华人民共和国民法典》第四百零二条；《不动产登记暂行条例》；"
        "《不动产登记暂行条例实施细则》第六十五条至第七十条",
        "conditions": "抵押人与抵押权人已签订抵押合同；抵押财产权属清楚。银行网点可直接"
        "代为申请（“不动产登记+金融服务”）。",
        "process": "银行端网上申请 → 审核 → 登簿 → 电子不动产登记证明推送抵押权人。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 30,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "result_name": "不动产登记证明（抵押权）",
        "result_certificate_type": "bdcdjzm",
        "materials": [
            "registration_form",
            "id_card",
            "property_certificate",
            "mortgage_contract",
        ],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "property_unit_number",
            "property_address",
            "loan_amount",
            "mortgagee",
            "contact_phone",
        ],
        "fees": [
            {
                "name": "不动产登记费（住宅抵押权登记）",
                "amount": Decimal("80.00"),
                "basis": PROPERTY_FEE_BASIS,
                "waivable": True,
                "waiver_basis": PROPERTY_FEE_WAIVER,
            }
        ],
    },
    {
        "basic_code": "002003006000",
        "name": "不动产登记资料查询",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "zrzy",
        "audience": Audience.BOTH,
        "themes": ["person-housing"],
        "legal_basis": "《不动产登记资料查询暂行办法》（国土资源部令第80号）",
        "conditions": "权利人查询本人名下不动产登记结果；利害关系人依法查询。",
        "process": "网上或自助终端申请 → 身份核验 → 即时出具查询结果（电子签章）。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 5,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "cross_region_scope": CrossRegionScope.CITY,
        "result_name": "不动产登记结果查询证明",
        "materials": ["id_card"],
        "fields": ["applicant_name", "applicant_id_number", "property_address", "contact_phone"],
    },
    # ---- 住房和城乡建设局 --------------------------------------------------------------
    {
        "basic_code": "000104001000",
        "name": "建筑工程施工许可证核发",
        "matter_type": MatterType.LICENSING,
        "department": "zjj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-construction"],
        "legal_basis": "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》"
        "（住房和城乡建设部令第18号）",
        "conditions": "已办理用地批准手续；已取得建设工程规划许可证；已确定施工企业；有满足施工"
        "需要的技术资料和保证工程质量安全的具体措施；建设资金已经落实。实行告知承诺制。",
        "process": "在线申请 → 受理 → 审查（告知承诺的承诺即发证）→ 决定 → 电子证照核发。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 7,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "notification_commitment": True,
        "result_name": "建筑工程施工许可证",
        "result_certificate_type": "jzgcsgxkz",
        "materials": [
            "construction_permit_application",
            "project_planning_permit",
            "contractor_award",
            ("drawing_review", {"tolerable": True}),
            "funding_commitment",
            ("quality_safety_measures", {"tolerable": True}),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "project_code",
            "project_name",
            "project_address",
            "building_area",
            "contract_price",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000104002000",
        "name": "商品房预售许可",
        "matter_type": MatterType.LICENSING,
        "department": "zjj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-construction"],
        "legal_basis": "《中华人民共和国城市房地产管理法》第四十五条；《城市商品房预售管理办法》"
        "（建设部令第131号）",
        "conditions": "已交付全部土地使用权出让金并取得土地使用权证书；持有建设工程规划许可证和"
        "施工许可证；投入开发建设的资金达到工程建设总投资的25%以上，并已确定施工进度和竣工"
        "交付日期。",
        "process": "在线申请 → 受理 → 审查（现场查勘）→ 决定 → 发证。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 10,
        "promised_limit_days": 2,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "result_name": "商品房预售许可证",
        "result_certificate_type": "spfysxkz",
        "materials": [
            "presale_application",
            "business_license",
            "property_certificate",
            "project_planning_permit",
            "presale_plan",
        ],
        "fields": [
            "company_name",
            "credit_code",
            "project_name",
            "project_address",
            "building_area",
            "contact_phone",
        ],
    },
    # Water and gas supply are run by utility companies (宜昌水务集团, 城市燃气企业); the
    # connection is modelled as public services of 市住建局, the competent department under
    # 《城市供水条例》 and 《城镇燃气管理条例》.
    {
        "basic_code": "002004003000",
        "name": "城市供水接入（用水报装）",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "zjj",
        "audience": Audience.BOTH,
        "themes": ["legal-utilities", "legal-construction"],
        "legal_basis": "《城市供水条例》（国务院令第158号）；《国务院办公厅转发国家发展改革委等"
        "部门关于清理规范城镇供水供电供气供暖行业收费促进行业高质量发展意见的通知》"
        "（国办函〔2020〕129号）",
        "conditions": "报装地址在城市公共供水管网覆盖范围内，具备合法产权或使用权。",
        "process": "网上申请（水电气联合报装）→ 联合现场勘查 → 设计 → 施工（涉及占掘路的并联"
        "审批）→ 通水。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 2,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "result_name": "供水接入确认",
        "hall_address": f"{HALL}二楼水电气联合报装窗口（宜昌水务集团进驻）",
        "materials": [
            "water_connection_form",
            (
                "business_license",
                {"requirement": CONDITIONAL, "condition_note": "单位用户"},
            ),
            ("id_card", {"requirement": CONDITIONAL, "condition_note": "个人用户"}),
            (
                "project_planning_permit",
                {"requirement": CONDITIONAL, "condition_note": "新建项目"},
            ),
            (
                "property_registration_info",
                {"requirement": CONDITIONAL, "condition_note": "已有建筑"},
            ),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "connection_address",
            "water_use",
            "contact_phone",
        ],
    },
    {
        "basic_code": "002004004000",
        "name": "城镇燃气接入（用气报装）",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "zjj",
        "audience": Audience.BOTH,
        "themes": ["legal-utilities", "legal-construction"],
        "legal_basis": "《城镇燃气管理条例》（国务院令第583号）；国办函〔2020〕129号",
        "conditions": "报装地址在城镇燃气管网覆盖范围内，用气场所符合燃气安全要求。",
        "process": "网上申请（水电气联合报装）→ 联合现场勘查 → 设计 → 施工 → 安全检查 → 通气。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 2,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "result_name": "供气接入确认",
        "hall_address": f"{HALL}二楼水电气联合报装窗口（城市燃气企业进驻）",
        "materials": [
            "gas_connection_form",
            (
                "business_license",
                {"requirement": CONDITIONAL, "condition_note": "单位用户"},
            ),
            ("id_card", {"requirement": CONDITIONAL, "condition_note": "个人用户"}),
            (
                "project_planning_permit",
                {"requirement": CONDITIONAL, "condition_note": "新建项目"},
            ),
            (
                "property_registration_info",
                {"requirement": CONDITIONAL, "condition_note": "已有建筑"},
            ),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "connection_address",
            "gas_use",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000104005000",
        "name": "占用、挖掘城市道路审批",
        "matter_type": MatterType.LICENSING,
        "department": "zjj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-utilities", "legal-construction"],
        "legal_basis": "《城市道路管理条例》第二十九条至第三十三条",
        "conditions": "因工程建设（含水电气外线接入）确需临时占用、挖掘城市道路；有经审查的施工"
        "方案和交通疏解方案。水电气外线工程实行并联审批。",
        "process": "网上申请 → 受理 → 与公安交管并联审查 → 决定。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "notification_commitment": True,
        "result_name": "占用、挖掘城市道路许可决定书",
        "materials": [
            "excavation_application",
            "business_license",
            ("excavation_plan", {"tolerable": True}),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "connection_address",
            "excavation_length",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000104006000",
        "name": "城镇污水排入排水管网许可",
        "matter_type": MatterType.LICENSING,
        "department": "zjj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-licences", "legal-construction"],
        "legal_basis": "《城镇排水与污水处理条例》（国务院令第641号）第二十一条；《城镇污水排入"
        "排水管网许可管理办法》（住房和城乡建设部令第21号）",
        "conditions": "排放口设置符合排水规划要求；按规定建设预处理设施和专用检测井；排放的污水"
        "符合国家或地方规定的排放标准。实行告知承诺制。",
        "process": "网上申请并签署告知承诺书 → 审查 → 发证 → 事后核查。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 15,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "notification_commitment": True,
        "result_name": "城镇污水排入排水管网许可证",
        "result_certificate_type": "psxkz",
        "materials": [
            "drainage_application",
            "business_license",
            ("drainage_plan", {"tolerable": True}),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "registered_address",
            "sewage_volume",
            "contact_phone",
        ],
    },
    # ---- 生态环境局 --------------------------------------------------------------------
    {
        "basic_code": "000105001000",
        "name": "建设项目环境影响报告书审批",
        "matter_type": MatterType.LICENSING,
        "department": "sthj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-construction"],
        "legal_basis": "《中华人民共和国环境影响评价法》第二十二条；《建设项目环境保护管理条例》"
        "（国务院令第682号）第九条",
        "conditions": "建设项目类型及其选址、布局、规模等符合环境保护法律法规和相关法定规划；"
        "采取的措施能够满足区域环境质量改善目标管理要求；报告书编制规范、结论明确。",
        "process": "在线申请 → 受理公示 → 技术评估 → 审查 → 拟批准公示 → 批复。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 60,
        "promised_limit_days": 10,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "result_name": "环境影响报告书批复",
        "materials": ["eia_application", "eia_report_book", "project_approval"],
        "fields": [
            "company_name",
            "credit_code",
            "project_code",
            "project_name",
            "project_address",
            "industry",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000105002000",
        "name": "建设项目环境影响报告表审批",
        "matter_type": MatterType.LICENSING,
        "department": "sthj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-construction"],
        "legal_basis": "《中华人民共和国环境影响评价法》第二十二条；《建设项目环境保护管理条例》"
        "（国务院令第682号）第九条",
        "conditions": "同报告书审批条件；列入告知承诺制审批改革范围的项目，建设单位书面承诺后"
        "可直接作出审批决定。",
        "process": "在线申请 → 受理 → 审查（告知承诺的直接审批）→ 批复。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 30,
        "promised_limit_days": 3,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "notification_commitment": True,
        "result_name": "环境影响报告表批复",
        "materials": [
            "eia_application",
            "eia_report_table",
            (
                "eia_commitment",
                {"requirement": CONDITIONAL, "condition_note": "选择告知承诺制审批的"},
            ),
            "project_approval",
        ],
        "fields": [
            "company_name",
            "credit_code",
            "project_code",
            "project_name",
            "project_address",
            "industry",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000105003000",
        "name": "排污许可证核发",
        "matter_type": MatterType.LICENSING,
        "department": "sthj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-licences"],
        "legal_basis": "《排污许可管理条例》（国务院令第736号）；《中华人民共和国环境保护法》"
        "第四十五条",
        "conditions": "依法取得建设项目环境影响评价文件审批意见或按规定办理备案；污染防治设施"
        "和措施符合规定；自行监测方案符合要求。",
        "process": "全国排污许可证管理信息平台申请 → 受理 → 审查 → 发证。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 3,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": INVESTMENT,
        "result_name": "排污许可证",
        "result_certificate_type": "pwxkz",
        "materials": [
            "discharge_application",
            "business_license",
            "discharge_monitoring_plan",
            "project_approval",
        ],
        "fields": [
            "company_name",
            "credit_code",
            "registered_address",
            "industry",
            "contact_phone",
        ],
    },
    # ---- 交通运输局 --------------------------------------------------------------------
    {
        "basic_code": "000116001000",
        "name": "道路货物运输经营许可",
        "matter_type": MatterType.LICENSING,
        "department": "jtj",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-licences"],
        "legal_basis": "《中华人民共和国道路运输条例》第二十一条、第二十四条；《道路货物运输及"
        "站场管理规定》",
        "conditions": "有与其经营业务相适应并经检测合格的车辆；有符合规定条件的驾驶人员；有健全"
        "的安全生产管理制度。总质量4.5吨及以下普通货运车辆无需办理。",
        "process": "网上申请 → 受理 → 审查 → 决定 → 发证。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 1,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": COMMERCIAL,
        "notification_commitment": True,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "道路运输经营许可证",
        "result_certificate_type": "dlysjyxkz",
        "materials": [
            "transport_application",
            "business_license",
            "vehicle_commitment",
            ("transport_safety_rules", {"tolerable": True}),
        ],
        "fields": [
            "company_name",
            "credit_code",
            "registered_address",
            "vehicle_count",
            "contact_phone",
        ],
    },
    {
        "basic_code": "000116002000",
        "name": "网络预约出租汽车驾驶员证核发",
        "matter_type": MatterType.LICENSING,
        "department": "jtj",
        "audience": Audience.PERSON,
        "themes": ["person-employment"],
        "legal_basis": "《网络预约出租汽车经营服务管理暂行办法》第十四条、第十五条；《出租汽车"
        "驾驶员从业资格管理规定》",
        "conditions": "取得相应准驾车型机动车驾驶证并具有3年以上驾驶经历；无交通肇事犯罪、"
        "危险驾驶犯罪记录，无吸毒记录，无饮酒后驾驶记录，最近连续3个记分周期内没有记满12分"
        "记录；无暴力犯罪记录；经考试合格。",
        "process": "网上报名 → 背景核查 → 考试 → 发证。",
        "handling_kind": PROMISED,
        "statutory_limit_days": 20,
        "promised_limit_days": 3,
        "visits_required": 1,
        "online_depth": 3,
        "supports_appointment": True,
        "delivery_post": True,
        "delivery_electronic": True,
        "window_category": LIVELIHOOD,
        "result_name": "网络预约出租汽车驾驶员证",
        "result_certificate_type": "wyczjsyz",
        "materials": ["id_card", "driving_licence", "no_crime_commitment", "photo"],
        "fields": [
            "applicant_name",
            "applicant_id_number",
            "licence_first_date",
            "contact_phone",
            "mailing_address",
        ],
    },
    # ---- 政务服务和大数据管理局（公共资源交易） ----------------------------------------
    {
        "basic_code": "002001001000",
        "name": "公共资源交易主体信息登记",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "zwfw",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-bidding"],
        "legal_basis": "《公共资源交易平台管理暂行办法》（国家发展改革委等14部委令第39号）；"
        "《中华人民共和国招标投标法》",
        "conditions": "依法参与本市公共资源交易活动的法人和其他组织；信息全省互认，一地注册、"
        "全省通用。",
        "process": "网上注册 → 营业执照电子证照核验 → 即时办结 → 办理CA数字证书。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 5,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": PUBLIC_RESOURCES,
        "cross_region_scope": CrossRegionScope.PROVINCE,
        "result_name": "交易主体登记信息",
        "materials": ["business_license", "integrity_commitment", "agent_authorisation"],
        "fields": [
            "company_name",
            "credit_code",
            "legal_rep_name",
            "market_role",
            "contact_phone",
        ],
    },
    {
        "basic_code": "002001002000",
        "name": "投标保证金退还",
        "matter_type": MatterType.PUBLIC_SERVICE,
        "department": "zwfw",
        "audience": Audience.LEGAL_PERSON,
        "themes": ["legal-bidding"],
        "legal_basis": "《中华人民共和国招标投标法实施条例》第五十七条",
        "conditions": "招标人与中标人签订书面合同后，或投标人未中标的；保证金以银行转账方式"
        "从投标人基本账户缴纳。",
        "process": "系统根据合同签订信息自动发起 → 核对 → 原路退还本息。",
        "handling_kind": IMMEDIATE,
        "statutory_limit_days": 5,
        "promised_limit_days": 0,
        "visits_required": 0,
        "online_depth": 4,
        "delivery_electronic": True,
        "window_category": PUBLIC_RESOURCES,
        "result_name": "投标保证金退还凭证",
        "materials": [("bid_deposit_receipt", {"tolerable": True})],
        "fields": ["company_name", "credit_code", "tender_project_code", "contact_phone"],
    },
]

# 一件事一次办: (code, name, audience, mode, description, basic codes in order).
BUNDLES = [
    (
        "kaiban-qiye",
        "开办企业一件事",
        Audience.LEGAL_PERSON,
        BundleMode.PARALLEL,
        "一次填报、并联办理企业设立登记、公章刻制、新办纳税人涉税事项、社会保险登记和住房"
        "公积金单位缴存登记，企业登记信息实时共享给各部门，一个环节、最多1个工作日办结。",
        ["000106001000", "001007001000", "001011001000", "000708001000", "002012001000"],
    ),
    (
        "chusheng",
        "出生一件事",
        Audience.PERSON,
        BundleMode.SEQUENTIAL,
        "新生儿出生后，依次办理出生医学证明、预防接种证、出生登记（入户）、城乡居民医保参保"
        "登记和社会保障卡申领：前一环节的结果（出生医学证明、户籍信息）自动共享给后一环节，"
        "父母无需重复提交。",
        ["000709001000", "002009003000", "000707002000", "002015001000", "002008002000"],
    ),
    (
        "shuidianqi-baozhuang",
        "水电气联合报装",
        Audience.LEGAL_PERSON,
        BundleMode.PARALLEL,
        "用电、用水、用气报装一表申请、联合勘查，外线工程涉及的占用、挖掘城市道路审批并联"
        "办理。供电、供水、供气企业进驻政务服务中心联合报装窗口。",
        ["002002003000", "002004003000", "002004004000", "000104005000"],
    ),
]

_MATTER_KEYS = {
    "basic_code",
    "name",
    "matter_type",
    "department",
    "audience",
    "themes",
    "materials",
    "fields",
    "fees",
}


def _entries(items: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(item, {}) if isinstance(item, str) else item for item in items]


def _materials(version: ImplementationVersion, spec: dict[str, Any]) -> list[Material]:
    rows = []
    for order, (key, overrides) in enumerate(_entries(spec.get("materials", []))):
        name, defaults = MATERIALS[key]
        values = {"name": name, **defaults, **overrides}
        if "condition_note" in values and "requirement" not in values:
            values["requirement"] = CONDITIONAL
        rows.append(Material(version=version, key=key, order=order, **values))
    return rows


def _form_fields(version: ImplementationVersion, spec: dict[str, Any]) -> list[FormField]:
    rows = []
    for order, (key, overrides) in enumerate(_entries(spec.get("fields", []))):
        label, field_type, options = FIELDS[key]
        rows.append(
            FormField(
                version=version,
                key=key,
                label=label,
                field_type=field_type,
                order=order,
                **{**options, **overrides},
            )
        )
    return rows


def _fees(version: ImplementationVersion, spec: dict[str, Any]) -> list[FeeItem]:
    return [FeeItem(version=version, **fee) for fee in spec.get("fees", [])]


def _version_fields(spec: dict[str, Any]) -> dict[str, Any]:
    phone, hall = DEPARTMENT_DESKS[spec["department"]]
    defaults = {"contact_phone": phone, "hall_address": hall, "hall_hours": HALL_HOURS}
    return {**defaults, **{k: v for k, v in spec.items() if k not in _MATTER_KEYS}}


def _seed_themes() -> dict[str, Theme]:
    themes: dict[str, Theme] = {}
    for code, name, audience, order in THEMES:
        themes[code], _created = Theme.objects.get_or_create(
            code=code, defaults={"name": name, "audience": audience, "order": order}
        )
    return themes


def _seed_matters(
    themes: dict[str, Theme], organisations: dict[str, Organisation]
) -> dict[str, Matter]:
    basic_codes = [spec["basic_code"] for spec in CATALOGUE]
    existing = {m.basic_code: m for m in Matter.objects.filter(basic_code__in=basic_codes)}
    matters: dict[str, Matter] = {}
    for spec in CATALOGUE:
        matter = existing.get(spec["basic_code"])
        if matter is None:
            # No service writes matters (the basic catalogue is national data): validate here.
            matter = Matter(
                basic_code=spec["basic_code"],
                name=spec["name"],
                matter_type=spec["matter_type"],
                sector=organisations[spec["department"]].sector,
                audience=spec["audience"],
            )
            matter.full_clean(validate_unique=False, validate_constraints=False)
            matter.save()
            matter.themes.add(*(themes[code] for code in spec["themes"]))
        matters[spec["basic_code"]] = matter
    return matters


def _seed_implementations(
    matters: dict[str, Matter], organisations: dict[str, Organisation], city: Region
) -> dict[str, Implementation]:
    codes = {
        spec["basic_code"]: Implementation.build_code(
            basic_code=spec["basic_code"],
            region_code=city.code,
            credit_code=organisations[spec["department"]].credit_code,
            suffix="1-00",
        )
        for spec in CATALOGUE
    }
    existing = {i.code: i for i in Implementation.objects.filter(code__in=codes.values())}
    implementations: dict[str, Implementation] = {}
    for spec in CATALOGUE:
        found = existing.get(codes[spec["basic_code"]])
        if found is not None:
            implementations[spec["basic_code"]] = found
            continue
        draft = services.implementation_create(
            matter=matters[spec["basic_code"]],
            region=city,
            department=organisations[spec["department"]],
            **_version_fields(spec),
        )
        children: list[Any] = [
            *_materials(draft, spec),
            *_form_fields(draft, spec),
            *_fees(draft, spec),
        ]
        for child in children:
            child.full_clean(validate_unique=False, validate_constraints=False)
        Material.objects.bulk_create([c for c in children if isinstance(c, Material)])
        FormField.objects.bulk_create([c for c in children if isinstance(c, FormField)])
        FeeItem.objects.bulk_create([c for c in children if isinstance(c, FeeItem)])
        services.version_publish(version=draft)
        implementations[spec["basic_code"]] = draft.implementation
    return implementations


def _seed_bundles(implementations: dict[str, Implementation]) -> None:
    for code, name, audience, mode, description, basic_codes in BUNDLES:
        bundle, created = Bundle.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "audience": audience,
                "mode": mode,
                "description": description,
                "is_published": True,
            },
        )
        if not created:
            continue
        BundleItem.objects.bulk_create(
            BundleItem(bundle=bundle, implementation=implementations[basic_code], order=order)
            for order, basic_code in enumerate(basic_codes)
        )


def seed_catalogue(organisations: dict[str, Organisation], regions: dict[str, Region]) -> None:
    """Write the demo catalogue of 宜昌市; a second run changes nothing."""
    themes = _seed_themes()
    matters = _seed_matters(themes, organisations)
    implementations = _seed_implementations(matters, organisations, regions[CITY_CODE])
    _seed_bundles(implementations)
