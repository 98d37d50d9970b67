"""A demo seller logs in, sees the shell in Indonesian, switches to English and logs out."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seller(settings):
    """The demo seller of the README: `demo`, owner of Batik Sari Pekalongan."""
    settings.DEBUG = True  # seed_demo creates its published-password accounts only then
    call_command(
        "seed_demo", "--today", "2026-11-23", "--shops", "3", "--weeks", "1", stdout=StringIO()
    )
    settings.DEBUG = False


def test_seller_logs_in_switches_language_and_logs_out(page: Page, live_server, seller):
    page.goto(f"{live_server.url}/toko/toko-batik-sari/")

    # Not logged in: the login page, in Indonesian.
    expect(page).to_have_url(f"{live_server.url}/login/?next=/toko/toko-batik-sari/")
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    page.get_by_label("Nama pengguna").fill("demo")
    page.get_by_label("Kata sandi").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()

    expect(page).to_have_url(f"{live_server.url}/toko/toko-batik-sari/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    nav = page.get_by_role("navigation", name="Menu toko")
    expect(nav.get_by_role("link")).to_have_text(
        [
            "Dashboard",
            "Penalti",
            "Layanan Pelanggan",
            "Mode Libur",
            "Pedoman Chat",
            "Tiket",
            "Banding",
            "Anggota",
        ]
    )
    expect(page.get_by_text("Batik Sari Pekalongan", exact=True)).to_be_visible()
    expect(page.get_by_text("Peran Anda: Pemilik")).to_be_visible()

    # The switcher submits itself on change (portal.js); no inline script is needed.
    page.get_by_label("Bahasa").select_option("en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Shop menu").get_by_role("link")).to_have_text(
        [
            "Dashboard",
            "Penalties",
            "Customer Service",
            "Holiday Mode",
            "Chat Guideline",
            "Tickets",
            "Appeals",
            "Members",
        ]
    )
    expect(page.get_by_text("Your role: Owner")).to_be_visible()

    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto(f"{live_server.url}/toko/toko-batik-sari/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/toko/toko-batik-sari/")


def test_shell_fits_a_phone(page: Page, live_server, seller):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Nama pengguna").fill("demo")
    page.get_by_label("Kata sandi").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()

    # `demo` belongs to three shops: the portal asks which one.
    expect(page.get_by_role("heading", name="Pilih toko")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    page.get_by_role("link", name="Batik Sari Pekalongan").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # Nothing wider than the screen: the menu scrolls inside itself instead.
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    page.get_by_role("link", name="Banding").click()
    expect(page.get_by_role("heading", name="Banding", exact=True)).to_be_visible()


def test_refusal_pages_speak_sentences_and_fit_a_phone(page: Page, live_server, seller):
    """The answers hostile input gets (issue 14) are pages a seller can read on a phone: a
    week the portal has no data for, and a link with a character it cannot process."""
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Nama pengguna").fill("pemilik.toko-batik-sari")
    page.get_by_label("Kata sandi").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    answer = page.goto(
        f"{live_server.url}/toko/toko-batik-sari/layanan-pelanggan/?minggu=1999-12-20"
    )
    assert answer.status == 404
    expect(
        page.get_by_text("Tidak ada data layanan pelanggan untuk minggu 20/12/1999")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 360

    answer = page.goto(f"{live_server.url}/toko/toko-batik-sari/layanan-pelanggan/?percakapan=%00")
    assert answer.status == 400
    expect(page.get_by_role("heading", name="Permintaan tidak dapat diproses")).to_be_visible()
    expect(page.get_by_role("link", name="Kembali ke beranda")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 360
