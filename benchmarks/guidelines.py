"""Throughput of the chat guideline checker on one core: ordinary and adversarial text.

    .venv/bin/python -m benchmarks.guidelines [--seconds 5] [--length 5000]

Ordinary: the labelled test corpus and the demo's seller messages (mostly clean, like real
traffic), checked in a loop for a few seconds; then ordinary chat of `--length` characters.
Adversarial: for every pattern of the checker, the slowest of the texts built from that
pattern's own alphabet (tests/regex_adversary.py) at `--length` characters, and the security
assessment's two texts. Each line gives messages per second, milliseconds per message and the
cost as a multiple of ordinary chat of the same length.
"""

from __future__ import annotations

import argparse
import time

from performance.rules import guidelines
from performance.rules.guidelines import check_text
from seller_portal.demo import AUTO_REPLIES, GUIDELINE_BREAKING, SELLER_REPLIES
from tests.guideline_corpus import CORPUS
from tests.regex_adversary import adversaries, cost, module_patterns, ordinary_text


def _loop(messages: list[str], seconds: float) -> tuple[int, float]:
    checked, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for text in messages:
            check_text(text)
        checked += len(messages)
    return checked, elapsed


def _slowest(pattern, length: int) -> tuple[str, str]:
    timed = []
    for label, text in adversaries(pattern, length):
        started = time.perf_counter()
        check_text(text)
        timed.append((time.perf_counter() - started, label, text))
    _t, label, text = max(timed)
    return label, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--length", type=int, default=5000)
    args = parser.parse_args()
    corpus = [text for text, _ in CORPUS]
    demo = [*SELLER_REPLIES, *AUTO_REPLIES, *GUIDELINE_BREAKING]
    print("ordinary messages")
    for name, messages in (("corpus (about half flagged)", corpus), ("demo seller replies", demo)):
        checked, elapsed = _loop(messages, args.seconds)
        print(f"  {name}: {checked / elapsed:,.0f} messages/s ({checked:,} in {elapsed:.1f} s)")

    length = args.length
    ordinary = cost(check_text, ordinary_text(length, [*SELLER_REPLIES, *AUTO_REPLIES]))
    print(f"\n{length:,}-character messages (one core; ratio to ordinary chat of that length)")
    print(f"  {'text':<44} {'messages/s':>11} {'ms each':>8} {'ratio':>6}")

    def row(name: str, seconds: float) -> None:
        each, ratio = seconds * 1e3, seconds / ordinary
        print(f"  {name:<44} {1 / seconds:>11,.0f} {each:>8.2f} {ratio:>6.1f}")

    row("ordinary chat", ordinary)
    assessment = {
        '"www " + "a-b." repeated': ("www " + "a-b." * length)[:length],
        '"x@" + "a-" repeated': ("x@" + "a-" * length)[:length],
    }
    for name, text in assessment.items():
        row(f"assessment: {name}", cost(check_text, text))
    worst = 0.0
    for name, pattern in sorted(module_patterns(guidelines).items()):
        label, text = _slowest(pattern, length)
        seconds = cost(check_text, text)
        worst = max(worst, seconds)
        row(f"slowest for {name}: {label[:20]!r}", seconds)
    print(f"\nworst adversarial: {worst / ordinary:.1f}× ordinary chat of {length:,} characters")


if __name__ == "__main__":
    main()
