"""Hostile evidence uploads (tickets and appeals): file names, content sniffing, the download's
headers, size and count limits, private storage, and files left by a rolled-back transaction.

Every refused upload is checked to have stored nothing: no case, no Evidence row, no file under
MEDIA_ROOT and no temporary upload file."""

import os
import re
import stat
import struct
import unicodedata
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from appeals.evidence import (
    DROPPED_CATEGORIES,
    EXTENSIONS,
    WINDOWS_DEVICES,
    EvidenceStorage,
    content_disposition,
    evidence_name,
    evidence_storage,
)
from appeals.models import AbuseTicket, Appeal, CaseEvent, Evidence
from appeals.services import appeal_ask_info, appeal_file, appeal_start_review, ticket_file
from performance.models import Penalty, RuleSet
from performance.services.ingest import events_ingest
from seller_portal import settings as project_settings
from seller_portal.models import Shop
from tests.helpers import event

pytestmark = pytest.mark.django_db

TODAY = date(2025, 4, 29)  # Tuesday
NOW = datetime(2025, 4, 29, 3, 0, tzinfo=UTC)  # 10:00 WIB
MB = 1024 * 1024
TICKET_URL = "/toko/toko-a/tiket/baru/"
BOUNDARY = "evidence-test-boundary"


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PNG = png_bytes()
# A PNG whose text chunk holds a page: still a PNG, and served as one.
PNG_WITH_HTML = PNG[:-12] + b"\x00\x00\x00\x1ftEXtc<html><script>alert(1)</script>" + PNG[-12:]
GIF_JS = b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00*/=alert(document.domain)//;"
PDF_HTML = b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
XML_SVG = b'\xef\xbb\xbf \n<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'
TEXT_WITH_HTML = "Pembeli: <script>alert(1)</script> “saya sebar nomor kakak”\n".encode()


def chat(message, conversation, sender, at, buyer="b2", shop="toko-a"):
    return event(
        "chat.message",
        id=f"{shop}-{message}",
        shop=shop,
        at=at,
        conversation=conversation,
        message=message,
        sender=sender,
        buyer=buyer,
        text=f"teks {message}",
    )


