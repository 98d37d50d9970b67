"""Labelled seller chat messages for the §4.2 guideline checker (RULES §9, seed 000 §4.2).

Each entry is (message, rules a careful staff reviewer would flag). An empty set means the
message is clean and must not be flagged. The corpus was written from ordinary seller chat
behaviour, independently of the checker, so that it measures the checker honestly.

Labelling conventions (judgement calls, applied consistently):
- A phone number given as an e-wallet account (e.g. "DANA 081234567890") is both
  OFF_PLATFORM_PAYMENT and OFF_PLATFORM_CONTACT: it is a payment account and it also hands the
  buyer a phone number.
- Paying or picking up at a physical address is OFFLINE_STORE only; cash handed over elsewhere
  (a meeting point, the seller's own courier) is OFF_PLATFORM_PAYMENT.
- Threats tied to a review or a return are FEEDBACK_MANIPULATION; HARASSMENT is added only when the
  message also carries an insult or a stand-alone threat ("awas kamu", "saya tahu alamat kamu").
- Scams that ask for money ("transfer biaya admin dulu") are FRAUD; OFF_PLATFORM_PAYMENT is added
  only when an account number or a direct-transfer instruction is given too. A phishing or
  gambling site's link, or a pointer to "our site" / "situs kami", is also OFF_PLATFORM_LINK.
- The seller cancelling an order itself, the system's automatic cancellation, asking the buyer
  NOT to cancel, and explaining how to cancel when the buyer wants to are not ASK_TO_CANCEL.
- Mentions of banks, e-wallets, QRIS, COD, vouchers and other marketplaces are clean when they
  refer to the platform's own checkout or refuse an off-platform deal.
- Answering what the buyer asked (other colours in the shop window, a bonus item) is not
  unsolicited promotion; asking for an honest review without any reward or threat is clean.
"""

CONTACT = "OFF_PLATFORM_CONTACT"
LINK = "OFF_PLATFORM_LINK"
PAYMENT = "OFF_PLATFORM_PAYMENT"
OFFLINE = "OFFLINE_STORE"
REFUND = "REFUND_OUTSIDE"
CANCEL = "ASK_TO_CANCEL"
SPAM = "SPAM_PROMOTION"
ILLEGAL = "ILLEGAL_GOODS"
GAMBLING = "GAMBLING"
FRAUD = "FRAUD"
HARASSMENT = "HARASSMENT"
FEEDBACK = "FEEDBACK_MANIPULATION"
SEXUAL = "SEXUAL_CONTENT"

RULE_SECTIONS: dict[str, str] = {
    CONTACT: "4.2.2",
    LINK: "4.2.2",
    PAYMENT: "4.2.2",
    OFFLINE: "4.2.2",
    REFUND: "4.2.2",
    CANCEL: "4.2.2",
    SPAM: "4.2.3",
    ILLEGAL: "4.2.4",
    GAMBLING: "4.2.4",
    FRAUD: "4.2.4",
    HARASSMENT: "4.2.1",
    FEEDBACK: "4.2.7",
    SEXUAL: "4.2.7",
}


def _m(text: str, *rules: str) -> tuple[str, frozenset[str]]:
    return (text, frozenset(rules))


