"""Staff review of abuse tickets and appeals in Django admin: queues, case pages, decisions."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.urls import reverse

from appeals.models import AbuseTicket, Appeal, CaseEvent, Evidence
from appeals.services import appeal_answer, appeal_file, ticket_file, ticket_start_review
from performance.models import CsWeek, EnforcementRecord, Penalty, RuleSet
from performance.services.ingest import events_ingest
from performance.services.penalties import penalties_issue_for_events
from tests.helpers import event

pytestmark = pytest.mark.django_db

TODAY = date(2025, 4, 21)  # a Monday
FILED_ON = date(2025, 4, 14)
NOW = datetime(2025, 4, 21, 3, 0, tzinfo=UTC)  # 10:00 WIB


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("seller_portal.clock.today", lambda: TODAY)


@pytest.fixture
def shop(make_shop):
    return make_shop()


@pytest.fixture
def owner(make_user, shop):
    return make_user("pemilik", shop=shop, role="owner")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def chat(n: int, sender: str, text: str, minute: int):
    return event(
        "chat.message",
        id=f"chat-{n}",
        at=f"2025-04-14T10:{minute:02d}:00+07:00",
        conversation="CONV-1",
        message=f"m{n}",
        sender=sender,
        buyer="pembeli-9",
        text=text,
    )


@pytest.fixture
def ticket(shop, owner):
    """A submitted ticket about the buyer's first message (m1) in CONV-1."""
    events = [
        chat(1, "buyer", "Kasih diskon 90% atau saya beri bintang satu!", 0),
        chat(2, "seller", "Mohon maaf kak, tidak bisa.", 5),
        chat(3, "buyer", "Oke.", 9),
    ]
    assert events_ingest(items=enumerate(events)).ok
    return ticket_file(
        shop=shop,
        user=owner,
        conversation="CONV-1",
        message_ids=["m1"],
        category="unreasonable_demands",
        description="Pembeli mengancam ulasan buruk demi diskon.",
        files=[],
        today=FILED_ON,
    )


@pytest.fixture
def penalty(shop):
    assert events_ingest(items=enumerate([event("order.ignored", id="i1", order="INV/1")])).ok
    assert penalties_issue_for_events(until=FILED_ON) == 1
    return Penalty.objects.get()


@pytest.fixture
def appeal(penalty, owner):
    return appeal_file(
        target=penalty,
        user=owner,
        reason="platform_logistics",
        explanation="Kurir tidak datang menjemput paket.",
        order_ids=["INV/1"],
        files=[],
        today=FILED_ON,
    )


def make_ticket(shop, filer, *, days_old: int, state: str = "submitted", due_in: int = 3):
    """A ticket filed `days_old` days before TODAY at 10:00 WIB, due `due_in` days after."""
    filed = NOW - timedelta(days=days_old)
    ticket = AbuseTicket.objects.create(
        shop=shop,
        conversation=f"CONV-{days_old}",
        buyer="pembeli-1",
        message_ids=["m1"],
        category="harassment",
        description="Kata-kata kasar.",
        state=state,
        filed_by=filer,
        due_on=TODAY - timedelta(days=days_old) + timedelta(days=due_in),
    )
    AbuseTicket.objects.filter(pk=ticket.pk).update(created_at=filed)
    return ticket


def make_record_appeal(shop, filer, n: int):
    record = EnforcementRecord.objects.create(
        shop=shop, kind="tier_at_risk", key=f"score:{n}", issued_on=FILED_ON
    )
    return Appeal.objects.create(
        shop=shop,
        enforcement=record,
        attempt=1,
        reason="other",
        explanation="Alasan.",
        filed_by=filer,
        due_on=TODAY,
    )


def decide_url(case) -> str:
    return reverse(f"admin:appeals_{case._meta.model_name}_decide", args=[case.pk])


def change_url(case) -> str:
    return reverse(f"admin:appeals_{case._meta.model_name}_change", args=[case.pk])


def timeline(case) -> list[tuple[str, str, str | None, str]]:
    return [
        (e.from_state, e.to_state, e.actor.username if e.actor else None, e.note)
        for e in case.timeline.order_by("created_at", "id")
    ]


def offered(response) -> list[str]:
    return [value for value, _label in response.context["form"].fields["action"].choices]