@pytest.fixture(autouse=True)
def environment(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    settings.JOBS_IN_PROCESS = True
    monkeypatch.setattr("seller_portal.clock.today", lambda: TODAY)
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def media(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


def files_in(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def shop(make_shop):
    shop = make_shop()
    make_shop("toko-b", "Toko B")
    events = [
        chat("m3", "c2", "buyer", "2025-04-23T10:00:00+07:00"),
        chat("m4", "c2", "buyer", "2025-04-23T10:05:00+07:00"),
        chat("m5", "c2", "seller", "2025-04-24T11:00:00+07:00"),
    ]
    assert events_ingest(items=enumerate(events)).ok
    return shop


@pytest.fixture
def owner(make_user, shop):
    return make_user("pemilik", shop=shop, role="owner")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def penalty(shop):
    return Penalty.objects.create(
        shop=shop,
        rule="ORDER_IGNORED",
        key="event:i1",
        points=1,
        issued_on=date(2025, 4, 8),
        source_kind="order",
        source="INV/1",
        rule_set=RuleSet.objects.get(version="v1"),
    )


def new_ticket(shop, user, files):
    return ticket_file(
        shop=shop,
        user=user,
        conversation="c2",
        message_ids=["m3"],
        category="harassment",
        description="Pembeli memaki.",
        files=files,
        today=TODAY,
    )


TICKET_FIELDS = {
    "conversation": "c2",
    "messages": ["m3", "m4"],
    "category": "abusive",
    "description": "Pembeli mengancam.",
}


def multipart(files: list[tuple[bytes, bytes]], fields=TICKET_FIELDS) -> bytes:
    """A multipart body written byte by byte, so a file name reaches the server exactly as an
    attacker would send it (Django's test client keeps only the base name). `files` holds
    (the Content-Disposition parameters after `name="evidence"; `, content)."""
    parts = []
    for key, values in fields.items():
        for value in [values] if isinstance(values, str) else values:
            parts.append(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
    for params, content in files:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; '.encode()
            + params
            + b"\r\nContent-Type: image/png\r\n\r\n"
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post_raw(client, body: bytes, url: str = TICKET_URL, **extra):
    return client.generic(
        "POST", url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}", **extra
    )


def assert_nothing_stored(media: Path, settings) -> None:
    assert AbuseTicket.objects.count() == 0
    assert Appeal.objects.count() == 0
    assert Evidence.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert not media.exists() or files_in(media) == []
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []


def stored_path_is_private(evidence: Evidence, media: Path) -> None:
    assert re.fullmatch(rf"evidence/{evidence.shop_id}/[0-9a-f]{{32}}", evidence.file.name)
    path = Path(evidence.file.path).resolve()
    assert path.is_relative_to((media / "evidence").resolve())
    assert path.is_file()


# --- file names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("layar chat.png", "layar chat.png"),
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        ("..\\..\\x", "x"),
        ("C:\\Users\\budi\\layar.png", "layar.png"),
        ("C:layar.png", "C_layar.png"),
        ("layar\x00.png.exe", "layar.png.exe"),
        ("baris\r\nSet-Cookie: a=b.png", "baris Set-Cookie_ a=b.png"),
        ("tab\there\x1b[31m.png", "tab here[31m.png"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("\u200bnol\u200d\ufefflebar.png", "nollebar.png"),
        ('kutip "ganda".png', "kutip _ganda_.png"),
        ("<img src=x onerror=alert(1)>.png", "_img src=x onerror=alert(1)_.png"),
        ("a|b?c*d.txt", "a_b_c_d.txt"),
        ("  spasi   ganda  .png  ", "spasi ganda.png"),
        (".htaccess", "htaccess"),
        (".", "bukti"),
        ("..", "bukti"),
        ("...", "bukti"),
        ("", "bukti"),
        ("\u202e\u202e", "bukti"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("NUL .png", "_NUL.png"),
        ("LPT1.tar.gz", "_LPT1.tar.gz"),
        ("COM¹.png", "_COM¹.png"),
        ("CONSOLE.png", "CONSOLE.png"),
        ("a" * 300 + ".png", "a" * 96 + ".png"),
        ("😀" * 80 + ".png", "😀" * 49 + ".png"),  # 200 bytes of UTF-8
        ("Tangkapan layar – 29 Apr.png", "Tangkapan layar – 29 Apr.png"),
    ],
)
def test_the_shown_name_is_the_senders_name_cleaned(raw, shown):
    assert evidence_name(raw) == shown


@pytest.mark.parametrize(
    ("raw", "content_type", "download"),
    [
        ("layar.png", "image/png", "layar.png"),
        ("FOTO.JPEG", "image/jpeg", "FOTO.JPEG"),
        ("foto.jpg", "image/jpeg", "foto.jpg"),
        ("bukti.html", "image/png", "bukti.html.png"),
        ("foto.png.html", "image/png", "foto.png.html.png"),
        ("riwayat", "application/pdf", "riwayat.pdf"),
        ("chat.csv", "text/plain", "chat.csv.txt"),
        ("halaman.html", "text/plain", "halaman.html.txt"),
        ("invoice\u202egnp.exe", "image/png", "invoicegnp.exe.png"),
        ("...", "image/png", "bukti.png"),
        ("CON", "text/plain", "_CON.txt"),
        ("a" * 300 + ".exe", "image/gif", "a" * 96 + ".gif"),
    ],
)
def test_the_download_name_ends_in_an_extension_of_the_sniffed_type(raw, content_type, download):
    assert evidence_name(raw, content_type) == download


@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.text(max_size=400), content_type=st.sampled_from([None, *EXTENSIONS]))
def test_any_name_cleans_to_a_safe_name_and_cleaning_again_changes_nothing(raw, content_type):
    name = evidence_name(raw, content_type)

    assert evidence_name(name, content_type) == name
    assert name and len(name) <= 100 and len(name.encode()) <= 200
    assert not set(name) & set('/\\"<>:|?*')
    assert all(unicodedata.category(ch) not in DROPPED_CATEGORIES for ch in name)
    assert name == " ".join(name.split()) and name[0] not in ". " and name[-1] not in ". "
    assert name.split(".")[0].rstrip().upper() not in WINDOWS_DEVICES


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("layar chat.png", 'attachment; filename="layar chat.png"'),
        ("100% bukti; 1,2.png", 'attachment; filename="100% bukti; 1,2.png"'),
        (
            "bukti ü.png",
            "attachment; filename=\"bukti u.png\"; filename*=UTF-8''bukti%20%C3%BC.png",
        ),
        (
            "Tangkapan layar – 29 Apr.png",
            'attachment; filename="Tangkapan layar 29 Apr.png"; '
            "filename*=UTF-8''Tangkapan%20layar%20%E2%80%93%2029%20Apr.png",
        ),
        ("测试.png", "attachment; filename=\"bukti.png\"; filename*=UTF-8''%E6%B5%8B%E8%AF%95.png"),
        # A name stored before cleaning, or written by other means, is cleaned again.
        ('x"\r\nSet-Cookie: a=b.png', 'attachment; filename="x_ Set-Cookie_ a=b.png"'),
        ('a\\"; filename=evil.html', 'attachment; filename="_; filename=evil.html"'),
        (
            "\uff02\uff1c.png",
            "attachment; filename=\"bukti.png\"; filename*=UTF-8''%EF%BC%82%EF%BC%9C.png",
        ),
    ],
)
def test_the_content_disposition_header_is_rfc_6266_and_cannot_be_injected(name, header):
    value = content_disposition(name)

    assert value == header
    assert not set(value) & {"\r", "\n", "\x00"}


