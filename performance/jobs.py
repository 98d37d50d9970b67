"""RQ entry points of the performance app.

Every job takes the id of a `JobRun` row, which records what to do, its batch of shops and
how it went (started, finished, failed with the error, counts). Work is split into batches
of shops, one `JobRun` each under a parent, so several workers can share a run. Every step is
idempotent, so RQ may retry a failed batch safely.
"""

from __future__ import annotations

import logging
import traceback
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from performance.models import JobRun
from performance.rules.calendar import WIB, last_monday, penalty_week_start, wib_date
from performance.services.cs_evaluation import cs_evaluate_week
from performance.services.guidelines import guideline_flags_check
from performance.services.holiday_mode import holiday_mode_apply_events
from performance.services.penalties import (
    penalties_issue_for_events,
    penalties_run_month,
    penalties_run_week,
)
from performance.services.recalculation import results_recalculate
from performance.services.scores import scores_refresh
from seller_portal import clock, jobs
from seller_portal.models import Shop

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # shops per batch job
RETRIES = 3
MAX_STARTS = RETRIES + 1  # a batch started this often without finishing is given up
OPEN = (JobRun.Status.QUEUED, JobRun.Status.RUNNING)


def _shop_ids(run: JobRun) -> list[int]:
    return run.params["shop_ids"]


def _weekly_rules(run: JobRun) -> dict:
    week_start = date.fromisoformat(run.params["week_start"])
    return penalties_run_week(week_start=week_start, shop_ids=_shop_ids(run)).as_dict()


def _monthly_rules(run: JobRun) -> dict:
    month = date.fromisoformat(run.params["month"])
    return penalties_run_month(month=month, shop_ids=_shop_ids(run)).as_dict()


def _score_refresh(run: JobRun) -> dict:
    refresh_on = date.fromisoformat(run.params["refresh_on"])
    # Per-event penalties are issued at ingestion; issuing any missed ones first makes the
    # refresh correct even if that job failed.
    shop_ids = _shop_ids(run)
    issued = penalties_issue_for_events(until=refresh_on - timedelta(days=1), shop_ids=shop_ids)
    applied = holiday_mode_apply_events(shop_ids=shop_ids)
    cs = cs_evaluate_week(week_start=refresh_on - timedelta(days=7), shop_ids=shop_ids)
    scores = scores_refresh(refresh_on=refresh_on, shop_ids=shop_ids)
    return {"event_penalties_issued": issued, "holiday_events_applied": applied} | cs | scores


def _results_update(run: JobRun) -> dict:
    return results_recalculate(
        as_of=date.fromisoformat(run.params["as_of"]),
        since=date.fromisoformat(run.params["since"]),
        shop_ids=_shop_ids(run),
    )


def _guideline_check(run: JobRun) -> dict:
    return guideline_flags_check(
        after_id=run.params["after_id"],
        through_id=run.params["through_id"],
        received_at=datetime.fromisoformat(run.params["received_at"]),
    )


HANDLERS = {
    "weekly_rules": _weekly_rules,
    "monthly_rules": _monthly_rules,
    "score_refresh": _score_refresh,
    "results_update": _results_update,
    "guideline_check": _guideline_check,
}


def run_job(job_run_id: int) -> None:
    """Run one batch recorded in `JobRun` `job_run_id`; safe to run again after a failure."""
    run = JobRun.objects.get(pk=job_run_id)
    if run.status == JobRun.Status.SUCCEEDED:
        return  # a duplicate delivery: the work is done
    JobRun.objects.filter(pk=run.pk).update(
        status=JobRun.Status.RUNNING, started_at=timezone.now(), attempts=run.attempts + 1
    )
    try:
        with transaction.atomic():
            counts = HANDLERS[run.kind](run)
    except Exception as exc:
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error="".join(traceback.format_exception_only(exc)).strip()[:2000],
        )
        _settle_parent(run.parent_id)
        logger.exception("job run %s (%s) failed", run.pk, run.kind)
        raise
    JobRun.objects.filter(pk=run.pk).update(
        status=JobRun.Status.SUCCEEDED, finished_at=timezone.now(), counts=counts, error=""
    )
    _settle_parent(run.parent_id)


