"""The event contract of RULES §2: every event type, its fields and their validation.

Pure: no ORM, no clock. `validate_event` turns one decoded JSON object into a normalized
event or a list of readable reasons. The same table drives the OpenAPI schema
(`openapi.py`), so the documentation cannot drift from what ingestion accepts.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import orjson

SHOP_CODE_RE = re.compile(r"^[a-z0-9-]{3,50}$")
ID_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 5000
SHOP_NAME_MAX_LENGTH = 200  # Shop.name's column (tests/test_events_api.py holds them equal)
TIERS = ("regular", "power_merchant", "power_merchant_pro", "official_store")
VIOLATIONS = ("duplicate", "light", "manipulation", "medium", "fraud", "heavy")
COMMON_FIELDS = ("id", "type", "shop", "at")
# JSON can escape a NUL character or a lone UTF-16 surrogate ("\u0000", "\ud800"), but
# PostgreSQL stores neither and UTF-8 cannot encode a surrogate: no event may carry them.
_SURROGATE = re.compile("[\ud800-\udfff]").search


def _storable(text: str) -> bool:
    """No NUL and no lone surrogate; `in` and isascii() first, being far cheaper than a search
    and enough for plain ASCII text."""
    return "\x00" not in text and (text.isascii() or not _SURROGATE(text))


UNSTORABLE_REASON = "must not contain NUL characters or unpaired surrogates"
# A name is shown on one line and put in e-mail headers, which may not hold a line break:
# control characters (C0, DEL, C1: tab, CR, LF, NEL, ...) and the Unicode line and paragraph
# separators are refused in fields marked `single_line`.
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]").search
LINE_BREAKING_REASON = "must not contain control characters or line breaks"


class OversizedNumber:
    """A JSON integer with more digits than Python converts (`sys.get_int_max_str_digits()`,
    4,300 by default). `json_decode` keeps it as a value, so that validation refuses the one
    event that holds it (at its index or line) instead of the whole body failing to decode."""

    __slots__ = ("digits",)

    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("-"))

    def __repr__(self) -> str:
        return f"OversizedNumber(digits={self.digits})"

    def __str__(self) -> str:
        return f"an integer of {self.digits} digits"


class JsonUnreadable(ValueError):
    """Why a JSON text cannot be decoded: `reason` reads "not valid JSON: ..." or "not UTF-8
    text (byte N)"; `column` is where the decoder stopped, when it says."""

    def __init__(self, reason: str, column: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column

    @property
    def with_column(self) -> str:
        return self.reason if self.column is None else f"{self.reason} at column {self.column}"


def _int_or_oversized(text: str) -> int | OversizedNumber:
    try:
        return int(text)
    except ValueError:  # beyond the int-string limit
        return OversizedNumber(text)


def json_decode(data: bytes | str) -> Any:
    """`json.loads(data)`, with every way decoding can fail as `JsonUnreadable`: malformed
    JSON, bytes that are not UTF-8, nesting that exhausts the stack. An integer beyond Python's
    int-string limit (a plain ValueError from the decoder) is read as an `OversizedNumber`,
    which no field accepts. NaN, Infinity and huge floats decode as the json module reads them
    (floats); no field accepts a float either."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise JsonUnreadable(f"not valid JSON: {exc.msg}", exc.colno) from None
    except UnicodeDecodeError as exc:
        raise JsonUnreadable(f"not UTF-8 text (byte {exc.start + 1})") from None
    except RecursionError:  # "[[[[..." thousands deep: a short text that exhausts the stack
        raise JsonUnreadable("not valid JSON: nested too deeply") from None
    except ValueError:
        pass  # an integer over the int-string limit: read again, keeping it as a value
    try:
        return json.loads(data, parse_int=_int_or_oversized)
    except (ValueError, RecursionError):  # not expected: the first reading decoded the rest
        raise JsonUnreadable("not valid JSON: a value cannot be read") from None


INT_DIGITS_LIMIT = sys.get_int_max_str_digits()


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "ref" (short identifier), "text", "int", "bool", "enum"
    description: str
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None  # applied when an optional field is absent (None: left out)
    max_length: int | None = None  # strings: instead of ID_MAX_LENGTH / TEXT_MAX_LENGTH
    single_line: bool = False  # strings: no control characters or line breaks

    @property
    def length_limit(self) -> int:
        if self.max_length is not None:
            return self.max_length
        return ID_MAX_LENGTH if self.kind == "ref" else TEXT_MAX_LENGTH


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    fields: tuple[Field, ...] = ()
    subject: str | None = None  # the field stored in Event.subject (order, case, ...)
    field_names: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_names", frozenset(f.name for f in self.fields))


def _order(description: str = "Order (invoice) id, e.g. INV/20250407/MPL/123") -> Field:
    return Field("order", "ref", description)


EVENT_TYPES: dict[str, EventType] = {
    t.name: t
    for t in (
        EventType(
            "shop.registered",
            "Creates or updates the shop; must precede the shop's other events.",
            (
                Field(
                    "name",
                    "text",
                    "Shop name shown to sellers and in e-mail subjects: one line, no control "
                    "characters",
                    max_length=SHOP_NAME_MAX_LENGTH,
                    single_line=True,
                ),
                Field("tier", "enum", "Merchant tier", choices=TIERS),
            ),
        ),
        EventType(
            "order.verified",
            "An order was verified: the denominator of rates.",
            (
                _order(),
                Field("amount", "int", "Order amount in IDR", minimum=0),
                Field("buyer", "ref", "Buyer id"),
            ),
            subject="order",
        ),
        EventType("order.shipped", "The order was shipped.", (_order(),), subject="order"),
        EventType("order.completed", "The order was completed.", (_order(),), subject="order"),
        EventType(
            "order.ignored",
            "The seller let the order cancel automatically (penalty ORDER_IGNORED).",
            (_order(),),
            subject="order",
        ),
        EventType(
            "shipment.ignored",
            "The shipment was not processed in time (penalty SHIPMENT_IGNORED).",
            (_order(),),
            subject="order",
        ),
        EventType(
            "shipment.cancelled_by_seller",
            "The seller cancelled a confirmed order (penalty SHIPMENT_CANCELLED).",
            (_order(),),
            subject="order",
        ),
        EventType(
            "order.cancelled_in_verification",
            "The seller cancelled during verification (weekly CANCELLATION_ABUSE).",
            (_order(),),
            subject="order",
        ),
        EventType(
            "resolution.seller_at_fault",
            "The resolution centre found the seller at fault (penalty RESOLUTION_FAULT).",
            (Field("case", "ref", "Resolution case id"), _order()),
            subject="order",
        ),
        EventType(
            "resolution.combined_penalty",
            "Combined resolution-centre penalty (penalty RESOLUTION_COMBINED).",
            (Field("case", "ref", "Resolution case id"),),
            subject="case",
        ),
        EventType(
            "order.extension_approved",
            "A time extension was approved (weekly EXTENSION_LIMIT).",
            (_order(),),
            subject="order",
        ),
        EventType(
            "transaction.manipulation_flagged",
            "A transaction was flagged as manipulation (weekly TRANSACTION_MANIPULATION).",
            (_order(),),
            subject="order",
        ),
        EventType(
            "product.violation",
            "A product or shop violation (penalties PRODUCT_* and SHOP_FRAUD).",
            (
                Field("violation", "enum", "Violation kind", choices=VIOLATIONS),
                Field("product", "ref", "Product id", required=False),
            ),
            subject="product",
        ),
        EventType(
            "order.partial_shipment_accepted",
            "The buyer accepted a partial shipment (monthly PARTIAL_SHIPMENT).",
            (_order(),),
            subject="order",
        ),
        EventType(
            "review.posted",
            "A buyer reviewed an order.",
            (
                _order(),
                Field("rating", "int", "Stars, 1 to 5", minimum=1, maximum=5),
                Field("buyer", "ref", "Buyer id"),
            ),
            subject="order",
        ),
        EventType(
            "shop.holiday_mode",
            "Holiday mode switched on or off at `at`.",
            (Field("enabled", "bool", "true: switched on; false: switched off"),),
        ),
        EventType(
            "chat.message",
            "A buyer or seller chat message (CS evaluation, guideline check).",
            (
                Field("conversation", "ref", "Conversation id"),
                Field("message", "ref", "Message id"),
                Field("sender", "enum", "Who wrote it", choices=("buyer", "seller")),
                Field("buyer", "ref", "Buyer id"),
                Field("text", "text", "Message text (may be empty, e.g. a picture)"),
                Field(
                    "auto_reply",
                    "bool",
                    "Sent by an auto-reply or FAQ answer",
                    required=False,
                    default=False,
                ),
                Field(
                    "phase",
                    "enum",
                    "Before or after the sale",
                    required=False,
                    choices=("pre_sale", "post_sale"),
                ),
            ),
            subject="conversation",
        ),
    )
}


@dataclass(frozen=True)
class NormalizedEvent:
    id: str
    type: str
    shop: str
    at: datetime  # aware, UTC
    data: dict[str, Any]

    @property
    def subject(self) -> str | None:
        name = EVENT_TYPES[self.type].subject
        return self.data.get(name) if name else None

    def canonical(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "shop": self.shop,
            "at": self.at.isoformat(),
            **self.data,
        }

    @cached_property
    def digest(self) -> str:
        """Fingerprint of the content: equal events (same instant, any offset) match.

        Stored digests are compared on every re-import, so the text hashed must stay
        byte for byte `json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False)`.
        """
        return hashlib.sha256(self._texts[0].encode()).hexdigest()

    @property
    def data_json(self) -> str:
        """`data` as JSON text (keys in canonical order), ready for a JSON column."""
        return self._texts[1]

    @property
    def at_text(self) -> str:
        """`at` in ISO 8601, as the canonical object holds it."""
        return self._texts[2]

    @cached_property
    def _texts(self) -> tuple[str, str, str]:
        """The canonical JSON of the event, the JSON of its data and `at` as text."""
        at_text = self.at.isoformat()
        data = self.data
        try:
            data_json = orjson.dumps(data).decode()
        except orjson.JSONEncodeError:  # an integer beyond 64 bits
            data_json = json.dumps(data, ensure_ascii=False)
        layout = _layout(self.type, tuple(data))
        if layout is None:
            return canonical_json(self.canonical()), data_json, at_text
        template, order = layout
        values = (self.id, self.type, self.shop, at_text, *data.values())
        encoded = [
            _encode_string(value) if type(value) is str else json_value(value)
            for value in [values[i] for i in order]
        ]
        return template.format(*encoded), data_json, at_text


_MISSING = object()
_encode_string = json.encoder.encode_basestring  # what json.dumps uses with ensure_ascii=False

_LAYOUTS: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[int, ...]]] = {}


def _layout(type_name: str, data_keys: tuple[str, ...]) -> tuple[str, tuple[int, ...]] | None:
    """How to write the canonical object of an event of this type with these data keys: a
    template with the keys in sorted order and, per slot, the index of its value among
    (id, type, shop, at, *data values). None for keys the type does not have."""
    layout = _LAYOUTS.get((type_name, data_keys))
    if layout is None:
        event_type = EVENT_TYPES.get(type_name)
        if event_type is None or not event_type.field_names.issuperset(data_keys):
            return None
        keys = (*COMMON_FIELDS, *data_keys)
        order = tuple(sorted(range(len(keys)), key=keys.__getitem__))
        slots = ", ".join(f"{_encode_string(keys[i])}: {{}}" for i in order)
        layout = _LAYOUTS[(type_name, data_keys)] = ("{{" + slots + "}}", order)
    return layout


def json_value(value: Any) -> str:
    """`value` exactly as `json.dumps(value, sort_keys=True, ensure_ascii=False)` writes it,
    without building an encoder for the strings, integers and booleans events hold."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def canonical_json(obj: dict[str, Any]) -> str:
    """`json.dumps(obj, sort_keys=True, ensure_ascii=False)` for a dict with string keys.
    tests/test_event_types.py compares the two."""
    return (
        "{"
        + ", ".join([f"{_encode_string(key)}: {json_value(obj[key])}" for key in sorted(obj)])
        + "}"
    )


def _describe(value: Any) -> str:
    if type(value) is OversizedNumber:
        return str(value)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)  # default: OversizedNumber
    except (ValueError, RecursionError):
        text = f"a JSON {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 date and time with an offset, as an aware UTC datetime; None if not."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 or 9999-12-31T23:00-02:00: no UTC year
        return None