@pytest.mark.parametrize(
    ("params", "shown", "download"),
    [
        (b'filename="../../etc/passwd"', "passwd", "passwd.png"),
        (b'filename="..\\\\..\\\\x.png"', "x.png", "x.png"),
        (b'filename="/var/www/layar.png"', "layar.png", "layar.png"),
        (b"filename*=UTF-8''..%2F..%2Fetc%2Fpasswd", "passwd", "passwd.png"),
        (b'filename="C:\\\\Windows\\\\win.ini"', "win.ini", "win.ini.png"),
        ('filename="invoice\u202egnp.exe"'.encode(), "invoicegnp.exe", "invoicegnp.exe.png"),
        (b'filename="lay\x00ar.png"', "layar.png", "layar.png"),
        (b'filename="&lt;script&gt;.png"', "_script_.png", "_script_.png"),
        (b'filename="..."', "bukti", "bukti.png"),
        (b'filename="CON.png"', "_CON.png", "_CON.png"),
        (b'filename="' + b"a" * 300 + b'.png"', "a" * 96 + ".png", "a" * 96 + ".png"),
    ],
)
def test_a_hostile_name_is_stored_under_a_server_chosen_path(
    owner_client, shop, media, params, shown, download
):
    response = post_raw(owner_client, multipart([(params, PNG)]))

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.name, evidence.content_type) == (shown, "image/png")
    stored_path_is_private(evidence, media)
    assert files_in(media) == [evidence.file.name]
    assert owner_client.get(f"/bukti/{evidence.pk}/")["Content-Disposition"] == (
        f'attachment; filename="{download}"'
    )


def test_a_part_named_dot_dot_is_dropped_by_django_and_nothing_is_written(
    owner_client, shop, media
):
    response = post_raw(owner_client, multipart([(b'filename=".."', PNG)]))

    assert response.status_code == 302
    assert AbuseTicket.objects.count() == 1
    assert Evidence.objects.count() == 0
    assert files_in(media) == []


def test_the_service_never_uses_the_senders_name_on_disk(shop, owner, media):
    hostile = SimpleUploadedFile("x.png", PNG)
    hostile.name = "../../../../tmp/owned.png"  # as a caller other than Django's parser might

    ticket = new_ticket(shop, owner, [hostile])

    evidence = ticket.evidence.get()
    assert evidence.name == "owned.png"
    stored_path_is_private(evidence, media)
    assert files_in(media) == [evidence.file.name]


def test_a_stored_name_is_escaped_where_it_is_shown(owner_client, shop, owner, media):
    ticket = new_ticket(shop, owner, [SimpleUploadedFile("layar.png", PNG)])
    Evidence.objects.filter(ticket=ticket).update(name="<b>x</b>.png")  # written by other means

    html = owner_client.get(f"/toko/toko-a/tiket/{ticket.pk}/").content.decode()

    assert "&lt;b&gt;x&lt;/b&gt;.png</a>" in html
    assert "<b>x</b>" not in html


# --- type sniffing ----------------------------------------------------------------------------


def headers(response) -> dict[str, str]:
    keys = (
        "Content-Type",
        "Content-Disposition",
        "X-Content-Type-Options",
        "Content-Security-Policy",
        "Cross-Origin-Resource-Policy",
        "Cache-Control",
    )
    return {key: response.get(key) for key in keys}


def served(content_type: str, filename: str) -> dict[str, str]:
    return {
        "Content-Type": content_type,
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Cache-Control": "private, no-store",
    }


