"""Working-day arithmetic on the Chinese calendar (法定节假日 and 调休), plus admin overrides.

Pure: no ORM, no settings, no clock. Callers load the admin overrides and pass them in.

Which days are working days, in order of precedence:

1. An admin **override** for that date: ``True`` is a working day (e.g. a make-up working day,
   调休上班), ``False`` a day off (a holiday). Overrides win over everything else.
2. The bundled **chinese-calendar** package, for the years it knows (see :func:`known_years`;
   ``chinesecalendar`` 1.11.0 knows 2004–2026). It carries the State Council's holiday notices:
   holidays on weekdays are days off, make-up working days on weekends are working days.
3. Otherwise **weekends only**: Monday to Friday work, Saturday and Sunday are off. Admins see a
   warning for such years (:func:`year_is_known`) so they can enter the holidays as overrides.

Counting conventions (time limits count from acceptance, SPEC §3):

- ``add_working_days(start, n)`` with ``n >= 1`` is the ``n``-th working day *after* ``start``;
  ``start`` itself never counts, whether or not it is a working day. A matter accepted on a
  Tuesday with a limit of 1 working day is due on Wednesday; one accepted on Tuesday
  2025-09-30 is due on Thursday 2025-10-09, after the National Day holiday; one accepted on a
  Saturday is due, with a limit of 1, on the next working day (usually the Monday).
- ``add_working_days(start, 0)`` returns ``start`` unchanged: immediate matters (即办件) are due
  the day they are accepted, even if that day is a weekend or holiday (the hall was open).
- ``working_days_between(start, end)`` counts the working days ``d`` with ``start < d <= end``
  (0 when ``end <= start``). So ``working_days_between(s, add_working_days(s, n)) == n`` for
  every ``n >= 0``, and ``add_working_days(add_working_days(s, a), b) ==
  add_working_days(s, a + b)``.

Cost: construction sorts the exceptional dates (the package's are found once, at import);
after that, ``working_days_between`` is O(log k) and ``add_working_days`` is O(log k · log n),
with k the number of exceptional dates, so spans of decades are as cheap as a week. Both rely
on the fact that, away from a finite set of *exceptional* dates (overrides and the package's
holidays / make-up days), a day is a working day exactly when it is Monday to Friday.

Arguments are ``datetime.date``; a ``datetime.datetime`` is refused (it compares unequal to
the date of the same day, which would silently miss overrides): pass
``timezone.localdate(moment)``.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import chinese_calendar

__all__ = [
    "WorkingCalendar",
    "known_years",
    "year_is_known",
]

# chinese-calendar accepts a date only if its year lies between the first and the last year
# of its holiday table, and raises NotImplementedError otherwise; mirror that rule exactly.
_PACKAGE_YEARS = range(
    min(day.year for day in chinese_calendar.holidays),
    max(day.year for day in chinese_calendar.holidays) + 1,
)


def known_years() -> range:
    """The years the bundled chinese-calendar package has holiday data for."""
    return _PACKAGE_YEARS


def year_is_known(year: int) -> bool:
    """True if the bundled calendar knows ``year``; if False, only weekends are days off."""
    return year in _PACKAGE_YEARS


def _check_date(value: object, *, name: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def _is_weekday(day: datetime.date) -> bool:
    return day.weekday() < 5


def _ask_package(day: datetime.date) -> bool:
    """chinese-calendar's own answer; slow (it scans its tables on every call), so used once."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # pragma: no cover - only asked about the years it knows
        return _is_weekday(day)


def _weekdays_through(ordinal: int) -> int:
    """How many Mondays to Fridays there are among the ordinals 1..ordinal.

    Ordinal 1 (0001-01-01) is a Monday, so each block of 7 ordinals starts on a Monday.
    """
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


# The package's exceptional dates: where it disagrees with "Monday to Friday". It answers by
# looking a date up in its holiday and make-up-day tables and falls back to Monday to Friday
# for any date in neither, so these dates are the only ones where asking it matters.
_PACKAGE_EXCEPTIONS: frozenset[datetime.date] = frozenset(
    day
    for day in {*chinese_calendar.holidays, *chinese_calendar.workdays}
    if year_is_known(day.year) and _ask_package(day) != _is_weekday(day)
)