def _check_field(spec: Field, value: Any) -> str | None:
    """The reason a field's value is unacceptable, or None."""
    name = spec.name
    if spec.kind in ("ref", "text"):
        if not isinstance(value, str):
            return f"field '{name}' must be a string, got {_describe(value)}"
        limit = spec.length_limit
        if len(value) > limit:
            return f"field '{name}' is longer than {limit} characters"
        # References and names identify something; only message text may be empty.
        if (spec.kind == "ref" or name == "name") and not value.strip():
            return f"field '{name}' must not be empty"
        if not _storable(value):
            return f"field '{name}' {UNSTORABLE_REASON}"
        if spec.single_line and _LINE_BREAKING(value):
            return f"field '{name}' {LINE_BREAKING_REASON}"
        return None
    if spec.kind == "int":
        if type(value) is OversizedNumber:
            return (
                f"field '{name}' is {value}; an integer may have at most {INT_DIGITS_LIMIT} digits"
            )
        if isinstance(value, bool) or not isinstance(value, int):
            return f"field '{name}' must be an integer, got {_describe(value)}"
        too_low = spec.minimum is not None and value < spec.minimum
        too_high = spec.maximum is not None and value > spec.maximum
        if spec.maximum is not None and (too_low or too_high):
            return f"field '{name}' must be between {spec.minimum} and {spec.maximum}, got {value}"
        if too_low:
            return f"field '{name}' must be {spec.minimum} or more, got {value}"
        return None
    if spec.kind == "bool":
        if not isinstance(value, bool):
            return f"field '{name}' must be true or false, got {_describe(value)}"
        return None
    if value not in spec.choices:
        return f"field '{name}' must be one of {', '.join(spec.choices)}; got {_describe(value)}"
    return None


