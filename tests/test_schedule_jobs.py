"""The periodic schedule in WIB (RULES §1) and the job runs staff see (each job reports its
state in a row): next run times of every cron entry, JobRun bookkeeping, batch fan-out."""

import importlib
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rq import cron

from performance import jobs
from performance.models import JobRun, Penalty, ScoreSnapshot
from performance.services.ingest import events_ingest
from performance.services.penalties import penalties_run_week
from tests.helpers import cancelled_in_verification, registration

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def registered():
    """The entries seller_portal.schedule registers, read from a fresh import of it."""
    import seller_portal.schedule as schedule

    saved = list(cron._job_data_registry)
    cron._job_data_registry.clear()
    try:
        importlib.reload(schedule)
        entries = {data["name"]: data for data in cron._job_data_registry}
    finally:
        cron._job_data_registry[:] = saved
    return entries


def cron_job(data):
    return cron.CronJob(
        func=data["func"], queue_name=data["queue_name"], cron=data["cron"], name=data["name"]
    )


def wib(text):
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


def test_schedule_registers_the_three_periodic_jobs_and_the_reconciliation(registered):
    assert {name: (d["func"], d["queue_name"]) for name, d in registered.items()} == {
        "weekly-rules": (jobs.weekly_rules_scheduled, "default"),
        "monthly-rules": (jobs.monthly_rules_scheduled, "default"),
        "score-refresh": (jobs.score_refresh_scheduled, "default"),
        "reconcile": (jobs.jobs_reconcile, "default"),
    }


@pytest.mark.parametrize(
    ("name", "start", "first", "second"),
    [
        # Weekly rules: Sunday 00:05 WIB.
        ("weekly-rules", "2025-04-09T00:00:00", "2025-04-13T00:05", "2025-04-20T00:05"),
        # From Saturday 23:59 WIB, the run six minutes later.
        ("weekly-rules", "2025-04-12T16:59:00", "2025-04-13T00:05", "2025-04-20T00:05"),
        # Monthly rules: the 1st, 00:05 WIB.
        ("monthly-rules", "2026-01-15T00:00:00", "2026-02-01T00:05", "2026-03-01T00:05"),
        ("monthly-rules", "2026-02-10T00:00:00", "2026-03-01T00:05", "2026-04-01T00:05"),
        ("monthly-rules", "2028-02-10T00:00:00", "2028-03-01T00:05", "2028-04-01T00:05"),
        ("monthly-rules", "2025-12-20T00:00:00", "2026-01-01T00:05", "2026-02-01T00:05"),
        ("monthly-rules", "2025-04-30T00:00:00", "2025-05-01T00:05", "2025-06-01T00:05"),
        # Score refresh: Monday 00:05 WIB.
        ("score-refresh", "2025-04-09T00:00:00", "2025-04-14T00:05", "2025-04-21T00:05"),
        ("score-refresh", "2025-04-13T17:04:00", "2025-04-14T00:05", "2025-04-21T00:05"),
        # Reconciliation: every 5 minutes, on the clock.
        ("reconcile", "2025-04-13T17:03:00", "2025-04-14T00:05", "2025-04-14T00:10"),
    ],
)
def test_next_run_times_in_wib(registered, name, start, first, second):
    job = cron_job(registered[name])

    job.set_enqueue_time(datetime.fromisoformat(start).replace(tzinfo=UTC))
    next_one = job.next_enqueue_time
    job.set_enqueue_time(next_one)
    next_two = job.next_enqueue_time

    assert next_one.astimezone(WIB) == wib(first)
    assert next_two.astimezone(WIB) == wib(second)
    assert (next_one.astimezone(WIB).hour, next_one.astimezone(WIB).minute) == (0, 5)


# --- JobRun bookkeeping ---------------------------------------------------------------------

WEEK = {"week_start": "2025-04-06"}


def shop_with_cancellations(code="toko-a", count=5):
    cancelled = cancelled_in_verification(code, count)
    result = events_ingest(items=enumerate([registration(code), *cancelled], start=1))
    assert result.errors == []
    return result.earliest_by_shop.popitem()[0]


def batch(shop_ids, parent=None, kind="weekly_rules", params=WEEK):
    return JobRun.objects.create(
        kind=kind,
        run_date=date(2025, 4, 13),
        parent=parent,
        params=params | {"shop_ids": shop_ids},
    )


