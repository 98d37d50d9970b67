"""The seller's customer-service page and holiday-mode page."""

import json
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from performance.models import HolidayModeChange, HolidayPeriod
from performance.services.ingest import events_ingest
from performance.services.recalculation import results_recalculate
from tests.helpers import event

pytestmark = pytest.mark.django_db

TODAY = date(2025, 5, 19)  # Monday: the week of 12 May (Waisak) was evaluated today
NOW = datetime(2025, 5, 19, 3, 0, tzinfo=UTC)  # 10:00 WIB


def chat(n, at, sender, conversation="c1", auto=False):
    return event(
        "chat.message",
        id=f"m{n}",
        at=at,
        conversation=conversation,
        message=f"m{n}",
        sender=sender,
        buyer="b1",
        text="Halo kak",
        auto_reply=auto,
    )


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr("seller_portal.clock.today", lambda: TODAY)
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def shop_with_chats(make_shop, clock):
    """Week of 12 May 2025: Monday is Waisak and Tuesday cuti bersama (days off).

    - c1: Monday 12 May 09:00, answered 09:30 → excluded (holiday)
    - c2: Wednesday 14 May 09:00, answered by an auto-reply 09:00:20 → on time
    - c3: Thursday 15 May 10:00, answered Friday 10:00 exactly → on time (24 h)
    - c4: Friday 16 May 08:00, two buyer messages, answered Saturday 09:00 → late
    2 of 3 on time = 66.7% → fail.
    """
    shop = make_shop()
    events = [
        chat(1, "2025-05-12T09:00:00+07:00", "buyer", "c1"),
        chat(2, "2025-05-12T09:30:00+07:00", "seller", "c1"),
        chat(3, "2025-05-14T09:00:00+07:00", "buyer", "c2"),
        chat(4, "2025-05-14T09:00:20+07:00", "seller", "c2", auto=True),
        chat(5, "2025-05-15T10:00:00+07:00", "buyer", "c3"),
        chat(6, "2025-05-16T10:00:00+07:00", "seller", "c3"),
        chat(7, "2025-05-16T08:00:00+07:00", "buyer", "c4"),
        chat(8, "2025-05-16T08:05:00+07:00", "buyer", "c4"),
        chat(9, "2025-05-17T09:00:00+07:00", "seller", "c4"),
    ]
    assert events_ingest(items=enumerate(events)).ok
    results_recalculate(as_of=TODAY)
    return shop


@pytest.fixture
def owner(client, shop_with_chats, make_user):
    client.force_login(make_user("pemilik", shop=shop_with_chats, role="owner"))
    return shop_with_chats


def test_cs_page_shows_the_week_days_turns_and_result(client, owner):
    html = client.get("/toko/toko-a/layanan-pelanggan/").content.decode()

    assert "Minggu 12/05/2025 – 18/05/2025" in html
    assert "Hasil: Tidak lulus — 2 dari 3 giliran chat dibalas tepat waktu." in html
    assert "Hari Raya Waisak" in html
    assert "Cuti Bersama Hari Raya Waisak" in html
    days = html[
        html.index('<ul class="week-days">') : html.index(
            "</ul>", html.index('<ul class="week-days">')
        )
    ]
    assert days.count("Akhir pekan") == 2
    turns = html[html.index('<table class="turns">') :]
    assert turns.index(">c1<") < turns.index(">c2<") < turns.index(">c3<") < turns.index(">c4")
    assert "Dikecualikan: bukan hari kerja" in turns
    assert turns.count("Tepat waktu") == 2
    assert turns.count("Terlambat") == 1
    assert "(balasan otomatis)" in turns
    assert "24 j 0 m" in turns
    assert "2 pesan" in turns


def test_cs_page_chart_has_the_rate_and_the_target(client, owner):
    html = client.get("/toko/toko-a/layanan-pelanggan/").content.decode()
    marker = '<script id="cs-weeks-data" type="application/json">'
    start = html.index(marker) + len(marker)
    figure = json.loads(html[start : html.index("</script>", start)])

    bars, target = figure["data"]
    assert bars["x"][-1] == "2025-05-12"
    assert bars["y"][-1] == 66.7
    assert target["y"] == [90, 90]


def test_cs_page_in_english_names_the_holiday_in_english(client, owner):
    client.cookies["django_language"] = "en"
    html = client.get("/toko/toko-a/layanan-pelanggan/").content.decode()

    assert "Vesak Day" in html
    assert "Excluded: not a working day" in html


