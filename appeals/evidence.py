"""Evidence files: what is accepted is decided by the content, not the name.

Three rules hold for every file a seller or support sends:

- the bytes decide the type (`sniff`, `evidence_check`); the name and the browser's
  Content-Type are never consulted;
- the name on disk is the server's (`appeals.models.evidence_path`); the name shown is a
  cleaned copy of the sender's (`evidence_name`), and the name offered on download is that
  copy ending in an extension of the sniffed type, so a saved file opens as what it is;
- a file stays on disk only if the transaction that recorded it commits (`EvidenceStorage`).
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

PNG, JPEG, GIF, WEBP, PDF, TEXT = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
)
SIGNATURES = (
    # A PNG's first chunk is always IHDR: eight bytes of signature alone are not an image.
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"%PDF-", PDF),
)
# The extensions a download may carry for each accepted type; the first is added when the
# sender's name has none of them, so the saved file opens as what it is.
EXTENSIONS = {
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg", ".jpe"),
    GIF: (".gif",),
    WEBP: (".webp",),
    PDF: (".pdf",),
    TEXT: (".txt",),
}
# What a browser receives: text is declared UTF-8 (it was checked to be), so nothing guesses.
SERVED_TYPES = {**{t: t for t in EXTENSIONS}, TEXT: "text/plain; charset=utf-8"}
NAME_MAX_CHARS = 100
NAME_MAX_BYTES = 200  # UTF-8; most file systems allow 255
FALLBACK_STEM = "bukti"
# Bytes that never occur in text (WHATWG MIME Sniffing, "binary data byte").
BINARY_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
# Text that opens like a tag is a document a browser would render (HTML, SVG, XML).
MARKUP_START = re.compile(r"<[A-Za-z!?/]")
LEADING_SPACE = "\ufeff \t\r\n\f"  # skipped by browsers before a document's first tag
# Reserved on Windows whatever the extension ("CON.txt" is the console).
WINDOWS_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    "CLOCK$",
    *(f"{port}{n}" for port in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]),
}
# Not allowed in Windows file names, and a quote or backslash would need escaping in headers.
FORBIDDEN_CHARS = str.maketrans({c: "_" for c in '<>:"|?*'})
# Invisible or layout-changing characters (controls, format characters such as the
# right-to-left override U+202E, private use, unassigned, line and paragraph separators).
DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes: an image, a PDF, or text/plain when
    the sample reads as UTF-8 (the whole file is checked by `evidence_check`)."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.translate(None, BINARY_BYTES) != head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return None
    return TEXT


def _text_problem(upload) -> str | None:
    """Why a file sniffed as text is not plain UTF-8 text, or None when it is: every byte is
    checked, not only the sample."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    start = ""  # the text up to its first characters after leading white space
    try:
        for chunk in upload.chunks():
            if chunk.translate(None, BINARY_BYTES) != chunk:
                return "binary"
            text = decoder.decode(chunk)
            if len(start.lstrip(LEADING_SPACE)) < 8:
                start += text
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "binary"
    finally:
        upload.seek(0)
    if MARKUP_START.match(start.lstrip(LEADING_SPACE)):
        return "markup"
    return None


def evidence_name(raw: str, content_type: str | None = None) -> str:
    """The name shown for a file and offered on download: the sender's name without any path,
    invisible or control characters, characters Windows refuses, leading or trailing dots and
    spaces, device names, or excess length; with `content_type`, ending in an extension of
    that type. Never empty. Applying it twice changes nothing."""
    name = unicodedata.normalize("NFC", str(raw))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or unicodedata.category(ch) not in DROPPED_CATEGORIES
    )
    name = " ".join(name.translate(FORBIDDEN_CHARS).split()).strip(" .")
    stem, extension = _split(name)
    wanted = EXTENSIONS.get(content_type, ())
    if wanted and extension.lower() not in wanted:
        stem, extension = name, wanted[0]
    if stem.split(".")[0].rstrip().upper() in WINDOWS_DEVICES:
        stem = f"_{stem}"
    while len(stem) + len(extension) > NAME_MAX_CHARS or (
        len((stem + extension).encode()) > NAME_MAX_BYTES
    ):
        stem = stem[:-1]
    return f"{stem.strip(' .') or FALLBACK_STEM}{extension}"


def _split(name: str) -> tuple[str, str]:
    """`name` as stem and extension (with its dot); an extension is 1-10 ASCII letters or
    digits after the last dot."""
    stem, dot, extension = name.rpartition(".")
    if stem and re.fullmatch(r"[A-Za-z0-9]{1,10}", extension):
        return stem, f"{dot}{extension}"
    return name, ""


