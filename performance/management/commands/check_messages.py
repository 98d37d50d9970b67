"""check_messages PATH — guideline flags for draft or past messages (RULES §9, §11).

Reads JSON Lines `{"id": ..., "text": ...}` and writes, in the same order, one JSON line per
message: `{"id": ..., "flags": [{"rule": CODE, "section": "4.2.2", "match": "..."}]}`.
A line that is not such an object is reported on stderr as `line N: reason`; the others are
still checked, and the command exits 1.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from performance.rules.guidelines import check_text


class Command(BaseCommand):
    help = "Check messages against the chat guideline; JSON Lines in, JSON Lines out."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", metavar="PATH", help="JSON Lines file, or - for stdin")

    def handle(self, *args, **options) -> None:
        path = options["path"]
        try:
            source = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        errors = 0
        with source:
            for number, line in enumerate(source, start=1):
                if not line.strip():
                    continue
                reason = None
                try:
                    item = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    reason = f"not valid JSON: {getattr(exc, 'msg', exc)}"
                else:
                    if not isinstance(item, dict) or "id" not in item:
                        reason = "expected an object with 'id' and 'text'"
                    elif not isinstance(item.get("text"), str):
                        reason = "field 'text' must be a string"
                if reason:
                    errors += 1
                    self.stderr.write(f"line {number}: {reason}")
                    continue
                flags = [
                    {"rule": f.rule, "section": f.section, "match": f.match}
                    for f in check_text(item["text"])
                ]
                self.stdout.write(
                    json.dumps({"id": item["id"], "flags": flags}, ensure_ascii=False)
                )
        if errors:
            sys.exit(1)
