"""The periodic jobs, run by django-rq's cron scheduler: `manage.py rqcron seller_portal.schedule`.

RQ 2.x evaluates cron expressions in UTC, so each WIB time (UTC+7, no DST) is written as the
UTC time 7 hours earlier — 00:05 WIB is 17:05 UTC of the previous day. tests/test_schedule_jobs.py
asserts the next run times in Asia/Jakarta, so a library upgrade cannot shift them silently.
"""

from rq import cron

from performance.jobs import (
    jobs_reconcile,
    monthly_rules_scheduled,
    score_refresh_scheduled,
    weekly_rules_scheduled,
)

QUEUE = "default"

# Sunday 00:05 WIB = Saturday 17:05 UTC: weekly penalty rules of the week that just ended.
cron.register(weekly_rules_scheduled, QUEUE, cron="5 17 * * 6", name="weekly-rules")
# The 1st, 00:05 WIB = the last day of the previous month, 17:05 UTC: monthly rules.
cron.register(monthly_rules_scheduled, QUEUE, cron="5 17 L * *", name="monthly-rules")
# Monday 00:05 WIB = Sunday 17:05 UTC: the weekly score refresh.
cron.register(score_refresh_scheduled, QUEUE, cron="5 17 * * 0", name="score-refresh")
# Every 5 minutes: queue what the database has pending and RQ does not hold (Redis was down,
# or restarted and lost its queue), and start a periodic run the lines above could not start.
cron.register(jobs_reconcile, QUEUE, cron="*/5 * * * *", name="reconcile")