def validate_event(obj: Any) -> tuple[NormalizedEvent | None, list[str]]:
    """Validate one decoded event. Returns (event, []) or (None, reasons)."""
    event = _accept(obj)
    if event is not None:
        return event, []
    return _validate_with_reasons(obj)


def _field_check(spec: Field) -> Callable[[Any], bool]:
    """A predicate that is true exactly when `_check_field(spec, value)` finds no problem,
    for values of the exact types JSON decodes to (anything else goes the slow way)."""
    if spec.kind in ("ref", "text"):
        limit = spec.length_limit
        # References and names identify something: not blank (as in `_check_field`).
        filled = spec.kind == "ref" or spec.name == "name"
        if spec.single_line:
            return lambda value: (
                type(value) is str
                and len(value) <= limit
                and (not filled or bool(value.strip()))
                and _storable(value)
                and not _LINE_BREAKING(value)
            )
        if filled:
            return lambda value: (
                type(value) is str
                and len(value) <= limit
                and bool(value.strip())
                and _storable(value)
            )
        return lambda value: type(value) is str and len(value) <= limit and _storable(value)
    if spec.kind == "int":
        low = spec.minimum if spec.minimum is not None else -math.inf
        high = spec.maximum if spec.maximum is not None else math.inf
        return lambda value: type(value) is int and low <= value <= high
    if spec.kind == "bool":
        return lambda value: value is True or value is False
    choices = frozenset(spec.choices)
    return lambda value: type(value) is str and value in choices


