"""The seller's ticket and appeal pages, support's entry point, evidence downloads and notices:
who may do what, what each page shows, and a fixed number of queries per page."""

import struct
import zlib
from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals.models import AbuseTicket, Appeal, CaseEvent, Evidence, Notice
from appeals.services import (
    appeal_ask_info,
    appeal_file,
    appeal_start_review,
    ticket_file,
    ticket_reject,
    ticket_start_review,
)
from performance.models import EnforcementRecord, Penalty, RuleSet
from performance.services.ingest import events_ingest
from seller_portal.models import Membership, Shop
from tests.helpers import create_shop, event

pytestmark = pytest.mark.django_db

TODAY = date(2025, 4, 29)  # Tuesday
NOW = datetime(2025, 4, 29, 3, 0, tzinfo=UTC)  # 10:00 WIB


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
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_IN_PROCESS = True
    monkeypatch.setattr("seller_portal.clock.today", lambda: TODAY)
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def shop(make_shop):
    """toko-a: c1 (b1) m1 buyer, m2 seller; c2 (b2) m3, m4 buyer, m5 seller. toko-b: c7 (b7)."""
    shop = make_shop()
    make_shop("toko-b", "Toko B")
    events = [
        chat("m1", "c1", "buyer", "2025-04-22T09:00:00+07:00", buyer="b1"),
        chat("m2", "c1", "seller", "2025-04-22T09:30:00+07:00", buyer="b1"),
        chat("m3", "c2", "buyer", "2025-04-23T10:00:00+07:00"),
        chat("m4", "c2", "buyer", "2025-04-23T10:05:00+07:00"),
        chat("m5", "c2", "seller", "2025-04-24T11:00:00+07:00"),
        chat("m7", "c7", "buyer", "2025-04-23T10:00:00+07:00", buyer="b7", shop="toko-b"),
    ]
    assert events_ingest(items=enumerate(events)).ok
    return shop


@pytest.fixture
def owner(make_user, shop):
    return make_user("pemilik", shop=shop, role="owner")


@pytest.fixture
def agent(make_user, shop):
    return make_user("agen", shop=shop, role="agent")


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


def new_ticket(shop, user, **overrides):
    kwargs = {
        "shop": shop,
        "user": user,
        "conversation": "c2",
        "message_ids": ["m3"],
        "category": "harassment",
        "description": "Pembeli memaki.",
        "files": [],
        "today": TODAY,
    }
    return ticket_file(**(kwargs | overrides))


def new_appeal(target, user, **overrides):
    kwargs = {
        "target": target,
        "user": user,
        "reason": "platform_logistics",
        "explanation": "Kurir tidak datang.",
        "order_ids": ["INV/1"],
        "files": [],
        "today": TODAY,
    }
    return appeal_file(**(kwargs | overrides))


def ticket_post(**overrides):
    data = {
        "conversation": "c2",
        "messages": ["m3", "m4"],
        "category": "abusive",
        "description": "Pembeli mengancam.",
        "evidence": [SimpleUploadedFile("layar.png", PNG, content_type="image/png")],
    }
    return data | overrides


# --- tickets ----------------------------------------------------------------------------------


