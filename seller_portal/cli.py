"""Argument types shared by the management commands."""

from __future__ import annotations

import argparse
import re
from datetime import date

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_argument(value: str) -> date:
    """A date option of a command (a calendar day in WIB), written exactly YYYY-MM-DD."""
    try:
        if not DATE_RE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
