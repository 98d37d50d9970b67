"""export_scores [--as-of YYYY-MM-DD] [--shop CODE] — stored results as JSON (RULES §11)."""

from __future__ import annotations

from performance.selectors import scores_export
from seller_portal.cli import ShopsDocumentCommand


class Command(ShopsDocumentCommand):
    help = (
        "Print each shop's latest score on or before --as-of (default: today in WIB), its "
        "penalties and its CS weeks as JSON, in the format of RULES §11."
    )

    def document(self, *, as_of, shop_code):
        return scores_export(as_of=as_of, shop_code=shop_code)
