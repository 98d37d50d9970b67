"""The weekly customer-service evaluation (RULES §5), in bulk for a batch of shops.

One ordered query of the batch's chat messages gives every buyer turn in one pass
(`rules.turns.buyer_turns`); the calendar, holiday periods and excluded messages say which
turns leave the evaluation. The score's reply-rate component reads the same turns.

Abuse tickets live in the appeals app: verifying one writes its messages as
`MessageExclusion` rows through `services.exclusions`, and this module reads only those, so
it does not depend on appeals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.fields.json import KT

from performance.models import CsWeek, Event
from performance.rules.calendar import wib_date, wib_midnight
from performance.rules.cs import Exclusions, TurnOutcome, classify_turn, evaluate_week
from performance.rules.turns import BuyerTurn, ChatMessage, buyer_turns
from performance.services.calendar import working_calendar
from performance.services.enforcement import enforcement_sync_cs_week
from performance.services.exclusions import message_exclusions_for
from performance.services.history import results_supersede
from performance.services.holiday_mode import holiday_periods
from performance.services.rule_sets import RuleSets
from seller_portal.models import Shop


def _buyer_runs_open_at(shop_ids: list[int], start: datetime, seen_before: datetime):
    """(shop id, conversation) pairs whose last message before `start` was the buyer's: their
    first buyer messages in the window continue a turn that began before it."""
    last_sender = (
        Event.objects.filter(
            shop_id=OuterRef("shop_id"),
            subject=OuterRef("subject"),
            type="chat.message",
            at__lt=start,
        )
        .order_by("-at", "-id")
        .values(sender=KT("data__sender"))[:1]
    )
    conversations = (
        Event.objects.filter(
            shop_id__in=shop_ids, type="chat.message", at__gte=start, at__lt=seen_before
        )
        .values("shop_id", "subject")
        .distinct()
        .annotate(last_sender=Subquery(last_sender))
        .filter(last_sender="buyer")
        .values_list("shop_id", "subject")
    )
    return set(conversations)


# For long windows (the score's 90 days) history before the window is read instead of looked
# up per conversation: cheaper there, and exact unless a buyer waited over 30 days unanswered.
LOOKBACK_FOR_LONG_WINDOWS = timedelta(days=30)
LONG_WINDOW = timedelta(days=14)


def read_turns(
    shop_ids: list[int], start: datetime, end: datetime, seen_before: datetime | None = None
) -> dict[int, list[BuyerTurn]]:
    """Buyer turns starting in [start, end), from messages before `seen_before` (default
    `end`): answers that come after the window still count for the turns inside it.

    A buyer run already open at `start` began before the window. For a week, only the week's
    messages are read plus one lookup per conversation for the sender of its last earlier
    message; for long windows, the 30 days before the window are read along.
    """
    seen_before = seen_before or end
    if end - start > LONG_WINDOW:
        first, open_runs = start - LOOKBACK_FOR_LONG_WINDOWS, set()
    else:
        first, open_runs = start, _buyer_runs_open_at(shop_ids, start, seen_before)
    messages = (
        Event.objects.filter(
            shop_id__in=shop_ids, type="chat.message", at__gte=first, at__lt=seen_before
        )
        .order_by("shop_id", "subject", "at", "id")
        # The flag compared in SQL: no JSON decoding per message.
        .annotate(auto=ExpressionWrapper(Q(data__auto_reply=True), output_field=BooleanField()))
        .values_list("shop_id", "subject", "at", KT("data__sender"), KT("data__message"), "auto")
    )
    before_start = start - timedelta(microseconds=1)

    def stream():
        current = None
        for row in messages.iterator(chunk_size=5000):
            key = (row[0], row[1])
            if key != current:
                current = key
                if key in open_runs:  # the open run, as one buyer message just before start
                    yield ChatMessage(row[0], row[1], before_start, "buyer", "")
            yield ChatMessage(*row)

    turns: dict[int, list[BuyerTurn]] = defaultdict(list)
    for turn in buyer_turns(stream()):
        if start <= turn.started_at < end:
            turns[turn.shop_id].append(turn)
    return turns


def exclusions_for(shop_ids: list[int], start: datetime, end: datetime) -> dict[int, Exclusions]:
    calendar = working_calendar(wib_date(start), wib_date(end))
    periods = holiday_periods(shop_ids, start, end)
    tickets = message_exclusions_for(shop_ids)
    return {
        shop_id: Exclusions(calendar, periods.get(shop_id, ()), frozenset(tickets.get(shop_id, ())))
        for shop_id in shop_ids
    }


def classified_turns(
    shop_ids: list[int],
    start: datetime,
    end: datetime,
    reply_hours: int,
    seen_before: datetime | None = None,
) -> tuple[dict[int, list[tuple[BuyerTurn, TurnOutcome]]], dict[int, Exclusions]]:
    turns = read_turns(shop_ids, start, end, seen_before)
    exclusions = exclusions_for(shop_ids, start, end)
    return {
        shop_id: [(t, classify_turn(t, exclusions[shop_id], reply_hours)) for t in shop_turns]
        for shop_id, shop_turns in turns.items()
    }, exclusions


CS_FIELDS = ("status", "evaluated", "on_time", "excluded", "rule_set_id")


def _by_day(outcomes: list[tuple[BuyerTurn, TurnOutcome]]) -> dict[str, list[int]]:
    """Evaluated turns by the WIB day they started: "YYYY-MM-DD" -> [on time, evaluated]."""
    days: dict[str, list[int]] = {}
    for turn, outcome in outcomes:
        if outcome.evaluated:
            counts = days.setdefault(wib_date(turn.started_at).isoformat(), [0, 0])
            counts[0] += outcome == TurnOutcome.ON_TIME
            counts[1] += 1
    return dict(sorted(days.items()))


@transaction.atomic
def cs_evaluate_week(*, week_start: date, shop_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Evaluate the Monday–Sunday week starting `week_start` for every shop registered by then.

    A result that did not change writes nothing; a changed one supersedes the earlier row.
    A failed week issues a CS-response-warning enforcement record; a week that no longer fails
    withdraws it.
    """
    evaluated_on = week_start + timedelta(days=7)
    start, end = wib_midnight(week_start), wib_midnight(evaluated_on)
    shops = Shop.objects.filter(registered_at__lt=end).order_by("id")
    if shop_ids is not None:
        shops = shops.filter(id__in=list(shop_ids))
    ids = list(shops.values_list("id", flat=True))
    rule_set = RuleSets().on(evaluated_on)
    params = rule_set.params
    # A turn that starts late on the week's last working day may be answered, on time, after
    # the week ends (e.g. a Sunday made a working day): read answers up to its deadline.
    seen_before = end + timedelta(hours=params.cs_reply_hours)
    outcomes, exclusions = classified_turns(ids, start, end, params.cs_reply_hours, seen_before)
    current = {
        w.shop_id: w
        for w in CsWeek.objects.filter(shop_id__in=ids, week_start=week_start, is_current=True)
    }
    fresh, failed, passed = [], [], []
    for shop_id in ids:
        shop_outcomes = outcomes.get(shop_id, [])
        result = evaluate_week(
            week_start,
            (outcome for _, outcome in shop_outcomes),
            exclusions[shop_id],
            params.cs_pass_percent,
        )
        week = CsWeek(
            shop_id=shop_id,
            week_start=week_start,
            evaluated_on=evaluated_on,
            status=result.status,
            evaluated=result.evaluated,
            on_time=result.on_time,
            excluded=result.excluded,
            days=_by_day(shop_outcomes),
            rule_set=rule_set,
        )
        (failed if result.status == CsWeek.Status.FAIL else passed).append((shop_id, result))
        fresh.append(week)
    # The day breakdown is not part of the result: an unchanged week written before it
    # existed gets it in place rather than a new row in its history.
    created, superseded, _unchanged = results_supersede(
        CsWeek, current=current, fresh=fresh, fields=CS_FIELDS, refreshed=("days",)
    )
    enforcement = enforcement_sync_cs_week(
        week_start=week_start, issued_on=evaluated_on, failed=failed, passed=passed
    )
    return {"cs_weeks_created": created, "cs_weeks_superseded": superseded} | enforcement


def cs_week_turns(*, shop: Shop, week_start: date, rule_sets: RuleSets | None = None):
    """Every turn of one shop's week with its outcome, and the week's exclusions (CS page).
    `rule_sets`: already loaded by the caller (the page checks the week against them)."""
    params = (rule_sets or RuleSets()).on(week_start + timedelta(days=7)).params
    start, end = wib_midnight(week_start), wib_midnight(week_start + timedelta(days=7))
    seen_before = end + timedelta(hours=params.cs_reply_hours)
    outcomes, exclusions = classified_turns(
        [shop.id], start, end, params.cs_reply_hours, seen_before
    )
    turns = sorted(outcomes.get(shop.id, []), key=lambda pair: pair[0].started_at)
    return turns, exclusions[shop.id], params
