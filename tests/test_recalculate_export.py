"""`recalculate --as-of` and `export_scores --as-of [--shop]` (RULES §11) on a small dataset."""

import io
import json
import os
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from performance.models import Event, JobRun, Penalty, ScoreSnapshot
from performance.services.ingest import events_ingest
from tests.helpers import event, registration

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SHOP_KEYS = ["shop", "score", "penalty_deduction", "penalties", "cs_weeks"]
PENALTY_KEYS = ["rule", "points", "issued_on", "status", "source"]


def review(shop, n, rating):
    return event(
        "review.posted",
        id=f"{shop}-r-{n}",
        shop=shop,
        order=f"INV/{n}",
        rating=rating,
        buyer=f"b-{n}",
        at="2025-04-01T10:00:00+07:00",
    )


def violation(id_, kind, product, at):
    return event("product.violation", id=id_, shop="toko-a", violation=kind, product=product, at=at)


# toko-b is registered first so that sorting by code is visible.
DATASET = [
    registration("toko-b", name="Toko B", tier="regular"),
    review("toko-b", 1, 5),
    review("toko-b", 2, 5),  # 100% good reviews, its only component → 100.0
    registration("toko-a", name="Toko A", tier="power_merchant"),
    review("toko-a", 1, 5),
    review("toko-a", 2, 4),
    review("toko-a", 3, 4),
    review("toko-a", 4, 2),  # 75% good → (75 − 50) / 50 = 0.5 of its only component → 50.0
    violation("pv-0", "light", "P-0", "2025-03-10T10:00:00+07:00"),  # expires 2025-04-07
    violation("pv-2", "light", "P-2", "2025-04-08T11:00:00+07:00"),
    violation("pv-1", "light", "P-1", "2025-04-08T12:00:00+07:00"),
    violation("pv-3", "duplicate", "P-3", "2025-04-08T13:00:00+07:00"),
    violation("pv-4", "duplicate", "P-4", "2025-04-14T09:00:00+07:00"),  # issued on as_of
    # 1 flagged transaction in the week 04-06…04-12 → 3 points on Sunday 04-13
    event(
        "transaction.manipulation_flagged",
        id="tm-1",
        shop="toko-a",
        order="INV/T1",
        at="2025-04-09T10:00:00+07:00",
    ),
]
WEEK_SOURCE = "2025-04-06/2025-04-12"


def penalty(rule, points, issued_on, status, source):
    return {
        "rule": rule,
        "points": points,
        "issued_on": issued_on,
        "status": status,
        "source": source,
    }


@pytest.fixture
def dataset():
    result = events_ingest(items=enumerate(DATASET, start=1))
    assert result.errors == []


def recalculate(as_of):
    out = io.StringIO()
    call_command("recalculate", "--as-of", as_of, stdout=out)
    return out.getvalue()


def export(as_of, *options):
    out = io.StringIO()
    call_command("export_scores", "--as-of", as_of, *options, stdout=out)
    return out.getvalue()


def without_cs_weeks(document):
    """CS evaluation (RULES §5) is outside these tests: its weeks are compared elsewhere."""
    return {
        **document,
        "shops": [{k: v for k, v in shop.items() if k != "cs_weeks"} for shop in document["shops"]],
    }


def test_export_after_recalculate_is_the_spec_document(dataset):
    recalculate("2025-04-14")

    document = json.loads(export("2025-04-14"))

    assert without_cs_weeks(document) == {
        "as_of": "2025-04-14",
        "shops": [
            {
                "shop": "toko-a",
                # refresh of 04-14: 50.0 − (3 × 1 point of 04-08 + 3 points of 04-13) = 44.0;
                # P-0 (expired 03-10 + 28 = 04-07) and P-4 (issued on R) do not count.
                "score": 44.0,
                "penalty_deduction": 6,
                "penalties": [
                    penalty("PRODUCT_LIGHT", 1, "2025-03-10", "expired", "P-0"),
                    penalty("PRODUCT_DUPLICATE", 1, "2025-04-08", "active", "P-3"),
                    penalty("PRODUCT_LIGHT", 1, "2025-04-08", "active", "P-1"),
                    penalty("PRODUCT_LIGHT", 1, "2025-04-08", "active", "P-2"),
                    penalty("TRANSACTION_MANIPULATION", 3, "2025-04-13", "active", WEEK_SOURCE),
                    penalty("PRODUCT_DUPLICATE", 1, "2025-04-14", "pending", "P-4"),
                ],
            },
            {"shop": "toko-b", "score": 100.0, "penalty_deduction": 0, "penalties": []},
        ],
    }


def test_export_keys_are_in_the_order_of_the_spec(dataset):
    recalculate("2025-04-14")

    document = json.loads(export("2025-04-14"))

    assert list(document) == ["as_of", "shops"]
    assert [list(shop) for shop in document["shops"]] == [SHOP_KEYS, SHOP_KEYS]
    assert [list(p) for p in document["shops"][0]["penalties"]] == [PENALTY_KEYS] * 6
    assert [type(shop["cs_weeks"]) for shop in document["shops"]] == [list, list]


def test_export_shows_the_latest_refresh_on_or_before_as_of(dataset):
    recalculate("2025-04-14")

    document = json.loads(export("2025-04-13"))

    # The refresh of 04-07: P-0 (issued 03-10) is not counted on 03-10 + 28 = 04-07 → 50.0.
    # Statuses are as of 04-13: no Monday has come since 04-08; P-4 is not issued yet.
    assert without_cs_weeks(document) == {
        "as_of": "2025-04-13",
        "shops": [
            {
                "shop": "toko-a",
                "score": 50.0,
                "penalty_deduction": 0,
                "penalties": [
                    penalty("PRODUCT_LIGHT", 1, "2025-03-10", "expired", "P-0"),
                    penalty("PRODUCT_DUPLICATE", 1, "2025-04-08", "pending", "P-3"),
                    penalty("PRODUCT_LIGHT", 1, "2025-04-08", "pending", "P-1"),
                    penalty("PRODUCT_LIGHT", 1, "2025-04-08", "pending", "P-2"),
                    penalty("TRANSACTION_MANIPULATION", 3, "2025-04-13", "pending", WEEK_SOURCE),
                ],
            },
            {"shop": "toko-b", "score": 100.0, "penalty_deduction": 0, "penalties": []},
        ],
    }