def test_owner_sees_the_shops_tickets_and_the_file_button(client, shop, owner, agent):
    ticket = new_ticket(shop, agent)
    client.force_login(owner)

    response = client.get("/toko/toko-a/tiket/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/toko/toko-a/tiket/baru/"' in html
    assert f'href="/toko/toko-a/tiket/{ticket.pk}/">#{ticket.pk}</a>' in html
    assert "Pelecehan atau perundungan" in html
    assert "Diajukan" in html


def test_the_form_lists_the_buyer_messages_of_the_chosen_conversation(client, shop, agent):
    client.force_login(agent)

    response = client.get("/toko/toko-a/tiket/baru/?percakapan=c2")

    assert response.status_code == 200
    assert [c["subject"] for c in response.context["conversations"]] == ["c2", "c1"]
    assert list(response.context["form"].fields["messages"].choices) == [
        ("m3", "m3"),
        ("m4", "m4"),
    ]
    html = response.content.decode()
    assert 'value="m5"' not in html  # the seller's own answer cannot be reported
    assert "teks m5" in html  # but it is shown in the chat history


def test_an_agent_files_a_ticket_with_a_screenshot(client, shop, agent, tmp_path):
    client.force_login(agent)

    response = client.post("/toko/toko-a/tiket/baru/", ticket_post())

    ticket = AbuseTicket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/toko/toko-a/tiket/{ticket.pk}/"
    assert (ticket.filed_by, ticket.filed_by_support, ticket.message_ids, ticket.buyer) == (
        agent,
        False,
        ["m3", "m4"],
        "b2",
    )
    # Tue 29 April → Wed 30, (Thu 1 May Labour Day), Fri 2, Mon 5 May.
    assert ticket.due_on == date(2025, 5, 5)
    evidence = ticket.evidence.get()
    assert (evidence.name, evidence.content_type, evidence.size) == (
        "layar.png",
        "image/png",
        len(PNG),
    )
    html = client.get(response["Location"]).content.decode()
    assert f"Tiket #{ticket.pk} diajukan." in html
    assert "05/05/2025" in html
    assert f'href="/bukti/{evidence.pk}/">layar.png</a>' in html
    assert "Tim dukungan" not in html


def test_a_refused_upload_is_explained_and_nothing_is_filed(client, shop, agent, tmp_path):
    client.force_login(agent)
    exe = SimpleUploadedFile("layar.png", b"MZ\x90\x00\x03\x00\x00\x00", content_type="image/png")

    response = client.post("/toko/toko-a/tiket/baru/", ticket_post(evidence=[exe]))

    assert response.status_code == 400
    assert (
        "layar.png bukan gambar (PNG, JPEG, GIF, WebP), PDF atau teks." in response.content.decode()
    )
    assert AbuseTicket.objects.count() == 0
    assert Evidence.objects.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_support_picks_the_shop_and_files_on_its_behalf(client, shop, owner, support):
    client.force_login(support)

    picker = client.get("/dukungan/tiket/")
    chosen = client.get("/dukungan/tiket/?toko=toko-a")
    form = client.get(chosen["Location"] + "?percakapan=c2")
    filed = client.post(chosen["Location"], ticket_post())

    assert picker.status_code == 200
    assert '<option value="toko-a">Toko A (toko-a)</option>' in picker.content.decode()
    assert (chosen.status_code, chosen["Location"]) == (302, "/toko/toko-a/tiket/baru/")
    assert form.status_code == 200
    ticket = AbuseTicket.objects.get()
    assert (filed.status_code, filed["Location"]) == (302, f"/toko/toko-a/tiket/{ticket.pk}/")
    assert (ticket.filed_by, ticket.filed_by_support) == (support, True)
    assert "Tim dukungan" in client.get(filed["Location"]).content.decode()


def test_support_is_told_about_an_unknown_shop(client, shop, support):
    client.force_login(support)

    response = client.get("/dukungan/tiket/?toko=toko-x")

    assert response.status_code == 200
    assert "Toko toko-x tidak ditemukan." in response.content.decode()


@pytest.mark.parametrize("who", ["owner", "agent", "reviewer"])
def test_only_ticket_filers_use_the_support_entry_point(client, request, shop, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get("/dukungan/tiket/?toko=toko-a").status_code == 403


def test_a_reviewer_without_membership_gets_404_on_shop_pages(
    client, shop, owner, reviewer, penalty
):
    ticket = new_ticket(shop, owner)
    appeal = new_appeal(penalty, owner)
    client.force_login(reviewer)

    for path in (
        "/toko/toko-a/tiket/",
        "/toko/toko-a/tiket/baru/",
        f"/toko/toko-a/tiket/{ticket.pk}/",
        "/toko/toko-a/banding/",
        f"/toko/toko-a/banding/{appeal.pk}/",
        f"/toko/toko-a/banding/baru/penalti/{penalty.pk}/",
    ):
        assert client.get(path).status_code == 404, path


def test_another_shops_member_gets_404_on_the_shops_cases(client, shop, owner, make_user, penalty):
    ticket = new_ticket(shop, owner)
    appeal = new_appeal(penalty, owner)
    client.force_login(make_user("pemilik-b", shop=Shop.objects.get(code="toko-b")))

    for path in (
        f"/toko/toko-a/tiket/{ticket.pk}/",
        f"/toko/toko-a/banding/{appeal.pk}/",
        f"/toko/toko-b/tiket/{ticket.pk}/",  # the right shop code is not enough
        f"/toko/toko-b/banding/{appeal.pk}/",
        f"/toko/toko-b/banding/baru/penalti/{penalty.pk}/",
    ):
        assert client.get(path).status_code == 404, path


def test_a_shop_cannot_appeal_another_shops_penalty(client, shop, owner, make_user):
    theirs = Penalty.objects.create(
        shop=Shop.objects.get(code="toko-b"),
        rule="ORDER_IGNORED",
        key="event:b1",
        points=1,
        issued_on=date(2025, 4, 8),
        source_kind="order",
        source="INV/B1",
        rule_set=RuleSet.objects.get(version="v1"),
    )
    client.force_login(owner)

    url = f"/toko/toko-a/banding/baru/penalti/{theirs.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "other", "explanation": "x"}).status_code == 404
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize("path", ["/pemberitahuan/", "/dukungan/tiket/"])
def test_anonymous_is_sent_to_login_for_notices_and_support(client, path):
    response = client.get(path)

    assert (response.status_code, response["Location"]) == (302, f"/login/?next={path}")


# --- appeals ----------------------------------------------------------------------------------


def test_an_agent_cannot_open_the_appeal_form(client, shop, agent, penalty):
    client.force_login(agent)
    url = f"/toko/toko-a/banding/baru/penalti/{penalty.pk}/"

    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "other", "explanation": "x"}).status_code == 403
    assert Appeal.objects.count() == 0


