"""Buyer messages the customer-service evaluation leaves out (RULES §7).

A verified abuse ticket takes its messages out of the evaluation. The tickets live in the
appeals app, which calls `message_exclusions_set` when it verifies one; the evaluation reads
only `MessageExclusion` rows (`message_exclusions_for`), so it never depends on appeals.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from performance.models import ExclusionSource, MessageExclusion


@transaction.atomic
def message_exclusions_set(
    *,
    shop_id: int,
    conversation: str,
    message_ids: Iterable[str],
    source_kind: str = ExclusionSource.ABUSE_TICKET,
    source_id: int,
) -> int:
    """Make the messages one source excludes exactly `message_ids` (none: it excludes nothing
    any more), idempotently. Returns how many rows the source holds afterwards.

    The caller re-evaluates the weeks concerned (appeals enqueues the results update)."""
    wanted = set(message_ids)
    if source_kind not in ExclusionSource.values:
        raise ValueError(f"unknown exclusion source {source_kind!r}")
    rows = MessageExclusion.objects.filter(source_kind=source_kind, source_id=source_id)
    rows.exclude(shop_id=shop_id, conversation=conversation, message_id__in=wanted).delete()
    held = set(rows.values_list("message_id", flat=True))
    MessageExclusion.objects.bulk_create(
        MessageExclusion(
            shop_id=shop_id,
            conversation=conversation,
            message_id=message_id,
            source_kind=source_kind,
            source_id=source_id,
        )
        for message_id in sorted(wanted - held)
    )
    return len(wanted)


def message_exclusions_for(shop_ids: Iterable[int]) -> dict[int, set[str]]:
    """Shop id -> the ids of its excluded messages (every source, any time: a message id
    is the marketplace's and names one message)."""
    result: dict[int, set[str]] = {}
    rows = MessageExclusion.objects.filter(shop_id__in=list(shop_ids)).order_by()
    for shop_id, message_id in rows.values_list("shop_id", "message_id"):
        result.setdefault(shop_id, set()).add(message_id)
    return result
