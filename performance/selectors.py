"""Reads that pages and exports show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Q, Subquery

from performance.models import (
    RULE_GROUPS,
    CsWeek,
    Event,
    ExclusionSource,
    HolidayModeChange,
    HolidayPeriod,
    MessageExclusion,
    Penalty,
    RuleSet,
    ScoreSnapshot,
)
from performance.rules.calendar import DayOff, last_monday, wib_date
from performance.rules.cs import Exclusions
from performance.rules.penalties import (
    PenaltyStatus,
    active_until,
    penalty_status,
    status_issue_range,
)
from performance.rules.turns import BuyerTurn
from performance.services.cs_evaluation import read_turns
from performance.services.holiday_mode import holiday_period_current
from performance.services.rule_sets import RuleSets
from seller_portal.models import Shop


def _lifetimes() -> dict[int, int]:
    return {rs.pk: rs.params.penalty_lifetime_days for rs in RuleSet.objects.all()}


def scores_export(*, as_of: date, shop_code: str | None = None) -> dict:
    """The document of `export_scores` (RULES §11): shops by code, penalties by
    (issued_on, rule, source), CS weeks by week_start."""
    latest = ScoreSnapshot.objects.filter(
        shop=OuterRef("pk"), is_current=True, refreshed_on__lte=as_of
    ).order_by("-refreshed_on")
    shops = Shop.objects.order_by("code").annotate(
        latest_score=Subquery(latest.values("score")[:1]),
        latest_deduction=Subquery(latest.values("deduction")[:1]),
        latest_refresh=Subquery(latest.values("refreshed_on")[:1]),
    )
    if shop_code is not None:
        shops = shops.filter(code=shop_code)
    penalties = Penalty.objects.filter(issued_on__lte=as_of)
    if shop_code is not None:
        penalties = penalties.filter(shop__code=shop_code)
    lifetimes = _lifetimes()
    by_shop: dict[int, list[dict]] = {}
    for p in penalties.values(
        "shop_id", "rule", "points", "issued_on", "source", "voided_at", "rule_set_id"
    ):
        status = penalty_status(
            p["issued_on"],
            as_of,
            voided=p["voided_at"] is not None,
            lifetime_days=lifetimes[p["rule_set_id"]],
        )
        by_shop.setdefault(p["shop_id"], []).append(
            {
                "rule": p["rule"],
                "points": p["points"],
                "issued_on": p["issued_on"].isoformat(),
                "status": str(status),
                "source": p["source"],
            }
        )
    cs_weeks = CsWeek.objects.filter(is_current=True, evaluated_on__lte=as_of)
    if shop_code is not None:
        cs_weeks = cs_weeks.filter(shop__code=shop_code)
    weeks: dict[int, list[dict]] = {}
    for w in cs_weeks.values("shop_id", "week_start", "status", "evaluated", "on_time"):
        weeks.setdefault(w["shop_id"], []).append(
            {
                "week_start": w["week_start"].isoformat(),
                "status": w["status"],
                "evaluated": w["evaluated"],
                "on_time": w["on_time"],
            }
        )
    for rows in weeks.values():
        rows.sort(key=lambda w: w["week_start"])
    # Sorted here, not by the database, so the order never depends on its collation.
    for rows in by_shop.values():
        rows.sort(key=lambda p: (p["issued_on"], p["rule"], p["source"]))
    return {
        "as_of": as_of.isoformat(),
        "shops": [
            {
                "shop": shop.code,
                "score": None if shop.latest_score is None else float(shop.latest_score),
                "penalty_deduction": shop.latest_deduction,
                "penalties": by_shop.get(shop.pk, []),
                "cs_weeks": weeks.get(shop.pk, []),
            }
            for shop in sorted(shops, key=lambda shop: shop.code)
        ],
    }


# --- Seller pages -----------------------------------------------------------------------------

TREND_WEEKS = 26
PENALTIES_PER_PAGE = 20
PENALTY_SORTS = {
    "-issued_on": ("-issued_on", "rule", "source"),
    "issued_on": ("issued_on", "rule", "source"),
    "-points": ("-points", "-issued_on", "rule"),
    "points": ("points", "-issued_on", "rule"),
}


@dataclass(frozen=True)
class PenaltyRow:
    penalty: Penalty
    status: PenaltyStatus
    active_until: date

    @property
    def counts_now(self) -> bool:
        return self.status == PenaltyStatus.ACTIVE


@dataclass(frozen=True)
class Dashboard:
    latest: ScoreSnapshot | None
    previous: ScoreSnapshot | None
    trend: list[ScoreSnapshot]
    active_penalties: list[PenaltyRow]
    pending_penalties: list[PenaltyRow]

    @property
    def change(self) -> Decimal | None:
        if self.latest is None or self.previous is None:
            return None
        if self.latest.score is None or self.previous.score is None:
            return None
        return self.latest.score - self.previous.score

    @property
    def active_points(self) -> int:
        return sum(row.penalty.points for row in self.active_penalties)


def _rows(penalties, as_of: date, lifetimes: dict[int, int]) -> list[PenaltyRow]:
    rows = []
    for penalty in penalties:
        lifetime = lifetimes[penalty.rule_set_id]
        status = penalty_status(
            penalty.issued_on, as_of, voided=penalty.voided_at is not None, lifetime_days=lifetime
        )
        rows.append(PenaltyRow(penalty, status, active_until(penalty.issued_on, lifetime)))
    return rows


def shop_dashboard(*, shop: Shop, today: date) -> Dashboard:
    """Three queries: the trend's snapshots, rule sets, the penalties in force or coming."""
    trend = list(
        ScoreSnapshot.objects.filter(shop=shop, is_current=True, refreshed_on__lte=today)
        .defer("components", "deducted")  # the calculation page shows those
        .order_by("-refreshed_on")[:TREND_WEEKS]
    )[::-1]
    lifetimes = _lifetimes()
    longest = max(lifetimes.values(), default=28)
    recent = Penalty.objects.filter(
        shop=shop,
        voided_at__isnull=True,
        issued_on__lte=today,
        issued_on__gt=today - timedelta(days=longest),
    ).order_by("-issued_on", "rule", "source")
    rows = _rows(recent, today, lifetimes)
    return Dashboard(
        latest=trend[-1] if trend else None,
        previous=trend[-2] if len(trend) > 1 else None,
        trend=trend,
        active_penalties=[r for r in rows if r.status == PenaltyStatus.ACTIVE],
        pending_penalties=[r for r in rows if r.status == PenaltyStatus.PENDING],
    )


