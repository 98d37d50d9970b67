"""recalculate [--as-of YYYY-MM-DD] — every rule and refresh due on or before a date (RULES §11)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from performance.models import JobRun
from performance.services.recalculation import results_recalculate
from seller_portal.cli import date_argument

LABELS = (
    ("weekly_rules_runs", "weekly rule runs"),
    ("monthly_rules_runs", "monthly rule runs"),
    ("score_refresh_runs", "score refreshes"),
    ("event_penalties_issued", "event penalties issued"),
    ("penalties_issued", "period penalties issued"),
    ("penalties_updated", "updated"),
    ("penalties_withdrawn", "withdrawn"),
    ("snapshots_created", "snapshots created"),
    ("snapshots_superseded", "superseded"),
)


class Command(BaseCommand):
    help = (
        "Run, idempotently, every weekly and monthly penalty rule and score refresh whose run "
        "date (WIB) is on or before --as-of (default: today in WIB), as if the clock were at "
        "the end of that day. Runs in this process; no Redis needed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", type=date_argument, help="YYYY-MM-DD (WIB)")

    def handle(self, *args, **options) -> None:
        as_of = options["as_of"] or timezone.localdate()
        run = JobRun.objects.create(
            kind="recalculate",
            run_date=as_of,
            params={"as_of": as_of.isoformat()},
            status=JobRun.Status.RUNNING,
            started_at=timezone.now(),
            triggered_by="command",
        )
        try:
            counts = results_recalculate(as_of=as_of)
        except Exception as exc:
            run.status, run.error, run.finished_at = JobRun.Status.FAILED, str(exc), timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            raise
        run.status, run.counts, run.finished_at = JobRun.Status.SUCCEEDED, counts, timezone.now()
        run.save(update_fields=["status", "counts", "finished_at"])
        summary = ", ".join(f"{label}: {counts.get(key, 0)}" for key, label in LABELS)
        self.stdout.write(f"recalculated as of {as_of:%Y-%m-%d}: {summary}")
