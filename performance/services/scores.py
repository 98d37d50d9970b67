"""The Monday score refresh of RULES §4, for a batch of shops at once.

Inputs come from a handful of queries per batch — event counts grouped by shop in SQL, one
ordered pass over the batch's chat messages for buyer turns, the verified→shipped pairs for
the median, the counted penalties — then `rules.score.compute_score` does the arithmetic.
A refresh whose result did not change writes nothing; one that changed supersedes the
earlier snapshot and keeps it in history.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.fields.json import KT

from performance.models import CsWeek, Event, Penalty, ScoreSnapshot
from performance.rules.calendar import wib_date, wib_midnight
from performance.rules.cs import TurnOutcome
from performance.rules.score import compute_score
from performance.services.cs_evaluation import classified_turns
from performance.services.enforcement import enforcement_sync_tier_risk
from performance.services.history import results_supersede
from performance.services.rule_sets import RuleSets
from seller_portal.models import Shop

FAILURE_TYPES = (
    "order.ignored",
    "shipment.ignored",
    "shipment.cancelled_by_seller",
    "order.cancelled_in_verification",
    "resolution.seller_at_fault",
)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _event_inputs(shop_ids, start, end) -> dict[int, dict]:
    rows = (
        Event.objects.filter(shop_id__in=shop_ids, at__gte=start, at__lt=end)
        .filter(type__in=("order.completed", "review.posted", "order.verified", *FAILURE_TYPES))
        .values("shop_id")
        .annotate(
            completed=Count("id", filter=Q(type="order.completed")),
            failures=Count("id", filter=Q(type__in=FAILURE_TYPES)),
            reviews=Count("id", filter=Q(type="review.posted")),
            good_reviews=Count("id", filter=Q(type="review.posted", data__rating__gte=4)),
            buyers=Count(KT("data__buyer"), filter=Q(type="order.verified"), distinct=True),
            orders=Count("id", filter=Q(type="order.verified")),
        )
    )
    return {row["shop_id"]: row for row in rows}


def _reply_inputs(shops, start, end, reply_hours) -> dict[int, tuple[int, int]]:
    """(on time, evaluated) buyer turns of the window, per shop, as the weekly CS evaluation
    counted them: the per-day breakdown of each evaluated week (`CsWeek.days`), so the score
    reads a dozen rows per shop instead of 90 days of chat.

    A week not evaluated (yet) is counted from the chats with the same turns and exclusions
    (non-working days, holiday mode, abuse tickets); there a turn counts once it is decided:
    answered before the refresh, or past its deadline.
    """
    first_day, last_day = wib_date(start), wib_date(end) - timedelta(days=1)
    first_week = first_day - timedelta(days=first_day.weekday())
    weeks = [first_week + timedelta(weeks=n) for n in range((last_day - first_week).days // 7 + 1)]
    evaluated: dict[tuple[int, date], dict] = {}
    for shop_id, week_start, count, days in CsWeek.objects.filter(
        shop_id__in=[shop.id for shop in shops],
        is_current=True,
        week_start__gte=weeks[0],
        week_start__lte=weeks[-1],
    ).values_list("shop_id", "week_start", "evaluated", "days"):
        if days or not count:  # a week stored before the breakdown existed is recounted
            evaluated[(shop_id, week_start)] = days
    first, last = first_day.isoformat(), last_day.isoformat()
    totals = {shop.id: [0, 0] for shop in shops}
    gaps: dict[int, set[date]] = {}  # shop -> its weeks without an evaluation
    for shop in shops:
        # A week is evaluated for the shops registered before it ended.
        for week in weeks:
            if wib_midnight(week + timedelta(days=7)) <= shop.registered_at:
                continue
            days = evaluated.get((shop.id, week))
            if days is None:
                gaps.setdefault(shop.id, set()).add(week)
                continue
            for day, (on_time, count) in days.items():
                if first <= day <= last:
                    totals[shop.id][0] += on_time
                    totals[shop.id][1] += count
    by_first_gap: dict[date, list[int]] = defaultdict(list)
    for shop_id, missing in gaps.items():
        by_first_gap[min(missing)].append(shop_id)
    for week, shop_ids in by_first_gap.items():
        outcomes, _ = classified_turns(shop_ids, max(start, wib_midnight(week)), end, reply_hours)
        for shop_id, turns in outcomes.items():
            for turn, outcome in turns:
                day = wib_date(turn.started_at)
                if (
                    day - timedelta(days=day.weekday()) in gaps[shop_id]
                    and outcome.evaluated
                    and turn.decided_before(end, reply_hours)
                ):
                    on_time = outcome == TurnOutcome.ON_TIME and turn.answered_at < end
                    totals[shop_id][0] += on_time
                    totals[shop_id][1] += 1
    return {shop_id: (on_time, count) for shop_id, (on_time, count) in totals.items()}


def _processing_inputs(shop_ids, start, end) -> dict[int, float]:
    """Median hours from verification to shipping of the orders shipped in the window."""
    verified_at = Event.objects.filter(
        shop_id=OuterRef("shop_id"), subject=OuterRef("subject"), type="order.verified"
    ).order_by("at")
    shipped = (
        Event.objects.filter(shop_id__in=shop_ids, type="order.shipped", at__gte=start, at__lt=end)
        .annotate(verified_at=Subquery(verified_at.values("at")[:1]))
        .values_list("shop_id", "verified_at", "at")
    )
    hours: dict[int, list[float]] = defaultdict(list)
    for shop_id, verified, shipped_at in shipped.iterator(chunk_size=5000):
        # Filtered here, not in SQL, where each condition would run the subquery again.
        if verified is not None and verified <= shipped_at:
            hours[shop_id].append((shipped_at - verified).total_seconds() / 3600)
    return {shop_id: round(statistics.median(values), 2) for shop_id, values in hours.items()}


def _counted_penalties(shop_ids, refresh_on: date, lifetime_days: int) -> dict[int, list[dict]]:
    """Penalties that count on Monday R: issued_on < R < issued_on + lifetime, not voided."""
    penalties = Penalty.objects.filter(
        shop_id__in=shop_ids,
        voided_at__isnull=True,
        issued_on__lt=refresh_on,
        issued_on__gt=refresh_on - timedelta(days=lifetime_days),
    ).order_by("issued_on", "rule", "source")
    counted: dict[int, list[dict]] = defaultdict(list)
    for p in penalties.values("id", "shop_id", "rule", "points", "issued_on", "source"):
        counted[p["shop_id"]].append(
            {
                "id": p["id"],
                "rule": p["rule"],
                "points": p["points"],
                "issued_on": p["issued_on"].isoformat(),
                "source": p["source"],
            }
        )
    return counted


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


SNAPSHOT_FIELDS = (
    "score",
    "service",
    "product",
    "penalty_points",
    "deduction",
    "components",
    "scale",
    "tier",
    "threshold",
    "at_risk",
    "deducted",
    "rule_set_id",
)


@transaction.atomic
def scores_refresh(*, refresh_on: date, shop_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Refresh the scores of Monday `refresh_on` from data strictly before it (WIB)."""
    end = wib_midnight(refresh_on)
    shops = Shop.objects.filter(registered_at__lt=end).order_by("id")
    if shop_ids is not None:
        shops = shops.filter(id__in=list(shop_ids))
    shops = list(shops.only("id", "tier", "registered_at"))
    ids = [shop.id for shop in shops]
    rule_set = RuleSets().on(refresh_on)
    params = rule_set.params
    start = wib_midnight(refresh_on - timedelta(days=params.score_window_days))

    events = _event_inputs(ids, start, end)
    replies = _reply_inputs(shops, start, end, params.cs_reply_hours)
    processing = _processing_inputs(ids, start, end)
    counted = _counted_penalties(ids, refresh_on, params.penalty_lifetime_days)
    current = {
        s.shop_id: s
        for s in ScoreSnapshot.objects.filter(
            shop_id__in=ids, refreshed_on=refresh_on, is_current=True
        )
    }

    outcome: list[ScoreSnapshot] = []  # this refresh's result for every shop, stored or not
    for shop in shops:
        row = events.get(shop.id, {})
        on_time, decided = replies.get(shop.id, (0, 0))
        completed, failures = row.get("completed", 0), row.get("failures", 0)
        values = {
            "reply_rate": _percent(on_time, decided),
            "success_rate": _percent(completed, completed + failures),
            "processing_hours": processing.get(shop.id),
            "good_reviews": _percent(row.get("good_reviews", 0), row.get("reviews", 0)),
            "unique_buyers": row.get("buyers") if row.get("orders") else None,
        }
        deducted = counted.get(shop.id, [])
        result = compute_score(params, values, sum(p["points"] for p in deducted))
        threshold = params.tier_thresholds.get(shop.tier)
        snapshot = ScoreSnapshot(
            shop_id=shop.id,
            refreshed_on=refresh_on,
            score=_decimal(result.score),
            service=_decimal(result.service),
            product=_decimal(result.product),
            penalty_points=result.penalty_points,
            deduction=result.deduction,
            components=[
                {**c.as_dict(), "points": None if c.points is None else round(c.points, 2)}
                for c in result.components
            ],
            scale=None if result.scale is None else round(result.scale, 6),
            tier=shop.tier,
            threshold=threshold,
            at_risk=threshold is not None and result.score is not None and result.score < threshold,
            deducted=deducted,
            rule_set_id=rule_set.id,
        )
        outcome.append(snapshot)
    created, superseded, unchanged = results_supersede(
        ScoreSnapshot, current=current, fresh=outcome, fields=SNAPSHOT_FIELDS
    )
    # Below the tier's threshold is a tier-at-risk enforcement record (RULES §4).
    enforcement_sync_tier_risk(
        refresh_on=refresh_on,
        at_risk={
            s.shop_id: {"score": float(s.score), "threshold": s.threshold, "tier": s.tier}
            for s in outcome
            if s.at_risk
        },
        safe=[s.shop_id for s in outcome if not s.at_risk],
    )
    return {
        "shops": len(shops),
        "created": created,
        "superseded": superseded,
        "unchanged": unchanged,
    }
