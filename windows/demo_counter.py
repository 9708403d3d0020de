"""Demo data of the counter for `manage.py seed_demo`, after the demo cases (cases/demo.py):
an application the clerk 赵敏 takes in for 王奶奶 on a paper authorisation (帮办代办), waiting
for acceptance; 张三's application accepted with a material to follow (容缺受理); 王奶奶's
passport waiting at the window with its pickup code. 赵敏 may decide immediate matters on the
spot. Idempotent: nothing is added once 赵敏 has taken in a counter application.
"""

import io
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from cases.constants import Action, CaseState, Channel
from cases.demo import CLERK, GRANNY_WANG, REVIEWERS, ZHANG_SAN, DemoCase, demo_pdf
from cases.demo import _answer as demo_answer
from cases.demo import _seed_case as seed_demo_case
from cases.demo import _version as demo_version
from cases.models import Case
from identity.constants import AuthorisationBasis
from identity.models import User
from windows import counter

COUNTER_CLERKS_GROUP = "Window clerks deciding immediate matters"
# 王奶奶's 帮办代办 application: an immediate matter 赵敏 can accept and decide on the spot.
ASSISTED_SERVICE = "异地就医备案"
# 张三's housing-fund loan, accepted without the purchase contract (容缺受理).
DEFERRED_SERVICE = "住房公积金个人住房贷款"
# 王奶奶's passport, ready at the window.
PICKUP_SERVICE = "普通护照签发"
SUPPLY_DAYS = 7


def _tolerable(service: str) -> tuple[str, ...]:
    version = demo_version(service)
    return tuple(m.key for m in version.materials.all() if m.tolerable)


def _assisted_case(clerk: User, granny: User) -> Case:
    """帮办代办: the clerk records 王奶奶's signed paper authorisation and writes the
    application with her, then submits it."""
    version = demo_version(ASSISTED_SERVICE)
    case = counter.counter_intake(
        clerk=clerk,
        person=granny,
        version=version,
        basis=AuthorisationBasis.PAPER,
        evidence=io.BytesIO(demo_pdf("Paper authorisation signed by Wang")),
        evidence_name="委托书.pdf",
    )
    answers = {
        question.key: answer
        for question in version.form_fields.all()
        if (answer := demo_answer(question, person=granny, organisation=None, given={})) is not None
    }
    case_services.case_update_form(case=case, actor=clerk, form_data=answers)
    for material in version.materials.all():
        if material.must_be_uploaded:
            case_services.case_material_attach(
                case=case,
                actor=clerk,
                material_key=material.key,
                file=io.BytesIO(demo_pdf(f"Scan: {material.key} ({case.number})")),
                name=f"{material.name}.pdf",
            )
    return case_services.case_transition(case=case, action=Action.SUBMIT, actor=clerk)


def _deferred_case(clerk: User, people: dict[str, User]) -> Case:
    deferred = _tolerable(DEFERRED_SERVICE)
    case = seed_demo_case(
        DemoCase(ZHANG_SAN, DEFERRED_SERVICE, CaseState.SUBMITTED, not_uploaded=deferred),
        people,
    )
    return counter.counter_accept(
        case=case,
        clerk=clerk,
        deferred_materials=list(deferred),
        deferred_until=timezone.localdate() + timedelta(days=SUPPLY_DAYS),
        comment="主要材料齐全，购房合同容缺受理，请于期限内补交。",
    )


def _clerks_decide_immediate_matters(clerk: User) -> None:
    group, _created = Group.objects.get_or_create(name=COUNTER_CLERKS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="cases", codename="approve_immediate_case")
    )
    clerk.groups.add(group)


@transaction.atomic
def seed_counter() -> list[Case]:
    people = {
        person.id_number: person
        for person in User.objects.filter(
            id_number__in=[ZHANG_SAN, GRANNY_WANG, CLERK, *REVIEWERS.values()]
        )
    }
    clerk = people[CLERK]
    _clerks_decide_immediate_matters(clerk)
    if Case.objects.filter(created_by=clerk, channel=Channel.COUNTER).exists():
        return []
    return [
        _assisted_case(clerk, people[GRANNY_WANG]),
        _deferred_case(clerk, people),
        seed_demo_case(DemoCase(GRANNY_WANG, PICKUP_SERVICE, CaseState.RESULT_ISSUED), people),
    ]
