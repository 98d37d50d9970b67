"""Guideline flags: raised on ingestion, reviewed by staff, shown to sellers, checked on demand."""

import json
import subprocess
import sys
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from appeals.models import Notice
from performance.models import EnforcementRecord, Event, GuidelineFlag, JobRun
from performance.services.api_clients import api_client_create
from performance.services.guidelines import (
    FlagReviewError,
    guideline_flag_confirm,
    guideline_flag_dismiss,
    guideline_flags_check,
)
from performance.services.ingest import events_ingest
from tests.helpers import event

pytestmark = pytest.mark.django_db


def message(n, sender, text, at="2025-04-08T10:00:00+07:00"):
    return event(
        "chat.message",
        id=f"m{n}",
        at=at,
        conversation="c1",
        message=f"msg-{n}",
        sender=sender,
        buyer="b1",
        text=text,
    )


@pytest.fixture
def ingest(settings, django_capture_on_commit_callbacks):
    """`events_ingest` followed, as after a commit, by the jobs it starts, run in-process:
    the guideline check (results updates are left out of these tests)."""
    settings.JOBS_IN_PROCESS = True
    settings.RESULTS_UPDATE_AFTER_INGEST = False

    def ingest(items):
        with django_capture_on_commit_callbacks(execute=True):
            return events_ingest(items=items)

    return ingest


@pytest.fixture
def flagged(make_shop, ingest):
    shop = make_shop()
    assert ingest(
        enumerate(
            [
                message(1, "buyer", "Kak, WA kamu berapa? 0812-3456-7890 ini nomor saya"),
                message(2, "seller", "Hubungi WA kami di 0812-3456-7890 ya kak, transfer langsung"),
                message(3, "seller", "Resi JP1234567890 sudah update, INV/20250407/MPL/1234567890"),
            ]
        )
    ).ok
    return shop


def test_every_stored_seller_message_is_checked_and_buyer_messages_are_not(flagged):
    flags = list(
        GuidelineFlag.objects.order_by("start").values_list(
            "event__event_id", "rule", "section", "match", "status"
        )
    )
    assert flags == [
        ("m2", "OFF_PLATFORM_CONTACT", "4.2.2", "0812-3456-7890", "open"),
        ("m2", "OFF_PLATFORM_PAYMENT", "4.2.2", "transfer langsung", "open"),
    ]


def test_re_importing_raises_no_second_flag(flagged, ingest):
    assert (
        ingest(
            enumerate(
                [
                    message(
                        2, "seller", "Hubungi WA kami di 0812-3456-7890 ya kak, transfer langsung"
                    )
                ]
            )
        ).already_present
        == 1
    )
    assert GuidelineFlag.objects.count() == 2


def test_confirming_a_flag_issues_an_appealable_record_and_tells_the_owner(flagged, make_user):
    owner = make_user("pemilik", shop=flagged)
    reviewer = make_user("reviewer", is_staff=True, groups=("reviewer",))
    flag = GuidelineFlag.objects.get(rule="OFF_PLATFORM_CONTACT")

    guideline_flag_confirm(flag=flag, reviewer=reviewer, note="Nomor WA pribadi")

    flag.refresh_from_db()
    record = EnforcementRecord.objects.get()
    assert (flag.status, flag.reviewed_by, flag.review_note, flag.enforcement) == (
        "confirmed",
        reviewer,
        "Nomor WA pribadi",
        record,
    )
    assert (record.kind, record.key) == ("guideline_violation", f"guideline:{flag.pk}")
    assert record.details == {
        "rule": "OFF_PLATFORM_CONTACT",
        "section": "4.2.2",
        "match": "0812-3456-7890",
        "conversation": "c1",
        "message": "msg-2",
        "note": "Nomor WA pribadi",
    }
    assert list(Notice.objects.values_list("user", "url")) == [(owner.pk, "/toko/toko-a/banding/")]


