"""Demo supervision for `manage.py seed_demo`: deadline cards on two demo cases, ratings (one
bad, followed up), and complaints in several states, written through the services.

The demo cases were all accepted "today" (cases/demo.py); two of them are set back as if
accepted earlier, so that one is late (a red card) and one nearly so (a yellow card).
Idempotent: nothing is added once there are ratings or complaints.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases.constants import CaseState
from cases.demo import CLERK, LI_SI, REVIEWERS, ZHANG_SAN
from cases.models import Case
from identity.models import Organisation, User
from supervision import notifications, services, sweep
from supervision.constants import ComplaintChannel, ComplaintSubject, RatingChannel
from supervision.models import Complaint, Rating

MARKET_REGULATION = "11420500MB0000006G"  # 市场监管局, reviewer 钱进
PUBLIC_SECURITY = "11420500MB0000007K"  # 公安局, reviewer 孙磊


def _case(applicant: str, service: str, state: str | None = None) -> Case | None:
    # The review queue's demo gives the same people more cases of the same services.
    cases = Case.objects.filter(applicant__id_number=applicant, version__name=service)
    return (cases.filter(state=state) if state else cases).order_by("pk").first()


def _set_back_deadlines() -> None:
    """普通护照签发 (in review) is two days late; 食品经营许可 (accepted) is due today."""
    today = timezone.localdate()
    late = _case(ZHANG_SAN, "普通护照签发", CaseState.IN_REVIEW)
    if late is not None:
        Case.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=2))
    near = _case(ZHANG_SAN, "食品经营许可", CaseState.ACCEPTED)
    if near is not None:
        Case.objects.filter(pk=near.pk).update(deadline=today)


def _ratings(people: dict[str, User]) -> None:
    good = _case(ZHANG_SAN, "个体工商户设立登记")
    if good is not None:
        services.rating_create(
            case=good,
            actor=people[ZHANG_SAN],
            score=5,
            comment="窗口工作人员热情，一次就办好了。",
            channel=RatingChannel.WEB,
        )
    bad = _case(ZHANG_SAN, "居民身份证申领")
    if bad is not None:
        rating = services.rating_create_at_counter(
            case=bad, score=2, comment="取号后等了一个多小时，窗口只开了一个。"
        )
        services.follow_up_record_callback(
            follow_up=rating.follow_up,
            actor=people[REVIEWERS[PUBLIC_SECURITY]],
            notes="已电话回访张三先生，核实当日上午仅开放一个窗口，申请人等候约70分钟。",
        )


def _complaints(people: dict[str, User]) -> None:
    zhang, li = people[ZHANG_SAN], people[LI_SI]
    police, market = people[REVIEWERS[PUBLIC_SECURITY]], people[REVIEWERS[MARKET_REGULATION]]
    departments = {
        org.credit_code: org
        for org in Organisation.objects.filter(credit_code__in=[MARKET_REGULATION, PUBLIC_SECURITY])
    }
    passport = _case(ZHANG_SAN, "普通护照签发")
    if passport is not None:  # assigned to the case's department, waiting for its answer
        services.complaint_file(
            actor=zhang,
            subject=ComplaintSubject.CASE,
            case_number=passport.number,
            text="护照申请已超过承诺时限，仍未办结，也没有人告知原因。",
        )
    # Answered and confirmed: closed
    closed = services.complaint_file(
        actor=li,
        subject=ComplaintSubject.DEPARTMENT,
        department=departments[PUBLIC_SECURITY],
        text="户籍窗口咨询电话一直无人接听。",
    )
    services.complaint_answer(
        complaint=closed,
        actor=police,
        answer="已核实，咨询电话线路故障，现已修复，并增设一名值班人员。",
    )
    services.complaint_confirm(complaint=closed, actor=li)
    # From the 12345 hotline, for a caller without an account: answered by phone
    hotline = services.complaint_file(
        actor=people[CLERK],
        channel=ComplaintChannel.HOTLINE,
        subject=ComplaintSubject.DEPARTMENT,
        department=departments[MARKET_REGULATION],
        complainant_name="陈女士",
        complainant_phone="13900001234",
        text="12345来电：办理食品经营许可时，窗口要求提供清单之外的材料。",
    )
    services.complaint_answer(
        complaint=hotline,
        actor=market,
        answer="经核实，窗口人员要求的材料不在清单内，已对其批评教育，今后严格按清单收件。",
    )
    # Sent to the market regulator, who forwards it to the police
    forwarded = services.complaint_file(
        actor=zhang,
        subject=ComplaintSubject.DEPARTMENT,
        department=departments[MARKET_REGULATION],
        text="出生登记窗口让我回去开具已经取消的证明。",
    )
    services.complaint_forward(
        complaint=forwarded,
        actor=market,
        department=departments[PUBLIC_SECURITY],
        comment="出生登记属公安户籍业务，转公安局办理。",
    )
    # Answered, but the complainant was not satisfied: reopened
    reopened = services.complaint_file(
        actor=li,
        subject=ComplaintSubject.DEPARTMENT,
        department=departments[MARKET_REGULATION],
        text="企业名称自主申报系统经常无法登录。",
    )
    services.complaint_answer(complaint=reopened, actor=market, answer="系统已恢复正常。")
    services.complaint_reopen(
        complaint=reopened, actor=li, reason="今天上午仍然无法登录，问题没有解决。"
    )


@transaction.atomic
def seed_supervision() -> None:
    if Rating.objects.exists() or Complaint.objects.exists():
        return
    ids = [ZHANG_SAN, LI_SI, CLERK, *REVIEWERS.values()]
    people = {person.id_number: person for person in User.objects.filter(id_number__in=ids)}
    if len(people) < len(ids):
        return  # the demo people are seeded first
    _set_back_deadlines()
    _ratings(people)
    _complaints(people)
    sweep.sweep_deadlines()
    notifications.cards_notify()