@dataclass(frozen=True)
class PenaltyFilters:
    group: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "-issued_on"


def penalty_history(*, shop: Shop, filters: PenaltyFilters, today: date):
    """Penalties of a shop, filtered in SQL (the status by its issue-date range)."""
    penalties = Penalty.objects.filter(shop=shop, issued_on__lte=today)
    if filters.group:
        penalties = penalties.filter(rule__in=RULE_GROUPS[filters.group])
    if filters.date_from:
        penalties = penalties.filter(issued_on__gte=filters.date_from)
    if filters.date_to:
        penalties = penalties.filter(issued_on__lte=filters.date_to)
    if filters.status == PenaltyStatus.VOIDED:
        penalties = penalties.filter(voided_at__isnull=False)
    elif filters.status:
        penalties = penalties.filter(voided_at__isnull=True)
        # Each rule set may have its own lifetime: one date range per rule set.
        ranges = Q(pk__in=[])
        for rule_set_id, lifetime in _lifetimes().items():
            first, last = status_issue_range(PenaltyStatus(filters.status), today, lifetime)
            condition = Q(rule_set_id=rule_set_id)
            if first is not None:
                condition &= Q(issued_on__gte=first)
            if last is not None:
                condition &= Q(issued_on__lte=last)
            ranges |= condition
        penalties = penalties.filter(ranges)
    return penalties.order_by(*PENALTY_SORTS[filters.sort])


def penalty_rows(page_penalties, today: date) -> list[PenaltyRow]:
    return _rows(page_penalties, today, _lifetimes())


def shop_snapshot(*, shop: Shop, refreshed_on: date | None, today: date, latest: bool = True):
    """The current snapshot of one refresh (default, when `latest`: the latest), and every
    refresh date."""
    snapshots = ScoreSnapshot.objects.filter(shop=shop, is_current=True, refreshed_on__lte=today)
    dates = list(snapshots.order_by("-refreshed_on").values_list("refreshed_on", flat=True))
    if refreshed_on is None and latest:
        refreshed_on = dates[0] if dates else None
    if refreshed_on is None or refreshed_on not in dates:
        return None, dates
    snapshot = snapshots.select_related("rule_set").get(refreshed_on=refreshed_on)
    return snapshot, dates


# --- Customer service and holiday mode pages -------------------------------------------------

CS_WEEKS_SHOWN = 12
ORDER_CLOSING_TYPES = (
    "order.shipped",
    "order.completed",
    "order.ignored",
    "shipment.ignored",
    "shipment.cancelled_by_seller",
    "order.cancelled_in_verification",
)


