"""Holiday mode (Mode Hari Libur, RULES §6): switch on now, schedule a period, switch off.

The portal (owners) and the marketplace (`shop.holiday_mode` events) change the same
periods; every change leaves a `HolidayModeChange` row with who and when, in the same
transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from performance.models import Event, HolidayModeChange, HolidayPeriod, HolidaySource
from performance.rules.calendar import Period
from seller_portal.models import Shop

Action = HolidayModeChange.Action


class HolidayModeError(ValueError):
    """A refused change; the message is for the seller."""


def _overlapping(shop: Shop, start: datetime, end: datetime | None):
    periods = HolidayPeriod.objects.filter(shop=shop).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=start)
    )
    return periods.filter(starts_at__lt=end) if end is not None else periods


def holiday_period_current(*, shop: Shop, now: datetime) -> HolidayPeriod | None:
    return (
        HolidayPeriod.objects.filter(shop=shop, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("starts_at")
        .first()
    )


@transaction.atomic
def holiday_mode_switch_on(
    *, shop: Shop, user, now: datetime, starts_at: datetime | None = None, ends_at=None
) -> HolidayPeriod:
    """Switch on now (`starts_at` empty) or schedule a period starting later."""
    Shop.objects.select_for_update().get(pk=shop.pk)  # one change at a time per shop
    start = starts_at or now
    scheduled = start > now
    if starts_at is not None and starts_at < now:
        raise HolidayModeError(_("Waktu mulai tidak boleh di masa lalu."))
    if ends_at is not None and ends_at <= start:
        raise HolidayModeError(_("Waktu selesai harus setelah waktu mulai."))
    if not scheduled and holiday_period_current(shop=shop, now=now) is not None:
        raise HolidayModeError(_("Mode libur sudah aktif."))
    if _overlapping(shop, start, ends_at).exists():
        raise HolidayModeError(_("Periode ini bertabrakan dengan periode mode libur lain."))
    period = HolidayPeriod.objects.create(
        shop=shop, starts_at=start, ends_at=ends_at, source=HolidaySource.PORTAL, created_by=user
    )
    HolidayModeChange.objects.create(
        shop=shop,
        action=Action.SCHEDULE if scheduled else Action.SWITCH_ON,
        starts_at=start,
        ends_at=ends_at,
        changed_by=user,
        changed_at=now,
    )
    return period


@transaction.atomic
def holiday_mode_switch_off(*, shop: Shop, user, now: datetime) -> HolidayPeriod:
    """End the period in force now; switching off ends the period (RULES §6)."""
    Shop.objects.select_for_update().get(pk=shop.pk)
    period = holiday_period_current(shop=shop, now=now)
    if period is None:
        raise HolidayModeError(_("Mode libur sedang tidak aktif."))
    HolidayModeChange.objects.create(
        shop=shop,
        action=Action.SWITCH_OFF,
        starts_at=period.starts_at,
        ends_at=now,
        changed_by=user,
        changed_at=now,
    )
    if period.starts_at >= now:
        period.delete()  # switched off the instant it began: it never covered anything
    else:
        period.ends_at = now
        period.save(update_fields=["ends_at"])
    return period


@transaction.atomic
def holiday_mode_cancel(*, shop: Shop, period_id: int, user, now: datetime) -> None:
    """Cancel a scheduled period that has not started."""
    period = HolidayPeriod.objects.filter(shop=shop, pk=period_id, starts_at__gt=now).first()
    if period is None:
        raise HolidayModeError(_("Jadwal ini tidak ada atau sudah dimulai."))
    HolidayModeChange.objects.create(
        shop=shop,
        action=Action.CANCEL,
        starts_at=period.starts_at,
        ends_at=period.ends_at,
        changed_by=user,
        changed_at=now,
    )
    period.delete()


@transaction.atomic
def holiday_mode_apply_events(*, shop_ids: Iterable[int]) -> int:
    """Apply `shop.holiday_mode` events not applied yet, in time order; idempotent.

    On opens a period at the event's time unless one is in force; off ends the period in
    force at that time. Each applied event is recorded once (`HolidayModeChange.event`).
    """
    pending = (
        Event.objects.filter(shop_id__in=list(shop_ids), type="shop.holiday_mode")
        .exclude(pk__in=HolidayModeChange.objects.filter(event__isnull=False).values("event_id"))
        .select_related("shop")
        .order_by("at", "id")
    )
    applied = 0
    for event in pending:
        shop, at = event.shop, event.at
        current = holiday_period_current(shop=shop, now=at)
        if event.data["enabled"]:
            if current is None:
                following = (
                    HolidayPeriod.objects.filter(shop=shop, starts_at__gt=at)
                    .order_by("starts_at")
                    .first()
                )
                HolidayPeriod.objects.create(
                    shop=shop,
                    starts_at=at,
                    # A later period already known (a late event): this one ends where it starts.
                    ends_at=following.starts_at if following else None,
                    source=HolidaySource.MARKETPLACE,
                )
            action = Action.MARKETPLACE_ON
        else:
            if current is not None and current.starts_at < at:
                current.ends_at = at
                current.save(update_fields=["ends_at"])
            elif current is not None:
                current.delete()
            action = Action.MARKETPLACE_OFF
        HolidayModeChange.objects.create(
            shop=shop, action=action, starts_at=at, changed_at=at, event=event
        )
        applied += 1
    return applied


def holiday_periods(
    shop_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, tuple[Period, ...]]:
    """Every shop's periods that overlap [start, end), in one query."""
    periods = HolidayPeriod.objects.filter(shop_id__in=list(shop_ids), starts_at__lt=end).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=start)
    )
    result: dict[int, list[Period]] = defaultdict(list)
    for shop_id, starts_at, ends_at in periods.values_list("shop_id", "starts_at", "ends_at"):
        result[shop_id].append(Period(starts_at, ends_at))
    return {shop_id: tuple(sorted(p, key=lambda x: x.start)) for shop_id, p in result.items()}