def _settle_parent(parent_id: int | None) -> None:
    """When the last batch of a run finishes, the run takes its outcome and summed counts."""
    if parent_id is None:
        return
    with transaction.atomic():
        parent = JobRun.objects.select_for_update().get(pk=parent_id)
        batches = list(parent.batches.values_list("status", "counts"))
        if any(status in OPEN for status, _ in batches):
            return
        total: Counter[str] = Counter()
        for _, counts in batches:
            total.update({k: v for k, v in counts.items() if isinstance(v, int)})
        failed = any(status == JobRun.Status.FAILED for status, _ in batches)
        parent.status = JobRun.Status.FAILED if failed else JobRun.Status.SUCCEEDED
        parent.counts = dict(total) | {"batches": len(batches)}
        parent.finished_at = timezone.now()
        parent.error = "one or more batches failed; see their rows" if failed else ""
        parent.save(update_fields=["status", "counts", "finished_at", "error"])


def _fan_out(
    kind: str, run_date: date, params: dict, shop_ids: list[int], triggered_by: str
) -> JobRun:
    """A parent run and one batch per BATCH_SIZE shops, each enqueued after commit."""
    return _fan_out_batches(
        kind,
        run_date,
        params,
        [{"shop_ids": shop_ids[i : i + BATCH_SIZE]} for i in range(0, len(shop_ids), BATCH_SIZE)],
        triggered_by,
        summary={"shops": len(shop_ids)},
    )


def _fan_out_batches(
    kind: str,
    run_date: date,
    params: dict,
    batch_params: list[dict],
    triggered_by: str,
    summary: dict | None = None,
) -> JobRun:
    """A parent run (`params` and `summary`) and one batch per entry of `batch_params` (each
    over `params`), every batch enqueued after commit."""
    with transaction.atomic():
        parent = JobRun.objects.create(
            kind=kind,
            run_date=run_date,
            params=params | (summary or {}),
            status=JobRun.Status.RUNNING,
            started_at=timezone.now(),
            triggered_by=triggered_by,
        )
        batches = JobRun.objects.bulk_create(
            JobRun(
                kind=kind,
                run_date=run_date,
                parent=parent,
                params=params | extra,
                triggered_by=triggered_by,
            )
            for extra in batch_params
        )
        for batch in batches:
            jobs.enqueue(run_job, batch.pk, retries=RETRIES, job_id=rq_job_id(batch.pk))
        if not batches:
            _settle_parent(parent.pk)
    return parent


def _all_shop_ids() -> list[int]:
    return list(Shop.objects.order_by("id").values_list("id", flat=True))


# --- Scheduled (seller_portal/schedule.py): each computes its period from today in WIB, so
# a run that starts late still covers the right period.


def weekly_rules_scheduled(triggered_by: str = "cron") -> int:
    """Sunday 00:05 WIB: weekly rules of the Sunday–Saturday week that just ended."""
    today = clock.today()
    week_start = penalty_week_start(today) - timedelta(days=7)
    params = {"week_start": week_start.isoformat()}
    run_date = week_start + timedelta(7)
    return _fan_out("weekly_rules", run_date, params, _all_shop_ids(), triggered_by).pk


def monthly_rules_scheduled(triggered_by: str = "cron") -> int:
    """The 1st, 00:05 WIB: monthly rules of the month that just ended."""
    first = clock.today().replace(day=1)
    month = (first - timedelta(days=1)).replace(day=1)
    params = {"month": month.isoformat()}
    return _fan_out("monthly_rules", first, params, _all_shop_ids(), triggered_by).pk


def score_refresh_scheduled(triggered_by: str = "cron") -> int:
    """Monday 00:05 WIB: the CS evaluation of the week just ended, then the score refresh."""
    monday = last_monday(clock.today())
    params = {"refresh_on": monday.isoformat()}
    return _fan_out("score_refresh", monday, params, _all_shop_ids(), triggered_by).pk


def enqueue_results_update(*, since_by_shop: dict, triggered_by: str = "ingest") -> JobRun:
    """After new events commit: recompute what they can change, from their earliest date."""
    since = min(wib_date(moment) for moment in since_by_shop.values())
    today = clock.today()
    params = {"since": since.isoformat(), "as_of": today.isoformat()}
    return _fan_out("results_update", today, params, sorted(since_by_shop), triggered_by)


GUIDELINE_BATCH_IDS = 20_000  # event ids per guideline-check batch


