"""Running background work: on RQ when REDIS_URL is set, in-process after commit otherwise."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

RETRY_INTERVALS = [60, 300, 900]  # seconds before RQ's first, second and third retry


def enqueue(
    func: Callable,
    *args,
    queue: str = "default",
    retries: int = 0,
    job_id: str | None = None,
    **kwargs,
) -> None:
    """Run `func(*args, **kwargs)` after the current transaction commits.

    With Redis, the job goes to the RQ queue after commit; without, it runs in this process
    right after commit, so a laptop needs no Redis server; a failure is logged (and recorded
    by the job itself) rather than breaking the request that caused it. Jobs must take ids,
    not model instances, and be safe to run twice: RQ retries a failed job `retries` times,
    after 1, 5 and 15 minutes.

    Redis being down does not fail the request: the work is recorded in the database before
    it is queued (a `JobRun` row), and the reconciliation job queues it when Redis is back.
    """
    if settings.JOBS_IN_PROCESS:
        transaction.on_commit(lambda: func(*args, **kwargs), robust=True)
        return
    transaction.on_commit(
        lambda: enqueue_now(func, *args, queue=queue, retries=retries, job_id=job_id, **kwargs)
    )


def enqueue_now(
    func: Callable,
    *args,
    queue: str = "default",
    retries: int = 0,
    job_id: str | None = None,
    **kwargs,
) -> bool:
    """Put the job on its RQ queue now; False, logged, when Redis cannot be reached."""
    import django_rq
    from redis.exceptions import RedisError
    from rq import Retry

    options = {"retry": Retry(max=retries, interval=RETRY_INTERVALS)} if retries else {}
    if job_id:
        options["job_id"] = job_id
    try:
        django_rq.get_queue(queue, commit_mode="auto").enqueue(func, *args, **kwargs, **options)
    except RedisError as exc:
        logger.warning(
            "Redis is unreachable (%s: %s); %s waits in the database for the reconciliation job",
            exc.__class__.__name__,
            exc,
            job_id or func.__qualname__,
        )
        return False
    return True


def rq_reclaim_abandoned(*, queue: str = "default") -> None:
    """RQ's own handling of jobs whose worker died (their heartbeat expired): each is retried
    as its retry policy says, or failed. Workers do this every 10 minutes; this does it now."""
    import django_rq
    from rq.registry import StartedJobRegistry

    StartedJobRegistry(queue=django_rq.get_queue(queue)).cleanup()


def rq_job_status(job_id: str, *, queue: str = "default") -> str | None:
    """The RQ status of a job ("queued", "started", "failed", ...), None if Redis has none."""
    import django_rq
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(job_id, connection=django_rq.get_connection(queue))
    except NoSuchJobError:
        return None
    status = job.get_status(refresh=False)
    return status.value if status is not None else None


def redis_ping() -> str:
    if settings.JOBS_IN_PROCESS:
        return "not configured"
    import django_rq

    try:
        django_rq.get_connection("default").ping()
    except Exception as exc:  # noqa: BLE001 - any failure means Redis is not usable
        return f"error: {exc.__class__.__name__}"
    return "ok"
