"""Demo cases for `manage.py seed_demo`: a dozen applications of the demo citizens and the
demo enterprise, in the states a case goes through, written through the case services.

The services stamp every step with the present time, so the timelines read "today". The cases
are filed under implementations of the demo catalogue (matters/demo.py), found by name; those
that go past acceptance belong to the two departments that have a demo reviewer (市场监管局,
公安局). Seeding is idempotent: nothing is added once the demo citizens have cases.
"""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from cases import services
from cases.constants import Action, CaseState
from cases.models import Case
from identity import selectors as identity_selectors
from identity.models import Organisation, User
from identity.services import authorisation_grant
from matters import selectors as matter_selectors
from matters.constants import FieldType, MaterialRequirement, MaterialSource
from matters.models import FormField, ImplementationVersion

CITY_CODE = "420500000000"
ZHANG_SAN = "420502199003071234"
LI_SI = "11010519491231002X"
GRANNY_WANG = "420502195008080078"
CITIZENS = (ZHANG_SAN, LI_SI, GRANNY_WANG)
ENTERPRISE = "91420500MA49ABCDED"
CLERK = "420502198805050019"  # 赵敏, comprehensive window
# Department credit code → its demo reviewer (钱进 at 市场监管局, 孙磊 at 公安局).
REVIEWERS = {
    "11420500MB0000006G": "420503199001010020",
    "11420500MB0000007K": "420504199202020037",
}
HOME_ADDRESS = "宜昌市西陵区夷陵大道58号3栋2单元501室"
OFFICE_ADDRESS = "宜昌市西陵区发展大道66号宜昌科创园B座1201室"

# The actions that lead from a draft to each state, in order.
PATHS: dict[str, list[str]] = {
    CaseState.DRAFT: [],
    CaseState.SUBMITTED: [Action.SUBMIT],
    CaseState.CORRECTION_REQUESTED: [Action.SUBMIT, Action.REQUEST_CORRECTION],
    CaseState.ACCEPTED: [Action.SUBMIT, Action.ACCEPT],
    CaseState.IN_REVIEW: [Action.SUBMIT, Action.ACCEPT, Action.CLAIM],
    CaseState.SUSPENDED: [Action.SUBMIT, Action.ACCEPT, Action.CLAIM, Action.SUSPEND],
    CaseState.APPROVED: [Action.SUBMIT, Action.ACCEPT, Action.CLAIM, Action.APPROVE],
    CaseState.RESULT_ISSUED: [
        Action.SUBMIT,
        Action.ACCEPT,
        Action.CLAIM,
        Action.APPROVE,
        Action.ISSUE_RESULT,
    ],
    CaseState.DELIVERED: [
        Action.SUBMIT,
        Action.ACCEPT,
        Action.CLAIM,
        Action.APPROVE,
        Action.ISSUE_RESULT,
        Action.DELIVER,
    ],
}
# Who takes each action: the applicant (or agent), the window clerk, or the reviewer.
APPLICANT_ACTIONS = frozenset({Action.SUBMIT, Action.RESUBMIT})
CLERK_ACTIONS = frozenset({Action.ACCEPT, Action.REQUEST_CORRECTION, Action.DELIVER})
COMMENTS = {
    Action.ACCEPT: "材料齐全，符合法定形式，予以受理。",
    Action.APPROVE: "经审查，符合办理条件，准予办理。",
    Action.DELIVER: "申请人已领取办理结果。",
}


@dataclass(frozen=True)
class DemoCase:
    applicant: str  # ID number of the person the case belongs to
    service: str  # name of a published implementation of 宜昌市
    state: str
    agent: str = ""  # ID number of an authorised agent who applies instead
    organisation: str = ""  # credit code of the organisation the applicant acts for
    answers: dict[str, str] = field(default_factory=dict)  # beyond the generic answers
    not_uploaded: tuple[str, ...] = ()  # material keys a draft still lacks
    comments: dict[str, str] = field(default_factory=dict)