def row_of(html: str, case) -> str:
    """The change-list row that links to the case."""
    link = f'href="{change_url(case)}"'
    rows = [row for row in html.split("<tr") if link in row]
    assert len(rows) == 1
    return rows[0]


# --- Queues ---------------------------------------------------------------------------------------

QUERY_BUDGET = 9  # session, user, 2 × permissions, open counts, shop filter, 2 × count, rows


@pytest.mark.parametrize("model", ["abuseticket", "appeal"])
def test_queue_pages_have_the_same_query_budget_for_5_and_25_cases(
    reviewer_client, shop, owner, make_shop, model, django_assert_max_num_queries
):
    other = make_shop("toko-b", "Toko B")

    def add(count, start):
        for n in range(start, start + count):
            if model == "abuseticket":
                make_ticket(shop if n % 2 else other, owner, days_old=n % 6)
            else:
                make_record_appeal(shop if n % 2 else other, owner, n)

    url = reverse(f"admin:appeals_{model}_changelist")
    add(5, 0)
    with django_assert_max_num_queries(QUERY_BUDGET) as five:
        response = reviewer_client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 5

    add(20, 5)
    with django_assert_max_num_queries(QUERY_BUDGET) as twenty_five:
        response = reviewer_client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 25
    assert len(twenty_five.captured_queries) == len(five.captured_queries)


def test_queue_lists_open_cases_oldest_first_then_decided_ones(reviewer_client, shop, owner):
    new = make_ticket(shop, owner, days_old=1)
    decided_old = make_ticket(shop, owner, days_old=9, state="verified")
    old = make_ticket(shop, owner, days_old=5)
    in_review = make_ticket(shop, owner, days_old=3, state="in_review")

    response = reviewer_client.get(reverse("admin:appeals_abuseticket_changelist"))

    assert [t.pk for t in response.context["cl"].result_list] == [
        old.pk,
        in_review.pk,
        new.pk,
        decided_old.pk,
    ]
    assert response.context["open_counts"] == [
        ("Diajukan", 2),
        ("Sedang ditinjau", 1),
    ]


def test_overdue_open_case_is_highlighted_and_a_decided_one_is_not(reviewer_client, shop, owner):
    # Given two tickets filed 10 days ago and due 7 days ago, one still open, one decided
    late = make_ticket(shop, owner, days_old=10)
    decided = make_ticket(shop, owner, days_old=10, state="rejected")
    on_time = make_ticket(shop, owner, days_old=1)

    # When the reviewer opens the queue
    response = reviewer_client.get(reverse("admin:appeals_abuseticket_changelist"))

    # Then only the open one is marked overdue, with its age in days
    html = response.content.decode()
    assert html.count('class="overdue"') == 1
    assert (
        '<span class="overdue" style="color: #ba2121; font-weight: bold">14/04/2025 '
        "(lewat batas)</span>" in row_of(html, late)
    )
    assert '<td class="field-age_days">10</td>' in row_of(html, late)
    assert "overdue" not in row_of(html, decided)
    assert '<td class="field-due">14/04/2025</td>' in row_of(html, decided)
    assert '<td class="field-due">23/04/2025</td>' in row_of(html, on_time)


@pytest.mark.parametrize(
    ("age", "expected_days"),
    [("0-1", [0, 1]), ("2-3", [2, 3]), ("4+", [4, 10])],
)
def test_age_filter(reviewer_client, shop, owner, age, expected_days):
    tickets = {days: make_ticket(shop, owner, days_old=days) for days in [0, 1, 2, 3, 4, 10]}

    response = reviewer_client.get(reverse("admin:appeals_abuseticket_changelist"), {"age": age})

    assert sorted(t.pk for t in response.context["cl"].result_list) == sorted(
        tickets[days].pk for days in expected_days
    )


def test_search_finds_tickets_by_buyer(reviewer_client, shop, owner, ticket):
    make_ticket(shop, owner, days_old=2)

    response = reviewer_client.get(
        reverse("admin:appeals_abuseticket_changelist"), {"q": "pembeli-9"}
    )

    assert [t.pk for t in response.context["cl"].result_list] == [ticket.pk]


# --- Case pages ---------------------------------------------------------------------------------


