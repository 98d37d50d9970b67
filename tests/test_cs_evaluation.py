"""The weekly customer-service evaluation (RULES §5) on stored chat events: buyer turns, the
working-day calendar, holiday mode, abuse tickets, re-evaluation with history, the CS warning
(RULES §8), the Monday run of `recalculate` and the export (RULES §11)."""

import io
import json
from datetime import date, datetime

import pytest
from django.core.management import call_command

from performance.models import (
    CalendarOverride,
    CsWeek,
    EnforcementRecord,
    HolidayPeriod,
    ScoreSnapshot,
)
from performance.selectors import scores_export
from performance.services import cs_evaluation
from performance.services.cs_evaluation import cs_evaluate_week
from performance.services.exclusions import message_exclusions_set
from performance.services.holiday_mode import holiday_mode_apply_events
from performance.services.ingest import events_ingest
from performance.services.recalculation import results_recalculate
from performance.services.scores import scores_refresh
from tests.helpers import event

pytestmark = pytest.mark.django_db

PLAIN_WEEK = date(2025, 5, 19)  # Mon 19 – Sun 25 May 2025, no holiday; evaluated Mon 26 May
WAISAK_WEEK = date(2025, 5, 12)  # Mon 12 Waisak, Tue 13 cuti bersama; evaluated Mon 19 May

NOTHING_CHANGED = {
    "cs_weeks_created": 0,
    "cs_weeks_superseded": 0,
    "warnings_issued": 0,
    "warnings_withdrawn": 0,
}


def at(day: str, clock: str) -> str:
    """('05-20', '10:00') → '2025-05-20T10:00:00+07:00' (WIB); seconds may be given."""
    seconds = "" if clock.count(":") == 2 else ":00"
    return f"2025-{day}T{clock}{seconds}+07:00"


def moment(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(at(day, clock))


def chat(id_, conversation, sender, when, *, auto_reply=False):
    return event(
        "chat.message",
        id=id_,
        conversation=conversation,
        message=id_,
        sender=sender,
        buyer=f"b-{conversation}",
        text="Kak, ready?" if sender == "buyer" else "Ready kak",
        auto_reply=auto_reply,
        at=when,
    )


def asked(conversation, when, answered=None):
    """One buyer message and, when `answered` is given, the seller's answer."""
    events = [chat(f"{conversation}-b", conversation, "buyer", when)]
    if answered is not None:
        events.append(chat(f"{conversation}-s", conversation, "seller", answered))
    return events


def holiday_switch(id_, enabled, when):
    return event("shop.holiday_mode", id=id_, enabled=enabled, at=when)


def ingest(*events):
    result = events_ingest(items=enumerate(events, start=1))
    assert result.errors == []


def current_week(shop, week_start=PLAIN_WEEK):
    w = CsWeek.objects.get(shop=shop, week_start=week_start, is_current=True)
    return (w.status, w.evaluated, w.on_time, w.excluded)


def warnings(shop):
    return list(
        EnforcementRecord.objects.filter(shop=shop)
        .order_by("id")
        .values_list("kind", "key", "issued_on", "withdrawn_at")
    )


@pytest.fixture
def shop(make_shop):
    return make_shop()


def one_late_of_two():
    """Tuesday 20 May: one turn answered after 1 h, one never answered → 1 of 2 = 50%."""
    return [
        *asked("c1", at("05-20", "10:00"), answered=at("05-20", "11:00")),
        *asked("c2", at("05-20", "10:00")),
    ]


# --- turns and the weekly result -------------------------------------------------------------


def test_nine_of_ten_turns_on_time_pass_the_week(shop):
    events = []
    for n in range(9):
        events += asked(f"c{n}", at("05-20", "10:00"), answered=at("05-21", "10:00"))  # 24 h
    events += asked("c9", at("05-20", "10:00"), answered=at("05-21", "10:00:01"))  # 24 h 1 s
    ingest(*events)

    counts = cs_evaluate_week(week_start=PLAIN_WEEK)

    assert counts == {**NOTHING_CHANGED, "cs_weeks_created": 1}
    assert current_week(shop) == ("pass", 10, 9, {})
    week = CsWeek.objects.get()
    assert (week.week_start, week.evaluated_on, week.rule_set.version) == (
        PLAIN_WEEK,
        date(2025, 5, 26),
        "v1",
    )
    assert (week.is_current, week.superseded_at) == (True, None)


def test_eight_of_ten_turns_on_time_fail_the_week(shop):
    events = []
    for n in range(8):
        events += asked(f"c{n}", at("05-21", "09:00"), answered=at("05-21", "09:30"))
    for n in range(8, 10):
        events += asked(f"c{n}", at("05-21", "09:00"), answered=at("05-22", "12:00"))  # 27 h
    ingest(*events)

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop) == ("fail", 10, 8, {})


