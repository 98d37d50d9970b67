"""project_scores [--as-of YYYY-MM-DD] [--shop CODE] — next Monday's score as JSON (RULES §11)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from performance.services.projection import scores_project
from seller_portal.cli import date_argument
from seller_portal.models import Shop


class Command(BaseCommand):
    help = (
        "Print, as JSON, the score the next Monday refresh after --as-of (default: today in "
        "WIB) would store if no new event arrived: each shop's score, deduction, components and "
        "what changes. Computed by the refresh itself, on the events stored now; nothing is "
        "stored."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", type=date_argument, help="YYYY-MM-DD (WIB)")
        parser.add_argument("--shop", metavar="CODE", help="Only this shop")

    def handle(self, *args, **options) -> None:
        as_of = options["as_of"] or timezone.localdate()
        code = options["shop"]
        if code is not None and not Shop.objects.filter(code=code).exists():
            raise CommandError(f"unknown shop {code!r}")
        document = scores_project(as_of=as_of, shop_code=code)
        self.stdout.write(json.dumps(document, ensure_ascii=False))