@pytest.mark.parametrize(
    ("name", "content", "shown", "sniffed", "content_type", "download"),
    [
        ("layar.png", PNG, "layar.png", "image/png", "image/png", "layar.png"),
        ("layar.html", PNG, "layar.html", "image/png", "image/png", "layar.html.png"),
        ("poliglot.png", PNG_WITH_HTML, "poliglot.png", "image/png", "image/png", "poliglot.png"),
        ("poliglot.js", GIF_JS, "poliglot.js", "image/gif", "image/gif", "poliglot.js.gif"),
        ("dok.html", PDF_HTML, "dok.html", "application/pdf", "application/pdf", "dok.html.pdf"),
        (
            "chat.html",
            TEXT_WITH_HTML,
            "chat.html",
            "text/plain",
            "text/plain; charset=utf-8",
            "chat.html.txt",
        ),
    ],
)
def test_the_content_decides_the_type_and_the_download_is_never_rendered(
    owner_client, shop, owner, media, name, content, shown, sniffed, content_type, download
):
    # The browser's Content-Type (here always image/png) is ignored.
    ticket = new_ticket(shop, owner, [SimpleUploadedFile(name, content, "image/png")])
    evidence = ticket.evidence.get()

    response = owner_client.get(f"/bukti/{evidence.pk}/")

    assert (evidence.name, evidence.content_type) == (shown, sniffed)
    assert response.status_code == 200
    assert headers(response) == served(content_type, download)
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "layar.png",
            HTML,
            "layar.png adalah halaman web atau gambar vektor (HTML, SVG, XML), bukan teks biasa; "
            "kirim tangkapan layar atau PDF.",
        ),
        (
            "layar.png",
            SVG,
            "layar.png adalah halaman web atau gambar vektor (HTML, SVG, XML), bukan teks biasa; "
            "kirim tangkapan layar atau PDF.",
        ),
        (
            "vektor.svg",
            XML_SVG,
            "vektor.svg adalah halaman web atau gambar vektor (HTML, SVG, XML), bukan teks "
            "biasa; kirim tangkapan layar atau PDF.",
        ),
        (
            "komentar.txt",
            b"\n\n<!-- catatan --><p>halo</p>",
            "komentar.txt adalah halaman web atau gambar vektor (HTML, SVG, XML), bukan teks "
            "biasa; kirim tangkapan layar atau PDF.",
        ),
        (
            "layar.png",
            b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>",
            "layar.png bukan gambar (PNG, JPEG, GIF, WebP), PDF atau teks.",
        ),
        (
            "panjang.txt",
            b"a" * 4000 + b"\xff\xfe",
            "panjang.txt bukan gambar (PNG, JPEG, GIF, WebP), PDF atau teks.",
        ),
        (
            "panjang.txt",
            b"a" * 4000 + b"\x01",
            "panjang.txt bukan gambar (PNG, JPEG, GIF, WebP), PDF atau teks.",
        ),
        (
            "utf16.txt",
            "teks".encode("utf-16"),
            "utf16.txt bukan gambar (PNG, JPEG, GIF, WebP), PDF atau teks.",
        ),
    ],
)
def test_markup_and_binary_disguised_as_evidence_are_refused(
    owner_client, shop, media, settings, name, content, message
):
    upload = SimpleUploadedFile(name, content, content_type="image/png")

    response = owner_client.post(TICKET_URL, {**TICKET_FIELDS, "evidence": [upload]})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [message]
    assert_nothing_stored(media, settings)


def test_text_that_merely_mentions_a_tag_is_text(shop, owner):
    ticket = new_ticket(shop, owner, [SimpleUploadedFile("chat.txt", b"<3 makasih kak")])

    assert ticket.evidence.get().content_type == "text/plain"


def test_a_download_of_an_unknown_stored_type_is_an_opaque_attachment(owner_client, shop, owner):
    ticket = new_ticket(shop, owner, [SimpleUploadedFile("layar.png", PNG)])
    evidence = ticket.evidence.get()
    Evidence.objects.filter(pk=evidence.pk).update(content_type="text/html", name="x.html")

    response = owner_client.get(f"/bukti/{evidence.pk}/")

    assert headers(response) == served("application/octet-stream", "x.html")


