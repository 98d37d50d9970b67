"""A realistic, deterministic demo feed: shops, orders, reviews, penalties' raw events, chats.

Pure: no ORM. `demo_events` yields event dicts in the RULES §2 contract, so the demo goes
through the same validation and storage as the marketplace's own feed (`seed_demo` ingests
them; `seed_demo --write-jsonl` writes them for `import_events`). The same seed and anchor
date always give the same events with the same ids.

Each shop follows a profile: exemplary shops answer chats in minutes and ship the same day;
struggling ones let orders lapse, cancel in bulk one week, answer late and break the chat
guideline; some shops take holiday mode; some meet abusive buyers.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

WIB = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class Profile:
    orders_per_day: float
    ship_hours: float  # typical hours from verification to shipping
    lapse_rate: float  # order.ignored / shipment.ignored / cancelled by seller, combined
    extension_rate: float
    good_review_share: float  # share of 4-5 star reviews
    chats_per_day: float
    late_reply_rate: float  # human replies after more than 24 hours
    unanswered_rate: float  # turns never answered
    auto_reply: bool
    guideline_rate: float  # seller messages that break the chat guideline
    abuse_rate: float  # conversations with an abusive buyer
    bad_week: bool = False  # one week of mass cancellations and flagged transactions
    violations: tuple[str, ...] = ()
    partial_per_month: int = 0
    holiday_days: tuple[tuple[int, int], ...] = ()  # (start day offset from period start, days)
    new: bool = False  # registered three weeks before the anchor date


PROFILES = {
    "teladan": Profile(9, 8, 0.002, 0.01, 0.95, 6, 0.0, 0.0, True, 0.0, 0.01),
    "baik": Profile(7, 18, 0.01, 0.03, 0.85, 5, 0.03, 0.01, True, 0.0, 0.02, violations=("light",)),
    "sedang": Profile(
        5,
        30,
        0.03,
        0.06,
        0.72,
        4,
        0.08,
        0.03,
        False,
        0.01,
        0.03,
        violations=("duplicate", "light"),
        partial_per_month=2,
    ),
    "bermasalah": Profile(
        4,
        56,
        0.08,
        0.15,
        0.55,
        4,
        0.22,
        0.08,
        False,
        0.06,
        0.05,
        bad_week=True,
        violations=("duplicate", "medium", "manipulation"),
        partial_per_month=4,
    ),
    "libur": Profile(
        5,
        20,
        0.015,
        0.04,
        0.82,
        4,
        0.04,
        0.02,
        True,
        0.0,
        0.02,
        holiday_days=((23, 10), (62, 4)),
    ),
    "baru": Profile(3, 24, 0.02, 0.05, 0.8, 3, 0.05, 0.02, False, 0.01, 0.0, new=True),
}

SHOPS: tuple[tuple[str, str, str, str], ...] = (
    ("toko-batik-sari", "Batik Sari Pekalongan", "power_merchant", "baik"),
    ("kopi-nusantara", "Kopi Nusantara", "power_merchant_pro", "teladan"),
    ("elektronik-jaya", "Elektronik Jaya Abadi", "power_merchant", "bermasalah"),
    ("rumah-rajut", "Rumah Rajut Bandung", "regular", "sedang"),
    ("sepatu-lokal-id", "Sepatu Lokal ID", "power_merchant", "libur"),
    ("dapur-bunda", "Dapur Bunda Official", "official_store", "teladan"),
    ("gadget-murah", "Gadget Murah Surabaya", "power_merchant", "sedang"),
    ("hijab-anggun", "Hijab Anggun", "power_merchant_pro", "baik"),
    ("mainan-ceria", "Mainan Ceria", "regular", "baru"),
    ("herbal-sehat", "Herbal Sehat Alami", "power_merchant", "bermasalah"),
    ("tas-kulit-garut", "Tas Kulit Garut", "power_merchant", "baik"),
    ("skincare-glow", "Skincare Glow", "power_merchant_pro", "sedang"),
    ("perabot-jati", "Perabot Jati Jepara", "regular", "libur"),
    ("buku-pintar", "Toko Buku Pintar", "power_merchant", "teladan"),
    ("sambal-mantap", "Sambal Mantap Bu Rudy", "power_merchant", "baik"),
    ("otomotif-prima", "Otomotif Prima", "regular", "sedang"),
    ("kain-tenun-ntt", "Kain Tenun NTT", "power_merchant", "baru"),
    ("alat-pancing", "Alat Pancing Nusantara", "regular", "bermasalah"),
    ("bayi-bahagia", "Perlengkapan Bayi Bahagia", "power_merchant_pro", "teladan"),
    ("kerajinan-bali", "Kerajinan Bali Art", "power_merchant", "libur"),
    ("sport-zone", "Sport Zone Jakarta", "power_merchant", "sedang"),
    ("teh-tubruk", "Teh Tubruk Solo", "regular", "baik"),
    ("aksesoris-hp", "Aksesoris HP Lengkap", "power_merchant", "bermasalah"),
    ("keramik-plered", "Keramik Plered", "regular", "baru"),
)

PRE_SALE = (
    "Kak, barang ini ready stok?",
    "Ukuran L masih ada kak?",
    "Bisa dikirim hari ini nggak kak?",
    "Warna navy masih ada?",
    "Ada garansi resmi kak?",
    "Kalau beli 3 bisa dapat harga grosir?",
    "Bahannya adem nggak kak? Buat dipakai harian",
    "Kak, ini ori atau KW?",
    "Is this item still available?",
)
POST_SALE = (
    "Kak, pesanan saya kok belum dikirim ya?",
    "Resinya belum update dari kemarin kak",
    "Barangnya sudah sampai tapi kurang satu",
    "Kak, saya mau tukar ukuran, bisa?",
    "Paket saya sampai dalam keadaan penyok, gimana ya?",
    "Sudah dua hari belum dikirim kak, mohon dicek",
    "Kak, bisa minta nomor resi?",
)
FOLLOW_UP = (
    "Halo kak?",
    "Mohon dibalas ya kak",
    "Ditunggu kabarnya",
    "Oke kak, terima kasih",
    "Baik kak, saya tunggu",
)
SELLER_REPLIES = (
    "Halo kak, stok ready ya, silakan langsung checkout 😊",
    "Siap kak, pesanan dikirim hari ini sebelum jam 4 sore",
    "Mohon maaf atas ketidaknyamanannya kak, kami cek dulu ke ekspedisi ya",
    "Bisa kak, silakan ajukan pengembalian lewat Pusat Resolusi ya",
    "Terima kasih sudah menunggu kak, resi sudah kami perbarui",
    "Ukuran L masih ada kak, lingkar dada 104 cm",
    "Garansi resmi 1 tahun kak, kartu garansi ada di dalam kotak",
    "Baik kak, kekurangannya kami kirim susulan besok pagi",
    "Hi, yes it is available. Orders before 3 PM ship the same day.",
)
AUTO_REPLIES = (
    "Halo kak! Terima kasih sudah menghubungi {shop}. Pesan kakak akan kami balas secepatnya "
    "pada jam kerja 08.00–17.00 WIB.",
    "[FAQ] Pengiriman dilakukan Senin–Sabtu. Pesanan yang masuk sebelum pukul 15.00 WIB dikirim "
    "di hari yang sama.",
)
ABUSIVE_BUYER = (
    "Dasar toko penipu! Balas sekarang atau saya sebarkan ke semua grup!",
    "Kalau tidak kasih diskon 50% saya kasih bintang 1 dan laporkan toko ini",
    "Saya tahu alamat gudang kalian, awas saja kalau barang tidak sampai besok",
    "Kamu bodoh ya, begitu saja tidak mengerti",
    "Jual pulsa dan kuota murah, cek profil saya ya kak",
    "Refund sekarang juga atau saya datangi tokonya!",
)
GUIDELINE_BREAKING = (
    "Kak, biar lebih murah transfer langsung ke rekening BCA 1234567890 a.n. Sari ya",
    "Hubungi WA kami di 0812-3456-7890 untuk pesanan grosir",
    "Tolong batalkan pesanannya ya kak, nanti kami buatkan link baru",
    "Kasih bintang 5 ya kak, nanti kami kirim voucher 20rb",
    "Cek juga toko kami di www.tokomurah-banget.com, harganya lebih miring",
    "Refund-nya kami transfer manual saja ya kak, tidak usah lewat aplikasi",
    "Kalau kasih bintang 1, akun kakak saya laporkan balik",
    "Please contact me on WhatsApp +62 812 3456 7890 for a better price",
)


def _at(moment: datetime) -> str:
    return moment.astimezone(WIB).isoformat()


class _ShopFeed:
    """The events of one shop between `start` and `end` (WIB), in time order."""

    def __init__(self, code, name, tier, profile: Profile, start, end, seed) -> None:
        self.code, self.name, self.tier, self.profile = code, name, tier, profile
        self.start, self.end = start, end
        self.rng = random.Random(f"{seed}:{code}")
        self.events: list[dict] = []
        self.seq = 0
        self.buyers = [f"byr-{self.rng.randrange(10**6, 10**7)}" for _ in range(160)]

    def emit(self, type_: str, moment: datetime, **fields) -> None:
        if moment >= self.end:
            return  # not happened yet at the anchor date
        self.seq += 1
        self.events.append(
            {
                "id": f"demo-{self.code}-{self.seq:06d}",
                "type": type_,
                "shop": self.code,
                "at": _at(moment),
                **fields,
            }
        )

    def buyer(self) -> str:
        # A few loyal buyers come back often; most appear once or twice.
        pool = self.buyers[:20] if self.rng.random() < 0.3 else self.buyers
        return self.rng.choice(pool)

    def daytime(self, day: date, earliest: int = 7, latest: int = 22) -> datetime:
        minutes = self.rng.randrange(earliest * 60, latest * 60)
        return datetime.combine(day, time(), WIB) + timedelta(minutes=minutes)

    def count(self, mean: float) -> int:
        # Poisson by inversion: realistic day-to-day spread around the mean.
        limit, k, product = pow(2.718281828459045, -mean), 0, self.rng.random()
        while product > limit:
            k += 1
            product *= self.rng.random()
        return k

    def build(self) -> list[dict]:
        p = self.profile
        registered = self.end - timedelta(days=21) if p.new else self.start - timedelta(days=45)
        self.emit("shop.registered", registered, name=self.name, tier=self.tier)
        first_day = max(self.start, registered + timedelta(days=1)).date()
        days = [first_day + timedelta(days=n) for n in range((self.end.date() - first_day).days)]
        self.bad_week_start = days[len(days) // 2 - len(days) // 2 % 7] if p.bad_week else None
        self.holidays = [
            (self.start + timedelta(days=offset, hours=18), days_long)
            for offset, days_long in p.holiday_days
        ]
        for day in days:
            self.orders(day)
            self.chats(day)
        self.holiday_mode()
        self.violations(days)
        self.partial_shipments(days)
        self.events.sort(key=lambda e: (e["at"], e["id"]))
        return self.events

    def on_holiday(self, moment: datetime) -> bool:
        return any(s <= moment < s + timedelta(days=n) for s, n in self.holidays)

    def orders(self, day: date) -> None:
        p, rng = self.profile, self.rng
        weekend = day.weekday() >= 5
        mean = p.orders_per_day * (1.3 if weekend else 1.0)
        in_bad_week = self.bad_week_start and 0 <= (day - self.bad_week_start).days < 7
        for _ in range(self.count(mean)):
            verified = self.daytime(day, 6, 23)
            if self.on_holiday(verified):
                continue  # the shop shows as closed
            order = f"INV/{day:%Y%m%d}/MPL/{rng.randrange(10**9, 10**10)}"
            buyer = self.buyer()
            amount = rng.choice((35, 49, 75, 89, 120, 150, 249, 399, 899)) * 1000
            self.emit("order.verified", verified, order=order, amount=amount, buyer=buyer)
            roll = rng.random()
            if in_bad_week and roll < 0.4:
                self.emit(
                    "order.cancelled_in_verification", verified + timedelta(hours=3), order=order
                )
                continue
            if roll < p.lapse_rate:
                kind = rng.choice(
                    (
                        "order.ignored",
                        "shipment.ignored",
                        "shipment.cancelled_by_seller",
                        "order.cancelled_in_verification",
                    )
                )
                self.emit(kind, verified + timedelta(hours=rng.choice((26, 50, 74))), order=order)
                continue
            if in_bad_week and rng.random() < 0.15:
                self.emit(
                    "transaction.manipulation_flagged", verified + timedelta(hours=6), order=order
                )
            hours = max(0.5, rng.gauss(p.ship_hours, p.ship_hours / 3))
            if rng.random() < p.extension_rate:
                self.emit("order.extension_approved", verified + timedelta(hours=20), order=order)
                hours += 48
            shipped = verified + timedelta(hours=hours)
            self.emit("order.shipped", shipped, order=order)
            completed = shipped + timedelta(days=rng.randint(2, 5), hours=rng.randint(0, 12))
            if rng.random() < 0.01 + p.lapse_rate / 2:
                case = f"RC-{rng.randrange(10**7, 10**8)}"
                self.emit("resolution.seller_at_fault", completed, case=case, order=order)
                continue
            self.emit("order.completed", completed, order=order)
            if rng.random() < 0.45:
                good = rng.random() < p.good_review_share
                rating = rng.choice((4, 5, 5)) if good else rng.choice((1, 2, 3, 3))
                self.emit(
                    "review.posted",
                    completed + timedelta(hours=rng.randint(2, 72)),
                    order=order,
                    rating=rating,
                    buyer=buyer,
                )
        if in_bad_week and day == self.bad_week_start:
            case = f"RC-{rng.randrange(10**7, 10**8)}"
            self.emit("resolution.combined_penalty", self.daytime(day), case=case)

    def chats(self, day: date) -> None:
        p = self.profile
        mean = p.chats_per_day * (0.7 if day.weekday() >= 5 else 1.0)
        for _ in range(self.count(mean)):
            self.conversation(self.daytime(day, 6, 23))

    def conversation(self, moment: datetime) -> None:
        p, rng = self.profile, self.rng
        self.conversations = getattr(self, "conversations", 0) + 1
        conv = f"cv-{self.code}-{self.conversations:05d}"
        buyer = self.buyer()
        phase = rng.choice(("pre_sale", "post_sale"))
        abusive = rng.random() < p.abuse_rate
        replied_auto = False

        def say(sender, text, when, auto=False):
            self.emit(
                "chat.message",
                when,
                conversation=conv,
                message=f"m-{conv}-{self.seq + 1:06d}",
                sender=sender,
                buyer=buyer,
                text=text,
                auto_reply=auto,
                phase=phase,
            )

        for turn in range(rng.choice((1, 1, 2, 2, 3))):
            opening = PRE_SALE if phase == "pre_sale" else POST_SALE
            texts = [rng.choice(opening if turn == 0 else FOLLOW_UP)]
            if abusive:
                texts = [rng.choice(ABUSIVE_BUYER) for _ in range(rng.randint(1, 3))]
            elif rng.random() < 0.3:
                texts.append(rng.choice(FOLLOW_UP))
            turn_start = moment
            for text in texts:
                say("buyer", text, moment)
                moment += timedelta(minutes=rng.randint(1, 15))
            if p.auto_reply and not replied_auto and rng.random() < 0.5:
                replied_auto = True
                say(
                    "seller",
                    rng.choice(AUTO_REPLIES).format(shop=self.name),
                    moment + timedelta(seconds=20),
                    auto=True,
                )
                moment += timedelta(hours=rng.uniform(0.5, 5))
                continue
            roll = rng.random()
            if roll < p.unanswered_rate:
                return
            # The 24 hours run from the turn's first message.
            if roll < p.unanswered_rate + p.late_reply_rate:
                moment = turn_start + timedelta(hours=rng.uniform(24.5, 60))
            elif roll < p.unanswered_rate + p.late_reply_rate + 0.01:
                moment = turn_start + timedelta(hours=24)  # exactly 24 hours is still on time
            else:
                moment += timedelta(minutes=rng.expovariate(1 / 50) + 1)
            if rng.random() < p.guideline_rate:
                text = rng.choice(GUIDELINE_BREAKING)
            else:
                text = rng.choice(SELLER_REPLIES)
            say("seller", text, moment)
            moment += timedelta(minutes=rng.randint(5, 600))

    def holiday_mode(self) -> None:
        for start, days_long in self.holidays:
            self.emit("shop.holiday_mode", start, enabled=True)
            self.emit("shop.holiday_mode", start + timedelta(days=days_long), enabled=False)

    def violations(self, days: list[date]) -> None:
        for kind in self.profile.violations:
            day = self.rng.choice(days)
            product = f"PRD-{self.rng.randrange(10**6, 10**7)}"
            self.emit(
                "product.violation", self.daytime(day, 9, 17), violation=kind, product=product
            )

    def partial_shipments(self, days: list[date]) -> None:
        months = sorted({(d.year, d.month) for d in days})
        for year, month in months:
            in_month = [d for d in days if (d.year, d.month) == (year, month)]
            for _ in range(min(self.profile.partial_per_month, len(in_month))):
                day = self.rng.choice(in_month)
                order = f"INV/{day:%Y%m%d}/MPL/{self.rng.randrange(10**9, 10**10)}"
                self.emit("order.partial_shipment_accepted", self.daytime(day), order=order)


def demo_period(today: date, weeks: int) -> tuple[datetime, datetime]:
    """From the Monday `weeks` weeks before today's week to today 00:00 WIB."""
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday - timedelta(weeks=weeks), time(), WIB)
    return start, datetime.combine(today, time(), WIB)


def demo_shops(count: int) -> list[tuple[str, str, str, str]]:
    """`count` shops: the named ones first, then numbered branches of them."""
    shops = list(SHOPS[:count])
    for n in range(len(SHOPS), count):
        code, name, tier, profile = SHOPS[n % len(SHOPS)]
        branch = n // len(SHOPS) + 1
        shops.append((f"{code}-{branch}", f"{name} {branch}", tier, profile))
    return shops


def demo_events(
    today: date, *, shops: int = 24, weeks: int = 12, seed: int = 2025, activity: float = 1.0
) -> Iterator[dict]:
    """Every demo event, shop by shop, each shop's in time order.

    `activity` scales every shop's orders and chats per day (the benchmark's 100,000 small
    shops are `activity=0.4`: about 100 events a shop over four weeks).
    """
    if activity <= 0:
        raise ValueError("activity must be positive")
    start, end = demo_period(today, weeks)
    profiles = {
        name: replace(
            p, orders_per_day=p.orders_per_day * activity, chats_per_day=p.chats_per_day * activity
        )
        for name, p in PROFILES.items()
    }
    for code, name, tier, profile in demo_shops(shops):
        yield from _ShopFeed(code, name, tier, profiles[profile], start, end, seed).build()