_CLEAN: list[tuple[str, frozenset[str]]] = [
    # Invoices, order numbers and tracking numbers (phone-like digit runs that are not phones).
    _m(
        "Halo kak, pesanan INV/20250407/MPL/1234567890 sudah kami kirim ya, resi JP1234567890 (J&T) 🙏"
    ),
    _m("No resi JNE 0123456789012 ya kak, bisa dicek di menu Lacak Pesanan"),
    _m("Resi SPXID0123456789 sudah update kak, estimasi sampai 2-3 hari"),
    _m("Sicepat resinya 004123456789 kak, kurir pickup tadi sore"),
    _m(
        "Mohon maaf kak, untuk invoice INV/20250512/MPL/9876543210 barang masih kami proses, besok dikirim"
    ),
    _m("Order kakak no 250407QWERTY12 sudah masuk, ditunggu ya"),
    _m("Resi AnterAja 10000812345678 kak, paketnya sudah di hub Cakung"),
    _m("Resi J&T JX1234567890 kak. Kalau 3 hari belum gerak kabari kami di chat ini ya"),
    _m("Kak, nomor pesanan 2504071234567 sudah kami cek, barangnya sudah di kurir"),
    _m("Tracking number: JP9876543210, shipped via J&T Express today."),
    _m(
        "Hi! Your order has been shipped, tracking number SPXID0987654321. Thanks for shopping with us!"
    ),
    # Prices, sizes, weights, dimensions, SKUs and counts.
    _m("Harganya Rp125.000 kak, sudah termasuk box"),
    _m("Yg ukuran besar 125rb, yg kecil 85rb ya sis"),
    _m("Total Rp 1.250.000 utk 10 pcs kak, bisa pakai voucher toko di checkout"),
    _m("Harga @Rp25.000/pcs, beli 12 jadi Rp300.000 ya kak"),
    _m("Harga grosir mulai 50 pcs jadi 18rb/pcs kak, langsung atur jumlahnya di keranjang aja"),
    _m("Size XL lingkar dada 112 cm kak, panjang 74 cm"),
    _m("Sepatu size 42 masih ready kak, warna hitam"),
    _m("Berat bersih 1,5 kg, kemasan 250 ml juga ada gan"),
    _m("Dimensi 120 x 60 x 75 cm, berat paket 18 kg"),
    _m("Berat 0,8 kg, ukuran paket 30x20x10 cm kak"),
    _m("Ukuran sandal 38-39 kak, sol karet anti slip"),
    _m("SKU BT-0812-XL ready 3 pcs kak, langsung checkout aja"),
    _m("Sudah terjual 1.234 pcs kak, rating 4.9 ⭐"),
    _m("Stok tinggal 7 pcs kak, silakan langsung checkout"),
    _m("Yes, size M fits chest 96-100 cm. Please check the size chart in the product photos."),
    # Dates and times.
    _m("Pesanan dikirim 12/05/2025 jam 15.00 ya kak"),
    _m("Kurir pickup besok jam 08.30 kak, paling lambat sore sudah jalan"),
    _m("Estimasi sampai 08-12-2025 kak, tergantung ekspedisi"),
    _m("Toko libur tgl 30/03/2025 s.d. 02/04/2025 (Lebaran), pesanan diproses 03/04 ya kak 🙏"),
    _m("Gan, barangnya ready, bisa langsung checkout. Same day kalau order sebelum jam 14.00"),
    _m("Iya sis bisa kirim hari ini, yg penting bayar sebelum jam 3 sore"),
    _m("Sorry for the delay, we'll ship tomorrow before 3 PM."),
    # The platform's own links, features, vouchers, refunds and returns.
    _m("Bisa dicek di tokopedia.com/tokosari/etalase/kemeja ya kak"),
    _m("Ini link produknya kak tokopedia.link/AbC123xyz"),
    _m("Link produknya: shop.tiktok.com/view/product/1729384756 kak"),
    _m("Silakan ajukan pengembalian dana lewat aplikasi ya kak, nanti kami proses"),
    _m("Kalau barang tidak sesuai, ajukan komplain lewat Pusat Resolusi ya kak, kami bantu"),
    _m("Gunakan voucher toko di checkout kak, potongan 10rb min. belanja 100rb"),
    _m("Pakai kode voucher SARIHEMAT10 saat checkout ya kak, itu voucher toko resmi di aplikasi"),
    _m("Bisa pakai fitur Pengembalian Dana di aplikasi kak, pilih alasan 'barang rusak'"),
    _m("Dana refund otomatis masuk ke metode pembayaran awal dlm 1x24 jam setelah disetujui kak"),
    _m("Barang retur sudah kami terima kak, pengembalian dana diproses sistem ke saldo kakak"),
    _m(
        "Untuk retur, alamat pengembalian otomatis muncul di aplikasi saat kakak ajukan pengembalian"
    ),
    _m(
        "Kakak bisa klaim garansi lewat fitur Klaim Garansi di aplikasi, lampirkan video unboxing ya"
    ),
    _m("Voucher cashback 10rb dari aplikasi bisa diklaim di halaman toko kak"),
    _m("Diskon 20% itu dari campaign platform kak, otomatis terpotong di checkout"),
    _m("Invoice bisa diunduh dari halaman detail pesanan ya kak"),
    _m("Kak, video unboxing wajib ya utk klaim retur, biar prosesnya lancar"),
    _m(
        "If the item arrives damaged, please request a return/refund through the app and we'll approve it."
    ),
    _m("You can use the platform's free shipping voucher at checkout."),
    # Cancellation that is not the seller asking the buyer to cancel.
    _m("Pesanan yg belum dibayar akan dibatalkan otomatis oleh sistem dalam 24 jam ya kak"),
    _m("Tombol Cancel di aplikasi jangan ditekan ya kak, barangnya sudah kami kirim kok"),
    _m(
        "Mohon maaf kak stoknya habis, pesanan kakak kami batalkan dan dana kembali otomatis ke metode pembayaran"
    ),
    _m(
        "Pembatalan otomatis oleh sistem terjadi kalau kami tidak kirim dlm 2 hari, tapi tenang besok kami kirim"
    ),
    _m("Jangan dibatalkan ya kak, besok pagi sudah kami kirim 🙏"),
    _m(
        "Kalau kakak memang mau batal, pengajuan pembatalannya dari menu Pesanan ya, nanti kami setujui"
    ),
    # Banks, e-wallets, QRIS and COD inside the platform's checkout.
    _m("Ada promo kartu kredit BCA dari platform kak, berlaku di checkout"),
    _m("Bisa bayar pakai virtual account BRI atau Mandiri di halaman pembayaran aplikasi"),
    _m("Pembayaran pakai OVO, GoPay atau DANA lewat checkout aplikasi juga bisa kak"),
    _m("Cicilan 0% kartu kredit BNI tersedia di checkout ya kak"),
    _m("Bisa bayar QRIS di halaman pembayaran aplikasi kak, scan dari m-banking apa aja"),
    _m("COD tersedia kak, pilih metode Bayar di Tempat waktu checkout"),
    _m(
        "Belum ada konfirmasi pembayaran dari sistem kak, mungkin transfer VA nya belum masuk. Coba cek lagi di aplikasi ya"
    ),
    _m("Kemarin sudah kami kirim via JNE REG kak, ongkir Rp18.000 sudah dibayar lewat aplikasi"),
    # Refusing or warning against off-platform deals.
    _m(
        "Maaf kak, kami tidak melayani order lewat WA/IG, semua transaksi lewat aplikasi saja ya biar aman"
    ),
    _m("Maaf kak, kami hanya jualan di sini, tidak ada toko di Shopee atau Lazada"),
    _m("Demi keamanan, jangan pernah berikan kode OTP ke siapa pun termasuk penjual ya kak"),
    _m("Kami tidak menerima transfer langsung kak, mohon bayar lewat aplikasi saja"),
    _m("Hati-hati penipuan kak, kami tidak pernah minta biaya admin di luar aplikasi"),
    _m(
        "Maaf kak kami tidak bisa kirim lewat email, file panduannya sudah kami kirim di chat ini ya"
    ),
    _m("Never share your OTP with anyone, including sellers."),
    # Alarming substrings and look-alike words in ordinary product talk.
    _m("Makanan anjing Pedigree 1,5 kg ready kak, utk anjing dewasa"),
    _m("Parfum ini wanginya tahan lama kak, 8-10 jam"),
    _m("Toko kami online setiap hari jam 08.00-21.00 kak"),
    _m("Ganjal pintu karet ready 5 pcs kak, warna coklat"),
    _m("Voer ini bikin lovebird makin gacor kak, banyak yg repeat order"),
    _m("Laptop ini ada 2 slot RAM kak, bisa upgrade sampai 32 GB"),
    _m("Kwalitas bahan premium kak, jahitan rapi"),
    _m("Ini miniatur replika Monas dari resin, tinggi 15 cm kak"),
    _m("Produk 100% original, bergaransi resmi 1 tahun kak"),
    _m("Maaf kak, tas ini bukan KW, ori import lengkap dgn sertifikat keasliannya"),
    _m("Sudah terdaftar BPOM NA18201234567 kak, aman dipakai"),
    _m("Obat nyamuk elektrik ready kak, isi ulangnya juga ada"),
    _m("Pistol air mainan anak, bahan plastik tebal, aman kak"),
    _m("Kaos ini ukuran dewasa kak, utk anak ada di etalase lain"),
    _m("Sudah kami tempel stiker 'Awas Pecah' dan packing bubble wrap tebal kak"),
    _m("Bumbu ayam kampung 250 gr ready kak"),
    _m("Lingerie set ukuran M ready kak, bahan satin, warna maroon"),
    _m("Warna hitam masih open PO kak, estimasi kirim 14 hari kerja"),
    _m("Bisa dibungkus kado utk hadiah kak, tulis ucapannya di catatan pesanan"),
    _m("Beli 2 bonus 1 gantungan kunci kak, otomatis kami masukkan ke paket"),
    _m("Untuk warna lain ada di etalase kami kak, silakan dicek 😊"),
    _m("Judul bukunya 'Laskar Pelangi' edisi cetak ulang kak"),
    _m("Alamat pengiriman kakak sudah sesuai ya? Jl. Melati No. 5 RT 03/RW 02, Depok"),
    _m("Barang dikirim dari gudang kami di Bekasi kak, estimasi 2-3 hari sampai Bandung"),
    _m("Kartu memori ini bisa utk HP dan kamera, kapasitas 64 GB"),
    _m("Charger ini support fast charging 33W kak, kabel type-C"),
    _m("Ini produk dari lini Premium kami kak, bahannya lebih tebal"),
    # Everyday service talk.
    _m("Kak, paketnya sudah diterima? Jangan lupa beri ulasan ya, terima kasih 🙏"),
    _m("Terima kasih sudah belanja kak, semoga cocok 😊"),
    _m("Kalau ada kendala dgn barang, chat kami di sini aja ya kak, kami bantu"),
    _m("Mohon maaf atas keterlambatannya kak, kurir ekspedisi lagi overload"),
    _m("Siap kak, catatan warna sudah kami baca, kirim yg biru ya"),
    _m("Maaf kak, harga sudah nett gk bisa nego lagi 🙏"),
    _m("Halo kak, stoknya ready bgt, mau warna apa? 😊"),
    _m("Baik kak, alamat sudah kami ubah sesuai permintaan sebelum dikirim"),
    _m("Kurir minta konfirmasi nomor HP penerima kak, mohon cek lagi di detail pesanan ya"),
    _m("Batas pembayaran sampai jam 23.59 ya kak, lewat dari itu pesanan otomatis batal"),
    _m("IMEI HP ini 356789012345678 kak, bisa dicek di situs Kemenperin"),
    _m("Kopi arabika 1 kg, roasting tanggal 05/04/2025 kak"),
    _m("Isi 12 botol @ 250 ml, total 3 liter kak"),
    _m("Label barcode di dus jangan dilepas ya kak, itu buat klaim garansi"),
    _m(
        "Kak, jangan lupa cek isi paket pas kurir dateng ya, kalau kurang langsung komplain di aplikasi"
    ),
    _m("Silakan chat kapan aja kak, admin aktif Senin-Sabtu 08.00-17.00"),
    _m("Kami sudah ajukan klaim ke ekspedisi kak, ditunggu 3x24 jam ya"),
    _m("Voucher toko cuma berlaku utk pembelian min. 2 pcs ya kak"),
    _m("Maaf baru bales kak, tadi admin lagi packing 80 pesanan 🙏"),
    _m("Paketnya sudah sampai di kota tujuan kak (Jakarta Barat), tinggal diantar kurir"),
]