def test_a_download_whose_file_is_missing_is_a_404_not_a_500(owner_client, shop, owner, media):
    ticket = new_ticket(shop, owner, [SimpleUploadedFile("layar.png", PNG)])
    evidence = ticket.evidence.get()
    Path(evidence.file.path).unlink()

    assert owner_client.get(f"/bukti/{evidence.pk}/").status_code == 404


# --- size and count ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [("besar.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * MB + 1 - 8))],
            "besar.png lebih besar dari 5 MB.",
        ),
        ([("layar.png", PNG), ("kosong.txt", b"")], "kosong.txt kosong."),
        ([(f"layar-{n}.png", PNG) for n in range(6)], "Paling banyak 5 berkas bukti."),
    ],
    ids=["5MB+1", "empty", "six-files"],
)
def test_a_refused_upload_is_explained_on_the_form_and_stores_nothing(
    owner_client, shop, media, settings, files, message
):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]

    response = owner_client.post(TICKET_URL, {**TICKET_FIELDS, "evidence": uploads})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [message]
    assert f'<p class="form-error" role="alert">{message}</p>' in response.content.decode()
    assert_nothing_stored(media, settings)


def test_a_file_at_the_limit_is_accepted(owner_client, shop, media):
    content = b"%PDF-1.4\n" + b"a" * (5 * MB - 9)

    response = owner_client.post(
        TICKET_URL, {**TICKET_FIELDS, "evidence": [SimpleUploadedFile("pas.pdf", content)]}
    )

    assert response.status_code == 302
    assert Evidence.objects.get().size == 5 * MB


