"""Reads the ticket and appeal pages show."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Max, Prefetch
from django.db.models.fields.json import KT
from django.shortcuts import get_object_or_404

from appeals.models import AbuseTicket, Appeal, CaseEvent, Notice
from performance.models import EnforcementRecord, Event
from seller_portal.access import shop_rows_for_user
from seller_portal.models import Shop

CONVERSATION_DAYS = 60


def shop_conversations(*, shop: Shop, now: datetime) -> list[dict]:
    """Recent conversations with buyer messages, newest first (one query)."""
    return list(
        Event.objects.filter(
            shop=shop,
            type="chat.message",
            data__sender="buyer",
            at__gte=now - timedelta(days=CONVERSATION_DAYS),
        )
        .values("subject")
        .annotate(last=Max("at"), buyer=Max(KT("data__buyer")))
        .order_by("-last")[:100]
    )


def conversation_messages(*, shop: Shop, conversation: str) -> list[dict]:
    return list(
        Event.objects.filter(shop=shop, type="chat.message", subject=conversation)
        .order_by("at", "id")
        .values("at", "data")[:500]
    )


def _timeline():
    return Prefetch("timeline", queryset=CaseEvent.objects.select_related("actor"))


def shop_tickets(*, shop: Shop):
    return AbuseTicket.objects.filter(shop=shop).select_related("filed_by")


def shop_ticket(*, shop: Shop, pk: int) -> AbuseTicket:
    return get_object_or_404(
        AbuseTicket.objects.filter(shop=shop).prefetch_related(_timeline(), "evidence"), pk=pk
    )


def shop_appeals(*, shop: Shop):
    return Appeal.objects.filter(shop=shop).select_related("penalty", "enforcement")


def shop_appeal(*, shop: Shop, pk: int) -> Appeal:
    return get_object_or_404(
        Appeal.objects.filter(shop=shop)
        .select_related("penalty", "enforcement")
        .prefetch_related(_timeline(), "evidence"),
        pk=pk,
    )


def shop_enforcement_records(*, shop: Shop):
    return EnforcementRecord.objects.filter(shop=shop, withdrawn_at__isnull=True).prefetch_related(
        Prefetch("appeals", queryset=Appeal.objects.order_by("attempt"))
    )


def user_notices(*, user):
    """The user's notices about shops they may still open, newest first. A notice of a shop
    they have left is neither listed nor counted (it stays stored, and shows again should
    they rejoin)."""
    return shop_rows_for_user(user, Notice.objects.filter(user=user))


def user_unread_notice_count(*, user) -> int:
    return user_notices(user=user).filter(read_at__isnull=True).count()
