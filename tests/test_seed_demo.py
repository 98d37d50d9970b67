import json
from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from performance.event_types import EVENT_TYPES, parse_time, validate_event
from performance.models import Event
from seller_portal.demo import demo_events, demo_period, demo_shops
from seller_portal.models import Membership, Shop

TODAY = date(2026, 11, 23)  # a Monday


@pytest.fixture(scope="module")
def feed():
    return list(demo_events(TODAY))


def seed(*args, **kwargs):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, **kwargs)
    return out.getvalue()


def test_feed_is_deterministic_and_follows_the_contract(feed):
    assert list(demo_events(TODAY)) == feed
    assert list(demo_events(TODAY, seed=7)) != feed
    for event in feed:
        assert validate_event(event)[1] == []
    assert len({e["id"] for e in feed}) == len(feed)


def test_feed_covers_every_event_type_for_24_shops_over_12_weeks(feed):
    assert set(Counter(e["type"] for e in feed)) == set(EVENT_TYPES)
    assert len({e["shop"] for e in feed}) == 24
    start, end = demo_period(TODAY, 12)
    assert start == datetime.fromisoformat("2026-08-31T00:00+07:00")
    assert end == datetime.fromisoformat("2026-11-23T00:00+07:00")
    activity = [parse_time(e["at"]) for e in feed if e["type"] != "shop.registered"]
    assert min(activity) >= start
    assert max(activity) < end
    # Established shops have events in every one of the 12 weeks.
    weeks = {(parse_time(e["at"]) - start).days // 7 for e in feed if e["shop"] == "kopi-nusantara"}
    assert weeks >= set(range(12))


def turns(feed):
    """(shop, first buyer message time, answer time or None) for each buyer turn."""
    by_conversation = {}
    for e in feed:
        if e["type"] == "chat.message":
            by_conversation.setdefault(e["conversation"], []).append(e)
    result = []
    for messages in by_conversation.values():
        start = None
        for m in messages:
            if m["sender"] == "buyer" and start is None:
                start = m
            elif m["sender"] == "seller" and start is not None:
                result.append((start, parse_time(m["at"]) - parse_time(start["at"]), m))
                start = None
        if start is not None:
            result.append((start, None, None))
    return result


def test_chats_include_the_cases_the_evaluation_must_handle(feed):
    all_turns = turns(feed)
    delays = [delay for _, delay, _ in all_turns if delay is not None]
    assert any(delay == timedelta(hours=24) for delay in delays)  # the boundary: on time
    assert any(delay > timedelta(hours=24) for delay in delays)
    assert any(delay is None for _, delay, _ in all_turns)  # never answered
    assert any(reply["auto_reply"] for _, _, reply in all_turns if reply)
    texts = {e["text"] for e in feed if e["type"] == "chat.message"}
    assert "Kak, pesanan saya kok belum dikirim ya?" in texts
    assert "Dasar toko penipu! Balas sekarang atau saya sebarkan ke semua grup!" in texts
    assert "Hubungi WA kami di 0812-3456-7890 untuk pesanan grosir" in texts
    # Weekend conversations exist too: the evaluation must leave them out, not never see them.
    assert any(parse_time(e["at"]).astimezone().weekday() >= 5 for e in feed)


def test_holiday_mode_comes_in_on_off_pairs(feed):
    switches = [e for e in feed if e["type"] == "shop.holiday_mode"]
    by_shop = {}
    for e in switches:
        by_shop.setdefault(e["shop"], []).append(e["enabled"])
    assert by_shop == {
        "sepatu-lokal-id": [True, False, True, False],
        "perabot-jati": [True, False, True, False],
        "kerajinan-bali": [True, False, True, False],
    }


def test_struggling_shops_have_a_week_of_mass_cancellations(feed):
    cancellations = Counter(
        (e["shop"], (parse_time(e["at"]) - demo_period(TODAY, 12)[0]).days // 7)
        for e in feed
        if e["type"] == "order.cancelled_in_verification"
    )
    worst = {shop: n for (shop, _), n in cancellations.items() if n >= 5}
    assert set(worst) == {"elektronik-jaya", "herbal-sehat", "alat-pancing", "aksesoris-hp"}


def test_more_shops_than_named_ones_get_numbered_branches():
    codes = [code for code, *_ in demo_shops(26)]
    assert codes[23:] == ["keramik-plered", "toko-batik-sari-2", "kopi-nusantara-2"]


@pytest.mark.django_db
def test_seed_demo_loads_events_and_accounts_once(settings):
    settings.DEBUG = True
    out = seed("--today", "2026-11-23", "--shops", "3", "--weeks", "2")
    expected = list(demo_events(TODAY, shops=3, weeks=2))
    assert f"events stored: {len(expected)}, already present: 0, shops created: 3" in out
    assert "accounts created: 10" in out  # demo, 3 owners, 3 agents, support, reviewer, admin
    assert Event.objects.count() == len(expected)
    assert list(Shop.objects.values_list("code", flat=True)) == [
        "elektronik-jaya",
        "kopi-nusantara",
        "toko-batik-sari",
    ]
    demo = User.objects.get(username="demo")
    assert demo.check_password("demo12345")
    assert sorted(Membership.objects.filter(user=demo).values_list("shop__code", "role")) == [
        ("elektronik-jaya", "agent"),
        ("kopi-nusantara", "owner"),
        ("toko-batik-sari", "owner"),
    ]
    assert Membership.objects.get(user__username="agen.kopi-nusantara").role == "agent"
    assert list(User.objects.get(username="support").groups.values_list("name", flat=True)) == [
        "support"
    ]
    assert User.objects.get(username="reviewer").is_staff
    assert User.objects.get(username="admin").is_superuser

    again = seed("--today", "2026-11-23", "--shops", "3", "--weeks", "2")
    assert f"events stored: 0, already present: {len(expected)}, shops created: 0" in again
    assert "accounts created: 0" in again
    assert Event.objects.count() == len(expected)


@pytest.mark.django_db
def test_seed_demo_keeps_demo_data_of_another_day(settings):
    settings.DEBUG = True
    seed("--today", "2026-11-23", "--shops", "1", "--weeks", "1")
    count = Event.objects.count()
    out = seed("--today", "2026-11-30", "--shops", "1", "--weeks", "1")
    assert "Demo data anchored at another date is already loaded" in out
    assert "(its first event is at 2026-10-02 00:00 WIB)" in out
    assert Event.objects.count() == count


@pytest.mark.django_db
def test_seed_demo_refuses_published_passwords_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="run it with DJANGO_DEBUG=true"):
        seed("--shops", "1", "--weeks", "1")
    assert Event.objects.count() == 0
    assert User.objects.count() == 0
    seed("--today", "2026-11-23", "--shops", "1", "--weeks", "1", "--allow-demo-accounts")
    assert User.objects.filter(username="demo").exists()


@pytest.mark.django_db
def test_seed_demo_writes_json_lines_that_import_events_accepts(tmp_path):
    path = tmp_path / "demo.jsonl"
    out = seed("--today", "2026-11-23", "--shops", "2", "--weeks", "1", "--write-jsonl", path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert out == f"wrote {len(lines)} events to {path}\n"
    assert [json.loads(line) for line in lines] == list(demo_events(TODAY, shops=2, weeks=1))
    assert Event.objects.count() == 0
    imported = StringIO()
    call_command("import_events", str(path), "--progress", "never", stdout=imported)
    assert f"stored: {len(lines)}, already present: 0" in imported.getvalue()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--today", "23-11-2026"], "expected a date as YYYY-MM-DD, got '23-11-2026'"),
        (["--today", "20261123"], "expected a date as YYYY-MM-DD, got '20261123'"),
        (["--shops", "0"], "--shops must be between 1 and 1000, got 0"),
        (["--weeks", "200"], "--weeks must be between 1 and 104, got 200"),
    ],
)
@pytest.mark.django_db
def test_seed_demo_rejects_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args)
    assert Event.objects.count() == 0