def test_consecutive_buyer_messages_are_one_turn_timed_from_the_first(shop):
    ingest(
        chat("m1", "c1", "buyer", at("05-20", "10:00")),
        chat("m2", "c1", "buyer", at("05-20", "10:30")),
        chat("m3", "c1", "buyer", at("05-20", "11:00")),
        # 24 h 15 min after the first buyer message, 23 h 15 min after the last: late.
        chat("m4", "c1", "seller", at("05-21", "10:15")),
        chat("m5", "c1", "buyer", at("05-21", "12:00")),  # a second turn
        chat("m6", "c1", "seller", at("05-21", "12:10"), auto_reply=True),  # on time
    )

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop) == ("fail", 2, 1, {})


def test_a_conversation_opened_by_the_seller_is_no_turn_until_the_buyer_writes(shop):
    ingest(
        chat("m1", "c1", "seller", at("05-20", "09:00")),
        chat("m2", "c1", "seller", at("05-20", "09:05")),
        chat("m3", "c1", "buyer", at("05-21", "10:00")),
        chat("m4", "c1", "seller", at("05-21", "10:30")),
        chat("m5", "c2", "seller", at("05-20", "09:00")),  # never answered by the buyer
    )

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop) == ("pass", 1, 1, {})


def test_a_week_with_only_seller_messages_has_no_messages(shop):
    ingest(chat("m1", "c1", "seller", at("05-20", "09:00")))

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop) == ("no_messages", 0, 0, {})


def test_a_turn_belongs_to_the_week_of_its_start_even_when_answered_the_next_week(shop):
    ingest(
        *asked("fri", at("05-16", "20:00"), answered=at("05-19", "09:00")),  # Friday, late
        *asked("sun", at("05-18", "22:00"), answered=at("05-19", "08:00")),  # Sunday
    )

    cs_evaluate_week(week_start=WAISAK_WEEK)
    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop, WAISAK_WEEK) == ("fail", 1, 0, {"non_working_day": 1})
    assert current_week(shop, PLAIN_WEEK) == ("no_messages", 0, 0, {})


def test_the_week_is_cut_at_monday_midnight_wib(shop):
    ingest(
        *asked("last", at("05-25", "23:59:59")),  # Sunday, the week evaluated
        *asked("first", at("05-26", "00:00"), answered=at("05-26", "01:00")),  # the next week
        *asked("utc", "2025-05-18T17:30:00+00:00", answered=at("05-19", "09:00")),  # Mon 00:30
        *asked("prev", "2025-05-18T16:59:59+00:00"),  # Sunday 18 May 23:59:59 WIB: last week
    )

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop) == ("pass", 1, 1, {"non_working_day": 1})


def test_turns_on_the_holidays_of_the_week_are_excluded(shop):
    ingest(
        *asked("mon", at("05-12", "10:00")),  # Waisak
        *asked("tue", at("05-13", "10:00")),  # cuti bersama Waisak
        *asked("wed", at("05-14", "10:00"), answered=at("05-14", "12:00")),
    )

    cs_evaluate_week(week_start=WAISAK_WEEK)

    assert current_week(shop, WAISAK_WEEK) == ("pass", 1, 1, {"non_working_day": 2})


