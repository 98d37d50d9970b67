"""benchmark — measure import and weekly recalculation against their PostgreSQL floors.

    DATABASE_URL=postgres://…/bench python manage.py benchmark --shops 1000 --weeks 4

Run it on a scratch database: it loads synthetic events. Steps, each timed:

1. generate N shops × W weeks of events (the demo generator, streamed shop by shop) to JSON
   Lines;
2. import them with `import_events` in a child process (wall time and peak memory), with the
   after-ingest recompute switched off so the import is measured alone;
3. the floor: PostgreSQL `COPY` of the same rows into an equivalent table (same columns and
   indexes, no checks);
4. untimed setup: the scheduled runs before the last full week, as production would have
   done them week by week (the scores of earlier Mondays left out: the measured refresh does
   not read them);
5. the weekly recalculation of the last full week for all shops, batch by batch as the jobs
   run it (Sunday's weekly penalty rules; Monday's per-event penalties, holiday events, CS
   evaluation and score refresh) against the floor of one aggregate scan over that week's
   events.

The report is a table (`--markdown` for docs/PERFORMANCE.md); ratios matter, not absolute
times. On SQLite the floors are skipped.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from performance import jobs
from performance.models import Event, JobRun, ScoreSnapshot
from performance.rules.calendar import last_monday, wib_midnight
from performance.services.penalties import penalties_run_week
from performance.services.recalculation import results_recalculate
from seller_portal.cli import date_argument
from seller_portal.demo import demo_events
from seller_portal.models import Shop


class Command(BaseCommand):
    help = "Measure import and weekly recalculation against PostgreSQL floors (scratch DB)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--shops", type=int, default=200)
        parser.add_argument("--weeks", type=int, default=4)
        parser.add_argument(
            "--activity",
            type=float,
            default=1.0,
            help="Scale each shop's orders and chats per day (0.4: ~100 events a shop in 4 weeks)",
        )
        parser.add_argument("--today", type=date_argument, default=date(2026, 11, 23))
        parser.add_argument("--workdir", help="Where the JSON Lines file goes (default: temp)")
        parser.add_argument("--markdown", action="store_true", help="Print a Markdown table")
        parser.add_argument(
            "--workers",
            type=lambda v: [int(n) for n in v.split(",")],
            default=[],
            help="Also time the Monday run fanned out to RQ workers, e.g. 1,2 (needs REDIS_URL)",
        )
        parser.add_argument("--batches", type=int, default=4, help="Batches for --workers")
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="Import in this process (no peak-memory figure; for the smoke test)",
        )
        parser.add_argument(
            "--measure-existing",
            action="store_true",
            help="Skip generating and loading: measure the weekly recalculation again on a "
            "database an earlier run filled (its measured week is forgotten first)",
        )
        parser.add_argument(
            "--allow-existing-data",
            action="store_true",
            help="Run even though the database already holds events",
        )

    def handle(self, *args, **options) -> None:
        today = options["today"]
        refresh_on = last_monday(today)
        rows: list[tuple[str, str, str]] = []
        if options["measure_existing"]:
            count = Event.objects.count()
            if not count:
                raise CommandError("--measure-existing needs a database an earlier run filled")
            _forget_measured_week(refresh_on)
            title = f"existing data: {Shop.objects.count():,} shops, {count:,} events"
        else:
            if Event.objects.exists() and not options["allow_existing_data"]:
                raise CommandError(
                    "the database already holds events; run the benchmark on a scratch "
                    "database (or pass --allow-existing-data)"
                )
            count = self._load(options, refresh_on, rows)
            shops, weeks, activity = options["shops"], options["weeks"], options["activity"]
            scale = "" if activity == 1 else f" at activity {activity:g}"
            title = f"{shops:,} shops × {weeks} weeks{scale} = {count:,} events"
        _analyze()
        self._measure(options, refresh_on, rows)
        self._report(rows, options["markdown"], f"{title} ({connection.vendor})")

    def _load(self, options, refresh_on: date, rows: list) -> int:
        """Generate, import, the COPY floor and the untimed earlier runs; the event count."""
        shops, weeks, today = options["shops"], options["weeks"], options["today"]
        activity = options["activity"]
        if activity <= 0:
            raise CommandError("--activity must be positive")
        workdir = Path(options["workdir"] or tempfile.mkdtemp(prefix="portal-bench-"))
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / f"events-{shops}x{weeks}.jsonl"

        started = time.perf_counter()
        count = 0
        with path.open("w", encoding="utf-8") as out:
            for event in demo_events(today, shops=shops, weeks=weeks, activity=activity):
                out.write(json.dumps(event, ensure_ascii=False) + "\n")
                count += 1
        rows.append(("generate", f"{count:,} events", _seconds(time.perf_counter() - started)))

        if options["in_process"]:
            seconds, output = self._import_here(path)
            memory = "in process"
        else:
            seconds, peak_mb, output = self._import(path)
            memory = f"peak {peak_mb:,.0f} MB"
        rows.append(
            ("import_events", f"{count / seconds:,.0f} events/s, {memory}", _seconds(seconds))
        )
        stored = Event.objects.count()
        if stored != count:
            raise CommandError(f"imported {stored} events, expected {count}: {output}")

        floor = self._copy_floor()
        if floor is not None:
            rows.append(
                (
                    "floor: COPY into an equivalent table",
                    f"ratio {seconds / floor:.1f}×",
                    _seconds(floor),
                )
            )

        _analyze()
        shop_batches = _batches(list(Shop.objects.order_by("id").values_list("id", flat=True)))
        # The steady state of production: the runs before the measured week already done,
        # untimed (per-event penalties, weekly and monthly rules, CS weeks; the scores of
        # earlier Mondays are left out, as the measured refresh does not read them).
        started = time.perf_counter()
        for batch in shop_batches:
            results_recalculate(
                as_of=refresh_on - timedelta(days=2), shop_ids=batch, refresh_scores=False
            )
        setup = _seconds(time.perf_counter() - started)
        rows.append(("setup: every run before the measured week", "untimed", setup))
        if not options["workdir"]:
            path.unlink()
        return count

    def _measure(self, options, refresh_on: date, rows: list) -> None:
        """The measured week for all shops against the scan floor, and the fan-out runs."""
        week_start = refresh_on - timedelta(days=7)
        shop_ids = list(Shop.objects.order_by("id").values_list("id", flat=True))
        shop_batches = _batches(shop_ids)
        # The measured week, as the scheduled jobs run it, batch by batch: Sunday's weekly
        # rules, then Monday's per-event penalties, holiday events, CS week and score.
        started = time.perf_counter()
        for batch in shop_batches:
            penalties_run_week(week_start=week_start - timedelta(days=1), shop_ids=batch)
            jobs.HANDLERS["score_refresh"](
                JobRun(params={"refresh_on": refresh_on.isoformat(), "shop_ids": batch})
            )
        recalc = time.perf_counter() - started
        week_events = Event.objects.filter(
            at__gte=wib_midnight(week_start), at__lt=wib_midnight(refresh_on)
        ).count()
        rows.append(
            (
                "weekly recalculation (all shops)",
                f"{week_events:,} events in the week",
                _seconds(recalc),
            )
        )
        scan = self._scan_floor(week_start, refresh_on)
        if scan is not None:
            rows.append(
                (
                    "floor: one aggregate scan of the week",
                    f"ratio {recalc / scan:.1f}×",
                    _seconds(scan),
                )
            )
        if options["workers"]:
            for workers in options["workers"]:
                seconds = self._fan_out(refresh_on, workers, options["batches"])
                rows.append(
                    (
                        f"Monday run fanned out to {workers} RQ worker(s)",
                        f"{options['batches']} batches",
                        _seconds(seconds),
                    )
                )
        snapshots = ScoreSnapshot.objects.filter(refreshed_on=refresh_on, is_current=True).count()
        rows.append(("check", f"{snapshots:,} snapshots for {len(shop_ids):,} shops", ""))

    def _fan_out(self, refresh_on: date, workers: int, batches: int) -> float:
        """The Monday run (penalties, CS week, score) as RQ batches served by N burst workers."""
        import math

        import django_rq
        from django.conf import settings
        from django.test import override_settings

        if not settings.REDIS_URL:
            raise CommandError("--workers needs REDIS_URL")
        queue = django_rq.get_queue("default")
        queue.empty()
        shop_ids = list(Shop.objects.order_by("id").values_list("id", flat=True))
        size = jobs.BATCH_SIZE
        jobs.BATCH_SIZE = max(1, math.ceil(len(shop_ids) / batches))
        try:
            with override_settings(JOBS_IN_PROCESS=False):
                parent = jobs._fan_out(
                    "score_refresh",
                    refresh_on,
                    {"refresh_on": refresh_on.isoformat()},
                    shop_ids,
                    "benchmark",
                )
        finally:
            jobs.BATCH_SIZE = size
        _forget_measured_week(refresh_on)  # so the workers compute and store it again
        env = {**os.environ, "DATABASE_URL": _database_url()}
        started = time.perf_counter()
        processes = [
            subprocess.Popen(
                [sys.executable, "manage.py", "rqworker", "default", "--burst"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        for process in processes:
            process.wait()
        seconds = time.perf_counter() - started
        parent.refresh_from_db()
        if parent.status != JobRun.Status.SUCCEEDED:
            raise CommandError(f"the fanned-out run ended {parent.status}: {parent.error}")
        return seconds

    def _import_here(self, path: Path) -> tuple[float, str]:
        from io import StringIO

        from django.core.management import call_command
        from django.test import override_settings

        out = StringIO()
        started = time.perf_counter()
        with override_settings(RESULTS_UPDATE_AFTER_INGEST=False):
            call_command("import_events", str(path), "--progress", "never", stdout=out)
        return time.perf_counter() - started, out.getvalue().strip()

    def _import(self, path: Path) -> tuple[float, float, str]:
        env = {
            **os.environ,
            "RESULTS_UPDATE_AFTER_INGEST": "false",
            "DATABASE_URL": _database_url(),  # the database this command is connected to
        }
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "manage.py", "import_events", str(path), "--progress", "never"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise CommandError(f"import_events failed: {result.stderr[-2000:]}")
        peak_kb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
        return seconds, peak_kb / 1024, result.stdout.strip()

    def _copy_floor(self) -> float | None:
        if connection.vendor != "postgresql":
            return None
        table = Event._meta.db_table
        columns = "event_id, shop_id, type, at, subject, data, digest, received_at"
        with tempfile.TemporaryFile() as dump, connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({columns}) TO STDOUT") as copy:
                for block in copy:
                    dump.write(block)
            cursor.execute("DROP TABLE IF EXISTS bench_floor_event")
            cursor.execute(
                f"CREATE TABLE bench_floor_event (LIKE {table} INCLUDING DEFAULTS INCLUDING "
                "INDEXES INCLUDING IDENTITY)"
            )
            dump.seek(0)
            started = time.perf_counter()
            with cursor.copy(f"COPY bench_floor_event ({columns}) FROM STDIN") as copy:
                while block := dump.read(1 << 20):
                    copy.write(block)
            seconds = time.perf_counter() - started
            cursor.execute("DROP TABLE bench_floor_event")
        return seconds

    def _scan_floor(self, week_start: date, refresh_on: date) -> float | None:
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                f"SELECT shop_id, type, count(*) FROM {Event._meta.db_table} "
                "WHERE at >= %s AND at < %s GROUP BY shop_id, type",
                [wib_midnight(week_start), wib_midnight(refresh_on)],
            )
            cursor.fetchall()
            return time.perf_counter() - started

    def _report(self, rows, markdown: bool, title: str) -> None:
        if markdown:
            self.stdout.write(f"**{title}**\n\n| step | result | time |\n|---|---|---|")
            for step, result, seconds in rows:
                self.stdout.write(f"| {step} | {result} | {seconds} |")
            return
        self.stdout.write(title)
        for step, result, seconds in rows:
            self.stdout.write(f"  {step:<40} {result:<40} {seconds}")


def _analyze() -> None:
    """Fresh statistics and visibility map, as autovacuum keeps them on a live database (it
    is off on some machines; with stale statistics the planner reads every shop's history).
    VACUUM cannot run in a transaction (the smoke test's): ANALYZE alone there."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def _forget_measured_week(refresh_on: date) -> None:
    """Delete what the measured week's runs stored, as if they had not run yet."""
    from performance.models import CsWeek, EnforcementRecord, Penalty

    CsWeek.objects.filter(week_start=refresh_on - timedelta(days=7)).delete()
    ScoreSnapshot.objects.filter(refreshed_on=refresh_on).delete()
    EnforcementRecord.objects.filter(issued_on=refresh_on).delete()
    Penalty.objects.filter(issued_on__gte=refresh_on - timedelta(days=1)).delete()


def _batches(shop_ids: list[int]) -> list[list[int]]:
    return [shop_ids[i : i + jobs.BATCH_SIZE] for i in range(0, len(shop_ids), jobs.BATCH_SIZE)]


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"
