"""The supervision demo of `seed_demo`: cards on demo cases, ratings with a followed-up bad
one, complaints in several states; a second run adds nothing."""

import pytest
from django.core.management import call_command

from cases.demo import ZHANG_SAN
from supervision.constants import CardColour, CardKind, ComplaintState
from supervision.models import Card, Complaint, Rating, RatingFollowUp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_seed_demo_shows_cards_ratings_and_complaints_once():
    call_command("seed_demo")
    call_command("seed_demo")

    cards = {
        (card.case.version.name, card.colour)
        for card in Card.objects.filter(kind=CardKind.CASE_DEADLINE).select_related("case__version")
    }
    assert ("普通护照签发", CardColour.RED) in cards
    assert ("食品经营许可", CardColour.YELLOW) in cards
    assert Card.objects.filter(notified_at__isnull=True).count() == 0

    assert sorted(Rating.objects.values_list("score", flat=True)) == [2, 5]
    follow_up = RatingFollowUp.objects.get()
    assert follow_up.rating.case.applicant.id_number == ZHANG_SAN
    assert follow_up.callback_at is not None
    assert follow_up.closed_at is None

    assert sorted(Complaint.objects.values_list("state", flat=True)) == sorted(
        [
            ComplaintState.ASSIGNED,
            ComplaintState.CLOSED,
            ComplaintState.ANSWERED,
            ComplaintState.FORWARDED,
            ComplaintState.REOPENED,
        ]
    )