def test_ticket_page_is_read_only_with_the_conversation_and_a_decide_link(reviewer_client, ticket):
    response = reviewer_client.get(change_url(ticket))

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["adminform"].form.fields == {}  # nothing editable
    assert f'<a href="{decide_url(ticket)}" class="decidelink">Putuskan</a>' in html
    assert 'name="_save"' not in html
    rows = re.findall(r'<tr class="chat-message[^"]*".*?</tr>', html, re.S)
    assert len(rows) == 3
    assert 'class="chat-message reported"' in rows[0]
    assert "Kasih diskon 90% atau saya beri bintang satu!" in rows[0]
    assert "dilaporkan" in rows[0]
    assert rows[1].startswith('<tr class="chat-message">')
    assert rows[2].startswith('<tr class="chat-message">')


def test_case_page_refuses_a_post_and_changes_nothing(reviewer_client, ticket):
    response = reviewer_client.post(change_url(ticket), {"buyer": "orang-lain"})

    assert response.status_code == 405
    ticket.refresh_from_db()
    assert (ticket.buyer, ticket.state) == ("pembeli-9", "submitted")


def test_evidence_inline_lists_the_files(reviewer_client, ticket, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = Evidence(
        shop=ticket.shop,
        ticket=ticket,
        name="tangkapan-layar.png",
        content_type="image/png",
        size=12,
        uploaded_by=owner,
    )
    evidence.file.save("tangkapan-layar.png", ContentFile(b"\x89PNG\r\n\x1a\nabcd"), save=False)
    evidence.save()

    response = reviewer_client.get(change_url(ticket))

    html = response.content.decode()
    assert (
        f'<a href="{reverse("evidence", args=[evidence.pk])}" download>tangkapan-layar.png</a>'
        in html
    )
    assert html.count("download>tangkapan-layar.png<") == 1
    download = reviewer_client.get(reverse("evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\x89PNG\r\n\x1a\nabcd"


def test_appeal_page_shows_the_penalty(reviewer_client, appeal, penalty):
    response = reviewer_client.get(change_url(appeal))

    html = response.content.decode()
    assert "<tr><th>aturan</th><td>Mengabaikan pesanan</td></tr>" in html
    assert f"<tr><th>poin</th><td>{penalty.points}</td></tr>" in html
    assert "<tr><th>sumber</th><td>Pesanan: INV/1</td></tr>" in html
    assert "<tr><th>status</th><td>Sedang berlangsung</td></tr>" in html


def test_appeal_of_a_cs_warning_links_to_the_week(reviewer_client, shop, owner):
    week = CsWeek.objects.create(
        shop=shop,
        week_start=date(2025, 4, 7),
        evaluated_on=date(2025, 4, 14),
        status="fail",
        evaluated=10,
        on_time=6,
        rule_set=RuleSet.objects.get(),
    )
    record = EnforcementRecord.objects.create(
        shop=shop,
        kind="cs_response_warning",
        key="cs:2025-04-07",
        issued_on=FILED_ON,
        details={"week_start": "2025-04-07", "evaluated": 10, "on_time": 6, "rate": 60.0},
    )
    appeal = appeal_file(
        target=record,
        user=owner,
        reason="platform_buyer_spam",
        explanation="Pesan spam.",
        order_ids=[],
        files=[],
        today=FILED_ON,
    )

    response = reviewer_client.get(change_url(appeal))

    week_url = reverse("admin:performance_csweek_change", args=[week.pk])
    assert f'<a href="{week_url}">minggu 07/04/2025</a>' in response.content.decode()


# --- Decisions ----------------------------------------------------------------------------------


def test_decide_view_offers_only_the_steps_valid_now(reviewer_client, ticket, appeal, reviewer):
    assert offered(reviewer_client.get(decide_url(ticket))) == ["start_review", "verify", "reject"]
    assert offered(reviewer_client.get(decide_url(appeal))) == [
        "start_review",
        "ask_info",
        "accept",
        "reject",
    ]

    ticket_start_review(ticket=ticket, reviewer=reviewer)
    assert offered(reviewer_client.get(decide_url(ticket))) == ["verify", "reject"]

    AbuseTicket.objects.filter(pk=ticket.pk).update(state="verified")
    response = reviewer_client.get(decide_url(ticket))
    assert response.context["form"] is None
    assert "Tidak ada keputusan yang bisa diambil pada status “Terverifikasi”." in (
        response.content.decode()
    )


def test_verifying_a_submitted_ticket_starts_the_review_and_verifies(reviewer_client, ticket):
    # Given a submitted ticket
    # When the reviewer verifies it directly
    response = reviewer_client.post(
        decide_url(ticket), {"action": "verify", "note": "Ancaman ulasan demi diskon."}
    )

    # Then it is verified, and the timeline shows both steps with the reviewer
    assert response.status_code == 302
    assert response["Location"] == change_url(ticket)
    ticket.refresh_from_db()
    assert ticket.state == "verified"
    assert ticket.decision_reason == "Ancaman ulasan demi diskon."
    assert timeline(ticket) == [
        ("", "submitted", "pemilik", ""),
        ("submitted", "in_review", "peninjau", ""),
        ("in_review", "verified", "peninjau", "Ancaman ulasan demi diskon."),
    ]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Tiket #{ticket.pk} sekarang berstatus Terverifikasi."
    ]


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(reviewer_client, ticket):
    response = reviewer_client.post(decide_url(ticket), {"action": "reject", "note": "  "})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Alasan penolakan wajib diisi."]
    assert "Alasan penolakan wajib diisi." in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.state, ticket.decision_reason, ticket.decided_at) == ("submitted", "", None)
    assert timeline(ticket) == [("", "submitted", "pemilik", "")]
    assert offered(response) == ["start_review", "verify", "reject"]


def test_a_step_not_valid_in_the_state_is_refused(reviewer_client, ticket):
    AbuseTicket.objects.filter(pk=ticket.pk).update(state="rejected")

    response = reviewer_client.post(decide_url(ticket), {"action": "verify", "note": "x"})

    assert response.status_code == 200
    assert CaseEvent.objects.filter(ticket=ticket).count() == 1
    ticket.refresh_from_db()
    assert ticket.state == "rejected"


def test_asking_for_information_then_the_sellers_answer_returns_the_appeal(
    reviewer_client, appeal, owner
):
    # Given a submitted appeal; when the reviewer asks a question
    response = reviewer_client.post(
        decide_url(appeal), {"action": "ask_info", "note": "Kirim foto bukti penjemputan."}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == "needs_info"
    assert reviewer_client.get(decide_url(appeal)).context["form"] is None  # seller's turn

    # When the seller answers
    appeal_answer(appeal=appeal, user=owner, answer="Foto terlampir di chat kurir.", files=[])

    # Then the appeal is back in the queue, with every step in its timeline
    appeal.refresh_from_db()
    assert appeal.state == "submitted"
    assert timeline(appeal) == [
        ("", "submitted", "pemilik", ""),
        ("submitted", "in_review", "peninjau", ""),
        ("in_review", "needs_info", "peninjau", "Kirim foto bukti penjemputan."),
        ("needs_info", "submitted", "pemilik", "Foto terlampir di chat kurir."),
    ]
    assert offered(reviewer_client.get(decide_url(appeal))) == [
        "start_review",
        "ask_info",
        "accept",
        "reject",
    ]


def test_accepting_an_appeal_voids_the_penalty(reviewer_client, appeal, penalty):
    response = reviewer_client.post(
        decide_url(appeal), {"action": "accept", "note": "Kurir terlambat menjemput."}
    )

    assert response.status_code == 302
    appeal.refresh_from_db()
    penalty.refresh_from_db()
    assert appeal.state == "accepted"
    assert penalty.voided_at is not None
    assert penalty.void_reason == f"#{appeal.pk}: Kurir terlambat menjemput."
    assert [to for _from, to, _actor, _note in timeline(appeal)] == [
        "submitted",
        "in_review",
        "accepted",
    ]


# --- Who may decide -----------------------------------------------------------------------------


def test_support_staff_cannot_open_the_decide_view(client, make_user, ticket):
    client.force_login(make_user("dukungan", groups=["support"], is_staff=True))

    assert client.get(change_url(ticket)).status_code == 200  # they may read the case
    assert client.get(decide_url(ticket)).status_code == 403
    assert client.post(decide_url(ticket), {"action": "verify", "note": "x"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.state == "submitted"


def test_non_staff_user_is_sent_to_the_admin_login(client, owner, ticket):
    client.force_login(owner)

    response = client.get(decide_url(ticket))

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={decide_url(ticket)}"
    ticket.refresh_from_db()
    assert ticket.state == "submitted"
