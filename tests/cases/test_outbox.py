"""The transactional outbox (SPEC.md §5, issue 6 item 5): a hand-off is written with the change
it follows, delivered once, retried with back-off when its delivery fails, marked failed when
the attempts run out, sent again by an administrator, and swept up when its task was lost."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases import handoffs, outbox, services
from cases.constants import Action
from cases.models import Case, Consultation, DepartmentNotice, Notice, OutboxMessage
from cases.outbox import OutboxKind
from identity.constants import Role
from identity.models import AuditEvent
from tests.cases.conftest import pdf_file
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

FLAKY = "tests.flaky"


@pytest.fixture
def case(version, citizen, clerk) -> Case:
    case = services.case_create(
        version=version, actor=citizen, form_data={"applicant_name": "张三"}
    )
    services.case_material_attach(
        case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)
    case = services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    # Its routing message (tests/cases/test_routing.py) is not what these tests are about;
    # where commits are real (PostgreSQL tests) it was delivered already.
    DepartmentNotice.objects.filter(kind=OutboxKind.ROUTED).delete()
    Notice.objects.filter(case=case, event=None).delete()
    OutboxMessage.objects.filter(kind=OutboxKind.ROUTED).delete()
    return case


@pytest.fixture
def receiving():
    """The department a case is handed to, with a reviewer reading English and a head."""
    department = DepartmentFactory(name="宜昌市自然资源和规划局")
    reviewer = MembershipFactory(
        role=Role.REVIEWER, organisation=department, user__language="en"
    ).user
    head = MembershipFactory(role=Role.DEPARTMENT_HEAD, organisation=department).user
    return department, reviewer, head


def _hand_off(case, department, reason="不属于本部门职责") -> OutboxMessage:
    with transaction.atomic():
        return handoffs.hand_off_enqueue(
            case=case, to_department=department, from_department=case.department, reason=reason
        )


@pytest.fixture
def flaky(monkeypatch):
    """A handler that fails the first `failures[0]` times it runs, then leaves a notice."""
    failures = [0]

    def deliver(message):
        if failures[0] > 0:
            failures[0] -= 1
            raise ConnectionError("department system unreachable")
        case = Case.objects.get(pk=message.payload["case"])
        DepartmentNotice.objects.create(
            department=case.department, case=case, message=message, kind=message.kind
        )

    monkeypatch.setitem(outbox._HANDLERS, FLAKY, deliver)
    return failures


def test_a_hand_off_reaches_the_department_once_its_transaction_commits(
    case, receiving, django_capture_on_commit_callbacks
):
    department, reviewer, head = receiving

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _hand_off(case, department)
        # Written with the change, not delivered before the commit.
        assert not DepartmentNotice.objects.exists()

    assert len(callbacks) == 1
    message.refresh_from_db()
    assert (message.attempts, message.failed_at, message.last_error) == (1, None, "")
    assert message.delivered_at is not None
    notice = DepartmentNotice.objects.get()
    assert (notice.department, notice.case, notice.message, notice.kind, notice.text) == (
        department,
        case,
        message,
        "cases.hand_off",
        "不属于本部门职责",
    )
    inbox = {n.recipient: n.title for n in Notice.objects.filter(case=case, event=None)}
    assert set(inbox) == {reviewer, head}
    # Each in their own language (the head reads the default one).
    assert inbox[reviewer] == f"Case {case.number} was handed to your department"
    assert case.number in inbox[head]


def test_a_hand_off_rolled_back_with_its_change_is_never_delivered(case, receiving):
    department, _reviewer, _head = receiving

    def hand_off_that_fails() -> None:
        with transaction.atomic():
            _hand_off(case, department)
            raise RuntimeError("the hand-off itself failed")

    with pytest.raises(RuntimeError):
        hand_off_that_fails()

    assert not OutboxMessage.objects.exists()
    assert not DepartmentNotice.objects.exists()


def test_delivering_a_message_again_does_nothing(case, receiving):
    department, _reviewer, _head = receiving
    message = _hand_off(case, department)

    assert outbox.deliver(message.pk) is True
    assert outbox.deliver(message.pk) is False

    message.refresh_from_db()
    assert message.attempts == 1
    assert DepartmentNotice.objects.count() == 1
    assert Notice.objects.filter(case=case, event=None).count() == 2


def test_one_message_can_never_leave_two_notices(case, receiving):
    """Even if its delivery mark were lost, the notice is one-to-one with the message."""
    department, _reviewer, _head = receiving
    message = _hand_off(case, department)
    outbox.deliver(message.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(delivered_at=None)

    with pytest.raises(IntegrityError):
        outbox.deliver(message.pk)

    assert DepartmentNotice.objects.count() == 1
    assert Notice.objects.filter(case=case, event=None).count() == 2


def test_enqueueing_a_kind_nobody_handles_is_refused(case):
    with pytest.raises(LookupError):
        outbox.enqueue(kind="cases.unknown", payload={"case": case.pk})

    assert not OutboxMessage.objects.exists()


def test_a_consultation_reaches_the_consulted_department(
    case, receiving, reviewer, django_capture_on_commit_callbacks
):
    department, consulted_reviewer, _head = receiving
    consultation = Consultation.objects.create(
        case=case, department=department, question="该地块是否符合规划?", requested_by=reviewer
    )

    with django_capture_on_commit_callbacks(execute=True):
        message = handoffs.consultation_enqueue(consultation=consultation)

    notice = DepartmentNotice.objects.get()
    assert (notice.department, notice.case, notice.message, notice.kind, notice.text) == (
        department,
        case,
        message,
        "cases.consultation",
        "该地块是否符合规划?",
    )
    assert Notice.objects.get(recipient=consulted_reviewer, case=case).title == (
        f"Your department's opinion is asked on case {case.number}"
    )


# --- Failures, retries, back-off -------------------------------------------------------


def test_a_failing_delivery_is_retried_until_it_succeeds(
    case, flaky, django_capture_on_commit_callbacks
):
    flaky[0] = 2

    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(kind=FLAKY, payload={"case": case.pk})

    message.refresh_from_db()
    # Two failed attempts recorded on the row, then the third delivered.
    assert message.attempts == 3
    assert message.delivered_at is not None
    assert message.failed_at is None
    assert message.last_error == "ConnectionError: department system unreachable"
    assert DepartmentNotice.objects.count() == 1


def test_a_delivery_failing_every_time_is_marked_failed_after_the_last_attempt(
    case, flaky, django_capture_on_commit_callbacks
):
    flaky[0] = 100

    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(kind=FLAKY, payload={"case": case.pk})

    message.refresh_from_db()
    assert message.attempts == outbox.MAX_ATTEMPTS
    assert message.failed_at is not None
    assert message.delivered_at is None
    assert message.last_error == "ConnectionError: department system unreachable"
    assert flaky[0] == 100 - outbox.MAX_ATTEMPTS
    # Failed for good: neither a stray retry nor the sweep tries it again.
    assert outbox.deliver(message.pk) is False
    assert outbox.sweep(older_than=timedelta(0)) == 0
    assert flaky[0] == 100 - outbox.MAX_ATTEMPTS
    assert not DepartmentNotice.objects.exists()


@pytest.mark.parametrize("attempts", range(1, 12))
def test_the_back_off_doubles_up_to_its_cap_with_jitter(attempts):
    ceiling = min(outbox.RETRY_CAP_SECONDS, outbox.RETRY_BASE_SECONDS * 2 ** (attempts - 1))

    delays = [outbox.retry_delay(attempts) for _ in range(50)]

    assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
    assert len(set(delays)) > 1


def test_the_back_off_asks_celery_for_the_countdown(case, flaky, monkeypatch):
    """The task records the failure and asks for a retry after the back-off."""
    from celery.exceptions import Retry

    from cases.tasks import deliver_outbox_message

    flaky[0] = 1
    message = outbox.enqueue(kind=FLAKY, payload={"case": case.pk})
    monkeypatch.setattr(outbox, "retry_delay", lambda attempts: 42.0 + attempts)
    asked = {}

    def retry(**kwargs):
        asked.update(kwargs)
        return Retry()

    monkeypatch.setattr(deliver_outbox_message, "retry", retry)

    with pytest.raises(Retry):
        deliver_outbox_message.run(message_id=str(message.pk))

    assert asked["countdown"] == 43.0
    assert isinstance(asked["exc"], ConnectionError)
    message.refresh_from_db()
    assert (message.attempts, message.delivered_at, message.failed_at) == (1, None, None)


# --- The sweep and the command ------------------------------------------------------------


def _lost(case, count: int, *, age: timedelta) -> list[OutboxMessage]:
    """Messages whose task never ran (written, never scheduled)."""
    messages = [
        OutboxMessage.objects.create(kind=FLAKY, payload={"case": case.pk}) for _ in range(count)
    ]
    OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
        created_at=timezone.now() - age
    )
    return messages


def test_the_sweep_schedules_the_messages_left_behind_in_chunks(case, flaky, monkeypatch):
    old = _lost(case, 5, age=timedelta(minutes=10))
    young = _lost(case, 1, age=timedelta(seconds=5))
    delivered = _lost(case, 1, age=timedelta(minutes=10))
    failed = _lost(case, 1, age=timedelta(minutes=10))
    OutboxMessage.objects.filter(pk=delivered[0].pk).update(delivered_at=timezone.now())
    OutboxMessage.objects.filter(pk=failed[0].pk).update(failed_at=timezone.now())
    scheduled = []
    monkeypatch.setattr(outbox, "schedule", scheduled.append)

    count = outbox.sweep(older_than=timedelta(minutes=2), chunk_size=2)

    assert count == 5
    assert sorted(scheduled) == sorted(m.pk for m in old)
    assert young[0].pk not in scheduled


def test_one_sweep_schedules_at_most_its_limit_oldest_first(case, monkeypatch):
    old = _lost(case, 3, age=timedelta(minutes=30))
    _lost(case, 3, age=timedelta(minutes=10))
    scheduled = []
    monkeypatch.setattr(outbox, "schedule", scheduled.append)

    count = outbox.sweep(older_than=timedelta(minutes=2), chunk_size=2, limit=3)

    assert count == 3
    assert sorted(scheduled) == sorted(m.pk for m in old)


def test_the_sweep_task_delivers_what_was_left_behind(case, flaky):
    from cases.tasks import sweep_outbox

    old = _lost(case, 3, age=timedelta(minutes=10))

    assert sweep_outbox.delay(older_than_seconds=120).get() == 3

    assert DepartmentNotice.objects.filter(message__in=old).count() == 3
    assert not outbox.pending(older_than=timedelta(0)).exists()


def test_the_sweep_runs_periodically():
    entry = settings.CELERY_BEAT_SCHEDULE["cases.sweep_outbox"]

    assert entry["task"] == "cases.tasks.sweep_outbox"
    assert entry["schedule"] <= entry["kwargs"]["older_than_seconds"]


def test_the_command_delivers_pending_messages_here_or_through_the_workers(case, flaky, capsys):
    _lost(case, 2, age=timedelta(minutes=10))

    call_command("deliver_outbox", "--here", "--older-than", "0")

    assert capsys.readouterr().out == "Delivered 2 message(s); 0 attempt(s) failed.\n"
    _lost(case, 1, age=timedelta(minutes=10))
    flaky[0] = 1

    call_command("deliver_outbox", "--here", "--older-than", "0")
    assert capsys.readouterr().out == "Delivered 0 message(s); 1 attempt(s) failed.\n"

    call_command("deliver_outbox", "--older-than", "0")
    assert capsys.readouterr().out == "Scheduled 1 message(s) for delivery.\n"
    assert DepartmentNotice.objects.count() == 3


@pytest.mark.postgres(reason="row locks")
@pytest.mark.django_db(transaction=True)
def test_a_message_being_delivered_elsewhere_is_skipped_not_lost(case, flaky):
    # Written, its task not run yet.
    message = OutboxMessage.objects.create(kind=FLAKY, payload={"case": case.pk})
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        # Another delivery holds the row, then dies (its transaction rolls back).
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(10)
                raise ConnectionAbortedError("worker died")
        except ConnectionAbortedError:
            pass
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(10)

    assert outbox.deliver(message.pk) is False  # skipped at once, not waited for
    release.set()
    thread.join()

    assert outbox.sweep(older_than=timedelta(0)) == 1
    message.refresh_from_db()
    assert message.delivered_at is not None
    assert DepartmentNotice.objects.filter(message=message).count() == 1


# --- The admin ------------------------------------------------------------------------------

CHANGELIST = "/admin/cases/outboxmessage/"


@pytest.fixture
def failed_message(case, flaky) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        kind=FLAKY,
        payload={"case": case.pk},
        attempts=outbox.MAX_ATTEMPTS,
        failed_at=timezone.now(),
        last_error="ConnectionError: department system unreachable",
    )
    return message


def test_an_administrator_finds_failed_messages_and_sends_them_again(
    client, case, failed_message, django_capture_on_commit_callbacks
):
    delivered = OutboxMessage.objects.create(
        kind=FLAKY, payload={"case": case.pk}, delivered_at=timezone.now(), attempts=1
    )
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    page = client.get(CHANGELIST, {"delivery": "failed"})

    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [failed_message]
    assert client.get(CHANGELIST, {"delivery": "delivered"}).context["cl"].result_list[0] == (
        delivered
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {
                "action": "send_again",
                "_selected_action": [str(failed_message.pk), str(delivered.pk)],
            },
        )

    assert response.status_code == 302
    failed_message.refresh_from_db()
    assert failed_message.failed_at is None
    assert failed_message.delivered_at is not None
    assert failed_message.attempts == 1
    assert DepartmentNotice.objects.filter(message=failed_message).count() == 1
    assert not DepartmentNotice.objects.filter(message=delivered).exists()
    assert AuditEvent.objects.filter(action="cases.outbox_resend", actor=admin).count() == 1


def test_staff_who_may_only_view_the_outbox_cannot_send_messages_again(
    client, failed_message, django_capture_on_commit_callbacks
):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    client.force_login(viewer)

    assert client.get(CHANGELIST).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST, {"action": "send_again", "_selected_action": [str(failed_message.pk)]}
        )

    failed_message.refresh_from_db()
    assert failed_message.failed_at is not None
    assert failed_message.attempts == outbox.MAX_ATTEMPTS
    assert not DepartmentNotice.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.outbox_resend").exists()


def test_the_admin_searches_a_message_by_its_id_and_tolerates_a_bad_one(client, failed_message):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    found = client.get(CHANGELIST, {"q": str(failed_message.pk)})
    bad = client.get(CHANGELIST, {"q": "not-a-uuid"})

    assert list(found.context["cl"].result_list) == [failed_message]
    assert bad.status_code == 200
    assert list(bad.context["cl"].result_list) == []


def test_outbox_kinds_have_their_handlers():
    assert set(OutboxKind.values) <= set(outbox._HANDLERS)
