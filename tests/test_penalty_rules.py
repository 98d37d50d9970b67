"""Pure rule logic of RULES §1, §3, §4 and §5: tables, lifecycle, calendar, parameters, score
mapping and buyer turns. No database, no clock: every expected value is worked out from
docs/RULES.md."""

import copy
import math
from datetime import UTC, date, datetime, timedelta

import pytest

from performance.rules.calendar import penalty_week_start, run_dates
from performance.rules.parameters import (
    V1,
    Component,
    ExtensionBand,
    RuleParameters,
    RuleSetInvalid,
)
from performance.rules.penalties import (
    PenaltyStatus,
    cancellation_abuse_points,
    counted_in_refresh,
    extension_limit,
    partial_shipment_points,
    penalty_status,
    status_issue_range,
    transaction_manipulation_points,
)
from performance.rules.score import compute_score, linear_points, unique_buyer_points
from performance.rules.turns import ChatMessage, buyer_turns

PARAMS = RuleParameters.parse(V1)
LIFETIME = 28


def day(text: str) -> date:
    return date.fromisoformat(text)


def mondays(first: str, last: str) -> list[date]:
    start, end = day(first), day(last)
    return [
        start + timedelta(days=n)
        for n in range((end - start).days + 1)
        if (start + timedelta(days=n)).weekday() == 0
    ]


# --- §3 point tables ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cancellations", "points"),
    # 0–4 → 0, 5–9 → 1, 10–19 → 3, 20–49 → 5, ≥50 → 10
    [(0, 0), (4, 0), (5, 1), (9, 1), (10, 3), (19, 3), (20, 5), (49, 5), (50, 10), (500, 10)],
)
def test_cancellation_abuse_table(cancellations, points):
    assert cancellation_abuse_points(PARAMS, cancellations) == points


@pytest.mark.parametrize(
    ("orders", "extensions", "points"),
    [
        # ≤10 orders (0 included): more than 2 extensions
        (0, 2, 0),
        (0, 3, 1),
        (10, 2, 0),
        (10, 3, 1),
        # 11–50 orders: ratio > 20%
        (11, 2, 0),  # 18.2%
        (11, 3, 1),  # 27.3%
        (50, 10, 0),  # exactly 20% is not over
        (50, 11, 1),  # 22%
        # 51–200 orders: ratio > 10%
        (51, 5, 0),  # 9.8%
        (51, 6, 1),  # 11.8%
        (200, 20, 0),  # exactly 10%
        (200, 21, 1),  # 10.5%
        # >200 orders: ratio > 5%
        (201, 10, 0),  # 4.98%
        (201, 11, 1),  # 5.47%
        (400, 20, 0),  # exactly 5%
        (400, 21, 1),  # 5.25%
    ],
)
def test_extension_limit(orders, extensions, points):
    assert extension_limit(PARAMS, orders, extensions).points == points


@pytest.mark.parametrize(
    ("flagged", "points"),
    # 0 → 0, 1–2 → 3, 3–5 → 5, 6–10 → 10, >10 → 15
    [(0, 0), (1, 3), (2, 3), (3, 5), (5, 5), (6, 10), (10, 10), (11, 15), (40, 15)],
)
def test_transaction_manipulation_table(flagged, points):
    assert transaction_manipulation_points(PARAMS, flagged) == points


@pytest.mark.parametrize(
    ("accepted", "points"),
    # floor(n / 3)
    [(0, 0), (2, 0), (3, 1), (4, 1), (5, 1), (6, 2), (9, 3)],
)
def test_partial_shipment_is_one_point_per_three(accepted, points):
    assert partial_shipment_points(PARAMS, accepted) == points


# --- §3 lifecycle ---------------------------------------------------------------------------

ISSUED_WEDNESDAY = day("2025-04-09")


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        ("2025-04-09", PenaltyStatus.PENDING),  # the issue day itself
        ("2025-04-13", PenaltyStatus.PENDING),  # Sunday: no Monday after the issue yet
        ("2025-04-14", PenaltyStatus.ACTIVE),  # first Monday after the issue
        ("2025-05-06", PenaltyStatus.ACTIVE),  # issued_on + 27
        ("2025-05-07", PenaltyStatus.EXPIRED),  # issued_on + 28
        ("2025-08-01", PenaltyStatus.EXPIRED),
    ],
)
def test_penalty_status_on_exact_dates(as_of, status):
    assert (
        penalty_status(ISSUED_WEDNESDAY, day(as_of), voided=False, lifetime_days=LIFETIME) == status
    )


