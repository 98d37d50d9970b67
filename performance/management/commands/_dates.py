from __future__ import annotations

import argparse
from datetime import date


def wib_date_argument(value: str) -> date:
    """An --as-of value: a calendar date in WIB, written YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