def test_the_owner_appeals_a_penalty_with_a_png(client, shop, owner, penalty):
    client.force_login(owner)
    url = f"/toko/toko-a/banding/baru/penalti/{penalty.pk}/"
    form = client.get(url)

    response = client.post(
        url,
        {
            "reason": "platform_logistics",
            "explanation": "Kurir tidak datang menjemput.",
            "order_ids": "INV/1, INV/2\nINV/3",
            "evidence": SimpleUploadedFile("resi.png", PNG, content_type="image/png"),
        },
    )

    assert form.status_code == 200
    # 8 April + 30 days.
    assert "Ini banding ke-1; sisa 2 banding. Ajukan paling lambat 08/05/2025." in (
        form.content.decode()
    )
    appeal = Appeal.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"/toko/toko-a/banding/{appeal.pk}/",
    )
    assert (appeal.penalty, appeal.attempt, appeal.order_ids, appeal.filed_by) == (
        penalty,
        1,
        ["INV/1", "INV/2", "INV/3"],
        owner,
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    assert '<span class="pill pill-submitted" data-testid="appeal-state">Diajukan</span>' in html
    assert f"Banding #{appeal.pk} diajukan." in html
    assert "resi.png" in html
    assert "Kirim jawaban" not in html
    assert page.context["can_answer"] is False


def test_a_late_appeal_form_explains_why_and_offers_no_form(
    client, shop, owner, penalty, monkeypatch
):
    monkeypatch.setattr("seller_portal.clock.today", lambda: date(2025, 5, 9))
    client.force_login(owner)

    response = client.get(f"/toko/toko-a/banding/baru/penalti/{penalty.pk}/")

    html = response.content.decode()
    assert "Batas waktu banding sudah lewat (08/05/2025)." in html
    assert "Kirim banding" not in html


@pytest.fixture
def asked(shop, owner, reviewer, penalty):
    appeal = new_appeal(penalty, owner)
    appeal_start_review(appeal=appeal, reviewer=reviewer)
    appeal_ask_info(appeal=appeal, reviewer=reviewer, question="Ada resi kurirnya?")
    return appeal


def test_the_answer_form_is_shown_only_when_information_is_asked(client, owner, asked):
    client.force_login(owner)
    url = f"/toko/toko-a/banding/{asked.pk}/"

    html = client.get(url).content.decode()

    assert "Perlu informasi" in html
    assert "Kirim jawaban" in html
    assert "Ada resi kurirnya?" in html


def test_the_owner_answers_and_the_appeal_returns_to_the_queue(client, owner, asked):
    client.force_login(owner)
    url = f"/toko/toko-a/banding/{asked.pk}/"

    response = client.post(
        url,
        {
            "answer": "Resi terlampir.",
            "evidence": SimpleUploadedFile("resi.png", PNG, content_type="image/png"),
        },
    )

    assert (response.status_code, response["Location"]) == (302, url)
    asked.refresh_from_db()
    assert asked.state == "submitted"
    assert list(asked.evidence.values_list("name", flat=True)) == ["resi.png"]
    html = client.get(url).content.decode()
    assert "Jawaban penjual, kembali ke antrean" in html
    assert "Kirim jawaban" not in html


def test_an_agent_cannot_answer(client, shop, agent, asked):
    client.force_login(agent)
    url = f"/toko/toko-a/banding/{asked.pk}/"
    steps = CaseEvent.objects.filter(appeal=asked).count()

    page = client.get(url)
    response = client.post(url, {"answer": "Resi terlampir."})

    assert page.status_code == 200
    assert "Kirim jawaban" not in page.content.decode()
    assert response.status_code == 403
    asked.refresh_from_db()
    assert asked.state == "needs_info"
    assert CaseEvent.objects.filter(appeal=asked).count() == steps


def test_the_appeals_page_lists_appeals_and_open_records(client, shop, owner, penalty):
    appeal = new_appeal(penalty, owner)
    record = EnforcementRecord.objects.create(
        shop=shop, kind="manual_restriction", key="staff:1", issued_on=date(2025, 4, 20)
    )
    client.force_login(owner)

    html = client.get("/toko/toko-a/banding/").content.decode()

    assert f'href="/toko/toko-a/banding/{appeal.pk}/">#{appeal.pk}</a>' in html
    assert f'href="/toko/toko-a/banding/baru/penegakan/{record.pk}/"' in html
    assert "sisa 2, sampai 20/05/2025" in html  # 20 April + 30 days


# --- evidence ---------------------------------------------------------------------------------


@pytest.fixture
def evidence(shop, owner):
    ticket = new_ticket(
        shop, owner, files=[SimpleUploadedFile("layar chat.png", PNG, content_type="image/png")]
    )
    return ticket.evidence.get()


@pytest.mark.parametrize("who", ["owner", "agent", "support", "reviewer"])
def test_members_and_evidence_staff_download_the_file(client, request, evidence, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(f"/bukti/{evidence.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="layar chat.png"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PNG


def test_another_shops_member_cannot_download(client, evidence, make_user):
    client.force_login(make_user("pemilik-b", shop=Shop.objects.get(code="toko-b")))

    assert client.get(f"/bukti/{evidence.pk}/").status_code == 404
    assert client.get("/bukti/999999/").status_code == 404


def test_anonymous_is_sent_to_login_for_evidence(client, evidence):
    response = client.get(f"/bukti/{evidence.pk}/")

    assert (response.status_code, response["Location"]) == (
        302,
        f"/login/?next=/bukti/{evidence.pk}/",
    )


# --- notices ----------------------------------------------------------------------------------


def test_notices_list_the_unread_and_a_post_marks_them_read(client, shop, owner, make_user):
    other = make_user("orang-lain")
    Notice.objects.create(user=owner, shop=shop, text="Tiket #1 ditolak: wajar.", url="/a/")
    Notice.objects.create(user=owner, shop=shop, text="Banding #2 diterima: ok.", url="/b/")
    theirs = Notice.objects.create(user=other, shop=shop, text="Bukan untuk Anda.", url="/c/")
    client.force_login(owner)

    page = client.get("/pemberitahuan/")
    html = page.content.decode()
    response = client.post("/pemberitahuan/")

    assert html.count('<li class="unread">') == 2
    assert '<a href="/a/">Tiket #1 ditolak: wajar.</a>' in html
    assert '<a href="/b/">Banding #2 diterima: ok.</a>' in html
    assert "Bukan untuk Anda." not in html
    assert '<span class="badge">2</span>' in html
    assert (response.status_code, response["Location"]) == (302, "/pemberitahuan/")
    assert list(Notice.objects.filter(user=owner).values_list("read_at", flat=True)) == [NOW, NOW]
    theirs.refresh_from_db()
    assert theirs.read_at is None
    after = client.get("/pemberitahuan/").content.decode()
    assert 'class="unread"' not in after
    assert '<span class="badge">' not in after


def test_a_removed_member_no_longer_reads_the_shops_notices(client, shop, owner):
    """Notices go through the access door: once the membership is gone, the shop's notices are
    not listed, not counted in the badge, not marked read, and their link is a 404."""
    other_shop = Shop.objects.get(code="toko-b")
    Membership.objects.create(user=owner, shop=other_shop, role="owner")
    gone = Notice.objects.create(
        user=owner, shop=shop, text="Banding #1 diterima.", url="/toko/toko-a/banding/"
    )
    kept = Notice.objects.create(
        user=owner, shop=other_shop, text="Tiket #2 ditolak.", url="/toko/toko-b/tiket/"
    )
    Membership.objects.filter(user=owner, shop=shop).delete()
    client.force_login(owner)

    html = client.get("/pemberitahuan/").content.decode()
    opened = client.get(gone.url)
    client.post("/pemberitahuan/")

    assert "Banding #1 diterima." not in html
    assert "Tiket #2 ditolak." in html
    assert '<span class="badge">1</span>' in html
    assert opened.status_code == 404
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.read_at, kept.read_at) == (None, NOW)


def test_a_removed_member_without_shops_sees_no_badge_and_no_notices(client, shop, owner):
    Notice.objects.create(user=owner, shop=shop, text="Banding #1 diterima.", url="/toko/toko-a/")
    Membership.objects.filter(user=owner).delete()
    client.force_login(owner)

    html = client.get("/pemberitahuan/").content.decode()

    assert "Banding #1 diterima." not in html
    assert 'class="badge"' not in html


def test_support_keeps_the_notices_of_tickets_filed_for_any_shop(client, shop, support):
    Notice.objects.create(
        user=support, shop=shop, text="Tiket #3 diverifikasi.", url="/toko/toko-a/"
    )
    client.force_login(support)

    html = client.get("/pemberitahuan/").content.decode()

    assert "Tiket #3 diverifikasi." in html
    assert '<span class="badge">1</span>' in html


def test_a_decision_notice_links_to_the_case(client, shop, owner, reviewer):
    ticket = new_ticket(shop, owner)
    ticket_start_review(ticket=ticket, reviewer=reviewer)
    ticket_reject(ticket=ticket, reviewer=reviewer, reason="Percakapan wajar.")
    client.force_login(owner)

    html = client.get("/pemberitahuan/").content.decode()

    assert (
        f'<li class="unread"><a href="/toko/toko-a/tiket/{ticket.pk}/">'
        f"Tiket #{ticket.pk} ditolak: Percakapan wajar.</a>"
    ) in html


# --- query budgets ----------------------------------------------------------------------------
# session, user, membership with the shop, unread notices, holiday mode (the shop bar), and the
# page's own reads: one query each, however many rows they return.
TICKETS_BUDGET = 6  # + tickets
TICKET_BUDGET = 8  # + ticket, its timeline with actors, its evidence
APPEALS_BUDGET = 8  # + appeals with targets, open records, the records' appeals
APPEAL_BUDGET = 8  # + appeal with its target, its timeline with actors, its evidence
NOTICES_BUDGET = 4  # session, user, the unread count, the notices
SUPPORT_PICKER_BUDGET = 6  # session, user, permissions, groups, unread count, shops
TICKET_FORM_BUDGET = 7  # session, user, membership, conversations, messages, unread, holiday
APPEAL_FORM_BUDGET = 7  # session, user, membership, penalty, its appeals, unread, holiday


def add_tickets(shop, users, count):
    for n in range(count):
        ticket = new_ticket(shop, users[n % len(users)])
        ticket_start_review(ticket=ticket, reviewer=users[-1])


def add_steps(case, users, first, count):
    """`count` timeline rows and evidence files, by users taking turns."""
    field = "ticket" if isinstance(case, AbuseTicket) else "appeal"
    for n in range(first, first + count):
        CaseEvent.objects.create(
            **{field: case},
            actor=users[n % len(users)],
            from_state="submitted",
            to_state="in_review",
            note=f"langkah {n}",
        )
        Evidence.objects.create(
            shop=case.shop,
            **{field: case},
            file=f"evidence/{case.shop_id}/x{n}",
            name=f"b{n}.png",
            content_type="image/png",
            size=10,
            uploaded_by=users[n % len(users)],
        )


def add_appeals(shop, owner, first, count):
    """`count` penalties and `count` enforcement records, each with an appeal."""
    rule_set = RuleSet.objects.get(version="v1")
    for n in range(first, first + count):
        penalty = Penalty.objects.create(
            shop=shop,
            rule="ORDER_IGNORED",
            key=f"event:q{n}",
            points=1,
            issued_on=date(2025, 4, 20),
            source_kind="order",
            source=f"INV/Q{n}",
            rule_set=rule_set,
        )
        new_appeal(penalty, owner)
        record = EnforcementRecord.objects.create(
            shop=shop, kind="manual_restriction", key=f"staff:{n}", issued_on=date(2025, 4, 20)
        )
        new_appeal(record, owner)


@pytest.fixture
def staff_and_members(owner, agent, reviewer, make_user):
    return [owner, agent, reviewer, *(make_user(f"staf-{n}") for n in range(9))]


def test_the_tickets_list_has_a_fixed_query_budget(
    client, shop, owner, staff_and_members, django_assert_num_queries
):
    add_tickets(shop, staff_and_members, 3)
    client.force_login(owner)
    with django_assert_num_queries(TICKETS_BUDGET):
        assert client.get("/toko/toko-a/tiket/").status_code == 200

    add_tickets(shop, staff_and_members, 9)

    with django_assert_num_queries(TICKETS_BUDGET):
        html = client.get("/toko/toko-a/tiket/").content.decode()
    assert html.count('<span class="pill pill-in_review">') == 12


def test_the_ticket_page_has_a_fixed_query_budget(
    client, shop, owner, staff_and_members, django_assert_num_queries
):
    ticket = new_ticket(shop, owner)
    add_steps(ticket, staff_and_members, 0, 3)
    client.force_login(owner)
    url = f"/toko/toko-a/tiket/{ticket.pk}/"
    with django_assert_num_queries(TICKET_BUDGET):
        assert client.get(url).status_code == 200

    add_steps(ticket, staff_and_members, 3, 9)

    with django_assert_num_queries(TICKET_BUDGET):
        html = client.get(url).content.decode()
    assert html.count("<blockquote>langkah ") == 12
    assert html.count('href="/bukti/') == 12


def test_the_appeals_list_has_a_fixed_query_budget(client, shop, owner, django_assert_num_queries):
    add_appeals(shop, owner, 0, 3)
    client.force_login(owner)
    with django_assert_num_queries(APPEALS_BUDGET):
        assert client.get("/toko/toko-a/banding/").status_code == 200

    add_appeals(shop, owner, 3, 9)

    with django_assert_num_queries(APPEALS_BUDGET):
        html = client.get("/toko/toko-a/banding/").content.decode()
    assert html.count('<span class="pill pill-submitted">') == 24
    assert html.count("Banding sebelumnya masih diproses.") == 12


def test_the_appeal_page_has_a_fixed_query_budget(
    client, shop, owner, penalty, staff_and_members, django_assert_num_queries
):
    appeal = new_appeal(penalty, owner)
    add_steps(appeal, staff_and_members, 0, 3)
    client.force_login(owner)
    url = f"/toko/toko-a/banding/{appeal.pk}/"
    with django_assert_num_queries(APPEAL_BUDGET):
        assert client.get(url).status_code == 200

    add_steps(appeal, staff_and_members, 3, 9)

    with django_assert_num_queries(APPEAL_BUDGET):
        html = client.get(url).content.decode()
    assert html.count("<blockquote>langkah ") == 12
    assert html.count('href="/bukti/') == 12


def add_notices(shop, user, count):
    Notice.objects.bulk_create(
        Notice(user=user, shop=shop, text=f"Keputusan {n}", url="/toko/toko-a/banding/")
        for n in range(count)
    )


def test_the_notices_page_has_a_fixed_query_budget(client, shop, owner, django_assert_num_queries):
    add_notices(shop, owner, 2)
    client.force_login(owner)
    with django_assert_num_queries(NOTICES_BUDGET):
        assert client.get("/pemberitahuan/").status_code == 200

    add_notices(shop, owner, 10)

    with django_assert_num_queries(NOTICES_BUDGET):
        html = client.get("/pemberitahuan/").content.decode()
    assert html.count("Keputusan ") == 12


def test_the_support_shop_picker_has_a_fixed_query_budget(
    client, shop, support, django_assert_num_queries
):
    client.force_login(support)
    with django_assert_num_queries(SUPPORT_PICKER_BUDGET):
        assert client.get("/dukungan/tiket/").status_code == 200

    for n in range(10):
        create_shop(f"toko-{n}", f"Toko {n}")

    with django_assert_num_queries(SUPPORT_PICKER_BUDGET):
        html = client.get("/dukungan/tiket/").content.decode()
    assert html.count('value="toko-') == 12


def test_the_ticket_form_has_a_fixed_query_budget(client, shop, owner, django_assert_num_queries):
    client.force_login(owner)
    url = "/toko/toko-a/tiket/baru/?percakapan=c2"
    with django_assert_num_queries(TICKET_FORM_BUDGET):
        assert client.get(url).status_code == 200

    more = [
        chat(f"x{n}", f"cx{n}", "buyer", "2025-04-23T12:00:00+07:00", buyer=f"bx{n}")
        for n in range(10)
    ]
    assert events_ingest(items=enumerate(more)).ok

    with django_assert_num_queries(TICKET_FORM_BUDGET):
        assert client.get(url).status_code == 200


def test_the_appeal_form_has_a_fixed_query_budget(
    client, shop, owner, penalty, staff_and_members, django_assert_num_queries
):
    client.force_login(owner)
    url = f"/toko/toko-a/banding/baru/penalti/{penalty.pk}/"
    with django_assert_num_queries(APPEAL_FORM_BUDGET):
        assert client.get(url).status_code == 200

    add_appeals(shop, owner, 0, 5)

    with django_assert_num_queries(APPEAL_FORM_BUDGET):
        assert client.get(url).status_code == 200
