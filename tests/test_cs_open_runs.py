"""A buyer run left open long before the week is not a new turn in the week (RULES §5)."""

from datetime import date

import pytest

from performance.models import CsWeek
from performance.services.cs_evaluation import cs_evaluate_week
from performance.services.ingest import events_ingest
from tests.helpers import event

pytestmark = pytest.mark.django_db

WEEK = date(2025, 5, 19)  # Monday; no holidays that week


def chat(n, at, sender, conversation):
    return event(
        "chat.message",
        id=f"m{n}",
        at=at,
        conversation=conversation,
        message=f"m{n}",
        sender=sender,
        buyer="b1",
        text="Halo",
    )


def test_a_buyer_run_open_for_weeks_is_not_a_turn_of_this_week(make_shop):
    make_shop()
    assert events_ingest(
        items=enumerate(
            [
                # c1: the buyer wrote 40 days earlier, never answered, and writes again.
                chat(1, "2025-04-09T10:00:00+07:00", "buyer", "c1"),
                chat(2, "2025-05-20T10:00:00+07:00", "buyer", "c1"),
                chat(3, "2025-05-22T10:00:00+07:00", "seller", "c1"),
                # c2: answered earlier, so the buyer's new message opens a turn of this week.
                chat(4, "2025-04-09T10:00:00+07:00", "buyer", "c2"),
                chat(5, "2025-04-09T11:00:00+07:00", "seller", "c2"),
                chat(6, "2025-05-20T10:00:00+07:00", "buyer", "c2"),
                chat(7, "2025-05-20T10:30:00+07:00", "seller", "c2"),
            ]
        )
    ).ok

    cs_evaluate_week(week_start=WEEK)

    week = CsWeek.objects.get(week_start=WEEK)
    assert (week.status, week.evaluated, week.on_time) == ("pass", 1, 1)
