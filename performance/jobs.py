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
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from performance.models import JobRun
from performance.rules.calendar import last_monday, penalty_week_start, wib_date
from performance.services.cs_evaluation import cs_evaluate_week
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


HANDLERS = {
    "weekly_rules": _weekly_rules,
    "monthly_rules": _monthly_rules,
    "score_refresh": _score_refresh,
    "results_update": _results_update,
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
        open_states = (JobRun.Status.QUEUED, JobRun.Status.RUNNING)
        if any(status in open_states for status, _ in batches):
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
    with transaction.atomic():
        parent = JobRun.objects.create(
            kind=kind,
            run_date=run_date,
            params=params | {"shops": len(shop_ids)},
            status=JobRun.Status.RUNNING,
            started_at=timezone.now(),
            triggered_by=triggered_by,
        )
        batches = JobRun.objects.bulk_create(
            JobRun(
                kind=kind,
                run_date=run_date,
                parent=parent,
                params=params | {"shop_ids": shop_ids[i : i + BATCH_SIZE]},
                triggered_by=triggered_by,
            )
            for i in range(0, len(shop_ids), BATCH_SIZE)
        )
        for batch in batches:
            jobs.enqueue(run_job, batch.pk, retries=RETRIES)
        if not batches:
            _settle_parent(parent.pk)
    return parent


def _all_shop_ids() -> list[int]:
    return list(Shop.objects.order_by("id").values_list("id", flat=True))


# --- Scheduled (seller_portal/schedule.py): each computes its period from today in WIB, so
# a run that starts late still covers the right period.


def weekly_rules_scheduled() -> int:
    """Sunday 00:05 WIB: weekly rules of the Sunday–Saturday week that just ended."""
    today = clock.today()
    week_start = penalty_week_start(today) - timedelta(days=7)
    params = {"week_start": week_start.isoformat()}
    return _fan_out("weekly_rules", week_start + timedelta(7), params, _all_shop_ids(), "cron").pk


def monthly_rules_scheduled() -> int:
    """The 1st, 00:05 WIB: monthly rules of the month that just ended."""
    first = clock.today().replace(day=1)
    month = (first - timedelta(days=1)).replace(day=1)
    return _fan_out(
        "monthly_rules", first, {"month": month.isoformat()}, _all_shop_ids(), "cron"
    ).pk


def score_refresh_scheduled() -> int:
    """Monday 00:05 WIB: the CS evaluation of the week just ended, then the score refresh."""
    monday = last_monday(clock.today())
    return _fan_out(
        "score_refresh", monday, {"refresh_on": monday.isoformat()}, _all_shop_ids(), "cron"
    ).pk


def enqueue_results_update(*, since_by_shop: dict, triggered_by: str = "ingest") -> JobRun:
    """After new events commit: recompute what they can change, from their earliest date."""
    since = min(wib_date(moment) for moment in since_by_shop.values())
    today = clock.today()
    params = {"since": since.isoformat(), "as_of": today.isoformat()}
    return _fan_out("results_update", today, params, sorted(since_by_shop), triggered_by)
