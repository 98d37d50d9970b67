"""New and late events recompute what they touch, after commit, recorded as job runs."""

from datetime import date

import pytest

from performance import jobs
from performance.models import JobRun, Penalty, ScoreSnapshot
from performance.services.ingest import events_ingest
from tests.helpers import event

pytestmark = pytest.mark.django_db

TODAY = date(2025, 4, 21)


@pytest.fixture(autouse=True)
def clock(monkeypatch, settings):
    settings.JOBS_IN_PROCESS = True
    monkeypatch.setattr("seller_portal.clock.today", lambda: TODAY)


def cancellations(first, count, day="2025-04-10"):
    return [
        event(
            "order.cancelled_in_verification",
            id=f"x{n}",
            at=f"{day}T12:00:00+07:00",
            order=f"INV/X{n}",
        )
        for n in range(first, first + count)
    ]


def ingest(events, capture):
    with capture(execute=True):
        result = events_ingest(items=enumerate(events))
    assert result.ok
    return result


def test_ingested_events_issue_penalties_and_refresh_scores(
    make_shop, django_capture_on_commit_callbacks
):
    make_shop()
    ingest(
        [event("order.ignored", id="i1", at="2025-04-08T10:00:00+07:00", order="INV/1")],
        django_capture_on_commit_callbacks,
    )

    penalty = Penalty.objects.get()
    assert (penalty.rule, penalty.issued_on, penalty.source) == (
        "ORDER_IGNORED",
        date(2025, 4, 8),
        "INV/1",
    )
    refreshes = list(ScoreSnapshot.objects.values_list("refreshed_on", "deduction"))
    assert refreshes == [(date(2025, 4, 21), 1), (date(2025, 4, 14), 1)]
    parent, batch = JobRun.objects.order_by("id")
    assert (parent.kind, parent.status, parent.triggered_by) == (
        "results_update",
        "succeeded",
        "ingest",
    )
    assert parent.params == {"since": "2025-04-08", "as_of": "2025-04-21", "shops": 1}
    assert batch.parent == parent and batch.status == "succeeded"
    assert batch.counts["event_penalties_issued"] == 1
    assert batch.counts["score_refresh_runs"] == 2


def test_late_events_raise_a_weekly_penalty_and_supersede_the_scores(
    make_shop, django_capture_on_commit_callbacks
):
    make_shop()
    ingest(cancellations(0, 5), django_capture_on_commit_callbacks)
    abuse = Penalty.objects.get(rule="CANCELLATION_ABUSE")
    assert (abuse.points, abuse.issued_on) == (1, date(2025, 4, 13))

    ingest(cancellations(5, 5), django_capture_on_commit_callbacks)  # 10 in the week

    abuse.refresh_from_db()
    assert (abuse.points, abuse.details) == (3, {"cancellations": 10})
    assert Penalty.objects.count() == 1
    history = list(
        ScoreSnapshot.objects.filter(refreshed_on=date(2025, 4, 14))
        .order_by("created_at")
        .values_list("deduction", "is_current")
    )
    assert history == [(1, False), (3, True)]


def test_events_that_change_nothing_leave_results_alone(
    make_shop, django_capture_on_commit_callbacks
):
    make_shop()
    events = cancellations(0, 5)
    ingest(events, django_capture_on_commit_callbacks)
    snapshots = ScoreSnapshot.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = events_ingest(items=enumerate(events))  # all already present

    assert (result.stored, result.already_present) == (0, 5)
    assert callbacks == []
    assert ScoreSnapshot.objects.count() == snapshots


def test_a_failing_recompute_is_recorded_and_does_not_undo_the_import(
    make_shop, django_capture_on_commit_callbacks, monkeypatch
):
    make_shop()

    def broken(run):
        raise RuntimeError("database went away")

    monkeypatch.setitem(jobs.HANDLERS, "results_update", broken)
    ingest(cancellations(0, 1), django_capture_on_commit_callbacks)

    parent, batch = JobRun.objects.order_by("id")
    assert (batch.status, batch.error, batch.attempts) == (
        "failed",
        "RuntimeError: database went away",
        1,
    )
    assert (parent.status, parent.error) == ("failed", "one or more batches failed; see their rows")
    assert Penalty.objects.count() == 0

    monkeypatch.undo()
    monkeypatch.setattr("seller_portal.clock.today", lambda: TODAY)
    jobs.run_job(batch.pk)  # what an RQ retry does

    batch.refresh_from_db()
    parent.refresh_from_db()
    assert (batch.status, batch.error, batch.attempts) == ("succeeded", "", 2)
    assert parent.status == "succeeded"