def test_a_shop_registered_after_the_week_is_not_evaluated(shop, make_shop):
    later = make_shop("toko-b", "Toko B")
    later.registered_at = moment("05-26", "00:00")  # the Monday the week is evaluated
    later.save(update_fields=["registered_at"])

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert list(CsWeek.objects.values_list("shop__code", "status")) == [("toko-a", "no_messages")]


# --- staff overrides of the calendar ---------------------------------------------------------


def test_a_holiday_made_a_working_day_by_staff_is_evaluated(shop):
    CalendarOverride.objects.create(
        day=date(2025, 5, 13), is_working_day=True, note="Cuti bersama tidak berlaku"
    )
    ingest(
        *asked("mon", at("05-12", "10:00"), answered=at("05-12", "11:00")),  # Waisak
        *asked("tue", at("05-13", "10:00"), answered=at("05-13", "11:00")),
    )

    cs_evaluate_week(week_start=WAISAK_WEEK)

    assert current_week(shop, WAISAK_WEEK) == ("pass", 1, 1, {"non_working_day": 1})


def test_an_extra_day_off_by_staff_is_excluded(shop):
    CalendarOverride.objects.create(
        day=date(2025, 5, 21), is_working_day=False, note="Gangguan sistem marketplace"
    )
    ingest(
        *asked("tue", at("05-20", "10:00"), answered=at("05-20", "11:00")),
        *asked("wed", at("05-21", "10:00")),
    )

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop, PLAIN_WEEK) == ("pass", 1, 1, {"non_working_day": 1})


def test_a_sunday_made_a_working_day_counts_an_answer_on_monday_within_24_hours(shop):
    # RULES §5: on time when answered within 24 h of its start; the answer falls in the next
    # week but the turn belongs to the week of its start.
    CalendarOverride.objects.create(
        day=date(2025, 5, 25), is_working_day=True, note="Hari kerja pengganti"
    )
    ingest(*asked("sun", at("05-25", "20:00"), answered=at("05-26", "08:00")))  # 12 h

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop) == ("pass", 1, 1, {})


# --- holiday mode ----------------------------------------------------------------------------


def test_holiday_period_over_part_of_the_week_excludes_only_the_turns_inside_it(shop):
    HolidayPeriod.objects.create(
        shop=shop,
        starts_at=moment("05-20", "00:00"),
        ends_at=moment("05-22", "00:00"),
        source="portal",
    )
    ingest(
        *asked("mon", at("05-19", "10:00"), answered=at("05-19", "11:00")),
        *asked("tue", at("05-20", "00:00")),  # the first second of holiday mode
        *asked("wed", at("05-21", "23:59:59")),  # the last second of holiday mode
        *asked("thu", at("05-22", "00:00"), answered=at("05-22", "08:00")),
    )

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop) == ("pass", 2, 2, {"holiday_mode": 2})


def test_holiday_mode_events_over_part_of_the_week_exclude_only_the_turns_inside_it(shop):
    ingest(
        holiday_switch("hm-on", True, at("05-20", "12:00")),
        holiday_switch("hm-off", False, at("05-21", "12:00")),
        *asked("before", at("05-20", "11:59:59")),  # late, evaluated
        *asked("inside", at("05-21", "09:00")),
        *asked("after", at("05-21", "12:00"), answered=at("05-21", "13:00")),
    )
    holiday_mode_apply_events(shop_ids=[shop.id])

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop) == ("fail", 2, 1, {"holiday_mode": 1})