@dataclass(frozen=True)
class CsWeekRange:
    """Which weeks the CS page can show: from `first_week` (the shop's registration week, or
    the first rule set's when later, as ingestion refuses events before it). A week is
    evaluated under the rule set in force on the Monday after it."""

    first_rules: date | None  # the first rule set's start; None when there is none
    first_week: date | None

    def has_rules(self, week_start: date) -> bool:
        return self.first_rules is not None and week_start + timedelta(days=7) >= self.first_rules


def cs_week_range(*, shop: Shop, rule_sets: RuleSets) -> CsWeekRange:
    first_rules = rule_sets.starts[0] if rule_sets.starts else None
    if first_rules is None:
        return CsWeekRange(None, None)
    return CsWeekRange(first_rules, last_monday(max(wib_date(shop.registered_at), first_rules)))


def cs_weeks_recent(*, shop: Shop, today: date) -> list[CsWeek]:
    """The last 12 evaluated weeks, oldest first."""
    weeks = CsWeek.objects.filter(shop=shop, is_current=True, evaluated_on__lte=today).order_by(
        "-week_start"
    )[:CS_WEEKS_SHOWN]
    return list(weeks)[::-1]


@dataclass(frozen=True)
class DayInWeek:
    day: date
    off: DayOff | None
    holiday_mode: bool


def week_days(exclusions: Exclusions, week_start: date) -> list[DayInWeek]:
    return [
        DayInWeek(
            day,
            exclusions.calendar.day_off(day),
            any(p.covers_day(day) for p in exclusions.holiday_periods),
        )
        for day in (week_start + timedelta(days=n) for n in range(7))
    ]


@dataclass(frozen=True)
class OpenWork:
    turns: list[BuyerTurn]
    orders: list[dict]

    def __bool__(self) -> bool:
        return bool(self.turns or self.orders)


def holiday_open_work(*, shop: Shop, now: datetime) -> OpenWork:
    """What a shop leaves waiting if it closes now: unanswered buyer turns of the last 7 days
    and orders verified in the last 30 days with nothing after them (not shipped)."""
    turns = read_turns([shop.id], now - timedelta(days=7), now).get(shop.id, [])
    closing = Event.objects.filter(
        shop_id=shop.id, subject=OuterRef("subject"), type__in=ORDER_CLOSING_TYPES
    )
    orders = (
        Event.objects.filter(
            shop=shop, type="order.verified", at__gte=now - timedelta(days=30), at__lte=now
        )
        .filter(~Exists(closing))
        .order_by("at")
        .values("subject", "at")[:50]
    )
    return OpenWork([t for t in turns if t.answered_at is None], list(orders))


def holiday_page(*, shop: Shop, now: datetime):
    """Current period, scheduled ones and the change history (three queries)."""
    current = holiday_period_current(shop=shop, now=now)
    scheduled = list(
        HolidayPeriod.objects.filter(shop=shop, starts_at__gt=now).order_by("starts_at")
    )
    history = list(HolidayModeChange.objects.filter(shop=shop).select_related("changed_by")[:30])
    return current, scheduled, history


def cs_week_history(*, shop: Shop, week_start: date) -> list[CsWeek]:
    """Earlier results of a week, replaced after late data or a verified ticket."""
    return list(
        CsWeek.objects.filter(shop=shop, week_start=week_start, is_current=False).order_by(
            "-created_at"
        )
    )


def ticket_by_excluded_message(*, shop: Shop) -> dict[str, int]:
    """Message id -> the verified abuse ticket that took it out of the CS evaluation (the
    oldest one, should two name it)."""
    rows = MessageExclusion.objects.filter(
        shop=shop, source_kind=ExclusionSource.ABUSE_TICKET
    ).order_by("-source_id")
    return dict(rows.values_list("message_id", "source_id"))


def shop_last_event_at(*, shop: Shop) -> datetime | None:
    """When the marketplace last sent anything about the shop: how fresh its pages are."""
    return Event.objects.filter(shop=shop).aggregate(last=Max("at"))["last"]


def shop_guideline_flags(*, shop: Shop) -> list:
    """The shop's flagged messages that are open or confirmed, newest first (one query)."""
    from performance.models import GuidelineFlag

    return list(
        GuidelineFlag.objects.filter(shop=shop)
        .exclude(status=GuidelineFlag.Status.DISMISSED)
        .select_related("event")
        .order_by("-event__at", "-id")[:100]
    )
