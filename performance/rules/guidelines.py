"""Guideline checks on seller chat messages (RULES §9, seed 000 §4.2). Pure: text in, flags out.

A flag is a reason for staff to look, never a penalty, so precision comes first: every rule
needs a telling form (a phone number shaped like an Indonesian mobile, a bank name next to an
account number, an insult aimed at someone, a reward tied to a rating), and look-alikes of
ordinary service talk — invoice and tracking numbers, prices, sizes, dates, the platform's
own links and features, negated mentions ("bukan KW", "jangan berikan OTP") — are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    section: str
    title_id: str
    title_en: str
    why_id: str
    why_en: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "OFF_PLATFORM_CONTACT",
            "4.2.2",
            "Kontak di luar platform",
            "Contact outside the platform",
            "Nomor telepon/WhatsApp, akun aplikasi chat lain atau e-mail mengalihkan pembeli "
            "dari fitur Pesan Pembeli.",
            "Phone or WhatsApp numbers, other chat apps or e-mail move the buyer away from the "
            "platform's chat.",
        ),
        Rule(
            "OFF_PLATFORM_LINK",
            "4.2.2",
            "Tautan ke luar platform",
            "Link outside the platform",
            "Tautan atau ajakan ke toko/situs lain mengalihkan trafik ke luar platform.",
            "Links or invitations to other shops or sites divert buyers off the platform.",
        ),
        Rule(
            "OFF_PLATFORM_PAYMENT",
            "4.2.2",
            "Pembayaran di luar platform",
            "Payment outside the platform",
            "Rekening bank, dompet digital, QR atau transfer langsung mengakali proses "
            "pembayaran platform dan menghilangkan perlindungan pembeli.",
            "Bank or e-wallet accounts, QR codes or direct transfers bypass the platform's "
            "checkout and its buyer protection.",
        ),
        Rule(
            "OFFLINE_STORE",
            "4.2.2",
            "Alamat toko offline",
            "Offline store address",
            "Mengajak pembeli membayar atau mengambil barang di toko offline melewati proses "
            "penjualan platform.",
            "Inviting the buyer to pay or collect at an offline store bypasses the platform's "
            "sales process.",
        ),
        Rule(
            "REFUND_OUTSIDE",
            "4.2.2",
            "Pengembalian dana di luar platform",
            "Refund outside the platform",
            "Semua pengembalian barang dan dana harus melalui platform.",
            "Every return and refund must go through the platform.",
        ),
        Rule(
            "ASK_TO_CANCEL",
            "4.2.2",
            "Meminta pembeli membatalkan pesanan",
            "Asking the buyer to cancel",
            "Penjual dilarang meminta pembeli membatalkan pesanan.",
            "Sellers must not ask buyers to cancel their orders.",
        ),
        Rule(
            "SPAM_PROMOTION",
            "4.2.3",
            "Promosi atau spam tanpa diminta",
            "Unsolicited promotion or spam",
            "Pesan pemasaran yang tidak diminta pembeli dilarang di fitur Pesan Pembeli.",
            "Marketing messages the buyer did not ask for are not allowed in chat.",
        ),
        Rule(
            "ILLEGAL_GOODS",
            "4.2.4",
            "Produk terlarang, palsu atau ilegal",
            "Prohibited, counterfeit or illegal goods",
            "Menawarkan produk terlarang, palsu atau ilegal melanggar pedoman dan hukum.",
            "Offering prohibited, counterfeit or illegal goods breaks the guideline and the law.",
        ),
        Rule(
            "GAMBLING",
            "4.2.4",
            "Perjudian",
            "Gambling",
            "Mempromosikan atau mengajak berjudi dilarang.",
            "Promoting or inviting to gambling is prohibited.",
        ),
        Rule(
            "FRAUD",
            "4.2.4",
            "Penipuan atau pengelabuan",
            "Fraud or phishing",
            "Meminta kode OTP/verifikasi, biaya tambahan di luar aplikasi atau klaim hadiah "
            "palsu adalah pola penipuan.",
            "Asking for OTP or verification codes, extra fees outside the app or fake prizes "
            "are fraud patterns.",
        ),
        Rule(
            "HARASSMENT",
            "4.2.1",
            "Pelecehan, hinaan atau ancaman",
            "Harassment, insults or threats",
            "Penjual harus berkomunikasi dengan sopan; hinaan dan ancaman dilarang keras.",
            "Sellers must communicate politely; insults and threats are strictly prohibited.",
        ),
        Rule(
            "FEEDBACK_MANIPULATION",
            "4.2.7",
            "Manipulasi ulasan",
            "Review manipulation",
            "Imbalan untuk ulasan bagus atau ancaman atas ulasan buruk/retur dilarang.",
            "Rewards for good reviews or threats over bad reviews or returns are prohibited.",
        ),
        Rule(
            "SEXUAL_CONTENT",
            "4.2.7",
            "Konten seksual",
            "Sexual content",
            "Pesan berisi atau berbau pornografi dan perilaku seksual dilarang.",
            "Messages with pornographic or sexual content are prohibited.",
        ),
    )
}


@dataclass(frozen=True)
class Flag:
    rule: str
    section: str
    start: int
    end: int
    match: str

    @property
    def info(self) -> Rule:
        return RULES[self.rule]


def _words(*words: str) -> str:
    return "|".join(words)


I = re.IGNORECASE  # noqa: E741 - the usual regex flag name

# Longest run any single repetition may take (a word, a gap of spaces, a domain label, a URL
# path). Longer runs do not occur in chat; bounding them is what makes every pattern linear.
REPEAT_LIMIT = 64
_QUANTIFIER_OPEN = re.compile(r"\{(\d*)(,?)(\d*)\}")


def bounded(source: str, limit: int = REPEAT_LIMIT) -> str:
    """`source` with every unbounded repetition (`*`, `+`, `{m,}`) capped at `limit`.

    Python's engine backtracks, so a search costs, from every start position, as many steps as
    the pattern can take there. With every repetition bounded, a pattern can only look a fixed
    distance ahead: a search is linear in the text by construction, whatever the text
    (`tests/test_guideline_linear.py` checks both that no pattern is unbounded and that none
    is slow on adversarial input). Lazy (`*?`) and possessive (`*+`) forms keep their suffix.
    """
    out: list[str] = []
    i, n = 0, len(source)
    after_atom = False  # a quantifier here would repeat the previous atom
    after_quantifier = False  # a `?` or `+` here modifies the previous quantifier
    while i < n:
        char = source[i]
        if char == "\\":
            out.append(source[i : i + 2])
            i += 2
            after_atom, after_quantifier = True, False
            continue
        if char == "[":
            end = i + 1
            if end < n and source[end] == "^":
                end += 1
            if end < n and source[end] == "]":
                end += 1  # a "]" first in a class is a literal
            while end < n and source[end] != "]":
                end += 2 if source[end] == "\\" else 1
            out.append(source[i : end + 1])
            i = end + 1
            after_atom, after_quantifier = True, False
            continue
        if after_quantifier and char in "?+":
            out.append(char)  # lazy or possessive form of the quantifier just written
            i += 1
            after_quantifier = False
            continue
        if char in "*+" and after_atom:
            out.append(f"{{{0 if char == '*' else 1},{limit}}}")
            i += 1
            after_atom, after_quantifier = False, True
            continue
        if char == "{" and after_atom and (m := _QUANTIFIER_OPEN.match(source, i)):
            low, comma, high = m.groups()
            if comma and not high:
                high = str(max(limit, int(low or 0)))
            out.append(f"{{{low}{comma}{high}}}")
            i = m.end()
            after_atom, after_quantifier = False, True
            continue
        if char == "?" and after_atom:
            out.append(char)
            i += 1
            after_atom, after_quantifier = False, True
            continue
        out.append(char)
        i += 1
        # "(" and "|" start a new sequence; "(?" continues a group's opening.
        after_atom = char not in "(|" and not (char == "?" and out[-2:-1] == ["("])
        after_quantifier = False
    return "".join(out)


def _compile(source: str, flags: int = 0) -> re.Pattern:
    return re.compile(bounded(source), flags)


# Negation shortly before a match: "bukan KW", "jangan berikan OTP", "tidak melayani COD".
NEGATION = _compile(
    r"\b(?:bukan|tidak|tdk|tak|gak|ga|nggak|ngga|enggak|jangan|jgn|anti|no|not|never|dilarang|"
    r"hindari|waspada)\b[^.!?\n]{0,35}$",
    I,
)

# Indonesian mobile numbers: 08…, +62 8…, 62 8…; 10–13 digits once the country code is
# written as 0; groups split by spaces, dots or dashes. Not after a letter, digit or "/" (invoice
# and tracking numbers), not followed by more digits.
PHONE = _compile(r"(?<![\w/#@.-])(?:\+62|62|0)[\s.-]?8[\s.-]?\d(?:[\s.-]?\d){7,11}(?![\w/])")
PLATFORM_DOMAINS = _compile(
    r"(?:^|\.)(?:tokopedia\.(?:com|link|co\.id)|tiktok\.com|tokopedia\.net)$", I
)
URL = _compile(
    r"\b(?:https?://)?(?:www\.)?((?:[a-z0-9-]{1,63}+\.){1,8}(?:com|co\.id|id|net|org|shop|store|link|ly|me|"
    r"xyz|site|online|biz|info|io|ee|co|app|dev|page|bio|to|club|top|vip|live))\b(?:/[^\s]*)?",
    I,
)
CHAT_LINK = _compile(
    r"\b(?:wa\.me|api\.whatsapp\.com|chat\.whatsapp\.com|t\.me|line\.me|m\.me|instagram\.com|"
    r"facebook\.com|fb\.me|fb\.com)\b(?:/[^\s]*)?",
    I,
)
EMAIL = _compile(
    r"\b[\w.+-]+(?:@|\s*[(\[]\s*at\s*[)\]]\s*)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b", I
)
CHAT_APPS = (
    r"(?:wa|w\.a|whatsapp|whatsap|watsap|wasap|line|telegram|tele|ig|instagram|insta|fb|"
    r"facebook|dm)"
)
CONTACT_INVITE = _compile(
    r"\b(?:hubungi|hub|kontak|contact|chat|cht|japri|add|save|simpan|invite|via|lewat|ke|di|dm|"
    r"message|text|call)\s+(?:aja\s+|saja\s+|kami\s+|saya\s+|sy\s+|ya\s+|me\s+|us\s+)?"
    r"(?:di\s+|ke\s+|on\s+|via\s+)?(?:no\.?\s*|nomor\s+|nmr\s+)?"
    + CHAT_APPS
    + r"\b(?!\s*(?:'|’)?alaikum)",
    I,
)
APP_HANDLE = _compile(
    r"\b" + CHAT_APPS + r"\s*[:=]\s*@?[\w.]{3,}"
    r"|\b(?:ig|instagram|insta|line|tiktok)\s+(?:kami\s+|saya\s+|kita\s+)?@[\w.]{3,}",
    I,
)

BANKS = (
    r"(?:bca|bri|bni|mandiri|bsi|cimb(?:\s*niaga)?|permata|btn|danamon|maybank|ocbc|jenius|"
    r"seabank|bank\s+jago|jago|dana|ovo|gopay|go-pay|shopeepay|linkaja|link\s*aja|rekening|rek|"
    r"norek|no\.?\s*rek)"
)
ACCOUNT = r"(?<![\w.,])\d(?:[\s-]?\d){7,15}(?![\w.,])"
BANK_ACCOUNT = _compile(
    r"\b" + BANKS + r"\b[^\n\d]{0,25}" + ACCOUNT + "|" + ACCOUNT + r"[^\n\d]{0,12}\b(?:bca|bri|bni|"
    r"mandiri|bsi|dana|ovo|gopay|shopeepay|linkaja)\b",
    I,
)
DIRECT_PAYMENT = _compile(
    r"\b(?:transfer|trf|tf)\s+(?:aja\s+|saja\s+|langsung|lgsg|lsg|ke\s+(?:rek|rekening|no|nomor|"
    r"norek|dana|ovo|gopay|bca|bri|bni|mandiri)|manual)"
    r"|\b(?:bayar|pembayaran|byr)\w*\s+(?:\w+\s+){0,2}?(?:langsung\s+)?(?:ke\s+(?:saya|kami|sy|"
    r"kurir kami)|di\s+luar\s+(?:aplikasi|app|platform))"
    r"|\b(?:nggak|gak|ga|tidak|tdk|gk)\s+usah\s+(?:lewat|via|pakai|pake|checkout\s+di)\s+"
    r"(?:aplikasi|app|apk|checkout|sistem|platform)"
    r"|\bdi\s+luar\s+(?:aplikasi|app|platform)"
    r"|\b(?:scan\s+)?qris\b|\bscan\s+(?:kode\s+)?qr\b|\b(?:kode|gambar|foto)\s+qr\b"
    r"|\bqr\s+(?:pembayaran|bayar|code)\b"
    r"|\bcod\s+(?:langsung|di\s+luar|ketemuan|ketemu)|\bcod\b[^.!?\n]{0,40}\bketemu(?:an)?\b"
    r"|\bpay\s+(?:me\s+)?directly\b|\bbank\s+transfer\s+to\s+(?:me|us|my)\b",
    I,
)
OFFLINE = _compile(
    r"\b(?:bayar|ambil|datang|dateng|mampir|cod|pickup|pick\s*up|beli)\w*\s+(?:\w+\s+){0,4}?"
    r"(?:di|ke)\s+(?:toko|gudang|outlet|kios|ruko|store|workshop|rumah|showroom)\s+"
    r"(?:kami|saya|sy|offline|kita)\b"
    r"|\balamat\s+toko\s+(?:offline|kami|saya)\b|\btoko\s+(?:offline|fisik)\s+(?:kami|saya)\b"
    r"|\b(?:visit|come\s+to)\s+(?:our|my)\s+\w+\s+at\b|\bpay\s+at\s+the\s+(?:counter|cashier|store)\b"
    r"|\b(?:our|the)\s+(?:offline\s+)?(?:shop|store|warehouse)\s+(?:is\s+)?at\b",
    I,
)
REFUND_OUT = _compile(
    r"\b(?:refund|pengembalian\s+dana|uang\w*|dana\w*|duit\w*)\b[^.!?\n]{0,40}?"
    r"\b(?:(?:kami|saya|sy)\s+)?(?:transfer|tf|kembalikan|balikin|kirim|ganti)\w*\s+(?:\w+\s+)?"
    r"(?:manual|sendiri|langsung|lewat\s+(?:dana|ovo|gopay|rekening|rek|wa|bank|transfer)|"
    r"ke\s+(?:rekening|rek|dana|ovo|gopay)|via\s+(?:dana|ovo|gopay|bank|transfer))"
    r"|\b(?:ganti|kembalikan|balikin|transfer|tf)\w*\s+(?:uang|dana|duit)\w*\s+(?:\w+\s+)?"
    r"(?:langsung\s+)?(?:ke|via|lewat)\s+(?:rekening|rek|dana|ovo|gopay|bank|e-?wallet|pulsa)"
    r"|\b(?:transfer|tf)\s+balik\b|\bmoney\s+back\s+(?:via|through|by|to)\b"
    r"|\b(?:kami|saya|sy)\s+(?:kembalikan|balikin|transfer|tf|ganti)\w*\s+(?:via|lewat)\s+"
    r"(?:dana|ovo|gopay|shopeepay|linkaja|rekening|rek|bca|bri|bni|mandiri|transfer|e-?wallet|"
    r"pulsa|paypal)"
    r"|\brefund\w*\s+(?:manual|di\s+luar|lewat\s+(?:dana|ovo|gopay|transfer|rekening|wa)|via\s+"
    r"(?:dana|ovo|gopay|transfer|bank|wa))"
    r"|\b(?:nggak|gak|ga|tidak|tdk|gk)\s+usah\s+(?:ajukan\s+)?(?:komplain|retur|pengembalian)\s+"
    r"(?:di|lewat|via)\s+(?:aplikasi|app|platform)"
    r"|\brefund\s+(?:you\s+)?(?:directly|outside|via\s+bank|by\s+bank\s+transfer)",
    I,
)
CANCEL = _compile(
    r"\b(?:tolong|tlg|mohon|mhn|minta|bisa|bs|silakan|silahkan|please|pls|plz)\s+"
    r"(?:kak\w*\s+|gan\s+|sis\s+|bund\w*\s+|kakak\s+)?(?:yang\s+|yg\s+)?(?:di)?(?:batal\w*|cancel\w*)"
    r"|\b(?:batalkan|batalin|cancel|cancelin|dicancel|dibatalin)\s+(?:aja|saja|dulu|dl|ya|yah)\b"
    r"|\b(?:batalkan|batalin|cancel|cancelin)\s+(?:pesanan|orderan|order|pesenan)\w*\s+"
    r"(?:nya\s+)?(?:ya|aja|saja|dulu|kak)\b"
    r"|\bcancel\s+(?:the|your)\s+order\b|\b(?:could|can|would)\s+you\s+(?:please\s+)?cancel\b"
    r"|\b(?:tolong|tlg|mohon|mhn|minta|silakan|silahkan)\s+(?:kak\w*\s+|gan\s+|sis\s+)?"
    r"(?:ajukan|ajuin)\s+pembatalan\b",
    I,
)
CANCEL_INNOCENT = _compile(
    r"(?:jangan|jgn|tidak\s+perlu|gak\s+perlu|ga\s+perlu|nggak\s+perlu|tombol|otomatis|sistem|"
    r"sudah|udah|telah|don't|do not)\W+(?:\w+\W+){0,2}$",
    I,
)
SPAM = _compile(
    r"\b(?:follow|ikuti|subscribe|like)\s+(?:ig|instagram|akun|toko|tiktok|channel|kami|kita)\b"
    r"[^.!?\n]{0,40}\b(?:promo|diskon|giveaway|hadiah|voucher|update)"
    r"|\bjoin\s+(?:grup|group|komunitas|channel)\b|\bgrup\s+(?:reseller|dropship)\w*"
    r"|\b(?:promo|diskon|sale|flash\s*sale)\b[^\n]{0,30}!!"
    r"|\b(?-i:PROMO|DISKON|SALE)\b[^\n]{0,60}\b(?:cek|check|kunjungi|mampir)\s+(?:etalase|toko|produk)"
    r"|\bjangan\s+lupa\s+(?:follow|mampir|cek)\s+(?:toko|etalase|produk|ig)\w*\s+(?:kami|lainnya|lain)"
    r"|\b(?:cek|lihat|intip)\s+(?:juga\s+)?(?:produk|barang)\s+(?:lain(?:nya)?\s+)?(?:kami\s+)?"
    r"(?:yang\s+lagi\s+)?(?:promo|diskon)"
    r"|\b(?:promo|diskon|sale|new\s+arrival|buruan|flash\s*sale|mega\s+sale)\b[^\n]{0,80}!!"
    r"|!![^\n]{0,80}\b(?:promo|diskon|sale|buruan|sold\s+out)\b"
    r"|\b(?:sebarkan|share|bagikan|kirim(?:kan)?\s+pesan\s+ini)\s+ke\s+\d+\s+(?:teman|orang|grup)"
    r"|\b(?:yuk|ayo)\s+(?:borong|serbu)\b|\bspecial\s+offer\b|\bbuy\s+\d+\s+get\s+\d+\b"
    r"|\bcuma\s+mau\s+info\s+(?:toko|produk)\s+kami\b",
    I,
)
ILLEGAL = _compile(
    r"\b(?:narkoba|narkotika|ganja|sabu|shabu|ekstasi|ekstasy|pil\s+koplo|tramadol|"
    r"obat\s+(?:keras|aborsi|penggugur)|senjata\s+api|senpi|amunisi|peluru\s+tajam|"
    r"kw\s*(?:super|premium|1|2|\d:\d)?|replika\s+(?:1:1|branded|ori|original|sepatu|tas|jam)|"
    r"ori\s+palsu|barang\s+palsu|"
    r"tiruan|bajakan|tanpa\s+(?:izin\s+)?bpom|tanpa\s+resep|counterfeit|fake\s+(?:brand|branded)|"
    r"grade\s+(?:mirror|ori)|mirror\s+quality|knock[\s-]?offs?|"
    r"replicas?\s+(?:watch|watches|bag|bags|shoes|airpods|branded))\b",
    I,
)
GAMBLING = _compile(
    r"\b(?:judi|berjudi|judol|slot\s*(?:gacor|online|88|maxwin|site)|online\s+slot|free\s+spins?|togel|toto\s*gelap|"
    r"poker\s+online|online\s+poker|room\s+poker|angka\s+jitu|sabung\s+ayam|"
    r"pasang\s+(?:di\s+)?bandar|bandar\s+(?:togel|judi|bola|kami)|bet\s+on|bookies?|bookmakers?|"
    r"taruhan|casino|maxwin|jackpot\s+slot|deposit\s+\d+\w*[^\n]{0,20}bonus|"
    r"betting|sportsbook|parlay)\b",
    I,
)
FRAUD = _compile(
    r"\b(?:kirim|kirimkan|sebut\w*|kasih|kasihkan|berikan|bagi\w*|share|minta|send|tell|fotokan|"
    r"foto\w*)\s+(?:\w+\s+){0,3}?(?:kode\s+)?(?:otp|kode\s+verifikasi|kode\s+sms|kode\s+keamanan|pin)\b"
    r"|\bklaim\s+hadiah\b|\bmenang(?:kan)?\s+undian\b|\banda\s+terpilih\s+sebagai\s+pemenang\b"
    r"|\b(?:biaya|ongkos)\s+(?:admin|administrasi|pajak|asuransi)\b[^.!?\n]{0,40}\b(?:transfer|tf)\b"
    r"|\b(?:transfer|tf)\b[^.!?\n]{0,40}\bbiaya\s+(?:admin|administrasi|pajak)\b"
    r"|\blogin\s+(?:ulang\s+|kembali\s+)?(?:di|ke|lewat|via)\s+\S+\.(?:com|id|net|xyz|site|online)"
    r"|\b(?:bayar|tf|transfer)\s+(?:\w+\s+){0,2}?(?:pajak|bea\s+cukai|denda|tebusan)\b"
    r"|\b(?:angka|digit|kode)\s+(?:yang\s+|yg\s+)?(?:barusan\s+|baru\s+)?masuk\s+(?:ke\s+)?(?:sms|hp|wa)"
    r"|\bverify\s+(?:your\s+)?(?:card|account|bank)\s+(?:details?|info)"
    r"|\baccount\s+will\s+be\s+(?:suspended|blocked|closed)"
    r"|\bakun\s+(?:kakak|anda|kamu)\s+(?:akan\s+)?(?:diblokir|ditangguhkan|dinonaktifkan)",
    I,
)
INSULT = _compile(
    r"\b(?:goblok|goblog|gblk|tolol|tlol|idiot|dungu|bangsat|bajingan|brengsek|kampret|keparat|"
    r"bego|begok|bodoh|bodo\s+amat|kampungan|sialan|kurang\s+ajar|stupid|moron|dumbass)\b"
    r"|\b(?:dasar|kamu|km|lu|lo|loe|elo|kau|situ|anda|you)\s+(?:\w+\s+)?(?:anjing|anjg|babi|monyet|"
    r"setan|gila|miskin|tai|sampah|bodoh|bego|norak|jelek)\b"
    r"|\b(?:anjing|anjg|babi|monyet|bangsat)\s+(?:lu|lo|loe|kau|kamu|km|you)\b"
    r"|\b(?:awas|liat\s+aja|lihat\s+saja|tunggu\s+aja)\s+(?:kamu|lu|lo|loe|kau|km|ya\s+kamu|nanti)\b"
    r"|\b(?:tahu|tau|tw)\s+alamat\s*(?:mu|kamu|lu|lo|anda|rumah\w*)"
    r"|\b(?:datangi|samperin|labrak|hajar|pukul|bunuh)\s+(?:rumah\w*\s+)?(?:kamu|lu|lo|kau|anda|mu)\b"
    r"|\bi\s+(?:will|'ll)\s+(?:find|hurt|kill)\s+you\b|\byou(?:'ll|\s+will)\s+regret\b"
    r"|\b(?:gak|ga|gk|nggak|tidak|tak)\s+punya\s+otak\b|\bnorak\s+(?:banget|bgt)\s+(?:sih|lu|lo|kamu)\b"
    r"|\bsamperin\s+(?:ke\s+)?rumah|\b(?:pathetic|loser)\b"
    r"|\bdata\s+(?:kakak|kamu|anda|mu)\s+(?:saya|kami|sy)\s+sebar|\bsebar(?:kan)?\s+data\s+(?:kakak|kamu|anda)",
    I,
)
GOOD_RATING = (
    r"(?:bintang\s*(?:5|lima)|(?:5|lima)\s*bintang|⭐{3}|rating\s*(?:5|bagus|tinggi)|"
    r"(?:review|ulasan|penilaian|feedback)\s+(?:yang\s+)?(?:bagus|positif|baik|bintang\s*5|mantap)|"
    r"(?:5|five)[\s-]*stars?|good\s+review|positive\s+(?:review|feedback))"
)
REWARD = (
    r"(?:voucher|vocer|cashback|cash\s*back|diskon|potongan|hadiah|bonus|gratis|free|refund|uang|"
    r"saldo|pulsa|tambahan|kirimin|kirimkan|dapat|dapet|dpt|get|give|bayar|ganti\s+ongkir)"
)
BAD_REVIEW = (
    r"(?:bintang\s*(?:1|2|3|satu|dua|tiga)|(?:1|2|3|satu)\s*bintang|rating\s*(?:jelek|rendah|buruk)|"
    r"(?:review|ulasan|feedback|penilaian)\s+(?:yang\s+)?(?:jelek|buruk|negatif|negative|bad)|"
    r"rating\w*\s+(?:di\s+)?bawah\s+\d|"
    r"bad\s+review|negative\s+(?:review|feedback)|retur|return|komplain|complain|refund)"
)
THREAT = (
    r"(?:blokir|block|laporkan|lapor|report|awas|menyesal|nyesel|regret|tuntut|sebarkan|viralkan|"
    r"jangan\s+harap|"
    r"pembeli\s+jahat|blacklist)"
)
FEEDBACK = _compile(
    r"\b(?:tahu|tau|tw)\s+alamat[^\n]{0,60}?"
    + GOOD_RATING
    + r"|"
    + GOOD_RATING
    + r"[^\n]{0,60}?\b"
    + REWARD
    + r"\b|\b"
    + REWARD
    + r"\b[^\n]{0,60}?"
    + GOOD_RATING
    + r"|\b"
    + BAD_REVIEW
    + r"\b[^\n]{0,60}?\b"
    + THREAT
    + r"\b|\b"
    + THREAT
    + r"\b[^\n]{0,40}?\b"
    + r"(?:kalau|kalo|klo|jika|if)\b[^\n]{0,40}?\b"
    + BAD_REVIEW
    + r"\b",
    I,
)
SEXUAL = _compile(
    r"\b(?:bokep|porno|porn|pornografi|bugil|telanjang|open\s+bo|ngewe|sange|vcs|"
    r"video\s+call\s+sex|konten\s+dewasa|konten\s+18\+|pap\s+(?:tt|toket|bugil)|nudes?|"
    r"pijat\s+plus(?:[\s-]*plus|\+\+)|plus[\s-]plus|video\s+syur|adult\s+videos?|uncensored|"
    r"foto\s+(?:seksi|hot)\s+(?:aku|saya|gue)|"
    r"foto\s+(?:seksi|hot)\s+(?:kamu|mu|kakak))\b",
    I,
)

# A QR code or QRIS paid inside the app's own payment page is the platform's checkout.
# A warning about impostors mentions what it warns against: "hati-hati ... minta transfer".
WARNING = _compile(r"\b(?:hati-hati|hati2|waspada|mengaku|mengatasnamakan|beware)\b", I)
IN_APP = _compile(
    r"\b(?:di|lewat|dari|via|pada|saat|at)\s+(?:halaman\s+pembayaran\s+)?(?:aplikasi|checkout|app)\b"
    r"|\bhalaman\s+pembayaran\b|\bin[\s-]app\b",
    I,
)
NEGATABLE = {
    "OFF_PLATFORM_CONTACT",
    "OFF_PLATFORM_PAYMENT",
    "ILLEGAL_GOODS",
    "FRAUD",
    "GAMBLING",
    "ASK_TO_CANCEL",
    "SEXUAL_CONTENT",
    "SPAM_PROMOTION",
}

# (rule, pattern, hints): a pattern runs only when the lower-cased text contains one of its
# hints (plain substring tests), so an ordinary message costs a few microseconds.
SIMPLE: tuple[tuple[str, re.Pattern, tuple[str, ...]], ...] = (
    ("OFF_PLATFORM_CONTACT", CHAT_LINK, ("wa.me", "whatsapp.com", "t.me", "line.me", "m.me")),
    ("OFF_PLATFORM_CONTACT", EMAIL, ("@", "(at)", "[at]")),
    (
        "OFF_PLATFORM_CONTACT",
        CONTACT_INVITE,
        (
            "wa",
            "w.a",
            "whatsap",
            "watsap",
            "wasap",
            "line",
            "tele",
            "ig",
            "insta",
            "fb",
            "face",
            "dm",
        ),
    ),
    ("OFF_PLATFORM_CONTACT", APP_HANDLE, (":", "=", "@")),
    ("OFF_PLATFORM_PAYMENT", BANK_ACCOUNT, ("#digits",)),
    (
        "OFF_PLATFORM_PAYMENT",
        DIRECT_PAYMENT,
        ("transfer", "trf", "tf ", "bayar", "byr", "usah", "luar", "qr", "cod ", "pay "),
    ),
    (
        "OFFLINE_STORE",
        OFFLINE,
        (
            "toko",
            "gudang",
            "outlet",
            "kios",
            "ruko",
            "store",
            "workshop",
            "rumah",
            "shop",
            "warehouse",
            "fisik",
            "visit",
            "counter",
            "showroom",
        ),
    ),
    (
        "REFUND_OUTSIDE",
        REFUND_OUT,
        (
            "refund",
            "dana",
            "uang",
            "duit",
            "usah",
            "balikin",
            "kembalikan",
            "ganti",
            "balik",
            "money back",
        ),
    ),
    ("ASK_TO_CANCEL", CANCEL, ("batal", "cancel")),
    (
        "SPAM_PROMOTION",
        SPAM,
        (
            "follow",
            "ikuti",
            "subscribe",
            "like",
            "join",
            "grup",
            "promo",
            "diskon",
            "sale",
            "jangan lupa",
            "!!",
            "sebarkan",
            "share",
            "bagikan",
            "pesan ini",
            "yuk",
            "ayo",
            "offer",
            "buy",
            "infoproduk",
            "barang",
        ),
    ),
    (
        "ILLEGAL_GOODS",
        ILLEGAL,
        (
            "narko",
            "ganja",
            "sabu",
            "ekst",
            "koplo",
            "tramadol",
            "obat",
            "senjata",
            "senpi",
            "amunisi",
            "peluru",
            "kw",
            "replika",
            "palsu",
            "tiruan",
            "bajakan",
            "bpom",
            "resep",
            "counterfeit",
            "fake",
            "mirror",
            "knock",
            "replica",
        ),
    ),
    (
        "GAMBLING",
        GAMBLING,
        (
            "judi",
            "judol",
            "slot",
            "spin",
            "togel",
            "toto",
            "taruhan",
            "casino",
            "poker",
            "jitu",
            "sabung",
            "bandar",
            "bet ",
            "bookie",
            "bookmaker",
            "maxwin",
            "jackpot",
            "deposit",
            "betting",
            "sportsbook",
            "parlay",
        ),
    ),
    (
        "FRAUD",
        FRAUD,
        (
            "otp",
            "verifikasi",
            "kode",
            "pin",
            "hadiah",
            "undian",
            "pemenang",
            "biaya",
            "ongkos",
            "login",
            "pajak",
            "cukai",
            "denda",
            "tebusan",
            "masuk",
            "verify",
            "suspend",
            "akun",
        ),
    ),
    (
        "HARASSMENT",
        INSULT,
        (
            "gobl",
            "gblk",
            "tolol",
            "tlol",
            "idiot",
            "dungu",
            "bangsat",
            "bajingan",
            "brengsek",
            "kampret",
            "keparat",
            "bego",
            "bodo",
            "kampungan",
            "sialan",
            "kurang ajar",
            "stupid",
            "moron",
            "dumb",
            "anjing",
            "anjg",
            "babi",
            "monyet",
            "setan",
            "gila",
            "miskin",
            "tai",
            "sampah",
            "norak",
            "jelek",
            "awas",
            "liat aja",
            "lihat saja",
            "tunggu aja",
            "alamat",
            "datangi",
            "samperin",
            "otak",
            "norak",
            "pathetic",
            "loser",
            "sebar",
            "labrak",
            "hajar",
            "pukul",
            "bunuh",
            "you",
            "regret",
        ),
    ),
    (
        "FEEDBACK_MANIPULATION",
        FEEDBACK,
        (
            "bintang",
            "⭐",
            "rating",
            "review",
            "ulasan",
            "penilaian",
            "feedback",
            "star",
            "retur",
            "return",
            "komplain",
            "complain",
            "refund",
        ),
    ),
    (
        "SEXUAL_CONTENT",
        SEXUAL,
        (
            "bokep",
            "porn",
            "bugil",
            "telanjang",
            "open bo",
            "ngewe",
            "sange",
            "vcs",
            "sex",
            "dewasa",
            "pap ",
            "nude",
            "foto seksi",
            "foto hot",
            "syur",
            "adult",
            "uncensored",
            "plus",
        ),
    ),
)
# One search per rule over the lower-cased text: each rule's hints as a literal alternation.
LINK_HINTS = (
    "http",
    "www",
    ".com",
    ".id",
    ".net",
    ".org",
    ".shop",
    ".store",
    ".link",
    ".ly",
    ".me",
    ".xyz",
    ".site",
    ".online",
    ".biz",
    ".info",
    ".io",
    ".ee",
    ".co",
    ".app",
    ".dev",
    ".page",
    ".bio",
    ".to",
    ".club",
    ".top",
    ".vip",
    ".live",
)
MARKETPLACE_HINTS = (
    "shopee",
    "sopi",
    "shopi",
    "sopee",
    "lzd",
    "lazada",
    "bukalapak",
    "blibli",
    "jd.id",
    "zalora",
    "olx",
    "marketplace",
    "web",
    "situs",
    "toko sebelah",
    "toko lain",
    "site",
)
# One scan of the lower-cased text finds every hint; a hint also stands for the hints it
# contains ("shopee" contains "shop"), since the scan reports the longest at a position.
_HINT_RULES: dict[str, set[int]] = {}
for _index, (_rule, _pattern, _hints) in enumerate(SIMPLE):
    for _hint in _hints:
        if _hint != "#digits":
            _HINT_RULES.setdefault(_hint, set()).add(_index)
HINT_INDEXES: dict[str, frozenset[int]] = {
    hint: frozenset().union(*(indexes for other, indexes in _HINT_RULES.items() if other in hint))
    for hint in _HINT_RULES
}
LINKS, MARKETS = -1, -2  # pseudo-indexes: the link and marketplace checks
for _hint in LINK_HINTS:
    _HINT_RULES.setdefault(_hint, set()).add(LINKS)
for _hint in MARKETPLACE_HINTS:
    _HINT_RULES.setdefault(_hint, set()).add(MARKETS)
HINT_INDEXES = {
    hint: frozenset().union(*(indexes for other, indexes in _HINT_RULES.items() if other in hint))
    for hint in _HINT_RULES
}


def _trie_pattern(words) -> str:
    """A regex matching any of `words`, longest first, shaped as a trie: Python's engine
    scans one shared-prefix tree far faster than a flat alternation of 200 literals."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"
        return body

    return build(trie)