_VIOLATIONS: list[tuple[str, frozenset[str]]] = [
    # OFF_PLATFORM_CONTACT
    _m("Kak kalau mau lebih cepet chat aja di WA ya 0812-3456-7890", CONTACT),
    _m("Hubungi admin kami di 081234567890 ya kak utk pesanan grosir", CONTACT),
    _m("WA: +62 812-3456-7890 (admin Sari) fast respon", CONTACT),
    _m("Bisa langsung wa.me/6281234567890 kak biar gampang", CONTACT),
    _m("Utk katalog lengkap cek IG kami @tokosari.official ya sis", CONTACT),
    _m("add line: tokosari, nanti kami kirim foto real pict nya", CONTACT),
    _m("Kirim bukti fotonya ke email cs.tokosari@gmail.com ya kak", CONTACT),
    _m("nomor admin 0812.3456.7890 bisa di telp kapan aja gan", CONTACT),
    _m("Info restock biasanya kami kabari di Telegram, cari aja @tokosari_id kak", CONTACT),
    _m("DM instagram kita aja kak, lebih fast response", CONTACT),
    _m("Sorry sis, chat here is slow, text me on WhatsApp 6281298765432", CONTACT),
    _m("Link WA admin: api.whatsapp.com/send?phone=6285712345678", CONTACT),
    _m("nomorku 0857 1234 5678 kak, save ya", CONTACT),
    _m("Please email us at orders@sarifashion.co.id for bulk orders", CONTACT),
    _m("Gabung channel t.me/tokosari_grosir ya kak, tanya2 disana lebih enak", CONTACT),
    # OFF_PLATFORM_LINK
    _m("Di shopee kami lebih murah kak, cek shopee.co.id/tokosari", LINK),
    _m("Beli di website kami aja www.sarifashion.id, ada diskon member", LINK),
    _m("Stok warna navy ada di toko sebelah kak, beli di sana aja ya", LINK),
    _m("Cek katalog lengkap: bit.ly/katalog-sari2025", LINK),
    _m("kak barangnya ada di lazada kami, link: lazada.co.id/shop/tokosari", LINK),
    _m("Order via bukalapak aja gan, ongkirnya lebih murah: bukalapak.com/u/tokosari", LINK),
    _m("Kalau mau lebih murah order di blibli kami ya kak", LINK),
    _m("Please order through our site https://sarihomeliving.com, it's cheaper there", LINK),
    _m("Harga grosir cek di s.id/grosirsari ya kak", LINK),
    # OFF_PLATFORM_PAYMENT
    _m(
        "Kalau mau tf langsung aja kak ke BCA 1234567890 a.n. Sari Dewi, nanti langsung kami kirim",
        PAYMENT,
    ),
    _m("Bayar lewat DANA 081234567890 aja kak biar ga kena potongan", PAYMENT, CONTACT),
    _m("tf ke rek Mandiri 1230004567890 ya gan, konfirmasi di sini", PAYMENT),
    _m("Scan QRIS kami aja kak, nanti saya kirim gambarnya, gk usah checkout", PAYMENT),
    _m("bayar langsung ke kurir kami saja, nggak usah lewat aplikasi", PAYMENT),
    _m("No rek BRI 0123-01-012345-50-1 an Budi Santoso ya kak", PAYMENT),
    _m("Transfer langsung aja kak biar lebih murah 10rb", PAYMENT),
    _m("OVO / GoPay juga bisa kak: 0812 9876 5432 a.n. Rina", PAYMENT, CONTACT),
    _m("You can pay directly to our BNI account 0987654321, cheaper than checkout", PAYMENT),
    _m("COD aja kak, nanti ketemuan di stasiun Bogor, bayar cash ke saya langsung", PAYMENT),
    _m("BSI 7123456789 a/n Toko Berkah, kabari kalau sudah tf ya", PAYMENT),
    # OFFLINE_STORE
    _m("Bayar di toko kami aja kak, Jl. Pahlawan No. 17 Surabaya, buka jam 9-17", OFFLINE),
    _m("Bisa ambil dan bayar di gudang kami, Ruko Galaxy Blok B2 No. 5 Bekasi", OFFLINE),
    _m(
        "Mampir aja ke toko offline kami di Pasar Baru lt. 2 blok C, bayar di tempat lebih murah",
        OFFLINE,
    ),
    _m("Kalau deket, dateng aja ke showroom kami Jl. Gatot Subroto 88, gak usah checkout", OFFLINE),
    _m("Ambil langsung ke rumah saya aja kak di Perum Griya Asri C3/12, bayarnya di sana", OFFLINE),
    _m("Our store is at Jl. Kemang Raya 21, you can pick up and pay there", OFFLINE),
    _m("Pickup di outlet kami Mall Ambasador lt. 3 no. 12 kak, bayar di kasir aja", OFFLINE),
    # REFUND_OUTSIDE
    _m("Maaf kak barangnya rusak, refund kami transfer manual ya, kirim no rek kakak", REFUND),
    _m("uangnya kami kembalikan lewat DANA aja ya kak, gak usah ajukan komplain", REFUND),
    _m("Kekurangan 1 pcs kami refund via OVO ya kak, share nomor OVO nya", REFUND),
    _m(
        "Jangan ajukan retur di aplikasi kak, nanti kami ganti uangnya langsung ke rekening kakak",
        REFUND,
    ),
    _m("We'll refund you by bank transfer directly, no need to open a return request", REFUND),
    _m("Selisih ongkir 15rb kami balikin via gopay ya sis", REFUND),
    _m("Dana kakak kami kembalikan lewat transfer BCA besok, tolong tutup komplainnya ya", REFUND),
    _m("Refund kami transfer sendiri kak, WA aja ke 081377778888 utk konfirmasi", REFUND, CONTACT),
    # ASK_TO_CANCEL
    _m("tolong batalkan pesanannya ya kak, stok kosong", CANCEL),
    _m("cancel aja gan, barangnya lagi gak ada", CANCEL),
    _m("Please cancel the order, we can't ship this week", CANCEL),
    _m("Kak, bisa dibatalkan aja orderannya? nanti order ulang pas restock", CANCEL),
    _m("Mohon kakak ajukan pembatalan ya, warna yg dipesan habis", CANCEL),
    _m("Batalin aja kak pesanannya, trus order lagi yg varian merah", CANCEL),
    _m(
        "Kak tolong cancel ya, nanti saya kasih harga lebih murah kalau tf langsung",
        CANCEL,
        PAYMENT,
    ),
    _m("Could you cancel and reorder? the system charged the wrong shipping", CANCEL),
    _m("cancel ordernya ya sis trs chat WA 0813-1111-2222 aja", CANCEL, CONTACT),
    # SPAM_PROMOTION
    _m("PROMO!!! Follow toko kami & dapatkan diskon 50% 🔥🔥🔥 buruan sebelum kehabisan!!!", SPAM),
    _m("Halo kak, jangan lupa cek produk lain kami di etalase, diskon 70% hari ini saja!!", SPAM),
    _m("Join grup reseller kami kak, untung sampai 40% tiap bulan", SPAM),
    _m("FLASH SALE JAM 12 SIANG!! Semua item 10rb!! Sebarkan ke 10 teman kakak ya", SPAM),
    _m("Kirim pesan ini ke 5 teman, dapat voucher 20rb dari toko kami 🙏", SPAM),
    _m(
        "NEW ARRIVAL!!! Koleksi lebaran sudah ready kak, buruan checkout sebelum sold out!!! 🎉🎉",
        SPAM,
    ),
    _m(
        "Hi kak! Check out our 12.12 mega sale, up to 80% off everything in our store!!! Don't miss it!!!",
        SPAM,
    ),
    _m("Mau jadi dropshipper? Gabung grup reseller kami, gratis modal!", SPAM),
    _m("Join grup WA reseller kami kak: chat.whatsapp.com/AbCdEf123", SPAM, CONTACT),
    # ILLEGAL_GOODS
    _m("Ready barang KW super kak, mirip ori 99%", ILLEGAL),
    _m("Tas replika 1:1 sama persis aslinya, harga 350rb aja", ILLEGAL),
    _m("Kami juga jual obat keras tanpa resep kak, misal tramadol, aman kok", ILLEGAL),
    _m("Krim pemutih ini memang tanpa izin BPOM kak tapi hasilnya cepet", ILLEGAL),
    _m("Ada ganja kering juga kalau mau gan, kirim aman", ILLEGAL),
    _m("Mau senjata api rakitan? bisa dicarikan kak", ILLEGAL),
    _m("Jam ini ori palsu kak, logonya sama persis, harga miring", ILLEGAL),
    _m("We also sell counterfeit designer bags, fake but looks real", ILLEGAL),
    _m("Pil penggugur kandungan (cytotec) ready kak, tanpa resep", ILLEGAL),
    _m("Barang KW super ready, order via WA 0812 3456 7890", ILLEGAL, CONTACT),
    # GAMBLING
    _m("Sambil nunggu paket main slot gacor yuk kak, link di bio", GAMBLING),
    _m("Deposit 10rb bonus 100% kak di situs kami, dijamin maxwin", GAMBLING, LINK),
    _m("Mau angka togel jitu buat malam ini? gratis buat pembeli setia", GAMBLING),
    _m("Taruhan bola malam ini kak, pasang di agen kami minimal 50rb", GAMBLING),
    _m("Daftar casino online terpercaya, pembeli dapat freechip 25rb", GAMBLING),
    _m("Judi online aman kak, withdraw pasti cair", GAMBLING),
    _m("Free spins for every buyer at our online slot site!", GAMBLING, LINK),
    _m("Main slot gacor di gacor88.com kak, deposit 10rb langsung main", GAMBLING, LINK),
    # FRAUD
    _m("Kak tolong kirim kode OTP yg masuk ke HP kakak ya, buat verifikasi pengiriman", FRAUD),
    _m("Sebutkan kode verifikasi 6 digit dari SMS ya kak biar pesanan diproses", FRAUD),
    _m(
        "Selamat kak, kakak menang undian! Klaim hadiah di link ini: hadiah-pembeli.xyz/klaim",
        FRAUD,
        LINK,
    ),
    _m("Transfer biaya admin 50rb dulu agar paket bisa dikirim ya kak", FRAUD),
    _m("Please share the OTP code we just sent to your phone to confirm the order", FRAUD),
    _m(
        "Akun kakak bermasalah, login ulang di tokopedia-verifikasi.com biar pesanan gak hangus",
        FRAUD,
        LINK,
    ),
    _m("Biar refund cair, kasih tau PIN dan kode OTP m-banking kakak ya", FRAUD),
    _m(
        "Paket kakak ketahan di bea cukai, bayar pajak 200rb dulu ke rek BRI 1234567890 biar dilepas",
        FRAUD,
        PAYMENT,
    ),
    # HARASSMENT
    _m("Dasar pembeli bodoh, baca deskripsi dong!", HARASSMENT),
    _m("Goblok ya, udah dibilang stok habis masih nanya", HARASSMENT),
    _m("dasar miskin, barang 20rb aja ditawar", HARASSMENT),
    _m("awas kamu ya, jangan macem2 sama toko saya", HARASSMENT),
    _m("Anjing lu, komplain mulu", HARASSMENT),
    _m("Kampungan bgt sih, gak ngerti cara checkout", HARASSMENT),
    _m("You're an idiot, read the size chart", HARASSMENT),
    _m("I will find you if you keep spamming my shop", HARASSMENT),
    _m("Tolol, alamat aja salah tulis", HARASSMENT),
    _m("bangsat, udah dikirim masih bilang belum sampe", HARASSMENT),
    # FEEDBACK_MANIPULATION
    _m("Kasih bintang 5 nanti dapat voucher 20rb kak 😊", FEEDBACK),
    _m("Ulasan bagus + foto dapat cashback 10rb ya kak, kirim SS nya ke sini", FEEDBACK),
    _m("I'll refund 10k for a 5-star review", FEEDBACK),
    _m("kalau kasih bintang 1 saya blokir ya", FEEDBACK),
    _m("Kalau kakak minta retur, saya pastikan kakak nyesel", FEEDBACK),
    _m("Saya laporkan sebagai pembeli jahat kalau review jelek", FEEDBACK),
    _m("Voucher diskon cuma kami kasih kalau kakak kasih ulasan bintang 5 ya", FEEDBACK),
    _m("If you leave a bad review I'll block you from our store", FEEDBACK),
    _m("Tolong ubah ulasannya jadi bintang 5 kak, nanti kami kirim bonus produk gratis", FEEDBACK),
    _m("Saya tahu alamat kamu, jadi mending kasih review bagus", FEEDBACK, HARASSMENT),
    _m("Review jelek? awas kamu ya", FEEDBACK, HARASSMENT),
    # SEXUAL_CONTENT
    _m("Kak mau video bokep? ada koleksi lengkap", SEXUAL),
    _m("mau open BO? malam ini free kak", SEXUAL),
    _m("Kirim foto bugil dong kak, nanti dapat diskon", SEXUAL),
    _m("Jual konten dewasa 18+ juga kak, link dikirim via chat", SEXUAL),
    _m("Ada film porno terbaru kak, 1 flashdisk 50rb", SEXUAL),
    _m("Want some nudes? 18+ content available, just ask", SEXUAL),
    _m("Ada jasa pijat plus plus kak, bisa panggil ke hotel", SEXUAL),
    _m("Video bokep full ada di bit.ly/vidpanas kak", SEXUAL, LINK),
]

