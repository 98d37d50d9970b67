"""The benchmark at a tiny scale: a smoke test of its steps and of the results, not of time."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from performance.models import Event, ScoreSnapshot
from performance.services.recalculation import results_recalculate
from seller_portal.demo import demo_events

pytestmark = pytest.mark.django_db


def test_benchmark_imports_everything_and_recalculates_every_shop(tmp_path, settings):
    settings.JOBS_IN_PROCESS = True
    out = StringIO()

    call_command(
        "benchmark",
        "--shops",
        "3",
        "--weeks",
        "2",
        "--in-process",
        "--markdown",
        "--workdir",
        str(tmp_path),
        stdout=out,
    )

    expected = list(demo_events(date(2026, 11, 23), shops=3, weeks=2))
    report = out.getvalue()
    assert f"**3 shops × 2 weeks = {len(expected):,} events ({connection.vendor})**" in report
    assert Event.objects.count() == len(expected)
    assert "| check | 3 snapshots for 3 shops |  |" in report
    assert ScoreSnapshot.objects.filter(refreshed_on="2026-11-23", is_current=True).count() == 3
    has_floor = "| floor: COPY into an equivalent table | ratio " in report
    assert has_floor is (connection.vendor == "postgresql")
    assert (tmp_path / "events-3x2.jsonl").exists()
    # What the batches computed is what a full recomputation from the events gives (which
    # also stores the earlier Mondays' scores, left out by the benchmark).
    measured = set(ScoreSnapshot.objects.values_list("pk", flat=True))
    recomputed = results_recalculate(as_of=date(2026, 11, 23))
    assert recomputed["snapshots_superseded"] == 0
    assert (
        set(ScoreSnapshot.objects.filter(refreshed_on="2026-11-23").values_list("pk", flat=True))
        == measured
    )
    assert recomputed["cs_weeks_created"] == recomputed["cs_weeks_superseded"] == 0
    assert recomputed["event_penalties_issued"] == 0
    assert (recomputed["penalties_issued"], recomputed["penalties_withdrawn"]) == (0, 0)


def test_benchmark_measures_again_on_the_data_of_an_earlier_run(tmp_path, settings):
    settings.JOBS_IN_PROCESS = True
    call_command(
        "benchmark",
        *("--shops", "2", "--weeks", "2", "--in-process", "--workdir", str(tmp_path)),
        stdout=StringIO(),
    )
    first = list(
        ScoreSnapshot.objects.order_by("shop_id").values_list("shop_id", "score", "deducted")
    )
    out = StringIO()

    call_command("benchmark", "--measure-existing", "--markdown", stdout=out)

    events = len(list(demo_events(date(2026, 11, 23), shops=2, weeks=2)))
    assert f"**existing data: 2 shops, {events:,} events ({connection.vendor})**" in out.getvalue()
    assert "| check | 2 snapshots for 2 shops |  |" in out.getvalue()
    assert "import_events" not in out.getvalue()
    # The week was forgotten and computed again: the same scores, stored once.
    again = ScoreSnapshot.objects.order_by("shop_id").values_list("shop_id", "score", "deducted")
    assert list(again) == first
    assert ScoreSnapshot.objects.count() == 2


def test_measuring_again_needs_data():
    with pytest.raises(CommandError, match="needs a database an earlier run filled"):
        call_command("benchmark", "--measure-existing", stdout=StringIO())


def test_benchmark_scales_activity_per_shop(tmp_path, settings):
    settings.JOBS_IN_PROCESS = True
    out = StringIO()

    call_command(
        "benchmark",
        *("--shops", "2", "--weeks", "2", "--activity", "0.25", "--in-process"),
        *("--workdir", str(tmp_path)),
        stdout=out,
    )

    expected = list(demo_events(date(2026, 11, 23), shops=2, weeks=2, activity=0.25))
    full = list(demo_events(date(2026, 11, 23), shops=2, weeks=2))
    assert len(expected) < len(full) / 2
    assert f"2 shops × 2 weeks at activity 0.25 = {len(expected):,} events" in out.getvalue()
    assert Event.objects.count() == len(expected)


def test_benchmark_refuses_a_database_with_data(make_shop):
    make_shop()
    call_command(
        "seed_demo",
        "--today",
        "2026-11-23",
        "--shops",
        "1",
        "--weeks",
        "1",
        "--allow-demo-accounts",
        stdout=StringIO(),
    )

    with pytest.raises(CommandError, match="run the benchmark on a scratch database"):
        call_command("benchmark", "--shops", "1", "--weeks", "1", stdout=StringIO())
