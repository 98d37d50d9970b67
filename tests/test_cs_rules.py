"""The pure rules of RULES §1, §5 and §6: the working-day calendar with the real 2025 Indonesian
holidays, buyer-turn classification, the weekly CS status and holiday-mode periods."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from performance.rules.calendar import (
    WIB,
    DayOff,
    Period,
    WorkingCalendar,
    days,
    periods_from_switches,
)
from performance.rules.cs import (
    Exclusions,
    TurnOutcome,
    WeekStatus,
    classify_turn,
    evaluate_week,
)
from performance.rules.turns import BuyerTurn
from performance.services.calendar import indonesian_holidays

REPLY_HOURS = 24
PASS_PERCENT = 90

ON_TIME, LATE = TurnOutcome.ON_TIME, TurnOutcome.LATE
NON_WORKING_DAY, HOLIDAY_MODE = TurnOutcome.NON_WORKING_DAY, TurnOutcome.HOLIDAY_MODE

PLAIN_WEEK = date(2025, 5, 19)  # Monday 19 – Sunday 25 May 2025: no holiday at all
WAISAK_WEEK = date(2025, 5, 12)  # Mon 12 Waisak, Tue 13 cuti bersama; Wed–Fri working


def wib(text: str) -> datetime:
    """'2025-05-14 10:00' (or with seconds) in WIB."""
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def calendar_2025(overrides: dict[date, tuple[bool, str]] | None = None) -> WorkingCalendar:
    with translation.override("id"):
        holidays = indonesian_holidays(date(2025, 1, 1), date(2025, 12, 31))
    return WorkingCalendar(holidays, overrides)


def turn(
    started_at: datetime,
    answered_after: timedelta | None = timedelta(hours=1),
    *,
    message_ids=("m-1",),
    auto_reply: bool = False,
) -> BuyerTurn:
    return BuyerTurn(
        shop_id=1,
        conversation="c-1",
        started_at=started_at,
        message_ids=list(message_ids),
        answered_at=None if answered_after is None else started_at + answered_after,
        answered_by_auto_reply=auto_reply,
    )


def classify(buyer_turn: BuyerTurn, **exclusions) -> TurnOutcome:
    return classify_turn(
        buyer_turn, Exclusions(calendar_2025(), **exclusions), reply_hours=REPLY_HOURS
    )


def week(week_start: date, outcomes, *periods: Period, calendar=None):
    exclusions = Exclusions(calendar or calendar_2025(), holiday_periods=periods)
    return evaluate_week(week_start, outcomes, exclusions, PASS_PERCENT)


def holiday_mode(first: date, last: date) -> Period:
    """Holiday mode on from 00:00 WIB of `first` until the end of `last` (WIB)."""
    return Period(
        datetime.combine(first, datetime.min.time(), WIB),
        datetime.combine(last + timedelta(days=1), datetime.min.time(), WIB),
    )


# --- Working days (RULES §1) -----------------------------------------------------------------


def test_waisak_and_its_cuti_bersama_are_days_off_named_in_indonesian():
    calendar = calendar_2025()

    assert calendar.day_off(date(2025, 5, 12)) == DayOff("holiday", "Hari Raya Waisak")
    assert calendar.day_off(date(2025, 5, 13)) == DayOff("holiday", "Cuti Bersama Hari Raya Waisak")


def test_the_wednesday_after_waisak_is_a_working_day():
    calendar = calendar_2025()

    assert calendar.day_off(date(2025, 5, 14)) is None
    assert calendar.is_working(date(2025, 5, 14)) is True


def test_idul_fitri_2025_leaves_no_working_day_from_nyepi_leave_to_the_second_tuesday():
    calendar = calendar_2025()

    off = [d for d in days(date(2025, 3, 27), date(2025, 4, 9)) if not calendar.is_working(d)]

    # Thu 27 Mar and Tue 8–Wed 9 Apr are the only working days of the fortnight.
    assert off == [
        date(2025, 3, 28),  # Fri: cuti bersama Nyepi
        date(2025, 3, 29),  # Sat (also Nyepi)
        date(2025, 3, 30),  # Sun
        date(2025, 3, 31),  # Mon: Idul Fitri
        date(2025, 4, 1),  # Tue: Idul Fitri, second day
        date(2025, 4, 2),  # Wed–Fri: cuti bersama Idul Fitri
        date(2025, 4, 3),
        date(2025, 4, 4),
        date(2025, 4, 5),  # Sat
        date(2025, 4, 6),  # Sun
        date(2025, 4, 7),  # Mon: cuti bersama Idul Fitri
    ]


def test_idul_fitri_2025_days_off_carry_their_indonesian_names():
    calendar = calendar_2025()

    assert {d: calendar.day_off(d) for d in days(date(2025, 3, 31), date(2025, 4, 7))} == {
        date(2025, 3, 31): DayOff("holiday", "Hari Raya Idul Fitri"),
        date(2025, 4, 1): DayOff("holiday", "Hari kedua dari Hari Raya Idul Fitri"),
        date(2025, 4, 2): DayOff("holiday", "Cuti Bersama Hari Raya Idul Fitri"),
        date(2025, 4, 3): DayOff("holiday", "Cuti Bersama Hari Raya Idul Fitri"),
        date(2025, 4, 4): DayOff("holiday", "Cuti Bersama Hari Raya Idul Fitri"),
        date(2025, 4, 5): DayOff("weekend"),
        date(2025, 4, 6): DayOff("weekend"),
        date(2025, 4, 7): DayOff("holiday", "Cuti Bersama Hari Raya Idul Fitri"),
    }


def test_saturday_and_sunday_are_days_off_and_weekdays_without_a_holiday_are_working():
    calendar = calendar_2025()

    assert [calendar.day_off(d) for d in days(date(2025, 5, 19), date(2025, 5, 25))] == [
        None,
        None,
        None,
        None,
        None,
        DayOff("weekend"),
        DayOff("weekend"),
    ]


def test_a_staff_override_makes_a_holiday_a_working_day():
    calendar = calendar_2025({date(2025, 5, 13): (True, "Cuti bersama tidak berlaku")})

    assert calendar.day_off(date(2025, 5, 13)) is None
    assert calendar.is_working(date(2025, 5, 12)) is False  # Waisak itself is untouched


def test_a_staff_override_makes_a_saturday_a_working_day():
    calendar = calendar_2025({date(2025, 5, 24): (True, "Hari kerja pengganti")})

    assert calendar.is_working(date(2025, 5, 24)) is True


def test_a_staff_override_adds_a_day_off_with_its_note():
    calendar = calendar_2025({date(2025, 5, 14): (False, "Gangguan sistem marketplace")})

    assert calendar.day_off(date(2025, 5, 14)) == DayOff("override", "Gangguan sistem marketplace")
    assert calendar.is_working(date(2025, 5, 15)) is True


# --- Classifying a buyer turn (RULES §5) ------------------------------------------------------


def test_a_turn_started_on_a_holiday_is_not_evaluated():
    assert classify(turn(wib("2025-05-12 10:00"))) == NON_WORKING_DAY


def test_a_turn_started_on_a_sunday_is_not_evaluated():
    assert classify(turn(wib("2025-05-18 10:00"))) == NON_WORKING_DAY


def test_a_turn_started_inside_holiday_mode_is_not_evaluated():
    periods = (Period(wib("2025-05-14 09:00"), wib("2025-05-15 09:00")),)

    assert classify(turn(wib("2025-05-14 09:00")), holiday_periods=periods) == HOLIDAY_MODE
    assert classify(turn(wib("2025-05-15 08:59:59")), holiday_periods=periods) == HOLIDAY_MODE


def test_a_turn_started_the_moment_holiday_mode_ends_is_evaluated():
    periods = (Period(wib("2025-05-14 09:00"), wib("2025-05-15 09:00")),)

    assert classify(turn(wib("2025-05-15 09:00")), holiday_periods=periods) == ON_TIME
    assert classify(turn(wib("2025-05-14 08:59:59")), holiday_periods=periods) == ON_TIME


def test_a_turn_with_a_message_covered_by_a_verified_abuse_ticket_is_not_evaluated():
    abusive = turn(wib("2025-05-14 10:00"), None, message_ids=("m-1", "m-2", "m-3"))

    assert classify(abusive, ticket_messages=frozenset({"m-2"})) == TurnOutcome.ABUSE_TICKET


def test_a_ticket_on_another_conversation_leaves_the_turn_evaluated():
    late = turn(wib("2025-05-14 10:00"), None, message_ids=("m-1",))

    assert classify(late, ticket_messages=frozenset({"m-9"})) == LATE


def test_an_answer_exactly_24_hours_after_the_start_is_on_time():
    assert classify(turn(wib("2025-05-14 10:00"), timedelta(hours=24))) == ON_TIME


def test_an_answer_one_second_after_24_hours_is_late():
    assert classify(turn(wib("2025-05-14 10:00"), timedelta(hours=24, seconds=1))) == LATE


def test_an_unanswered_turn_is_late():
    assert classify(turn(wib("2025-05-14 10:00"), None)) == LATE


def test_an_auto_reply_answers_a_turn_on_time():
    answered = turn(wib("2025-05-14 10:00"), timedelta(minutes=1), auto_reply=True)

    assert classify(answered) == ON_TIME


def test_the_working_day_of_a_turn_is_its_start_in_wib_not_utc():
    # Tuesday 13 May 17:30 UTC is Wednesday 14 May 00:30 WIB: a working day.
    assert classify(turn(utc("2025-05-13 17:30:00"))) == ON_TIME
    # Tuesday 13 May 16:59:59 UTC is still Tuesday 23:59:59 WIB: cuti bersama.
    assert classify(turn(utc("2025-05-13 16:59:59"))) == NON_WORKING_DAY


def test_a_friday_evening_in_utc_can_be_saturday_in_wib():
    # Friday 16 May 16:59:59 UTC = Friday 23:59:59 WIB; 17:00:00 UTC = Saturday 00:00 WIB.
    assert classify(turn(utc("2025-05-16 16:59:59"), None)) == LATE
    assert classify(turn(utc("2025-05-16 17:00:00"), None)) == NON_WORKING_DAY


# --- The weekly status (RULES §5) -------------------------------------------------------------


def test_nine_of_ten_on_time_is_exactly_90_percent_and_passes():
    result = week(PLAIN_WEEK, [ON_TIME] * 9 + [LATE])

    assert (result.status, result.evaluated, result.on_time, result.rate) == (
        WeekStatus.PASS,
        10,
        9,
        90.0,
    )
    assert result.excluded == {}


def test_eight_of_ten_on_time_fails():
    result = week(PLAIN_WEEK, [ON_TIME] * 8 + [LATE] * 2)

    assert (result.status, result.evaluated, result.on_time, result.rate) == (
        WeekStatus.FAIL,
        10,
        8,
        80.0,
    )


def test_just_under_90_percent_fails():
    result = week(PLAIN_WEEK, [ON_TIME] * 899 + [LATE] * 101)  # 89.9%

    assert (result.status, result.evaluated, result.on_time, result.rate) == (
        WeekStatus.FAIL,
        1000,
        899,
        89.9,
    )


def test_excluded_turns_are_counted_by_reason_and_left_out_of_the_rate():
    outcomes = [ON_TIME, LATE, NON_WORKING_DAY, HOLIDAY_MODE, NON_WORKING_DAY]
    outcomes += [TurnOutcome.ABUSE_TICKET]

    result = week(PLAIN_WEEK, outcomes)

    assert (result.status, result.evaluated, result.on_time, result.rate) == (
        WeekStatus.FAIL,
        2,
        1,
        50.0,
    )
    assert result.excluded == {"abuse_ticket": 1, "holiday_mode": 1, "non_working_day": 2}


def test_a_week_without_evaluated_turns_has_no_messages():
    result = week(PLAIN_WEEK, [NON_WORKING_DAY])

    assert (result.status, result.evaluated, result.on_time, result.rate) == (
        WeekStatus.NO_MESSAGES,
        0,
        0,
        None,
    )
    assert result.excluded == {"non_working_day": 1}


def test_a_week_with_no_turn_at_all_has_no_messages():
    result = week(PLAIN_WEEK, [])

    assert (result.status, result.evaluated, result.excluded) == (WeekStatus.NO_MESSAGES, 0, {})


def test_the_idul_fitri_week_without_working_days_is_not_evaluated():
    # Mon 31 Mar – Sun 6 Apr 2025: holidays, cuti bersama and the weekend, no working day.
    result = week(date(2025, 3, 31), [NON_WORKING_DAY, NON_WORKING_DAY])

    assert (result.status, result.evaluated, result.excluded) == (
        WeekStatus.NOT_EVALUATED,
        0,
        {"non_working_day": 2},
    )


def test_holiday_mode_over_every_working_day_leaves_the_week_not_evaluated():
    # Monday 00:00 WIB to Saturday 00:00 WIB: the five working days, not the weekend.
    result = week(
        PLAIN_WEEK, [HOLIDAY_MODE, HOLIDAY_MODE], holiday_mode(PLAIN_WEEK, date(2025, 5, 23))
    )

    assert (result.status, result.evaluated, result.on_time) == (WeekStatus.NOT_EVALUATED, 0, 0)
    assert result.excluded == {"holiday_mode": 2}


def test_holiday_mode_over_the_working_days_left_by_a_holiday_leaves_the_week_not_evaluated():
    # Waisak week: only Wednesday 14 to Friday 16 May are working days.
    result = week(
        WAISAK_WEEK, [NON_WORKING_DAY], holiday_mode(date(2025, 5, 14), date(2025, 5, 16))
    )

    assert (result.status, result.evaluated, result.on_time) == (WeekStatus.NOT_EVALUATED, 0, 0)
    assert result.excluded == {"non_working_day": 1}


def test_holiday_mode_in_two_periods_covering_every_working_day_leaves_the_week_not_evaluated():
    result = week(
        PLAIN_WEEK,
        [],
        holiday_mode(date(2025, 5, 19), date(2025, 5, 20)),
        holiday_mode(date(2025, 5, 21), date(2025, 5, 23)),
    )

    assert result.status == WeekStatus.NOT_EVALUATED


def test_holiday_mode_missing_one_working_day_leaves_the_week_evaluated():
    # On from Monday until Friday 12:00 WIB: Friday is not covered all day.
    period = Period(wib("2025-05-19 00:00"), wib("2025-05-23 12:00"))

    result = week(PLAIN_WEEK, [HOLIDAY_MODE] * 3 + [ON_TIME], period)

    assert (result.status, result.evaluated, result.on_time) == (WeekStatus.PASS, 1, 1)
    assert result.excluded == {"holiday_mode": 3}


def test_holiday_mode_missing_one_working_day_without_turns_has_no_messages():
    # Waisak week, holiday mode Tuesday to Thursday: Friday 16 May is still a working day.
    result = week(WAISAK_WEEK, [], holiday_mode(date(2025, 5, 13), date(2025, 5, 15)))

    assert result.status == WeekStatus.NO_MESSAGES


def test_a_holiday_made_a_working_day_must_be_covered_too():
    calendar = calendar_2025({date(2025, 5, 13): (True, "Cuti bersama tidak berlaku")})

    result = week(
        WAISAK_WEEK, [], holiday_mode(date(2025, 5, 14), date(2025, 5, 16)), calendar=calendar
    )

    assert result.status == WeekStatus.NO_MESSAGES


def test_holiday_mode_still_on_covers_every_later_day():
    result = week(PLAIN_WEEK, [], Period(wib("2025-05-17 15:00"), None))

    assert result.status == WeekStatus.NOT_EVALUATED


# --- Holiday-mode periods (RULES §6) ----------------------------------------------------------

T1, T2, T3, T4 = (wib(f"2025-05-{day} 09:00") for day in (14, 15, 16, 17))


def test_switches_out_of_order_make_the_same_periods():
    switches = [(T4, False), (T2, False), (T3, True), (T1, True)]

    assert periods_from_switches(switches) == [Period(T1, T2), Period(T3, T4)]


def test_a_repeated_on_keeps_the_first_start():
    assert periods_from_switches([(T1, True), (T2, True), (T3, False)]) == [Period(T1, T3)]


def test_an_off_while_off_changes_nothing():
    switches = [(T1, False), (T2, True), (T3, False), (T4, False)]

    assert periods_from_switches(switches) == [Period(T2, T3)]


def test_a_period_still_on_has_no_end():
    assert periods_from_switches([(T1, True), (T2, False), (T3, True)]) == [
        Period(T1, T2),
        Period(T3, None),
    ]


def test_no_switches_make_no_periods():
    assert periods_from_switches([]) == []


@pytest.mark.parametrize(
    ("start", "end", "covered"),
    [
        ("2025-05-14 00:00", "2025-05-15 00:00", True),  # exactly the WIB day
        ("2025-05-13 20:00", "2025-05-15 08:00", True),
        ("2025-05-14 00:00:01", "2025-05-15 00:00", False),  # starts a second late
        ("2025-05-14 00:00", "2025-05-14 23:59:59", False),  # ends a second early
        ("2025-05-13 20:00", None, True),  # still on
        ("2025-05-14 00:00:01", None, False),
    ],
)
def test_a_period_covers_a_day_only_when_on_for_the_whole_wib_day(start, end, covered):
    period = Period(wib(start), wib(end) if end else None)

    assert period.covers_day(date(2025, 5, 14)) is covered


def test_a_period_from_utc_midnight_does_not_cover_that_wib_day():
    period = Period(utc("2025-05-14 00:00:00"), None)  # 07:00 WIB

    assert period.covers_day(date(2025, 5, 14)) is False
    assert period.covers_day(date(2025, 5, 15)) is True


def test_a_holiday_on_a_weekend_is_named_by_the_holiday():
    calendar = calendar_2025()

    assert calendar.day_off(date(2025, 3, 29)) == DayOff("holiday", "Hari Suci Nyepi")
    assert calendar.day_off(date(2025, 3, 30)) == DayOff("weekend")
