"""The performance score of RULES §4: component mappings, scaling and the deduction cap."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from performance.rules.parameters import COMPONENTS, Component, RuleParameters

SERVICE = ("reply_rate", "success_rate", "processing_hours")
PRODUCT = ("good_reviews", "unique_buyers")


@dataclass(frozen=True)
class ComponentResult:
    name: str
    value: float | None  # the input: a percentage, hours or a count; None = no data
    weight: int
    points: float | None  # before scaling; None = left out

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "value": self.value,
            "weight": self.weight,
            "points": self.points,
        }


@dataclass(frozen=True)
class ScoreResult:
    components: tuple[ComponentResult, ...]
    scale: float | None  # 100 / weights with data; None when no component has data
    service: float | None  # scaled points of the service components
    product: float | None
    penalty_points: int  # sum of counted penalties before the cap
    deduction: int  # after the cap
    score: float | None


def linear_points(value: float, spec: Component) -> float:
    """Linear between zero_at (0 points) and full_at (full weight), clamped to the range."""
    fraction = (value - spec.zero_at) / (spec.full_at - spec.zero_at)
    return spec.weight * min(1.0, max(0.0, fraction))


def unique_buyer_points(buyers: int, spec: Component) -> float:
    return spec.weight * min(1.0, math.log10(1 + buyers) / 2)


def one_decimal(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def compute_score(
    params: RuleParameters, values: dict[str, float | None], penalty_points: int
) -> ScoreResult:
    """Score from component inputs (None = no data) and the points of counted penalties.

    A component without data is left out and the others are scaled up to its weight, so a
    new shop is not punished for having no reviews.
    """
    components = []
    for name in COMPONENTS:
        spec, value = params.components[name], values.get(name)
        if value is None:
            points = None
        elif name == "unique_buyers":
            points = unique_buyer_points(int(value), spec)
        else:
            points = linear_points(value, spec)
        components.append(ComponentResult(name, value, spec.weight, points))
    deduction = min(penalty_points, params.deduction_cap)
    present_weight = sum(c.weight for c in components if c.points is not None)
    if present_weight == 0:
        return ScoreResult(tuple(components), None, None, None, penalty_points, deduction, None)
    scale = 100 / present_weight

    def group(names):
        present = [c.points for c in components if c.name in names and c.points is not None]
        return one_decimal(sum(present) * scale) if present else None

    raw = sum(c.points for c in components if c.points is not None) * scale
    score = one_decimal(min(100.0, max(0.0, raw - deduction)))
    return ScoreResult(
        tuple(components), scale, group(SERVICE), group(PRODUCT), penalty_points, deduction, score
    )
