"""The penalty engine (RULES §3) on stored events: per-event, weekly and monthly rules, WIB
calendar edges, idempotency and late events."""

from datetime import date, datetime

import pytest

from performance.models import Penalty
from performance.services.ingest import events_ingest
from performance.services.penalties import (
    PeriodOutcome,
    penalties_issue_for_events,
    penalties_run_month,
    penalties_run_week,
)
from tests.helpers import event, registration

pytestmark = pytest.mark.django_db

WEEK = date(2025, 4, 6)  # Sunday 2025-04-06 … Saturday 2025-04-12 (WIB)
NEXT_WEEK = date(2025, 4, 13)


def ingest(*events):
    result = events_ingest(items=enumerate([registration(), *events], start=1))
    assert result.errors == []
    return result


def cancellations(prefix: str, count: int, at: str):
    return [
        event("order.cancelled_in_verification", id=f"{prefix}-{n}", order=f"{prefix}/{n}", at=at)
        for n in range(count)
    ]


def of_kind(prefix: str, type_: str, count: int, at: str):
    return [event(type_, id=f"{prefix}-{n}", order=f"{prefix}/{n}", at=at) for n in range(count)]


def verified(prefix: str, count: int, at: str):
    return [
        event(
            "order.verified",
            id=f"{prefix}-{n}",
            order=f"{prefix}/{n}",
            amount=50000,
            buyer=f"b-{n}",
            at=at,
        )
        for n in range(count)
    ]


def penalties(*rules):
    rows = Penalty.objects.order_by("issued_on", "rule", "source")
    if rules:
        rows = rows.filter(rule__in=rules)
    return list(rows.values_list("rule", "points", "issued_on", "source_kind", "source"))


# --- per-event rules ------------------------------------------------------------------------


def test_every_per_event_rule_issues_its_points_on_the_event_date():
    at = "2025-04-08T10:00:00+07:00"
    ingest(
        event("order.ignored", id="e-1", order="INV/1", at=at),
        event("shipment.ignored", id="e-2", order="INV/2", at=at),
        event("shipment.cancelled_by_seller", id="e-3", order="INV/3", at=at),
        event("resolution.seller_at_fault", id="e-4", case="RC-4", order="INV/4", at=at),
        event("resolution.combined_penalty", id="e-5", case="RC-5", at=at),
        event("product.violation", id="e-6", violation="duplicate", product="P-6", at=at),
        event("product.violation", id="e-7", violation="light", product="P-7", at=at),
        event("product.violation", id="e-8", violation="manipulation", product="P-8", at=at),
        event("product.violation", id="e-9", violation="medium", product="P-9", at=at),
        event("product.violation", id="e-10", violation="fraud", product="P-10", at=at),
        event("product.violation", id="e-11", violation="heavy", product="P-11", at=at),
        # Counted by aggregate rules or scores, never a penalty of their own.
        event("order.verified", id="e-12", order="INV/12", amount=1000, buyer="b-1", at=at),
        event("order.cancelled_in_verification", id="e-13", order="INV/13", at=at),
        event("order.extension_approved", id="e-14", order="INV/14", at=at),
        event("transaction.manipulation_flagged", id="e-15", order="INV/15", at=at),
        event("order.partial_shipment_accepted", id="e-16", order="INV/16", at=at),
    )

    issued = penalties_issue_for_events(until=date(2025, 4, 8))

    on = date(2025, 4, 8)
    assert issued == 11
    assert penalties() == [
        ("ORDER_IGNORED", 1, on, "order", "INV/1"),
        ("PRODUCT_DUPLICATE", 1, on, "product", "P-6"),
        ("PRODUCT_HEAVY", 15, on, "product", "P-11"),
        ("PRODUCT_LIGHT", 1, on, "product", "P-7"),
        ("PRODUCT_MANIPULATION", 5, on, "product", "P-8"),
        ("PRODUCT_MEDIUM", 5, on, "product", "P-9"),
        ("RESOLUTION_COMBINED", 1, on, "case", "RC-5"),
        ("RESOLUTION_FAULT", 1, on, "order", "INV/4"),
        ("SHIPMENT_CANCELLED", 1, on, "order", "INV/3"),
        ("SHIPMENT_IGNORED", 1, on, "order", "INV/2"),
        ("SHOP_FRAUD", 15, on, "product", "P-10"),
    ]


def test_product_violation_without_a_product_names_the_event():
    ingest(event("product.violation", id="pv-77", violation="fraud"))

    penalties_issue_for_events(until=date(2025, 4, 7))

    assert penalties() == [("SHOP_FRAUD", 15, date(2025, 4, 7), "event", "pv-77")]


