"""A refresh below the tier's threshold is a tier-at-risk enforcement record (RULES §4)."""

from datetime import date

import pytest

from performance.models import EnforcementRecord, ScoreSnapshot
from performance.services.ingest import events_ingest
from performance.services.scores import scores_refresh
from tests.helpers import event

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 4, 14)


def test_a_shop_below_its_threshold_gets_a_record_withdrawn_when_it_recovers(make_shop):
    make_shop()  # power_merchant: threshold 60
    # Two bad reviews: good-review share 0% → 0 points, and nothing else has data: score 0.
    assert events_ingest(
        items=enumerate(
            [
                event("review.posted", id=f"r{n}", order=f"INV/{n}", rating=1, buyer=f"b{n}")
                for n in range(2)
            ]
        )
    ).ok

    scores_refresh(refresh_on=MONDAY)

    record = EnforcementRecord.objects.get()
    assert (record.kind, record.key, record.issued_on, record.withdrawn_at) == (
        "tier_at_risk",
        "score:2025-04-14",
        MONDAY,
        None,
    )
    assert record.details == {"score": 0.0, "threshold": 60, "tier": "power_merchant"}

    # Late five-star reviews lift the score above 60: the recomputed refresh withdraws it.
    assert events_ingest(
        items=enumerate(
            [
                event("review.posted", id=f"g{n}", order=f"INV/G{n}", rating=5, buyer=f"g{n}")
                for n in range(20)
            ]
        )
    ).ok
    scores_refresh(refresh_on=MONDAY)

    record.refresh_from_db()
    assert ScoreSnapshot.objects.get(is_current=True).at_risk is False
    assert record.withdrawn_at is not None
    assert EnforcementRecord.objects.count() == 1
