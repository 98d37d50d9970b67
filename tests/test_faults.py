"""Service faults: Redis down, a worker killed in the middle of a batch, PostgreSQL restarted.

- Redis down: requests that store work still succeed; the work waits as `JobRun` rows and the
  reconciliation job (`performance.jobs.jobs_reconcile`, every 5 minutes) queues it when Redis
  is back. The pages themselves never read Redis (tests/test_access_matrix.py visits every
  URL with Redis down).
- A worker killed mid-batch, with the real Redis and a real `rqworker` process: the batch's
  transaction leaves nothing behind, RQ retries the abandoned job, and the rerun gives exactly
  the results of an uninterrupted run.
- PostgreSQL stopped and restarted under a running gunicorn: pages answer a clean 503 while it
  is down and work again as soon as it is up, without restarting gunicorn.
"""

from __future__ import annotations

import glob
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone

from benchmarks.server import children, free_port, production_env, start_gunicorn, stop_gunicorn
from performance import jobs
from performance.models import (
    CsWeek,
    EnforcementRecord,
    Event,
    HolidayModeChange,
    HolidayPeriod,
    JobRun,
    Penalty,
    ScoreSnapshot,
)
from performance.rules.calendar import wib_date
from performance.services.api_clients import api_client_create
from performance.services.ingest import events_ingest
from performance.services.recalculation import results_recalculate
from seller_portal import clock
from seller_portal import jobs as queueing
from seller_portal.demo import demo_events
from tests.helpers import PASSWORD, cancelled_in_verification, registration

BASE_DIR = Path(settings.BASE_DIR)
DOWN = "redis://127.0.0.1:1/15?socket_connect_timeout=1"  # nothing listens on port 1
TODAY = date(2026, 11, 23)


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def rq_queue(settings):
    """The real default queue (REDIS_URL, as in CI), emptied before and after."""
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: this test needs the Redis server (see README)")
    import django_rq

    settings.JOBS_IN_PROCESS = False
    queue = django_rq.get_queue("default")
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


@pytest.fixture
def redis_down(rq_queue):
    """Point the queue at a port where nothing listens; undo() brings Redis back."""
    from django_rq import settings as rq_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(rq_settings.QUEUES["default"], "URL", DOWN)
        yield patch


@pytest.fixture
def periodic_on_time(monkeypatch):
    """Every periodic run has its row: the reconciliation sees only the batches of a test."""
    monkeypatch.setattr(jobs, "PERIODIC", {})


@pytest.fixture
def run(make_shop):
    """The one batch of a recompute after stored events, not queued anywhere."""
    parent = jobs.enqueue_results_update(
        since_by_shop={make_shop().pk: datetime(2025, 4, 7, tzinfo=UTC)}, triggered_by="test"
    )
    return parent.batches.get()


def backdate(*runs: JobRun, minutes: int = 3) -> None:
    JobRun.objects.filter(pk__in=[r.pk for r in runs]).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def burst(queue) -> None:
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def reconcile_counts(**counts) -> dict:
    return {"requeued": 0, "waiting": 0, "given_up": 0, "periodic_started": 0} | counts


# --- Redis down -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_stored_while_redis_is_down_are_recomputed_once_it_is_back(
    periodic_on_time,
    client,
    redis_down,
    rq_queue,
    django_capture_on_commit_callbacks,
    caplog,
    monkeypatch,
):
    monkeypatch.setattr(clock, "today", lambda: date(2025, 4, 14))
    _, token = api_client_create(name="marketplace")
    batch = [registration(), *cancelled_in_verification("toko-a", 5)]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/events",
            batch,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    assert (response.status_code, response.json()) == (200, {"stored": 6, "already_present": 0})
    run = JobRun.objects.get(parent__isnull=False)
    assert (run.kind, run.status, run.attempts) == ("results_update", "queued", 0)
    assert "Redis is unreachable (ConnectionError" in caplog.text
    assert f"jobrun-{run.pk} waits in the database for the reconciliation job" in caplog.text
    assert Penalty.objects.count() == 0  # not computed yet

    redis_down.undo()  # Redis is back
    assert jobs.jobs_reconcile() == reconcile_counts()  # too fresh: its enqueue may be under way
    backdate(run)
    assert jobs.jobs_reconcile() == reconcile_counts(requeued=1)
    assert rq_queue.job_ids == [f"jobrun-{run.pk}"]
    burst(rq_queue)

    run.refresh_from_db()
    assert (run.status, run.attempts) == ("succeeded", 1)
    assert run.parent.status == "succeeded"
    assert list(Penalty.objects.values_list("rule", "points")) == [("CANCELLATION_ABUSE", 1)]
    assert jobs.jobs_reconcile() == reconcile_counts()