CORPUS: list[tuple[str, frozenset[str]]] = _CLEAN + _VIOLATIONS


def measure_checker(corpus, label: str):
    """Precision and recall of the checker over (message, rule) pairs, and a report listing
    every miss and false alarm."""
    from performance.rules.guidelines import check_text

    tp = fp = fn = 0
    misses, false_alarms = [], []
    for text, expected in corpus:
        got = frozenset(flag.rule for flag in check_text(text))
        tp, fp, fn = tp + len(got & expected), fp + len(got - expected), fn + len(expected - got)
        if expected - got:
            misses.append(
                f"  MISS {sorted(expected - got)}: {text!r} expected={sorted(expected)} got={sorted(got)}"
            )
        if got - expected:
            false_alarms.append(
                f"  FALSE {sorted(got - expected)}: {text!r} expected={sorted(expected)} got={sorted(got)}"
            )
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    clean_share = sum(1 for _, rules in corpus if not rules) / len(corpus)
    report = "\n".join(
        [
            f"{label} messages={len(corpus)} clean_share={clean_share:.3f} "
            f"tp={tp} fp={fp} fn={fn} precision={precision:.3f} recall={recall:.3f}",
            f"misses ({len(misses)}):",
            *misses,
            f"false alarms ({len(false_alarms)}):",
            *false_alarms,
        ]
    )
    return precision, recall, clean_share, report