DEMO_CASES = [
    # 张三: one case in each state of the way from draft to delivery.
    DemoCase(
        ZHANG_SAN,
        "网络预约出租汽车驾驶员证核发",
        CaseState.DRAFT,
        answers={"licence_first_date": "2012-08-20", "mailing_address": HOME_ADDRESS},
        not_uploaded=("no_crime_commitment", "photo"),
    ),
    DemoCase(ZHANG_SAN, "不动产登记资料查询", CaseState.SUBMITTED),
    DemoCase(
        ZHANG_SAN,
        "住房公积金提取（购买自住住房）",
        CaseState.CORRECTION_REQUESTED,
        answers={
            "property_address": "宜昌市西陵区沿江大道129号江山多娇小区8栋1单元1202室",
            "bank_account_number": "6217002870012345678",
        },
        comments={
            Action.REQUEST_CORRECTION: "上传的银行借记卡照片不清晰，卡号无法辨认。请重新上传"
            "卡号清晰的借记卡正面照片后再次提交。"
        },
    ),
    DemoCase(
        ZHANG_SAN,
        "出生登记（新生儿入户）",
        CaseState.ACCEPTED,
        answers={
            "child_name": "张小宇",
            "child_birth_date": "2024-05-18",
            "father_name": "张三",
            "father_id_number": ZHANG_SAN,
            "mother_name": "刘芳",
            "mother_id_number": "420502199204150027",
        },
    ),
    DemoCase(
        ZHANG_SAN,
        "普通护照签发",
        CaseState.IN_REVIEW,
        answers={"mailing_address": HOME_ADDRESS},
    ),
    DemoCase(
        ZHANG_SAN,
        "居民身份证申领",
        CaseState.RESULT_ISSUED,
        answers={"mailing_address": HOME_ADDRESS},
        comments={Action.ISSUE_RESULT: "新证已制作完成，可到窗口领取或选择邮寄。"},
    ),
    DemoCase(
        ZHANG_SAN,
        "个体工商户设立登记",
        CaseState.DELIVERED,
        answers={
            "company_name": "宜昌市西陵区张三便利店",
            "registered_address": "宜昌市西陵区西陵一路28号临街门面",
            "business_scope": "预包装食品销售；日用百货、文具用品零售",
        },
    ),
    # 宜昌示例科技有限公司, through 张三 as its legal representative.
    DemoCase(
        ZHANG_SAN,
        "企业变更登记",
        CaseState.SUBMITTED,
        organisation=ENTERPRISE,
        answers={"change_item": "住所"},
    ),
    DemoCase(
        ZHANG_SAN,
        "食品经营许可",
        CaseState.ACCEPTED,
        organisation=ENTERPRISE,
        answers={"food_business_item": "自制饮品制售"},
    ),
    DemoCase(
        ZHANG_SAN,
        "特种设备使用登记",
        CaseState.APPROVED,
        organisation=ENTERPRISE,
        answers={"equipment_address": OFFICE_ADDRESS},
    ),
    # 王奶奶: applied for by 张三 with her authorisation (代办).
    DemoCase(
        GRANNY_WANG,
        "社会保障卡申领",
        CaseState.ACCEPTED,
        agent=ZHANG_SAN,
        answers={"mailing_address": "宜昌市西陵区学院街道东湖三路12号1栋301室"},
    ),
    # 李四 of Beijing moves in with his family in 宜昌 (跨省通办), checked with the origin.
    DemoCase(
        LI_SI,
        "户籍迁入",
        CaseState.SUSPENDED,
        answers={
            "move_reason": "投靠亲属",
            "origin_address": "北京市朝阳区建国路88号院6号楼1单元902室",
            "residence_address": "宜昌市西陵区云集路21号金色家园5栋2单元602室",
        },
        comments={
            Action.SUSPEND: "需向原户籍地北京市朝阳区公安分局核实户籍信息，核实期间办理时限"
            "中止计算。"
        },
    ),
]

# Generic answers by question key, before the answers by type.
TEXT_ANSWERS = {
    "legal_rep_name": "张三",
    "business_scope": "软件开发；信息技术咨询服务；数据处理和存储支持服务",
    "industry": "软件和信息技术服务业",
}
DATE_ANSWER = "2025-01-06"