@dataclass(frozen=True)
class _Plan:
    """What `_accept` checks for one event type, prepared once."""

    checks: tuple[tuple[str, Callable[[Any], bool], bool, Any], ...]  # name, ok, required, default


_PLANS = {
    name: _Plan(tuple((f.name, _field_check(f), f.required, f.default) for f in t.fields))
    for name, t in EVENT_TYPES.items()
}


def _accept(obj: Any) -> NormalizedEvent | None:
    """The fast path of `validate_event`: the normalized event when `obj` is valid, else None
    (then the slow path names every reason). It may turn down a valid event, never accept
    an invalid one; tests/test_event_types.py holds the two paths to that."""
    if type(obj) is not dict:
        return None
    get = obj.get
    event_id, type_name, shop = get("id"), get("type"), get("shop")
    if (
        type(event_id) is not str
        or len(event_id) > ID_MAX_LENGTH
        or not event_id.strip()
        or not _storable(event_id)
    ):
        return None
    if type(type_name) is not str or (plan := _PLANS.get(type_name)) is None:
        return None
    if type(shop) is not str or not SHOP_CODE_RE.fullmatch(shop):
        return None
    at = parse_time(get("at"))
    if at is None:
        return None
    data: dict[str, Any] = {}
    present = 4  # the common fields; any key beyond them and the type's fields is unknown
    for name, ok, required, default in plan.checks:
        value = get(name, _MISSING)
        if value is _MISSING:
            if required:
                return None
            if default is not None:
                data[name] = default
        elif ok(value):
            data[name] = value
            present += 1
        else:
            return None
    if len(obj) != present:
        return None
    return NormalizedEvent(id=event_id, type=type_name, shop=shop, at=at, data=data)