def test_per_event_penalty_is_issued_on_the_wib_date():
    # 18:00 UTC on 04-07 is 01:00 WIB on 04-08.
    ingest(event("order.ignored", id="e-1", order="INV/1", at="2025-04-07T18:00:00Z"))

    penalties_issue_for_events(until=date(2025, 4, 8))

    assert penalties() == [("ORDER_IGNORED", 1, date(2025, 4, 8), "order", "INV/1")]


def test_per_event_penalty_waits_for_its_wib_date():
    ingest(event("order.ignored", id="e-1", order="INV/1", at="2025-04-07T18:00:00Z"))

    issued = penalties_issue_for_events(until=date(2025, 4, 7))

    assert issued == 0
    assert penalties() == []


# --- weekly rules and the WIB week ----------------------------------------------------------


def test_cancellation_at_saturday_235959_wib_counts_in_that_week():
    ingest(
        *cancellations("mid", 4, "2025-04-09T12:00:00+07:00"),
        *cancellations("edge", 1, "2025-04-12T23:59:59+07:00"),
    )

    penalties_run_week(week_start=WEEK)
    penalties_run_week(week_start=NEXT_WEEK)

    # 5 in the week → 1 point, issued on the Sunday after it; the next week has none.
    assert penalties() == [
        ("CANCELLATION_ABUSE", 1, date(2025, 4, 13), "period", "2025-04-06/2025-04-12")
    ]


@pytest.mark.parametrize(
    "edge_at",
    [
        "2025-04-13T00:00:00+07:00",  # Sunday 00:00 WIB
        "2025-04-12T17:30:00Z",  # Saturday 17:30 UTC = Sunday 00:30 WIB
    ],
)
def test_cancellation_from_sunday_0000_wib_counts_in_the_next_week(edge_at):
    ingest(
        *cancellations("w1", 4, "2025-04-09T12:00:00+07:00"),
        *cancellations("w2", 4, "2025-04-16T12:00:00+07:00"),
        *cancellations("edge", 1, edge_at),
    )

    penalties_run_week(week_start=WEEK)
    penalties_run_week(week_start=NEXT_WEEK)

    # Week 1 keeps 4 (no penalty); week 2 has 4 + the edge = 5 → 1 point on Sunday 04-20.
    assert penalties() == [
        ("CANCELLATION_ABUSE", 1, date(2025, 4, 20), "period", "2025-04-13/2025-04-19")
    ]


def test_extension_and_manipulation_rules_of_a_week():
    at = "2025-04-10T09:00:00+07:00"
    ingest(
        *of_kind("x", "order.extension_approved", 3, at),  # 0 orders: 3 > 2 extensions
        *of_kind("t", "transaction.manipulation_flagged", 3, at),  # 3–5 → 5
    )

    outcome = penalties_run_week(week_start=WEEK)

    assert outcome == PeriodOutcome(issued=2, updated=0, withdrawn=0)
    issued_on = date(2025, 4, 13)
    assert penalties() == [
        ("EXTENSION_LIMIT", 1, issued_on, "period", "2025-04-06/2025-04-12"),
        ("TRANSACTION_MANIPULATION", 5, issued_on, "period", "2025-04-06/2025-04-12"),
    ]


# --- idempotency ----------------------------------------------------------------------------


def stored_rows():
    return list(
        Penalty.objects.order_by("pk").values_list(
            "pk", "rule", "points", "issued_on", "source", "updated_at"
        )
    )


def test_running_the_rules_twice_issues_nothing_new():
    ingest(
        event("order.ignored", id="e-1", order="INV/1", at="2025-04-08T10:00:00+07:00"),
        *cancellations("c", 10, "2025-04-09T12:00:00+07:00"),
        *of_kind("p", "order.partial_shipment_accepted", 3, "2025-04-09T12:00:00+07:00"),
    )
    penalties_issue_for_events(until=date(2025, 5, 1))
    penalties_run_week(week_start=WEEK)
    penalties_run_month(month=date(2025, 4, 1))
    before = stored_rows()

    again = (
        penalties_issue_for_events(until=date(2025, 5, 1)),
        penalties_run_week(week_start=WEEK),
        penalties_run_month(month=date(2025, 4, 1)),
    )

    assert again == (0, PeriodOutcome(), PeriodOutcome())
    assert len(before) == 3
    assert stored_rows() == before


def test_reimporting_the_same_events_is_a_no_op():
    events = [
        event("order.ignored", id="e-1", order="INV/1", at="2025-04-08T10:00:00+07:00"),
        *cancellations("c", 5, "2025-04-09T12:00:00+07:00"),
    ]
    ingest(*events)
    penalties_issue_for_events(until=date(2025, 4, 13))
    penalties_run_week(week_start=WEEK)
    before = stored_rows()

    result = ingest(*events)
    again = (
        penalties_issue_for_events(until=date(2025, 4, 13)),
        penalties_run_week(week_start=WEEK),
    )

    assert (result.stored, result.already_present) == (0, 7)  # 6 events + the registration
    assert again == (0, PeriodOutcome())
    assert stored_rows() == before