def test_holiday_mode_over_every_working_day_of_a_holiday_week_is_not_evaluated(shop):
    # Waisak week: Wednesday 14 to Friday 16 May are its only working days.
    ingest(
        holiday_switch("hm-on", True, at("05-13", "20:00")),
        holiday_switch("hm-off", False, at("05-17", "08:00")),
        *asked("mon", at("05-12", "10:00")),
        *asked("wed", at("05-14", "10:00")),
    )
    holiday_mode_apply_events(shop_ids=[shop.id])

    counts = cs_evaluate_week(week_start=WAISAK_WEEK)

    assert current_week(shop, WAISAK_WEEK) == (
        "not_evaluated",
        0,
        0,
        {"holiday_mode": 1, "non_working_day": 1},
    )
    assert counts == {**NOTHING_CHANGED, "cs_weeks_created": 1}
    assert warnings(shop) == []


def test_holiday_mode_missing_a_working_day_made_by_staff_leaves_the_week_evaluated(shop):
    CalendarOverride.objects.create(
        day=date(2025, 5, 13), is_working_day=True, note="Cuti bersama tidak berlaku"
    )
    ingest(
        holiday_switch("hm-on", True, at("05-13", "20:00")),
        holiday_switch("hm-off", False, at("05-17", "08:00")),
        *asked("tue", at("05-13", "10:00"), answered=at("05-13", "10:30")),
    )
    holiday_mode_apply_events(shop_ids=[shop.id])

    cs_evaluate_week(week_start=WAISAK_WEEK)

    assert current_week(shop, WAISAK_WEEK) == ("pass", 1, 1, {})


# --- abuse tickets ---------------------------------------------------------------------------


def test_a_turn_covered_by_a_verified_ticket_leaves_the_evaluation(shop):
    message_exclusions_set(shop_id=shop.id, conversation="c1", message_ids=["m2"], source_id=1)
    ingest(
        chat("m1", "c1", "buyer", at("05-20", "10:00")),
        chat("m2", "c1", "buyer", at("05-20", "10:01")),  # named by the ticket
        *asked("c2", at("05-20", "10:00"), answered=at("05-20", "10:30")),
    )

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert current_week(shop) == ("pass", 1, 1, {"abuse_ticket": 1})


def test_a_ticket_verified_later_re_evaluates_the_week(shop):
    ingest(*one_late_of_two())
    cs_evaluate_week(week_start=PLAIN_WEEK)
    message_exclusions_set(shop_id=shop.id, conversation="c2", message_ids=["c2-b"], source_id=1)

    counts = cs_evaluate_week(week_start=PLAIN_WEEK)

    assert counts == {
        "cs_weeks_created": 1,
        "cs_weeks_superseded": 1,
        "warnings_issued": 0,
        "warnings_withdrawn": 1,
    }
    assert current_week(shop) == ("pass", 1, 1, {"abuse_ticket": 1})


# --- re-evaluation and history ---------------------------------------------------------------


def test_a_late_seller_reply_supersedes_the_week_and_keeps_history(shop):
    ingest(*one_late_of_two())
    cs_evaluate_week(week_start=PLAIN_WEEK)
    ingest(chat("c2-s", "c2", "seller", at("05-20", "20:00")))  # arrives late, 10 h after

    counts = cs_evaluate_week(week_start=PLAIN_WEEK)

    assert counts["cs_weeks_created"] == 1 and counts["cs_weeks_superseded"] == 1
    history = list(
        CsWeek.objects.order_by("id").values_list("status", "evaluated", "on_time", "is_current")
    )
    assert history == [("fail", 2, 1, False), ("pass", 2, 2, True)]
    old, new = CsWeek.objects.order_by("id")
    assert old.superseded_at is not None
    assert new.superseded_at is None


def test_evaluating_a_week_twice_creates_nothing(shop):
    ingest(*one_late_of_two())
    cs_evaluate_week(week_start=PLAIN_WEEK)
    before = (
        list(CsWeek.objects.values_list("id", "status", "is_current", "superseded_at")),
        warnings(shop),
    )

    counts = cs_evaluate_week(week_start=PLAIN_WEEK)

    assert counts == NOTHING_CHANGED
    assert (
        list(CsWeek.objects.values_list("id", "status", "is_current", "superseded_at")),
        warnings(shop),
    ) == before


