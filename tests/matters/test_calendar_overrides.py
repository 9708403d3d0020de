"""The admins' calendar overrides feed the working-day calendar."""

from datetime import date

import pytest

from matters import selectors
from matters.constants import CalendarDayKind
from matters.models import CalendarOverride

pytestmark = pytest.mark.django_db


def test_overrides_in_the_database_win_over_the_bundled_calendar():
    CalendarOverride.objects.create(date=date(2027, 1, 4), kind=CalendarDayKind.HOLIDAY)
    CalendarOverride.objects.create(date=date(2027, 1, 9), kind=CalendarDayKind.WORKDAY)

    calendar = selectors.working_calendar()

    assert calendar.is_working_day(date(2027, 1, 4)) is False  # a Monday made a holiday
    assert calendar.is_working_day(date(2027, 1, 9)) is True  # a Saturday made a working day
    assert calendar.add_working_days(date(2027, 1, 1), 1) == date(2027, 1, 5)


def test_years_the_bundled_calendar_does_not_know_are_flagged():
    assert selectors.calendar_years_needing_attention(today=date(2026, 11, 22)) == [2027]
    assert selectors.calendar_years_needing_attention(today=date(2025, 6, 1)) == []
