"""Properties of ingestion (RULES §2), through the HTTP API and through `import_events`.

Hypothesis builds batches of valid events of every type in performance/event_types.py, for a
few shops registered at the start of the batch, and then breaks one event in one of many ways.
For any such batch:

- a batch with one invalid event stores nothing at all (no events, shops, guideline flags,
  penalties or job runs) and reports exactly that event, by index (API) or line (command);
- a valid batch stores exactly its events (an exact repeat inside it once);
- sending it again stores nothing new;
- the order of its events (after the registrations) does not change what is stored.

Every example runs in its own savepoint, rolled back at its end, so examples do not see each
other's events. The runs are derandomized, so CI sees the same examples every time.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from performance.event_types import COMMON_FIELDS, EVENT_TYPES, validate_event
from performance.models import Event, GuidelineFlag, JobRun, Penalty
from performance.services.api_clients import api_client_create
from seller_portal.models import Shop

pytestmark = pytest.mark.django_db

# Examples per test and way in; `PROPERTY_EXAMPLES=500 pytest ...` searches longer.
PROPERTIES = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", 15)),
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SHOPS = ("toko-a", "toko-b", "toko-c")
OFFSETS = [UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-5, minutes=-30))]
REGISTRATION = "shop.registered"
OTHER_TYPES = sorted(set(EVENT_TYPES) - {REGISTRATION})


# --- Strategies ------------------------------------------------------------------------------

# Any Unicode text the contract accepts: no NUL, no unpaired surrogate (both are refused).
CHARACTERS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
# Shop names are one line: no control characters or line separators either (single_line).
NAME_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"))
text = st.text(CHARACTERS, max_size=40)
# References come from small pools, so orders, buyers and conversations repeat across events.
refs = st.one_of(
    st.sampled_from(["INV/1", "INV/2", "b-1", "c-1", "K 7", "pesanan/é"]),
    st.text(CHARACTERS, min_size=1, max_size=40).filter(str.strip),
)
times = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2026, 12, 31),
    timezones=st.sampled_from(OFFSETS),
).map(datetime.isoformat)


def field_values(spec) -> st.SearchStrategy:
    if spec.kind == "ref":
        return refs.filter(lambda value: len(value) <= spec.length_limit)
    if spec.kind == "text":
        if spec.name == "name":
            return st.text(NAME_CHARACTERS, min_size=1, max_size=40).filter(str.strip)
        return text
    if spec.kind == "int":
        high = spec.maximum if spec.maximum is not None else 10**12
        return st.integers(spec.minimum, high)
    if spec.kind == "bool":
        return st.booleans()
    return st.sampled_from(spec.choices)


@st.composite
def valid_event(draw, type_name: str, shop: str) -> dict[str, Any]:
    event: dict[str, Any] = {"type": type_name, "shop": shop, "at": draw(times)}
    for spec in EVENT_TYPES[type_name].fields:
        if spec.required or draw(st.booleans()):
            event[spec.name] = draw(field_values(spec))
    return event


@st.composite
def valid_batches(draw, *, repeats: bool = True) -> list[dict[str, Any]]:
    """Registrations of 1-3 shops, then 1-12 events of any type for those shops, each with
    its own id; with `repeats`, maybe an exact repeat of an earlier event at the end."""
    shops = draw(st.lists(st.sampled_from(SHOPS), min_size=1, max_size=3, unique=True))
    batch = [
        {**draw(valid_event(REGISTRATION, shop)), "id": f"reg-{shop}", "at": "2024-01-01T00:00Z"}
        for shop in shops
    ]
    types = draw(st.lists(st.sampled_from(OTHER_TYPES), min_size=1, max_size=12))
    for number, type_name in enumerate(types):
        event = draw(valid_event(type_name, draw(st.sampled_from(shops))))
        batch.append({"id": f"e-{number}", **event})
    if repeats and draw(st.booleans()):
        batch.append(dict(draw(st.sampled_from(batch))))
    return batch


@dataclass(frozen=True)
class Breakage:
    """One way to make an event invalid: what it does, and a fragment of the reason."""

    kind: str
    apply: Callable[[dict[str, Any]], dict[str, Any]]
    reason: str


WRONG_TYPES = [None, 7, 1.5, True, [], {}, ""]


BREAKAGES = [
    "missing",
    "wrong_type",
    "bad_time",
    "before_rules",
    "unknown_type",
    "extra_field",
    "unknown_shop",
    "unstorable",
    "too_long",
    "bad_choice",
    "out_of_range",
]
FIELD_KINDS_BROKEN = {
    "unstorable": ("ref", "text"),
    "bad_choice": ("enum",),
    "out_of_range": ("int",),
}


def can_break(kind: str, type_name: str) -> bool:
    needs = FIELD_KINDS_BROKEN.get(kind)
    return needs is None or any(spec.kind in needs for spec in EVENT_TYPES[type_name].fields)


@st.composite
def breakages(draw, kind: str, event: dict[str, Any]) -> Breakage:
    """A random way of the given kind to break `event` (one that is not a registration)."""
    fields = {spec.name: spec for spec in EVENT_TYPES[event["type"]].fields}

    def replace(name: str, value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return lambda e: {**e, name: value}

    if kind == "missing":
        required = [*COMMON_FIELDS, *(n for n, s in fields.items() if s.required)]
        name = draw(st.sampled_from(required))
        return Breakage(
            kind, lambda e: {k: v for k, v in e.items() if k != name}, f"missing field '{name}'"
        )
    if kind == "wrong_type":
        name = draw(st.sampled_from([*COMMON_FIELDS, *fields]))
        spec = fields.get(name)
        value = draw(st.sampled_from(WRONG_TYPES))
        if spec is not None and spec.kind == "text":
            assume(not isinstance(value, str))  # "" is valid message text
        if spec is not None and spec.kind == "int":
            assume(not isinstance(value, int) or isinstance(value, bool))
        if spec is not None and spec.kind == "bool":
            assume(not isinstance(value, bool))
        reason = {
            "id": "field 'id' must be a non-empty string",
            "type": "unknown event type",
            "shop": "field 'shop' must be a shop code",
            "at": "field 'at' must be an ISO 8601 time",
        }.get(name) or f"field '{name}' must"
        return Breakage(kind, replace(name, value), reason)
    if kind == "bad_time":
        value = draw(
            st.sampled_from(
                [
                    "2025-04-07T10:00:00",  # no offset
                    "2025-02-30T10:00:00+07:00",
                    "kemarin",
                    "0001-01-01T00:00:00+01:00",  # no UTC year
                    "9999-12-31T23:00:00-02:00",
                ]
            )
        )
        return Breakage(kind, replace("at", value), "field 'at' must be an ISO 8601 time")
    if kind == "before_rules":
        return Breakage(
            kind, replace("at", "1999-12-31T23:59:59+07:00"), "field 'at' is before 2000-01-01"
        )
    if kind == "unknown_type":
        return Breakage(kind, replace("type", "order.teleported"), "unknown event type")
    if kind == "extra_field":
        return Breakage(kind, replace("colour", "merah"), "unknown field 'colour'")
    if kind == "unknown_shop":
        return Breakage(kind, replace("shop", "toko-zz"), "unknown shop 'toko-zz'")
    if kind == "unstorable":
        name = draw(st.sampled_from([n for n, s in fields.items() if s.kind in ("ref", "text")]))
        value = draw(st.sampled_from(["a\x00b", "\ud800", "x\udfff"]))
        return Breakage(kind, replace(name, value), f"field '{name}' must not contain NUL")
    if kind == "too_long":
        name = draw(
            st.sampled_from(["id", *(n for n, s in fields.items() if s.kind in ("ref", "text"))])
        )
        limit = fields[name].length_limit if name in fields else 100
        return Breakage(
            kind, replace(name, "x" * (limit + 1)), f"field '{name}' is longer than {limit}"
        )
    if kind == "bad_choice":
        name = draw(st.sampled_from([n for n, s in fields.items() if s.kind == "enum"]))
        return Breakage(kind, replace(name, "lainnya"), f"field '{name}' must be one of")
    name = draw(st.sampled_from([n for n, s in fields.items() if s.kind == "int"]))
    spec = fields[name]
    value = draw(st.sampled_from([spec.minimum - 1, *([spec.maximum + 1] if spec.maximum else [])]))
    return Breakage(kind, replace(name, value), f"field '{name}' must be")


# --- The two ways in -------------------------------------------------------------------------


@dataclass
class Outcome:
    stored: int = 0
    already_present: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (index in the batch, reason)


class Api:
    """POST /api/v1/events; an error's index is its position in the batch."""

    name = "api"

    def __init__(self, client, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def send(self, batch: list[dict]) -> Outcome:
        response = self.client.post(
            "/api/v1/events",
            data=json.dumps(batch),
            content_type="application/json",
            headers=self.headers,
        )
        body = response.json()
        if response.status_code == 200:
            return Outcome(body["stored"], body["already_present"])
        assert response.status_code == 400, body
        return Outcome(errors=[(error["index"], error["reason"]) for error in body["errors"]])

    @staticmethod
    def describe(index: int) -> str:
        return f"index {index}"


class Command:
    """import_events on a JSON Lines file; line N is the event at index N - 1."""

    name = "command"

    def __init__(self, path) -> None:
        self.path = path

    def send(self, batch: list[dict]) -> Outcome:
        # ASCII escapes, so that an unpaired surrogate can be written to the file at all.
        self.path.write_text("".join(json.dumps(event) + "\n" for event in batch))
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_events", str(self.path), progress="never", stdout=out, stderr=err)
        except SystemExit as exit:
            assert exit.code == 1
            lines = err.getvalue().splitlines()
            assert lines[-1].endswith("invalid; nothing was stored.")
            errors = []
            for line in lines[:-1]:
                where, reason = line.split(": ", 1)
                errors.append((int(where.removeprefix("line ")) - 1, reason))
            return Outcome(errors=errors)
        stored, present = (part.split(": ")[1] for part in out.getvalue().split(", ")[:2])
        return Outcome(int(stored), int(present))

    @staticmethod
    def describe(index: int) -> str:
        return f"line {index + 1}"


@pytest.fixture(params=["api", "command"])
def way(request, client, tmp_path, settings):
    settings.EVENTS_API_RATE_PER_MINUTE = 0  # hundreds of batches a minute here
    if request.param == "api":
        _, token = api_client_create(name="marketplace")
        return Api(client, token)
    return Command(tmp_path / "events.jsonl")


class Rollback(Exception):
    pass


def in_savepoint(body: Callable[[], Any]) -> Any:
    """Run `body` in a savepoint that is always rolled back; return what it returned."""
    result = None
    try:
        with transaction.atomic():
            result = body()
            raise Rollback
    except Rollback:
        pass
    return result


def everything() -> dict[str, Any]:
    """What ingestion can write, in a form independent of row ids and arrival order."""
    return {
        "events": sorted(
            (event_id, type_, shop, at, subject, canonical(data), digest)
            for event_id, type_, shop, at, subject, data, digest in Event.objects.values_list(
                "event_id", "type", "shop__code", "at", "subject", "data", "digest"
            )
        ),
        "shops": sorted(Shop.objects.values_list("code", "name", "tier", "registered_at")),
        "flags": sorted(GuidelineFlag.objects.values_list("event__event_id", "rule", "match")),
        "penalties": Penalty.objects.count(),
        "job_runs": JobRun.objects.count(),
    }


def canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True)


