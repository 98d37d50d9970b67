"""Appeals (RULES §8): how many and until when, the review steps, and what an accepted appeal
undoes — the penalty or record is voided and past score snapshots are recomputed."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals.models import Appeal, CaseEvent, Evidence, Notice
from appeals.services import (
    AppealAllowance,
    CaseError,
    appeal_accept,
    appeal_allowance,
    appeal_answer,
    appeal_ask_info,
    appeal_file,
    appeal_reject,
    appeal_start_review,
)
from performance.models import EnforcementRecord, JobRun, Penalty, RuleSet, ScoreSnapshot
from performance.selectors import scores_export
from performance.services.ingest import events_ingest
from performance.services.recalculation import results_recalculate
from tests.helpers import event

pytestmark = pytest.mark.django_db

ISSUED_ON = date(2025, 4, 8)  # a Tuesday
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def environment(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_IN_PROCESS = True


@pytest.fixture
def shop(make_shop):
    return make_shop()


@pytest.fixture
def owner(make_user, shop):
    return make_user("pemilik", shop=shop, role="owner")


@pytest.fixture
def penalty(shop):
    return Penalty.objects.create(
        shop=shop,
        rule="ORDER_IGNORED",
        key="event:i1",
        points=1,
        issued_on=ISSUED_ON,
        source_kind="order",
        source="INV/1",
        rule_set=RuleSet.objects.get(version="v1"),
    )


@pytest.fixture
def record(shop):
    return EnforcementRecord.objects.create(
        shop=shop, kind="manual_restriction", key="staff:1", issued_on=ISSUED_ON
    )


def file_appeal(target, user, today, **overrides):
    kwargs = {
        "target": target,
        "user": user,
        "reason": "platform_logistics",
        "explanation": "Kurir tidak datang menjemput paket.",
        "order_ids": ["INV/1"],
        "files": [],
        "today": today,
    }
    return appeal_file(**(kwargs | overrides))


def at_wib(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


def rejected_at(appeal, reviewer, monkeypatch, moment: datetime):
    """Review and reject `appeal` at a given moment."""
    with monkeypatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: moment)
        appeal_start_review(appeal=appeal, reviewer=reviewer)
        appeal_reject(appeal=appeal, reviewer=reviewer, reason="Tidak ada bukti.")
    appeal.refresh_from_db()
    return appeal


def timeline(case):
    return list(
        case.timeline.order_by("id").values_list(
            "actor__username", "from_state", "to_state", "note"
        )
    )


def snapshot_of_counts():
    return (
        Appeal.objects.count(),
        CaseEvent.objects.count(),
        Evidence.objects.count(),
        Notice.objects.count(),
    )


# --- how many and until when ------------------------------------------------------------------


def test_the_first_appeal_is_allowed_until_thirty_days_after_the_notice(penalty):
    # 8 April + 30 days = 8 May.
    assert appeal_allowance(target=penalty, today=date(2025, 5, 8)) == AppealAllowance(
        allowed=True, attempt=1, remaining=2, deadline=date(2025, 5, 8), reason=""
    )
    assert appeal_allowance(target=penalty, today=date(2025, 5, 9)) == AppealAllowance(
        allowed=False,
        attempt=1,
        remaining=2,
        deadline=date(2025, 5, 8),
        reason="Batas waktu banding sudah lewat (08/05/2025).",
    )


def test_the_first_appeal_on_the_last_day_is_filed(penalty, owner):
    appeal = file_appeal(penalty, owner, date(2025, 5, 8))

    appeal.refresh_from_db()
    assert (appeal.shop, appeal.penalty, appeal.enforcement, appeal.attempt) == (
        penalty.shop,
        penalty,
        None,
        1,
    )
    assert (appeal.reason, appeal.explanation, appeal.order_ids) == (
        "platform_logistics",
        "Kurir tidak datang menjemput paket.",
        ["INV/1"],
    )
    assert (appeal.state, appeal.filed_by, appeal.decision_reason, appeal.decided_at) == (
        "submitted",
        owner,
        "",
        None,
    )
    # Thu 8 May → Fri 9, (Mon 12 Waisak, Tue 13 cuti bersama), Wed 14, Thu 15.
    assert appeal.due_on == date(2025, 5, 15)
    assert timeline(appeal) == [("pemilik", "", "submitted", "")]


def test_the_first_appeal_a_day_late_is_refused(penalty, owner):
    with pytest.raises(CaseError) as refused:
        file_appeal(penalty, owner, date(2025, 5, 9), files=[SimpleUploadedFile("a.pdf", PDF)])

    assert str(refused.value) == "Batas waktu banding sudah lewat (08/05/2025)."
    assert snapshot_of_counts() == (0, 0, 0, 0)


def test_a_second_appeal_waits_for_the_first_decision(penalty, owner):
    first = file_appeal(penalty, owner, date(2025, 4, 10))

    assert appeal_allowance(target=penalty, today=date(2025, 4, 11)) == AppealAllowance(
        allowed=False,
        attempt=2,
        remaining=1,
        deadline=None,
        reason="Banding sebelumnya masih diproses.",
    )
    with pytest.raises(CaseError) as refused:
        file_appeal(penalty, owner, date(2025, 4, 11))
    assert str(refused.value) == "Banding sebelumnya masih diproses."
    assert list(Appeal.objects.values_list("pk", "attempt", "state")) == [
        (first.pk, 1, "submitted")
    ]


def test_a_second_appeal_is_allowed_until_fifteen_days_after_the_rejection(
    penalty, owner, reviewer, monkeypatch
):
    first = file_appeal(penalty, owner, date(2025, 4, 10))
    # Rejected on 20 April 20:00 UTC, which is already 21 April 03:00 in WIB: 21 + 15 = 6 May.
    rejected_at(first, reviewer, monkeypatch, datetime(2025, 4, 20, 20, 0, tzinfo=UTC))

    assert appeal_allowance(target=penalty, today=date(2025, 5, 6)) == AppealAllowance(
        allowed=True, attempt=2, remaining=1, deadline=date(2025, 5, 6), reason=""
    )
    assert appeal_allowance(target=penalty, today=date(2025, 5, 7)).reason == (
        "Batas waktu banding sudah lewat (06/05/2025)."
    )
    with pytest.raises(CaseError) as refused:
        file_appeal(penalty, owner, date(2025, 5, 7))
    assert str(refused.value) == "Batas waktu banding sudah lewat (06/05/2025)."
    assert Appeal.objects.count() == 1

    second = file_appeal(penalty, owner, date(2025, 5, 6), reason="other")

    assert (second.attempt, second.state, second.reason) == (2, "submitted", "other")
    # Tue 6 May → Wed 7, Thu 8, Fri 9.
    assert second.due_on == date(2025, 5, 9)


def test_the_second_appeal_counts_from_the_rejection_not_the_notice(
    penalty, owner, reviewer, monkeypatch
):
    # The first appeal on its last day, rejected 20 May 10:00 WIB: the second is open until
    # 4 June, long after the 30 days from the notice (8 May).
    first = file_appeal(penalty, owner, date(2025, 5, 8))
    rejected_at(first, reviewer, monkeypatch, at_wib("2025-05-20T10:00:00+07:00"))

    second = file_appeal(penalty, owner, date(2025, 6, 4))

    assert second.attempt == 2


def test_a_third_appeal_is_refused(penalty, owner, reviewer, monkeypatch):
    first = file_appeal(penalty, owner, date(2025, 4, 10))
    rejected_at(first, reviewer, monkeypatch, at_wib("2025-04-14T10:00:00+07:00"))
    second = file_appeal(penalty, owner, date(2025, 4, 15))
    rejected_at(second, reviewer, monkeypatch, at_wib("2025-04-17T10:00:00+07:00"))
    counts = snapshot_of_counts()

    assert appeal_allowance(target=penalty, today=date(2025, 4, 18)) == AppealAllowance(
        allowed=False,
        attempt=3,
        remaining=0,
        deadline=None,
        reason="Batas 2 banding sudah terpakai.",
    )
    with pytest.raises(CaseError) as refused:
        file_appeal(penalty, owner, date(2025, 4, 18))
    assert str(refused.value) == "Batas 2 banding sudah terpakai."
    assert snapshot_of_counts() == counts


def test_a_voided_item_cannot_be_appealed(penalty, record, owner):
    for target in (penalty, record):
        target.voided_at = at_wib("2025-04-09T10:00:00+07:00")
        target.save()

        assert appeal_allowance(target=target, today=date(2025, 4, 10)) == AppealAllowance(
            allowed=False, attempt=1, remaining=0, deadline=None, reason="Sudah dibatalkan."
        )
        with pytest.raises(CaseError) as refused:
            file_appeal(target, owner, date(2025, 4, 10))
        assert str(refused.value) == "Sudah dibatalkan."
    assert snapshot_of_counts() == (0, 0, 0, 0)


def test_an_enforcement_record_is_appealed_like_a_penalty(record, owner):
    assert appeal_allowance(target=record, today=date(2025, 5, 9)).reason == (
        "Batas waktu banding sudah lewat (08/05/2025)."
    )

    appeal = file_appeal(record, owner, date(2025, 5, 8), reason="force_majeure")

    assert (appeal.enforcement, appeal.penalty, appeal.attempt) == (record, None, 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": "bosan"}, "Pilih alasan banding."),
        ({"explanation": "   "}, "Penjelasan wajib diisi."),
        (
            {"files": [SimpleUploadedFile(f"b{n}.pdf", PDF) for n in range(6)]},
            "Paling banyak 5 berkas bukti.",
        ),
        (
            {"files": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("x.pdf", b"MZ\0\0")]},
            "x.pdf bukan gambar (PNG, JPEG, GIF, WebP), PDF atau teks.",
        ),
    ],
)
def test_an_incomplete_appeal_is_refused_and_stores_nothing(
    penalty, owner, tmp_path, overrides, message
):
    with pytest.raises(ValueError) as refused:
        file_appeal(penalty, owner, date(2025, 4, 10), **overrides)

    assert str(refused.value) == message
    assert snapshot_of_counts() == (0, 0, 0, 0)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_an_appeal_keeps_its_documents(penalty, owner):
    appeal = file_appeal(
        penalty, owner, date(2025, 4, 10), files=[SimpleUploadedFile("surat.pdf", PDF)]
    )

    assert list(appeal.evidence.values_list("name", "content_type", "size", "ticket")) == [
        ("surat.pdf", "application/pdf", len(PDF), None)
    ]


# --- review steps -----------------------------------------------------------------------------


@pytest.fixture
def appeal(penalty, owner):
    return file_appeal(penalty, owner, date(2025, 4, 10))


def test_an_appeal_goes_through_a_question_and_is_accepted(
    appeal, penalty, owner, reviewer, monkeypatch
):
    moment = at_wib("2025-04-15T14:00:00+07:00")
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    appeal_start_review(appeal=appeal, reviewer=reviewer)
    appeal_ask_info(appeal=appeal, reviewer=reviewer, question="  Ada resi kurirnya?  ")
    appeal.refresh_from_db()
    assert appeal.state == "needs_info"
    appeal_answer(
        appeal=appeal,
        user=owner,
        answer=" Resi terlampir. ",
        files=[SimpleUploadedFile("resi.pdf", PDF)],
    )
    appeal.refresh_from_db()
    assert appeal.state == "submitted"
    appeal_start_review(appeal=appeal, reviewer=reviewer)

    appeal_accept(appeal=appeal, reviewer=reviewer, reason=" Kurir terlambat. ")

    appeal.refresh_from_db()
    assert (appeal.state, appeal.decision_reason, appeal.decided_at) == (
        "accepted",
        "Kurir terlambat.",
        moment,
    )
    assert timeline(appeal) == [
        ("pemilik", "", "submitted", ""),
        ("peninjau", "submitted", "in_review", ""),
        ("peninjau", "in_review", "needs_info", "Ada resi kurirnya?"),
        ("pemilik", "needs_info", "submitted", "Resi terlampir."),
        ("peninjau", "submitted", "in_review", ""),
        ("peninjau", "in_review", "accepted", "Kurir terlambat."),
    ]
    assert list(appeal.evidence.values_list("name", "uploaded_by__username")) == [
        ("resi.pdf", "pemilik")
    ]
    penalty.refresh_from_db()
    assert (penalty.voided_at, penalty.void_reason) == (moment, f"#{appeal.pk}: Kurir terlambat.")
    assert list(Notice.objects.order_by("id").values_list("user__username", "url")) == [
        ("pemilik", f"/toko/toko-a/banding/{appeal.pk}/"),
        ("pemilik", f"/toko/toko-a/banding/{appeal.pk}/"),
    ]
    assert Notice.objects.order_by("id").last().text == (
        f"Banding #{appeal.pk} diterima: Kurir terlambat."
    )


def test_the_question_notice_quotes_the_question_as_recorded(appeal, reviewer):
    appeal_start_review(appeal=appeal, reviewer=reviewer)

    appeal_ask_info(appeal=appeal, reviewer=reviewer, question="  Ada resi kurirnya?\n")

    assert timeline(appeal)[-1][3] == "Ada resi kurirnya?"
    # Like every other decision notice, the text is trimmed.
    assert list(Notice.objects.values_list("text", flat=True)) == [
        f"Banding #{appeal.pk} perlu informasi: Ada resi kurirnya?"
    ]


def test_a_rejected_appeal_keeps_the_penalty(appeal, penalty, reviewer):
    appeal_start_review(appeal=appeal, reviewer=reviewer)

    appeal_reject(appeal=appeal, reviewer=reviewer, reason="Tidak ada bukti.")

    appeal.refresh_from_db()
    assert (appeal.state, appeal.decision_reason) == ("rejected", "Tidak ada bukti.")
    penalty.refresh_from_db()
    assert (penalty.voided_at, penalty.void_reason) == (None, "")
    assert list(Notice.objects.values_list("text", flat=True)) == [
        f"Banding #{appeal.pk} ditolak: Tidak ada bukti."
    ]


def _refused(appeal, step, message):
    fields = ("state", "decision_reason", "decided_at")
    before = [getattr(appeal, f) for f in fields]
    steps = timeline(appeal)
    counts = snapshot_of_counts()
    jobs = JobRun.objects.count()

    with pytest.raises(CaseError) as refused:
        step()

    assert str(refused.value) == message
    appeal.refresh_from_db()
    assert [getattr(appeal, f) for f in fields] == before
    assert timeline(appeal) == steps
    assert snapshot_of_counts() == counts
    assert JobRun.objects.count() == jobs
    target = appeal.target
    target.refresh_from_db()
    assert (target.voided_at, target.void_reason) == (None, "")


def test_accepting_or_rejecting_a_submitted_appeal_is_refused(appeal, reviewer):
    _refused(
        appeal,
        lambda: appeal_accept(appeal=appeal, reviewer=reviewer, reason="Diterima."),
        "Tidak bisa: status sekarang Diajukan.",
    )
    _refused(
        appeal,
        lambda: appeal_reject(appeal=appeal, reviewer=reviewer, reason="Ditolak."),
        "Tidak bisa: status sekarang Diajukan.",
    )
    _refused(
        appeal,
        lambda: appeal_ask_info(appeal=appeal, reviewer=reviewer, question="Resi?"),
        "Tidak bisa: status sekarang Diajukan.",
    )


def test_an_answer_is_refused_unless_information_was_asked(appeal, owner, reviewer, tmp_path):
    files_before = sorted(tmp_path.rglob("*"))
    answer = lambda: appeal_answer(  # noqa: E731
        appeal=appeal,
        user=owner,
        answer="Resi terlampir.",
        files=[SimpleUploadedFile("r.pdf", PDF)],
    )

    _refused(appeal, answer, "Tidak bisa: status sekarang Diajukan.")
    appeal_start_review(appeal=appeal, reviewer=reviewer)
    _refused(appeal, answer, "Tidak bisa: status sekarang Sedang ditinjau.")
    assert sorted(tmp_path.rglob("*")) == files_before


def test_an_empty_answer_is_refused(appeal, owner, reviewer):
    appeal_start_review(appeal=appeal, reviewer=reviewer)
    appeal_ask_info(appeal=appeal, reviewer=reviewer, question="Ada resi kurirnya?")
    appeal.refresh_from_db()

    _refused(
        appeal,
        lambda: appeal_answer(appeal=appeal, user=owner, answer=" ", files=[]),
        "Tulis jawaban Anda.",
    )


def test_a_question_a_rejection_and_an_acceptance_need_their_text(appeal, reviewer):
    appeal_start_review(appeal=appeal, reviewer=reviewer)
    appeal.refresh_from_db()

    _refused(
        appeal,
        lambda: appeal_ask_info(appeal=appeal, reviewer=reviewer, question="  "),
        "Tulis pertanyaan untuk penjual.",
    )
    _refused(
        appeal,
        lambda: appeal_reject(appeal=appeal, reviewer=reviewer, reason=""),
        "Alasan penolakan wajib diisi.",
    )
    _refused(
        appeal,
        lambda: appeal_accept(appeal=appeal, reviewer=reviewer, reason="\n"),
        "Alasan keputusan wajib diisi.",
    )


def test_a_decided_appeal_cannot_be_decided_again(appeal, reviewer):
    appeal_start_review(appeal=appeal, reviewer=reviewer)
    appeal_reject(appeal=appeal, reviewer=reviewer, reason="Tidak ada bukti.")
    appeal.refresh_from_db()

    _refused(
        appeal,
        lambda: appeal_accept(appeal=appeal, reviewer=reviewer, reason="Berubah pikiran."),
        "Tidak bisa: status sekarang Ditolak.",
    )
    _refused(
        appeal,
        lambda: appeal_start_review(appeal=appeal, reviewer=reviewer),
        "Tidak bisa: status sekarang Ditolak.",
    )


# --- what an accepted appeal undoes -----------------------------------------------------------


@pytest.fixture
def scored(shop):
    """An order ignored on Tuesday 8 April 2025: ORDER_IGNORED, 1 point, issued 8 April, counts
    in the refreshes of Monday 14 and 21 April (8 April < R < 6 May). Another order, verified
    Monday 7 April and shipped 24 h later, keeps the score above zero."""
    events = [
        event(
            "order.verified",
            id="v1",
            at="2025-04-07T09:00:00+07:00",
            order="INV/1",
            amount=100000,
            buyer="b1",
        ),
        event("order.shipped", id="s1", at="2025-04-08T09:00:00+07:00", order="INV/1"),
        event("order.completed", id="c1", at="2025-04-10T09:00:00+07:00", order="INV/1"),
        event("order.ignored", id="i2", at="2025-04-08T10:00:00+07:00", order="INV/2"),
    ]
    assert events_ingest(items=enumerate(events)).ok
    results_recalculate(as_of=date(2025, 4, 21))
    return shop


def snapshots(shop):
    return list(
        ScoreSnapshot.objects.filter(shop=shop)
        .order_by("refreshed_on", "id")
        .values_list("refreshed_on", "is_current", "deduction", "score")
    )


def test_an_accepted_appeal_voids_the_penalty_and_recomputes_past_scores(
    scored, owner, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    penalty = Penalty.objects.get(shop=scored, rule="ORDER_IGNORED")
    assert (penalty.issued_on, penalty.points, penalty.source) == (ISSUED_ON, 1, "INV/2")
    before = snapshots(scored)
    assert [(r[0], r[1], r[2]) for r in before] == [
        (date(2025, 4, 7), True, 0),  # data before 7 April: nothing yet
        (date(2025, 4, 14), True, 1),
        (date(2025, 4, 21), True, 1),
    ]
    monkeypatch.setattr("seller_portal.clock.today", lambda: date(2025, 4, 22))
    appeal = file_appeal(penalty, owner, date(2025, 4, 22))
    appeal_start_review(appeal=appeal, reviewer=reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        appeal_accept(appeal=appeal, reviewer=reviewer, reason="Pembeli membatalkan via chat.")

    penalty.refresh_from_db()
    assert penalty.voided_at is not None
    run = JobRun.objects.get(parent=None, triggered_by=f"appeal:{appeal.pk}")
    assert (run.status, run.params) == (
        "succeeded",
        {"since": "2025-04-08", "as_of": "2025-04-22", "shops": 1},
    )
    after = snapshots(scored)
    s07, s14_old, s21_old = [r[3] for r in before]
    assert [(r[0], r[1], r[2]) for r in after] == [
        (date(2025, 4, 7), True, 0),  # before the penalty: not recomputed
        (date(2025, 4, 14), False, 1),
        (date(2025, 4, 14), True, 0),
        (date(2025, 4, 21), False, 1),
        (date(2025, 4, 21), True, 0),
    ]
    # The deduction is subtracted last, so the score rises by exactly the voided point.
    assert after[0][3] == s07
    assert after[1][3] == s14_old and after[2][3] == s14_old + Decimal("1.0")
    assert after[3][3] == s21_old and after[4][3] == s21_old + Decimal("1.0")
    current = ScoreSnapshot.objects.get(
        shop=scored, refreshed_on=date(2025, 4, 21), is_current=True
    )
    old = ScoreSnapshot.objects.get(shop=scored, refreshed_on=date(2025, 4, 21), is_current=False)
    assert [p["id"] for p in old.deducted] == [penalty.pk]
    assert (current.deducted, current.penalty_points) == ([], 0)
    assert old.superseded_at is not None
    export = scores_export(as_of=date(2025, 4, 22), shop_code="toko-a")["shops"][0]
    assert export["penalties"] == [
        {
            "rule": "ORDER_IGNORED",
            "points": 1,
            "issued_on": "2025-04-08",
            "status": "voided",
            "source": "INV/2",
        }
    ]
    assert (export["penalty_deduction"], export["score"]) == (0, float(after[4][3]))


def test_a_voided_penalty_stays_voided_when_results_are_recomputed(
    scored, owner, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    penalty = Penalty.objects.get(shop=scored, rule="ORDER_IGNORED")
    monkeypatch.setattr("seller_portal.clock.today", lambda: date(2025, 4, 22))
    appeal = file_appeal(penalty, owner, date(2025, 4, 22))
    appeal_start_review(appeal=appeal, reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_accept(appeal=appeal, reviewer=reviewer, reason="Pembeli membatalkan via chat.")
    rows = snapshots(scored)

    results_recalculate(as_of=date(2025, 4, 28))

    penalty.refresh_from_db()
    assert penalty.voided_at is not None
    assert (
        ScoreSnapshot.objects.get(
            shop=scored, refreshed_on=date(2025, 4, 28), is_current=True
        ).deduction
        == 0
    )
    assert snapshots(scored)[: len(rows)] == rows


def test_an_accepted_appeal_voids_the_enforcement_record(
    record, owner, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("seller_portal.clock.today", lambda: date(2025, 4, 22))
    appeal = file_appeal(record, owner, date(2025, 4, 22), reason="platform_system_error")
    appeal_start_review(appeal=appeal, reviewer=reviewer)
    moment = at_wib("2025-04-23T09:00:00+07:00")
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    with django_capture_on_commit_callbacks(execute=True):
        appeal_accept(appeal=appeal, reviewer=reviewer, reason="Gangguan sistem 8 April.")

    record.refresh_from_db()
    assert (record.voided_at, record.void_reason, record.withdrawn_at) == (
        moment,
        f"#{appeal.pk}: Gangguan sistem 8 April.",
        None,
    )
    appeal.refresh_from_db()
    assert (appeal.state, appeal.decided_at) == ("accepted", moment)
    assert appeal_allowance(target=record, today=date(2025, 4, 24)).reason == "Sudah dibatalkan."


def test_an_answer_may_not_bring_the_documents_past_five(penalty, owner, reviewer, tmp_path):
    files = [SimpleUploadedFile(f"b{n}.pdf", PDF) for n in range(5)]
    appeal = file_appeal(penalty, owner, date(2025, 4, 10), files=files)
    appeal_start_review(appeal=appeal, reviewer=reviewer)
    appeal_ask_info(appeal=appeal, reviewer=reviewer, question="Ada resi kurirnya?")
    appeal.refresh_from_db()
    stored = sorted(tmp_path.rglob("*"))

    _refused(
        appeal,
        lambda: appeal_answer(
            appeal=appeal,
            user=owner,
            answer="Resi terlampir.",
            files=[SimpleUploadedFile("resi.pdf", PDF)],
        ),
        "Paling banyak 5 berkas bukti.",
    )
    assert sorted(tmp_path.rglob("*")) == stored


def test_a_withdrawn_enforcement_record_cannot_be_appealed(make_shop):
    from appeals.services import appeal_allowance
    from performance.models import EnforcementRecord

    record = EnforcementRecord.objects.create(
        shop=make_shop(),
        kind="cs_response_warning",
        key="cs:2025-04-14",
        issued_on=date(2025, 4, 21),
        withdrawn_at=datetime(2025, 4, 22, tzinfo=UTC),
    )

    allowance = appeal_allowance(target=record, today=date(2025, 4, 23))

    assert (allowance.allowed, allowance.reason) == (False, "Catatan ini sudah ditarik.")
