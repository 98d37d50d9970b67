"""import_events PATH... — store marketplace events from JSON Lines files (RULES §2, §11)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import BaseCommand, CommandError

from performance.event_types import JsonUnreadable, json_decode
from performance.services.ingest import Unreadable, events_ingest


class Progress:
    """A progress bar on stderr, by bytes read, redrawn at most ten times a second."""

    def __init__(self, stream, total_bytes: int, enabled: bool) -> None:
        self.stream = stream
        self.total = max(total_bytes, 1)
        self.enabled = enabled
        self.done = 0
        self.lines = 0
        self.started = self.last = time.monotonic()

    def advance(self, nbytes: int) -> None:
        self.done += nbytes
        self.lines += 1
        if self.enabled and (now := time.monotonic()) - self.last >= 0.1:
            self.last = now
            self.draw()

    def draw(self, end: str = "") -> None:
        fraction = min(self.done / self.total, 1.0)
        filled = int(fraction * 30)
        elapsed = max(time.monotonic() - self.started, 1e-9)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {fraction:6.1%} "
            f"{self.lines:,} lines {self.lines / elapsed:,.0f}/s{end}"
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.draw(end="\n")


class Command(BaseCommand):
    help = (
        "Validate and store events from JSON Lines files. Nothing is stored when any line is "
        "invalid; every error is listed as 'line N: reason'. Re-importing is a no-op."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="JSON Lines file(s)")
        parser.add_argument(
            "--progress",
            choices=("auto", "always", "never"),
            default="auto",
            help="progress bar on stderr: auto draws it when stderr is a terminal",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["paths"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            if not os.access(path, os.R_OK):
                raise CommandError(f"{path}: not readable")
        multiple = len(paths) > 1
        mode = options["progress"]
        show = mode == "always" or (mode == "auto" and sys.stderr.isatty())
        progress = Progress(sys.stderr, sum(p.stat().st_size for p in paths), show)
        # Positions are global across files; names let each error point at its own file.
        locations: list[tuple[int, Path]] = []

        def items() -> Iterator[tuple[int, Any]]:
            position = 0
            for path in paths:
                locations.append((position, path))
                with path.open("rb") as handle:
                    for raw in handle:
                        progress.advance(len(raw))
                        position += 1
                        if not raw.strip():
                            continue
                        yield position, _decode(raw)

        def describe(position: int) -> str:
            start, path = next((s, p) for s, p in reversed(locations) if s < position)
            return f"{path}: line {position - start}" if multiple else f"line {position - start}"

        result = events_ingest(items=items(), describe_position=describe)
        progress.finish()
        if result.errors:
            for error in result.errors:
                self.stderr.write(f"{describe(error.position)}: {error.reason}")
            noun = "line is" if len(result.errors) == 1 else "lines are"
            self.stderr.write(f"{len(result.errors)} {noun} invalid; nothing was stored.")
            sys.exit(1)
        self.stdout.write(
            f"stored: {result.stored}, already present: {result.already_present}, "
            f"shops created: {result.shops_created}, shops updated: {result.shops_updated}"
        )


# Types of a value orjson decodes exactly as the json module does. It reads integers beyond 64
# bits as floats, and so may differ inside arrays and objects; such lines, and any it refuses
# (NaN, lone surrogates, integers over 4,300 digits, ...), go through the json module, which
# decides and words the error (`json_decode`, shared with the API).
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def _decode(raw: bytes) -> Any:
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    else:
        if type(decoded) is dict and {type(v) for v in decoded.values()} <= _PLAIN_TYPES:
            return decoded
    return _decode_with_json(raw)


def _decode_with_json(raw: bytes) -> Any:
    """The json module's reading of a line, or why it is unreadable: what `_decode` matches."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Unreadable(f"not UTF-8 text (byte {exc.start + 1})")
    try:
        return json_decode(text)
    except JsonUnreadable as exc:
        return Unreadable(exc.with_column)
