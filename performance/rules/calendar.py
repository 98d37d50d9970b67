"""Business calendar of RULES §1, in WIB (Asia/Jakarta, UTC+7, no DST).

Penalty weeks run Sunday–Saturday and are issued on the following Sunday; penalty months are
issued on the 1st of the next month; scores are refreshed every Monday from data strictly
before Monday 00:00 WIB.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
SUNDAY, MONDAY = 6, 0  # date.weekday()


def wib_date(moment: datetime) -> date:
    """The calendar day in WIB of an aware datetime."""
    return moment.astimezone(WIB).date()


def wib_midnight(day: date) -> datetime:
    """00:00 WIB of `day`, as an aware UTC datetime (for comparisons with stored times)."""
    return datetime.combine(day, time(), WIB).astimezone(UTC)


def penalty_week_start(day: date) -> date:
    """The Sunday that starts the penalty week containing `day`."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def penalty_week_end(week_start: date) -> date:
    """The Saturday that ends a penalty week."""
    return week_start + timedelta(days=6)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month_start(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def weekly_run_date(week_start: date) -> date:
    """Weekly rules of a penalty week are issued on the Sunday after it."""
    return week_start + timedelta(days=7)


def monthly_run_date(first: date) -> date:
    """Monthly rules are issued on the 1st of the next month."""
    return next_month_start(first)


def last_monday(day: date) -> date:
    """The most recent Monday on or before `day`."""
    return day - timedelta(days=day.weekday())


def days(first: date, last: date) -> Iterator[date]:
    """Every date from `first` to `last`, both included."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def run_dates(first: date, last: date) -> Iterator[tuple[date, str]]:
    """The scheduled runs between two dates (both included), in the order they happen.

    On a date that is several kinds of run day, the penalty rules come before the score
    refresh (which only counts penalties issued before its own date anyway).
    """
    for day in days(first, last):
        if day.weekday() == SUNDAY:
            yield day, "weekly_rules"
        if day.day == 1:
            yield day, "monthly_rules"
        if day.weekday() == MONDAY:
            yield day, "score_refresh"


# --- Working days (RULES §1) ---------------------------------------------------------------


@dataclass(frozen=True)
class DayOff:
    reason: str  # "weekend", "holiday" (name = the holiday) or "override" (name = staff note)
    name: str = ""


class WorkingCalendar:
    """Monday–Friday, minus public holidays and cuti bersama, with staff overrides on top.

    `holidays` maps a date to its name; `overrides` maps a date to (is_working_day, note).
    """

    def __init__(
        self, holidays: dict[date, str], overrides: dict[date, tuple[bool, str]] | None = None
    ) -> None:
        self.holidays = holidays
        self.overrides = overrides or {}

    def day_off(self, day: date) -> DayOff | None:
        """Why `day` is not a working day, or None when it is one."""
        if day in self.overrides:
            working, note = self.overrides[day]
            return None if working else DayOff("override", note)
        if day in self.holidays:  # named even on a weekend: the name says more
            return DayOff("holiday", self.holidays[day])
        if day.weekday() >= 5:
            return DayOff("weekend")
        return None

    def is_working(self, day: date) -> bool:
        return self.day_off(day) is None


# --- Holiday mode periods (RULES §6) -------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime | None  # None: still on

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)

    def covers_day(self, day: date) -> bool:
        """On for the whole WIB day."""
        start, end = wib_midnight(day), wib_midnight(day + timedelta(days=1))
        return self.start <= start and (self.end is None or self.end >= end)


def periods_from_switches(switches: list[tuple[datetime, bool]]) -> list[Period]:
    """On/off switches (any order) as periods: on opens one, off closes the open one.

    A repeated "on" while on, or an "off" while off, changes nothing.
    """
    periods: list[Period] = []
    opened: datetime | None = None
    for moment, enabled in sorted(switches):
        if enabled and opened is None:
            opened = moment
        elif not enabled and opened is not None:
            periods.append(Period(opened, moment))
            opened = None
    if opened is not None:
        periods.append(Period(opened, None))
    return periods
