"""Reads of the portal app's own pages, each with a fixed query budget."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from seller_portal.models import Membership, MembershipChange, Role, Shop

HISTORY_SHOWN = 20


def shop_members(*, shop: Shop) -> list[Membership]:
    """The shop's members, owners first, then by username: one query, however many."""
    owners_first = Case(
        When(role=Role.OWNER, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(
        Membership.objects.filter(shop=shop)
        .select_related("user")
        .annotate(owners_first=owners_first)
        .order_by("owners_first", "user__username")
    )


def shop_member_changes(*, shop: Shop, limit: int = HISTORY_SHOWN) -> list[MembershipChange]:
    """The latest changes to the shop's team, newest first (usernames are stored as text)."""
    return list(MembershipChange.objects.filter(shop=shop).order_by("-at", "-id")[:limit])
