"""Running background work: on RQ when REDIS_URL is set, in-process after commit otherwise."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(func: Callable, *args, queue: str = "default", retries: int = 0, **kwargs) -> None:
    """Run `func(*args, **kwargs)` after the current transaction commits.

    With Redis, the job goes to the RQ queue (django-rq holds it until commit); without, it
    runs in this process right after commit, so a laptop needs no Redis server; a failure is
    logged (and recorded by the job itself) rather than breaking the request that caused it.
    Jobs must take ids, not model instances, and be safe to run twice: RQ retries a failed
    job `retries` times, after 1, 5 and 15 minutes.
    """
    if settings.JOBS_IN_PROCESS:
        transaction.on_commit(lambda: func(*args, **kwargs), robust=True)
        return
    import django_rq
    from rq import Retry

    options = {"retry": Retry(max=retries, interval=[60, 300, 900])} if retries else {}
    django_rq.get_queue(queue).enqueue(func, *args, **kwargs, **options)


def redis_ping() -> str:
    if settings.JOBS_IN_PROCESS:
        return "not configured"
    import django_rq

    try:
        django_rq.get_connection("default").ping()
    except Exception as exc:  # noqa: BLE001 - any failure means Redis is not usable
        return f"error: {exc.__class__.__name__}"
    return "ok"
