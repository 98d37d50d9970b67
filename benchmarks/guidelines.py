"""Throughput of the chat guideline checker on one core.

    .venv/bin/python -m benchmarks.guidelines [--seconds 5]

Messages: the labelled test corpus plus the demo's seller messages (mostly clean, like real
traffic), checked in a loop for a few seconds; prints messages per second.
"""

from __future__ import annotations

import argparse
import time

from performance.rules.guidelines import check_text
from seller_portal.demo import AUTO_REPLIES, GUIDELINE_BREAKING, SELLER_REPLIES
from tests.guideline_corpus import CORPUS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    corpus = [text for text, _ in CORPUS]
    demo = [*SELLER_REPLIES, *AUTO_REPLIES, *GUIDELINE_BREAKING]
    for name, messages in (("corpus (about half flagged)", corpus), ("demo seller replies", demo)):
        checked, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < args.seconds:
            for text in messages:
                check_text(text)
            checked += len(messages)
        print(f"{name}: {checked / elapsed:,.0f} messages/s ({checked:,} in {elapsed:.1f} s)")


if __name__ == "__main__":
    main()
