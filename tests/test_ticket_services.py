"""Abuse tickets (RULES §7): filing with evidence checked by content, the decision deadline on the
Indonesian working-day calendar, review transitions, the CS re-evaluation a verification causes,
and the notices it sends."""

import struct
import zlib
from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals.evidence import EvidenceError
from appeals.models import AbuseTicket, CaseEvent, Evidence, Notice
from appeals.services import (
    CaseError,
    ticket_file,
    ticket_reject,
    ticket_start_review,
    ticket_verify,
)
from performance.models import CsWeek, EnforcementRecord, JobRun, MessageExclusion
from performance.selectors import ticket_by_excluded_message
from performance.services.cs_evaluation import cs_evaluate_week
from performance.services.exclusions import message_exclusions_set
from performance.services.ingest import events_ingest
from tests.helpers import event

pytestmark = pytest.mark.django_db

WEEK = date(2025, 4, 21)  # Mon 21 – Sun 27 April 2025, no holiday; evaluated Mon 28 April
TODAY = date(2025, 4, 29)  # Tuesday after the evaluation
NOW = datetime(2025, 4, 29, 3, 0, tzinfo=UTC)  # 10:00 WIB
MB = 1024 * 1024


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = "Pembeli: “kalau tidak refund, saya sebar nomor kakak” — 23/04 10:00\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


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
        text="Kak?" if sender == "buyer" else "Baik kak",
    )


@pytest.fixture(autouse=True)
def environment(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_IN_PROCESS = True
    monkeypatch.setattr("seller_portal.clock.today", lambda: TODAY)


@pytest.fixture
def shop(make_shop):
    """Week of 21 April 2025 in toko-a:

    - c1 (buyer b1): m1 Tuesday 22 April 09:00, answered m2 09:30 → on time
    - c2 (buyer b2): m3 Wednesday 23 April 10:00 and m4 10:05, answered m5 Thursday 24 April
      11:00 (25 h) → late
    1 of 2 turns on time = 50% → fail. toko-b has its own buyer message m9 in c2.
    """
    shop = make_shop()
    make_shop("toko-b", "Toko B")
    events = [
        chat("m1", "c1", "buyer", "2025-04-22T09:00:00+07:00", buyer="b1"),
        chat("m2", "c1", "seller", "2025-04-22T09:30:00+07:00", buyer="b1"),
        chat("m3", "c2", "buyer", "2025-04-23T10:00:00+07:00"),
        chat("m4", "c2", "buyer", "2025-04-23T10:05:00+07:00"),
        chat("m5", "c2", "seller", "2025-04-24T11:00:00+07:00"),
        chat("m9", "c2", "buyer", "2025-04-23T10:00:00+07:00", buyer="b9", shop="toko-b"),
    ]
    assert events_ingest(items=enumerate(events)).ok
    return shop


@pytest.fixture
def owner(make_user, shop):
    return make_user("pemilik", shop=shop, role="owner", email="pemilik@toko-a.test")


def file_ticket(shop, user, **overrides):
    kwargs = {
        "shop": shop,
        "user": user,
        "conversation": "c2",
        "message_ids": ["m3", "m4"],
        "category": "abusive",
        "description": "Pembeli mengancam menyebarkan nomor saya.",
        "files": [],
        "today": date(2025, 4, 28),
    }
    return ticket_file(**(kwargs | overrides))


def timeline(case):
    return list(
        case.timeline.order_by("id").values_list(
            "actor__username", "from_state", "to_state", "note"
        )
    )


def files_in(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# --- filing -----------------------------------------------------------------------------------


def test_a_ticket_on_buyer_messages_is_submitted(shop, owner, tmp_path):
    ticket = file_ticket(
        shop,
        owner,
        message_ids=["m4", "m3", "m4"],
        description="  Pembeli mengancam menyebarkan nomor saya.\n",
        files=[upload("layar.png", png_bytes())],
    )

    ticket.refresh_from_db()
    assert (ticket.shop, ticket.conversation, ticket.buyer, ticket.message_ids) == (
        shop,
        "c2",
        "b2",
        ["m3", "m4"],
    )
    assert (ticket.category, ticket.description) == (
        "abusive",
        "Pembeli mengancam menyebarkan nomor saya.",
    )
    assert (ticket.state, ticket.filed_by, ticket.filed_by_support) == ("submitted", owner, False)
    assert (ticket.decision_reason, ticket.decided_at) == ("", None)
    # Mon 28 April → Tue 29, Wed 30, (Thu 1 May Labour Day), Fri 2 May.
    assert ticket.due_on == date(2025, 5, 2)
    assert timeline(ticket) == [("pemilik", "", "submitted", "")]
    evidence = ticket.evidence.get()
    assert (evidence.name, evidence.content_type, evidence.size, evidence.uploaded_by) == (
        "layar.png",
        "image/png",
        len(png_bytes()),
        owner,
    )
    assert evidence.shop == shop and evidence.appeal is None
    assert files_in(tmp_path) == [evidence.file.name]
    assert evidence.file.name.startswith(f"evidence/{shop.pk}/")
    assert not evidence.file.name.endswith(".png")  # the name on disk is never the seller's
    assert Notice.objects.count() == 0


@pytest.mark.parametrize(
    ("filed_on", "due_on"),
    [
        # Fri 9 May; Mon 12 Waisak, Tue 13 cuti bersama → Wed 14, Thu 15, Fri 16.
        (date(2025, 5, 9), date(2025, 5, 16)),
        # Sat 10 May: the weekend and 12–13 May are not working days → Wed 14, Thu 15, Fri 16.
        (date(2025, 5, 10), date(2025, 5, 16)),
        # Wed 28 May; Thu 29 Ascension, Fri 30 cuti bersama → Mon 2, Tue 3, Wed 4 June.
        (date(2025, 5, 28), date(2025, 6, 4)),
        # Tue 22 April, a plain week → Wed 23, Thu 24, Fri 25.
        (date(2025, 4, 22), date(2025, 4, 25)),
        # Thu 27 March; Fri 28 cuti bersama Nyepi, 31 Mar–7 Apr Idul Fitri and cuti bersama
        # → Tue 8, Wed 9, Thu 10 April.
        (date(2025, 3, 27), date(2025, 4, 10)),
    ],
)
def test_the_decision_is_due_three_working_days_after_filing(shop, owner, filed_on, due_on):
    ticket = file_ticket(shop, owner, today=filed_on)

    assert ticket.due_on == due_on


def test_a_support_agent_files_for_the_shop(shop, make_user):
    support = make_user("cs-staf", groups=("support",), is_staff=True)

    ticket = file_ticket(shop, support, by_support=True)

    assert (ticket.filed_by, ticket.filed_by_support) == (support, True)
    assert timeline(ticket) == [("cs-staf", "", "submitted", "")]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("tangkapan.png", png_bytes(), "image/png"),
        ("foto.jpg", JPEG, "image/jpeg"),
        ("riwayat.pdf", PDF, "application/pdf"),
        ("riwayat.txt", TEXT, "text/plain"),
        ("riwayat-chat.txt", png_bytes(), "image/png"),  # the content decides, not the name
        ("tanpa-ekstensi", PDF, "application/pdf"),
    ],
)
def test_evidence_is_accepted_by_its_content(shop, owner, tmp_path, name, content, content_type):
    ticket = file_ticket(shop, owner, files=[upload(name, content)])

    evidence = Evidence.objects.get(ticket=ticket)
    assert (evidence.name, evidence.content_type, evidence.size) == (
        name,
        content_type,
        len(content),
    )
    with evidence.file.open("rb") as stored:
        assert stored.read() == content