def content_disposition(name: str) -> str:
    """`attachment` with the name as RFC 6266 asks: a plain quoted `filename` when the name is
    printable ASCII, else an ASCII approximation there and the exact name in `filename*`
    (RFC 8187: UTF-8, percent-encoded). The name is cleaned again, so no quote, backslash,
    CR or LF can reach the header whatever is stored."""
    name = evidence_name(name)
    if re.fullmatch(r"[\x20-\x7e]+", name):
        return f'attachment; filename="{name}"'
    stem, extension = _split(name)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = evidence_name(ascii_stem)
    if not re.search(r"[A-Za-z0-9]", ascii_stem):
        ascii_stem = FALLBACK_STEM
    ascii_name = evidence_name(f"{ascii_stem}{extension}")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def served_content_type(stored: str) -> str:
    """The Content-Type an evidence download is served with: the type sniffed at upload, or
    `application/octet-stream` for anything else (a row written by other means)."""
    return SERVED_TYPES.get(stored, "application/octet-stream")


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    content_type: str
    size: int


class EvidenceError(ValueError):
    pass


def evidence_check(files: list) -> list[CheckedFile]:
    """Every file acceptable, or EvidenceError naming the first that is not."""
    if len(files) > settings.EVIDENCE_MAX_FILES:
        raise EvidenceError(
            _("Paling banyak %(n)s berkas bukti.") % {"n": settings.EVIDENCE_MAX_FILES}
        )
    checked = []
    for upload in files:
        name = evidence_name(upload.name or "")
        if upload.size > settings.EVIDENCE_MAX_BYTES:
            raise EvidenceError(
                _("%(name)s lebih besar dari %(mb)s MB.")
                % {"name": name, "mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
            )
        if upload.size == 0:
            raise EvidenceError(_("%(name)s kosong.") % {"name": name})
        upload.seek(0)
        content_type = sniff(upload.read(2048))
        upload.seek(0)
        problem = _text_problem(upload) if content_type == TEXT else None
        if problem == "markup":
            raise EvidenceError(
                _(
                    "%(name)s adalah halaman web atau gambar vektor (HTML, SVG, XML), bukan teks "
                    "biasa; kirim tangkapan layar atau PDF."
                )
                % {"name": name}
            )
        if content_type is None or problem:
            raise EvidenceError(
                _("%(name)s bukan gambar (PNG, JPEG, GIF, WebP), PDF atau teks.") % {"name": name}
            )
        checked.append(CheckedFile(upload, name, content_type, upload.size))
    return checked


class _KeptOnCommit:
    """Registered with `on_commit` for one stored file. Django calls it when the transaction
    commits; when the transaction (or the savepoint the file was stored in) rolls back, Django
    drops it uncalled, and being dropped uncalled deletes the file: Django has no on-rollback
    hook, and the row naming the file is gone with the rollback. Nothing else refers to the
    object, so CPython frees it (and deletes) the moment Django drops it."""

    def __init__(self, storage: EvidenceStorage, name: str, connection) -> None:
        self.storage, self.name, self.connection = storage, name, connection
        self.committed = False

    def __call__(self) -> None:
        self.committed = True

    def __del__(self) -> None:
        if self.committed:
            return
        # Dropped outside any transaction in autocommit mode: the commit happened and an
        # earlier on_commit callback raised, so the row exists; keep its file.
        if not self.connection.in_atomic_block and getattr(self.connection, "autocommit", False):
            return
        try:
            self.storage.delete(self.name)
        except OSError:
            logger.exception("could not delete %s after a rollback", self.name)


class EvidenceStorage(FileSystemStorage):
    """Evidence under MEDIA_ROOT, readable by the server's user and group only, with no URL
    (files are served by the access-checked `evidence` view), and removed again when the
    transaction that stored it rolls back."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o640)

    def _save(self, name, content):
        name = super()._save(name, content)
        connection = transaction.get_connection()
        if connection.in_atomic_block:
            transaction.on_commit(_KeptOnCommit(self, name, connection))
        return name

    def url(self, name):
        raise ValueError("evidence files have no URL; link to the evidence view")


_storage = EvidenceStorage()


def evidence_storage() -> EvidenceStorage:
    return _storage


class UploadLimitHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: a multipart body larger than EVIDENCE_MAX_REQUEST_BYTES
    is refused before any of it is read (400, logged by django.security). Django bounds form
    fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but would stream any amount of file data to disk.
    The evidence forms check the same limit first and explain it (appeals.views)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.EVIDENCE_MAX_REQUEST_BYTES:
            raise RequestDataTooBig(
                f"multipart body of {content_length} bytes exceeds EVIDENCE_MAX_REQUEST_BYTES"
            )

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
