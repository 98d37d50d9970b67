"""A demo seller follows their score: dashboard → penalty history → how it was computed."""

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = "2026-11-23"


@pytest.fixture
def demo(settings, monkeypatch):
    settings.DEBUG = True
    settings.JOBS_IN_PROCESS = True
    call_command("seed_demo", "--today", TODAY, "--shops", "3", "--weeks", "4", stdout=StringIO())
    call_command("recalculate", "--as-of", TODAY, stdout=StringIO())
    settings.DEBUG = False
    monkeypatch.setattr("seller_portal.clock.today", lambda: date.fromisoformat(TODAY))


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Nama pengguna").fill("demo")
    page.get_by_label("Kata sandi").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()


def test_dashboard_to_penalty_history_to_calculation_detail(page: Page, live_server, demo):
    log_in(page, live_server.url)
    page.get_by_role("link", name="Elektronik Jaya Abadi").click()

    expect(page.get_by_role("heading", name="Skor performa toko")).to_be_visible()
    score = page.get_by_test_id("score")
    expect(score).to_have_text(re.compile(r"^\d{1,3},\d$"))
    # The plotly chart is drawn by plotly.js from the embedded figure (no inline script).
    expect(page.locator(".chart .main-svg").first).to_be_visible()
    expect(page.locator(".chart .scatterlayer .trace")).to_have_count(2)

    page.get_by_role("link", name="Riwayat penalti →").click()
    expect(page.get_by_role("heading", name="Riwayat penalti")).to_be_visible()
    rows = page.locator("table.penalties tbody tr")
    expect(rows.first).to_be_visible()
    page.get_by_label("Status").select_option("expired")
    page.get_by_role("button", name="Terapkan").click()
    for status in page.locator("table.penalties tbody .pill").all_inner_texts():
        assert status == "Kedaluwarsa"

    page.get_by_role("link", name="Dashboard").click()
    dashboard_score = page.get_by_test_id("score").inner_text()
    page.get_by_role("link", name="Lihat detail perhitungan →").click()
    expect(page.get_by_role("heading", name="Detail perhitungan")).to_be_visible()
    expect(page.get_by_test_id("detail-score")).to_have_text(dashboard_score)
    expect(page.get_by_role("row", name="Chat dibalas dalam 24 jam")).to_be_visible()
    expect(page.get_by_role("heading", name="Pengurangan penalti")).to_be_visible()
