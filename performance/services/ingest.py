"""Storing marketplace events: all or nothing, idempotent, with every error reported.

One entry point, `events_ingest`, serves both the `import_events` command (positions are
line numbers) and the HTTP API (positions are array indexes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from performance.event_types import NormalizedEvent, validate_event
from performance.jobs import enqueue_results_update
from performance.models import Event
from performance.services.guidelines import guideline_flags_raise
from seller_portal.models import Shop

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Unreadable:
    """A line that is not JSON: carried to the service so its error is reported in order."""

    reason: str


@dataclass(frozen=True)
class IngestError:
    position: int
    reason: str


@dataclass
class IngestResult:
    stored: int = 0
    already_present: int = 0
    shops_created: int = 0
    shops_updated: int = 0
    seen: int = 0
    errors: list[IngestError] = field(default_factory=list)
    # Shop id -> the earliest `at` among the events this batch stored: where results change.
    earliest_by_shop: dict[int, datetime] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _chunks(items: Iterable[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Batch:
    """State of one ingestion while it runs inside its transaction."""

    def __init__(self, describe_position: Callable[[int], str]) -> None:
        self.describe_position = describe_position
        self.result = IngestResult()
        self.shop_ids: dict[str, int] = {}
        self.now = timezone.now()  # received_at of every event of this batch
        # Ids accepted in the current chunk: id -> (digest, position), so an error names the
        # conflicting line. Only one chunk is kept, so memory stays flat for files of any size:
        # ids of earlier chunks are already written in this transaction, and the stored-digest
        # lookup finds them.
        self.batch_ids: dict[str, tuple[str, int]] = {}

    def error(self, position: int, reason: str) -> None:
        self.result.errors.append(IngestError(position, reason))

    def process(self, chunk: list[tuple[int, Any]]) -> None:
        self.batch_ids = {}
        valid: list[tuple[int, NormalizedEvent]] = []
        for position, raw in chunk:
            self.result.seen += 1
            if isinstance(raw, Unreadable):
                self.error(position, raw.reason)
                continue
            event, reasons = validate_event(raw)
            if reasons:
                self.error(position, "; ".join(reasons))
            else:
                valid.append((position, event))
        if not valid:
            return

        stored = {
            event_id: (digest, received_at == self.now)
            for event_id, digest, received_at in Event.objects.filter(
                event_id__in={e.id for _, e in valid}
            ).values_list("event_id", "digest", "received_at")
        }
        unknown_codes = {e.shop for _, e in valid} - self.shop_ids.keys()
        if unknown_codes:
            self.shop_ids.update(
                Shop.objects.filter(code__in=unknown_codes).values_list("code", "id")
            )

        new_events: list[tuple[int, NormalizedEvent]] = []
        for position, event in valid:
            digest = event.digest
            if event.id in self.batch_ids:
                earlier_digest, earlier_position = self.batch_ids[event.id]
                if earlier_digest != digest:
                    self.error(
                        position,
                        f"id {event.id!r} already appears on "
                        f"{self.describe_position(earlier_position)} with different content",
                    )
                else:
                    self.result.already_present += 1
                continue
            if event.id in stored:
                stored_digest, this_batch = stored[event.id]
                if stored_digest != digest:
                    where = "appears earlier in this batch" if this_batch else "was already stored"
                    self.error(position, f"id {event.id!r} {where} with different content")
                else:
                    self.result.already_present += 1
                continue
            if event.type == "shop.registered":
                self._register_shop(event)
            elif event.shop not in self.shop_ids:
                self.error(
                    position,
                    f"unknown shop {event.shop!r}: a shop.registered event must come first",
                )
                continue
            self.batch_ids[event.id] = (digest, position)
            new_events.append((position, event))

        _store_events([(event, self.shop_ids[event.shop]) for _, event in new_events], self.now)
        self.result.stored += len(new_events)
        # Every seller message is checked as it is stored.
        guideline_flags_raise(
            [(e.id, self.shop_ids[e.shop], e.type, e.data) for _, e in new_events]
        )
        earliest = self.result.earliest_by_shop
        for _, event in new_events:
            shop_id = self.shop_ids[event.shop]
            if shop_id not in earliest or event.at < earliest[shop_id]:
                earliest[shop_id] = event.at

    def _register_shop(self, event: NormalizedEvent) -> None:
        name, tier = event.data["name"], event.data["tier"]
        shop = Shop.objects.filter(code=event.shop).first()
        if shop is None:
            shop = Shop.objects.create(
                code=event.shop, name=name, tier=tier, registered_at=event.at
            )
            self.result.shops_created += 1
        elif event.at >= shop.registered_at and (shop.name, shop.tier) != (name, tier):
            # A late, older registration never overwrites a newer one.
            Shop.objects.filter(pk=shop.pk).update(name=name, tier=tier, registered_at=event.at)
            self.result.shops_updated += 1
        elif event.at > shop.registered_at:
            Shop.objects.filter(pk=shop.pk).update(registered_at=event.at)
        self.shop_ids[event.shop] = shop.pk


COPY_COLUMNS = ("event_id", "shop_id", "type", "at", "subject", "data", "digest", "received_at")


def _store_events(events: list[tuple[NormalizedEvent, int]], now) -> None:
    """Write new events: PostgreSQL's COPY (several times faster than INSERT), elsewhere
    batched INSERTs. Both run inside the ingestion transaction."""
    if not events:
        return
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        table = Event._meta.db_table
        statement = f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for event, shop_id in events:
                copy.write_row(
                    (
                        event.id,
                        shop_id,
                        event.type,
                        event.at,
                        event.subject,
                        Jsonb(event.data),
                        event.digest,
                        now,
                    )
                )
        return
    Event.objects.bulk_create(
        [
            Event(
                event_id=event.id,
                shop_id=shop_id,
                type=event.type,
                at=event.at,
                subject=event.subject,
                data=event.data,
                digest=event.digest,
                received_at=now,
            )
            for event, shop_id in events
        ],
        batch_size=CHUNK_SIZE,
    )


def events_ingest(
    *,
    items: Iterable[tuple[int, Any]],
    on_progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    describe_position: Callable[[int], str] = "line {}".format,
) -> IngestResult:
    """Validate and store a batch of decoded events, atomically.

    `items` yields (position, decoded JSON or Unreadable). Valid new events are written in
    chunks as they stream in, so files of any size need little memory; when any item is
    invalid the whole transaction is rolled back and the result carries every error and
    stores nothing. Re-sending stored events is a no-op; a stored id with different
    content is an error.
    """
    batch = _Batch(describe_position)
    with transaction.atomic():
        for chunk in _chunks(items, chunk_size):
            batch.process(chunk)
            if on_progress is not None:
                on_progress(batch.result.seen)
        if batch.result.errors:
            transaction.set_rollback(True)
        elif batch.result.earliest_by_shop and settings.RESULTS_UPDATE_AFTER_INGEST:
            # Late or new events change results: recompute what they touch, after commit.
            enqueue_results_update(since_by_shop=batch.result.earliest_by_shop)
    result = batch.result
    if result.errors:
        # Validation errors are found before the per-chunk checks; report in input order.
        result.errors.sort(key=lambda error: error.position)
        result.stored = result.already_present = 0
        result.shops_created = result.shops_updated = 0
        result.earliest_by_shop = {}
    return result
