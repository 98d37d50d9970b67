"""`import_events PATH...`: all or nothing, every error with its line, idempotent."""

import io

import pytest
from django.core.management import CommandError, call_command

from performance.event_types import validate_event
from performance.management.commands.import_events import _decode, _decode_with_json
from performance.models import Event
from performance.services.ingest import Unreadable, events_ingest
from seller_portal.models import Shop
from tests.helpers import event, jsonl, registration

pytestmark = pytest.mark.django_db


def run(*paths, progress="never"):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_events", *map(str, paths), progress=progress, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, text, name="events.jsonl"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


ORDER_EVENTS = [
    registration(),
    event("order.verified", id="e-1", order="INV/1", amount=125000, buyer="b-1"),
    event("order.shipped", id="e-2", order="INV/1", at="2025-04-07T15:30:00+07:00"),
    event("order.ignored", id="e-3", order="INV/2", at="2025-04-08T09:00:00+07:00"),
]


def test_valid_file_is_stored_with_a_summary(tmp_path):
    path = write(tmp_path, jsonl(*ORDER_EVENTS))

    code, out, err = run(path)

    assert code == 0
    assert out == "stored: 4, already present: 0, shops created: 1, shops updated: 0\n"
    assert err == ""
    shop = Shop.objects.get()
    assert (shop.code, shop.name, shop.tier) == ("toko-a", "Toko A", "power_merchant")
    stored = Event.objects.get(event_id="e-1")
    assert stored.type == "order.verified"
    assert stored.subject == "INV/1"
    assert stored.data == {"order": "INV/1", "amount": 125000, "buyer": "b-1"}
    assert stored.at.isoformat() == "2025-04-07T03:00:00+00:00"


def test_reimport_is_a_no_op(tmp_path):
    path = write(tmp_path, jsonl(*ORDER_EVENTS))
    run(path)
    before = list(Event.objects.order_by("pk").values_list("pk", "event_id", "digest"))

    code, out, _ = run(path)

    assert code == 0
    assert out == "stored: 0, already present: 4, shops created: 0, shops updated: 0\n"
    assert list(Event.objects.order_by("pk").values_list("pk", "event_id", "digest")) == before


def test_any_invalid_line_stores_nothing_and_lists_every_error(tmp_path):
    lines = jsonl(
        registration(),
        event("order.verified", id="e-1", order="INV/1", amount=-5, buyer="b-1"),
        event("order.shipped", id="e-2", order="INV/1"),
    )
    lines += "{not json\n"
    lines += "\n"  # blank lines are skipped, but still counted
    lines += jsonl(event("review.posted", id="e-3", order="INV/1", rating=9, buyer="b-1"))
    path = write(tmp_path, lines)

    code, out, err = run(path)

    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "line 2: field 'amount' must be 0 or more, got -5",
        "line 4: not valid JSON: Expecting property name enclosed in double quotes at column 2",
        "line 6: field 'rating' must be between 1 and 5, got 9",
        "3 lines are invalid; nothing was stored.",
    ]
    assert Event.objects.count() == 0
    assert Shop.objects.count() == 0


def test_same_id_with_different_content_is_an_error(tmp_path):
    run(write(tmp_path, jsonl(*ORDER_EVENTS)))
    changed = event("order.shipped", id="e-2", order="INV/1", at="2025-04-07T16:00:00+07:00")
    new = event("order.completed", id="e-9", order="INV/1")

    code, _, err = run(write(tmp_path, jsonl(new, changed), name="late.jsonl"))

    assert code == 1
    assert err.splitlines() == [
        "line 2: id 'e-2' was already stored with different content",
        "1 line is invalid; nothing was stored.",
    ]
    assert not Event.objects.filter(event_id="e-9").exists()
    assert Event.objects.get(event_id="e-2").at.isoformat() == "2025-04-07T08:30:00+00:00"


def test_same_id_twice_in_one_file(tmp_path):
    same = event("order.shipped", id="e-2", order="INV/1")
    different = event("order.shipped", id="e-2", order="INV/9")
    path = write(tmp_path, jsonl(registration(), same, same, different))

    code, _, err = run(path)

    assert code == 1
    assert (
        err.splitlines()[0] == "line 4: id 'e-2' already appears on line 2 with different content"
    )
    assert Event.objects.count() == 0


def test_events_of_an_unregistered_shop_are_rejected(tmp_path):
    path = write(
        tmp_path,
        jsonl(
            event("order.shipped", id="e-1", shop="toko-b", order="INV/1"),
            registration("toko-b"),
            event("order.shipped", id="e-2", shop="toko-b", order="INV/2"),
        ),
    )

    code, _, err = run(path)

    assert code == 1
    assert err.splitlines()[0] == (
        "line 1: unknown shop 'toko-b': a shop.registered event must come first"
    )
    assert Shop.objects.count() == 0


def test_later_registration_updates_the_shop_and_an_older_one_does_not(tmp_path):
    run(write(tmp_path, jsonl(registration(at="2025-02-01T00:00:00+07:00"))))
    newer = registration(
        id="reg-2", name="Toko A Baru", tier="power_merchant_pro", at="2025-03-01T00:00:00+07:00"
    )
    older = registration(
        id="reg-3", name="Nama Lama", tier="regular", at="2025-01-15T00:00:00+07:00"
    )

    code, out, _ = run(write(tmp_path, jsonl(newer, older), name="more.jsonl"))

    assert code == 0
    assert out == "stored: 2, already present: 0, shops created: 0, shops updated: 1\n"
    shop = Shop.objects.get(code="toko-a")
    assert (shop.name, shop.tier) == ("Toko A Baru", "power_merchant_pro")