@pytest.mark.django_db
def test_run_job_records_success_with_counts():
    run = batch([shop_with_cancellations()])

    jobs.run_job(run.pk)

    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == ("succeeded", 1, "")
    assert run.counts == {"issued": 1, "updated": 0, "withdrawn": 0}
    assert run.started_at is not None
    assert run.finished_at is not None
    assert list(Penalty.objects.values_list("rule", "points")) == [("CANCELLATION_ABUSE", 1)]


@pytest.mark.django_db
def test_a_succeeded_run_delivered_again_does_nothing():
    run = batch([shop_with_cancellations()])
    jobs.run_job(run.pk)
    done = JobRun.objects.values("attempts", "started_at", "finished_at").get(pk=run.pk)

    jobs.run_job(run.pk)

    assert JobRun.objects.values("attempts", "started_at", "finished_at").get(pk=run.pk) == done


@pytest.mark.django_db
def test_failing_handler_records_the_error_and_reraises(monkeypatch):
    run = batch([shop_with_cancellations()])

    def half_done_then_broken(job_run):
        penalties_run_week(week_start=date(2025, 4, 6))  # its writes must be rolled back
        raise RuntimeError("rule table is broken")

    monkeypatch.setitem(jobs.HANDLERS, "weekly_rules", half_done_then_broken)

    with pytest.raises(RuntimeError, match="rule table is broken"):
        jobs.run_job(run.pk)

    run.refresh_from_db()
    assert (run.status, run.attempts, run.counts) == ("failed", 1, {})
    assert run.error == "RuntimeError: rule table is broken"
    assert run.finished_at is not None
    assert Penalty.objects.count() == 0


@pytest.mark.django_db
def test_failed_run_succeeds_when_retried(monkeypatch):
    run = batch([shop_with_cancellations()])

    def broken(job_run):
        raise RuntimeError("database went away")

    with monkeypatch.context() as patch:
        patch.setitem(jobs.HANDLERS, "weekly_rules", broken)
        with pytest.raises(RuntimeError):
            jobs.run_job(run.pk)

    jobs.run_job(run.pk)

    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == ("succeeded", 2, "")
    assert run.counts == {"issued": 1, "updated": 0, "withdrawn": 0}


def parent_run():
    return JobRun.objects.create(
        kind="weekly_rules",
        run_date=date(2025, 4, 13),
        params=WEEK | {"shops": 2},
        status=JobRun.Status.RUNNING,
        started_at=timezone.now(),
    )


@pytest.mark.django_db
def test_parent_run_is_settled_when_its_last_batch_finishes():
    parent = parent_run()
    first = batch([shop_with_cancellations("toko-a", 5)], parent=parent)
    second = batch([shop_with_cancellations("toko-b", 10)], parent=parent)

    jobs.run_job(first.pk)
    parent.refresh_from_db()
    assert (parent.status, parent.finished_at) == ("running", None)

    jobs.run_job(second.pk)

    parent.refresh_from_db()
    assert (parent.status, parent.error) == ("succeeded", "")
    assert parent.counts == {"issued": 2, "updated": 0, "withdrawn": 0, "batches": 2}
    assert parent.finished_at is not None


@pytest.mark.django_db
def test_parent_run_fails_when_a_batch_fails(monkeypatch):
    parent = parent_run()
    first = batch([shop_with_cancellations("toko-a")], parent=parent)
    second = batch([shop_with_cancellations("toko-b")], parent=parent)
    jobs.run_job(first.pk)

    def broken(job_run):
        raise RuntimeError("worker lost")

    monkeypatch.setitem(jobs.HANDLERS, "weekly_rules", broken)
    with pytest.raises(RuntimeError):
        jobs.run_job(second.pk)

    parent.refresh_from_db()
    assert parent.status == "failed"
    assert parent.error == "one or more batches failed; see their rows"
    assert parent.counts == {"issued": 1, "updated": 0, "withdrawn": 0, "batches": 2}


# --- scheduled entry points: periods from today in WIB, fanned out in batches ---------------


@pytest.fixture
def in_process(settings):
    settings.JOBS_IN_PROCESS = True


@pytest.fixture
def today(monkeypatch):
    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_today


@pytest.fixture
def five_shops(make_shop):
    return [make_shop(code=f"toko-{n}", name=f"Toko {n}").pk for n in range(1, 6)]


def batches_of(parent_id):
    return list(
        JobRun.objects.filter(parent_id=parent_id)
        .order_by("pk")
        .values_list("kind", "run_date", "params", "status")
    )


