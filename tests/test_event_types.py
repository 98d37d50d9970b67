"""The event contract (RULES §2), type by type: what is accepted and why the rest is not."""

import hashlib
import json
from datetime import UTC, datetime

import pytest

from performance.event_types import (
    EVENT_TYPES,
    _accept,
    _validate_with_reasons,
    canonical_json,
    validate_event,
)
from tests.helpers import event

GOOD = {
    "shop.registered": {"name": "Toko Batik Sari", "tier": "power_merchant_pro"},
    "order.verified": {"order": "INV/20250407/1", "amount": 125000, "buyer": "b-1"},
    "order.shipped": {"order": "INV/20250407/1"},
    "order.completed": {"order": "INV/20250407/1"},
    "order.ignored": {"order": "INV/20250407/2"},
    "shipment.ignored": {"order": "INV/20250407/3"},
    "shipment.cancelled_by_seller": {"order": "INV/20250407/4"},
    "order.cancelled_in_verification": {"order": "INV/20250407/5"},
    "resolution.seller_at_fault": {"case": "RC-1", "order": "INV/20250407/6"},
    "resolution.combined_penalty": {"case": "RC-2"},
    "order.extension_approved": {"order": "INV/20250407/7"},
    "transaction.manipulation_flagged": {"order": "INV/20250407/8"},
    "product.violation": {"violation": "medium", "product": "P-9"},
    "order.partial_shipment_accepted": {"order": "INV/20250407/10"},
    "review.posted": {"order": "INV/20250407/1", "rating": 5, "buyer": "b-1"},
    "shop.holiday_mode": {"enabled": True},
    "chat.message": {
        "conversation": "c-1",
        "message": "m-1",
        "sender": "buyer",
        "buyer": "b-1",
        "text": "Kak, ready?",
        "phase": "pre_sale",
    },
}

# One wrong value per type-specific field, with the exact reason it earns.
BAD = [
    (
        "shop.registered",
        {"tier": "gold"},
        "field 'tier' must be one of regular, power_merchant, power_merchant_pro, official_store; got \"gold\"",
    ),
    ("shop.registered", {"name": "  "}, "field 'name' must not be empty"),
    ("order.verified", {"amount": -1}, "field 'amount' must be 0 or more, got -1"),
    ("order.verified", {"amount": 10.5}, "field 'amount' must be an integer, got 10.5"),
    ("order.verified", {"amount": True}, "field 'amount' must be an integer, got true"),
    ("order.verified", {"buyer": 7}, "field 'buyer' must be a string, got 7"),
    ("order.shipped", {"order": ""}, "field 'order' must not be empty"),
    ("order.completed", {"order": "x" * 101}, "field 'order' is longer than 100 characters"),
    ("order.ignored", {"order": None}, "field 'order' must be a string, got null"),
    ("shipment.ignored", {"order": ["INV/1"]}, "field 'order' must be a string, got [\"INV/1\"]"),
    ("shipment.cancelled_by_seller", {"order": 12}, "field 'order' must be a string, got 12"),
    ("order.cancelled_in_verification", {"order": {}}, "field 'order' must be a string, got {}"),
    ("resolution.seller_at_fault", {"case": ""}, "field 'case' must not be empty"),
    ("resolution.combined_penalty", {"case": 3}, "field 'case' must be a string, got 3"),
    ("order.extension_approved", {"order": " "}, "field 'order' must not be empty"),
    (
        "transaction.manipulation_flagged",
        {"order": False},
        "field 'order' must be a string, got false",
    ),
    (
        "product.violation",
        {"violation": "severe"},
        "field 'violation' must be one of duplicate, light, manipulation, medium, fraud, heavy; got \"severe\"",
    ),
    ("product.violation", {"product": ""}, "field 'product' must not be empty"),
    ("order.partial_shipment_accepted", {"order": 1.5}, "field 'order' must be a string, got 1.5"),
    ("review.posted", {"rating": 0}, "field 'rating' must be between 1 and 5, got 0"),
    ("review.posted", {"rating": 6}, "field 'rating' must be between 1 and 5, got 6"),
    ("shop.holiday_mode", {"enabled": "yes"}, "field 'enabled' must be true or false, got \"yes\""),
    ("chat.message", {"sender": "bot"}, "field 'sender' must be one of buyer, seller; got \"bot\""),
    ("chat.message", {"auto_reply": 1}, "field 'auto_reply' must be true or false, got 1"),
    (
        "chat.message",
        {"phase": "during_sale"},
        "field 'phase' must be one of pre_sale, post_sale; got \"during_sale\"",
    ),
    ("chat.message", {"text": None}, "field 'text' must be a string, got null"),
]