@pytest.mark.django_db
def test_health_reports_redis_down_and_the_database_up(client, redis_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "redis": "error: ConnectionError",
    }


@pytest.mark.django_db
def test_a_batch_rq_still_holds_is_left_alone(periodic_on_time, rq_queue, run):
    queueing.enqueue_now(jobs.run_job, run.pk, job_id=jobs.rq_job_id(run.pk))
    backdate(run)

    assert jobs.jobs_reconcile() == reconcile_counts()
    assert rq_queue.job_ids == [f"jobrun-{run.pk}"]


@pytest.mark.django_db
def test_a_batch_lost_by_a_redis_restart_is_queued_again(periodic_on_time, rq_queue, run):
    queueing.enqueue_now(jobs.run_job, run.pk, job_id=jobs.rq_job_id(run.pk))
    rq_queue.connection.flushdb()  # Redis keeps nothing on disk: a restart empties it
    backdate(run)

    assert jobs.jobs_reconcile() == reconcile_counts(requeued=1)
    assert rq_queue.job_ids == [f"jobrun-{run.pk}"]


@pytest.mark.django_db
def test_a_batch_that_keeps_killing_its_worker_is_given_up(periodic_on_time, rq_queue, run):
    parent = run.parent
    JobRun.objects.filter(pk=run.pk).update(status="running", attempts=jobs.MAX_STARTS)
    backdate(run)

    assert jobs.jobs_reconcile() == reconcile_counts(given_up=1)

    run.refresh_from_db()
    parent.refresh_from_db()
    assert (run.status, run.error) == (
        "failed",
        "started 4 times and never finished (the worker was killed, ran out of memory or "
        "restarted); not queued again, re-run it by hand",
    )
    assert (parent.status, parent.error) == ("failed", "one or more batches failed; see their rows")
    assert rq_queue.job_ids == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("now_wib", "ran", "started"),
    [
        # Monday 01:00 WIB: Sunday's weekly rules and Monday's refresh were missed.
        (
            "2025-04-14T01:00",
            {"monthly_rules": "2025-04-01"},
            {"weekly_rules": "2025-04-13", "score_refresh": "2025-04-14"},
        ),
        # Monday 00:10 WIB: the refresh is due at 00:05 and may still be starting.
        ("2025-04-14T00:10", {"monthly_rules": "2025-04-01"}, {"weekly_rules": "2025-04-13"}),
        # Tuesday the 1st, 09:00 WIB: the month's rules and Monday's refresh were missed.
        (
            "2025-04-01T09:00",
            {"weekly_rules": "2025-03-30"},
            {"monthly_rules": "2025-04-01", "score_refresh": "2025-03-31"},
        ),
    ],
)
def test_a_periodic_run_missed_while_redis_was_down_is_started(
    rq_queue, make_shop, monkeypatch, now_wib, ran, started
):
    make_shop()
    now = datetime.fromisoformat(now_wib + ":00+07:00")
    monkeypatch.setattr(clock, "now", lambda: now)
    monkeypatch.setattr(clock, "today", lambda: now.date())
    for kind, run_date in ran.items():
        JobRun.objects.create(kind=kind, run_date=run_date, status="succeeded")

    counts = jobs.jobs_reconcile()

    assert counts == reconcile_counts(periodic_started=len(started))
    new = JobRun.objects.filter(parent__isnull=True, triggered_by="reconcile")
    assert {r.kind: r.run_date.isoformat() for r in new} == started
    assert new.count() == len(started)
    assert jobs.jobs_reconcile() == reconcile_counts()  # started once


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("earlier", "level"),
    [
        # A fresh installation: no periodic run ever ran, so nothing was missed.
        ({}, "INFO"),
        # Each kind ran before: the runs due now were missed while the scheduler was away.
        (
            {
                "weekly_rules": "2025-04-06",
                "monthly_rules": "2025-03-01",
                "score_refresh": "2025-04-07",
            },
            "WARNING",
        ),
    ],
)
def test_first_periodic_runs_are_reported_as_info_and_missed_ones_as_warnings(
    rq_queue, make_shop, monkeypatch, caplog, earlier, level
):
    make_shop()
    now = datetime.fromisoformat("2025-04-14T01:00:00+07:00")
    monkeypatch.setattr(clock, "now", lambda: now)
    monkeypatch.setattr(clock, "today", lambda: now.date())
    for kind, run_date in earlier.items():
        JobRun.objects.create(kind=kind, run_date=run_date, status="succeeded")

    with caplog.at_level("INFO", logger="performance.jobs"):
        counts = jobs.jobs_reconcile()

    assert counts["periodic_started"] == 3
    reports = [r for r in caplog.records if r.getMessage().startswith("job reconciliation")]
    assert [r.levelname for r in reports] == [level]


