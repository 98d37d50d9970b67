"""Reads that pages and exports show."""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, Subquery

from performance.models import Penalty, RuleSet, ScoreSnapshot
from performance.rules.penalties import penalty_status
from seller_portal.models import Shop


def _lifetimes() -> dict[int, int]:
    return {rs.pk: rs.params.penalty_lifetime_days for rs in RuleSet.objects.all()}


def scores_export(*, as_of: date, shop_code: str | None = None) -> dict:
    """The document of `export_scores` (SPEC §11): shops by code, penalties by
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
    penalties = Penalty.objects.filter(issued_on__lte=as_of).order_by(
        "shop_id", "issued_on", "rule", "source"
    )
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
    return {
        "as_of": as_of.isoformat(),
        "shops": [
            {
                "shop": shop.code,
                "score": None if shop.latest_score is None else float(shop.latest_score),
                "penalty_deduction": shop.latest_deduction,
                "penalties": by_shop.get(shop.pk, []),
                "cs_weeks": [],
            }
            for shop in shops
        ],
    }