@pytest.mark.parametrize("as_of", ["2025-04-10", "2025-04-14", "2025-05-07"])
def test_voided_penalty_is_voided_whatever_the_date(as_of):
    assert (
        penalty_status(ISSUED_WEDNESDAY, day(as_of), voided=True, lifetime_days=LIFETIME)
        == PenaltyStatus.VOIDED
    )


def test_penalty_issued_on_a_monday_is_pending_that_monday():
    # issued_on < R is strict: the Monday of issue is not a refresh that counts it.
    issued = day("2025-04-14")

    statuses = [
        penalty_status(issued, day(d), voided=False, lifetime_days=LIFETIME)
        for d in ("2025-04-14", "2025-04-20", "2025-04-21")
    ]

    assert statuses == [PenaltyStatus.PENDING, PenaltyStatus.PENDING, PenaltyStatus.ACTIVE]


@pytest.mark.parametrize(
    ("issued", "counted"),
    [
        # Sunday (weekly rules): refreshes of 04-14 … 05-05; 05-12 is issued_on + 29.
        ("2025-04-13", ["2025-04-14", "2025-04-21", "2025-04-28", "2025-05-05"]),
        # Wednesday: 05-05 < 05-07 = issued_on + 28.
        ("2025-04-09", ["2025-04-14", "2025-04-21", "2025-04-28", "2025-05-05"]),
        # Monday: issued_on < R excludes 04-14 and R < issued_on + 28 = 05-12 excludes 05-12,
        # so the RULES formula gives three refreshes here, not four.
        ("2025-04-14", ["2025-04-21", "2025-04-28", "2025-05-05"]),
    ],
)
def test_counted_in_refresh_boundaries(issued, counted):
    refreshes = mondays("2025-03-31", "2025-05-26")

    result = [r for r in refreshes if counted_in_refresh(day(issued), r, LIFETIME)]

    assert result == [day(d) for d in counted]


def test_active_status_on_a_monday_means_counted_in_that_refresh():
    issue_dates = [day("2025-03-01") + timedelta(days=n) for n in range(92)]

    for refresh in mondays("2025-04-01", "2025-06-30"):
        for issued in issue_dates:
            active = (
                penalty_status(issued, refresh, voided=False, lifetime_days=LIFETIME)
                == PenaltyStatus.ACTIVE
            )
            assert active == counted_in_refresh(issued, refresh, LIFETIME), (issued, refresh)


def test_status_issue_range_agrees_with_penalty_status():
    for as_of in (day("2025-04-06") + timedelta(days=n) for n in range(15)):
        for issued in (as_of + timedelta(days=n) for n in range(-70, 8)):
            status = penalty_status(issued, as_of, voided=False, lifetime_days=LIFETIME)
            for candidate in (PenaltyStatus.PENDING, PenaltyStatus.ACTIVE, PenaltyStatus.EXPIRED):
                first, last = status_issue_range(candidate, as_of, LIFETIME)
                inside = (first is None or first <= issued) and (last is None or issued <= last)
                assert inside == (status == candidate), (as_of, issued, candidate)


# --- §1 calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("some_day", "week_start"),
    [
        ("2025-04-06", "2025-04-06"),  # Sunday starts its own week
        ("2025-04-09", "2025-04-06"),  # Wednesday
        ("2025-04-12", "2025-04-06"),  # Saturday ends it
        ("2025-04-13", "2025-04-13"),  # the next Sunday starts the next week
    ],
)
def test_penalty_week_runs_sunday_to_saturday(some_day, week_start):
    assert penalty_week_start(day(some_day)) == day(week_start)


