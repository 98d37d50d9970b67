from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from performance.models import Event
from seller_portal.models import Shop


def shop_last_event_at(*, shop: Shop) -> datetime | None:
    """When the marketplace last sent anything about the shop: how fresh its pages are."""
    return Event.objects.filter(shop=shop).aggregate(last=Max("at"))["last"]
