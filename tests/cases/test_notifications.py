"""Every step of a case reaches its applicant and agent: inbox, e-mail and SMS, once each."""

import logging

import pytest
from django.core import mail

from cases import notifications, services
from cases.constants import Action
from cases.models import Case, CaseEvent, Notice
from cases.tasks import notify_case_event
from tests.cases.conftest import pdf_file
from tests.factories import AuthorisationFactory, UserFactory

pytestmark = pytest.mark.django_db


class RecordingSmsSender:
    """A stand-in SMS gateway behind the real SmsSender interface: it records what it sends."""

    sent: list[dict[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        self.sent.append({"phone": phone, "text": text})


class BrokenSmsSender:
    def send(self, *, phone: str, text: str) -> None:
        raise OSError("gateway down")


@pytest.fixture
def sms(settings):
    settings.PORTAL_SMS_SENDER = "tests.cases.test_notifications.RecordingSmsSender"
    RecordingSmsSender.sent = []
    return RecordingSmsSender.sent


@pytest.fixture
def agent(citizen, version):
    agent = UserFactory(name="李四", phone="13900000002", language="en")
    AuthorisationFactory(principal=citizen, agent=agent)
    return agent


def _submitted_by_agent(version, citizen, agent) -> Case:
    case = services.case_create(
        version=version, actor=agent, form_data={"applicant_name": "张三"}, on_behalf_of=citizen
    )
    services.case_material_attach(
        case=case, actor=agent, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    return services.case_transition(case=case, action=Action.SUBMIT, actor=agent)


def test_every_step_gives_the_applicant_and_the_agent_one_notice_and_one_email_each(
    version, citizen, agent, clerk, reviewer, sms, django_capture_on_commit_callbacks
):
    citizen.phone = "13800000001"
    citizen.save(update_fields=["phone"])

    with django_capture_on_commit_callbacks(execute=True):
        case = _submitted_by_agent(version, citizen, agent)
        services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
        services.case_transition(case=case, action=Action.CLAIM, actor=reviewer)

    # The routing step tells the department's reviewer (through the outbox), not the
    # applicant: it is the department's business.
    assert CaseEvent.objects.filter(case=case).count() == 4
    assert Notice.objects.filter(case=case, recipient=citizen).count() == 3
    assert Notice.objects.filter(case=case, recipient=agent).count() == 3
    assert Notice.objects.filter(case=case, recipient=reviewer, event=None).count() == 1
    assert Notice.objects.count() == 7
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [citizen.email] * 3 + [agent.email] * 3
    )
    assert sorted(call["phone"] for call in sms) == ["13800000001"] * 3 + ["13900000002"] * 3
    # Each notice names the state its step reached, though all were sent after the last step.
    assert [n.title for n in Notice.objects.filter(recipient=agent).order_by("pk")] == [
        f"Your case {case.number}: Submitted",
        f"Your case {case.number}: Accepted",
        f"Your case {case.number}: In review",
    ]


def test_each_person_reads_the_step_in_their_own_language(
    version, citizen, agent, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _submitted_by_agent(version, citizen, agent)

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        citizen.email: f"您的办件{case.number}：已提交",
        agent.email: f"Your case {case.number}: Submitted",
    }
    english = Notice.objects.get(recipient=agent)
    assert english.title == f"Your case {case.number}: Submitted"
    assert f"http://127.0.0.1:8000/cases/{case.number}/" in mail.outbox[0].body
    assert sms == [
        {
            "phone": "13900000002",
            "text": f"Case {case.number} ({version.name}) is now “Submitted”.",
        }
    ]


def test_running_the_task_twice_for_a_step_sends_nothing_twice(
    version, citizen, agent, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _submitted_by_agent(version, citizen, agent)
    event = case.events.get()

    notify_case_event.delay(event_id=event.pk)
    notify_case_event.delay(event_id=event.pk)

    assert Notice.objects.count() == 2
    assert len(mail.outbox) == 2
    assert len(sms) == 1


def test_two_alike_steps_are_two_notices(
    version, citizen, clerk, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_create(
            version=version, actor=citizen, form_data={"applicant_name": "张三"}
        )
        services.case_material_attach(
            case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="a.pdf"
        )
        services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)
        services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
        for _ in range(2):
            services.case_transition(case=case, action=Action.CLAIM, actor=reviewer)
            services.case_transition(case=case, action=Action.RELEASE, actor=reviewer)

    assert Notice.objects.filter(recipient=citizen).count() == 6
    assert len(mail.outbox) == 6


def test_a_person_without_email_or_phone_still_gets_the_notice(
    version, sms, django_capture_on_commit_callbacks
):
    person = UserFactory(email="", phone="")

    with django_capture_on_commit_callbacks(execute=True):
        services.case_create(version=version, actor=person, form_data={"applicant_name": "王五"})
        case = Case.objects.get()
        services.case_material_attach(
            case=case, actor=person, material_key="id_card", file=pdf_file(), name="a.pdf"
        )
        services.case_transition(case=case, action=Action.SUBMIT, actor=person)

    assert Notice.objects.filter(recipient=person, case=case).count() == 1
    assert mail.outbox == []
    assert sms == []


def test_an_sms_gateway_failure_keeps_the_notice_and_the_mail(
    version, citizen, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_SMS_SENDER = "tests.cases.test_notifications.BrokenSmsSender"
    citizen.phone = "13800000001"
    citizen.save(update_fields=["phone"])

    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_create(
            version=version, actor=citizen, form_data={"applicant_name": "张三"}
        )
        services.case_material_attach(
            case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="a.pdf"
        )
        services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)

    assert Notice.objects.filter(recipient=citizen).count() == 1
    assert len(mail.outbox) == 1


def test_a_mail_failure_undoes_the_notice_so_a_retry_sends_both(
    version, citizen, monkeypatch, django_capture_on_commit_callbacks
):
    case = services.case_create(version=version, actor=citizen, form_data={"applicant_name": "张"})
    services.case_material_attach(
        case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="a.pdf"
    )
    with django_capture_on_commit_callbacks(execute=False):
        services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)
    event = case.events.get()

    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    with pytest.raises(OSError, match="mail server down"):
        notifications.case_event_notify(event_id=event.pk)
    assert not Notice.objects.exists()

    monkeypatch.undo()
    notifications.case_event_notify(event_id=event.pk)

    assert Notice.objects.filter(recipient=citizen).count() == 1
    assert len(mail.outbox) == 1


def test_the_console_sender_logs_the_message_with_the_phone_masked(caplog):
    with caplog.at_level(logging.INFO, logger="cases.notifications"):
        notifications.ConsoleSmsSender().send(phone="13812345678", text="您的办件已受理。")

    assert caplog.messages == ["SMS to 138****5678: 您的办件已受理。"]
    assert "13812345678" not in caplog.text


def test_the_configured_sender_class_is_the_one_used(settings):
    settings.PORTAL_SMS_SENDER = "tests.cases.test_notifications.RecordingSmsSender"

    assert isinstance(notifications.sms_sender(), RecordingSmsSender)


def test_the_demo_default_sender_is_the_console_one():
    assert isinstance(notifications.sms_sender(), notifications.ConsoleSmsSender)