def test_run_dates_on_a_sunday_that_is_the_first():
    # 2025-06-01 is a Sunday and the 1st; 2025-06-02 is a Monday.
    assert list(run_dates(day("2025-05-30"), day("2025-06-03"))) == [
        (day("2025-06-01"), "weekly_rules"),
        (day("2025-06-01"), "monthly_rules"),
        (day("2025-06-02"), "score_refresh"),
    ]


def test_run_dates_rules_come_before_the_refresh_of_the_same_day():
    # 2025-09-01 is a Monday and the 1st.
    assert list(run_dates(day("2025-08-31"), day("2025-09-01"))) == [
        (day("2025-08-31"), "weekly_rules"),
        (day("2025-09-01"), "monthly_rules"),
        (day("2025-09-01"), "score_refresh"),
    ]


# --- rule set parameters --------------------------------------------------------------------


def test_v1_parses_to_the_spec_defaults():
    params = RuleParameters.parse(V1)

    assert params.event_penalties == {
        "ORDER_IGNORED": 1,
        "SHIPMENT_IGNORED": 1,
        "SHIPMENT_CANCELLED": 1,
        "RESOLUTION_FAULT": 1,
        "RESOLUTION_COMBINED": 1,
        "PRODUCT_DUPLICATE": 1,
        "PRODUCT_LIGHT": 1,
        "PRODUCT_MANIPULATION": 5,
        "PRODUCT_MEDIUM": 5,
        "SHOP_FRAUD": 15,
        "PRODUCT_HEAVY": 15,
    }
    assert params.cancellation_abuse == ((0, 0), (5, 1), (10, 3), (20, 5), (50, 10))
    assert params.transaction_manipulation == ((0, 0), (1, 3), (3, 5), (6, 10), (11, 15))
    assert params.extension_points == 1
    assert params.extension_bands == (
        ExtensionBand(0, 2, None),
        ExtensionBand(11, None, 20),
        ExtensionBand(51, None, 10),
        ExtensionBand(201, None, 5),
    )
    assert (params.partial_every, params.partial_points) == (3, 1)
    assert (params.penalty_lifetime_days, params.deduction_cap) == (28, 15)
    assert params.score_window_days == 90
    assert params.components == {
        "reply_rate": Component(25, 50, 100),
        "success_rate": Component(30, 80, 100),
        "processing_hours": Component(20, 72, 24),
        "good_reviews": Component(15, 50, 100),
        "unique_buyers": Component(10, None, None),
    }
    assert params.tier_thresholds == {"power_merchant": 60, "power_merchant_pro": 70}
    assert (params.cs_reply_hours, params.cs_pass_percent) == (24, 90)


def broken(**changes):
    raw = copy.deepcopy(V1)
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        target = raw
        for key in parents:
            target = target[key]
        target[leaf] = value
    return raw


@pytest.mark.parametrize(
    ("raw", "problems"),
    [
        (
            broken(cancellation_abuse=[[0, 0], [5, 1], [5, 3], [20, 5], [50, 10]]),
            ["cancellation_abuse: counts must increase from row to row"],
        ),
        (
            broken(transaction_manipulation=[[0, 0], [1, 3], [3, 2], [6, 10], [11, 15]]),
            ["transaction_manipulation: points must not decrease as the count grows"],
        ),
        (
            broken(cancellation_abuse=[[1, 0], [5, 1], [10, 3], [20, 5], [50, 10]]),
            ["cancellation_abuse: the first row must start at count 0"],
        ),
        (
            broken(components__reply_rate={"weight": 30, "zero_at": 50, "full_at": 100}),
            ["components: weights must add up to 100, not 105"],
        ),
        (
            broken(
                extension_limit__bands=[
                    {"from_orders": 1, "max_extensions": 2},
                    {"from_orders": 11, "max_percent": 20},
                ]
            ),
            ["extension_limit.bands: the first band must start at 0 orders"],
        ),
        (
            broken(
                extension_limit__bands=[
                    {"from_orders": 0, "max_extensions": 2},
                    {"from_orders": 51, "max_percent": 10},
                    {"from_orders": 11, "max_percent": 20},
                ]
            ),
            [
                "extension_limit.bands: from_orders must increase from band to band",
                "extension_limit.bands: max_percent must not grow with the number of orders",
            ],
        ),
        (broken(bonus_points=3), ["bonus_points: unknown parameter"]),
        (
            broken(event_penalties__LATE_SHIPPING=1),
            ["event_penalties.LATE_SHIPPING: unknown rule"],
        ),
    ],
)
def test_broken_parameters_are_refused_with_every_reason(raw, problems):
    with pytest.raises(RuleSetInvalid) as refused:
        RuleParameters.parse(raw)

    assert refused.value.problems == problems