# --- The error pages -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        (OperationalError("connection refused"), 503, "Layanan sementara tidak tersedia"),
        (InterfaceError("connection already closed"), 503, "Layanan sementara tidak tersedia"),
        (RuntimeError("a bug"), 500, "Terjadi kesalahan"),
    ],
)
def test_a_failing_page_answers_a_page_of_its_own_without_the_database(
    client, make_user, monkeypatch, error, status, title
):
    from seller_portal import views

    client.force_login(make_user("pemilik"))
    client.raise_request_exception = False

    def broken(user):
        raise error

    monkeypatch.setattr(views, "shops_for_user", broken)
    response = client.get("/")

    assert response.status_code == status
    assert response.get("Retry-After") == ("30" if status == 503 else None)
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert "a bug" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_the_error_page_falls_back_to_plain_html_when_it_cannot_render(
    client, make_user, monkeypatch
):
    from seller_portal import views

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    def no_template(name):
        raise ValueError("Missing staticfiles manifest entry for 'css/portal.css'")

    monkeypatch.setattr(views, "shops_for_user", broken)
    monkeypatch.setattr(views.loader, "get_template", no_template)
    client.force_login(make_user("pemilik"))
    client.raise_request_exception = False

    response = client.get("/")

    assert (response.status_code, response.content.decode()) == (
        503,
        "<!DOCTYPE html><title>503</title><h1>Layanan sementara tidak tersedia</h1>",
    )


@pytest.mark.django_db
def test_the_error_page_speaks_the_chosen_language(client, make_user, monkeypatch):
    from seller_portal import views

    def broken(user):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views, "shops_for_user", broken)
    client.force_login(make_user("pemilik"))
    client.raise_request_exception = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/").content.decode()

    assert "<h1>Service temporarily unavailable</h1>" in html
    assert "None of your data is lost; reload this page in half a minute." in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status", "reason"),
    [
        (OperationalError("connection refused"), 503, "database unavailable; retry later"),
        (RuntimeError("a bug"), 500, "internal error"),
    ],
)
def test_a_failing_api_call_answers_json(client, monkeypatch, error, status, reason):
    from performance import api

    def broken(token):
        raise error

    monkeypatch.setattr(api, "api_client_for_token", broken)
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/events",
        "[]",
        content_type="application/json",
        headers={"Authorization": f"Bearer {WELL_FORMED_TOKEN}"},
    )

    assert (response.status_code, response.json()) == (
        status,
        {"errors": [{"index": None, "reason": reason}]},
    )


# --- A worker killed in the middle of a batch --------------------------------------------------

RESULT_MODELS = (Penalty, ScoreSnapshot, CsWeek, HolidayPeriod, HolidayModeChange)
COMPUTED_AT = {"created_at", "updated_at", "superseded_at", "voided_at", "withdrawn_at"}


