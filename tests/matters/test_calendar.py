"""The working-day calendar: invariants (hypothesis) and the published 2025–2026 schedules."""

import dataclasses
import datetime

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matters.calendar import WorkingCalendar, known_years, year_is_known

D = datetime.date
PLAIN = WorkingCalendar()

# 2020–2026 are in chinesecalendar 1.11.0, 2027–2030 fall back to weekends only.
dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))
counts = st.integers(min_value=1, max_value=60)
overrides = st.dictionaries(
    keys=st.dates(min_value=D(2020, 1, 1), max_value=D(2031, 12, 31)),
    values=st.booleans(),
    max_size=40,
)


def naive_add(calendar: WorkingCalendar, start: datetime.date, days: int) -> datetime.date:
    """The reference implementation: step one day at a time."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            days -= 1
    return day


def naive_between(calendar: WorkingCalendar, start: datetime.date, end: datetime.date) -> int:
    total = 0
    day = start + datetime.timedelta(days=1)
    while day <= end:
        total += calendar.is_working_day(day)
        day += datetime.timedelta(days=1)
    return total


def days_off(calendar: WorkingCalendar, first: datetime.date, last: datetime.date) -> list[str]:
    day, found = first, []
    while day <= last:
        if not calendar.is_working_day(day):
            found.append(day.isoformat())
        day += datetime.timedelta(days=1)
    return found


# --- invariants -------------------------------------------------------------------------------


@given(start=dates, days=counts)
def test_the_result_is_a_working_day_after_the_start(start, days):
    # when
    due = PLAIN.add_working_days(start, days)

    # then
    assert due > start
    assert PLAIN.is_working_day(due)


@given(start=dates, days=counts, extra=overrides)
def test_counting_back_from_the_result_gives_the_number_of_days(start, days, extra):
    # given
    calendar = WorkingCalendar(extra)

    # when
    due = calendar.add_working_days(start, days)

    # then
    assert calendar.working_days_between(start, due) == days
    assert calendar.working_days_between(start, due - datetime.timedelta(days=1)) == days - 1


@given(start=dates, days=counts, extra=overrides)
def test_one_more_day_gives_a_later_date(start, days, extra):
    calendar = WorkingCalendar(extra)

    assert calendar.add_working_days(start, days) < calendar.add_working_days(start, days + 1)


@given(start=dates, first=st.integers(0, 60), second=st.integers(0, 60), extra=overrides)
def test_adding_in_two_steps_equals_adding_at_once(start, first, second, extra):
    calendar = WorkingCalendar(extra)

    in_two_steps = calendar.add_working_days(calendar.add_working_days(start, first), second)

    assert in_two_steps == calendar.add_working_days(start, first + second)


@given(start=dates, days=st.integers(0, 120), extra=overrides)
def test_adding_agrees_with_stepping_day_by_day(start, days, extra):
    calendar = WorkingCalendar(extra)

    assert calendar.add_working_days(start, days) == naive_add(calendar, start, days)


@settings(max_examples=50)
@given(start=dates, end=dates, extra=overrides)
def test_counting_agrees_with_stepping_day_by_day(start, end, extra):
    calendar = WorkingCalendar(extra)

    assert calendar.working_days_between(start, end) == naive_between(calendar, start, end)


@given(start=dates, end=dates)
def test_no_working_days_are_counted_when_the_end_is_not_after_the_start(start, end):
    if end > start:
        start, end = end, start

    assert PLAIN.working_days_between(start, end) == 0


@given(start=dates, extra=overrides)
def test_zero_days_is_the_start_itself(start, extra):
    assert WorkingCalendar(extra).add_working_days(start, 0) == start


# --- the published schedules ------------------------------------------------------------------


def test_2025_national_day_and_mid_autumn_holiday():
    # 国庆、中秋: 10月1日至8日放假, 9月28日(周日)、10月11日(周六)上班
    assert days_off(PLAIN, D(2025, 9, 27), D(2025, 10, 12)) == [
        "2025-09-27",
        "2025-10-01",
        "2025-10-02",
        "2025-10-03",
        "2025-10-04",
        "2025-10-05",
        "2025-10-06",
        "2025-10-07",
        "2025-10-08",
        "2025-10-12",
    ]
    assert PLAIN.is_working_day(D(2025, 9, 28))  # Sunday
    assert PLAIN.is_working_day(D(2025, 10, 11))  # Saturday


def test_2025_spring_festival():
    # 春节: 1月28日至2月4日放假, 1月26日(周日)、2月8日(周六)上班
    assert days_off(PLAIN, D(2025, 1, 25), D(2025, 2, 9)) == [
        "2025-01-25",
        "2025-01-28",
        "2025-01-29",
        "2025-01-30",
        "2025-01-31",
        "2025-02-01",
        "2025-02-02",
        "2025-02-03",
        "2025-02-04",
        "2025-02-09",
    ]
    assert PLAIN.is_working_day(D(2025, 1, 26))  # Sunday
    assert PLAIN.is_working_day(D(2025, 2, 8))  # Saturday


def test_2026_new_year():
    # 元旦: 1月1日至3日放假, 1月4日(周日)上班
    assert days_off(PLAIN, D(2025, 12, 31), D(2026, 1, 5)) == [
        "2026-01-01",
        "2026-01-02",
        "2026-01-03",
    ]


def test_2026_spring_festival():
    # 春节: 2月15日至23日放假, 2月14日(周六)、2月28日(周六)上班
    assert days_off(PLAIN, D(2026, 2, 13), D(2026, 3, 1)) == [
        "2026-02-15",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-02-21",
        "2026-02-22",
        "2026-02-23",
        "2026-03-01",
    ]
    assert PLAIN.is_working_day(D(2026, 2, 14))  # Saturday
    assert PLAIN.is_working_day(D(2026, 2, 28))  # Saturday


def test_2026_labour_day():
    # 劳动节: 5月1日至5日放假, 5月9日(周六)上班
    assert days_off(PLAIN, D(2026, 4, 30), D(2026, 5, 10)) == [
        "2026-05-01",
        "2026-05-02",
        "2026-05-03",
        "2026-05-04",
        "2026-05-05",
        "2026-05-10",
    ]


def test_2026_national_day():
    # 国庆: 10月1日至7日放假, 9月20日(周日)、10月10日(周六)上班; 中秋 9月25日至27日
    assert PLAIN.is_working_day(D(2026, 9, 20))  # Sunday
    assert days_off(PLAIN, D(2026, 9, 30), D(2026, 10, 11)) == [
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
        "2026-10-04",
        "2026-10-05",
        "2026-10-06",
        "2026-10-07",
        "2026-10-11",
    ]
    assert PLAIN.is_working_day(D(2026, 10, 10))  # Saturday


def test_the_day_before_national_day_plus_one_is_after_the_holiday():
    assert PLAIN.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert PLAIN.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_a_make_up_saturday_counts_as_a_working_day():
    # Friday 2026-02-13 + 1 is the make-up Saturday; + 2 jumps the whole Spring Festival
    assert PLAIN.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert PLAIN.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_a_promised_limit_of_twenty_days_across_the_2025_spring_festival():
    # accepted Monday 2025-01-20: 21–24, 26 (Sun), 27 January, then February 5–7, 8 (Sat),
    # 10–14, 17–21 make 20
    assert PLAIN.add_working_days(D(2025, 1, 20), 20) == D(2025, 2, 21)


def test_working_days_in_the_whole_of_2025_and_2026():
    assert PLAIN.working_days_between(D(2024, 12, 31), D(2025, 12, 31)) == 248
    assert PLAIN.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 248


def test_a_span_of_decades_matches_stepping_day_by_day():
    start, end = D(2003, 6, 1), D(2031, 6, 1)

    assert PLAIN.working_days_between(start, end) == naive_between(PLAIN, start, end)
    total = PLAIN.working_days_between(start, end)
    assert PLAIN.add_working_days(start, total) == naive_add(PLAIN, start, total)


# --- overrides ----------------------------------------------------------------------------------


def test_a_make_up_working_sunday_override_counts():
    # given Sunday 2025-03-09 made a working day
    calendar = WorkingCalendar({D(2025, 3, 9): True})

    # then
    assert calendar.is_working_day(D(2025, 3, 9))
    assert calendar.add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 9)
    assert calendar.working_days_between(D(2025, 3, 7), D(2025, 3, 10)) == 2
    assert PLAIN.working_days_between(D(2025, 3, 7), D(2025, 3, 10)) == 1


def test_a_holiday_override_on_a_weekday_does_not_count():
    # given Wednesday 2025-03-12 made a day off
    calendar = WorkingCalendar({D(2025, 3, 12): False})

    # then
    assert not calendar.is_working_day(D(2025, 3, 12))
    assert calendar.add_working_days(D(2025, 3, 11), 1) == D(2025, 3, 13)
    assert calendar.working_days_between(D(2025, 3, 10), D(2025, 3, 14)) == 3


def test_overrides_win_over_the_package():
    # given the package's make-up Sunday cancelled and a package holiday turned into work
    calendar = WorkingCalendar({D(2025, 9, 28): False, D(2025, 10, 8): True})

    # then
    assert not calendar.is_working_day(D(2025, 9, 28))
    assert calendar.is_working_day(D(2025, 10, 8))
    assert calendar.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 8)
    assert calendar.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 29)


def test_an_override_that_repeats_the_package_changes_nothing():
    calendar = WorkingCalendar({D(2025, 10, 1): False, D(2025, 9, 28): True, D(2025, 9, 29): True})

    assert days_off(calendar, D(2025, 9, 1), D(2025, 10, 31)) == days_off(
        PLAIN, D(2025, 9, 1), D(2025, 10, 31)
    )


def test_overrides_for_a_year_the_package_does_not_know():
    # given 2040's (imagined) Spring Festival entered by an admin: Feb 13–17 off, Saturday 11 works
    calendar = WorkingCalendar(
        {
            D(2040, 2, 11): True,
            **{D(2040, 2, day): False for day in range(13, 18)},
        }
    )

    # then
    assert calendar.is_working_day(D(2040, 2, 11))  # Saturday
    assert days_off(calendar, D(2040, 2, 10), D(2040, 2, 20)) == [
        "2040-02-12",
        "2040-02-13",
        "2040-02-14",
        "2040-02-15",
        "2040-02-16",
        "2040-02-17",
        "2040-02-18",
        "2040-02-19",
    ]
    assert calendar.add_working_days(D(2040, 2, 10), 2) == D(2040, 2, 20)
    assert calendar.working_days_between(D(2040, 2, 10), D(2040, 2, 20)) == 2


def test_the_calendar_keeps_its_own_copy_of_the_overrides():
    # given
    source = {D(2025, 3, 12): False}
    calendar = WorkingCalendar(source)

    # when the admin's mapping changes afterwards
    source[D(2025, 3, 12)] = True
    source[D(2025, 3, 13)] = False

    # then the calendar did not
    assert dict(calendar.overrides) == {D(2025, 3, 12): False}
    assert not calendar.is_working_day(D(2025, 3, 12))
    assert calendar.is_working_day(D(2025, 3, 13))


def test_the_calendar_is_immutable():
    calendar = WorkingCalendar({D(2025, 3, 12): False})

    with pytest.raises(dataclasses.FrozenInstanceError):
        calendar.overrides = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        calendar.overrides[D(2025, 3, 13)] = False  # type: ignore[index]
    assert dict(calendar.overrides) == {D(2025, 3, 12): False}


# --- years the package does not know -----------------------------------------------------------


def test_without_overrides_every_day_of_the_known_years_matches_chinese_calendar():
    day, last = D(known_years().start, 1, 1), D(known_years().stop - 1, 12, 31)
    disagreements = []
    while day <= last:
        if PLAIN.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += datetime.timedelta(days=1)

    assert disagreements == []


def test_the_installed_package_knows_2004_to_2026():
    # pinned to chinesecalendar==1.11.0: update when requirements.txt moves to a newer release
    assert known_years() == range(2004, 2027)
    assert year_is_known(2004)
    assert year_is_known(2025)
    assert year_is_known(2026)
    assert not year_is_known(2003)
    assert not year_is_known(2027)
    assert not year_is_known(2040)


def test_an_unknown_year_falls_back_to_weekends_only():
    # 2040-10-01 is a Monday: no National Day without an override
    assert PLAIN.is_working_day(D(2040, 10, 1))
    assert days_off(PLAIN, D(2040, 9, 24), D(2040, 10, 14)) == [
        "2040-09-29",
        "2040-09-30",
        "2040-10-06",
        "2040-10-07",
        "2040-10-13",
        "2040-10-14",
    ]
    assert PLAIN.add_working_days(D(2040, 9, 28), 1) == D(2040, 10, 1)
    assert PLAIN.working_days_between(D(2040, 1, 1), D(2040, 12, 31)) == 261


def test_counting_across_the_end_of_the_known_years():
    # Wednesday 2026-12-30: 31 December, then 2027 has no New Year holiday without overrides
    assert PLAIN.add_working_days(D(2026, 12, 30), 2) == D(2027, 1, 1)
    assert PLAIN.working_days_between(D(2026, 12, 30), D(2027, 1, 4)) == 3


# --- refusals -----------------------------------------------------------------------------------


def test_a_negative_number_of_days_is_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        PLAIN.add_working_days(D(2025, 3, 12), -1)


@pytest.mark.parametrize("days", [1.0, True, "1"])
def test_a_number_of_days_that_is_not_an_int_is_refused(days):
    with pytest.raises(TypeError, match="days must be an int"):
        PLAIN.add_working_days(D(2025, 3, 12), days)


def test_a_datetime_is_refused():
    moment = datetime.datetime(2025, 3, 12, 9, 30)

    with pytest.raises(TypeError, match=r"day must be a datetime\.date, not datetime"):
        PLAIN.is_working_day(moment)
    with pytest.raises(TypeError, match=r"start must be a datetime\.date, not datetime"):
        PLAIN.add_working_days(moment, 1)
    with pytest.raises(TypeError, match=r"end must be a datetime\.date, not datetime"):
        PLAIN.working_days_between(D(2025, 3, 1), moment)
    with pytest.raises(TypeError, match=r"override date must be a datetime\.date"):
        WorkingCalendar({moment: False})


def test_an_override_that_is_not_a_bool_is_refused():
    with pytest.raises(TypeError, match="override for 2025-03-12 must be a bool"):
        WorkingCalendar({D(2025, 3, 12): 0})  # type: ignore[dict-item]


def test_an_answer_beyond_the_last_date_is_refused():
    with pytest.raises(OverflowError):
        PLAIN.add_working_days(D(9999, 12, 30), 2)
    assert PLAIN.add_working_days(D(9999, 12, 30), 1) == D(9999, 12, 31)
