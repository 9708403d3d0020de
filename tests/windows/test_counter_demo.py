"""The counter's demo data (windows/demo_counter.py), seeded by seed_demo after the demo
cases and the hall."""

import pytest
from django.core.management import call_command

from cases.constants import CaseState, Channel
from cases.demo import CLERK, GRANNY_WANG, ZHANG_SAN
from cases.models import Case
from identity.constants import AuthorisationBasis
from identity.models import User
from windows.demo_counter import DEFERRED_SERVICE, PICKUP_SERVICE, seed_counter
from windows.models import AppointmentSlot
from windows.selectors import implementations_of_hall

pytestmark = pytest.mark.django_db


def test_the_counter_demo_shows_assisted_intake_deferred_materials_and_a_pickup():
    call_command("seed_demo")

    clerk = User.objects.get(id_number=CLERK)
    assisted = Case.objects.get(created_by=clerk, channel=Channel.COUNTER)
    assert (assisted.applicant.id_number, assisted.agent, assisted.state) == (
        GRANNY_WANG,
        clerk,
        CaseState.SUBMITTED,
    )
    assert assisted.authorisation.basis == AuthorisationBasis.PAPER
    assert assisted.authorisation.evidence.name.endswith(".pdf")

    deferred = Case.objects.get(version__name=DEFERRED_SERVICE, applicant__id_number=ZHANG_SAN)
    assert deferred.state == CaseState.ACCEPTED
    assert deferred.deferred_materials
    assert deferred.deferred_until is not None

    # 王奶奶 has another passport application in the review queue demo.
    pickup = Case.objects.get(
        version__name=PICKUP_SERVICE,
        applicant__id_number=GRANNY_WANG,
        state=CaseState.RESULT_ISSUED,
    )
    assert len(pickup.pickup_code) == 8

    assert clerk.has_perm("cases.approve_immediate_case")
    # Every appointment time of the demo hall can be booked for one of its services.
    slots = AppointmentSlot.objects.all()
    assert slots.exists()
    for category in set(slots.values_list("category", flat=True)):
        hall = slots.filter(category=category).first().hall
        assert implementations_of_hall(hall, category=category).exists(), category
    # Seeding again adds nothing.
    count = Case.objects.count()
    assert seed_counter() == []
    assert Case.objects.count() == count