def test_dismissing_needs_a_reason_and_keeps_who_and_why(flagged, make_user):
    reviewer = make_user("reviewer", is_staff=True, groups=("reviewer",))
    flag = GuidelineFlag.objects.get(rule="OFF_PLATFORM_PAYMENT")

    with pytest.raises(FlagReviewError, match="Alasan mengabaikan wajib diisi."):
        guideline_flag_dismiss(flag=flag, reviewer=reviewer, reason="  ")
    assert GuidelineFlag.objects.get(pk=flag.pk).status == "open"

    guideline_flag_dismiss(flag=flag, reviewer=reviewer, reason="Transfer lewat aplikasi")

    flag.refresh_from_db()
    assert (flag.status, flag.reviewed_by, flag.review_note) == (
        "dismissed",
        reviewer,
        "Transfer lewat aplikasi",
    )
    with pytest.raises(FlagReviewError, match="Tanda ini sudah ditinjau."):
        guideline_flag_confirm(flag=flag, reviewer=reviewer)
    assert EnforcementRecord.objects.count() == 0


def test_reviewer_confirms_in_admin(flagged, client, make_user):
    client.force_login(make_user("reviewer", is_staff=True, groups=("reviewer",)))
    flag = GuidelineFlag.objects.get(rule="OFF_PLATFORM_CONTACT")
    url = reverse("admin:performance_guidelineflag_change", args=[flag.pk])

    page = client.get(url).content.decode()
    refused = client.post(url, {"decision": "dismiss", "note": ""})
    confirmed = client.post(url, {"decision": "confirm", "note": "Jelas"})

    assert "<mark>0812-3456-7890</mark>" in page
    assert "Alasan mengabaikan wajib diisi." in refused.content.decode()
    assert confirmed.status_code == 302
    assert GuidelineFlag.objects.get(pk=flag.pk).status == "confirmed"


def test_seller_page_lists_open_and_confirmed_flags_not_dismissed(flagged, client, make_user):
    client.force_login(make_user("pemilik", shop=flagged))
    GuidelineFlag.objects.filter(rule="OFF_PLATFORM_PAYMENT").update(status="dismissed")

    html = client.get("/toko/toko-a/pedoman-chat/").content.decode()

    rows = html[html.index('<table class="flagged">') :]
    assert "Kontak di luar platform" in rows
    assert "Pembayaran di luar platform" not in rows
    assert "§4.2.2" in rows


def test_cek_pesan_answers_json_for_the_script(flagged, client, make_user):
    client.force_login(make_user("agen", shop=flagged, role="agent"))
    url = "/toko/toko-a/pedoman-chat/cek/"

    flagged_draft = client.post(url, {"text": "wa.me/6281234567890 ya kak"}).json()
    clean = client.post(
        url, {"text": "Pesanan INV/20250407/MPL/1234567890 dikirim jam 15.00"}
    ).json()
    too_long = client.post(url, {"text": "a" * 5001})

    assert flagged_draft == {
        "flags": [
            {
                "rule": "OFF_PLATFORM_CONTACT",
                "section": "4.2.2",
                "match": "wa.me/6281234567890",
                "start": 0,
                "end": 19,
                "title": "Kontak di luar platform",
                "why": "Nomor telepon/WhatsApp, akun aplikasi chat lain atau e-mail mengalihkan "
                "pembeli dari fitur Pesan Pembeli.",
            }
        ]
    }
    assert clean == {"flags": []}
    assert too_long.status_code == 400
    assert client.get(url).status_code == 405
    assert GuidelineFlag.objects.count() == 2  # a draft check stores nothing


def test_cek_pesan_works_without_script(flagged, client, make_user):
    client.force_login(make_user("pemilik", shop=flagged))

    html = client.post(
        "/toko/toko-a/pedoman-chat/", {"text": "tolong batalkan pesanannya ya kak"}
    ).content.decode()

    assert "Meminta pembeli membatalkan pesanan" in html
    assert "<mark>tolong batalkan</mark>" in html


def test_guidelines_page_query_budget(
    flagged, client, make_user, django_assert_num_queries, ingest
):
    client.force_login(make_user("pemilik", shop=flagged))
    with django_assert_num_queries(6):
        assert client.get("/toko/toko-a/pedoman-chat/").status_code == 200
    more = [message(10 + n, "seller", f"tf langsung ke BCA 12345678{n:02d}") for n in range(12)]
    assert ingest(enumerate(more)).ok
    with django_assert_num_queries(6):
        assert client.get("/toko/toko-a/pedoman-chat/").status_code == 200


