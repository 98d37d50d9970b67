"""Appeals and tickets end to end: the seller or support files, a reviewer decides in admin,
and the seller sees the effect on the score or the customer-service week."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from performance.services.ingest import events_ingest
from performance.services.recalculation import results_recalculate
from seller_portal.models import Membership, Shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = date(2025, 4, 21)  # Monday
NOW = datetime(2025, 4, 21, 3, 0, tzinfo=UTC)  # 10:00 WIB
PASSWORD = "pw-12345-test"


def ev(n, type_, at, **fields):
    return {"id": f"e{n}", "type": type_, "shop": "toko-a", "at": at, **fields}


def chat(n, at, sender, conversation):
    return ev(
        n,
        "chat.message",
        at,
        conversation=conversation,
        message=f"m{n}",
        sender=sender,
        buyer="byr-kasar" if conversation == "c2" else "byr-baik",
        text="Balas sekarang atau saya laporkan!" if sender == "buyer" else "Baik kak",
    )


@pytest.fixture
def world(settings, monkeypatch, tmp_path):
    settings.JOBS_IN_PROCESS = True
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("seller_portal.clock.today", lambda: TODAY)
    monkeypatch.setattr("seller_portal.clock.now", lambda: NOW)
    shop = Shop.objects.create(
        code="toko-a",
        name="Toko A",
        tier="power_merchant",
        registered_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    events = [
        ev(
            1,
            "order.verified",
            "2025-04-08T09:00:00+07:00",
            order="INV/1",
            amount=90000,
            buyer="b1",
        ),
        ev(2, "order.shipped", "2025-04-08T15:00:00+07:00", order="INV/1"),
        ev(3, "order.completed", "2025-04-10T09:00:00+07:00", order="INV/1"),
        ev(
            4,
            "order.verified",
            "2025-04-08T10:00:00+07:00",
            order="INV/2",
            amount=50000,
            buyer="b2",
        ),
        ev(5, "order.ignored", "2025-04-09T10:00:00+07:00", order="INV/2"),
        # Week of 14 April: c1 answered in 10 minutes, c2 (an abusive buyer) after 26 hours.
        chat(10, "2025-04-15T10:00:00+07:00", "buyer", "c1"),
        chat(11, "2025-04-15T10:10:00+07:00", "seller", "c1"),
        chat(12, "2025-04-16T10:00:00+07:00", "buyer", "c2"),
        chat(13, "2025-04-17T12:00:00+07:00", "seller", "c2"),
    ]
    assert events_ingest(items=enumerate(events)).ok
    results_recalculate(as_of=TODAY)
    owner = User.objects.create_user("pemilik", password=PASSWORD, first_name="Pemilik")
    Membership.objects.create(user=owner, shop=shop, role="owner")
    for name in ("reviewer", "support"):
        staff = User.objects.create_user(name, password=PASSWORD, is_staff=True)
        staff.groups.add(Group.objects.get(name=name))
    return shop


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def admin_decide(page: Page, base: str, model: str, decision: str, note: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/appeals/{model}/")
    page.locator("#id_username").fill("reviewer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.locator("#result_list tbody tr th a").first.click()
    page.get_by_role("link", name="Putuskan").click()
    page.get_by_label(decision).check()
    page.locator("#id_note").fill(note)
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.locator(".messagelist")).to_be_visible()


def test_seller_appeal_accepted_in_admin_voids_the_penalty_and_raises_the_score(
    page: Page, live_server, world
):
    base = live_server.url
    log_in(page, base, "pemilik")
    before = float(page.get_by_test_id("score").inner_text().replace(",", "."))
    page.get_by_role("link", name="Penalti", exact=True).click()
    page.get_by_role("link", name="Ajukan banding").click()
    expect(page.get_by_test_id("allowance")).to_have_text(
        "Ini banding ke-1; sisa 2 banding. Ajukan paling lambat 09/05/2025."
    )
    page.get_by_label("Kesalahan penilaian platform: kesalahan sistem").check()
    page.get_by_label("Penjelasan").fill("Pesanan tidak muncul di aplikasi karena gangguan sistem.")
    page.get_by_label("Nomor pesanan terkait").fill("INV/2")
    page.get_by_role("button", name="Kirim banding").click()
    expect(page.get_by_test_id("appeal-state")).to_have_text("Diajukan")

    admin_decide(
        page,
        base,
        "appeal",
        "Terima: penalti atau catatan dibatalkan (alasan wajib)",
        "Gangguan sistem terkonfirmasi.",
    )

    log_in(page, base, "pemilik")
    after = float(page.get_by_test_id("score").inner_text().replace(",", "."))
    assert after > before
    expect(page.get_by_text("Tidak ada penalti yang sedang memotong skor.")).to_be_visible()
    page.get_by_role("link", name="Penalti", exact=True).click()
    expect(page.locator("table.penalties tbody .pill")).to_have_text(["Dibatalkan"])
    page.goto(f"{base}/pemberitahuan/")
    expect(page.locator(".notices")).to_contain_text("diterima: Gangguan sistem terkonfirmasi.")


def test_support_ticket_verified_in_admin_changes_the_week(page: Page, live_server, world):
    base = live_server.url
    log_in(page, base, "support")
    page.get_by_role("link", name="Ajukan tiket untuk toko").click()
    page.get_by_label("Toko").select_option("toko-a")
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_label("Percakapan").select_option("c2")
    page.get_by_label("m12").check()
    page.get_by_label("Komunikasi cabul, mengancam atau kasar").check()
    page.get_by_label("Keterangan").fill("Pembeli mengancam akan melaporkan toko.")
    page.get_by_role("button", name="Kirim tiket").click()
    expect(page.get_by_text("Tiket #1 diajukan.")).to_be_visible()

    admin_decide(
        page,
        base,
        "abuseticket",
        "Verifikasi: pesan yang dilaporkan tidak dinilai",
        "Ancaman terbukti.",
    )

    log_in(page, base, "pemilik")
    page.goto(f"{base}/toko/toko-a/layanan-pelanggan/?minggu=2025-04-14")
    expect(
        page.get_by_text("Hasil: Lulus — 1 dari 1 giliran chat dibalas tepat waktu.")
    ).to_be_visible()
    expect(page.get_by_text("Hasil sebelumnya: Tidak lulus — 1 dari 2")).to_be_visible()
    row = page.locator("table.turns tr", has_text="c2")
    expect(row).to_contain_text("Dikecualikan: tiket pembeli kasar terverifikasi")
    expect(row.get_by_role("link", name="#1")).to_be_visible()
