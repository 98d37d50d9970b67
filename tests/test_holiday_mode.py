"""Holiday mode (RULES §6): switching on now, scheduling, switching off, cancelling, the
marketplace's `shop.holiday_mode` events, and the history of who changed what."""

from datetime import datetime, timedelta

import pytest

from performance.models import HolidayModeChange, HolidayPeriod
from performance.rules.calendar import WIB
from performance.services.holiday_mode import (
    HolidayModeError,
    holiday_mode_apply_events,
    holiday_mode_cancel,
    holiday_mode_switch_off,
    holiday_mode_switch_on,
    holiday_period_current,
)
from performance.services.ingest import events_ingest
from tests.helpers import event

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 5, 20, 9, 0, tzinfo=WIB)  # Tuesday 20 May 2025, 09:00 WIB
HOUR, DAY = timedelta(hours=1), timedelta(days=1)

ALREADY_ON = "Mode libur sudah aktif."
END_BEFORE_START = "Waktu selesai harus setelah waktu mulai."
START_IN_PAST = "Waktu mulai tidak boleh di masa lalu."
OVERLAP = "Periode ini bertabrakan dengan periode mode libur lain."
NOT_ON = "Mode libur sedang tidak aktif."
NOT_CANCELLABLE = "Jadwal ini tidak ada atau sudah dimulai."


@pytest.fixture
def shop(make_shop):
    return make_shop()


@pytest.fixture
def owner(make_user, shop):
    return make_user("pemilik", shop=shop)


def periods(shop):
    return list(
        HolidayPeriod.objects.filter(shop=shop)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at", "source", "created_by")
    )


def changes(shop):
    return list(
        HolidayModeChange.objects.filter(shop=shop)
        .order_by("id")
        .values_list("action", "starts_at", "ends_at", "changed_by", "changed_at")
    )


def holiday_event(id_, enabled, at, shop="toko-a"):
    return event("shop.holiday_mode", id=id_, shop=shop, enabled=enabled, at=at.isoformat())


def ingest(*events):
    result = events_ingest(items=enumerate(events, start=1))
    assert result.errors == []


# --- switching on ----------------------------------------------------------------------------


def test_switching_on_now_opens_a_period_without_end_and_records_who(shop, owner):
    period = holiday_mode_switch_on(shop=shop, user=owner, now=NOW)

    assert periods(shop) == [(NOW, None, "portal", owner.id)]
    assert changes(shop) == [("switch_on", NOW, None, owner.id, NOW)]
    assert holiday_period_current(shop=shop, now=NOW) == period


def test_switching_on_now_with_an_end_keeps_the_end(shop, owner):
    holiday_mode_switch_on(shop=shop, user=owner, now=NOW, ends_at=NOW + 3 * DAY)

    assert periods(shop) == [(NOW, NOW + 3 * DAY, "portal", owner.id)]
    assert changes(shop) == [("switch_on", NOW, NOW + 3 * DAY, owner.id, NOW)]


def test_a_future_start_schedules_a_period_that_is_not_on_yet(shop, owner):
    start, end = NOW + DAY, NOW + 3 * DAY

    period = holiday_mode_switch_on(shop=shop, user=owner, now=NOW, starts_at=start, ends_at=end)

    assert periods(shop) == [(start, end, "portal", owner.id)]
    assert changes(shop) == [("schedule", start, end, owner.id, NOW)]
    assert holiday_period_current(shop=shop, now=NOW) is None
    assert holiday_period_current(shop=shop, now=start) == period


def test_switching_on_while_on_is_refused_and_changes_nothing(shop, owner):
    holiday_mode_switch_on(shop=shop, user=owner, now=NOW)
    before = (periods(shop), changes(shop))

    with pytest.raises(HolidayModeError) as refused:
        holiday_mode_switch_on(shop=shop, user=owner, now=NOW + HOUR)

    assert str(refused.value) == ALREADY_ON
    assert (periods(shop), changes(shop)) == before


@pytest.mark.parametrize("end", [NOW - HOUR, NOW], ids=["before", "equal"])
def test_an_end_not_after_the_start_is_refused_and_changes_nothing(shop, owner, end):
    with pytest.raises(HolidayModeError) as refused:
        holiday_mode_switch_on(shop=shop, user=owner, now=NOW, ends_at=end)

    assert str(refused.value) == END_BEFORE_START
    assert (periods(shop), changes(shop)) == ([], [])


def test_a_scheduled_end_before_its_start_is_refused_and_changes_nothing(shop, owner):
    with pytest.raises(HolidayModeError) as refused:
        holiday_mode_switch_on(
            shop=shop, user=owner, now=NOW, starts_at=NOW + 3 * DAY, ends_at=NOW + 2 * DAY
        )

    assert str(refused.value) == END_BEFORE_START
    assert (periods(shop), changes(shop)) == ([], [])