def test_every_event_type_has_a_good_example():
    assert set(GOOD) == set(EVENT_TYPES)


@pytest.mark.parametrize("type_name", sorted(GOOD))
def test_good_event_is_accepted_and_normalized(type_name):
    raw = event(type_name, id=f"e-{type_name}", at="2025-04-07T10:00:00+07:00", **GOOD[type_name])

    normalized, errors = validate_event(raw)

    assert errors == []
    assert normalized.type == type_name
    assert normalized.shop == "toko-a"
    assert normalized.at == datetime(2025, 4, 7, 3, 0, tzinfo=UTC)
    expected = dict(GOOD[type_name])
    if type_name == "chat.message":
        expected["auto_reply"] = False  # the default is applied
    assert normalized.data == expected


@pytest.mark.parametrize("type_name", sorted(GOOD))
def test_each_required_field_is_reported_missing(type_name):
    for spec in EVENT_TYPES[type_name].fields:
        if not spec.required:
            continue
        fields = {k: v for k, v in GOOD[type_name].items() if k != spec.name}
        _, errors = validate_event(event(type_name, id="e-1", **fields))
        assert errors == [f"missing field '{spec.name}' for {type_name}"]


@pytest.mark.parametrize(("type_name", "override", "reason"), BAD)
def test_bad_field_value_is_rejected_with_its_reason(type_name, override, reason):
    raw = event(type_name, id="e-1", **{**GOOD[type_name], **override})

    normalized, errors = validate_event(raw)

    assert normalized is None
    assert errors == [reason]


def test_optional_fields_may_be_left_out():
    chat = {k: v for k, v in GOOD["chat.message"].items() if k != "phase"}
    normalized, errors = validate_event(event("chat.message", id="e-1", **chat))
    assert errors == []
    assert "phase" not in normalized.data
    normalized, errors = validate_event(event("product.violation", id="e-2", violation="light"))
    assert errors == []
    assert normalized.data == {"violation": "light"}
    assert normalized.subject is None


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        ("2025-04-07T10:00:00", "no offset"),
        ("2025-04-07", "a date only"),
        ("07/04/2025 10:00", "not ISO 8601"),
        ("2025-02-30T10:00:00+07:00", "no such day"),
        (1744000000, "a number"),
    ],
)
def test_time_without_offset_or_not_iso_is_rejected(at, reason):
    _, errors = validate_event(event("order.shipped", id="e-1", at=at, order="INV/1"))
    assert len(errors) == 1, reason
    assert errors[0].startswith("field 'at' must be an ISO 8601 time with an offset")


def test_utc_and_wib_spellings_of_one_instant_are_the_same_content():
    wib, _ = validate_event(
        event("order.shipped", id="e-1", at="2025-04-07T10:00:00+07:00", order="I")
    )
    utc, _ = validate_event(event("order.shipped", id="e-1", at="2025-04-07T03:00:00Z", order="I"))
    assert wib.digest == utc.digest
    other, _ = validate_event(
        event("order.shipped", id="e-1", at="2025-04-07T03:00:01Z", order="I")
    )
    assert other.digest != wib.digest


def test_common_fields_are_checked_together():
    _, errors = validate_event({"type": "order.launched", "shop": "Toko A!", "at": "kemarin"})
    assert errors == [
        "missing field 'id'",
        "field 'shop' must be a shop code of 3-50 characters a-z, 0-9 or '-', got \"Toko A!\"",
        "field 'at' must be an ISO 8601 time with an offset (e.g. 2025-04-07T09:30:00+07:00), got \"kemarin\"",
        'unknown event type "order.launched"',
    ]


def test_unknown_fields_are_rejected_so_typos_are_not_lost():
    _, errors = validate_event(
        event("product.violation", id="e-1", violation="light", prodcut="P-1")
    )
    assert errors == ["unknown field 'prodcut' for product.violation"]


def test_non_object_is_rejected():
    assert validate_event([1, 2]) == (None, ["an event must be a JSON object, got [1, 2]"])


def test_id_rules():
    _, errors = validate_event(event("order.shipped", id="x" * 101, order="I"))
    assert errors == ["field 'id' is longer than 100 characters"]
    _, errors = validate_event(event("order.shipped", id=42, order="I"))
    assert errors == ["field 'id' must be a non-empty string, got 42"]