def test_five_files_of_exactly_five_megabytes_are_accepted(shop, owner, tmp_path):
    big = b"%PDF-1.4\n" + b"a" * (5 * MB - 9)
    files = [upload(f"bukti-{n}.pdf", big) for n in range(5)]

    ticket = file_ticket(shop, owner, files=files)

    assert list(ticket.evidence.values_list("name", "size")) == [
        (f"bukti-{n}.pdf", 5 * MB) for n in range(5)
    ]
    assert len(files_in(tmp_path)) == 5


REFUSED_FILINGS = [
    pytest.param({"message_ids": []}, CaseError, "Pilih minimal satu pesan pembeli.", id="none"),
    pytest.param(
        {"message_ids": ["m5"]},
        CaseError,
        "Pesan yang dipilih bukan pesan pembeli dalam percakapan ini.",
        id="seller-message",
    ),
    pytest.param(
        {"message_ids": ["m3", "m1"]},
        CaseError,
        "Pesan yang dipilih bukan pesan pembeli dalam percakapan ini.",
        id="other-conversation",
    ),
    pytest.param(
        {"message_ids": ["m9"]},
        CaseError,
        "Pesan yang dipilih bukan pesan pembeli dalam percakapan ini.",
        id="other-shop",
    ),
    pytest.param(
        {"message_ids": ["m-unknown"]},
        CaseError,
        "Pesan yang dipilih bukan pesan pembeli dalam percakapan ini.",
        id="unknown-message",
    ),
    pytest.param({"description": " \n "}, CaseError, "Jelaskan apa yang terjadi.", id="empty"),
    pytest.param({"category": "rude"}, CaseError, "Pilih kategori.", id="bad-category"),
    pytest.param(
        {"files": [upload(f"layar-{n}.png", png_bytes()) for n in range(6)]},
        EvidenceError,
        "Paling banyak 5 berkas bukti.",
        id="six-files",
    ),
    pytest.param(
        {
            "files": [
                upload("kecil.png", png_bytes()),
                upload("besar.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * MB + 1 - 8)),
            ]
        },
        EvidenceError,
        "besar.png lebih besar dari 5 MB.",
        id="5MB+1",
    ),
    pytest.param(
        {"files": [upload("kecil.png", png_bytes()), upload("bukti.png", EXE)]},
        EvidenceError,
        "bukti.png bukan gambar (PNG, JPEG, GIF, WebP), PDF atau teks.",
        id="exe-renamed-png",
    ),
    pytest.param(
        {"files": [upload("kecil.png", png_bytes()), upload("kosong.txt", b"")]},
        EvidenceError,
        "kosong.txt kosong.",
        id="empty-file",
    ),
]


@pytest.mark.parametrize(("overrides", "error", "message"), REFUSED_FILINGS)
def test_a_refused_filing_stores_nothing(shop, owner, tmp_path, overrides, error, message):
    overrides = {"files": [upload("layar.png", png_bytes())]} | overrides

    with pytest.raises(error) as refused:
        file_ticket(shop, owner, **overrides)

    assert str(refused.value) == message
    assert AbuseTicket.objects.count() == 0
    assert Evidence.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert Notice.objects.count() == 0
    assert files_in(tmp_path) == []


# --- review transitions -----------------------------------------------------------------------


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return NOW


@pytest.fixture
def ticket(shop, owner):
    return file_ticket(shop, owner)


def test_review_starts_from_submitted(ticket, reviewer):
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    ticket.refresh_from_db()
    assert (ticket.state, ticket.decided_at) == ("in_review", None)
    assert timeline(ticket) == [
        ("pemilik", "", "submitted", ""),
        ("peninjau", "submitted", "in_review", ""),
    ]


def test_a_rejection_keeps_its_reason(ticket, reviewer, fixed_now):
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    ticket_reject(ticket=ticket, reviewer=reviewer, reason="  Percakapan wajar.  ")

    ticket.refresh_from_db()
    assert (ticket.state, ticket.decision_reason, ticket.decided_at) == (
        "rejected",
        "Percakapan wajar.",
        NOW,
    )
    assert timeline(ticket)[-1] == ("peninjau", "in_review", "rejected", "Percakapan wajar.")
    assert not JobRun.objects.filter(triggered_by__startswith="ticket:").exists()


def _refused(ticket, step, message):
    before = (ticket.state, ticket.decision_reason, ticket.decided_at)
    steps = timeline(ticket)
    notices = Notice.objects.count()
    jobs = JobRun.objects.count()

    with pytest.raises(CaseError) as refused:
        step()

    assert str(refused.value) == message
    ticket.refresh_from_db()
    assert (ticket.state, ticket.decision_reason, ticket.decided_at) == before
    assert timeline(ticket) == steps
    assert Notice.objects.count() == notices
    assert JobRun.objects.count() == jobs


def test_verify_and_reject_are_refused_before_review(ticket, reviewer):
    _refused(
        ticket,
        lambda: ticket_verify(ticket=ticket, reviewer=reviewer),
        "Tidak bisa: status sekarang Diajukan.",
    )
    _refused(
        ticket,
        lambda: ticket_reject(ticket=ticket, reviewer=reviewer, reason="Tidak terbukti."),
        "Tidak bisa: status sekarang Diajukan.",
    )


def test_review_cannot_start_twice(ticket, reviewer):
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    _refused(
        ticket,
        lambda: ticket_start_review(ticket=ticket, reviewer=reviewer),
        "Tidak bisa: status sekarang Sedang ditinjau.",
    )


def test_a_rejection_needs_a_reason(ticket, reviewer):
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    _refused(
        ticket,
        lambda: ticket_reject(ticket=ticket, reviewer=reviewer, reason="  \n"),
        "Alasan penolakan wajib diisi.",
    )


def test_a_decided_ticket_cannot_be_decided_again(ticket, reviewer):
    ticket_start_review(ticket=ticket, reviewer=reviewer)
    ticket_reject(ticket=ticket, reviewer=reviewer, reason="Percakapan wajar.")

    for step in (
        lambda: ticket_start_review(ticket=ticket, reviewer=reviewer),
        lambda: ticket_verify(ticket=ticket, reviewer=reviewer),
        lambda: ticket_reject(ticket=ticket, reviewer=reviewer, reason="Lagi."),
    ):
        _refused(ticket, step, "Tidak bisa: status sekarang Ditolak.")


def test_a_verified_ticket_cannot_be_rejected(ticket, reviewer):
    ticket_start_review(ticket=ticket, reviewer=reviewer)
    ticket_verify(ticket=ticket, reviewer=reviewer)

    _refused(
        ticket,
        lambda: ticket_reject(ticket=ticket, reviewer=reviewer, reason="Salah klik."),
        "Tidak bisa: status sekarang Terverifikasi.",
    )


# --- verification leaves the CS evaluation ----------------------------------------------------


def current_week(shop):
    week = CsWeek.objects.get(shop=shop, week_start=WEEK, is_current=True)
    return week.status, week.evaluated, week.on_time, week.excluded


def test_a_verified_ticket_takes_the_late_turn_out_of_the_week(
    shop, owner, reviewer, fixed_now, django_capture_on_commit_callbacks
):
    cs_evaluate_week(week_start=WEEK)
    failed = CsWeek.objects.get(shop=shop, week_start=WEEK)
    assert (failed.status, failed.evaluated, failed.on_time) == ("fail", 2, 1)
    warning = EnforcementRecord.objects.get(shop=shop)
    assert (warning.kind, warning.key, warning.issued_on, warning.withdrawn_at) == (
        "cs_response_warning",
        "cs:2025-04-21",
        date(2025, 4, 28),
        None,
    )
    assert warning.details == {
        "evaluated": 2,
        "on_time": 1,
        "rate": 50.0,
        "week_start": "2025-04-21",
    }
    ticket = file_ticket(shop, owner, message_ids=["m3"])
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        ticket_verify(ticket=ticket, reviewer=reviewer, note="Ancaman jelas.")

    ticket.refresh_from_db()
    assert (ticket.state, ticket.decision_reason, ticket.decided_at) == (
        "verified",
        "Ancaman jelas.",
        NOW,
    )
    assert timeline(ticket)[-1] == ("peninjau", "in_review", "verified", "Ancaman jelas.")
    parent = JobRun.objects.get(parent=None, triggered_by__startswith="ticket:")
    assert (parent.kind, parent.status, parent.triggered_by) == (
        "results_update",
        "succeeded",
        f"ticket:{ticket.pk}",
    )
    # From the conversation's first message (Wed 23 April) to today.
    assert parent.params == {"since": "2025-04-23", "as_of": "2025-04-29", "shops": 1}
    history = list(
        CsWeek.objects.filter(shop=shop, week_start=WEEK)
        .order_by("id")
        .values_list("status", "evaluated", "on_time", "is_current")
    )
    assert history == [("fail", 2, 1, False), ("pass", 1, 1, True)]
    assert current_week(shop) == ("pass", 1, 1, {"abuse_ticket": 1})
    failed.refresh_from_db()
    assert failed.superseded_at == NOW
    warning.refresh_from_db()
    assert (warning.withdrawn_at, warning.voided_at) == (NOW, None)
    assert EnforcementRecord.objects.filter(shop=shop).count() == 1
    # toko-b's unanswered m9 fails its own week; another shop's ticket does not touch it.
    other = EnforcementRecord.objects.get(shop__code="toko-b")
    assert (other.key, other.withdrawn_at) == ("cs:2025-04-21", None)


def test_a_rejected_ticket_leaves_the_week_as_it_was(
    shop, owner, reviewer, django_capture_on_commit_callbacks
):
    cs_evaluate_week(week_start=WEEK)
    ticket = file_ticket(shop, owner, message_ids=["m3"])
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        ticket_reject(ticket=ticket, reviewer=reviewer, reason="Percakapan wajar.")
    cs_evaluate_week(week_start=WEEK)

    assert CsWeek.objects.filter(shop=shop).count() == 1
    assert current_week(shop) == ("fail", 2, 1, {})
    assert EnforcementRecord.objects.get(shop=shop).withdrawn_at is None


def exclusions():
    return sorted(
        MessageExclusion.objects.values_list(
            "shop__code", "conversation", "message_id", "source_kind", "source_id"
        )
    )


def test_verifying_writes_the_messages_as_performance_exclusions(shop, owner, reviewer):
    ticket = file_ticket(shop, owner)  # m3 and m4 in c2
    ticket_start_review(ticket=ticket, reviewer=reviewer)
    assert exclusions() == []

    ticket_verify(ticket=ticket, reviewer=reviewer)

    assert exclusions() == [
        ("toko-a", "c2", "m3", "abuse_ticket", ticket.pk),
        ("toko-a", "c2", "m4", "abuse_ticket", ticket.pk),
    ]
    assert ticket_by_excluded_message(shop=shop) == {"m3": ticket.pk, "m4": ticket.pk}


def test_a_rejected_ticket_excludes_nothing(shop, owner, reviewer):
    ticket = file_ticket(shop, owner)
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    ticket_reject(ticket=ticket, reviewer=reviewer, reason="Percakapan wajar.")

    assert exclusions() == []


def test_exclusions_of_a_source_are_set_idempotently_and_can_be_removed(shop):
    def set_(*message_ids):
        return message_exclusions_set(
            shop_id=shop.pk, conversation="c2", message_ids=message_ids, source_id=7
        )

    assert set_("m3", "m4") == 2
    assert set_("m4", "m3", "m4") == 2  # again, in another order: nothing new
    assert [row[2] for row in exclusions()] == ["m3", "m4"]
    assert set_("m4") == 1
    assert exclusions() == [("toko-a", "c2", "m4", "abuse_ticket", 7)]
    assert set_() == 0  # a source that no longer excludes anything (an undone verification)
    assert exclusions() == []


# --- notices ----------------------------------------------------------------------------------


def notices():
    return sorted(Notice.objects.values_list("user__username", "shop__code", "text", "url"))


def test_verification_notifies_the_owners_and_the_filing_agent(
    shop, owner, reviewer, make_user, django_capture_on_commit_callbacks
):
    make_user("pemilik-2", shop=shop, role="owner")  # no e-mail address
    agent = make_user("agen", shop=shop, role="agent", email="agen@toko-a.test")
    ticket = file_ticket(shop, agent)
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        ticket_verify(ticket=ticket, reviewer=reviewer)

    text = f"Tiket #{ticket.pk} terverifikasi: pesan pembeli b2 tidak dinilai."
    url = f"/toko/toko-a/tiket/{ticket.pk}/"
    assert notices() == [
        ("agen", "toko-a", text, url),
        ("pemilik", "toko-a", text, url),
        ("pemilik-2", "toko-a", text, url),
    ]
    assert Notice.objects.filter(read_at__isnull=False).count() == 0
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["pemilik@toko-a.test"]  # owners only, and only those with an address
    assert sent.subject == f"[Toko A] {text}"
    assert sent.body == f"{text}\n\n{url}"


def test_a_rejection_filed_by_support_notifies_the_owners_only(
    shop, owner, reviewer, make_user, django_capture_on_commit_callbacks
):
    support = make_user("cs-staf", groups=("support",), is_staff=True, email="cs@portal.test")
    ticket = file_ticket(shop, support, by_support=True)
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        ticket_reject(ticket=ticket, reviewer=reviewer, reason="Percakapan wajar.")

    text = f"Tiket #{ticket.pk} ditolak: Percakapan wajar."
    assert notices() == [("pemilik", "toko-a", text, f"/toko/toko-a/tiket/{ticket.pk}/")]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["pemilik@toko-a.test"], f"[Toko A] {text}")
    ]


def test_filing_and_starting_review_send_nothing(
    shop, owner, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ticket = file_ticket(shop, owner)
        ticket_start_review(ticket=ticket, reviewer=reviewer)

    assert callbacks == []
    assert Notice.objects.count() == 0
    assert mail.outbox == []


def test_a_reason_on_several_lines_still_reaches_the_owner_by_e_mail(
    shop, owner, reviewer, django_capture_on_commit_callbacks
):
    # A reviewer types the reason in the admin's textarea; a line break must not stop the mail
    # (an e-mail subject may not contain one).
    ticket = file_ticket(shop, owner)
    ticket_start_review(ticket=ticket, reviewer=reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        ticket_reject(
            ticket=ticket, reviewer=reviewer, reason="Percakapan wajar.\r\nTidak ada ancaman."
        )

    ticket.refresh_from_db()
    assert (ticket.state, ticket.decision_reason) == (
        "rejected",
        "Percakapan wajar.\r\nTidak ada ancaman.",
    )
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert subject.startswith(f"[Toko A] Tiket #{ticket.pk} ditolak: Percakapan wajar.")
    assert "\n" not in subject and "\r" not in subject