# --- the CS response warning (RULES §5, §8) ---------------------------------------------------


def test_a_failed_week_issues_one_cs_warning_on_the_following_monday(shop):
    ingest(*one_late_of_two())

    counts = cs_evaluate_week(week_start=PLAIN_WEEK)

    assert counts["warnings_issued"] == 1
    assert warnings(shop) == [
        ("cs_response_warning", "cs:2025-05-19", date(2025, 5, 26), None),
    ]


def test_a_passed_week_issues_no_warning(shop):
    ingest(*asked("c1", at("05-20", "10:00"), answered=at("05-20", "11:00")))

    cs_evaluate_week(week_start=PLAIN_WEEK)

    assert warnings(shop) == []


def test_a_re_evaluation_that_passes_withdraws_the_warning(shop):
    ingest(*one_late_of_two())
    cs_evaluate_week(week_start=PLAIN_WEEK)
    ingest(chat("c2-s", "c2", "seller", at("05-20", "20:00")))

    counts = cs_evaluate_week(week_start=PLAIN_WEEK)

    assert counts["warnings_withdrawn"] == 1
    record = EnforcementRecord.objects.get()
    assert (record.kind, record.key, record.issued_on) == (
        "cs_response_warning",
        "cs:2025-05-19",
        date(2025, 5, 26),
    )
    assert record.withdrawn_at is not None


# --- recalculate and export (RULES §11) -------------------------------------------------------


def three_weeks():
    """Week of 5 May: 2 of 2 on time; week of 12 May: nothing; week of 19 May: 0 of 1."""
    return [
        *asked("a1", at("05-06", "10:00"), answered=at("05-06", "11:00")),
        *asked("a2", at("05-06", "10:00"), answered=at("05-07", "09:00")),
        *asked("c1", at("05-20", "10:00")),
    ]


def test_recalculate_evaluates_the_cs_week_on_each_monday(shop):
    ingest(*three_weeks())

    results_recalculate(as_of=date(2025, 5, 26))

    weeks = CsWeek.objects.order_by("week_start").values_list(
        "week_start", "evaluated_on", "status", "evaluated", "on_time"
    )
    assert list(weeks) == [
        (date(2025, 5, 5), date(2025, 5, 12), "pass", 2, 2),
        (date(2025, 5, 12), date(2025, 5, 19), "no_messages", 0, 0),
        (date(2025, 5, 19), date(2025, 5, 26), "fail", 1, 0),
    ]


def test_recalculate_before_the_monday_leaves_the_last_week_unevaluated(shop):
    ingest(*three_weeks())

    results_recalculate(as_of=date(2025, 5, 25))

    assert list(CsWeek.objects.order_by("week_start").values_list("week_start", flat=True)) == [
        date(2025, 5, 5),
        date(2025, 5, 12),
    ]


def test_recalculating_twice_creates_no_cs_week(shop):
    ingest(*three_weeks())
    results_recalculate(as_of=date(2025, 5, 26))

    counts = results_recalculate(as_of=date(2025, 5, 26))

    assert (counts["cs_weeks_created"], counts["cs_weeks_superseded"]) == (0, 0)
    assert CsWeek.objects.count() == 3


def test_export_lists_the_cs_weeks_evaluated_on_or_before_as_of_by_week_start(shop):
    ingest(*three_weeks())
    results_recalculate(as_of=date(2025, 5, 26))

    document = scores_export(as_of=date(2025, 5, 25))

    assert document["shops"][0]["cs_weeks"] == [
        {"week_start": "2025-05-05", "status": "pass", "evaluated": 2, "on_time": 2},
        {"week_start": "2025-05-12", "status": "no_messages", "evaluated": 0, "on_time": 0},
    ]


