"""The penalty engine of RULES §3.

Per-event rules issue one penalty per event, on the event's WIB date. Weekly and monthly
rules count events with one SQL aggregate grouped by shop for the period, then issue,
update or withdraw the period's penalty so that recomputing a period after late events
gives the same answer as computing it once with all of them. Every penalty has a natural
key (`Penalty.key`), so running any of this twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from performance.models import Event, Penalty, SourceKind
from performance.rules import penalties as rules
from performance.rules.calendar import (
    monthly_run_date,
    next_month_start,
    penalty_week_end,
    weekly_run_date,
    wib_date,
    wib_midnight,
)
from performance.services.rule_sets import RuleSets

PER_EVENT_TYPES = (*rules.EVENT_RULE_BY_TYPE, "product.violation")
WEEKLY_RULES = tuple(rules.WEEKLY_RULE_EVENT)
MONTHLY_RULES = tuple(rules.MONTHLY_RULE_EVENT)


@dataclass(frozen=True)
class PeriodOutcome:
    issued: int = 0
    updated: int = 0
    withdrawn: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"issued": self.issued, "updated": self.updated, "withdrawn": self.withdrawn}


def _event_penalty(event: dict, rule_sets: RuleSets) -> Penalty | None:
    issued_on = wib_date(event["at"])
    rule_set = rule_sets.on(issued_on)
    data = event["data"]
    if event["type"] == "product.violation":
        rule = rules.PRODUCT_RULE_BY_VIOLATION[data["violation"]]
        source_kind, source = SourceKind.PRODUCT, data.get("product")
        if not source:  # a shop-level violation names no product
            source_kind, source = SourceKind.EVENT, event["event_id"]
    else:
        rule = rules.EVENT_RULE_BY_TYPE[event["type"]]
        if event["type"] == "resolution.combined_penalty":
            source_kind, source = SourceKind.CASE, data["case"]
        else:
            source_kind, source = SourceKind.ORDER, data["order"]
    points = rule_set.params.event_penalties[rule]
    if points <= 0:
        return None  # a rule set may switch a rule off
    details = {"case": data["case"]} if "case" in data else {}
    return Penalty(
        shop_id=event["shop_id"],
        rule=rule,
        key=f"event:{event['event_id']}",
        points=points,
        issued_on=issued_on,
        source_kind=source_kind,
        source=source,
        details=details,
        event_id=event["id"],
        rule_set=rule_set,
    )


def penalties_issue_for_events(
    *, until: date, shop_ids: Iterable[int] | None = None, chunk_size: int = 2000
) -> int:
    """Issue the per-event penalties of every event up to the end of `until` (WIB).

    Events that already have their penalty are skipped in SQL; returns how many were issued.
    """
    already = Penalty.objects.filter(shop_id=OuterRef("shop_id"), key=OuterRef("event_key"))
    events = Event.objects.filter(
        type__in=PER_EVENT_TYPES, at__lt=wib_midnight(until + timedelta(1))
    )
    if shop_ids is not None:
        events = events.filter(shop_id__in=list(shop_ids))
    events = (
        events.annotate(event_key=Concat(Value("event:"), "event_id"))
        .filter(~Exists(already))
        .order_by("id")
        .values("id", "event_id", "shop_id", "type", "at", "data")
    )
    rule_sets = RuleSets()
    issued = 0
    batch: list[Penalty] = []
    for event in events.iterator(chunk_size=chunk_size):
        penalty = _event_penalty(event, rule_sets)
        if penalty is not None:
            batch.append(penalty)
        if len(batch) >= chunk_size:
            issued += len(Penalty.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        issued += len(Penalty.objects.bulk_create(batch, ignore_conflicts=True))
    return issued


def _reconcile(
    *,
    rule_codes: tuple[str, ...],
    key: str,
    wanted: dict[tuple[int, str], Penalty],
    shop_ids: list[int] | None,
) -> PeriodOutcome:
    """Make the stored penalties of one period equal `wanted` (shop, rule) -> Penalty.

    A voided penalty is left as it is: the appeal decision stands whatever the recount says.
    """
    existing = Penalty.objects.filter(rule__in=rule_codes, key=key)
    if shop_ids is not None:
        existing = existing.filter(shop_id__in=shop_ids)
    stored = {(p.shop_id, p.rule): p for p in existing}
    issued = updated = withdrawn = 0
    to_create, to_update = [], []
    for identity, penalty in wanted.items():
        current = stored.get(identity)
        if current is None:
            to_create.append(penalty)
        elif current.voided_at is None and (
            current.points,
            current.details,
            current.rule_set_id,
        ) != (
            penalty.points,
            penalty.details,
            penalty.rule_set_id,
        ):
            current.points, current.details = penalty.points, penalty.details
            current.rule_set_id = penalty.rule_set_id
            current.updated_at = timezone.now()  # bulk_update does not touch auto_now
            to_update.append(current)
    gone = [
        p.pk for identity, p in stored.items() if identity not in wanted and p.voided_at is None
    ]
    if to_create:
        issued = len(Penalty.objects.bulk_create(to_create))
    if to_update:
        updated = Penalty.objects.bulk_update(
            to_update, ["points", "details", "rule_set", "updated_at"]
        )
    if gone:
        withdrawn, _ = Penalty.objects.filter(pk__in=gone).delete()
    return PeriodOutcome(issued, updated, withdrawn)


def _count(event_type: str) -> Count:
    return Count("id", filter=Q(type=event_type))


@transaction.atomic
def penalties_run_week(*, week_start: date, shop_ids: Iterable[int] | None = None) -> PeriodOutcome:
    """Weekly rules for the Sunday–Saturday week starting `week_start`, issued the next Sunday."""
    shop_ids = list(shop_ids) if shop_ids is not None else None
    run_on = weekly_run_date(week_start)
    params_set = RuleSets().on(run_on)
    params = params_set.params
    events = Event.objects.filter(
        at__gte=wib_midnight(week_start),
        at__lt=wib_midnight(run_on),
        type__in=(*rules.WEEKLY_RULE_EVENT.values(), "order.verified"),
    )
    if shop_ids is not None:
        events = events.filter(shop_id__in=shop_ids)
    counts = events.values("shop_id").annotate(
        cancellations=_count("order.cancelled_in_verification"),
        extensions=_count("order.extension_approved"),
        flagged=_count("transaction.manipulation_flagged"),
        orders=_count("order.verified"),
    )
    period = f"{week_start:%Y-%m-%d}/{penalty_week_end(week_start):%Y-%m-%d}"
    key = f"week:{week_start:%Y-%m-%d}"
    wanted: dict[tuple[int, str], Penalty] = {}

    def want(shop_id: int, rule: str, points: int, details: dict) -> None:
        if points > 0:
            wanted[(shop_id, rule)] = Penalty(
                shop_id=shop_id,
                rule=rule,
                key=key,
                points=points,
                issued_on=run_on,
                source_kind=SourceKind.PERIOD,
                source=period,
                period_start=week_start,
                period_end=penalty_week_end(week_start),
                details=details,
                rule_set=params_set,
            )

    for row in counts:
        shop_id = row["shop_id"]
        want(
            shop_id,
            "CANCELLATION_ABUSE",
            rules.cancellation_abuse_points(params, row["cancellations"]),
            {"cancellations": row["cancellations"]},
        )
        verdict = rules.extension_limit(params, row["orders"], row["extensions"])
        want(
            shop_id,
            "EXTENSION_LIMIT",
            verdict.points,
            {"extensions": row["extensions"], "orders": row["orders"], "limit": verdict.limit},
        )
        want(
            shop_id,
            "TRANSACTION_MANIPULATION",
            rules.transaction_manipulation_points(params, row["flagged"]),
            {"flagged": row["flagged"]},
        )
    return _reconcile(rule_codes=WEEKLY_RULES, key=key, wanted=wanted, shop_ids=shop_ids)


@transaction.atomic
def penalties_run_month(*, month: date, shop_ids: Iterable[int] | None = None) -> PeriodOutcome:
    """Monthly rules for the calendar month starting `month`, issued on the 1st after it."""
    shop_ids = list(shop_ids) if shop_ids is not None else None
    run_on = monthly_run_date(month)
    rule_set = RuleSets().on(run_on)
    events = Event.objects.filter(
        type="order.partial_shipment_accepted",
        at__gte=wib_midnight(month),
        at__lt=wib_midnight(next_month_start(month)),
    )
    if shop_ids is not None:
        events = events.filter(shop_id__in=shop_ids)
    key = f"month:{month:%Y-%m}"
    wanted = {}
    for row in events.values("shop_id").annotate(accepted=Count("id")):
        points = rules.partial_shipment_points(rule_set.params, row["accepted"])
        if points > 0:
            wanted[(row["shop_id"], "PARTIAL_SHIPMENT")] = Penalty(
                shop_id=row["shop_id"],
                rule="PARTIAL_SHIPMENT",
                key=key,
                points=points,
                issued_on=run_on,
                source_kind=SourceKind.PERIOD,
                source=f"{month:%Y-%m}",
                period_start=month,
                period_end=next_month_start(month) - timedelta(days=1),
                details={"accepted": row["accepted"]},
                rule_set=rule_set,
            )
    return _reconcile(rule_codes=MONTHLY_RULES, key=key, wanted=wanted, shop_ids=shop_ids)