def test_a_start_in_the_past_is_refused_and_changes_nothing(shop, owner):
    with pytest.raises(HolidayModeError) as refused:
        holiday_mode_switch_on(shop=shop, user=owner, now=NOW, starts_at=NOW - timedelta(minutes=1))

    assert str(refused.value) == START_IN_PAST
    assert (periods(shop), changes(shop)) == ([], [])


def test_a_period_overlapping_a_scheduled_one_is_refused_and_changes_nothing(shop, owner):
    holiday_mode_switch_on(
        shop=shop, user=owner, now=NOW, starts_at=NOW + DAY, ends_at=NOW + 3 * DAY
    )
    before = (periods(shop), changes(shop))

    with pytest.raises(HolidayModeError) as refused:
        holiday_mode_switch_on(
            shop=shop, user=owner, now=NOW, starts_at=NOW + 2 * DAY, ends_at=NOW + 4 * DAY
        )

    assert str(refused.value) == OVERLAP
    assert (periods(shop), changes(shop)) == before


def test_switching_on_now_without_end_overlaps_a_scheduled_period(shop, owner):
    holiday_mode_switch_on(
        shop=shop, user=owner, now=NOW, starts_at=NOW + DAY, ends_at=NOW + 3 * DAY
    )
    before = (periods(shop), changes(shop))

    with pytest.raises(HolidayModeError) as refused:
        holiday_mode_switch_on(shop=shop, user=owner, now=NOW)

    assert str(refused.value) == OVERLAP
    assert (periods(shop), changes(shop)) == before


def test_a_period_starting_where_another_ends_is_accepted(shop, owner):
    holiday_mode_switch_on(
        shop=shop, user=owner, now=NOW, starts_at=NOW + DAY, ends_at=NOW + 3 * DAY
    )

    holiday_mode_switch_on(
        shop=shop, user=owner, now=NOW, starts_at=NOW + 3 * DAY, ends_at=NOW + 4 * DAY
    )

    assert periods(shop) == [
        (NOW + DAY, NOW + 3 * DAY, "portal", owner.id),
        (NOW + 3 * DAY, NOW + 4 * DAY, "portal", owner.id),
    ]


def test_another_shops_period_does_not_overlap(shop, owner, make_shop):
    other = make_shop("toko-b", "Toko B")
    holiday_mode_switch_on(shop=other, user=None, now=NOW)

    holiday_mode_switch_on(shop=shop, user=owner, now=NOW)

    assert periods(shop) == [(NOW, None, "portal", owner.id)]


# --- switching off ---------------------------------------------------------------------------


def test_switching_off_ends_the_current_period_now(shop, owner):
    holiday_mode_switch_on(shop=shop, user=owner, now=NOW, ends_at=NOW + 3 * DAY)

    period = holiday_mode_switch_off(shop=shop, user=owner, now=NOW + 2 * HOUR)

    assert period.ends_at == NOW + 2 * HOUR
    assert periods(shop) == [(NOW, NOW + 2 * HOUR, "portal", owner.id)]
    assert changes(shop) == [
        ("switch_on", NOW, NOW + 3 * DAY, owner.id, NOW),
        ("switch_off", NOW, NOW + 2 * HOUR, owner.id, NOW + 2 * HOUR),
    ]
    assert holiday_period_current(shop=shop, now=NOW + 2 * HOUR) is None


def test_switching_off_while_off_is_refused_and_changes_nothing(shop, owner):
    with pytest.raises(HolidayModeError) as refused:
        holiday_mode_switch_off(shop=shop, user=owner, now=NOW)

    assert str(refused.value) == NOT_ON
    assert (periods(shop), changes(shop)) == ([], [])


def test_switching_off_before_a_scheduled_period_is_refused_and_keeps_it(shop, owner):
    holiday_mode_switch_on(
        shop=shop, user=owner, now=NOW, starts_at=NOW + DAY, ends_at=NOW + 3 * DAY
    )
    before = (periods(shop), changes(shop))

    with pytest.raises(HolidayModeError) as refused:
        holiday_mode_switch_off(shop=shop, user=owner, now=NOW + HOUR)

    assert str(refused.value) == NOT_ON
    assert (periods(shop), changes(shop)) == before


# --- cancelling a schedule -------------------------------------------------------------------


def test_cancelling_a_scheduled_period_deletes_it_and_records_the_change(shop, owner):
    start, end = NOW + DAY, NOW + 3 * DAY
    period = holiday_mode_switch_on(shop=shop, user=owner, now=NOW, starts_at=start, ends_at=end)

    holiday_mode_cancel(shop=shop, period_id=period.pk, user=owner, now=NOW + HOUR)

    assert periods(shop) == []
    assert changes(shop) == [
        ("schedule", start, end, owner.id, NOW),
        ("cancel", start, end, owner.id, NOW + HOUR),
    ]