@pytest.mark.parametrize("clock", [date(2025, 4, 13), date(2025, 4, 14)])  # on time, late
def test_weekly_rules_fan_out_for_the_week_that_just_ended(
    in_process, today, five_shops, monkeypatch, django_capture_on_commit_callbacks, clock
):
    monkeypatch.setattr(jobs, "BATCH_SIZE", 2)
    today(clock)
    a, b, c, d, e = five_shops

    with django_capture_on_commit_callbacks(execute=True):
        parent_id = jobs.weekly_rules_scheduled()

    parent = JobRun.objects.get(pk=parent_id)
    run_on, week = date(2025, 4, 13), {"week_start": "2025-04-06"}
    assert (parent.kind, parent.run_date, parent.params) == (
        "weekly_rules",
        run_on,
        week | {"shops": 5},
    )
    assert (parent.status, parent.triggered_by) == ("succeeded", "cron")
    assert parent.counts == {"issued": 0, "updated": 0, "withdrawn": 0, "batches": 3}
    assert batches_of(parent_id) == [
        ("weekly_rules", run_on, week | {"shop_ids": [a, b]}, "succeeded"),
        ("weekly_rules", run_on, week | {"shop_ids": [c, d]}, "succeeded"),
        ("weekly_rules", run_on, week | {"shop_ids": [e]}, "succeeded"),
    ]


def test_weekly_rules_scheduled_issue_the_week_penalties(
    db, in_process, today, django_capture_on_commit_callbacks
):
    shop_with_cancellations()
    today(date(2025, 4, 13))

    with django_capture_on_commit_callbacks(execute=True):
        parent_id = jobs.weekly_rules_scheduled()

    assert JobRun.objects.get(pk=parent_id).counts == {
        "issued": 1,
        "updated": 0,
        "withdrawn": 0,
        "batches": 1,
    }
    assert list(Penalty.objects.values_list("rule", "points", "issued_on", "source")) == [
        ("CANCELLATION_ABUSE", 1, date(2025, 4, 13), "2025-04-06/2025-04-12")
    ]


@pytest.mark.parametrize(
    ("clock", "month"),
    [
        (date(2026, 3, 1), "2026-02-01"),
        (date(2025, 5, 1), "2025-04-01"),
        (date(2026, 1, 1), "2025-12-01"),
    ],
)
def test_monthly_rules_fan_out_for_the_previous_month(
    in_process, today, five_shops, monkeypatch, django_capture_on_commit_callbacks, clock, month
):
    monkeypatch.setattr(jobs, "BATCH_SIZE", 2)
    today(clock)
    a, b, c, d, e = five_shops

    with django_capture_on_commit_callbacks(execute=True):
        parent_id = jobs.monthly_rules_scheduled()

    parent = JobRun.objects.get(pk=parent_id)
    params = {"month": month}
    assert (parent.kind, parent.run_date, parent.params) == (
        "monthly_rules",
        clock,
        params | {"shops": 5},
    )
    assert parent.status == "succeeded"
    assert batches_of(parent_id) == [
        ("monthly_rules", clock, params | {"shop_ids": [a, b]}, "succeeded"),
        ("monthly_rules", clock, params | {"shop_ids": [c, d]}, "succeeded"),
        ("monthly_rules", clock, params | {"shop_ids": [e]}, "succeeded"),
    ]


def test_score_refresh_fans_out_for_the_monday(
    in_process, today, five_shops, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "BATCH_SIZE", 2)
    today(date(2025, 4, 14))
    a, b, c, d, e = five_shops

    with django_capture_on_commit_callbacks(execute=True):
        parent_id = jobs.score_refresh_scheduled()

    parent = JobRun.objects.get(pk=parent_id)
    monday, params = date(2025, 4, 14), {"refresh_on": "2025-04-14"}
    assert (parent.kind, parent.run_date, parent.params) == (
        "score_refresh",
        monday,
        params | {"shops": 5},
    )
    assert parent.status == "succeeded"
    assert parent.counts["batches"] == 3
    assert batches_of(parent_id) == [
        ("score_refresh", monday, params | {"shop_ids": [a, b]}, "succeeded"),
        ("score_refresh", monday, params | {"shop_ids": [c, d]}, "succeeded"),
        ("score_refresh", monday, params | {"shop_ids": [e]}, "succeeded"),
    ]
    assert sorted(ScoreSnapshot.objects.values_list("shop_id", "refreshed_on")) == [
        (shop, monday) for shop in five_shops
    ]
