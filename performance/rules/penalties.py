"""Penalty rules of RULES §3: point tables, weekly and monthly thresholds, the lifecycle.

Pure functions of counts and dates; the engine (`services/penalties.py`) feeds them the
counts it aggregates in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from performance.rules.calendar import last_monday
from performance.rules.parameters import RuleParameters

# Per-event rules: the event type (and, for product violations, the violation kind) → rule.
EVENT_RULE_BY_TYPE = {
    "order.ignored": "ORDER_IGNORED",
    "shipment.ignored": "SHIPMENT_IGNORED",
    "shipment.cancelled_by_seller": "SHIPMENT_CANCELLED",
    "resolution.seller_at_fault": "RESOLUTION_FAULT",
    "resolution.combined_penalty": "RESOLUTION_COMBINED",
}
PRODUCT_RULE_BY_VIOLATION = {
    "duplicate": "PRODUCT_DUPLICATE",
    "light": "PRODUCT_LIGHT",
    "manipulation": "PRODUCT_MANIPULATION",
    "medium": "PRODUCT_MEDIUM",
    "fraud": "SHOP_FRAUD",
    "heavy": "PRODUCT_HEAVY",
}
WEEKLY_RULE_EVENT = {
    "CANCELLATION_ABUSE": "order.cancelled_in_verification",
    "EXTENSION_LIMIT": "order.extension_approved",
    "TRANSACTION_MANIPULATION": "transaction.manipulation_flagged",
}
MONTHLY_RULE_EVENT = {"PARTIAL_SHIPMENT": "order.partial_shipment_accepted"}


class PenaltyStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    VOIDED = "voided"


def table_points(table: tuple[tuple[int, int], ...], count: int) -> int:
    """Points of the row with the largest starting count not above `count`."""
    points = 0
    for start, row_points in table:
        if count >= start:
            points = row_points
    return points


def cancellation_abuse_points(params: RuleParameters, cancellations: int) -> int:
    return table_points(params.cancellation_abuse, cancellations)


def transaction_manipulation_points(params: RuleParameters, flagged: int) -> int:
    return table_points(params.transaction_manipulation, flagged)


@dataclass(frozen=True)
class ExtensionVerdict:
    points: int
    limit: str  # the limit that applied, for the seller: "2" or "20%"


def extension_limit(params: RuleParameters, orders: int, extensions: int) -> ExtensionVerdict:
    """1 point (v1) when the week's approved extensions exceed the limit for its orders.

    Ratios are compared in integers: exactly 20% of 50 orders (10 extensions) is not over.
    """
    band = [b for b in params.extension_bands if orders >= b.from_orders][-1]
    if band.max_extensions is not None:
        over = extensions > band.max_extensions
        limit = str(band.max_extensions)
    else:
        over = extensions * 100 > band.max_percent * orders
        limit = f"{band.max_percent}%"
    return ExtensionVerdict(params.extension_points if over else 0, limit)


def partial_shipment_points(params: RuleParameters, accepted: int) -> int:
    """`floor(n / 3)` points in v1: every 3 accepted partial shipments (4 → 1, 6 → 2)."""
    return accepted // params.partial_every * params.partial_points


def counted_in_refresh(issued_on: date, refresh_on: date, lifetime_days: int) -> bool:
    """A penalty counts in the refresh of Monday R when issued_on < R < issued_on + lifetime."""
    return issued_on < refresh_on < issued_on + timedelta(days=lifetime_days)


def active_until(issued_on: date, lifetime_days: int) -> date:
    """The last day a penalty is active: it expires on issued_on + lifetime."""
    return issued_on + timedelta(days=lifetime_days - 1)


def penalty_status(
    issued_on: date, as_of: date, *, voided: bool, lifetime_days: int
) -> PenaltyStatus:
    """Status of RULES §3 as of a date."""
    if voided:
        return PenaltyStatus.VOIDED
    if as_of >= issued_on + timedelta(days=lifetime_days):
        return PenaltyStatus.EXPIRED
    # Pending until the first Monday after the issue date has come.
    if last_monday(as_of) <= issued_on:
        return PenaltyStatus.PENDING
    return PenaltyStatus.ACTIVE


def status_issue_range(
    status: PenaltyStatus, as_of: date, lifetime_days: int
) -> tuple[date | None, date | None]:
    """The issue dates (first, last; None = open) whose penalties have `status` as of a date.

    The inverse of `penalty_status` for non-voided penalties, so a status filter runs in SQL.
    """
    expired_last = as_of - timedelta(days=lifetime_days)
    monday = last_monday(as_of)
    if status == PenaltyStatus.EXPIRED:
        return None, expired_last
    if status == PenaltyStatus.PENDING:
        return max(monday, expired_last + timedelta(days=1)), None
    return expired_last + timedelta(days=1), monday - timedelta(days=1)