def test_voided_penalty_is_shown_voided_and_leaves_the_recalculated_score(dataset):
    recalculate("2025-04-14")
    Penalty.objects.filter(source="P-1").update(
        voided_at=datetime.fromisoformat("2025-04-15T09:00:00+07:00"), void_reason="appeal"
    )

    recalculate("2025-04-14")

    shop = json.loads(export("2025-04-14", "--shop", "toko-a"))["shops"][0]
    # 50.0 − (1 + 1 + 3): P-1 no longer counts in the refresh of 04-14
    assert (shop["score"], shop["penalty_deduction"]) == (45.0, 5)
    assert [(p["source"], p["status"]) for p in shop["penalties"]] == [
        ("P-0", "expired"),
        ("P-3", "active"),
        ("P-1", "voided"),
        ("P-2", "active"),
        (WEEK_SOURCE, "active"),
        ("P-4", "pending"),
    ]
    history = ScoreSnapshot.objects.filter(shop__code="toko-a", refreshed_on="2025-04-14")
    assert sorted(history.values_list("score", "is_current")) == [
        (Decimal("44.0"), False),
        (Decimal("45.0"), True),
    ]


def test_export_of_one_shop(dataset):
    recalculate("2025-04-14")

    document = json.loads(export("2025-04-14", "--shop", "toko-b"))

    assert without_cs_weeks(document) == {
        "as_of": "2025-04-14",
        "shops": [{"shop": "toko-b", "score": 100.0, "penalty_deduction": 0, "penalties": []}],
    }


def test_score_is_null_before_the_first_refresh(dataset):
    recalculate("2025-04-14")

    # 2025-01-05 is a Sunday: the first refresh after registration (01-01) is Monday 01-06.
    document = json.loads(export("2025-01-05"))

    assert without_cs_weeks(document) == {
        "as_of": "2025-01-05",
        "shops": [
            {"shop": "toko-a", "score": None, "penalty_deduction": None, "penalties": []},
            {"shop": "toko-b", "score": None, "penalty_deduction": None, "penalties": []},
        ],
    }


def test_shops_are_sorted_by_code_character_by_character():
    codes = ["tokoa", "toko1", "toko-b"]
    events_ingest(items=enumerate([registration(code) for code in codes], start=1))

    document = json.loads(export("2025-04-14"))

    # '-' < '1' < 'a': a database collation that skips punctuation would put "tokoa" first.
    assert [shop["shop"] for shop in document["shops"]] == ["toko-b", "toko1", "tokoa"]


def test_score_is_null_without_any_refresh(dataset):
    document = json.loads(export("2025-04-14"))

    assert [(s["shop"], s["score"], s["penalty_deduction"]) for s in document["shops"]] == [
        ("toko-a", None, None),
        ("toko-b", None, None),
    ]


def state():
    return (
        Event.objects.count(),
        list(
            Penalty.objects.order_by("pk").values_list(
                "pk", "rule", "points", "issued_on", "source", "voided_at", "updated_at"
            )
        ),
        list(
            ScoreSnapshot.objects.order_by("pk").values_list(
                "pk", "shop_id", "refreshed_on", "score", "deduction", "is_current"
            )
        ),
    )


def test_running_recalculate_twice_changes_nothing(dataset):
    recalculate("2025-04-14")
    exported = export("2025-04-14")
    before = state()

    recalculate("2025-04-14")

    assert export("2025-04-14") == exported
    assert state() == before
    events, penalties, snapshots = before
    assert (events, len(penalties)) == (len(DATASET), 6)
    # 15 Mondays from 01-06 to 04-14, one current snapshot per shop each
    assert len(snapshots) == 30


@pytest.mark.parametrize("bad", ["2025-02-30", "14-04-2025", "yesterday"])
def test_bad_as_of_is_refused(bad):
    with pytest.raises(CommandError) as refused:
        call_command("recalculate", "--as-of", bad, stdout=io.StringIO())

    assert str(refused.value) == (
        f"Error: argument --as-of: expected a date as YYYY-MM-DD, got '{bad}'"
    )
    assert JobRun.objects.count() == 0


def test_export_refuses_a_bad_as_of():
    with pytest.raises(CommandError) as refused:
        call_command("export_scores", "--as-of", "2025-4-14", stdout=io.StringIO())

    assert str(refused.value) == (
        "Error: argument --as-of: expected a date as YYYY-MM-DD, got '2025-4-14'"
    )


def test_bad_as_of_on_the_command_line_has_no_traceback(tmp_path):
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "seller_portal.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    env.pop("REDIS_URL", None)

    done = subprocess.run(
        [sys.executable, "manage.py", "recalculate", "--as-of", "2025-13-01"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == (
        "manage.py recalculate: error: argument --as-of: "
        "expected a date as YYYY-MM-DD, got '2025-13-01'"
    )
    assert done.stdout == ""


def test_export_of_an_unknown_shop_is_an_error(dataset):
    out = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("export_scores", "--as-of", "2025-04-14", "--shop", "x", stdout=out)

    assert str(refused.value) == "unknown shop 'x'"
    assert out.getvalue() == ""
