"""project_scores [--as-of YYYY-MM-DD] [--shop CODE] — next Monday's score as JSON (RULES §11)."""

from __future__ import annotations

from performance.services.projection import scores_project
from seller_portal.cli import ShopsDocumentCommand


class Command(ShopsDocumentCommand):
    help = (
        "Print, as JSON, the score the next Monday refresh after --as-of (default: today in "
        "WIB) would store if no new event arrived: each shop's score, deduction, components and "
        "what changes. Computed by the refresh itself, on the events stored now; nothing is "
        "stored."
    )

    def document(self, *, as_of, shop_code):
        return scores_project(as_of=as_of, shop_code=shop_code)