def test_export_scores_prints_the_current_cs_weeks(shop):
    ingest(*three_weeks())
    results_recalculate(as_of=date(2025, 5, 26))
    ingest(chat("c1-s", "c1", "seller", at("05-20", "10:30")))  # late event: now on time
    results_recalculate(as_of=date(2025, 5, 26), since=date(2025, 5, 20))
    out = io.StringIO()

    call_command("export_scores", "--as-of", "2025-05-26", stdout=out)

    shop_document = json.loads(out.getvalue())["shops"][0]
    assert shop_document["shop"] == "toko-a"
    assert shop_document["cs_weeks"] == [
        {"week_start": "2025-05-05", "status": "pass", "evaluated": 2, "on_time": 2},
        {"week_start": "2025-05-12", "status": "no_messages", "evaluated": 0, "on_time": 0},
        {"week_start": "2025-05-19", "status": "pass", "evaluated": 1, "on_time": 1},
    ]


# --- the score's reply rate (RULES §4 with the turns of §5) ------------------------------------


def reply_rate(refreshed_on):
    snapshot = ScoreSnapshot.objects.get(refreshed_on=refreshed_on, is_current=True)
    return next(c for c in snapshot.components if c["name"] == "reply_rate")


def test_the_reply_rate_leaves_out_turns_started_on_holidays(shop):
    ingest(
        *asked("mon", at("05-12", "10:00"), answered=at("05-13", "16:00")),  # Waisak, 30 h
        *asked("tue", at("05-13", "10:00")),  # cuti bersama, never answered
        *asked("wed", at("05-14", "10:00"), answered=at("05-14", "11:00")),
        *asked("thu", at("05-15", "10:00"), answered=at("05-16", "10:00")),  # exactly 24 h
    )

    scores_refresh(refresh_on=date(2025, 5, 19))

    # 2 of 2 evaluated turns on time → 100% → the full 25 points (4 turns would give 50% → 0).
    assert reply_rate(date(2025, 5, 19)) == {
        "name": "reply_rate",
        "value": 100.0,
        "weight": 25,
        "points": 25.0,
    }


def test_the_reply_rate_leaves_out_turns_in_holiday_mode(shop):
    HolidayPeriod.objects.create(
        shop=shop,
        starts_at=moment("05-20", "00:00"),
        ends_at=moment("05-21", "00:00"),
        source="portal",
    )
    ingest(
        *asked("mon", at("05-19", "10:00"), answered=at("05-20", "12:00")),  # 26 h, late
        *asked("tue", at("05-20", "10:00")),  # in holiday mode, never answered
        *asked("wed", at("05-21", "10:00"), answered=at("05-21", "11:00")),
        *asked("thu", at("05-22", "10:00"), answered=at("05-22", "12:00")),
        *asked("fri", at("05-23", "10:00"), answered=at("05-23", "10:05")),
    )

    scores_refresh(refresh_on=date(2025, 5, 26))

    # 3 of 4 on time → 75% → (75 − 50) / 50 × 25 = 12.5 (all 5 turns would give 60% → 5.0)
    assert reply_rate(date(2025, 5, 26)) == {
        "name": "reply_rate",
        "value": 75.0,
        "weight": 25,
        "points": 12.5,
    }


# --- the day breakdown, and the score reading it instead of the chats ------------------------


def test_the_week_keeps_its_evaluated_turns_by_day(shop):
    ingest(
        *asked("mon", at("05-12", "10:00"), answered=at("05-13", "16:00")),  # Waisak
        *asked("wed", at("05-14", "10:00"), answered=at("05-14", "11:00")),
        *asked("wed2", at("05-14", "12:00"), answered=at("05-15", "13:00")),  # 25 h, late
        *asked("thu", at("05-15", "10:00"), answered=at("05-16", "10:00")),  # exactly 24 h
    )

    cs_evaluate_week(week_start=WAISAK_WEEK)

    week = CsWeek.objects.get(shop=shop, week_start=WAISAK_WEEK)
    assert week.days == {"2025-05-14": [1, 2], "2025-05-15": [1, 1]}
    assert (week.evaluated, week.on_time) == (3, 2)


