"""A second labelled set of seller chat messages for the §4.2 guideline checker (RULES §9).

Written after, and separately from, tests/guideline_corpus.py and without looking at the checker.
It was a held-out set until the checker was measured on it (precision 0.857, recall 0.436 on
2026-11-23) and then broadened with its misses; it is now a second regression set, and an honest
held-out measurement needs a new, unseen set.
No message here copies or paraphrases a development-corpus message; violations use other
spellings, other channels, other slang and other scams than the development corpus does.

Each entry is (message, rules a careful staff reviewer would flag); an empty set means clean.
The labelling conventions are those written at the top of tests/guideline_corpus.py, applied
unchanged (e-wallet phone numbers are PAYMENT + CONTACT; cash to the seller's own courier is
PAYMENT; paying at a physical address is OFFLINE_STORE only; threats over reviews or returns are
FEEDBACK_MANIPULATION, with HARASSMENT added for an insult or a stand-alone threat; scams asking for
money are FRAUD, with PAYMENT added only for an account number or direct-transfer instruction;
platform checkout, COD, vouchers and refusals of off-platform deals are clean; answering the
buyer or asking for an honest review is clean).
"""

from tests.guideline_corpus import (
    CANCEL,
    CONTACT,
    FEEDBACK,
    FRAUD,
    GAMBLING,
    HARASSMENT,
    ILLEGAL,
    LINK,
    OFFLINE,
    PAYMENT,
    REFUND,
    SEXUAL,
    SPAM,
)


def _h(text: str, *rules: str) -> tuple[str, frozenset[str]]:
    return (text, frozenset(rules))


_CLEAN: list[tuple[str, frozenset[str]]] = [
    # Invoice, order, tracking, SKU and barcode numbers.
    _h("Pesanan INV/20250619/MPL/4417702938 sudah dikemas kak, tinggal nunggu kurir jemput"),
    _h("Resi Ninja NLIDAP0081234567 ya kak, posisi paket bisa dipantau dari detail pesanan"),
    _h("Kode SKU KMJ-0857-BLU itu varian biru lengan panjang kak, stok 4"),
    _h("Nomor pesanan kakak 2506190812345, sudah masuk antrean packing hari ini"),
    _h("Barcode EAN di kemasan 8991234567890 kak, itu kode produk dari pabrik"),
    # Prices, weights, dates and times.
    _h("Harga normal Rp189.900, lagi ikut campaign jadi Rp149.900 di aplikasi kak"),
    _h("3 lusin totalnya Rp2.160.000 kak, ongkir dihitung otomatis waktu checkout"),
    _h("Yang 500 gram 45rb, yang 1 kg 85rb ya kak, beda varian di halaman produk"),
    _h(
        "Order masuk sebelum 16.00 WIB dikirim hari itu juga kak, lewat jam itu dikirim "
        "Senin 23/06/2025"
    ),
    _h("Powerbank 20.000 mAh, output 22.5W kak, bisa isi 2 HP sekaligus"),
    # The platform's own links and features.
    _h("Link varian hijau: tokopedia.com/batikayu/kemeja-batik-hijau, stoknya masih 12 kak"),
    _h("Klik 'Pesanan Selesai' kalau paket sudah sampai ya kak, terima kasih 🙏"),
    _h(
        "Pengajuan retur kakak sudah kami setujui, kirim balik barangnya pakai label retur dari "
        "aplikasi ya"
    ),
    _h(
        "Refund dari platform biasanya masuk 3-5 hari kerja ke rekening yang terdaftar di akun kakak"
    ),
    _h(
        "Virtual Account BCA di halaman pembayaran aman kok kak, nomornya muncul setelah pilih metode"
    ),
    _h("Kode promo ONGKIRHEMAT cuma berlaku di aplikasi kak, min. belanja 50rb"),
    _h("Cashback dari platform masuk sebagai koin ke akun kakak setelah pesanan selesai"),
    _h("Bayar di tempat (COD) juga bisa kak, nanti bayarnya ke kurir ekspedisi saat paket datang"),
    _h("Nomor HP di label pengiriman otomatis disamarkan sistem kak, jadi aman"),
    # Refusals and warnings about off-platform deals.
    _h("Maaf kak, kami tidak melayani transaksi di luar aplikasi, mohon checkout seperti biasa ya"),
    _h("Kami tidak punya nomor WhatsApp untuk pembeli kak, semua pertanyaan cukup lewat chat ini"),
    _h(
        "Hati-hati kak, kalau ada yang mengaku admin kami dan minta transfer ke rekening pribadi, "
        "itu bukan kami"
    ),
    _h("Toko kami hanya online kak, tidak ada toko fisik yang bisa dikunjungi"),
    _h("We don't accept payments outside the app, please complete your order through checkout."),
    # Cancellation that is not asking the buyer to cancel.
    _h(
        "Tidak perlu batalkan pesanan kak, warna yang kosong sudah restock hari ini jadi tetap "
        "kami kirim"
    ),
    _h("Permintaan pembatalan dari kakak sudah kami setujui ya, dananya dikembalikan sistem"),
    _h("No need to cancel, the restock arrived this morning and your parcel ships today."),
    # Reviews without reward or threat.
    _h("Kalau puas boleh kasih ulasan ya kak, kalau ada kekurangan kabari kami biar kami perbaiki"),
    _h("Terima kasih banyak atas ulasan bintang 5 nya kak, ditunggu order berikutnya 😊"),
    _h("Mohon maaf atas ulasan bintang 2 nya kak, masukan soal packing akan kami perbaiki"),
    # Innocent words containing alarming substrings or look-alikes.
    _h("Bulu mata palsu model natural ready kak, 1 box isi 10 pasang"),
    _h("Sabun cair antiseptik 1 liter ready kak, wangi sereh"),
    _h("Sabuk pengaman anak untuk bonceng motor ready warna merah dan biru kak"),
    _h("Dompet kulit ini ada 8 slot kartu dan 1 kantong koin kak"),
    _h("Paket dikirim dari gudang kami di Bandar Lampung kak, ke Palembang biasanya 2 hari"),
    _h("DVD film Warkop DKI (Dono, Kasino, Indro) edisi remaster ready kak"),
    _h("Bibit bunga begonia rex ready kak, dikirim pakai pot kecil"),
    _h("Buku Analisis Laporan Keuangan edisi 3 masih segel kak"),
    _h("Alat pijat elektrik untuk leher dan bahu, garansi 6 bulan kak"),
    _h("Lem tembak (glue gun) 20W plus 10 batang lem ready kak"),
    _h("Kwitansi bisa kami selipkan di paket kak, tinggal tulis nama di catatan pesanan"),
    _h("Maaf kak tadi admin offline sebentar, sekarang sudah aktif lagi 🙏"),
    _h("Siap kak,barang ready.besok pagi dikirim ya"),
    _h("File desainnya kirim lewat lampiran chat ini aja kak, format .png atau .pdf"),
    _h("Bra tanpa kawat ukuran 34B ready kak, bahan katun adem"),
    _h("Boneka monyet ukuran 30 cm, bulu lembut aman untuk balita kak"),
    _h("Kak alamatnya di Jl. Kenanga No. 8 ya? kurir bilang nomor rumahnya tidak ketemu"),
    # Everyday service talk.
    _h("Ada kak, selain hitam juga ready warna mocca dan sage, bisa pilih di varian"),
    _h("Mohon maaf kak kalau balasan admin kemarin kurang sopan, kami sudah tegur"),
    _h("Kopi susu literan 1L tahan 3 hari di kulkas kak, diproduksi 20/06/2025"),
]