def test_missing_parameter_is_named():
    raw = copy.deepcopy(V1)
    del raw["penalty_lifetime_days"]

    with pytest.raises(RuleSetInvalid) as refused:
        RuleParameters.parse(raw)

    assert refused.value.problems == ["penalty_lifetime_days: missing"]


# --- §4 score -------------------------------------------------------------------------------

REPLY, SUCCESS, HOURS, REVIEWS, BUYERS = (
    PARAMS.components[name]
    for name in ("reply_rate", "success_rate", "processing_hours", "good_reviews", "unique_buyers")
)


@pytest.mark.parametrize(
    ("spec", "value", "points"),
    [
        (REPLY, 40, 0.0),  # below zero_at clamps to 0
        (REPLY, 50, 0.0),
        (REPLY, 75, 12.5),
        (REPLY, 100, 25.0),
        (SUCCESS, 70, 0.0),
        (SUCCESS, 90, 15.0),
        (SUCCESS, 100, 30.0),
        (HOURS, 96, 0.0),  # slower than 72 h clamps to 0
        (HOURS, 48, 10.0),
        (HOURS, 24, 20.0),
        (HOURS, 6, 20.0),  # faster than 24 h clamps to full
        (REVIEWS, 75, 7.5),
    ],
)
def test_linear_mapping_is_clamped_to_the_component_range(spec, value, points):
    assert linear_points(value, spec) == points


@pytest.mark.parametrize(
    ("buyers", "points"),
    [
        (0, 0.0),
        (9, 5.0),  # log10(10) / 2 = 0.5 of 10
        (99, 10.0),  # log10(100) / 2 = 1
        (5000, 10.0),  # capped at 1
    ],
)
def test_unique_buyers_are_log10_of_one_plus_u_over_two(buyers, points):
    assert unique_buyer_points(buyers, BUYERS) == points


def test_unique_buyers_between_the_round_numbers():
    # 3 buyers: 10 × log10(4) / 2
    assert unique_buyer_points(3, BUYERS) == pytest.approx(5 * math.log10(4))


# reply 90% → 0.8 × 25 = 20; success 95% → 0.75 × 30 = 22.5; 36 h → 0.75 × 20 = 15;
# good reviews 80% → 0.6 × 15 = 9; 9 buyers → 5. Service 57.5, product 14, total 71.5.
FULL = {
    "reply_rate": 90.0,
    "success_rate": 95.0,
    "processing_hours": 36.0,
    "good_reviews": 80.0,
    "unique_buyers": 9,
}


def test_score_adds_the_components_and_subtracts_penalties():
    result = compute_score(PARAMS, FULL, penalty_points=3)

    assert [c.points for c in result.components] == pytest.approx([20, 22.5, 15, 9, 5])
    assert (result.service, result.product) == (57.5, 14.0)
    assert (result.penalty_points, result.deduction) == (3, 3)
    assert result.score == 68.5  # 71.5 − 3


def test_component_without_data_is_left_out_and_the_others_scaled():
    no_reviews = FULL | {"good_reviews": None}

    result = compute_score(PARAMS, no_reviews, penalty_points=0)

    # 20 + 22.5 + 15 + 5 = 62.5 out of 85 → 62.5 × 100 / 85 = 73.53
    assert result.components[3].points is None
    assert result.score == 73.5
    assert result.service == 67.6  # 57.5 × 100 / 85 = 67.65 → one decimal
    assert result.product == 5.9  # 5 × 100 / 85 = 5.88


def test_score_is_rounded_to_one_decimal():
    service_only = FULL | {"good_reviews": None, "unique_buyers": None}

    result = compute_score(PARAMS, service_only, penalty_points=0)

    # 57.5 out of 75 → 76.67
    assert result.score == 76.7
    assert result.product is None


