"""Enforcement records and, later, appeals: every state change goes through here."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from appeals.models import EnforcementRecord

Kind = EnforcementRecord.Kind


@transaction.atomic
def enforcement_sync_cs_week(
    *, week_start: date, issued_on: date, failed: list, passed: list
) -> dict[str, int]:
    """A failed CS week holds a CS-response warning; a week that no longer fails withdraws it.

    `failed` and `passed` are (shop id, WeekResult) pairs. Idempotent: the record's key is
    the week.
    """
    key = f"cs:{week_start:%Y-%m-%d}"
    existing = {
        r.shop_id: r
        for r in EnforcementRecord.objects.filter(
            kind=Kind.CS_RESPONSE_WARNING,
            key=key,
            shop_id__in=[shop_id for shop_id, _ in failed + passed],
        )
    }
    issued = withdrawn = 0
    for shop_id, result in failed:
        details = {"evaluated": result.evaluated, "on_time": result.on_time, "rate": result.rate}
        record = existing.get(shop_id)
        if record is None:
            EnforcementRecord.objects.create(
                shop_id=shop_id,
                kind=Kind.CS_RESPONSE_WARNING,
                key=key,
                issued_on=issued_on,
                details=details | {"week_start": week_start.isoformat()},
            )
            issued += 1
        elif record.withdrawn_at is not None or record.details.get("rate") != result.rate:
            record.withdrawn_at = None
            record.details = details | {"week_start": week_start.isoformat()}
            record.save(update_fields=["withdrawn_at", "details"])
    for shop_id, _ in passed:
        record = existing.get(shop_id)
        if record is not None and record.withdrawn_at is None:
            record.withdrawn_at = timezone.now()
            record.save(update_fields=["withdrawn_at"])
            withdrawn += 1
    return {"warnings_issued": issued, "warnings_withdrawn": withdrawn}