def enqueue_guideline_check(
    *, after_id: int, through_id: int, received_at: datetime, triggered_by: str = "ingest"
) -> JobRun:
    """After an ingestion batch commits: check its seller chat messages (the events with ids
    in (after_id, through_id] received at `received_at`), in batches of event ids.

    The check is separate from storing, so that no message, however slow or broken its
    check, can fail or slow down the batch that carries it."""
    params = {
        "after_id": after_id,
        "through_id": through_id,
        "received_at": received_at.isoformat(),
    }
    batches = [
        {"after_id": low, "through_id": min(low + GUIDELINE_BATCH_IDS, through_id)}
        for low in range(after_id, through_id, GUIDELINE_BATCH_IDS)
    ]
    return _fan_out_batches("guideline_check", clock.today(), params, batches, triggered_by)


# --- Reconciliation: the database says what is pending; RQ only carries it.

RECONCILE_GRACE = timedelta(minutes=2)  # time for a just-committed batch to reach RQ
CRON_GRACE = timedelta(minutes=10)  # time for the cron scheduler to start a periodic run
HELD_BY_RQ = {"queued", "started", "scheduled", "deferred"}
PERIODIC = {
    # kind: (its latest run date on or before a day, the function the cron calls)
    "weekly_rules": (penalty_week_start, weekly_rules_scheduled),
    "monthly_rules": (lambda day: day.replace(day=1), monthly_rules_scheduled),
    "score_refresh": (last_monday, score_refresh_scheduled),
}


def rq_job_id(job_run_id: int) -> str:
    """The RQ job of a batch has a fixed id, so anyone can ask RQ whether it still holds it."""
    return f"jobrun-{job_run_id}"


def jobs_reconcile() -> dict:
    """Every 5 minutes (seller_portal/schedule.py): RQ runs what the database says is pending.

    - First, RQ retries or fails the jobs whose worker died (their heartbeat stopped).
    - A batch the database has as queued or running that RQ does not hold is queued again:
      Redis was down when it was committed, Redis restarted and lost it (it keeps nothing on
      disk), or its worker died and RQ gave up on it. Running a batch twice is safe.
    - A batch started MAX_STARTS times without finishing is marked failed instead, so one
      that kills its worker (out of memory, say) is not retried for ever.
    - A periodic run whose time has passed with no row (the cron scheduler could not reach
      Redis at that moment) is started now; it covers the period it would have covered.
    """
    counts = Counter(requeued=0, waiting=0, given_up=0, periodic_started=0)
    jobs.rq_reclaim_abandoned()
    stale = JobRun.objects.filter(
        status__in=OPEN, parent__isnull=False, created_at__lt=timezone.now() - RECONCILE_GRACE
    ).order_by("id")
    for run in stale:
        if jobs.rq_job_status(rq_job_id(run.pk)) in HELD_BY_RQ:
            continue
        if run.attempts >= MAX_STARTS:
            _give_up(run)
            counts["given_up"] += 1
        elif jobs.enqueue_now(run_job, run.pk, retries=RETRIES, job_id=rq_job_id(run.pk)):
            counts["requeued"] += 1
        else:
            counts["waiting"] += 1
    first_runs = 0  # periodic kinds that never ran: a fresh installation, nothing was missed
    for kind in _missed_periodic(clock.now()):
        first_runs += not JobRun.objects.filter(kind=kind, parent__isnull=True).exists()
        PERIODIC[kind][1](triggered_by="reconcile")
        counts["periodic_started"] += 1
    if any(counts.values()):
        # Lost or given-up work, or a periodic run missed while the scheduler was away, is for
        # an operator to look at; first runs on a fresh start are not.
        trouble = counts["periodic_started"] > first_runs or any(
            counts[key] for key in ("requeued", "waiting", "given_up")
        )
        logger.log(
            logging.WARNING if trouble else logging.INFO, "job reconciliation: %s", dict(counts)
        )
    return dict(counts)


def _give_up(run: JobRun) -> None:
    JobRun.objects.filter(pk=run.pk, status__in=OPEN).update(
        status=JobRun.Status.FAILED,
        finished_at=timezone.now(),
        error=(
            f"started {run.attempts} times and never finished (the worker was killed, ran out "
            "of memory or restarted); not queued again, re-run it by hand"
        ),
    )
    _settle_parent(run.parent_id)


def _missed_periodic(now: datetime) -> list[str]:
    """The periodic runs due by `now` (WIB) that have no row."""
    today = wib_date(now)
    missed = []
    for kind, (latest, _) in PERIODIC.items():
        run_date = latest(today)
        due = datetime.combine(run_date, time(0, 5), WIB) + CRON_GRACE
        if now < due:
            continue
        if not JobRun.objects.filter(kind=kind, run_date=run_date, parent__isnull=True).exists():
            missed.append(kind)
    return missed