# +1 for a working weekend day, -1 for a weekday off.
_PACKAGE_CORRECTIONS: dict[datetime.date, int] = {
    day: -1 if _is_weekday(day) else 1 for day in _PACKAGE_EXCEPTIONS
}


def _bundled_is_working_day(day: datetime.date) -> bool:
    """chinese-calendar's answer for the years it knows, weekends only for the others."""
    return _is_weekday(day) != (day in _PACKAGE_EXCEPTIONS)


@dataclass(frozen=True, slots=True, eq=False)
class WorkingCalendar:
    """The working days: chinese-calendar, weekends-only beyond it, admin overrides on top.

    ``overrides`` maps a date to ``True`` (a working day) or ``False`` (a day off); it is copied,
    so changing the mapping afterwards does not change the calendar. Build a new calendar when
    the overrides change.
    """

    overrides: Mapping[datetime.date, bool] = field(default_factory=dict)
    # Sorted ordinals of the dates where this calendar disagrees with "Monday to Friday", and
    # the running sum of their corrections (+1 a working weekend day, -1 a weekday off);
    # _prefix[i] is the sum of the first i corrections.
    _ordinals: tuple[int, ...] = field(init=False, repr=False)
    _prefix: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        overrides: dict[datetime.date, bool] = {}
        for day, working in self.overrides.items():
            _check_date(day, name="override date")
            if not isinstance(working, bool):
                raise TypeError(f"override for {day.isoformat()} must be a bool")
            overrides[day] = working
        object.__setattr__(self, "overrides", MappingProxyType(overrides))

        # Built on the package's corrections, computed once: a calendar is made per request.
        corrections = dict(_PACKAGE_CORRECTIONS)
        for day, working in overrides.items():
            correction = int(working) - int(_is_weekday(day))
            if correction:
                corrections[day] = correction
            else:
                corrections.pop(day, None)
        exceptions = sorted(corrections)
        prefix = itertools.accumulate((corrections[day] for day in exceptions), initial=0)
        object.__setattr__(self, "_ordinals", tuple(day.toordinal() for day in exceptions))
        object.__setattr__(self, "_prefix", tuple(prefix))

    def is_working_day(self, day: datetime.date) -> bool:
        """True if ``day`` is a working day: override, else chinese-calendar, else Mon–Fri."""
        _check_date(day, name="day")
        override = self.overrides.get(day)
        if override is not None:
            return override
        return _bundled_is_working_day(day)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The number of working days ``d`` with ``start < d <= end``; 0 if ``end <= start``."""
        _check_date(start, name="start")
        _check_date(end, name="end")
        if end <= start:
            return 0
        return self._count(start.toordinal(), end.toordinal())

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day after ``start``; ``start`` itself if ``days`` is 0.

        ``start`` never counts towards ``days``. Raises ValueError for a negative ``days`` and
        OverflowError if the answer would lie beyond ``datetime.date.max``.
        """
        _check_date(start, name="start")
        if isinstance(days, bool) or not isinstance(days, int):
            raise TypeError("days must be an int")
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return start

        origin = start.toordinal()
        last = datetime.date.max.toordinal()
        # Gallop to an end that holds enough working days, then bisect for the first end
        # that does: the count only grows on working days, so that end is the answer.
        low, span = origin, max(2 * days, 14)
        while True:
            high = min(origin + span, last)
            if self._count(origin, high) >= days:
                break
            if high == last:
                raise OverflowError("the answer lies beyond the last representable date")
            low, span = high, span * 2
        while high - low > 1:
            middle = (low + high) // 2
            if self._count(origin, middle) >= days:
                high = middle
            else:
                low = middle
        return datetime.date.fromordinal(high)

    def _count(self, start: int, end: int) -> int:
        """Working days among the ordinals start+1..end (end >= start)."""
        weekdays = _weekdays_through(end) - _weekdays_through(start)
        after_start = bisect.bisect_right(self._ordinals, start)
        through_end = bisect.bisect_right(self._ordinals, end)
        return weekdays + self._prefix[through_end] - self._prefix[after_start]