NOTHING = {"events": [], "shops": [], "flags": [], "penalties": 0, "job_runs": 0}


def distinct_ids(batch: list[dict]) -> int:
    return len({event["id"] for event in batch})


# --- Properties ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", BREAKAGES)
@settings(PROPERTIES, max_examples=max(PROPERTIES.max_examples // 3, 1))
@given(data=st.data())
def test_one_invalid_event_stores_nothing_and_is_reported_exactly(way, kind, data):
    batch = data.draw(valid_batches(repeats=False))
    breakable = [
        i for i, e in enumerate(batch) if e["type"] != REGISTRATION and can_break(kind, e["type"])
    ]
    if not breakable:
        type_name = data.draw(st.sampled_from([t for t in OTHER_TYPES if can_break(kind, t)]))
        batch.append(
            {"id": f"e-{len(batch)}", **data.draw(valid_event(type_name, batch[0]["shop"]))}
        )
        breakable = [len(batch) - 1]
    index = data.draw(st.sampled_from(breakable), label="broken index")
    breakage = data.draw(breakages(kind, batch[index]), label="breakage")
    batch[index] = breakage.apply(batch[index])

    outcome, after = in_savepoint(lambda: (way.send(batch), everything()))

    assert after == NOTHING
    assert len(outcome.errors) == 1, outcome.errors
    assert outcome.errors[0][0] == index
    assert breakage.reason in outcome.errors[0][1]


@PROPERTIES
@given(data=st.data())
def test_an_id_reused_with_other_content_stores_nothing(way, data):
    batch = data.draw(valid_batches(repeats=False))
    registrations = sum(event["type"] == REGISTRATION for event in batch)
    assume(len(batch) - registrations >= 2)
    index = data.draw(st.integers(registrations + 1, len(batch) - 1), label="reusing index")
    earlier = data.draw(st.integers(0, index - 1), label="earlier index")
    reused = {**batch[index], "id": batch[earlier]["id"]}
    assume(validate_event(reused)[0].digest != validate_event(batch[earlier])[0].digest)
    batch[index] = reused

    outcome, after = in_savepoint(lambda: (way.send(batch), everything()))

    assert after == NOTHING
    assert outcome.errors == [
        (
            index,
            f"id {reused['id']!r} already appears on {way.describe(earlier)} with different content",
        )
    ]


@PROPERTIES
@given(first=valid_batches(repeats=False), data=st.data())
def test_an_id_stored_earlier_with_other_content_stores_nothing(way, first, data):
    def body():
        assert way.send(first).errors == []
        before = everything()
        index = data.draw(st.integers(0, len(first) - 1), label="stored index")
        changed = {
            **data.draw(valid_event("order.shipped", first[0]["shop"])),
            "id": first[index]["id"],
        }
        assume(validate_event(changed)[0].digest != validate_event(first[index])[0].digest)
        return way.send([changed]), before, everything(), changed["id"]

    outcome, before, after, event_id = in_savepoint(body)

    assert after == before
    assert outcome.errors == [(0, f"id {event_id!r} was already stored with different content")]


@PROPERTIES
@given(batch=valid_batches())
def test_a_valid_batch_stores_exactly_its_events_and_resending_adds_nothing(way, batch):
    def body():
        first = way.send(batch)
        stored = everything()
        again = way.send(batch)
        return first, stored, again, everything()

    first, stored, again, after_again = in_savepoint(body)

    assert first.errors == []
    assert (first.stored, first.already_present) == (
        distinct_ids(batch),
        len(batch) - distinct_ids(batch),
    )
    expected = set()
    for raw in batch:
        event = validate_event(raw)[0]
        expected.add(
            (
                event.id,
                event.type,
                event.shop,
                event.at,
                event.subject,
                canonical(event.data),
                event.digest,
            )
        )
    assert set(stored["events"]) == expected
    assert [code for code, *_ in stored["shops"]] == sorted({e["shop"] for e in batch})
    assert (again.stored, again.already_present, again.errors) == (0, len(batch), [])
    assert after_again == stored


@PROPERTIES
@given(batch=valid_batches(), data=st.data())
def test_the_order_of_a_valid_batch_does_not_change_what_is_stored(way, batch, data):
    registrations = [event for event in batch if event["type"] == REGISTRATION]
    others = [event for event in batch if event["type"] != REGISTRATION]
    shuffled = registrations + data.draw(st.permutations(others), label="order")

    in_order = in_savepoint(lambda: (way.send(batch), everything())[1])
    reordered = in_savepoint(lambda: (way.send(shuffled), everything())[1])

    assert in_order == reordered
    assert len(in_order["events"]) == distinct_ids(batch)