def _validate_with_reasons(obj: Any) -> tuple[NormalizedEvent | None, list[str]]:
    if not isinstance(obj, dict):
        return None, [f"an event must be a JSON object, got {_describe(obj)}"]
    errors: list[str] = []

    event_id = obj.get("id")
    if "id" not in obj:
        errors.append("missing field 'id'")
    elif not isinstance(event_id, str) or not event_id.strip():
        errors.append(f"field 'id' must be a non-empty string, got {_describe(event_id)}")
    elif len(event_id) > ID_MAX_LENGTH:
        errors.append(f"field 'id' is longer than {ID_MAX_LENGTH} characters")
    elif not _storable(event_id):
        errors.append(f"field 'id' {UNSTORABLE_REASON}")

    shop = obj.get("shop")
    if "shop" not in obj:
        errors.append("missing field 'shop'")
    elif not isinstance(shop, str) or not SHOP_CODE_RE.fullmatch(shop):
        errors.append(
            f"field 'shop' must be a shop code of 3-50 characters a-z, 0-9 or '-', "
            f"got {_describe(shop)}"
        )

    at = None
    if "at" not in obj:
        errors.append("missing field 'at'")
    else:
        at = parse_time(obj["at"])
        if at is None:
            errors.append(
                f"field 'at' must be an ISO 8601 time with an offset "
                f"(e.g. 2025-04-07T09:30:00+07:00), got {_describe(obj['at'])}"
            )

    type_name = obj.get("type")
    event_type = EVENT_TYPES.get(type_name) if isinstance(type_name, str) else None
    if "type" not in obj:
        errors.append("missing field 'type'")
    elif event_type is None:
        errors.append(f"unknown event type {_describe(type_name)}")

    data: dict[str, Any] = {}
    if event_type is not None:
        for spec in event_type.fields:
            if spec.name not in obj:
                if spec.required:
                    errors.append(f"missing field '{spec.name}' for {event_type.name}")
                elif spec.default is not None:
                    data[spec.name] = spec.default
                continue
            problem = _check_field(spec, obj[spec.name])
            if problem:
                errors.append(problem)
            else:
                data[spec.name] = obj[spec.name]
        unknown = sorted(set(obj) - set(COMMON_FIELDS) - event_type.field_names)
        if unknown:
            errors.append(
                f"unknown field{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(repr(u) for u in unknown)} for {event_type.name}"
            )

    if errors:
        return None, errors
    return NormalizedEvent(id=event_id, type=type_name, shop=shop, at=at, data=data), []