def test_cancelling_a_period_that_started_is_refused_and_changes_nothing(shop, owner):
    start = NOW + DAY
    period = holiday_mode_switch_on(
        shop=shop, user=owner, now=NOW, starts_at=start, ends_at=NOW + 3 * DAY
    )
    before = (periods(shop), changes(shop))

    with pytest.raises(HolidayModeError) as refused:
        holiday_mode_cancel(shop=shop, period_id=period.pk, user=owner, now=start)

    assert str(refused.value) == NOT_CANCELLABLE
    assert (periods(shop), changes(shop)) == before


def test_cancelling_another_shops_period_is_refused_and_changes_nothing(shop, owner, make_shop):
    other = make_shop("toko-b", "Toko B")
    period = holiday_mode_switch_on(shop=other, user=None, now=NOW, starts_at=NOW + DAY)
    before = (periods(other), changes(other))

    with pytest.raises(HolidayModeError) as refused:
        holiday_mode_cancel(shop=shop, period_id=period.pk, user=owner, now=NOW)

    assert str(refused.value) == NOT_CANCELLABLE
    assert (periods(other), changes(other), changes(shop)) == (*before, [])


# --- marketplace events ----------------------------------------------------------------------


def test_on_and_off_events_make_one_marketplace_period_and_two_changes(shop):
    on, off = NOW, NOW + 2 * DAY
    ingest(holiday_event("hm-1", True, on), holiday_event("hm-2", False, off))

    applied = holiday_mode_apply_events(shop_ids=[shop.id])

    assert applied == 2
    assert periods(shop) == [(on, off, "marketplace", None)]
    assert changes(shop) == [
        ("marketplace_on", on, None, None, on),
        ("marketplace_off", off, None, None, off),
    ]
    events = HolidayModeChange.objects.order_by("id").values_list("event__event_id", flat=True)
    assert list(events) == ["hm-1", "hm-2"]


def test_events_are_applied_in_time_order_whatever_order_they_arrived_in(shop):
    on, off = NOW, NOW + 2 * DAY
    ingest(holiday_event("hm-2", False, off), holiday_event("hm-1", True, on))

    holiday_mode_apply_events(shop_ids=[shop.id])

    assert periods(shop) == [(on, off, "marketplace", None)]


def test_applying_events_twice_changes_nothing(shop):
    ingest(holiday_event("hm-1", True, NOW), holiday_event("hm-2", False, NOW + 2 * DAY))
    holiday_mode_apply_events(shop_ids=[shop.id])
    before = (periods(shop), changes(shop))

    applied = holiday_mode_apply_events(shop_ids=[shop.id])

    assert applied == 0
    assert (periods(shop), changes(shop)) == before


def test_an_on_event_while_on_opens_no_second_period(shop, owner):
    holiday_mode_switch_on(shop=shop, user=owner, now=NOW)
    ingest(holiday_event("hm-1", True, NOW + HOUR))

    holiday_mode_apply_events(shop_ids=[shop.id])

    assert periods(shop) == [(NOW, None, "portal", owner.id)]
    assert [c[0] for c in changes(shop)] == ["switch_on", "marketplace_on"]


def test_an_off_event_ends_a_period_switched_on_in_the_portal(shop, owner):
    holiday_mode_switch_on(shop=shop, user=owner, now=NOW)
    off = NOW + 5 * HOUR
    ingest(holiday_event("hm-1", False, off))

    holiday_mode_apply_events(shop_ids=[shop.id])

    assert periods(shop) == [(NOW, off, "portal", owner.id)]
    assert changes(shop) == [
        ("switch_on", NOW, None, owner.id, NOW),
        ("marketplace_off", off, None, None, off),
    ]


def test_events_of_other_shops_are_left_for_their_own_run(shop, make_shop):
    other = make_shop("toko-b", "Toko B")
    ingest(holiday_event("hm-b", True, NOW, shop="toko-b"))

    applied = holiday_mode_apply_events(shop_ids=[shop.id])

    assert applied == 0
    assert (periods(other), changes(other)) == ([], [])


# --- the period in force ---------------------------------------------------------------------


def test_the_current_period_is_the_one_in_force_at_that_moment(shop, owner):
    start, end = NOW + DAY, NOW + 3 * DAY
    period = holiday_mode_switch_on(shop=shop, user=owner, now=NOW, starts_at=start, ends_at=end)

    assert holiday_period_current(shop=shop, now=start - timedelta(seconds=1)) is None
    assert holiday_period_current(shop=shop, now=start) == period
    assert holiday_period_current(shop=shop, now=end - timedelta(seconds=1)) == period
    assert holiday_period_current(shop=shop, now=end) is None


def test_another_shops_period_is_not_current(shop, make_shop):
    other = make_shop("toko-b", "Toko B")
    holiday_mode_switch_on(shop=other, user=None, now=NOW)

    assert holiday_period_current(shop=shop, now=NOW + HOUR) is None
