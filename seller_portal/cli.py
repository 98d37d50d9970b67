"""Argument types and a base shared by the management commands."""

from __future__ import annotations

import argparse
import json
import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_argument(value: str) -> date:
    """A date option of a command (a calendar day in WIB), written exactly YYYY-MM-DD."""
    try:
        if not DATE_RE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


class ShopsDocumentCommand(BaseCommand):
    """A command that prints one JSON document of the shops' results on a date: `--as-of`
    (default today in WIB) and an optional `--shop` (an unknown code is an error, not an empty
    list). Subclasses name the selector that builds the document."""

    def document(self, *, as_of: date, shop_code: str | None) -> dict:
        raise NotImplementedError

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", type=date_argument, help="YYYY-MM-DD (WIB)")
        parser.add_argument("--shop", metavar="CODE", help="Only this shop")

    def handle(self, *args, **options) -> None:
        from seller_portal.models import Shop

        as_of = options["as_of"] or timezone.localdate()
        code = options["shop"]
        if code is not None and not Shop.objects.filter(code=code).exists():
            raise CommandError(f"unknown shop {code!r}")
        document = self.document(as_of=as_of, shop_code=code)
        self.stdout.write(json.dumps(document, ensure_ascii=False))