def test_the_score_counts_the_turns_of_evaluated_weeks_from_their_day_breakdown(shop):
    ingest(*asked("wed", at("05-21", "10:00"), answered=at("05-21", "11:00")))
    cs_evaluate_week(week_start=PLAIN_WEEK)
    # The stored breakdown is what counts, not the chats: 1 of 4 on time → 25% → 0 points.
    CsWeek.objects.filter(shop=shop).update(days={"2025-05-21": [1, 4]})

    scores_refresh(refresh_on=date(2025, 5, 26))

    assert reply_rate(date(2025, 5, 26)) == {
        "name": "reply_rate",
        "value": 25.0,
        "weight": 25,
        "points": 0.0,
    }


def test_the_score_counts_a_week_not_evaluated_yet_from_the_chats(shop):
    ingest(
        *asked("a", at("05-14", "10:00"), answered=at("05-14", "11:00")),
        *asked("b", at("05-21", "10:00"), answered=at("05-22", "11:00")),  # 25 h, late
        *asked("c", at("05-22", "10:00"), answered=at("05-22", "10:30")),
    )
    cs_evaluate_week(week_start=WAISAK_WEEK)
    CsWeek.objects.filter(shop=shop).update(days={"2025-05-14": [3, 3]})

    scores_refresh(refresh_on=date(2025, 5, 26))  # the week of 19 May has no evaluation

    # 3 of 3 from the evaluated week + 1 of 2 from the chats of the other → 4 of 5 = 80%
    # → (80 − 50) / 50 × 25 = 15
    assert reply_rate(date(2025, 5, 26))["value"] == 80.0
    assert reply_rate(date(2025, 5, 26))["points"] == 15.0


def test_a_week_evaluated_before_the_breakdown_existed_is_counted_from_the_chats(shop):
    ingest(
        *asked("a", at("05-21", "10:00"), answered=at("05-22", "11:00")),  # 25 h, late
        *asked("b", at("05-22", "10:00"), answered=at("05-22", "10:30")),
    )
    cs_evaluate_week(week_start=PLAIN_WEEK)
    CsWeek.objects.filter(shop=shop).update(days={})

    scores_refresh(refresh_on=date(2025, 5, 26))

    assert reply_rate(date(2025, 5, 26))["value"] == 50.0


def test_re_evaluating_fills_a_missing_breakdown_in_place_without_a_new_result(shop):
    ingest(*asked("a", at("05-21", "10:00"), answered=at("05-21", "11:00")))
    cs_evaluate_week(week_start=PLAIN_WEEK)
    week = CsWeek.objects.get(shop=shop)
    CsWeek.objects.filter(pk=week.pk).update(days={})

    assert cs_evaluate_week(week_start=PLAIN_WEEK) == NOTHING_CHANGED

    assert list(CsWeek.objects.values_list("pk", "is_current", "days")) == [
        (week.pk, True, {"2025-05-21": [1, 1]})
    ]


def test_read_turns_says_which_answers_were_auto_replies(shop):
    ingest(
        chat("b1", "c1", "buyer", at("05-20", "10:00")),
        chat("s1", "c1", "seller", at("05-20", "10:01"), auto_reply=True),
        chat("b2", "c1", "buyer", at("05-20", "11:00")),
        chat("s2", "c1", "seller", at("05-20", "11:05")),
    )

    turns = cs_evaluation.read_turns([shop.id], moment("05-19", "00:00"), moment("05-26", "00:00"))

    assert [(t.message_ids, t.answered_by_auto_reply) for t in turns[shop.id]] == [
        (["b1"], True),
        (["b2"], False),
    ]
