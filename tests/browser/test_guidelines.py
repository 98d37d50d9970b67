"""Cek Pesan: a seller checks drafts before sending them, without a page reload."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from seller_portal.models import Membership, Shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seller():
    shop = Shop.objects.create(
        code="toko-a", name="Toko A", tier="regular", registered_at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    user = User.objects.create_user("pemilik", password="pw-12345-test")
    Membership.objects.create(user=user, shop=shop, role="owner")


def test_seller_checks_a_draft_with_a_whatsapp_number_then_a_clean_one(
    page: Page, live_server, seller
):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Nama pengguna").fill("pemilik")
    page.get_by_label("Kata sandi").fill("pw-12345-test")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Pedoman Chat").click()
    page.evaluate("window.stillHere = true")  # survives only if the page is not reloaded

    page.get_by_label("Tulis atau tempel pesan sebelum dikirim").fill(
        "Kak, biar cepat chat WA saya aja di 0812 3456 7890 ya"
    )
    page.get_by_role("button", name="Cek pesan").click()

    flag = page.locator("#check-result .flag")
    expect(flag).to_have_count(1)
    expect(flag).to_contain_text("Kontak di luar platform")
    expect(flag).to_contain_text("Pedoman §4.2.2")
    expect(flag.locator("mark")).to_have_text("0812 3456 7890")

    page.get_by_label("Tulis atau tempel pesan sebelum dikirim").fill(
        "Pesanan INV/20250407/MPL/1234567890 sudah dikirim, resi JP1234567890, total Rp125.000"
    )
    page.get_by_role("button", name="Cek pesan").click()

    expect(page.locator("#check-result")).to_have_text(
        "Tidak ada yang melanggar pedoman dalam pesan ini."
    )
    assert page.evaluate("window.stillHere") is True