def test_the_answer_to_a_question_cannot_push_an_appeal_past_five_files(
    owner_client, shop, owner, penalty, reviewer, media, settings
):
    appeal = appeal_file(
        target=penalty,
        user=owner,
        reason="platform_logistics",
        explanation="Kurir tidak datang.",
        order_ids=[],
        files=[SimpleUploadedFile(f"resi-{n}.png", PNG) for n in range(4)],
        today=TODAY,
    )
    appeal_start_review(appeal=appeal, reviewer=reviewer)
    appeal_ask_info(appeal=appeal, reviewer=reviewer, question="Ada foto lain?")
    stored = files_in(media)

    response = owner_client.post(
        f"/toko/toko-a/banding/{appeal.pk}/",
        {"answer": "Ini.", "evidence": [SimpleUploadedFile(f"x{n}.png", PNG) for n in range(2)]},
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Paling banyak 5 berkas bukti."]
    appeal.refresh_from_db()
    assert (appeal.state, appeal.evidence.count()) == ("needs_info", 4)
    assert files_in(media) == stored


REFUSED_PAGE = '<p class="form-error" role="alert">{}</p>'
TOO_LARGE = (
    "Unggahan terlalu besar: paling banyak 26 MB sekaligus (5 berkas bukti, masing-masing 5 MB)."
)


def test_the_request_limit_is_every_file_at_its_limit_plus_a_megabyte(settings):
    assert settings.EVIDENCE_MAX_REQUEST_BYTES == 26 * MB
    assert settings.FILE_UPLOAD_HANDLERS[0] == "appeals.evidence.UploadLimitHandler"


def test_a_huge_body_is_refused_with_413_and_stores_nothing(owner_client, shop, media, settings):
    body = multipart([(b'filename="besar.png"', b"\x89PNG\r\n\x1a\n" + b"\x00" * 26 * MB)])

    response = post_raw(owner_client, body)

    assert response.status_code == 413
    assert REFUSED_PAGE.format(TOO_LARGE) in response.content.decode()
    assert_nothing_stored(media, settings)


def test_a_huge_declared_length_is_refused_before_the_body_is_read(
    owner_client, shop, media, settings
):
    # The test client's payload fails the test if more than the 2 bytes sent are read.
    response = post_raw(owner_client, b"--", CONTENT_LENGTH=str(10 * 1024 * MB))

    assert response.status_code == 413
    assert REFUSED_PAGE.format(TOO_LARGE) in response.content.decode()
    assert_nothing_stored(media, settings)


def test_the_limit_is_explained_in_english_too(owner_client, shop, settings):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = post_raw(owner_client, b"--", CONTENT_LENGTH=str(27 * MB))

    assert response.status_code == 413
    assert (
        REFUSED_PAGE.format(
            "The upload is too large: at most 26 MB at once (5 evidence files of 5 MB each)."
        )
        in response.content.decode()
    )


def test_a_huge_form_field_is_refused_with_413(owner_client, shop, media, settings):
    fields = TICKET_FIELDS | {"description": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}

    response = post_raw(owner_client, multipart([], fields=fields))

    assert response.status_code == 413
    assert REFUSED_PAGE.format(TOO_LARGE) in response.content.decode()
    assert_nothing_stored(media, settings)


def test_more_files_than_django_parses_is_a_clean_400(owner_client, shop, media, settings):
    files = [(f'filename="l{n}.png"'.encode(), PNG) for n in range(101)]

    response = post_raw(owner_client, multipart(files))

    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 100
    assert response.status_code == 400
    assert REFUSED_PAGE.format("Paling banyak 5 berkas bukti.") in response.content.decode()
    assert_nothing_stored(media, settings)


def test_an_unreadable_body_is_a_clean_400(owner_client, shop, media, settings):
    response = owner_client.generic(
        "POST", TICKET_URL, b"garbage", content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert (
        REFUSED_PAGE.format("Unggahan tidak terbaca. Muat ulang halaman dan coba lagi.")
        in response.content.decode()
    )
    assert_nothing_stored(media, settings)


@pytest.mark.parametrize(
    "url",
    [
        "/toko/toko-a/banding/baru/penalti/{penalty}/",
        "/toko/toko-a/banding/{appeal}/",
    ],
)
def test_the_appeal_forms_refuse_a_huge_body_too(owner_client, shop, owner, penalty, url):
    appeal = appeal_file(
        target=penalty,
        user=owner,
        reason="platform_logistics",
        explanation="Kurir tidak datang.",
        order_ids=[],
        files=[],
        today=TODAY,
    )

    response = post_raw(
        owner_client,
        b"--",
        url=url.format(penalty=penalty.pk, appeal=appeal.pk),
        CONTENT_LENGTH=str(27 * MB),
    )

    assert response.status_code == 413


def test_a_huge_body_from_a_stranger_gets_the_login_page_unread(client, shop):
    response = post_raw(client, b"--", CONTENT_LENGTH=str(27 * MB))

    assert (response.status_code, response["Location"]) == (302, f"/login/?next={TICKET_URL}")


def test_a_huge_body_from_another_shops_member_is_a_404_unread(client, shop, make_user):
    client.force_login(make_user("pemilik-b", shop=Shop.objects.get(code="toko-b")))

    assert post_raw(client, b"--", CONTENT_LENGTH=str(27 * MB)).status_code == 404


def test_a_huge_multipart_body_anywhere_else_is_a_400_not_a_500(client, shop):
    body = multipart([(b'filename="besar.png"', b"\x00" * 26 * MB)], fields={"username": "x"})

    response = post_raw(client, body, url="/login/")

    assert response.status_code == 400


def test_the_size_is_checked_before_the_csrf_check_reads_the_body(owner, shop):
    """Django's CSRF check reads the form; the upload views check the size first."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = post_raw(client, b"--", CONTENT_LENGTH=str(10 * 1024 * MB))

    assert response.status_code == 413


def test_the_upload_forms_still_require_the_csrf_token(owner, shop, media, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(
        TICKET_URL, {**TICKET_FIELDS, "evidence": [SimpleUploadedFile("layar.png", PNG)]}
    )

    assert response.status_code == 403
    assert_nothing_stored(media, settings)


# --- private storage --------------------------------------------------------------------------


@pytest.fixture
def evidence(shop, owner):
    return new_ticket(shop, owner, [SimpleUploadedFile("layar.png", PNG)]).evidence.get()


def test_evidence_has_no_public_url(owner, evidence, settings):
    settings.WHITENOISE_USE_FINDERS = False  # as in production (DEBUG off)
    client = Client()  # a new handler, so whitenoise reads the setting
    client.force_login(owner)
    name = evidence.file.name

    assert settings.MEDIA_URL == "/"  # Django's default; nothing is routed under it
    for url in (f"/{name}", f"/media/{name}", f"/static/{name}", f"/static/../media/{name}"):
        assert client.get(url).status_code == 404, url
    with pytest.raises(ValueError, match="no URL"):
        evidence.file.url  # noqa: B018


def test_media_root_is_outside_every_directory_whitenoise_serves():
    media = Path(project_settings.MEDIA_ROOT).resolve()
    served = [project_settings.STATIC_ROOT, *project_settings.STATICFILES_DIRS]

    assert not any(media.is_relative_to(Path(d).resolve()) for d in served)
    assert not any(Path(d).resolve().is_relative_to(media) for d in served)
    assert getattr(project_settings, "WHITENOISE_ROOT", None) is None


def test_evidence_files_are_not_readable_by_other_users(evidence):
    assert stat.S_IMODE(os.stat(evidence.file.path).st_mode) == 0o640


def test_the_evidence_field_uses_the_private_storage():
    assert isinstance(Evidence._meta.get_field("file").storage, EvidenceStorage)


# --- files of a rolled-back transaction -------------------------------------------------------


def test_a_ticket_that_rolls_back_after_its_files_were_saved_leaves_no_file(
    shop, owner, media, settings, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("timeline write failed")

    monkeypatch.setattr("appeals.services._record", fail)
    files = [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.txt", b"teks")]

    with pytest.raises(RuntimeError):
        new_ticket(shop, owner, files)

    assert_nothing_stored(media, settings)


def test_a_failure_while_saving_the_second_file_removes_the_first(
    shop, owner, media, settings, monkeypatch
):
    saved = []
    original = EvidenceStorage._save

    def save_once(self, name, content):
        if saved:
            raise OSError(28, "No space left on device")
        saved.append(name)
        return original(self, name, content)

    monkeypatch.setattr(EvidenceStorage, "_save", save_once)

    with pytest.raises(OSError):
        new_ticket(shop, owner, [SimpleUploadedFile(f"{n}.png", PNG) for n in "ab"])

    assert len(saved) == 1
    assert_nothing_stored(media, settings)


def test_a_request_that_fails_after_storing_leaves_no_file(
    owner, shop, media, settings, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("timeline write failed")

    monkeypatch.setattr("appeals.services._record", fail)
    client = Client(raise_request_exception=False)
    client.force_login(owner)

    response = client.post(
        TICKET_URL, {**TICKET_FIELDS, "evidence": [SimpleUploadedFile("layar.png", PNG)]}
    )

    assert response.status_code == 500
    assert_nothing_stored(media, settings)


@pytest.mark.django_db(transaction=True)
def test_a_file_stays_when_its_transaction_commits_and_goes_when_it_rolls_back(media):
    storage = evidence_storage()

    with transaction.atomic():
        kept = storage.save("evidence/1/kept", ContentFile(b"x"))
    with pytest.raises(RuntimeError), transaction.atomic():
        storage.save("evidence/1/outer", ContentFile(b"x"))
        with transaction.atomic():
            storage.save("evidence/1/inner-kept", ContentFile(b"x"))
        try:
            with transaction.atomic():
                storage.save("evidence/1/inner-rolled-back", ContentFile(b"x"))
                raise ValueError
        except ValueError:
            pass
        assert files_in(media) == [
            "evidence/1/inner-kept",
            "evidence/1/kept",
            "evidence/1/outer",
        ]
        raise RuntimeError

    assert files_in(media) == [kept]


@pytest.mark.django_db(transaction=True)
def test_a_committed_file_stays_when_an_earlier_commit_callback_fails(media):
    """The rows are committed; a failing on_commit callback must not cost them their files."""

    def fail():
        raise RuntimeError("mail server down")

    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(fail)
        name = evidence_storage().save("evidence/1/committed", ContentFile(b"x"))

    assert files_in(media) == [name]


@pytest.mark.django_db(transaction=True)
def test_a_file_saved_outside_a_transaction_stays(media):
    name = evidence_storage().save("evidence/1/autocommit", ContentFile(b"x"))

    assert files_in(media) == [name]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_saves_text_with_html_as_a_file_and_runs_none_of_it(
    page, live_server, make_shop, make_user, settings
):
    shop = make_shop()
    owner = make_user("pemilik", shop=shop)
    evidence = Evidence(
        shop=shop,
        name="chat.html",
        content_type="text/plain",
        size=len(TEXT_WITH_HTML),
        uploaded_by=owner,
    )
    evidence.file.save("chat.html", ContentFile(TEXT_WITH_HTML), save=False)
    evidence.save()
    client = Client()
    client.force_login(owner)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/ping")

    with page.expect_download() as started:
        page.evaluate("url => { window.location.href = url }", f"/bukti/{evidence.pk}/")

    download = started.value
    assert download.suggested_filename == "chat.html.txt"
    assert Path(download.path()).read_bytes() == TEXT_WITH_HTML
    assert page.url == f"{live_server.url}/ping"  # the page did not navigate to the file
    assert dialogs == []
