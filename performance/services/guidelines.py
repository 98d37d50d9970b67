"""Guideline flags on seller chat messages: raised at ingestion, reviewed by staff."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from performance.models import Event, GuidelineFlag
from performance.rules.guidelines import check_text


def guideline_flags_raise(events: list[tuple[str, int, str, dict]]) -> int:
    """Check the seller chat messages among freshly stored events (event id, shop id, type,
    data) and store their flags. Only flagged messages cost a query (for their row ids)."""
    found = [
        (event_id, shop_id, flag)
        for event_id, shop_id, type_, data in events
        if type_ == "chat.message" and data.get("sender") == "seller"
        for flag in check_text(data.get("text", ""))
    ]
    if not found:
        return 0
    pks = dict(
        Event.objects.filter(event_id__in={event_id for event_id, _, _ in found}).values_list(
            "event_id", "pk"
        )
    )
    flags = [
        GuidelineFlag(
            event_id=pks[event_id],
            shop_id=shop_id,
            rule=flag.rule,
            section=flag.section,
            match=flag.match[:300],
            start=flag.start,
            end=flag.end,
        )
        for event_id, shop_id, flag in found
    ]
    return len(GuidelineFlag.objects.bulk_create(flags, ignore_conflicts=True))


class FlagReviewError(ValueError):
    pass


@transaction.atomic
def guideline_flag_confirm(*, flag: GuidelineFlag, reviewer, note: str = "") -> GuidelineFlag:
    """Confirmed: a guideline-violation enforcement record the seller is told about and can
    appeal."""
    from appeals.models import EnforcementRecord
    from appeals.services import notify_enforcement

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
    notify_enforcement(record=record)
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
