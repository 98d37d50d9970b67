"""The working-day calendar: Indonesian holidays from `holidays` plus staff overrides."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays
from django.utils import translation

from performance.models import CalendarOverride
from performance.rules.calendar import WorkingCalendar

CATEGORIES = ("public", "government")  # public holidays and cuti bersama


@lru_cache(maxsize=64)
def _holidays(year: int, language: str) -> dict[date, str]:
    names = holidays.country_holidays("ID", years=year, categories=CATEGORIES, language=language)
    return dict(names.items())


def indonesian_holidays(first: date, last: date) -> dict[date, str]:
    """Holidays and cuti bersama between two dates, named in the active language."""
    language = "en_US" if (translation.get_language() or "id").startswith("en") else "id"
    result: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        result.update(
            {day: name for day, name in _holidays(year, language).items() if first <= day <= last}
        )
    return result


def working_calendar(first: date, last: date) -> WorkingCalendar:
    """The calendar between two dates: one query for the staff overrides."""
    overrides = {
        o.day: (o.is_working_day, o.note)
        for o in CalendarOverride.objects.filter(day__gte=first, day__lte=last)
    }
    return WorkingCalendar(indonesian_holidays(first, last), overrides)
