"""The parameters of a rule set (RULES §3–§4) and their validation.

A rule set is stored as JSON; `RuleParameters.parse` is the one place that reads it, so a
bad edit in admin is refused with a readable reason per field instead of failing later in
a scheduled job. `V1` is the default of docs/RULES.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EVENT_RULES = (
    "ORDER_IGNORED",
    "SHIPMENT_IGNORED",
    "SHIPMENT_CANCELLED",
    "RESOLUTION_FAULT",
    "RESOLUTION_COMBINED",
    "PRODUCT_DUPLICATE",
    "PRODUCT_LIGHT",
    "PRODUCT_MANIPULATION",
    "PRODUCT_MEDIUM",
    "SHOP_FRAUD",
    "PRODUCT_HEAVY",
)
COMPONENTS = ("reply_rate", "success_rate", "processing_hours", "good_reviews", "unique_buyers")

V1: dict[str, Any] = {
    "event_penalties": {
        "ORDER_IGNORED": 1,
        "SHIPMENT_IGNORED": 1,
        "SHIPMENT_CANCELLED": 1,
        "RESOLUTION_FAULT": 1,
        "RESOLUTION_COMBINED": 1,
        "PRODUCT_DUPLICATE": 1,
        "PRODUCT_LIGHT": 1,
        "PRODUCT_MANIPULATION": 5,
        "PRODUCT_MEDIUM": 5,
        "SHOP_FRAUD": 15,
        "PRODUCT_HEAVY": 15,
    },
    # [from count, points]: the row with the largest `from` not above the count applies.
    "cancellation_abuse": [[0, 0], [5, 1], [10, 3], [20, 5], [50, 10]],
    "extension_limit": {
        "points": 1,
        # From this many verified orders in the week, the limit is a number of extensions
        # (`max_extensions`) or a share of the orders (`max_percent`); more than it is a penalty.
        "bands": [
            {"from_orders": 0, "max_extensions": 2},
            {"from_orders": 11, "max_percent": 20},
            {"from_orders": 51, "max_percent": 10},
            {"from_orders": 201, "max_percent": 5},
        ],
    },
    "transaction_manipulation": [[0, 0], [1, 3], [3, 5], [6, 10], [11, 15]],
    "partial_shipment": {"every": 3, "points": 1},
    "penalty_lifetime_days": 28,
    "deduction_cap": 15,
    "score_window_days": 90,
    "components": {
        "reply_rate": {"weight": 25, "zero_at": 50, "full_at": 100},
        "success_rate": {"weight": 30, "zero_at": 80, "full_at": 100},
        "processing_hours": {"weight": 20, "zero_at": 72, "full_at": 24},
        "good_reviews": {"weight": 15, "zero_at": 50, "full_at": 100},
        "unique_buyers": {"weight": 10},
    },
    "tier_thresholds": {"power_merchant": 60, "power_merchant_pro": 70},
    "cs_reply_hours": 24,
    "cs_pass_percent": 90,
}


class RuleSetInvalid(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ExtensionBand:
    from_orders: int
    max_extensions: int | None
    max_percent: int | None


@dataclass(frozen=True)
class Component:
    weight: int
    zero_at: float | None
    full_at: float | None


@dataclass(frozen=True)
class RuleParameters:
    event_penalties: dict[str, int]
    cancellation_abuse: tuple[tuple[int, int], ...]
    extension_points: int
    extension_bands: tuple[ExtensionBand, ...]
    transaction_manipulation: tuple[tuple[int, int], ...]
    partial_every: int
    partial_points: int
    penalty_lifetime_days: int
    deduction_cap: int
    score_window_days: int
    components: dict[str, Component]
    tier_thresholds: dict[str, int]
    cs_reply_hours: int
    cs_pass_percent: int

    @classmethod
    def parse(cls, raw: Any) -> RuleParameters:
        """Read and validate stored parameters; RuleSetInvalid lists every problem."""
        reader = _Reader()
        params = reader.read(raw)
        if reader.problems:
            raise RuleSetInvalid(reader.problems)
        return params


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def integer(self, raw: dict, key: str, where: str = "", minimum: int = 0) -> int:
        path = f"{where}.{key}" if where else key
        value = raw.get(key)
        if not _is_int(value) or value < minimum:
            self.problem(path, f"must be a whole number of at least {minimum}")
            return minimum
        return value

    def table(self, raw: dict, key: str) -> tuple[tuple[int, int], ...]:
        rows = raw.get(key)
        if not isinstance(rows, list) or not rows:
            self.problem(key, "must be a list of [from count, points] rows")
            return ((0, 0),)
        if not all(
            isinstance(r, list) and len(r) == 2 and all(_is_int(x) and x >= 0 for x in r)
            for r in rows
        ):
            self.problem(key, "every row must be [from count, points] with whole numbers ≥ 0")
            return ((0, 0),)
        table = tuple((r[0], r[1]) for r in rows)
        if table[0][0] != 0:
            self.problem(key, "the first row must start at count 0")
        if any(b[0] <= a[0] for a, b in zip(table, table[1:], strict=False)):
            self.problem(key, "counts must increase from row to row")
        if any(b[1] < a[1] for a, b in zip(table, table[1:], strict=False)):
            self.problem(key, "points must not decrease as the count grows")
        return table

    def read(self, raw: Any) -> RuleParameters:
        if not isinstance(raw, dict):
            self.problem("parameters", "must be a JSON object")
            raw = {}
        known = set(V1)
        for key in sorted(set(raw) - known):
            self.problem(key, "unknown parameter")
        for key in sorted(known - set(raw)):
            self.problem(key, "missing")

        event_raw = raw.get("event_penalties")
        event_penalties: dict[str, int] = {}
        if isinstance(event_raw, dict):
            for rule in sorted(set(event_raw) - set(EVENT_RULES)):
                self.problem(f"event_penalties.{rule}", "unknown rule")
            for rule in EVENT_RULES:
                event_penalties[rule] = self.integer(event_raw, rule, "event_penalties", 0)
        elif "event_penalties" in raw:
            self.problem("event_penalties", "must be an object of rule: points")

        extension_raw = raw.get("extension_limit")
        extension_points, bands = 1, ()
        if isinstance(extension_raw, dict):
            extension_points = self.integer(extension_raw, "points", "extension_limit", 0)
            bands = self.bands(extension_raw.get("bands"))
        elif "extension_limit" in raw:
            self.problem("extension_limit", "must be an object with points and bands")

        partial_raw = raw.get("partial_shipment")
        every, partial_points = 3, 1
        if isinstance(partial_raw, dict):
            every = self.integer(partial_raw, "every", "partial_shipment", 1)
            partial_points = self.integer(partial_raw, "points", "partial_shipment", 0)
        elif "partial_shipment" in raw:
            self.problem("partial_shipment", "must be an object with every and points")

        thresholds_raw = raw.get("tier_thresholds")
        thresholds: dict[str, int] = {}
        if isinstance(thresholds_raw, dict):
            for tier in sorted(thresholds_raw):
                value = thresholds_raw[tier]
                if not _is_int(value) or not 0 <= value <= 100:
                    self.problem(f"tier_thresholds.{tier}", "must be a score from 0 to 100")
                else:
                    thresholds[tier] = value
            pm, pro = thresholds.get("power_merchant"), thresholds.get("power_merchant_pro")
            if pm is not None and pro is not None and pro < pm:
                self.problem(
                    "tier_thresholds", "Power Merchant Pro must not be below Power Merchant"
                )
        elif "tier_thresholds" in raw:
            self.problem("tier_thresholds", "must be an object of tier: score")

        cs_pass = (
            self.integer(raw, "cs_pass_percent", minimum=0) if "cs_pass_percent" in raw else 90
        )
        if cs_pass > 100:
            self.problem("cs_pass_percent", "must be at most 100")

        return RuleParameters(
            event_penalties=event_penalties,
            cancellation_abuse=self.table(raw, "cancellation_abuse")
            if "cancellation_abuse" in raw
            else ((0, 0),),
            extension_points=extension_points,
            extension_bands=bands,
            transaction_manipulation=(
                self.table(raw, "transaction_manipulation")
                if "transaction_manipulation" in raw
                else ((0, 0),)
            ),
            partial_every=every,
            partial_points=partial_points,
            penalty_lifetime_days=self.integer(raw, "penalty_lifetime_days", minimum=1)
            if "penalty_lifetime_days" in raw
            else 28,
            deduction_cap=self.integer(raw, "deduction_cap", minimum=0)
            if "deduction_cap" in raw
            else 15,
            score_window_days=self.integer(raw, "score_window_days", minimum=1)
            if "score_window_days" in raw
            else 90,
            components=self.components(raw.get("components")) if "components" in raw else {},
            tier_thresholds=thresholds,
            cs_reply_hours=self.integer(raw, "cs_reply_hours", minimum=1)
            if "cs_reply_hours" in raw
            else 24,
            cs_pass_percent=cs_pass,
        )

    def bands(self, raw: Any) -> tuple[ExtensionBand, ...]:
        where = "extension_limit.bands"
        if not isinstance(raw, list) or not raw or not all(isinstance(b, dict) for b in raw):
            self.problem(where, "must be a list of bands")
            return ()
        bands = []
        for index, band in enumerate(raw):
            here = f"{where}[{index}]"
            start = self.integer(band, "from_orders", here, 0)
            limits = {"max_extensions", "max_percent"} & set(band)
            if len(limits) != 1 or set(band) - {"from_orders", "max_extensions", "max_percent"}:
                self.problem(
                    here, "needs from_orders and exactly one of max_extensions, max_percent"
                )
                continue
            count = (
                self.integer(band, "max_extensions", here, 0) if "max_extensions" in band else None
            )
            percent = self.integer(band, "max_percent", here, 0) if "max_percent" in band else None
            if percent is not None and percent > 100:
                self.problem(f"{here}.max_percent", "must be at most 100")
            bands.append(ExtensionBand(start, count, percent))
        if bands and bands[0].from_orders != 0:
            self.problem(where, "the first band must start at 0 orders")
        if any(b.from_orders <= a.from_orders for a, b in zip(bands, bands[1:], strict=False)):
            self.problem(where, "from_orders must increase from band to band")
        percents = [b.max_percent for b in bands if b.max_percent is not None]
        if any(b > a for a, b in zip(percents, percents[1:], strict=False)):
            self.problem(where, "max_percent must not grow with the number of orders")
        return tuple(bands)

    def components(self, raw: Any) -> dict[str, Component]:
        if not isinstance(raw, dict):
            self.problem("components", "must be an object")
            return {}
        for name in sorted(set(raw) - set(COMPONENTS)):
            self.problem(f"components.{name}", "unknown component")
        result = {}
        total = 0
        for name in COMPONENTS:
            spec = raw.get(name)
            where = f"components.{name}"
            if not isinstance(spec, dict):
                self.problem(where, "missing")
                continue
            weight = self.integer(spec, "weight", where, 0)
            total += weight
            zero_at = full_at = None
            if name != "unique_buyers":
                zero_at, full_at = spec.get("zero_at"), spec.get("full_at")
                if not _is_number(zero_at) or not _is_number(full_at):
                    self.problem(where, "zero_at and full_at must be numbers")
                    zero_at = full_at = None
                elif zero_at == full_at:
                    self.problem(where, "zero_at and full_at must differ")
                elif name == "processing_hours" and not full_at < zero_at:
                    self.problem(where, "fewer hours must score more (full_at below zero_at)")
                elif name != "processing_hours" and not zero_at < full_at:
                    self.problem(where, "a higher rate must score more (zero_at below full_at)")
            result[name] = Component(weight, zero_at, full_at)
        if len(result) == len(COMPONENTS) and total != 100:
            self.problem("components", f"weights must add up to 100, not {total}")
        return result