def _answer(
    question: FormField, *, person: User, organisation: Organisation | None, given: dict[str, str]
) -> str | None:
    """A realistic answer to one question, by its key first and its type otherwise."""
    if question.key in given:
        return given[question.key]
    kind = question.field_type
    if kind == FieldType.TEXT:
        if question.key == "applicant_name":
            return person.name
        if question.key == "company_name" and organisation is not None:
            return organisation.name
        return TEXT_ANSWERS.get(question.key, f"{question.label}（见申请材料）")
    answers = {
        FieldType.ID_NUMBER: person.id_number,
        FieldType.PHONE: person.phone or "13800000000",
        FieldType.DATE: DATE_ANSWER,
        FieldType.CHOICE: question.choices[0] if question.choices else None,
        FieldType.NUMBER: "1",
        FieldType.CREDIT_CODE: organisation.credit_code if organisation else ENTERPRISE,
        FieldType.ADDRESS: HOME_ADDRESS if organisation is None else OFFICE_ADDRESS,
    }
    return answers.get(kind)


def demo_pdf(title: str, *, padding: int = 0) -> bytes:
    """A small, valid one-page PDF showing `title` (ASCII), with a correct xref table;
    `padding` bytes of comment lines after the header make it as large as a scan (benchmarks)."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    line = b"%" + b"0" * 78 + b"\n"
    out += line * (padding // len(line))
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _version(name: str) -> ImplementationVersion:
    version = (
        matter_selectors.published_versions()
        .filter(name=name, implementation__region__code=CITY_CODE)
        .prefetch_related("materials", "form_fields")
        .first()
    )
    if version is None:
        raise LookupError(f"the demo catalogue has no published service named {name!r}")
    return version


def _uploads(version: ImplementationVersion) -> list[tuple[str, str]]:
    """(key, name) of the materials an applicant uploads for a complete application."""
    return [
        (material.key, material.name)
        for material in version.materials.all()
        if material.requirement == MaterialRequirement.REQUIRED
        and material.source == MaterialSource.UPLOAD
    ]


def _authorise(*, principal: User, agent: User, version: ImplementationVersion) -> None:
    matter_code = version.implementation.matter.basic_code
    if identity_selectors.authorisation_active(
        principal=principal, agent=agent, matter_code=matter_code
    ):
        return
    authorisation_grant(
        principal=principal,
        agent_id_number=agent.id_number,
        agent_name=agent.name,
        valid_until=timezone.localdate() + timedelta(days=365),
        matter_code=matter_code,
    )


def _seed_case(spec: DemoCase, people: dict[str, User]) -> Case:
    version = _version(spec.service)
    applicant = people[spec.applicant]
    actor = people[spec.agent] if spec.agent else applicant
    organisation = (
        Organisation.objects.get(credit_code=spec.organisation) if spec.organisation else None
    )
    if spec.agent:
        _authorise(principal=applicant, agent=actor, version=version)
    form_data = {}
    for question in version.form_fields.all():
        answer = _answer(question, person=applicant, organisation=organisation, given=spec.answers)
        if answer is not None:
            form_data[question.key] = answer
    case = services.case_create(
        version=version,
        actor=actor,
        form_data=form_data,
        on_behalf_of=applicant if spec.agent else None,
        organisation=organisation,
    )
    for key, name in _uploads(version):
        if key in spec.not_uploaded:
            continue
        upload = io.BytesIO(demo_pdf(f"Demo material: {key} ({case.number})"))
        services.case_material_attach(
            case=case, actor=actor, material_key=key, file=upload, name=f"{name}.pdf"
        )
    reviewer = people.get(REVIEWERS.get(version.implementation.department.credit_code, ""))
    for action in PATHS[spec.state]:
        if action in APPLICANT_ACTIONS:
            who = actor
        elif action in CLERK_ACTIONS:
            who = people[CLERK]
        elif reviewer is not None:
            who = reviewer
        else:
            raise LookupError(f"no demo reviewer for {spec.service!r} to {action}")
        comment = spec.comments.get(action, COMMENTS.get(action, ""))
        case = services.case_transition(case=case, action=action, actor=who, comment=comment)
    return case


@transaction.atomic
def seed_cases() -> list[Case]:
    """Write the demo cases; once the demo citizens have cases, a second run adds none."""
    if Case.objects.filter(applicant__id_number__in=CITIZENS).exists():
        return []
    people = {
        person.id_number: person
        for person in User.objects.filter(id_number__in=[*CITIZENS, CLERK, *REVIEWERS.values()])
    }
    return [_seed_case(spec, people) for spec in DEMO_CASES]


# --- A combined application in progress (并联审批) ------------------------------------------

DEMO_BUNDLE = "kaiban-qiye"  # 开办企业一件事: five services of five departments, in parallel
# Its services' steps after the hall accepted it: the first is approved, the second claimed;
# the others wait in their departments' queues.
BUNDLE_STEPS = {0: [Action.CLAIM, Action.APPROVE], 1: [Action.CLAIM]}


def seed_bundle_in_progress() -> Case | None:
    """张三 applies for 宜昌示例科技有限公司 for 开办企业一件事; the hall accepts it and its
    services are routed to their departments, where the demo reviewers have started. Once
    the enterprise has such an application, a second run adds none."""
    from cases import bundles, outbox
    from cases.models import OutboxMessage
    from cases.outbox import OutboxKind

    enterprise = Organisation.objects.get(credit_code=ENTERPRISE)
    if Case.objects.filter(bundle__code=DEMO_BUNDLE, organisation=enterprise).exists():
        return None
    bundle = matter_selectors.bundle_published(DEMO_BUNDLE)
    if bundle is None:
        raise LookupError(f"the demo catalogue has no published bundle {DEMO_BUNDLE!r}")
    merged = matter_selectors.bundle_merged(bundle)
    people = {
        person.id_number: person
        for person in User.objects.filter(id_number__in=[ZHANG_SAN, CLERK, *REVIEWERS.values()])
    }
    applicant = people[ZHANG_SAN]
    form_data = {}
    for question in merged.fields:
        answer = _answer(question, person=applicant, organisation=enterprise, given={})
        if answer is not None:
            form_data[question.key] = answer
    with transaction.atomic():
        parent = bundles.bundle_case_create(
            bundle_code=DEMO_BUNDLE, actor=applicant, organisation=enterprise, form_data=form_data
        )
        for material in merged.materials:
            if (
                material.requirement == MaterialRequirement.REQUIRED
                and material.source == MaterialSource.UPLOAD
            ):
                bundles.bundle_material_attach(
                    case=parent,
                    actor=applicant,
                    material_key=material.key,
                    file=io.BytesIO(demo_pdf(f"Demo material: {material.key} ({parent.number})")),
                    name=f"{material.name}.pdf",
                )
        bundles.bundle_case_submit(case=parent, actor=applicant)
        parent = services.case_transition(
            case=parent, action=Action.ACCEPT, actor=people[CLERK], comment=COMMENTS[Action.ACCEPT]
        )
        # The seed runs in one transaction: the fan-out is delivered here rather than after
        # the commit (the tasks scheduled then find it done).
        for message_id in OutboxMessage.objects.filter(
            kind=OutboxKind.ROUTE_CHILD, payload__parent=parent.pk
        ).values_list("pk", flat=True):
            outbox.deliver(message_id)
        children = list(Case.objects.filter(parent=parent).order_by("pk"))
        for index, actions in BUNDLE_STEPS.items():
            child = children[index]
            reviewer = people[REVIEWERS[child.department.credit_code]]
            for action in actions:
                child = services.case_transition(
                    case=child, action=action, actor=reviewer, comment=COMMENTS.get(action, "")
                )
    return parent


# --- The reviewers' queues (后台分类审批) ----------------------------------------------------

SCJG, GAJ = "11420500MB0000006G", "11420500MB0000007K"
SCJG_HEAD = "420502198206060039"  # 郑华, head of 市场监管局 (portal/demo.py)


@dataclass(frozen=True)
class QueueCase:
    applicant: str
    service: str
    days_left: int  # working days left on the promised deadline (negative: overdue)
    organisation: str = ""
    # What the department's reviewer does after acceptance: (action, comment, payload).
    steps: tuple[tuple[str, str, dict], ...] = ()


CLAIM = (Action.CLAIM, "", {})
QUEUE_CASES = [
    # 钱进's queue at 市场监管局: overdue, nearly due and on time; unclaimed, claimed, waiting
    # for 公安局's opinion, waiting for the applicant (补正).
    QueueCase(ZHANG_SAN, "药品零售企业经营许可", -2, organisation=ENTERPRISE),
    QueueCase(LI_SI, "食品经营许可", 1),
    QueueCase(ZHANG_SAN, "特种设备使用登记", 1, organisation=ENTERPRISE, steps=(CLAIM,)),
    QueueCase(
        LI_SI,
        "药品零售企业经营许可",
        3,
        steps=(
            CLAIM,
            (
                Action.CONSULT,
                "申请人拟设门店位于居民楼底商，请协助核实该地址是否存在治安或消防方面的限制。",
                {"department": GAJ},
            ),
        ),
    ),
    QueueCase(
        ZHANG_SAN,
        "食品经营许可",
        1,
        steps=(
            CLAIM,
            (
                Action.REQUEST_CORRECTION,
                "经营场所平面图未标明食品处理区与非食品处理区，请补充标注后的平面图。",
                {"respond_by": 5},
            ),
        ),
    ),
    # 孙磊's queue at 公安局.
    QueueCase(LI_SI, "居民身份证申领", 10),
    QueueCase(GRANNY_WANG, "普通护照签发", 1, steps=(CLAIM,)),
    QueueCase(ZHANG_SAN, "户籍迁入", -1, steps=(CLAIM,)),
]


def _accepted_on(version: ImplementationVersion, days_left: int) -> date:
    """The acceptance day that leaves `days_left` working days to the promised deadline."""
    calendar, today = matter_selectors.working_calendar(), timezone.localdate()
    for back in range(0, 120):
        day = today - timedelta(days=back)
        deadline = calendar.add_working_days(day, version.promised_limit_days)
        left = (
            calendar.working_days_between(today, deadline)
            if deadline >= today
            else -calendar.working_days_between(deadline, today)
        )
        if left <= days_left:
            return day
    return today


def seed_review_queue() -> list[Case]:
    """Cases in the queues of 钱进 (市场监管局) and 孙磊 (公安局) in every queue state and
    card colour, written through the services (acceptance dated back to give the colours).
    Idempotent: nothing is added once 钱进 has asked 公安局 for an opinion."""
    from cases import outbox
    from cases.models import Consultation, OutboxMessage
    from cases.outbox import OutboxKind

    if Consultation.objects.filter(
        case__department__credit_code=SCJG, department__credit_code=GAJ
    ).exists():
        return []
    people = {
        person.id_number: person
        for person in User.objects.filter(id_number__in=[*CITIZENS, CLERK, *REVIEWERS.values()])
    }
    seeded = []
    with transaction.atomic():
        for spec in QUEUE_CASES:
            demo = DemoCase(
                spec.applicant, spec.service, CaseState.SUBMITTED, organisation=spec.organisation
            )
            case = _seed_case(demo, people)
            case = services.case_transition(
                case=case,
                action=Action.ACCEPT,
                actor=people[CLERK],
                comment=COMMENTS[Action.ACCEPT],
                today=_accepted_on(case.version, spec.days_left),
            )
            reviewer = people[REVIEWERS[case.department.credit_code]]
            for action, comment, payload in spec.steps:
                if "respond_by" in payload:
                    payload = {
                        "respond_by": timezone.localdate() + timedelta(days=payload["respond_by"])
                    }
                case = services.case_transition(
                    case=case, action=action, actor=reviewer, comment=comment, payload=payload
                )
            seeded.append(case)
        # One transaction: the consultations are delivered here, not after the commit.
        for message in OutboxMessage.objects.filter(
            kind=OutboxKind.CONSULTATION, delivered_at__isnull=True
        ):
            outbox.deliver(message.pk)
    return seeded