# --- late events ----------------------------------------------------------------------------


def test_late_verified_orders_withdraw_an_extension_penalty():
    at = "2025-04-10T09:00:00+07:00"
    ingest(*verified("v", 10, at), *of_kind("x", "order.extension_approved", 3, at))
    penalties_run_week(week_start=WEEK)
    assert penalties("EXTENSION_LIMIT") == [
        ("EXTENSION_LIMIT", 1, date(2025, 4, 13), "period", "2025-04-06/2025-04-12")
    ]
    # 5 more orders of the same week: 3 extensions of 15 orders is exactly 20%, not over.
    ingest(*verified("late", 5, "2025-04-11T09:00:00+07:00"))

    outcome = penalties_run_week(week_start=WEEK)

    assert outcome == PeriodOutcome(issued=0, updated=0, withdrawn=1)
    assert penalties() == []


def test_late_cancellations_raise_the_points_of_the_same_penalty():
    ingest(*cancellations("c", 5, "2025-04-09T12:00:00+07:00"))
    penalties_run_week(week_start=WEEK)
    first = Penalty.objects.get(rule="CANCELLATION_ABUSE")
    assert first.points == 1
    ingest(*cancellations("late", 5, "2025-04-11T12:00:00+07:00"))  # 10 in the week → 3

    outcome = penalties_run_week(week_start=WEEK)

    assert outcome == PeriodOutcome(issued=0, updated=1, withdrawn=0)
    assert list(Penalty.objects.values_list("pk", "rule", "points", "issued_on")) == [
        (first.pk, "CANCELLATION_ABUSE", 3, date(2025, 4, 13))
    ]


def void(penalty: Penalty) -> None:
    Penalty.objects.filter(pk=penalty.pk).update(
        voided_at=datetime.fromisoformat("2025-04-15T10:00:00+07:00"), void_reason="appeal accepted"
    )


def test_recomputation_leaves_a_voided_penalty_as_it_is():
    ingest(*cancellations("c", 5, "2025-04-09T12:00:00+07:00"))
    penalties_run_week(week_start=WEEK)
    voided = Penalty.objects.get()
    void(voided)
    ingest(*cancellations("late", 5, "2025-04-11T12:00:00+07:00"))

    outcome = penalties_run_week(week_start=WEEK)

    assert outcome == PeriodOutcome()
    after = Penalty.objects.get()
    assert (after.pk, after.points, after.void_reason) == (voided.pk, 1, "appeal accepted")
    assert after.voided_at == datetime.fromisoformat("2025-04-15T10:00:00+07:00")


def test_recomputation_does_not_withdraw_a_voided_penalty():
    at = "2025-04-10T09:00:00+07:00"
    ingest(*of_kind("x", "order.extension_approved", 3, at))
    penalties_run_week(week_start=WEEK)
    voided = Penalty.objects.get(rule="EXTENSION_LIMIT")
    void(voided)
    ingest(*verified("v", 20, at))  # 3 of 20 = 15%: no longer over

    outcome = penalties_run_week(week_start=WEEK)

    assert outcome == PeriodOutcome()
    assert list(Penalty.objects.values_list("pk", "points")) == [(voided.pk, 1)]


# --- monthly rule ---------------------------------------------------------------------------


def test_partial_shipments_are_penalised_on_the_first_of_the_next_month():
    ingest(*of_kind("p", "order.partial_shipment_accepted", 4, "2025-04-15T12:00:00+07:00"))

    outcome = penalties_run_month(month=date(2025, 4, 1))

    # floor(4 / 3) = 1
    assert outcome == PeriodOutcome(issued=1)
    assert penalties() == [("PARTIAL_SHIPMENT", 1, date(2025, 5, 1), "period", "2025-04")]


def test_partial_shipment_month_ends_at_midnight_wib():
    ingest(
        *of_kind("apr", "order.partial_shipment_accepted", 2, "2025-04-15T12:00:00+07:00"),
        event(
            "order.partial_shipment_accepted",
            id="apr-edge",
            order="INV/A",
            at="2025-04-30T23:59:59+07:00",
        ),
        *of_kind("may", "order.partial_shipment_accepted", 2, "2025-05-15T12:00:00+07:00"),
        event(
            "order.partial_shipment_accepted",
            id="may-edge",
            order="INV/M",
            at="2025-04-30T17:00:00Z",  # 2025-05-01 00:00 WIB
        ),
    )

    penalties_run_month(month=date(2025, 4, 1))
    penalties_run_month(month=date(2025, 5, 1))

    # Each month has exactly 3: one point each; either edge in the wrong month leaves a 2.
    assert penalties() == [
        ("PARTIAL_SHIPMENT", 1, date(2025, 5, 1), "period", "2025-04"),
        ("PARTIAL_SHIPMENT", 1, date(2025, 6, 1), "period", "2025-05"),
    ]
