"""The weekly customer-service response evaluation of RULES §5 (seed 000 §5, §6.2).

A buyer turn is evaluated in the week that contains its start, when the start falls on a
working day, outside holiday mode, and none of its messages is covered by a verified abuse
ticket. It is on time when answered within 24 hours of its start (exactly 24 h is on time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from performance.rules.calendar import Period, WorkingCalendar, days, wib_date
from performance.rules.turns import BuyerTurn


class TurnOutcome(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    NON_WORKING_DAY = "non_working_day"
    HOLIDAY_MODE = "holiday_mode"
    ABUSE_TICKET = "abuse_ticket"

    @property
    def evaluated(self) -> bool:
        return self in (TurnOutcome.ON_TIME, TurnOutcome.LATE)


class WeekStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NO_MESSAGES = "no_messages"
    NOT_EVALUATED = "not_evaluated"


@dataclass(frozen=True)
class Exclusions:
    """What takes turns out of one shop's evaluation."""

    calendar: WorkingCalendar
    holiday_periods: tuple[Period, ...] = ()
    ticket_messages: frozenset[str] = frozenset()  # marketplace message ids


def classify_turn(turn: BuyerTurn, exclusions: Exclusions, reply_hours: int) -> TurnOutcome:
    if not exclusions.calendar.is_working(wib_date(turn.started_at)):
        return TurnOutcome.NON_WORKING_DAY
    if any(period.contains(turn.started_at) for period in exclusions.holiday_periods):
        return TurnOutcome.HOLIDAY_MODE
    if exclusions.ticket_messages.intersection(turn.message_ids):
        return TurnOutcome.ABUSE_TICKET
    return TurnOutcome.ON_TIME if turn.on_time(reply_hours) else TurnOutcome.LATE


@dataclass(frozen=True)
class WeekResult:
    status: WeekStatus
    evaluated: int
    on_time: int
    excluded: dict[str, int]

    @property
    def rate(self) -> float | None:
        return round(100 * self.on_time / self.evaluated, 1) if self.evaluated else None


def evaluate_week(
    week_start: date,
    outcomes: Iterable[TurnOutcome],
    exclusions: Exclusions,
    pass_percent: int,
) -> WeekResult:
    """The status of one shop's week from the outcomes of the turns that started in it."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
    on_time = counts.pop(TurnOutcome.ON_TIME, 0)
    evaluated = on_time + counts.pop(TurnOutcome.LATE, 0)
    working = [
        d
        for d in days(week_start, week_start + timedelta(days=6))
        if exclusions.calendar.is_working(d)
    ]
    # Nothing to assess: no working day at all (a long holiday), or holiday mode on every one.
    if not working or all(
        any(p.covers_day(d) for p in exclusions.holiday_periods) for d in working
    ):
        status = WeekStatus.NOT_EVALUATED
    elif evaluated == 0:
        status = WeekStatus.NO_MESSAGES
    elif on_time * 100 >= pass_percent * evaluated:
        status = WeekStatus.PASS
    else:
        status = WeekStatus.FAIL
    return WeekResult(status, evaluated, on_time, dict(sorted(counts.items())))