HINT_SCAN = _compile(_trie_pattern(HINT_INDEXES))
DIGIT_RULES = frozenset(i for i, (_r, _p, hints) in enumerate(SIMPLE) if hints == ("#digits",))
LONG_NUMBER = _compile(r"\d(?:[\s.-]?\d){7}")
MARKETPLACES = _compile(
    r"\b(?:shopee|sopi|shopi|sopee|lazada|lzd|bukalapak|blibli|jd\.id|zalora|olx|"
    r"facebook\s+marketplace)\b"
    r"|\b(?:website|web|situs|site)\s+(?:kami|saya|resmi\s+kami)\b|\b(?:our|my)\s+(?:\w+\s+){0,2}site\b"
    r"|\btoko\s+sebelah\b|\b(?:beli|order|pesan)\s+di\s+(?:sana|toko\s+lain)\b",
    I,
)


def _phones(text: str) -> list[Flag]:
    flags = []
    for m in PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        national = "0" + digits[2:] if digits.startswith("62") else digits
        if 10 <= len(national) <= 13:
            flags.append(_flag("OFF_PLATFORM_CONTACT", m, text))
    return flags


def _links(text: str) -> list[Flag]:
    flags = []
    for m in URL.finditer(text):
        host = m.group(1).lower()
        if PLATFORM_DOMAINS.search(host) or CHAT_LINK.search(m.group()):
            continue  # the platform's own links; chat-app links are contact flags
        before = text[max(0, m.start() - 5) : m.start()].lower()
        after = text[m.end() : m.end() + 6].lower().lstrip()
        if before.endswith("@") or before.rstrip().endswith(("(at)", "[at]")):
            continue  # the domain of an e-mail address
        if after.startswith(("@", "(at)", "[at]")):
            continue  # the name part of an e-mail address written with dots
        flags.append(_flag("OFF_PLATFORM_LINK", m, text))
    return flags


