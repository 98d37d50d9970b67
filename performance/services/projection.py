"""Next Monday's projected score (RULES §11 `project_scores`): what the refresh would store.

The projection is the refresh itself. Every scheduled run between the day after `as_of` and
the next Monday (the weekly rules of the Sunday, the monthly rules of a 1st, the CS evaluation
and the score refresh of the Monday) runs on the events stored now, inside a transaction that
is then rolled back. So the projection follows the same rules and code path as the real
refresh, and when no event arrives in between, the refresh stores exactly what was projected.
Nothing is stored, queued or sent: the rollback drops the rows and the after-commit work.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from performance.models import ScoreSnapshot
from performance.services.recalculation import results_recalculate
from seller_portal.models import Shop


class _Projected(Exception):
    """Carries the projection out of the transaction it rolls back."""

    def __init__(self, snapshots: dict[int, dict]) -> None:
        super().__init__()
        self.snapshots = snapshots


def next_refresh(as_of: date) -> date:
    """The first Monday after `as_of` (a Monday's next refresh is a week later)."""
    return as_of + timedelta(days=7 - as_of.weekday())


def scores_project(*, as_of: date, shop_code: str | None = None) -> dict:
    """The `project_scores` document: per shop (by code) the score, deduction and components
    the next refresh after `as_of` would store, and what changes against the latest refresh on
    or before `as_of`."""
    refresh_on = next_refresh(as_of)
    shops = Shop.objects.order_by("code")
    if shop_code is not None:
        shops = shops.filter(code=shop_code)
    shops = list(shops.values_list("pk", "code"))
    shop_ids = [pk for pk, _code in shops]
    try:
        with transaction.atomic():
            results_recalculate(
                as_of=refresh_on, since=as_of + timedelta(days=1), shop_ids=shop_ids
            )
            raise _Projected(_snapshots(shop_ids, refreshed_on=refresh_on))
    except _Projected as projected:
        after = projected.snapshots
    before = _snapshots(shop_ids, on_or_before=as_of)
    return {
        "as_of": as_of.isoformat(),
        "refresh_on": refresh_on.isoformat(),
        "shops": [_shop(code, before.get(pk), after.get(pk)) for pk, code in shops],
    }


def _snapshots(
    shop_ids: list[int], *, refreshed_on: date | None = None, on_or_before: date | None = None
) -> dict[int, dict]:
    """Each shop's current snapshot of one refresh, or its latest on or before a date."""
    rows = ScoreSnapshot.objects.filter(shop_id__in=shop_ids, is_current=True)
    if refreshed_on is not None:
        rows = rows.filter(refreshed_on=refreshed_on)
    else:
        rows = rows.filter(refreshed_on__lte=on_or_before)
    latest: dict[int, dict] = {}
    fields = ("shop_id", "refreshed_on", "score", "deduction", "components", "deducted")
    for row in rows.order_by("shop_id", "-refreshed_on").values(*fields):
        latest.setdefault(row["shop_id"], row)
    return latest


def _components(snapshot: dict | None) -> dict[str, dict]:
    if snapshot is None:
        return {}
    return {
        c["name"]: {"value": c.get("value"), "points": c.get("points")}
        for c in snapshot["components"]
    }


def _penalty(entry: dict) -> dict:
    return {
        "rule": entry["rule"],
        "points": entry["points"],
        "issued_on": entry["issued_on"],
        "source": entry["source"],
    }


def _shop(code: str, before: dict | None, after: dict | None) -> dict:
    components = _components(after)
    earlier = _components(before)
    changes: list[dict] = []
    for name in sorted(components.keys() | earlier.keys()):
        old = earlier.get(name, {}).get("points")
        new = components.get(name, {}).get("points")
        if old != new:
            changes.append({"component": name, "from": old, "to": new})
    deducted_before = {entry["id"]: entry for entry in (before or {}).get("deducted", [])}
    deducted_after = {entry["id"]: entry for entry in (after or {}).get("deducted", [])}
    penalties = [
        {"penalty": _penalty(deducted_after[pk]), "change": "starts"}
        for pk in deducted_after.keys() - deducted_before.keys()
    ] + [
        {"penalty": _penalty(deducted_before[pk]), "change": "ends"}
        for pk in deducted_before.keys() - deducted_after.keys()
    ]
    penalties.sort(key=lambda c: (c["change"], c["penalty"]["issued_on"], c["penalty"]["rule"]))
    score = None if after is None or after["score"] is None else float(after["score"])
    return {
        "shop": code,
        "score": score,
        "penalty_deduction": None if after is None else after["deduction"],
        "components": components,
        "changes": changes + penalties,
    }