def test_several_files_are_one_batch_and_errors_name_their_file(tmp_path):
    first = write(tmp_path, jsonl(registration()), name="a.jsonl")
    second = write(
        tmp_path,
        jsonl(event("order.shipped", id="e-1", order="INV/1"), event("order.shipped", id="e-2")),
        name="b.jsonl",
    )

    code, _, err = run(first, second)

    assert code == 1
    assert err.splitlines() == [
        f"{second}: line 2: missing field 'order' for order.shipped",
        "1 line is invalid; nothing was stored.",
    ]
    assert Shop.objects.count() == 0


def test_not_utf8_is_a_line_error(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(jsonl(registration()).encode() + b'{"id": "caf\xe9"}\n')

    code, _, err = run(path)

    assert code == 1
    assert err.splitlines()[0] == "line 2: not UTF-8 text (byte 12)"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.jsonl: no such file"):
        call_command("import_events", str(tmp_path / "nope.jsonl"))


def test_progress_bar_is_drawn_on_stderr(tmp_path, capsys):
    path = write(tmp_path, jsonl(*ORDER_EVENTS))

    call_command("import_events", str(path), progress="always", stdout=io.StringIO())

    drawn = capsys.readouterr().err
    assert drawn.startswith("\r[")
    assert drawn.endswith("100.0% 4 lines " + drawn.rsplit(" lines ", 1)[1])
    assert "##############################" in drawn


def test_chunks_see_earlier_chunks_of_the_same_batch():
    """Ids and shops written by an earlier chunk count in later ones."""
    items = [
        (1, registration()),
        (2, event("order.shipped", id="e-1", order="INV/1")),
        (3, event("order.shipped", id="e-1", order="INV/1")),
        (4, event("order.shipped", id="e-1", order="INV/2")),
        (5, Unreadable("not valid JSON: Expecting value at column 1")),
    ]

    result = events_ingest(items=items, chunk_size=1)

    assert [(e.position, e.reason) for e in result.errors] == [
        (4, "id 'e-1' appears earlier in this batch with different content"),
        (5, "not valid JSON: Expecting value at column 1"),
    ]
    assert (result.stored, result.already_present) == (0, 0)
    assert Event.objects.count() == 0


def test_chat_message_default_is_stored(tmp_path):
    chat = event(
        "chat.message",
        id="m-1",
        conversation="c-1",
        message="m-1",
        sender="buyer",
        buyer="b-1",
        text="Kak, barangnya ready?",
    )
    run(write(tmp_path, jsonl(registration(), chat)))

    stored = Event.objects.get(event_id="m-1")
    assert stored.data["auto_reply"] is False
    assert stored.subject == "c-1"
    assert stored.data["text"] == "Kak, barangnya ready?"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"id": "e-1", "amount": 125000, "ok": true, "no": null}\n',
        b'{"amount": 18446744073709551615}\n',
        b'{"amount": 18446744073709551616}\n',  # beyond 64 bits: orjson would give a float
        b'{"amount": -9223372036854775809}\n',
        b'{"order": [18446744073709551616]}\n',
        b'{"amount": ' + b"9" * 5000 + b"}\n",  # beyond the int-string limit: json raises
        b'{"order": [' + b"9" * 5000 + b"]}\n",
        b'{"amount": 1.0, "b": 1e400, "c": -0.0}\n',
        b'{"amount": NaN}\n',
        b'{"a": Infinity}\n',
        b'{"text": "\\ud800 lone surrogate"}\n',
        b'{"text": "\\ud83d\\ude00 pair \\u00e9 \xc3\xa9"}\n',
        b'{"a": 1, "a": 2}\n',
        b'\xef\xbb\xbf{"a": 1}\n',
        b'{"a": "\xff"}\n',
        b'{"a": "\t raw tab"}\n',
        b'{"a": 1} {"b": 2}\n',
        b'{"a": 1}\r\n',
        b"[1, 2]\n",
        b'"just a string"\n',
        b"{'a': 1}\n",
        b'{"a": 1,}\n',
        b"{\n",
    ],
)
def test_lines_decode_as_the_json_module_decodes_them(raw):
    expected = _decode_with_json(raw)

    decoded = _decode(raw)

    assert type(decoded) is type(expected)
    assert repr(decoded) == repr(expected)


def test_awkward_strings_are_stored_exactly_and_reimport_is_a_no_op(tmp_path):
    awkward = 'tab\there, newline\nthere, back\\slash, "quote", \\N, é, 日本, 😀, \r end'
    events = [
        registration(),
        event("order.shipped", id=f"e-{awkward[:80]}", order=f"INV/{awkward[:80]}"),
        event(
            "chat.message",
            id="m-1",
            conversation="c\\1",
            message="m-1",
            sender="seller",
            buyer="b-1",
            text=awkward,
        ),
        event("product.violation", id="v-1", violation="light"),
    ]
    path = write(tmp_path, jsonl(*events))

    assert run(path)[0] == 0
    stored = {e.event_id: e for e in Event.objects.all()}
    shipped = stored[f"e-{awkward[:80]}"]
    assert shipped.subject == f"INV/{awkward[:80]}"
    assert stored["m-1"].subject == "c\\1"
    assert stored["m-1"].data["text"] == awkward
    assert stored["v-1"].subject is None
    assert stored["v-1"].data == {"violation": "light"}
    for raw in events:
        normalized, _ = validate_event(raw)
        assert stored[raw["id"]].digest == normalized.digest

    code, out, _ = run(path)
    assert code == 0
    assert out.strip() == "stored: 0, already present: 4, shops created: 0, shops updated: 0"
