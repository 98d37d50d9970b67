"""Results that keep their history: a recomputation that changes a result adds a new row and
marks the earlier one superseded; an unchanged result writes nothing."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


def results_supersede(
    model: type[models.Model],
    *,
    current: dict[int, models.Model],
    fresh: list[models.Model],
    fields: tuple[str, ...],
    refreshed: tuple[str, ...] = (),
) -> tuple[int, int, int]:
    """Store `fresh` rows (one per shop) against the `current` rows by shop id.

    `fields` make the result: a change there is a new row. `refreshed` fields only detail it
    (a breakdown added later): an unchanged result gets them updated in place, no new row.
    Returns (created, superseded, unchanged).
    """
    new, superseded, unchanged, touched = [], [], 0, []
    for row in fresh:
        earlier = current.get(row.shop_id)
        if earlier is not None:
            if all(getattr(earlier, f) == getattr(row, f) for f in fields):
                unchanged += 1
                if any(getattr(earlier, f) != getattr(row, f) for f in refreshed):
                    for f in refreshed:
                        setattr(earlier, f, getattr(row, f))
                    touched.append(earlier)
                continue
            superseded.append(earlier.pk)
        new.append(row)
    if touched:
        model.objects.bulk_update(touched, list(refreshed))
    if superseded:
        model.objects.filter(pk__in=superseded).update(
            is_current=False, superseded_at=timezone.now()
        )
    model.objects.bulk_create(new)
    return len(new), len(superseded), unchanged