def test_deduction_is_capped_at_fifteen():
    result = compute_score(PARAMS, FULL, penalty_points=18)

    assert (result.penalty_points, result.deduction) == (18, 15)
    assert result.score == 56.5  # 71.5 − 15


def test_score_is_clamped_at_zero():
    worst = {
        "reply_rate": 20.0,
        "success_rate": 50.0,
        "processing_hours": 100.0,
        "good_reviews": 10.0,
        "unique_buyers": 0,
    }

    result = compute_score(PARAMS, worst, penalty_points=5)

    assert result.deduction == 5
    assert result.score == 0.0


def test_score_of_a_shop_without_any_data_is_none():
    result = compute_score(PARAMS, dict.fromkeys(FULL), penalty_points=2)

    assert result.score is None
    assert result.deduction == 2


# --- §5 buyer turns -------------------------------------------------------------------------

T0 = datetime(2025, 4, 7, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB


def message(minutes: float, sender: str, number: int, *, conversation="c-1", auto=False):
    return ChatMessage(
        shop_id=1,
        conversation=conversation,
        at=T0 + timedelta(minutes=minutes),
        sender=sender,
        message=f"m{number}",
        auto_reply=auto,
    )


def test_consecutive_buyer_messages_form_one_turn():
    messages = [
        message(0, "buyer", 1),
        message(5, "buyer", 2),
        message(60, "buyer", 3),
        message(120, "seller", 4),
    ]

    turns = list(buyer_turns(messages))

    assert len(turns) == 1
    assert turns[0].started_at == T0
    assert turns[0].message_ids == ["m1", "m2", "m3"]
    assert turns[0].answered_at == T0 + timedelta(hours=2)
    assert turns[0].answered_by_auto_reply is False


def test_each_seller_reply_closes_a_turn_and_a_new_buyer_message_opens_the_next():
    messages = [
        message(0, "seller", 1),  # a greeting with no buyer turn open answers nothing
        message(10, "buyer", 2),
        message(20, "seller", 3),
        message(30, "seller", 4),
        message(40, "buyer", 5),
        message(50, "seller", 6),
    ]

    turns = list(buyer_turns(messages))

    assert [(t.message_ids, t.answered_at) for t in turns] == [
        (["m2"], T0 + timedelta(minutes=20)),
        (["m5"], T0 + timedelta(minutes=50)),
    ]


def test_turns_do_not_cross_conversations():
    messages = [
        message(0, "buyer", 1, conversation="c-1"),
        message(5, "buyer", 2, conversation="c-2"),
        message(10, "seller", 3, conversation="c-2"),
    ]

    turns = list(buyer_turns(messages))

    assert [(t.conversation, t.message_ids, t.answered_at) for t in turns] == [
        ("c-1", ["m1"], None),
        ("c-2", ["m2"], T0 + timedelta(minutes=10)),
    ]


def test_auto_reply_answers_a_turn():
    turns = list(buyer_turns([message(0, "buyer", 1), message(0.5, "seller", 2, auto=True)]))

    assert turns[0].answered_at == T0 + timedelta(seconds=30)
    assert turns[0].answered_by_auto_reply is True
    assert turns[0].on_time(24) is True


def test_reply_after_exactly_24_hours_is_on_time():
    turn = next(buyer_turns([message(0, "buyer", 1), message(24 * 60, "seller", 2)]))

    assert turn.on_time(24) is True


def test_reply_one_second_after_24_hours_is_late():
    late = ChatMessage(1, "c-1", T0 + timedelta(hours=24, seconds=1), "seller", "m2")

    turn = next(buyer_turns([message(0, "buyer", 1), late]))

    assert turn.on_time(24) is False


def test_unanswered_turn_is_not_on_time():
    turns = list(buyer_turns([message(0, "buyer", 1), message(3, "buyer", 2)]))

    assert len(turns) == 1
    assert turns[0].message_ids == ["m1", "m2"]
    assert turns[0].answered_at is None
    assert turns[0].on_time(24) is False