# Digests computed by the original `json.dumps(canonical, sort_keys=True, ensure_ascii=False)`
# implementation: stored digests must keep matching on re-import.
STORED_DIGESTS = [
    (
        event("order.verified", id="e-1", order="INV/20250407/1", amount=125000, buyer="b-1"),
        "58f9feca5efd1f9bbfd2c16ebea1443533b0990794a259969580b7909e542182",
    ),
    (
        event(
            "order.verified",
            id="e-2",
            at="2025-04-07T10:00:00.123456+07:00",
            order="INV/1",
            amount=10**30,
            buyer="b-1",
        ),
        "436ce6b9ea128a7ace6647fb81bc4c621f53626d3d280c6fd170e1c9467b0126",
    ),
    (
        event(
            "chat.message",
            id="e-3",
            at="2025-04-07T03:00:00Z",
            conversation="c-1",
            message="m-1",
            sender="seller",
            buyer="b-1",
            text='Halo kak "ready" \\ tab\there\nline é ü 日本 😀 \u2028 \x01',
            phase="post_sale",
        ),
        "e146d2d36a1ab6201a88c16becdefcabea80d73b29851da5157be8e73122b3d3",
    ),
    (
        event(
            "shop.registered",
            id='ids é "q" \\',
            at="2025-04-07T10:00:00-03:30",
            name="Toko Batik Sari",
            tier="official_store",
        ),
        "752f50567bfff8ca22e1ac0e975ea9f46613eb08427876adb3e5837a65373e29",
    ),
    (
        event("shop.holiday_mode", id="e-5", enabled=True),
        "af89264b58a77e094e66825ade8b39d65efa8b966e754ad9747e5c41370673b1",
    ),
    (
        event("product.violation", id="e-6", violation="light"),
        "a40735df92e946b7491f872d1e18b57a3de8432f766d8caf07b4b540a32ed08e",
    ),
    (
        event("review.posted", id="e-7", order="I", rating=5, buyer="b"),
        "e33f68ef294bff2286b58ff084b9fbd3d89f07820507631f0974b5fb480dc685",
    ),
    (
        event(
            "chat.message",
            id="e-8",
            conversation="c",
            message="m",
            sender="buyer",
            buyer="b",
            text="",
            auto_reply=True,
        ),
        "9e4f3acab65f4151d73e769da21bdc336ab819e3e6bfb775e0310969a8371b4e",
    ),
]


@pytest.mark.parametrize(("raw", "digest"), STORED_DIGESTS)
def test_digest_of_an_event_never_changes(raw, digest):
    normalized, errors = validate_event(raw)

    assert errors == []
    assert normalized.digest == digest


TRICKY_TEXTS = [
    "",
    "plain",
    'quote " backslash \\ slash /',
    "tab\t newline\n return\r form\f back\b \x01 \x1f del \x7f",
    "é ü ß 日本語 한국어 العربية",
    "emoji 😀 👍🏽 and \u2028 \u2029 \ufeff",
    "\\u00e9 literally",
    "x" * 5000,
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_digest_hashes_exactly_what_json_dumps_writes(text):
    raw = event(
        "chat.message",
        id=f"id {text[:90]}",
        conversation=f"c {text[:90]}" if text.strip() else "c",
        message="m",
        sender="seller",
        buyer="b",
        text=text,
    )
    normalized, errors = validate_event(raw)
    assert errors == []

    expected = json.dumps(normalized.canonical(), sort_keys=True, ensure_ascii=False)
    assert normalized.digest == hashlib.sha256(expected.encode()).hexdigest()
    assert json.loads(normalized.data_json) == normalized.data
    assert normalized.at_text == normalized.at.isoformat()


@pytest.mark.parametrize(
    "value",
    [0, -1, 10**30, True, False, None, 1.5, -0.0, 1e300, "é\n", [1, "a", {"b": 2, "a": 1}], {}],
)
def test_canonical_json_is_json_dumps_with_sorted_keys(value):
    obj = {"z": value, "a": "x", "é": value, "M": 1}

    assert canonical_json(obj) == json.dumps(obj, sort_keys=True, ensure_ascii=False)


def _variants():
    """Valid events and many near misses: wrong types, lengths, bounds, extra and missing keys."""
    odd_values = [None, True, False, 0, 1, -1, 6, 10**30, 1.0, "", " ", "x", "x" * 101, [], {}]
    odd_values += ["a\x00b", "\ud800", "é\udfff", "😀", "toko-a\n", "0001-01-01T00:00:00+01:00"]
    for type_name, fields in GOOD.items():
        base = event(type_name, id=f"e-{type_name}", **fields)
        yield base
        for key in [*base, "extra"]:
            yield {k: v for k, v in base.items() if k != key}
            for value in odd_values:
                yield {**base, key: value}
        for spec in EVENT_TYPES[type_name].fields:
            for choice in spec.choices:
                yield {**base, spec.name: choice}


def test_fast_path_accepts_exactly_what_the_full_check_accepts():
    for raw in _variants():
        fast = _accept(raw)
        full, errors = _validate_with_reasons(raw)
        assert fast == full, raw
        assert validate_event(raw) == (full, errors)
