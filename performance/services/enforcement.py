"""Enforcement records (RULES §8): issued and withdrawn by the performance rules, idempotently.

The records are outputs of the CS evaluation, the score refresh and the guideline review, so
they live in this app; the appeals app reads them and voids one when an appeal is accepted.
The shop is told about a new record through the listeners the appeals app registers
(`enforcement_listener_register`): performance never imports appeals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

from performance.models import EnforcementRecord

Kind = EnforcementRecord.Kind

RecordIssued = Callable[..., None]  # listener(record=EnforcementRecord)
_issued_listeners: list[RecordIssued] = []


def enforcement_listener_register(listener: RecordIssued) -> None:
    """`listener(record=...)` runs, in the issuing transaction, for every record a reviewer
    issues by hand (a confirmed guideline flag). The appeals app registers its notice to the
    shop here (`AppealsConfig.ready`)."""
    if listener not in _issued_listeners:
        _issued_listeners.append(listener)


def enforcement_announce(*, record: EnforcementRecord) -> None:
    for listener in _issued_listeners:
        listener(record=record)


def _sync_records(
    *, kind: str, key: str, issued_on: date, holding: dict[int, dict], clear: list[int]
) -> tuple[int, int]:
    """Make the records of one cause (`kind`, `key`) match a recomputation, idempotently.

    Shops in `holding` (shop id -> details) hold a record: it is issued, or brought back and
    updated when it was withdrawn or its details changed. Shops in `clear` no longer do: their
    record is withdrawn, never deleted (the seller saw it). Returns (issued, withdrawn).
    """
    existing = {
        r.shop_id: r
        for r in EnforcementRecord.objects.filter(
            kind=kind, key=key, shop_id__in=[*holding, *clear]
        )
    }
    new, changed = [], []
    for shop_id, details in holding.items():
        record = existing.get(shop_id)
        if record is None:
            new.append(
                EnforcementRecord(
                    shop_id=shop_id, kind=kind, key=key, issued_on=issued_on, details=details
                )
            )
        elif record.withdrawn_at is not None or record.details != details:
            record.withdrawn_at, record.details = None, details
            changed.append(record)
    EnforcementRecord.objects.bulk_create(new)
    EnforcementRecord.objects.bulk_update(changed, ["withdrawn_at", "details"])
    cleared = [
        existing[shop_id].pk
        for shop_id in clear
        if shop_id in existing and existing[shop_id].withdrawn_at is None
    ]
    withdrawn = EnforcementRecord.objects.filter(pk__in=cleared).update(withdrawn_at=timezone.now())
    issued = len(new)
    return issued, withdrawn


@transaction.atomic
def enforcement_sync_cs_week(
    *, week_start: date, issued_on: date, failed: list, passed: list
) -> dict[str, int]:
    """A failed CS week holds a CS-response warning; a week that no longer fails withdraws it.
    `failed` and `passed` are (shop id, WeekResult) pairs; the record's key is the week."""
    issued, withdrawn = _sync_records(
        kind=Kind.CS_RESPONSE_WARNING,
        key=f"cs:{week_start:%Y-%m-%d}",
        issued_on=issued_on,
        holding={
            shop_id: {
                "evaluated": result.evaluated,
                "on_time": result.on_time,
                "rate": result.rate,
                "week_start": week_start.isoformat(),
            }
            for shop_id, result in failed
        },
        clear=[shop_id for shop_id, _result in passed],
    )
    return {"warnings_issued": issued, "warnings_withdrawn": withdrawn}


@transaction.atomic
def enforcement_sync_tier_risk(
    *, refresh_on: date, at_risk: dict[int, dict], safe: list[int]
) -> dict[str, int]:
    """A refresh below the tier's threshold is a tier-at-risk record (RULES §4); a recomputed
    refresh that is no longer at risk withdraws it. `at_risk` maps shop id -> details."""
    issued, withdrawn = _sync_records(
        kind=Kind.TIER_AT_RISK,
        key=f"score:{refresh_on:%Y-%m-%d}",
        issued_on=refresh_on,
        holding=at_risk,
        clear=safe,
    )
    return {"risk_records_issued": issued, "risk_records_withdrawn": withdrawn}
