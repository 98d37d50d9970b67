"""Guideline flags on seller chat messages: raised by a job after ingestion, reviewed by staff."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from itertools import islice

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from performance.models import EnforcementRecord, Event, GuidelineFlag
from performance.rules.guidelines import check_text
from performance.services.enforcement import enforcement_announce

logger = logging.getLogger(__name__)


CHECK_CHUNK = 2000  # messages read and flagged at a time


def guideline_flags_check(*, after_id: int, through_id: int, received_at: datetime) -> dict:
    """Check the seller chat messages among the events with ids in (after_id, through_id]
    received at `received_at` (one ingestion batch, `jobs.enqueue_guideline_check`) and store
    their flags.

    Idempotent: a message keeps at most one flag per rule, and a flag that staff reviewed is
    never touched. A message whose check raises is logged and counted, and the others are
    still checked: one broken message never holds back the flags of its batch.
    """
    messages = (
        Event.objects.filter(
            pk__gt=after_id,
            pk__lte=through_id,
            received_at=received_at,
            type="chat.message",
            data__sender="seller",
        )
        .order_by("pk")
        .values_list("pk", "shop_id", "data__text")
    )
    counts = {"messages_checked": 0, "messages_failed": 0, "flags_raised": 0}
    for chunk in _chunks(messages.iterator(chunk_size=CHECK_CHUNK), CHECK_CHUNK):
        flags = []
        for pk, shop_id, text in chunk:
            try:
                found = check_text(text if isinstance(text, str) else "")
            except Exception:
                logger.exception("guideline check of event row %s failed", pk)
                counts["messages_failed"] += 1
                continue
            counts["messages_checked"] += 1
            flags.extend(
                GuidelineFlag(
                    event_id=pk,
                    shop_id=shop_id,
                    rule=flag.rule,
                    section=flag.section,
                    match=flag.match[:300],
                    start=flag.start,
                    end=flag.end,
                )
                for flag in found
            )
        if flags:
            # bulk_create returns every object it was given, stored or not: count the rows.
            flagged = GuidelineFlag.objects.filter(event_id__in={f.event_id for f in flags})
            before = flagged.count()
            GuidelineFlag.objects.bulk_create(flags, ignore_conflicts=True)
            counts["flags_raised"] += flagged.count() - before
    return counts


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


class FlagReviewError(ValueError):
    pass


@transaction.atomic
def guideline_flag_confirm(*, flag: GuidelineFlag, reviewer, note: str = "") -> GuidelineFlag:
    """Confirmed: a guideline-violation enforcement record the seller is told about (through
    the enforcement listeners: the appeals app's notice) and can appeal."""
    flag = GuidelineFlag.objects.select_for_update().select_related("event", "shop").get(pk=flag.pk)
    if flag.status != GuidelineFlag.Status.OPEN:
        raise FlagReviewError(_("Tanda ini sudah ditinjau."))
    record, _created = EnforcementRecord.objects.get_or_create(
        shop=flag.shop,
        kind=EnforcementRecord.Kind.GUIDELINE_VIOLATION,
        key=f"guideline:{flag.pk}",
        defaults={
            "issued_on": timezone.localdate(),
            "details": {
                "rule": flag.rule,
                "section": flag.section,
                "match": flag.match,
                "conversation": flag.event.subject,
                "message": flag.event.data.get("message"),
                "note": note.strip(),
            },
        },
    )
    flag.status = GuidelineFlag.Status.CONFIRMED
    flag.reviewed_by, flag.reviewed_at, flag.review_note = reviewer, timezone.now(), note.strip()
    flag.enforcement = record
    flag.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "enforcement"])
    enforcement_announce(record=record)
    return flag


@transaction.atomic
def guideline_flag_dismiss(*, flag: GuidelineFlag, reviewer, reason: str) -> GuidelineFlag:
    if not reason.strip():
        raise FlagReviewError(_("Alasan mengabaikan wajib diisi."))
    flag = GuidelineFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != GuidelineFlag.Status.OPEN:
        raise FlagReviewError(_("Tanda ini sudah ditinjau."))
    flag.status = GuidelineFlag.Status.DISMISSED
    flag.reviewed_by, flag.reviewed_at, flag.review_note = reviewer, timezone.now(), reason.strip()
    flag.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return flag