def test_another_shops_guideline_page_is_404(flagged, client, make_user, make_shop):
    other = make_shop("toko-b", "Toko B")
    client.force_login(make_user("lain", shop=other))

    assert client.get("/toko/toko-a/pedoman-chat/").status_code == 404
    assert client.post("/toko/toko-a/pedoman-chat/cek/", {"text": "x"}).status_code == 404


def test_check_messages_writes_spec_json_lines(tmp_path):
    path = tmp_path / "drafts.jsonl"
    path.write_text(
        '{"id": 1, "text": "Hubungi WA kami di 0812-3456-7890"}\n'
        '{"id": "b", "text": "Resi JP1234567890 ya kak"}\n',
        encoding="utf-8",
    )
    out = StringIO()

    call_command("check_messages", str(path), stdout=out)

    assert out.getvalue() == (
        '{"id": 1, "flags": [{"rule": "OFF_PLATFORM_CONTACT", "section": "4.2.2", '
        '"match": "0812-3456-7890"}]}\n'
        '{"id": "b", "flags": []}\n'
    )


def test_check_messages_reports_bad_lines_without_a_traceback(tmp_path):
    path = tmp_path / "drafts.jsonl"
    path.write_text('{"id": 1, "text": "halo"}\nnot json\n{"text": "no id"}\n', encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "manage.py", "check_messages", str(path)],
        capture_output=True,
        text=True,
        # The command reads no database; one in tmp_path keeps the checkout clean anyway.
        env={
            "DJANGO_DEBUG": "true",
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        },
        check=False,
    )

    assert result.returncode == 1
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{"id": 1, "flags": []}]
    assert result.stderr.splitlines() == [
        "line 2: not valid JSON: Expecting value",
        "line 3: expected an object with 'id' and 'text'",
    ]


# --- The check is a job of its own, after the batch commits (issue: hostile input).


def _guideline_runs():
    return JobRun.objects.filter(kind="guideline_check")


