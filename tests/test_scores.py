"""The Monday score refresh (RULES §4) on stored events and penalties."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from performance.models import Penalty, ScoreSnapshot
from performance.services.ingest import events_ingest
from performance.services.penalties import penalties_issue_for_events
from performance.services.scores import scores_refresh
from tests.helpers import event, registration

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 4, 14)  # window: 2025-01-14 00:00 WIB up to 2025-04-14 00:00 WIB


def ingest(*events, tier="power_merchant"):
    result = events_ingest(items=enumerate([registration(tier=tier), *events], start=1))
    assert result.errors == []


def verified(order, buyer, at):
    return event("order.verified", id=f"v-{order}", order=order, amount=100000, buyer=buyer, at=at)


def review(n, rating, at="2025-04-10T10:00:00+07:00"):
    return event(
        "review.posted", id=f"r-{n}", order=f"INV/R{n}", rating=rating, buyer=f"b-{n}", at=at
    )


def reviews(good, total, start=0):
    """`good` reviews of 5 stars and `total - good` of 3 stars (below the ≥4 of a good one)."""
    return [review(start + n, 5 if n < good else 3) for n in range(total)]


def chat(id_, conversation, sender, at):
    return event(
        "chat.message",
        id=id_,
        conversation=conversation,
        message=id_,
        sender=sender,
        buyer="b-1",
        text="Kak, ready?" if sender == "buyer" else "Ready kak",
        at=at,
    )


def violation(id_, kind, product, at):
    return event("product.violation", id=id_, violation=kind, product=product, at=at)


def snapshot():
    return ScoreSnapshot.objects.get(is_current=True)


def deducted(snap):
    return [(d["rule"], d["points"], d["issued_on"], d["source"]) for d in snap.deducted]


def refresh(until=date(2025, 4, 13)):
    penalties_issue_for_events(until=until)
    return scores_refresh(refresh_on=MONDAY)


def orders_and_chats():
    """Every service component, worked out by hand:

    - reply rate: 4 buyer turns answered after 1 h, 2 h, exactly 24 h and 25 h → 3 of 4 on
      time = 75% → (75 − 50) / 50 × 25 = 12.5
    - success rate: 9 completed, 1 ignored → 90% → (90 − 80) / 20 × 30 = 15
    - processing: verified → shipped after 12 h, 36 h, 48 h → median 36 h
      → (72 − 36) / (72 − 24) × 20 = 15
    - unique buyers: 10 orders by 9 buyers → log10(10) / 2 × 10 = 5
    The ignored order is also an ORDER_IGNORED penalty of 1 point issued 2025-04-08.
    """
    verified_at = "2025-04-07T08:00:00+07:00"
    events = [verified(f"INV/{n}", f"b-{n}", verified_at) for n in range(1, 10)]
    events.append(verified("INV/10", "b-1", verified_at))
    events += [
        event("order.shipped", id="s-1", order="INV/1", at="2025-04-07T20:00:00+07:00"),
        event("order.shipped", id="s-2", order="INV/2", at="2025-04-08T20:00:00+07:00"),
        event("order.shipped", id="s-3", order="INV/3", at="2025-04-09T08:00:00+07:00"),
    ]
    events += [
        event("order.completed", id=f"c-{n}", order=f"INV/{n}", at="2025-04-11T10:00:00+07:00")
        for n in range(1, 10)
    ]
    events.append(event("order.ignored", id="i-10", order="INV/10", at="2025-04-08T10:00:00+07:00"))
    answered = {
        "c-1": "2025-04-08T11:00:00+07:00",
        "c-2": "2025-04-08T12:00:00+07:00",
        "c-3": "2025-04-09T10:00:00+07:00",  # exactly 24 h: on time
        "c-4": "2025-04-09T11:00:00+07:00",  # 25 h: late
    }
    for conversation, at in answered.items():
        events.append(chat(f"{conversation}-q", conversation, "buyer", "2025-04-08T10:00:00+07:00"))
        events.append(chat(f"{conversation}-a", conversation, "seller", at))
    return events


# good reviews: 3 of 4 with ≥4 stars → 75% → (75 − 50) / 50 × 15 = 7.5
PRODUCT_REVIEWS = [review(1, 5), review(2, 4), review(3, 4), review(4, 2)]


def test_refresh_computes_every_component_of_a_shop():
    ingest(*orders_and_chats(), *PRODUCT_REVIEWS)

    outcome = refresh()

    assert outcome == {"shops": 1, "created": 1, "superseded": 0, "unchanged": 0}
    snap = snapshot()
    assert snap.refreshed_on == MONDAY
    assert [(c["name"], c["value"], c["weight"], c["points"]) for c in snap.components] == [
        ("reply_rate", 75.0, 25, 12.5),
        ("success_rate", 90.0, 30, 15.0),
        ("processing_hours", 36.0, 20, 15.0),
        ("good_reviews", 75.0, 15, 7.5),
        ("unique_buyers", 9, 10, 5.0),
    ]
    # 12.5 + 15 + 15 = 42.5 service, 7.5 + 5 = 12.5 product; 55 − 1 point = 54.0
    assert (snap.service, snap.product) == (Decimal("42.5"), Decimal("12.5"))
    assert (snap.penalty_points, snap.deduction) == (1, 1)
    assert snap.score == Decimal("54.0")
    assert deducted(snap) == [("ORDER_IGNORED", 1, "2025-04-08", "INV/10")]
    assert (snap.tier, snap.threshold, snap.at_risk) == ("power_merchant", 60, True)


def test_component_without_data_is_left_out_and_the_others_scaled():
    ingest(*orders_and_chats())  # no reviews at all

    refresh()

    snap = snapshot()
    assert [(c["name"], c["points"]) for c in snap.components] == [
        ("reply_rate", 12.5),
        ("success_rate", 15.0),
        ("processing_hours", 15.0),
        ("good_reviews", None),
        ("unique_buyers", 5.0),
    ]
    # 47.5 of the 85 weights with data → × 100 / 85 = 55.88; − 1 = 54.88
    assert snap.score == Decimal("54.9")
    assert (snap.service, snap.product) == (Decimal("50.0"), Decimal("5.9"))


def test_data_is_the_90_days_strictly_before_monday_wib():
    ingest(
        review(1, 5, at="2025-01-13T23:59:59+07:00"),  # before the window
        review(2, 1, at="2025-01-14T00:00:00+07:00"),  # first second of the window
        review(3, 5, at="2025-04-13T23:59:59+07:00"),  # last second of the window
        review(4, 1, at="2025-04-14T00:00:00+07:00"),  # the Monday itself: not yet
    )

    refresh()

    # 1 good of 2 → 50% → 0 points of good reviews, the only component with data
    assert [c["value"] for c in snapshot().components] == [None, None, None, 50.0, None]
    assert snapshot().score == Decimal("0.0")


def test_penalties_count_only_when_issued_before_monday_and_within_28_days():
    ingest(
        *reviews(2, 2),  # 100% good reviews → 100
        violation("pv-1", "light", "P-1", "2025-03-17T10:00:00+07:00"),  # issued_on + 28 = R
        violation("pv-2", "medium", "P-2", "2025-03-18T10:00:00+07:00"),  # + 28 = R + 1
        violation("pv-3", "duplicate", "P-3", "2025-04-13T10:00:00+07:00"),  # the day before R
        violation("pv-4", "heavy", "P-4", "2025-04-14T10:00:00+07:00"),  # issued on R
    )

    refresh(until=MONDAY)

    snap = snapshot()
    assert Penalty.objects.count() == 4
    assert deducted(snap) == [
        ("PRODUCT_MEDIUM", 5, "2025-03-18", "P-2"),
        ("PRODUCT_DUPLICATE", 1, "2025-04-13", "P-3"),
    ]
    assert (snap.penalty_points, snap.deduction) == (6, 6)
    assert snap.score == Decimal("94.0")


def test_voided_penalty_is_not_deducted():
    ingest(
        *reviews(2, 2),
        violation("pv-1", "medium", "P-1", "2025-04-09T10:00:00+07:00"),
        violation("pv-2", "light", "P-2", "2025-04-10T10:00:00+07:00"),
    )
    penalties_issue_for_events(until=MONDAY)
    Penalty.objects.filter(source="P-1").update(
        voided_at=datetime.fromisoformat("2025-04-11T10:00:00+07:00")
    )

    scores_refresh(refresh_on=MONDAY)

    snap = snapshot()
    assert deducted(snap) == [("PRODUCT_LIGHT", 1, "2025-04-10", "P-2")]
    assert snap.score == Decimal("99.0")


def test_deduction_is_capped_at_fifteen_points():
    ingest(
        *reviews(2, 2),
        violation("pv-1", "heavy", "P-1", "2025-04-10T10:00:00+07:00"),
        violation("pv-2", "medium", "P-2", "2025-04-11T10:00:00+07:00"),
    )

    refresh()

    snap = snapshot()
    assert (snap.penalty_points, snap.deduction) == (20, 15)
    assert snap.score == Decimal("85.0")


@pytest.mark.parametrize(
    ("tier", "good", "total", "penalised", "score", "threshold", "at_risk"),
    [
        # 4 of 5 good = 80% → (80 − 50) / 50 = 0.6 of the only component → 60.0
        ("power_merchant", 4, 5, False, "60.0", 60, False),
        ("power_merchant", 4, 5, True, "59.0", 60, True),
        ("power_merchant_pro", 4, 5, False, "60.0", 70, True),
        # 17 of 20 good = 85% → 0.7 → 70.0
        ("power_merchant_pro", 17, 20, False, "70.0", 70, False),
        ("power_merchant_pro", 17, 20, True, "69.0", 70, True),
        # 1 of 5 good = 20% → 0, minus 1 point, clamped at 0: regular has no threshold
        ("regular", 1, 5, True, "0.0", None, False),
    ],
)
def test_shop_below_its_tier_threshold_is_at_risk(
    tier, good, total, penalised, score, threshold, at_risk
):
    light = violation("pv-1", "light", "P-1", "2025-04-10T10:00:00+07:00")
    ingest(*reviews(good, total), *([light] if penalised else []), tier=tier)

    refresh()

    snap = snapshot()
    assert (snap.score, snap.tier, snap.threshold, snap.at_risk) == (
        Decimal(score),
        tier,
        threshold,
        at_risk,
    )


def snapshot_rows():
    return list(
        ScoreSnapshot.objects.order_by("pk").values_list(
            "pk", "refreshed_on", "score", "is_current", "superseded_at", "created_at"
        )
    )


def test_refreshing_again_with_the_same_data_creates_nothing():
    ingest(*orders_and_chats(), *PRODUCT_REVIEWS)
    refresh()
    before = snapshot_rows()

    outcome = refresh()

    assert outcome == {"shops": 1, "created": 0, "superseded": 0, "unchanged": 1}
    assert snapshot_rows() == before


def test_late_event_supersedes_the_snapshot_and_keeps_history():
    ingest(*reviews(3, 4))  # 75% → 50.0
    refresh()
    first = snapshot()
    ingest(review(9, 5, at="2025-04-11T10:00:00+07:00"))  # late: 4 of 5 = 80% → 60.0

    outcome = refresh()

    assert outcome == {"shops": 1, "created": 1, "superseded": 1, "unchanged": 0}
    old = ScoreSnapshot.objects.get(pk=first.pk)
    new = snapshot()
    assert (old.refreshed_on, old.score, old.is_current) == (MONDAY, Decimal("50.0"), False)
    assert old.superseded_at is not None
    assert (new.refreshed_on, new.score, new.is_current) == (MONDAY, Decimal("60.0"), True)
    assert new.pk != old.pk
    assert ScoreSnapshot.objects.count() == 2