def _marketplaces(text: str) -> list[Flag]:
    return [
        _flag("OFF_PLATFORM_LINK", m, text)
        for m in MARKETPLACES.finditer(text)
        if not NEGATION.search(text[max(0, m.start() - 40) : m.start()])
    ]


def _flag(rule: str, m: re.Match, text: str) -> Flag:
    return Flag(rule, RULES[rule].section, m.start(), m.end(), text[m.start() : m.end()])


def check_text(text: str) -> list[Flag]:
    """Every guideline flag in one message, at most one per rule (its first match), in rule
    order of appearance in the text."""
    if not text:
        return []
    found: dict[str, Flag] = {}

    def add(flag: Flag) -> None:
        if flag.rule not in found or flag.start < found[flag.rule].start:
            found[flag.rule] = flag

    lower = text.lower()
    long_number = LONG_NUMBER.search(text) is not None
    if long_number:
        for flag in _phones(text):
            add(flag)
    candidates: set[int] = set(DIGIT_RULES) if long_number else set()
    for hint in HINT_SCAN.findall(lower):
        candidates |= HINT_INDEXES[hint]
    if LINKS in candidates:
        for flag in _links(text):
            add(flag)
    if MARKETS in candidates:
        for flag in _marketplaces(text):
            add(flag)
    # Searched once per message, not once per match, so that many rejected matches cost no
    # more than one: where the first impostor warning ends, and whether the text says "in
    # the app" anywhere (None until first needed).
    warning = WARNING.search(text)
    warned_from = warning.end() if warning else len(text) + 1
    in_app: bool | None = None
    for index in sorted(i for i in candidates if i >= 0):
        rule, pattern, _hints = SIMPLE[index]
        if rule in found:
            continue
        for m in pattern.finditer(text):
            prefix = text[max(0, m.start() - 40) : m.start()]
            if rule in NEGATABLE and (NEGATION.search(prefix) or warned_from <= m.start()):
                continue
            if rule == "ASK_TO_CANCEL" and CANCEL_INNOCENT.search(prefix):
                continue
            if "qr" in m.group().lower():
                if in_app is None:
                    in_app = IN_APP.search(text) is not None
                if in_app:
                    continue
            add(_flag(rule, m, text))
            break
    refund, payment = found.get("REFUND_OUTSIDE"), found.get("OFF_PLATFORM_PAYMENT")
    if refund and payment and payment.start < refund.end and refund.start < payment.end:
        del found["OFF_PLATFORM_PAYMENT"]  # the same words: a refund outside, not a payment
    return sorted(found.values(), key=lambda f: (f.start, f.rule))