_VIOLATIONS: list[tuple[str, frozenset[str]]] = [
    # OFF_PLATFORM_CONTACT
    _h("Hub. admin 0896-7788-1122 (wa/telp) kak utk custom ukuran", CONTACT),
    _h("Kontak admin: 0 8 1 3 9 9 8 8 7 7 6 6 kak, chat aja kapan2", CONTACT),
    _h("Follow & chat kami di instagram.com/batik.ayu_official ya kak", CONTACT),
    _h("Email aja ke batikayu.store(at)yahoo.com kak, nanti kami balas lebih cepat", CONTACT),
    # OFF_PLATFORM_LINK
    _h("Katalog lengkap plus harga reseller ada di batikayu.my.id kak", LINK),
    _h("Order di sopi aja kak, cari Batik Ayu, di sana lebih murah", LINK),
    _h("All our shops are here: linktr.ee/batikayu", LINK),
    _h("Beli di Zalora aja ya kak, stok ukuran besar di sana lebih banyak", LINK),
    # OFF_PLATFORM_PAYMENT
    _h("Transfer ke rekening BCA kami 8830112456 an. CV Ayu Jaya aja kak, lebih hemat", PAYMENT),
    _h("Bayar pakai LinkAja ke 0822-4455-6677 aja kak, gak perlu checkout", PAYMENT, CONTACT),
    _h("Saya kirim gambar QR pembayaran di chat ya kak, scan lalu kirim bukti tf nya", PAYMENT),
    _h("Bayar cash ke sopir kami pas barang diantar aja kak, gak usah lewat sistem", PAYMENT),
    # OFFLINE_STORE
    _h(
        "Toko fisik kami di ITC Mangga Dua lt. 1 blok D no. 22 kak, beli di sana bisa lebih murah",
        OFFLINE,
    ),
    _h(
        "Ambil sendiri ke workshop kami di Jl. Cempaka Putih Raya 45 aja kak, bayarnya di lokasi",
        OFFLINE,
    ),
    _h(
        "Visit our boutique at Jl. Braga 12 Bandung and pay at the counter, no need to order online",
        OFFLINE,
    ),
    # REFUND_OUTSIDE
    _h(
        "Daripada retur ribet, 50rb nya kami transfer balik aja ke rekening kakak ya, setuju?",
        REFUND,
    ),
    _h(
        "Kami ganti uangnya lewat e-wallet kakak aja ya, nanti pengajuan pengembaliannya ditarik",
        REFUND,
    ),
    _h("We'll send your money back via PayPal, please don't open a dispute in the app", REFUND),
    _h("Selisih harganya kami kembalikan lewat pulsa ya kak, kirim nomor HP kakak", REFUND),
    # ASK_TO_CANCEL
    _h("Kak mohon di-cancel ya ordernya, ekspedisi yang dipilih lagi bermasalah", CANCEL),
    _h(
        "Boleh minta tolong kakak yang batalin pesanannya? kalau dari kami nanti kena penalti",
        CANCEL,
    ),
    _h("Pls cancel your order from your side, we ran out of stock", CANCEL),
    _h(
        "Orderannya dibatalin aja kak, nanti kita lanjut transaksi di IG @batikayu.shop",
        CANCEL,
        CONTACT,
    ),
    # SPAM_PROMOTION
    _h("🔥🔥 PAYDAY SALE 25-26 JUNI!!! SEMUA BATIK DISKON 60%, BURUAN SERBU TOKO KAMI 🔥🔥", SPAM),
    _h(
        "Halo kak, cuma mau info toko kami sekarang jual skincare juga lho, yuk borong mumpung "
        "harga perkenalan!",
        SPAM,
    ),
    _h(
        "Special offer just for you!!! Buy 3 get 2 FREE, today only, tell all your friends!!!", SPAM
    ),
    # ILLEGAL_GOODS
    _h(
        "Sepatu ini grade mirror kak, dari luar gak ada yang bisa bedain sama yang original",
        ILLEGAL,
    ),
    _h("Ready sabu dan inex kak, pengiriman rahasia dijamin aman", ILLEGAL),
    _h("Airsoft gun ini sudah kami modif bisa pakai peluru tajam kak, tanpa surat izin", ILLEGAL),
    _h("Knockoff AirPods available, same box and serial as the original", ILLEGAL),
    # GAMBLING
    _h("Gabung room poker online kami kak, chip gratis 1 juta buat pembeli baru", GAMBLING),
    _h("Angka jitu HK malam ini 4729 kak, pasang di bandar kami", GAMBLING),
    _h("Ikut sabung ayam online yuk kak, modal 20rb bisa jadi jutaan", GAMBLING),
    _h("Bet on tonight's match with our partner bookie and get a 50k bonus", GAMBLING),
    # FRAUD
    _h(
        "Untuk aktivasi garansi, kirim foto KTP dan 6 angka yang barusan masuk SMS ya kak",
        FRAUD,
    ),
    _h(
        "Paket kakak kena biaya asuransi tambahan 45rb, transfer ke BNI 0291837465 dulu ya baru "
        "dikirim",
        FRAUD,
        PAYMENT,
    ),
    _h(
        "Selamat! Kakak terpilih dapat HP gratis dari toko kami, cukup bayar pajak hadiahnya 150rb",
        FRAUD,
    ),
    _h(
        "Your account will be suspended, verify your card details at secure-paycheck.net now",
        FRAUD,
        LINK,
    ),
    # HARASSMENT
    _h("Pembeli gak punya otak, ukurannya udah jelas ditulis", HARASSMENT),
    _h("Norak banget sih, gitu aja gak bisa pake aplikasi", HARASSMENT),
    _h("Sekali lagi nanya yang sama, saya samperin ke rumah kamu", HARASSMENT),
    _h("What a pathetic loser, stop wasting my time", HARASSMENT),
    # FEEDBACK_MANIPULATION
    _h("Kak, kasih ulasan ⭐⭐⭐⭐⭐ ya, nanti saldo 15rb langsung kami kirim", FEEDBACK),
    _h("Kalau ratingnya di bawah 5, jangan harap bisa belanja lagi di toko ini", FEEDBACK),
    _h("Give us five stars and we'll slip a free gift into your next order", FEEDBACK),
    _h(
        "Awas ya kalau berani kasih ulasan jelek, data kakak saya sebar",
        FEEDBACK,
        HARASSMENT,
    ),
    # SEXUAL_CONTENT
    _h("Kak, mau aku kirimin foto seksi aku? tapi rahasia ya 😘", SEXUAL),
    _h("Jual video syur artis viral kak, 20rb dapat satu folder", SEXUAL),
    _h("Bisa VCS juga kak, tarif per 30 menit, bisa request", SEXUAL),
    _h("Uncensored adult videos available, explicit stuff, ask me for the list", SEXUAL),
]

HOLDOUT: list[tuple[str, frozenset[str]]] = _CLEAN + _VIOLATIONS