def test_holiday_page_for_an_owner_with_open_work_asks_to_confirm(client, owner):
    assert events_ingest(
        items=enumerate(
            [
                event(
                    "order.verified",
                    id="v1",
                    at="2025-05-18T20:00:00+07:00",
                    order="INV/9",
                    amount=50000,
                    buyer="b9",
                ),
                chat(10, "2025-05-18T21:00:00+07:00", "buyer", "c9"),
            ]
        )
    ).ok

    response = client.post("/toko/toko-a/mode-libur/", {"action": "on"})

    html = response.content.decode()
    assert "Sebelum toko ditutup, masih ada yang menunggu:" in html
    assert "1 chat pembeli belum dibalas:" in html
    assert "INV/9" in html
    assert HolidayPeriod.objects.count() == 0

    confirmed = client.post("/toko/toko-a/mode-libur/", {"action": "on", "confirm": "1"})

    assert confirmed.status_code == 302
    period = HolidayPeriod.objects.get()
    assert (period.starts_at, period.ends_at, period.source) == (NOW, None, "portal")
    page = client.get("/toko/toko-a/").content.decode()
    assert "Tutup · Mode Libur aktif" in page


def test_owner_switches_off_and_the_history_says_who(client, owner):
    client.post("/toko/toko-a/mode-libur/", {"action": "on", "confirm": "1"})
    client.post("/toko/toko-a/mode-libur/", {"action": "off"})

    html = client.get("/toko/toko-a/mode-libur/").content.decode()
    assert "Toko buka: mode libur tidak aktif." in html
    actions = list(
        HolidayModeChange.objects.order_by("id").values_list("action", "changed_by__username")
    )
    assert actions == [("switch_on", "pemilik"), ("switch_off", "pemilik")]
    assert "Tutup · Mode Libur aktif" not in html


def test_owner_schedules_and_cancels_a_period(client, owner):
    response = client.post(
        "/toko/toko-a/mode-libur/",
        {"action": "on", "starts_at": "2025-06-01T00:00", "ends_at": "2025-06-03T00:00"},
    )
    assert response.status_code == 302
    period = HolidayPeriod.objects.get()
    assert period.starts_at == datetime(2025, 5, 31, 17, 0, tzinfo=UTC)  # 1 June 00:00 WIB

    client.post("/toko/toko-a/mode-libur/", {"action": "cancel", "period": period.pk})

    assert HolidayPeriod.objects.count() == 0
    assert list(HolidayModeChange.objects.order_by("id").values_list("action", flat=True)) == [
        "schedule",
        "cancel",
    ]


def test_a_refused_schedule_says_why_and_changes_nothing(client, owner):
    response = client.post(
        "/toko/toko-a/mode-libur/",
        {"action": "on", "starts_at": "2025-06-03T00:00", "ends_at": "2025-06-01T00:00"},
    )

    assert response.status_code == 400
    assert "Waktu selesai harus setelah waktu mulai." in response.content.decode()
    assert HolidayPeriod.objects.count() == 0
    assert HolidayModeChange.objects.count() == 0


def test_an_agent_sees_holiday_mode_but_cannot_change_it(client, shop_with_chats, make_user):
    client.force_login(make_user("agen", shop=shop_with_chats, role="agent"))

    page = client.get("/toko/toko-a/mode-libur/").content.decode()
    refused = client.post("/toko/toko-a/mode-libur/", {"action": "on", "confirm": "1"})

    assert "Hanya pemilik toko yang dapat mengubah mode libur." in page
    assert "Aktifkan mode libur" not in page
    assert refused.status_code == 403
    assert HolidayPeriod.objects.count() == 0


@pytest.mark.parametrize(("name", "budget"), [("cs", 14), ("holiday", 8)])
def test_cs_and_holiday_pages_have_a_fixed_query_budget(
    client, owner, django_assert_num_queries, name, budget
):
    url = reverse(f"portal:{name}", args=["toko-a"])
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200
    more = [chat(100 + n, f"2025-05-14T1{n % 10}:00:00+07:00", "buyer", f"x{n}") for n in range(20)]
    assert events_ingest(items=enumerate(more)).ok
    # Followed, so their messages are shown and gone: messages live in the session, and the
    # page that shows one also saves the session (3 queries more, once).
    client.post("/toko/toko-a/mode-libur/", {"action": "on", "confirm": "1"}, follow=True)
    client.post("/toko/toko-a/mode-libur/", {"action": "off"}, follow=True)
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200