def without_ids(value):
    """JSON details without row ids (a snapshot lists the penalties it deducted by id)."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def results() -> dict[str, list[str]]:
    """Every stored result, without ids and with computation times reduced to set or not."""
    out = {}
    for model in (*RESULT_MODELS, EnforcementRecord):
        fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        rows = []
        for row in model.objects.values(*fields):
            cells = (
                (k, v is not None if k in COMPUTED_AT else without_ids(v)) for k, v in row.items()
            )
            rows.append(repr(sorted(cells)))
        out[model.__name__] = sorted(rows)
    return out


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "seller_portal.test_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "default", "--burst"],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def kill_with_children(pid: int) -> None:
    """SIGKILL a process and every descendant, as a machine or container dying would."""
    todo, family = [pid], []
    while todo:
        current = todo.pop()
        family.append(current)
        todo.extend(children(current))
    for member in family:
        os.kill(member, signal.SIGKILL)
    assert len(family) >= 2, "the worker had no work horse to kill"


def poll(query: str, params=(), *, seconds: float = 60):
    """The first row `query` returns, polling on a fresh connection until it returns one."""
    import psycopg

    deadline = time.monotonic() + seconds
    with psycopg.connect(
        database_url().replace("postgres://", "postgresql://"), autocommit=True
    ) as c:
        while time.monotonic() < deadline:
            row = c.execute(query, params).fetchone()
            if row is not None:
                return row
            time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {query}")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_nothing_and_the_rerun_gives_the_same_results(
    periodic_on_time, rq_queue, settings, monkeypatch, tmp_path
):
    if not on_postgres():
        pytest.skip("a worker process shares the test database only on PostgreSQL (CI)")
    import psycopg
    from rq.registry import StartedJobRegistry

    settings.RESULTS_UPDATE_AFTER_INGEST = False
    loaded = events_ingest(items=enumerate(demo_events(TODAY, shops=4, weeks=3)))
    assert loaded.errors == []
    rq_queue.empty()  # the guideline check of these chats, queued on commit: not this test's
    since_by_shop = loaded.earliest_by_shop
    # The reference: the same batch run uninterrupted in this process, then rolled back.
    since = min(wib_date(moment) for moment in since_by_shop.values())
    with transaction.atomic():
        results_recalculate(as_of=TODAY, since=since, shop_ids=sorted(since_by_shop))
        expected = results()
        transaction.set_rollback(True)
    before = results()
    assert all(rows == [] for rows in before.values())  # events only, nothing computed yet
    assert {name: len(rows) > 0 for name, rows in expected.items()} == {
        "Penalty": True,
        "ScoreSnapshot": True,
        "CsWeek": True,
        "HolidayPeriod": False,  # no holiday mode in these shops' three weeks
        "HolidayModeChange": False,
        "EnforcementRecord": True,
    }

    # RQ retries an abandoned batch at once instead of a minute later (a shorter test).
    monkeypatch.setattr(queueing, "RETRY_INTERVALS", [0])
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    parent = jobs.enqueue_results_update(since_by_shop=since_by_shop, triggered_by="test")
    run = parent.batches.get()
    assert rq_queue.job_ids == [jobs.rq_job_id(run.pk)]

    # Hold the score table: the worker blocks at its first score refresh, after it has
    # written penalties and CS weeks in its (uncommitted) transaction. Then kill it.
    log = tmp_path / "worker.log"
    with psycopg.connect(database_url().replace("postgres://", "postgresql://")) as lock:
        lock.execute("LOCK TABLE performance_scoresnapshot IN ACCESS EXCLUSIVE MODE")
        worker = start_worker(log)
        (backend,) = poll(
            "SELECT l.pid FROM pg_locks l WHERE NOT l.granted"
            " AND l.relation = 'performance_scoresnapshot'::regclass"
        )
        written = set(
            poll(
                "SELECT array_agg(c.relname::text) FROM pg_locks l JOIN pg_class c"
                " ON c.oid = l.relation WHERE l.pid = %s AND l.granted"
                " AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r'",
                (backend,),
            )[0]
        )
        assert {"performance_penalty", "performance_csweek"} <= written
        kill_with_children(worker.pid)  # the work horse runs in a session of its own
        worker.wait(timeout=30)
        lock.rollback()
    # The killed worker's database session ends without a commit.
    poll("SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)", (backend,))

    assert results() == before
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("running", 1)
    job_id = jobs.rq_job_id(run.pk)
    assert queueing.rq_job_status(job_id) == "started"

    # Its heartbeat has stopped; RQ treats the job as abandoned once the heartbeat's TTL (90 s)
    # has passed. Time passes:
    registry = StartedJobRegistry(queue=rq_queue)
    for entry in rq_queue.connection.zrange(registry.key, 0, -1):
        rq_queue.connection.zadd(registry.key, {entry: 1})
    backdate(run)
    # RQ's retry puts it back on the queue, so nothing needs requeueing by the reconciliation.
    assert jobs.jobs_reconcile() == reconcile_counts()
    assert rq_queue.job_ids == [job_id]

    rerun = start_worker(log)
    assert rerun.wait(timeout=300) == 0, log.read_text()

    run.refresh_from_db()
    parent.refresh_from_db()
    assert (run.status, run.attempts, run.error) == ("succeeded", 2, "")
    assert parent.status == "succeeded"
    assert results() == expected


# --- PostgreSQL restarted under a running portal -------------------------------------------------


class PrivateCluster:
    """A throwaway PostgreSQL cluster of the machine's own binaries, on a free port."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.fail("PostgreSQL's server binaries are missing (apt-get install postgresql)")
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self.run(
            "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
        )

    def run(self, tool: str, *args) -> None:
        subprocess.run(
            [*self.as_postgres, self.bin / tool, *map(str, args)],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "log", "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        subprocess.run(
            [*self.as_postgres, self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def get(port: int, path: str, session: str) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


WELL_FORMED_TOKEN = f"spp_{'0' * 12}_{'A' * 43}"  # looked up in the database, which is down


def post_events(
    port: int, token: str = WELL_FORMED_TOKEN, body: bytes = b"[]"
) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            "/api/v1/events",
            body=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def test_postgresql_restarted_under_the_portal_fails_cleanly_and_recovers(tmp_path):
    cluster = PrivateCluster()
    server = None
    try:
        cluster.start()
        cluster.run("createdb", "-h", "127.0.0.1", "-p", cluster.port, "-U", "postgres", "portal")
        env = production_env(cluster.url("portal"))
        manage = [sys.executable, "manage.py"]
        subprocess.run(
            [*manage, "migrate", "--no-input"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
        session = subprocess.run(
            [*manage, "shell", "-c", SETUP_OWNER],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        port = free_port()
        log = (tmp_path / "gunicorn.log").open("wb")
        server = start_gunicorn(env, port, workers=1, log=log)
        status, _, html = get(port, "/toko/toko-a/", session)
        assert status == 200 and "Toko A" in html

        # A restart between two requests: the kept connection is dead, the health check at
        # the start of the next request notices and reconnects.
        cluster.stop()
        cluster.start()
        status, _, html = get(port, "/toko/toko-a/", session)
        assert status == 200 and "Toko A" in html

        # Down: a clean 503 page, the API's JSON error, the health check's report.
        cluster.stop()
        status, headers, html = get(port, "/toko/toko-a/", session)
        assert (status, headers["Retry-After"]) == (503, "30")
        assert "Layanan sementara tidak tersedia" in html
        assert "Traceback" not in html
        status, headers, body = post_events(port)
        assert (status, headers["Retry-After"], body) == (
            503,
            "30",
            '{"errors": [{"index": null, "reason": "database unavailable; retry later"}]}',
        )
        status, headers, body = get(port, "/healthz", session)
        assert status == 503
        assert '"database": "error: OperationalError"' in body

        # Up again: the same gunicorn serves the page.
        cluster.start()
        status, _, html = get(port, "/toko/toko-a/", session)
        assert status == 200 and "Toko A" in html
        assert server.poll() is None
    finally:
        if server is not None:
            stop_gunicorn(server)
        cluster.remove()


SETUP_OWNER = f"""
from datetime import datetime
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from seller_portal.models import Membership, Shop
from django.contrib.auth.models import User
shop = Shop.objects.create(code="toko-a", name="Toko A", tier="power_merchant",
    registered_at=datetime.fromisoformat("2025-01-01T00:00+07:00"))
user = User.objects.create_user("pemilik", password={PASSWORD!r})
Membership.objects.create(user=user, shop=shop, role="owner")
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
s[BACKEND_SESSION_KEY] = "seller_portal.lockout.LockoutBackend"
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.create()
print(s.session_key)
"""


@pytest.mark.django_db(transaction=True)
def test_an_api_call_past_the_timeout_answers_json_and_stores_nothing(tmp_path):
    """gunicorn stops a request at its timeout (here 5 s: the events table is locked, so the
    batch waits). The client still gets the API's JSON, with Retry-After; the batch's
    transaction is rolled back; the same batch sent again is stored."""
    if not on_postgres():
        pytest.fail("this test needs PostgreSQL (DATABASE_URL), as in CI")
    _client, token = api_client_create(name="marketplace")
    batch = json.dumps([registration(), registration(id="reg-2", name="Toko A Baru")]).encode()
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    server = start_gunicorn(production_env(database_url()), port, workers=1, log=log, timeout=5)
    try:
        assert post_events(port, token)[0] == 200  # the worker has loaded the portal
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Event._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            status, headers, body = post_events(port, token, batch)
        assert (status, headers["Content-Type"], headers["Retry-After"]) == (
            503,
            "application/json",
            "30",
        )
        assert json.loads(body) == {
            "errors": [
                {
                    "index": None,
                    "reason": "the request took longer than the server allows and was stopped; "
                    "nothing was stored; send it again later, or in smaller batches",
                }
            ]
        }
        assert Event.objects.count() == 0

        assert post_events(port, token)[0] == 200  # gunicorn's new worker has loaded the portal
        status, _, body = post_events(port, token, batch)
        assert (status, json.loads(body)) == (200, {"stored": 2, "already_present": 0})
    finally:
        stop_gunicorn(server)
