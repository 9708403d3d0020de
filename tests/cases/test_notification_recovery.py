"""Case notifications whose task was lost (broker down when the step committed, worker
killed) are found by a periodic sweep and sent once, late rather than never."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from cases import notifications, services
from cases.constants import Action
from cases.models import CaseEvent, Notice
from tests.cases.conftest import pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(version, citizen):
    case = services.case_create(
        version=version, actor=citizen, form_data={"applicant_name": "张三"}
    )
    services.case_material_attach(
        case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    return case


def _submit(draft, citizen, callbacks):
    with callbacks(execute=False):
        # The step commits; its notification task is never sent (as when the broker is down).
        services.case_transition(case=draft, action=Action.SUBMIT, actor=citizen)
    return CaseEvent.objects.get(case=draft, action=Action.SUBMIT)


def test_a_told_step_is_no_longer_pending(draft, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=draft, action=Action.SUBMIT, actor=citizen)

    event = CaseEvent.objects.get(case=draft, action=Action.SUBMIT)
    assert event.notify_pending is False
    assert Notice.objects.filter(event=event, recipient=citizen).count() == 1


def test_a_lost_notification_is_sent_by_the_sweep_once(
    draft, citizen, django_capture_on_commit_callbacks
):
    event = _submit(draft, citizen, django_capture_on_commit_callbacks)
    assert event.notify_pending is True
    CaseEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(minutes=10))

    assert notifications.resend_lost() == 1
    assert notifications.resend_lost() == 0

    event.refresh_from_db()
    assert event.notify_pending is False
    assert Notice.objects.filter(event=event, recipient=citizen).count() == 1


@pytest.mark.parametrize("age", [timedelta(minutes=1), timedelta(days=8)])
def test_too_recent_or_too_old_steps_are_left_alone(
    draft, citizen, django_capture_on_commit_callbacks, age
):
    event = _submit(draft, citizen, django_capture_on_commit_callbacks)
    CaseEvent.objects.filter(pk=event.pk).update(at=timezone.now() - age)

    assert notifications.resend_lost() == 0
    assert not Notice.objects.filter(event=event).exists()


def test_the_sweep_runs_periodically():
    entry = settings.CELERY_BEAT_SCHEDULE["cases.resend_lost_notifications"]
    assert entry["task"] == "cases.tasks.resend_lost_notifications"
    assert entry["schedule"] <= 300
