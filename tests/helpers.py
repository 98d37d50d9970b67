"""Small builders for events in tests."""

import json


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


def jsonl(*events) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
