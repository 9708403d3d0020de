"""The deadline sweep (电子监察): yellow and red cards raised once, closed when done."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases.constants import Action, CaseState
from cases.models import Notice
from cases.services import case_transition
from identity.constants import Role
from sharing.constants import RequestState, SharingClass, SubjectKind, UpdateFrequency
from sharing.models import AccessRequest, Resource
from supervision import notifications, sweep
from supervision.constants import CardColour, CardKind, ComplaintState
from supervision.models import Card, Complaint, Rating, RatingFollowUp
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.matters import VersionFactory
from tests.supervision.conftest import MONDAY, make_case, request_correction, working_days

pytestmark = pytest.mark.django_db

YELLOW, RED = CardColour.YELLOW, CardColour.RED


def cards(kind: str = CardKind.CASE_DEADLINE) -> list[tuple[str, str, bool]]:
    return sorted(
        (card.subject_id, card.colour, card.closed_at is None)
        for card in Card.objects.filter(kind=kind)
    )


# --- Case deadlines ------------------------------------------------------------------------


def test_yellow_when_one_working_day_is_left_then_red_once_overdue(version, reviewer):
    # Given a case promised in 5 working days, due on Tuesday
    case = make_case(version, deadline=MONDAY + timedelta(days=1), claimed_by=reviewer)

    # On the Friday before, two working days are left: no card
    report = sweep.sweep_deadlines(today=MONDAY - timedelta(days=3))
    assert report.raised_total == 0

    # On Monday one working day is left: a yellow card
    report = sweep.sweep_deadlines(today=MONDAY)
    assert report.raised == {(CardKind.CASE_DEADLINE, YELLOW): 1}
    card = Card.objects.get(case=case)
    assert (card.colour, card.department_id, card.handler_id) == (
        YELLOW,
        case.department_id,
        reviewer.pk,
    )
    assert card.due == case.deadline

    # On the deadline itself it is not late yet
    assert sweep.sweep_deadlines(today=MONDAY + timedelta(days=1)).raised_total == 0

    # On Wednesday it is overdue: a red card as well
    report = sweep.sweep_deadlines(today=MONDAY + timedelta(days=2))
    assert report.raised == {(CardKind.CASE_DEADLINE, RED): 1}
    assert cards() == [(str(case.pk), RED, True), (str(case.pk), YELLOW, True)]


def test_running_twice_raises_each_card_once(version):
    make_case(version, deadline=MONDAY - timedelta(days=7))
    make_case(version, deadline=MONDAY)

    first = sweep.sweep_deadlines(today=MONDAY)
    second = sweep.sweep_deadlines(today=MONDAY)

    assert first.raised == {(CardKind.CASE_DEADLINE, YELLOW): 2, (CardKind.CASE_DEADLINE, RED): 1}
    assert second.raised_total == 0
    assert second.closed == 0
    assert Card.objects.count() == 3


def test_the_share_of_the_promised_limit_sets_the_yellow_card_of_long_cases():
    # 20 % of 20 working days is 4 days: more than the 1-day default
    version = VersionFactory(promised_limit_days=20, statutory_limit_days=30)
    four_left = make_case(version, deadline=working_days(MONDAY, 4))
    five_left = make_case(version, deadline=working_days(MONDAY, 5))

    sweep.sweep_deadlines(today=MONDAY)

    assert cards() == [(str(four_left.pk), YELLOW, True)]
    assert five_left.supervision_cards.count() == 0


def test_the_thresholds_come_from_settings(settings, version):
    settings.PORTAL_YELLOW_CARD_WORKING_DAYS = 3
    three_left = make_case(version, deadline=working_days(MONDAY, 3))

    sweep.sweep_deadlines(today=MONDAY)

    assert cards() == [(str(three_left.pk), YELLOW, True)]


def test_an_immediate_matter_gets_no_yellow_card_only_a_red_one_when_late():
    version = VersionFactory(
        promised_limit_days=0, statutory_limit_days=0, handling_kind="immediate"
    )
    today_case = make_case(version, deadline=MONDAY)
    late_case = make_case(version, deadline=MONDAY - timedelta(days=1))

    sweep.sweep_deadlines(today=MONDAY)

    assert cards() == [(str(late_case.pk), RED, True)]
    assert today_case.supervision_cards.count() == 0


def test_cases_whose_clock_does_not_run_are_not_carded(version):
    for state in (CaseState.SUSPENDED, CaseState.APPROVED, CaseState.DELIVERED):
        make_case(version, state=state, deadline=MONDAY - timedelta(days=10))

    assert sweep.sweep_deadlines(today=MONDAY).raised_total == 0


def test_cards_close_when_the_case_ends_but_not_while_it_is_suspended(version):
    ending = make_case(version, deadline=MONDAY - timedelta(days=1))
    pausing = make_case(version, deadline=MONDAY - timedelta(days=1))
    sweep.sweep_deadlines(today=MONDAY)

    ending.state = CaseState.RESULT_ISSUED
    ending.save(update_fields=["state"])
    pausing.state = CaseState.SUSPENDED
    pausing.save(update_fields=["state"])
    report = sweep.sweep_deadlines(today=MONDAY)

    assert report.closed == 2  # the ended case's yellow and red cards
    assert cards() == [
        (str(ending.pk), RED, False),
        (str(ending.pk), YELLOW, False),
        (str(pausing.pk), RED, True),
        (str(pausing.pk), YELLOW, True),
    ]
    # An ended case is never carded again
    assert sweep.sweep_deadlines(today=MONDAY + timedelta(days=30)).raised_total == 0


# --- Corrections, 容缺 supplies, complaints, follow-ups, sharing reviews -------------------


def test_an_unanswered_correction_request_is_carded_per_request(settings, version):
    settings.PORTAL_CORRECTION_ANSWER_DAYS = 5
    case = make_case(version, state=CaseState.CORRECTION_REQUESTED)
    first = request_correction(case, on=MONDAY)

    # Due the following Monday: yellow on Friday, red on Tuesday
    assert sweep.sweep_deadlines(today=MONDAY + timedelta(days=3)).raised_total == 0
    sweep.sweep_deadlines(today=MONDAY + timedelta(days=4))
    assert cards(CardKind.CORRECTION) == [(f"{case.pk}:{first.pk}", YELLOW, True)]
    sweep.sweep_deadlines(today=MONDAY + timedelta(days=8))
    assert cards(CardKind.CORRECTION) == [
        (f"{case.pk}:{first.pk}", RED, True),
        (f"{case.pk}:{first.pk}", YELLOW, True),
    ]
    assert Card.objects.get(kind=CardKind.CORRECTION, colour=RED).due == MONDAY + timedelta(days=7)

    # A second request (after a resubmission) closes the first round's cards
    second = request_correction(case, on=MONDAY + timedelta(days=9))
    sweep.sweep_deadlines(today=MONDAY + timedelta(days=9))
    open_cards = Card.objects.filter(kind=CardKind.CORRECTION, closed_at__isnull=True)
    assert open_cards.count() == 0
    assert second.pk > first.pk

    # The answer (the case leaves the state) leaves nothing open
    case.state = CaseState.SUBMITTED
    case.save(update_fields=["state"])
    assert sweep.sweep_deadlines(today=MONDAY + timedelta(days=30)).raised_total == 0


def test_a_deferred_material_not_supplied_in_time_is_carded_until_supplied(version):
    case = make_case(
        version,
        state=CaseState.ACCEPTED,
        deadline=MONDAY + timedelta(days=30),
        deferred_materials=["id_card"],
        deferred_until=MONDAY - timedelta(days=1),
    )

    sweep.sweep_deadlines(today=MONDAY)
    assert cards(CardKind.DEFERRED_SUPPLY) == [
        (str(case.pk), RED, True),
        (str(case.pk), YELLOW, True),
    ]

    case.deferred_supplied_at = timezone.now()
    case.save(update_fields=["deferred_supplied_at"])
    report = sweep.sweep_deadlines(today=MONDAY)
    assert report.closed == 2
    assert cards(CardKind.DEFERRED_SUPPLY) == [
        (str(case.pk), RED, False),
        (str(case.pk), YELLOW, False),
    ]


def _complaint(department, *, due, state=ComplaintState.ASSIGNED, reopen_count=0) -> Complaint:
    return Complaint.objects.create(
        number=f"TS{Complaint.objects.count():06d}",
        channel="hotline",
        complainant_name="王五",
        complainant_phone="13800000000",
        subject="department",
        about_department=department,
        text="窗口态度差",
        department=department,
        state=state,
        assign_due=due,
        due=due,
        reopen_count=reopen_count,
    )


def test_a_complaint_reply_is_carded_per_round(department):
    complaint = _complaint(department, due=MONDAY - timedelta(days=1))
    sweep.sweep_deadlines(today=MONDAY)
    assert cards(CardKind.COMPLAINT_REPLY) == [
        (f"{complaint.pk}:0", RED, True),
        (f"{complaint.pk}:0", YELLOW, True),
    ]

    # Reopened: the first round's cards close, a new round is carded when it is late again
    complaint.state, complaint.reopen_count = ComplaintState.REOPENED, 1
    complaint.due = MONDAY + timedelta(days=7)
    complaint.save()
    sweep.sweep_deadlines(today=MONDAY)
    assert cards(CardKind.COMPLAINT_REPLY) == [
        (f"{complaint.pk}:0", RED, False),
        (f"{complaint.pk}:0", YELLOW, False),
    ]
    sweep.sweep_deadlines(today=MONDAY + timedelta(days=8))
    assert Card.objects.filter(subject_id=f"{complaint.pk}:1", closed_at__isnull=True).count() == 2


def test_an_open_follow_up_of_a_bad_rating_is_carded_and_closed(version, reviewer):
    case = make_case(version, state=CaseState.DELIVERED, claimed_by=reviewer)
    rating = Rating.objects.create(
        case=case,
        score=1,
        channel="web",
        applicant=case.applicant,
        implementation=version.implementation,
        department=case.department,
        handler=reviewer,
        created_at=timezone.now(),
    )
    follow_up = RatingFollowUp.objects.create(rating=rating, department=case.department, due=MONDAY)

    sweep.sweep_deadlines(today=MONDAY)
    card = Card.objects.get(kind=CardKind.RATING_FOLLOW_UP)
    assert (card.colour, card.follow_up_id, card.case_id, card.handler_id) == (
        YELLOW,
        follow_up.pk,
        case.pk,
        reviewer.pk,
    )

    follow_up.callback_at = timezone.now()
    follow_up.rectification = follow_up.answer = "已整改"
    follow_up.closed_at = timezone.now()
    follow_up.save()
    assert sweep.sweep_deadlines(today=MONDAY + timedelta(days=5)).closed == 1
    assert cards(CardKind.RATING_FOLLOW_UP) == [(str(follow_up.pk), YELLOW, False)]


def test_sharing_request_reviews_are_carded_per_stage(department):
    provider = DepartmentFactory()
    resource = Resource.objects.create(
        code="hjxx",
        name="户籍信息",
        provider=provider,
        subject_kind=SubjectKind.PERSON,
        fields=[{"key": "name", "label": "姓名"}],
        update_frequency=UpdateFrequency.DAILY,
        sharing_class=SharingClass.CONDITIONAL,
        is_published=True,
    )
    request = AccessRequest.objects.create(
        resource=resource,
        consumer=department,
        requested_by=UserFactory(),
        state=RequestState.PLATFORM_REVIEW,
        purpose="办理业务核验身份",
        fields=["name"],
        platform_due=MONDAY - timedelta(days=1),
    )

    sweep.sweep_deadlines(today=MONDAY)
    platform = Card.objects.filter(kind=CardKind.SHARING_REVIEW)
    assert sorted(platform.values_list("subject_id", "colour", "department")) == [
        (f"{request.pk}:platform", RED, None),
        (f"{request.pk}:platform", YELLOW, None),
    ]

    # The platform reviewed it: its cards close; the provider's stage is carded on its own
    request.state = RequestState.PROVIDER_REVIEW
    request.provider_due = MONDAY
    request.save()
    sweep.sweep_deadlines(today=MONDAY)
    assert cards(CardKind.SHARING_REVIEW) == [
        (f"{request.pk}:platform", RED, False),
        (f"{request.pk}:platform", YELLOW, False),
        (f"{request.pk}:provider", YELLOW, True),
    ]
    assert Card.objects.get(subject_id=f"{request.pk}:provider").department == provider


# --- Notifications -----------------------------------------------------------------------


def test_the_claimant_is_told_per_card_and_heads_and_supervisors_get_a_digest(
    version, reviewer, head, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    other_head = MembershipFactory(role=Role.DEPARTMENT_HEAD).user
    case = make_case(version, deadline=MONDAY - timedelta(days=1), claimed_by=reviewer)
    sweep.sweep_deadlines(today=MONDAY)

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.cards_notify() == 2
    assert notifications.cards_notify() == 0  # nothing twice

    mine = Notice.objects.filter(recipient=reviewer)
    assert mine.count() == 2
    assert {notice.case_id for notice in mine} == {case.pk}
    assert Notice.objects.filter(recipient=head).count() == 1
    assert Notice.objects.filter(recipient=supervisor).count() == 1
    assert Notice.objects.filter(recipient=other_head).count() == 0
    assert "2" in Notice.objects.get(recipient=head).title
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [reviewer.email, reviewer.email, head.email, supervisor.email]
    )
    assert Card.objects.filter(notified_at__isnull=True).count() == 0


def test_the_command_sweeps_and_notifies(version, reviewer):
    make_case(version, deadline=MONDAY - timedelta(days=1), claimed_by=reviewer)
    out = StringIO()

    call_command("sweep_deadlines", f"--today={MONDAY.isoformat()}", stdout=out)

    assert "raised red case_deadline: 1" in out.getvalue()
    assert "raised yellow case_deadline: 1" in out.getvalue()
    assert "notified about 2 cards" in out.getvalue()
    assert Notice.objects.filter(recipient=reviewer).count() == 2


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sweep_deadlines", "--today=yesterday")


def test_the_beat_task_sweeps_today(version, settings):
    from supervision.tasks import sweep_deadlines

    make_case(version, deadline=timezone.localdate() - timedelta(days=10))

    assert sweep_deadlines.delay().get() == {"raised": 2, "closed": 0}
    assert "supervision.sweep_deadlines" in settings.CELERY_BEAT_SCHEDULE


# --- Concurrency (PostgreSQL) ------------------------------------------------------------


@pytest.mark.postgres(reason="real concurrency")
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_raise_and_notify_each_card_once(version, reviewer):
    for days in range(30):
        make_case(version, deadline=MONDAY - timedelta(days=days), claimed_by=reviewer)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            sweep.sweep_deadlines(today=MONDAY, chunk_size=7)
            notifications.cards_notify(batch_size=5)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    # 30 yellow cards; red for the 29 past their deadline (not the one due today)
    assert Card.objects.filter(colour=YELLOW).count() == 30
    assert Card.objects.filter(colour=RED).count() == 29
    assert Notice.objects.filter(recipient=reviewer, case__isnull=False).count() == 59


def test_a_cases_cards_close_in_the_transaction_that_decides_it(version, reviewer):
    late = make_case(version, deadline=MONDAY - timedelta(days=1), claimed_by=reviewer)
    sweep.sweep_deadlines(today=MONDAY)
    assert Card.objects.filter(case=late, closed_at__isnull=True).count() == 2

    case_transition(case=late, action=Action.APPROVE, actor=reviewer, comment="准予许可")

    # No sweep has run since: the decision itself closed them.
    assert not Card.objects.filter(case=late, closed_at__isnull=True).exists()
