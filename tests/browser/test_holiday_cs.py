"""Holiday mode and the customer-service page in the browser, for demo sellers."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from performance.rules.calendar import last_monday
from performance.services.ingest import events_ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    """Three demo shops up to today, plus an order still waiting and a Saturday chat last week."""
    settings.DEBUG = True
    settings.JOBS_IN_PROCESS = True
    call_command("seed_demo", "--shops", "3", "--weeks", "2", stdout=StringIO())
    settings.DEBUG = False
    now = timezone.localtime()
    saturday = last_monday(now.date()) - timedelta(days=2)
    extra = [
        {
            "id": "waiting-order",
            "type": "order.verified",
            "shop": "toko-batik-sari",
            "at": (now - timedelta(hours=1)).isoformat(),
            "order": "INV/WAITING/1",
            "amount": 150000,
            "buyer": "byr-browser",
        },
        {
            "id": "saturday-chat",
            "type": "chat.message",
            "shop": "toko-batik-sari",
            "at": f"{saturday.isoformat()}T10:00:00+07:00",
            "conversation": "cv-saturday",
            "message": "m-saturday",
            "sender": "buyer",
            "buyer": "byr-browser",
            "text": "Kak, bisa kirim hari Senin?",
        },
    ]
    assert events_ingest(items=enumerate(extra)).ok
    call_command("recalculate", stdout=StringIO())


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Nama pengguna").fill("demo")
    page.get_by_label("Kata sandi").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()


def test_owner_switches_holiday_mode_on_after_the_warning(page: Page, live_server, demo):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/toko/toko-batik-sari/mode-libur/")
    expect(page.get_by_test_id("holiday-state")).to_have_text("Toko buka: mode libur tidak aktif.")

    page.get_by_role("button", name="Aktifkan mode libur").click()

    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("Sebelum toko ditutup, masih ada yang menunggu:")
    expect(warning).to_contain_text("INV/WAITING/1")
    page.get_by_role("button", name="Tetap aktifkan mode libur").click()

    expect(page.get_by_test_id("holiday-state")).to_contain_text("Toko tutup: mode libur aktif")
    expect(page.get_by_role("link", name="Tutup · Mode Libur aktif")).to_be_visible()
    expect(page.locator(".holiday-history tbody tr").first).to_contain_text("Diaktifkan")
    expect(page.locator(".holiday-history tbody tr").first).to_contain_text("Sari Demo")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("link", name="Tutup · Mode Libur aktif")).to_be_visible()

    page.get_by_role("link", name="Mode Libur", exact=True).click()
    page.get_by_role("button", name="Matikan mode libur").click()
    expect(page.get_by_test_id("holiday-state")).to_have_text("Toko buka: mode libur tidak aktif.")


def test_agent_sees_holiday_mode_but_cannot_switch_it(page: Page, live_server, demo):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/toko/elektronik-jaya/mode-libur/")

    expect(page.get_by_text("Hanya pemilik toko yang dapat mengubah mode libur.")).to_be_visible()
    expect(page.get_by_role("button", name="Aktifkan mode libur")).to_have_count(0)


def test_cs_page_lists_turns_with_their_reasons(page: Page, live_server, demo):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/toko/toko-batik-sari/layanan-pelanggan/")

    expect(page.get_by_role("heading", name="12 minggu terakhir")).to_be_visible()
    expect(page.locator(".chart .main-svg").first).to_be_visible()
    saturday_turn = page.locator("table.turns tr", has_text="cv-saturday")
    expect(saturday_turn).to_contain_text("Dikecualikan: bukan hari kerja")
    expect(page.locator(".week-days li").nth(5)).to_contain_text("Akhir pekan")
    expect(page.locator("table.turns .pill-on_time").first).to_have_text("Tepat waktu")
