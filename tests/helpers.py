"""Small builders for tests: events, shops and users."""

import json
from datetime import datetime

from django.contrib.auth.models import Group, User

from seller_portal.models import Membership, Shop

PASSWORD = "pw-12345-test"


def create_shop(code: str = "toko-a", name: str = "Toko A", tier: str = "power_merchant") -> Shop:
    return Shop.objects.create(
        code=code,
        name=name,
        tier=tier,
        registered_at=datetime.fromisoformat("2025-01-01T00:00+07:00"),
    )


def create_user(
    username: str, *, shop: Shop | None = None, role: str = "owner", groups=(), **extra
) -> User:
    """A user with password PASSWORD, a member of `shop` in `role`, in staff `groups`."""
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if shop is not None:
        Membership.objects.create(user=user, shop=shop, role=role)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def event(
    type_: str, *, id: str, shop: str = "toko-a", at: str = "2025-04-07T10:00:00+07:00", **fields
):
    return {"id": id, "type": type_, "shop": shop, "at": at, **fields}


def registration(
    shop: str = "toko-a",
    *,
    id: str | None = None,
    name: str = "Toko A",
    tier: str = "power_merchant",
    at: str = "2025-01-01T08:00:00+07:00",
):
    return event("shop.registered", id=id or f"reg-{shop}", shop=shop, at=at, name=name, tier=tier)


def cancelled_in_verification(shop: str = "toko-a", count: int = 5) -> list[dict]:
    """`count` orders cancelled in verification on Wednesday 9 April 2025: five make the weekly
    CANCELLATION_ABUSE penalty of the week from Sunday 6 April."""
    return [
        event(
            "order.cancelled_in_verification",
            id=f"{shop}-c-{n}",
            shop=shop,
            order=f"INV/{n}",
            at="2025-04-09T12:00:00+07:00",
        )
        for n in range(count)
    ]


def jsonl(*events) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
