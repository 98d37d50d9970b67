"""An owner runs the shop's team on a phone: makes an agent owner, removes another agent."""

import pytest
from playwright.sync_api import Page, expect

from seller_portal.models import Membership, MembershipChange
from tests.helpers import PASSWORD, create_shop, create_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team():
    shop = create_shop("toko-a", "Toko A")
    create_user("pemilik", shop=shop, role="owner", first_name="Sari")
    create_user("agen-1", shop=shop, role="agent", first_name="Budi")
    create_user("agen-2", shop=shop, role="agent", first_name="Dewi")
    return shop


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") == 390


def test_owner_changes_a_role_and_removes_an_agent_on_a_phone(page: Page, live_server, team):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Nama pengguna").fill("pemilik")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("navigation", name="Menu toko").get_by_role("link", name="Anggota").click()
    expect(page.get_by_role("heading", name="Anggota toko")).to_be_visible()
    expect(page.get_by_role("heading", name="3 anggota")).to_be_visible()
    fits(page)

    budi = page.get_by_test_id("member-agen-1")
    expect(budi).to_contain_text("Agen")
    budi.get_by_label("Peran agen-1").select_option("owner")
    budi.get_by_role("button", name="Ubah peran").click()
    expect(page.get_by_text("Peran Budi sekarang Pemilik.")).to_be_visible()
    expect(page.get_by_test_id("member-agen-1")).to_contain_text("Pemilik")
    expect(page.locator(".member-history tbody tr").first).to_contain_text(
        "Peran diubah: Agen → Pemilik"
    )
    fits(page)

    page.get_by_test_id("member-agen-2").get_by_role("button", name="Hapus dari toko").click()
    expect(page.get_by_test_id("remove-confirm")).to_contain_text("Hapus Dewi dari toko?")
    fits(page)
    page.get_by_role("button", name="Ya, hapus dari toko").click()
    expect(page.get_by_text("Dewi dihapus dari toko.")).to_be_visible()
    expect(page.get_by_role("heading", name="2 anggota")).to_be_visible()
    expect(page.get_by_test_id("member-agen-2")).to_have_count(0)
    fits(page)

    assert sorted(Membership.objects.values_list("user__username", "role")) == [
        ("agen-1", "owner"),
        ("pemilik", "owner"),
    ]
    assert list(
        MembershipChange.objects.order_by("id").values_list("username", "action", "by_username")
    ) == [("agen-1", "role_changed", "pemilik"), ("agen-2", "removed", "pemilik")]
