"""Storing marketplace events: all or nothing, idempotent, with every error reported.

One entry point, `events_ingest`, serves both the `import_events` command (positions are
line numbers) and the HTTP API (positions are array indexes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from performance.event_types import NormalizedEvent, validate_event
from performance.jobs import enqueue_guideline_check, enqueue_results_update
from performance.models import Event, RuleSet
from performance.rules.calendar import wib_midnight
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
        # Seller chat messages stored: checked against the guideline after commit.
        self.seller_messages = 0
        # Results are computed under the rule set in force on an event's day, so an event
        # before the first rule set could never be computed: it would fail the results
        # update of its whole batch, every other shop's events included.
        self.rules_from = (
            RuleSet.objects.order_by("effective_from")
            .values_list("effective_from", flat=True)
            .first()
        )
        self.rules_start = None if self.rules_from is None else wib_midnight(self.rules_from)

    def error(self, position: int, reason: str) -> None:
        self.result.errors.append(IngestError(position, reason))

    def validate(self, chunk: list[tuple[int, Any]]) -> list[tuple[int, NormalizedEvent]]:
        """The valid events of a chunk; the others become errors. No database access, so it
        can run while the server is still applying the previous chunk's rows."""
        valid: list[tuple[int, NormalizedEvent]] = []
        for position, raw in chunk:
            if isinstance(raw, Unreadable):
                self.error(position, raw.reason)
                continue
            event, reasons = validate_event(raw)
            if reasons:
                self.error(position, "; ".join(reasons))
            elif self.rules_start is not None and event.at < self.rules_start:
                self.error(
                    position,
                    f"field 'at' is before {self.rules_from:%Y-%m-%d} (WIB), the first day "
                    "the rules cover",
                )
            else:
                _ = event.digest  # computed now, while the server still applies the last chunk
                valid.append((position, event))
        self.result.seen += len(chunk)
        return valid

    def store(self, valid: list[tuple[int, NormalizedEvent]], writer: _EventWriter) -> None:
        """Check a chunk's valid events against stored ones and hand the new ones to `writer`.
        The rows of earlier chunks must be settled, so that their ids are found."""
        self.batch_ids = {}
        if not valid:
            return
        stored = {
            event_id: (digest, received_at == self.now)
            for event_id, digest, received_at in _stored_digests({e.id for _, e in valid})
        }
        unknown_codes = {e.shop for _, e in valid} - self.shop_ids.keys()
        if unknown_codes:
            self.shop_ids.update(
                Shop.objects.filter(code__in=unknown_codes).values_list("code", "id")
            )

        new_events: list[NormalizedEvent] = []
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
            new_events.append(event)

        shop_ids = self.shop_ids
        writer.write([(event, shop_ids[event.shop]) for event in new_events])
        self.result.stored += len(new_events)
        self.seller_messages += sum(
            1 for e in new_events if e.type == "chat.message" and e.data.get("sender") == "seller"
        )
        earliest = self.result.earliest_by_shop
        for event in new_events:
            shop_id = shop_ids[event.shop]
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


def _last_event_id() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _own_id_range(after_id: int, received_at: datetime) -> tuple[int, int]:
    """The first and last id of the rows this batch wrote: above `after_id`, received at
    its time (a range scan of the primary key over little more than the batch's rows)."""
    own = Event.objects.filter(pk__gt=after_id, received_at=received_at).aggregate(
        first=Min("pk"), last=Max("pk")
    )
    return own["first"], own["last"]


def _stored_digests(event_ids: set[str]) -> Iterable[tuple[str, str, datetime]]:
    """(event id, digest, received_at) of those ids already in the table."""
    if connection.vendor == "postgresql":
        # One array parameter instead of an IN list of thousands: far less to build and parse.
        # The table grows during a large import faster than its statistics, and the planner
        # then reads all of it for every chunk: an index lookup is right at any size, so seq
        # scans are off for this one query.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), "
                "set_config('enable_seqscan', 'off', true)"
            )
            (previous, _) = cursor.fetchone()
            cursor.execute(
                f"SELECT event_id, digest, received_at FROM {Event._meta.db_table} "
                "WHERE event_id = ANY(%s)",
                [list(event_ids)],
            )
            rows = cursor.fetchall()
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
            return rows
    return Event.objects.filter(event_id__in=event_ids).values_list(
        "event_id", "digest", "received_at"
    )


COPY_COLUMNS = ("event_id", "shop_id", "type", "at", "subject", "data", "digest", "received_at")
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_rows(events: list[tuple[NormalizedEvent, int]], received_at: str) -> str:
    """COPY_COLUMNS of each event in COPY's text format, built here: several times faster
    than `write_row`, which adapts every value on its own."""
    special = _COPY_SPECIAL.search
    lines = []
    for event, shop_id in events:
        event_id, subject, data = event.id, event.subject, event.data_json
        if special(event_id) or special(data) or (subject is not None and special(subject)):
            event_id, data = event_id.translate(_COPY_ESCAPES), data.translate(_COPY_ESCAPES)
            subject = None if subject is None else subject.translate(_COPY_ESCAPES)
        lines.append(
            f"{event_id}\t{shop_id}\t{event.type}\t{event.at_text}\t"
            f"{'\\N' if subject is None else subject}\t{data}\t{event.digest}\t{received_at}\n"
        )
    return "".join(lines)


class _EventWriter:
    """Writes new events inside the ingestion transaction: PostgreSQL's COPY (several times
    faster than INSERT), elsewhere batched INSERTs.

    A chunk's COPY is left open after its rows are sent, so the server applies them while
    Python validates the next chunk; `settle` waits for them, and must come before anything
    reads the table again. Used as a context manager: on an exception the open COPY is
    aborted.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.copying = connection.vendor == "postgresql"
        self.pending = ExitStack()

    def __enter__(self) -> _EventWriter:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.pending.__exit__(*exc_info)

    def write(self, events: list[tuple[NormalizedEvent, int]]) -> None:
        self.settle()
        if not events:
            return
        if not self.copying:
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
                        received_at=self.now,
                    )
                    for event, shop_id in events
                ],
                batch_size=CHUNK_SIZE,
            )
            return
        from psycopg.copy import LibpqWriter

        cursor = self.pending.enter_context(connection.cursor()).cursor  # psycopg's own
        statement = f"COPY {Event._meta.db_table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        # Flush every block to the socket, so that no rows wait in the client's buffer.
        flushing = LibpqWriter(cursor, flush_threshold=0)
        copy = self.pending.enter_context(cursor.copy(statement, writer=flushing))
        copy.write(_copy_rows(events, self.now.isoformat()))

    def settle(self) -> None:
        self.pending.close()


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
    with transaction.atomic(), _EventWriter(batch.now) as writer:
        # Every row this batch writes gets a later id than the last one visible now.
        after_id = _last_event_id()
        for chunk in _chunks(items, chunk_size):
            valid = batch.validate(chunk)
            writer.settle()
            batch.store(valid, writer)
            if on_progress is not None:
                on_progress(batch.result.seen)
        writer.settle()
        if batch.result.errors:
            transaction.set_rollback(True)
        else:
            if batch.seller_messages:
                # The guideline check runs after commit, in its own job: no message's check
                # can fail or slow down the batch that stores it.
                first_id, last_id = _own_id_range(after_id, batch.now)
                enqueue_guideline_check(
                    after_id=first_id - 1, through_id=last_id, received_at=batch.now
                )
            if batch.result.earliest_by_shop and settings.RESULTS_UPDATE_AFTER_INGEST:
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