def test_ingestion_stores_without_checking_and_queues_the_check_after_commit(
    make_shop, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """Given a check that would fail, ingestion never calls it: the batch is stored and the
    check waits in a job row for a worker."""
    settings.JOBS_IN_PROCESS = False
    settings.RESULTS_UPDATE_AFTER_INGEST = False
    make_shop()
    monkeypatch.setattr("performance.services.guidelines.check_text", _broken_check)
    enqueued = []
    monkeypatch.setattr(
        "seller_portal.jobs.enqueue_now", lambda func, *args, **kw: enqueued.append(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = events_ingest(
            items=enumerate([message(1, "seller", "WA 0812-3456-7890"), message(2, "buyer", "ok")])
        )
    assert (result.ok, result.stored, Event.objects.count()) == (True, 2, 2)
    assert GuidelineFlag.objects.count() == 0
    parent = _guideline_runs().get(parent__isnull=True)
    batch = _guideline_runs().get(parent=parent)
    first, last = Event.objects.order_by("pk").values_list("pk", flat=True)
    assert (batch.status, batch.params["after_id"], batch.params["through_id"]) == (
        "queued",
        first - 1,
        last,
    )
    assert enqueued == [(batch.pk,)]


def _broken_check(text):
    raise RuntimeError("the checker is broken")


def test_a_batch_without_seller_messages_queues_no_check(make_shop, ingest):
    make_shop()
    assert ingest(enumerate([message(1, "buyer", "WA saya 0812-3456-7890")])).stored == 1
    assert not _guideline_runs().exists()


def test_a_message_whose_check_fails_is_counted_and_the_others_are_flagged(
    make_shop, ingest, monkeypatch
):
    from performance.rules.guidelines import check_text

    def check(text):
        if "meledak" in text:
            raise RuntimeError("boom")
        return check_text(text)

    monkeypatch.setattr("performance.services.guidelines.check_text", check)
    make_shop()
    result = ingest(
        enumerate(
            [
                message(1, "seller", "pesan meledak 0812-3456-7890"),
                message(2, "seller", "Hubungi WA kami di 0812-3456-7890"),
            ]
        )
    )
    assert (result.ok, result.stored) == (True, 2)
    assert list(GuidelineFlag.objects.values_list("event__event_id", "rule")) == [
        ("m2", "OFF_PLATFORM_CONTACT")
    ]
    parent = _guideline_runs().get(parent__isnull=True)
    assert (parent.status, parent.counts) == (
        "succeeded",
        {"messages_checked": 1, "messages_failed": 1, "flags_raised": 1, "batches": 1},
    )


def test_the_check_is_idempotent_and_leaves_reviewed_flags_alone(flagged, make_user):
    flag = GuidelineFlag.objects.get(rule="OFF_PLATFORM_PAYMENT")
    guideline_flag_dismiss(flag=flag, reviewer=make_user("peninjau"), reason="salah baca")
    batch = _guideline_runs().get(parent__isnull=False)
    counts = guideline_flags_check(
        after_id=batch.params["after_id"],
        through_id=batch.params["through_id"],
        received_at=datetime.fromisoformat(batch.params["received_at"]),
    )
    assert counts == {"messages_checked": 2, "messages_failed": 0, "flags_raised": 0}
    assert sorted(GuidelineFlag.objects.values_list("rule", "status")) == [
        ("OFF_PLATFORM_CONTACT", "open"),
        ("OFF_PLATFORM_PAYMENT", "dismissed"),
    ]


def test_the_check_covers_its_own_batch_only(flagged, ingest):
    """A later batch's messages in the same id range but received at another time are left to
    that batch's own check."""
    first = _guideline_runs().get(parent__isnull=False)
    assert ingest(enumerate([message(20, "seller", "WA 0813-1111-2222 ya")])).ok
    counts = guideline_flags_check(
        after_id=first.params["after_id"],
        through_id=Event.objects.order_by("-pk").values_list("pk", flat=True).first(),
        received_at=datetime.fromisoformat(first.params["received_at"]),
    )
    assert counts["messages_checked"] == 2
    assert GuidelineFlag.objects.filter(event__event_id="m20").count() == 1  # by its own job


def test_a_large_batch_is_checked_in_batches_of_event_ids(make_shop, ingest, monkeypatch):
    monkeypatch.setattr("performance.jobs.GUIDELINE_BATCH_IDS", 2)
    make_shop()
    texts = [f"WA saya 0812-3456-78{n:02d}" for n in range(5)]
    assert ingest(enumerate(message(n, "seller", t) for n, t in enumerate(texts))).stored == 5
    parent = _guideline_runs().get(parent__isnull=True)
    ranges = [
        (params["after_id"], params["through_id"])
        for params in parent.batches.order_by("pk").values_list("params", flat=True)
    ]
    first = Event.objects.order_by("pk").values_list("pk", flat=True).first()
    assert ranges == [(first - 1, first + 1), (first + 1, first + 3), (first + 3, first + 4)]
    assert parent.counts["flags_raised"] == 5
    assert GuidelineFlag.objects.count() == 5


def test_an_api_batch_of_hostile_messages_is_stored_without_being_checked(
    make_shop, client, settings, monkeypatch
):
    """The assessment's batch: 40 seller messages of 5,000 characters built to make the
    checker backtrack. The request stores them and checks none."""
    settings.RESULTS_UPDATE_AFTER_INGEST = False
    checked = []
    monkeypatch.setattr("performance.services.guidelines.check_text", checked.append)
    _api_client, token = api_client_create(name="marketplace")
    make_shop()
    hostile = [("www " + "a-b." * 1249), ("x@" + "a-" * 2499)]
    batch = [message(n, "seller", hostile[n % 2]) for n in range(40)]
    answer = client.post(
        "/api/v1/events",
        data=json.dumps(batch),
        content_type="application/json",
        headers={"authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["stored"] == 40
    assert Event.objects.filter(type="chat.message").count() == 40
    assert checked == []
    assert _guideline_runs().filter(parent__isnull=False, status="queued").count() == 1
