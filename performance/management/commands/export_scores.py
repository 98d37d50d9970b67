"""export_scores [--as-of YYYY-MM-DD] [--shop CODE] — stored results as JSON (RULES §11)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from performance.selectors import scores_export
from seller_portal.cli import date_argument
from seller_portal.models import Shop


class Command(BaseCommand):
    help = (
        "Print each shop's latest score on or before --as-of (default: today in WIB), its "
        "penalties and its CS weeks as JSON, in the format of RULES §11."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", type=date_argument, help="YYYY-MM-DD (WIB)")
        parser.add_argument("--shop", metavar="CODE", help="Only this shop")

    def handle(self, *args, **options) -> None:
        as_of = options["as_of"] or timezone.localdate()
        code = options["shop"]
        if code is not None and not Shop.objects.filter(code=code).exists():
            raise CommandError(f"unknown shop {code!r}")
        document = scores_export(as_of=as_of, shop_code=code)
        self.stdout.write(json.dumps(document, ensure_ascii=False))
