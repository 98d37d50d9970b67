"""Evidence files: what is accepted is decided by the content, not the name."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes: an image, a PDF or UTF-8 text."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return None
    return "text/plain"


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
        name = upload.name[:200]
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
        if content_type is None:
            raise EvidenceError(
                _("%(name)s bukan gambar (PNG, JPEG, GIF, WebP), PDF atau teks.") % {"name": name}
            )
        checked.append(CheckedFile(upload, name, content_type, upload.size))
    return checked
