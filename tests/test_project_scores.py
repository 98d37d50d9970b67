"""`project_scores`: next Monday's score, computed by the refresh itself and stored nowhere."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from appeals.models import Notice
from performance.models import (
    CsWeek,
    EnforcementRecord,
    HolidayPeriod,
    JobRun,
    Penalty,
    ScoreSnapshot,
)
from performance.services.ingest import events_ingest
from performance.services.projection import next_refresh, scores_project
from performance.services.recalculation import results_recalculate
from seller_portal.demo import demo_events

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)  # a Monday: the demo's events end the day before
STORED = (ScoreSnapshot, Penalty, CsWeek, EnforcementRecord, HolidayPeriod, JobRun, Notice)


@pytest.fixture
def demo(settings):
    settings.RESULTS_UPDATE_AFTER_INGEST = False
    assert events_ingest(items=enumerate(demo_events(TODAY, shops=6, weeks=6))).ok


def stored_rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in STORED}


def refreshed(refresh_on: date) -> dict[str, tuple]:
    return {
        code: (None if score is None else float(score), deduction)
        for code, score, deduction in ScoreSnapshot.objects.filter(
            refreshed_on=refresh_on, is_current=True
        ).values_list("shop__code", "score", "deduction")
    }


@pytest.mark.parametrize(
    ("as_of", "refresh_on"),
    [
        (date(2026, 11, 5), date(2026, 11, 9)),  # a Thursday: weekly rules on the Sunday first
        (date(2026, 11, 8), date(2026, 11, 9)),  # a Sunday whose weekly rules have not run
        (date(2026, 11, 9), date(2026, 11, 16)),  # a Monday: the next refresh is a week on
        (date(2026, 11, 25), date(2026, 11, 30)),  # after the last event: open turns run late
        (date(2026, 11, 28), date(2026, 11, 30)),  # the 1st is not before the Monday: no month
        (date(2026, 12, 30), date(2027, 1, 4)),  # the monthly rules of a 1st run first
    ],
)
def test_the_refresh_stores_exactly_the_projection_when_no_event_arrives(
    demo, as_of, refresh_on, django_capture_on_commit_callbacks
):
    results_recalculate(as_of=as_of)
    before = stored_rows()

    with django_capture_on_commit_callbacks() as after_commit:
        projection = scores_project(as_of=as_of)

    assert stored_rows() == before  # nothing stored...
    assert after_commit == []  # ...nothing queued or sent
    assert projection["refresh_on"] == refresh_on.isoformat()
    projected = {s["shop"]: (s["score"], s["penalty_deduction"]) for s in projection["shops"]}
    assert len(projected) == 6
    results_recalculate(as_of=refresh_on)
    assert refreshed(refresh_on) == projected


def test_components_and_changes_explain_the_projection(demo):
    results_recalculate(as_of=date(2026, 11, 19))
    current = ScoreSnapshot.objects.get(
        shop__code="kopi-nusantara", refreshed_on=date(2026, 11, 16), is_current=True
    )

    (shop,) = scores_project(as_of=date(2026, 11, 19), shop_code="kopi-nusantara")["shops"]

    results_recalculate(as_of=date(2026, 11, 23))
    refresh = ScoreSnapshot.objects.get(
        shop__code="kopi-nusantara", refreshed_on=date(2026, 11, 23), is_current=True
    )
    assert shop["components"] == {
        c["name"]: {"value": c["value"], "points": c["points"]} for c in refresh.components
    }
    before = {c["name"]: c["points"] for c in current.components}
    after = {c["name"]: c["points"] for c in refresh.components}
    component_changes = [c for c in shop["changes"] if "component" in c]
    assert component_changes == [
        {"component": name, "from": before.get(name), "to": after.get(name)}
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    ]
    starts = {c["penalty"]["source"] for c in shop["changes"] if c.get("change") == "starts"}
    ends = {c["penalty"]["source"] for c in shop["changes"] if c.get("change") == "ends"}
    deducted_before = {p["source"] for p in current.deducted}
    deducted_after = {p["source"] for p in refresh.deducted}
    assert (starts, ends) == (deducted_after - deducted_before, deducted_before - deducted_after)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 30)),
        (date(2026, 11, 24), date(2026, 11, 30)),
        (date(2026, 11, 29), date(2026, 11, 30)),
        (date(2026, 12, 31), date(2027, 1, 4)),
    ],
)
def test_the_next_refresh_is_the_first_monday_after_the_date(as_of, expected):
    assert next_refresh(as_of) == expected


def test_the_command_prints_every_shop_by_code_or_one(demo):
    out = StringIO()
    call_command("project_scores", "--as-of", "2026-11-25", stdout=out)
    document = json.loads(out.getvalue())
    codes = [s["shop"] for s in document["shops"]]
    assert (document["as_of"], document["refresh_on"]) == ("2026-11-25", "2026-11-30")
    assert codes == sorted(codes) and len(codes) == 6
    assert set(document["shops"][0]) == {
        "shop",
        "score",
        "penalty_deduction",
        "components",
        "changes",
    }

    out = StringIO()
    call_command("project_scores", "--as-of", "2026-11-25", "--shop", "kopi-nusantara", stdout=out)
    assert [s["shop"] for s in json.loads(out.getvalue())["shops"]] == ["kopi-nusantara"]


def test_an_unknown_shop_is_a_clear_error(demo):
    with pytest.raises(CommandError, match="unknown shop 'toko-tidak-ada'"):
        call_command("project_scores", "--shop", "toko-tidak-ada", stdout=StringIO())


def test_a_shop_without_data_projects_no_score(make_shop):
    make_shop("toko-baru")

    (shop,) = scores_project(as_of=date(2026, 11, 25))["shops"]

    # No data in any component: no score (RULES §4), every component left out, nothing deducted.
    none = {"value": None, "points": None}
    assert shop == {
        "shop": "toko-baru",
        "score": None,
        "penalty_deduction": 0,
        "components": {
            name: none
            for name in (
                "reply_rate",
                "success_rate",
                "processing_hours",
                "good_reviews",
                "unique_buyers",
            )
        },
        "changes": [],
    }
