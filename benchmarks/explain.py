"""The query plans of the weekly recalculation's hot queries, for docs/PERFORMANCE.md.

    DATABASE_URL=postgres://…/bench .venv/bin/python -m benchmarks.explain [--top 6]

Needs a PostgreSQL database filled by `manage.py benchmark`. Runs one batch of the measured
week exactly as the jobs do (Sunday's weekly rules, then Monday's per-event penalties, holiday
events, CS week and score refresh) inside a transaction that is rolled back, records every
SELECT it sends, then prints `EXPLAIN (ANALYZE, BUFFERS)` of the slowest distinct ones. Long
id lists are shortened in the output.
"""

from __future__ import annotations

import argparse
import os
import re
from datetime import date, timedelta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=6, help="How many plans to print")
    parser.add_argument("--refresh-on", type=date.fromisoformat, default=date(2026, 11, 23))
    args = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seller_portal.settings")
    django.setup()
    from django.db import connection, transaction

    from performance import jobs
    from performance.models import JobRun
    from performance.services.penalties import penalties_run_week
    from seller_portal.models import Shop

    if connection.vendor != "postgresql":
        raise SystemExit("query plans are shown for PostgreSQL only")
    batch = list(Shop.objects.order_by("id").values_list("id", flat=True)[: jobs.BATCH_SIZE])
    if not batch:
        raise SystemExit("no shops: run `manage.py benchmark` on this database first")
    seen: dict[str, tuple] = {}

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and not many:
            seen.setdefault(sql, params)
        return execute(sql, params, many, context)

    refresh_on = args.refresh_on
    with transaction.atomic():
        with connection.execute_wrapper(record):
            penalties_run_week(week_start=refresh_on - timedelta(days=8), shop_ids=batch)
            jobs.HANDLERS["score_refresh"](
                JobRun(params={"refresh_on": refresh_on.isoformat(), "shop_ids": batch})
            )
        plans = []
        with connection.cursor() as cursor:
            for sql, params in seen.items():
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
                seconds = cursor.fetchone()[0][0]["Execution Time"] / 1000
                plans.append((seconds, sql, params))
            plans.sort(key=lambda plan: plan[0], reverse=True)
            print(f"{len(seen)} distinct SELECTs for a batch of {len(batch)} shops")
            for seconds, sql, params in plans[: args.top]:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                text = "\n".join(row[0] for row in cursor.fetchall())
                print(f"\n-- {seconds * 1000:,.1f} ms\n{_short(cursor.mogrify(sql, params))}")
                print(_short(text))
        transaction.set_rollback(True)


def _short(text: str) -> str:
    """`'{1,2,3,…,500}'` and `IN (1, 2, …)` lists cut to their first ids."""
    text = re.sub(r"'\{(\d+,\d+,\d+),[\d,]+\}'", r"'{\1,…}'", text)
    return re.sub(r"IN \((\d+, \d+, \d+), [\d, ]+\)", r"IN (\1, …)", text)


if __name__ == "__main__":
    main()
